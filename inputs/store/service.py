"""The store as one signed-in actor sees it: every action checks the role, then is audited.

The app and the command line call this, never the raw :class:`Store`, for
anything a role governs. A viewer's forged request to solve or save reaches
:func:`~inputs.store.access.require` here and is refused, whatever the page
showed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from inputs.store import approvals, audit, users
from inputs.store.access import VIA_CLI, Action, Actor, Role, require
from inputs.store.approvals import Decision, DecisionStatus
from inputs.store.audit import AuditEntry, Verification
from inputs.store.records import VersionRef
from optimizer.result import Result
from optimizer.scenario import Scenario

if TYPE_CHECKING:
    from inputs.store.db import Store

T = TypeVar("T")


def command_line_actor() -> Actor:
    """The command line's actor: the OS user, the administrator of a database they can open."""
    from inputs.store.db import _os_user

    return Actor(_os_user() or "admin", Role.APPROVER, via=VIA_CLI, admin=True)


class Service:
    """``store`` acting for ``actor``."""

    def __init__(self, store: Store, actor: Actor) -> None:
        self.store = store
        self.actor = actor

    def may(self, action: Action) -> bool:
        return self.actor.may(action)

    def require(self, action: Action) -> None:
        require(self.actor, action)

    # -- scenarios -----------------------------------------------------------------------

    def save_version(self, name: str, scenario: Scenario, note: str = "") -> VersionRef:
        """Save a new version of ``name`` (analysts and approvers)."""
        self.require(Action.SAVE)
        ref = self.store.save_version(name, scenario, user=self.actor.name, note=note)
        audit.record(self.store, self.actor, Action.SAVE, f"{ref.name}@{ref.version}",
                     {"scenario_digest": ref.digest, "firms": len(scenario.firms),
                      "note": note})
        return ref

    def solve(self, scenario: Scenario, solver: Callable[[Scenario], T]) -> T:
        """Run ``solver`` on ``scenario`` once the role allows solving."""
        self.require(Action.SOLVE)
        return solver(scenario)

    def record_solve(self, result: Result, scenario_name: str,
                     version: int | None = None) -> None:
        """Write the solve to the decision log and the audit trail."""
        from inputs.store.decisions import log_entry

        self.require(Action.SOLVE)
        self.store.log_solve(log_entry(result, scenario_name=scenario_name, version=version,
                                       user=self.actor.name))
        target = scenario_name if version is None else f"{scenario_name}@{version}"
        audit.record(self.store, self.actor, Action.SOLVE, target,
                     {"scenario_digest": result.scenario.digest, "status": str(result.status),
                      "result_digest": approvals.result_digest(result)
                      if result.optimal else None})

    def exported(self, kind: str, target: str, **digests: Any) -> None:
        """Record that ``kind`` (a report, a scenario workbook, the audit log) was downloaded."""
        self.require(Action.EXPORT)
        audit.record(self.store, self.actor, Action.EXPORT, target, {"kind": kind, **digests})

    # -- decisions -------------------------------------------------------------------------

    def submit(self, name: str, version: int, result: Result, note: str) -> Decision:
        return approvals.submit(self.store, self.actor, name, version, result, note)

    def approve(self, decision_id: int, comment: str) -> Decision:
        return approvals.approve(self.store, self.actor, decision_id, comment)

    def reject(self, decision_id: int, comment: str) -> Decision:
        return approvals.reject(self.store, self.actor, decision_id, comment)

    def decisions(self, name: str | None = None,
                  status: DecisionStatus | None = None) -> list[Decision]:
        self.require(Action.READ)
        return approvals.decisions(self.store, name=name, status=status)

    def decision(self, decision_id: int) -> Decision:
        self.require(Action.READ)
        return approvals.get(self.store, decision_id)

    # -- the audit trail ---------------------------------------------------------------------

    def audit_entries(self, *, actor: str | None = None, action: str | None = None,
                      since: datetime | None = None, until: datetime | None = None,
                      contains: str | None = None, limit: int | None = 1000
                      ) -> list[AuditEntry]:
        """Audit entries, newest first (approvers only)."""
        self.require(Action.READ_AUDIT)
        return audit.entries(self.store, actor=actor, action=action, since=since,
                             until=until, contains=contains, limit=limit)

    def verify(self) -> Verification:
        self.require(Action.READ_AUDIT)
        return audit.verify(self.store)

    # -- users ---------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password: str | None) -> users.User:
        return users.add_user(self.store, self.actor, name, role, password)

    def set_password(self, name: str, password: str) -> None:
        users.set_password(self.store, self.actor, name, password)

    def set_role(self, name: str, role: str) -> None:
        users.set_role(self.store, self.actor, name, role)

    def remove_user(self, name: str) -> None:
        users.remove_user(self.store, self.actor, name)
