"""What the store hands back: small frozen records, no database types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from optimizer.scenario import Scenario


@dataclass(frozen=True)
class VersionRef:
    """One saved version: the scenario's name, its version (from 1) and digest.

    ``scenario_id`` stays the same through a rename, so a reference kept by a
    what-if still finds its scenario.
    """

    name: str
    version: int
    digest: str
    scenario_id: int

    @property
    def ref(self) -> str:
        """The reference the command line accepts: ``store:NAME@N``."""
        return f"store:{self.name}@{self.version}"


@dataclass(frozen=True)
class VersionInfo:
    """A version as the library lists it (without its firms)."""

    version: int
    digest: str
    saved_at: datetime  # UTC, timezone-aware
    user: str | None
    note: str
    n_firms: int


@dataclass(frozen=True)
class ScenarioInfo:
    """A named scenario: how many versions it has and its latest."""

    name: str
    scenario_id: int
    versions: int
    latest: VersionInfo
    deleted: bool = False


@dataclass(frozen=True, eq=False)
class WhatIf:
    """A what-if saved from a browser session, with the version it was based on."""

    id: int
    name: str
    scenario: Scenario
    base: VersionRef | None
    saved_at: datetime
    result_summary: dict[str, Any] | None = None


@dataclass(frozen=True)
class LogEntry:
    """One solve in the decision log.

    ``at`` (UTC) and ``user`` may be left None: the store fills in the time
    of writing and the OS user.
    """

    at: datetime | None
    user: str | None
    scenario_name: str
    version: int | None
    digest: str
    status: str
    objective: float | None
    figures: dict[str, Any] = field(default_factory=dict)
    solver: str = ""
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the time as ISO 8601."""
        return {
            "at": self.at.isoformat() if self.at else None,
            "user": self.user,
            "scenario": self.scenario_name,
            "version": self.version,
            "digest": self.digest,
            "status": self.status,
            "objective": self.objective,
            "figures": self.figures,
            "solver": self.solver,
            "versions": self.versions,
        }
