"""The decision log's record of one solve, built from its result.

Every ``voucher-opt solve`` calls :func:`record_solve`; the app builds the
same record with :func:`log_entry` and passes it to :meth:`Store.log_solve`.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from inputs.store.errors import StoreError
from inputs.store.records import LogEntry
from inputs.store.refs import parse_ref
from optimizer.result import Result

#: Packages whose versions each record keeps (the ones that decide the numbers).
PACKAGES: tuple[str, ...] = ("voucher-opt", "pulp", "highspy", "numpy", "pandas")


def package_versions() -> dict[str, str]:
    """Python and :data:`PACKAGES` versions (``"?"`` for one not installed as a package)."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "?"
    return found


def figures(result: Result) -> dict[str, Any]:
    """The key figures of a solve: budgets, spend, firms funded and coverage."""
    programs = result.programs
    policy = result.scenario.policy
    return {
        "firms": len(result.scenario.firms),
        "budgets": {p: policy.budget(p) for p in programs},
        "spend": {p: result.spend(p) for p in programs} if result.optimal else {},
        "firms_funded": result.firms_funded if result.optimal else 0,
        "min_class_coverage": result.min_class_coverage if result.optimal else None,
        "coverage_by_size_class": result.coverage_by("size_class") if result.optimal else {},
        "objective_kind": str(policy.objective),
        "diagnosis": [f.text_en for f in result.diagnosis],
    }


def log_entry(result: Result, *, scenario_name: str, version: int | None = None,
              user: str | None = None) -> LogEntry:
    """The decision-log record of ``result`` (time and user filled in by the store)."""
    versions = package_versions()
    return LogEntry(
        at=None,
        user=user,
        scenario_name=scenario_name,
        version=version,
        digest=result.scenario.digest,
        status=str(result.status),
        objective=result.objective if result.optimal else None,
        figures=figures(result),
        solver=f"HiGHS (highspy {versions['highspy']}) via PuLP {versions['pulp']}",
        versions=versions,
    )


def record_solve(source: str | Path | None, result: Result) -> bool:
    """Write the decision-log record of a command-line solve of ``source``.

    A store reference is logged under its name and resolved version; a file
    under the scenario's name with no version. When the store cannot be
    written the solve still stands: a warning goes to stderr and False is
    returned.
    """
    from inputs.store.db import open_store
    from inputs.store.service import Service, command_line_actor

    ref = parse_ref(source) if source is not None else None
    try:
        store = open_store()
        if ref is None:
            name, version = result.scenario.name, None
        else:
            name = ref.name
            version = ref.version or store.find_version(ref.name, result.scenario.digest)
        Service(store, command_line_actor()).record_solve(result, name, version)
    except StoreError as err:
        print(f"warning: the decision log was not written: {err}\n"
              f"警告：决策记录未能写入：{err.text('zh')}", file=sys.stderr)
        return False
    return True

