"""Per-firm overrides: fixed awards (commitments), per-firm bounds, exclusions.

Optional firms columns, per program P:

- ``fixed.P`` — the firm gets exactly this many yuan in P. It is a
  commitment: it counts against the pool and every rule. It may exceed
  rate × request and the score threshold (an award already announced stands),
  but not ``cap.P`` or ``cap.total`` (those contradictions are diagnosed).
- ``min.P`` / ``max.P`` — the firm gets at least / at most this in P, inside
  its limit. A ``max.P`` above the limit changes nothing (the limit is lower);
  a ``min.P`` above the limit is a contradiction.
- ``exclude`` — the firm gets nothing at all.
- ``note`` — the reason, shown in the firm's explanation and in the report.

All of them are variable bounds in the LP (``lower ≤ a[i, p] ≤ upper``), never
rows. Nothing is clipped: :func:`optimizer.override_diagnosis.precheck` names
every override that cannot hold together with the rules, with the firms and the
amounts, before any LP is built. The pure arithmetic lives here; :mod:`optimizer.bounds` applies the
bounds and :mod:`optimizer.override_diagnosis` words the contradictions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizer.scenario import Scenario

#: Optional firms columns that hold no amount.
EXCLUDE = "exclude"
NOTE = "note"
#: The three per-program override kinds, in sheet order.
KINDS: tuple[str, ...] = ("fixed", "min", "max")


def override_column(kind: str, program: str) -> str:
    """``fixed.training``, ``min.model``, ``max.corpus``."""
    return f"{kind}.{program}"


def override_columns(programs: Sequence[str]) -> tuple[str, ...]:
    """Every optional override column of a scenario with ``programs``, in sheet order."""
    per_program = tuple(override_column(k, p) for k in KINDS for p in programs)
    return (*per_program, EXCLUDE, NOTE)


@dataclass(frozen=True, eq=False)
class Overrides:
    """The overrides of one scenario as arrays (NaN: no override).

    Attributes
    ----------
    fixed, minimum, maximum
        Shape (firms, programs), yuan or NaN.
    excluded
        Shape (firms,), bool.
    notes
        Shape (firms,), str ("" when none).
    """

    fixed: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    excluded: np.ndarray
    notes: np.ndarray

    @property
    def any(self) -> bool:
        """Whether any firm has an override (a note alone is not one)."""
        return bool(self.excluded.any() or np.isfinite(self.fixed).any()
                    or np.isfinite(self.minimum).any() or np.isfinite(self.maximum).any())

    @property
    def pinned(self) -> np.ndarray:
        """(firms, programs): a fixed award is given."""
        return np.isfinite(self.fixed)

    def overridden(self) -> np.ndarray:
        """(firms,): the firm has an override of any kind."""
        per_program = (np.isfinite(self.fixed) | np.isfinite(self.minimum)
                       | np.isfinite(self.maximum)).any(axis=1)
        return np.asarray(per_program | self.excluded, dtype=bool)


def read_overrides(scenario: Scenario) -> Overrides:
    """The overrides of ``scenario``'s firms table (all NaN when it has no such columns)."""
    firms = scenario.firms
    n, programs = len(firms), scenario.programs

    def amounts(kind: str) -> np.ndarray:
        out = np.full((n, len(programs)), np.nan)
        for j, p in enumerate(programs):
            column = override_column(kind, p)
            if column in firms.columns:
                out[:, j] = firms[column].to_numpy(dtype=float, na_value=np.nan)
        return out

    excluded = (firms[EXCLUDE].fillna(False).to_numpy(dtype=bool) if EXCLUDE in firms.columns
                else np.zeros(n, dtype=bool))
    notes = (firms[NOTE].fillna("").astype(str).to_numpy(dtype=object) if NOTE in firms.columns
             else np.full(n, "", dtype=object))
    return Overrides(amounts("fixed"), amounts("min"), amounts("max"), excluded, notes)


def apply_overrides(overrides: Overrides, by_rule: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(lower, upper)`` per firm and program: the rule limit ``by_rule`` with the overrides.

    Excluded: 0 to 0. Fixed: the fixed amount to itself. Otherwise
    ``min.P`` (or 0) to ``min(limit, max.P)``. Contradictory overrides are
    carried as given (a lower bound may exceed the upper); the pre-check
    (:mod:`optimizer.override_diagnosis`) reports them before any solve.
    """
    lower = np.where(np.isfinite(overrides.minimum), overrides.minimum, 0.0)
    upper = np.where(np.isfinite(overrides.maximum),
                     np.minimum(by_rule, overrides.maximum), by_rule)
    pinned = overrides.pinned
    lower = np.where(pinned, overrides.fixed, lower)
    upper = np.where(pinned, overrides.fixed, upper)
    out = overrides.excluded[:, None]
    return np.where(out, 0.0, lower), np.where(out, 0.0, upper)


def committed(lower: np.ndarray) -> np.ndarray:
    """Commitments per program: the yuan that fixed awards and minimums promise.

    (The lower bounds of :func:`apply_overrides`, summed over firms; an excluded
    firm promises nothing.)
    """
    return np.asarray(lower.sum(axis=0)) if lower.size else np.zeros(lower.shape[1:])


def available(budget: float, reserve: float, commitments: float) -> float:
    """What a pool may pay out this round, commitments included.

    The round allocates at most ``(1 − reserve)`` of what is left after the
    commitments: ``commitments + (1 − reserve) × (budget − commitments)``,
    i.e. ``budget − reserve × (budget − commitments)``. With no reserve this is
    the budget itself, whatever the commitments.
    """
    if reserve <= 0:
        return budget
    return budget - reserve * max(budget - commitments, 0.0)


def firm_bounds(firm: Mapping[str, Any], program: str, by_rule: float) -> tuple[float, float]:
    """``(lower, upper)`` of one firm in one program from its row, for the independent check.

    ``by_rule`` is the limit computed by the checker itself; the overrides are
    read from the row's own cells (``fixed.P``, ``min.P``, ``max.P``, ``exclude``).
    """
    def cell(kind: str) -> float | None:
        value = firm.get(override_column(kind, program))
        if value is None:
            return None
        number = float(value)
        return None if math.isnan(number) else number

    excluded = firm.get(EXCLUDE)
    if excluded is not None and excluded == excluded and bool(excluded):
        return 0.0, 0.0
    fixed = cell("fixed")
    if fixed is not None:
        return fixed, fixed
    low, high = cell("min"), cell("max")
    upper = by_rule if high is None else min(by_rule, high)
    return (0.0 if low is None else low), upper
