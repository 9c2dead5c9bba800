"""What a solve returns: the allocation, its status, duals and diagnosis."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from optimizer.bounds import Limits
from optimizer.catalog import Lang, text
from optimizer.rows import Keyed, RowKey
from optimizer.scenario import Scenario, SizeClass

if TYPE_CHECKING:
    from optimizer.rules import Rule


class Status(StrEnum):
    """How a solve ended (every HiGHS model status maps to one of these)."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    ERROR = "error"  # the solver failed for a reason other than the above

    def label(self, lang: Lang) -> str:
        """The status in words (``不可行`` / ``infeasible``)."""
        return text(f"status.{self.value}", lang)

    @classmethod
    def words(cls, value: str, lang: Lang) -> str:
        """A recorded status in words; a value that is not a status is shown as it is."""
        return cls(value).label(lang) if value in cls._value2member_map_ else value


#: The key of the route of the money that officers' fixed awards and minimums hold in
#: place (variable bounds, not a row of any rule).
OVERRIDE_ROUTE = RowKey("override")


@dataclass(frozen=True)
class Route:
    """A way money reached firms, recorded while solving.

    The general pool of a program funds firms whose own score pays for the money
    at the pool's margin; a binding ``≥`` row (a set-aside, a floor, a max-min
    level) funds members of its group below that margin; an officer's fixed
    award or minimum (key :data:`OVERRIDE_ROUTE`) funds its firm whatever its
    score. A firm held at its override is funded through that route only, so it
    lowers neither the pool's cut-off nor a group's.

    Attributes
    ----------
    key
        The deciding row, None for a program's general pool, or
        :data:`OVERRIDE_ROUTE`.
    program
        The general pool's program (None for a row, which may span programs).
    programs
        The programs through which the route funded someone.
    cut_off
        The lowest score funded through the route (score × tier weight of the
        last yuan with ``returns.tiers``), without the tie-break bonus.
    funded
        How many firms the route funded.
    """

    key: RowKey | None
    program: str | None
    programs: tuple[str, ...]
    cut_off: float
    funded: int
    #: A general pool under the overspend-risk limit prices each size class apart
    #: (a class that redeems more, or less surely, costs more of the risk budget per
    #: yuan issued): one general route per class, offered to that class's firms only.
    #: Where the class got nothing, ``cut_off`` is the score its next yuan must beat.
    size_class: str | None = None

    @property
    def general(self) -> bool:
        return self.key is None

    @property
    def override(self) -> bool:
        """Money an officer's fixed award or minimum held in place (no rule's row)."""
        return self.key == OVERRIDE_ROUTE

    @property
    def by_row(self) -> bool:
        """Funded through a binding ``≥`` row of a rule (a set-aside, a floor, a level)."""
        return self.key is not None and not self.override


@dataclass(frozen=True)
class RowReport(Keyed):
    """One rule row after solving.

    Attributes
    ----------
    key
        The row's :class:`~optimizer.rows.RowKey` (``name``, ``rule`` and
        ``group`` are its parts as strings).
    sense
        ``"<="`` or ``">="``.
    rhs, activity
        The row's bound and Σ a over it, in yuan.
    marginal
        ∂impact/∂rhs: impact points (score × yuan) per yuan of right-hand side.
        Positive when loosening the row helps (a pool), negative when
        tightening it costs (a floor).
    binding
        The row holds with equality and has a non-zero marginal value.
    """

    key: RowKey
    sense: str
    rhs: float
    activity: float
    marginal: float
    binding: bool


    @property
    def slack(self) -> float:
        """Yuan of room left before the row binds."""
        return self.rhs - self.activity if self.sense == "<=" else self.activity - self.rhs


@dataclass(frozen=True)
class Finding:
    """One plain-language reason a scenario is infeasible."""

    rules: tuple[str, ...]
    text_zh: str
    text_en: str
    shortfall: float = 0.0

    def text(self, lang: Lang) -> str:
        return self.text_zh if lang == "zh" else self.text_en


@dataclass(frozen=True, eq=False)
class Result:
    """An allocation of a scenario's pools, or why there is none.

    Attributes
    ----------
    status
        Read it before anything else: amounts are zero unless optimal.
    amounts
        Yuan per firm and program, shape (firms, programs).
    objective
        Impact Σ_i score_i × Σ_p a[i, p] (with the scores as given, no tie-break).
    level
        Max-min objectives: the smallest coverage the first stage reached.
    levels
        Max-min objectives: ``(group, level)`` in the order groups were fixed.
    rows
        Every rule row with its activity and marginal value.
    diagnosis
        Infeasible scenarios: the conflicting rules and the amounts involved.
    rules
        The rules that made the rows (and the max-min objective, if any).
    routes
        How money reached firms (:class:`Route`), recorded while solving.
    decided
        Firms × programs: index into ``routes`` of the route that funded the
        pair, -1 where the pair got nothing.
    """

    status: Status
    scenario: Scenario
    limits: Limits
    amounts: np.ndarray
    objective: float
    level: float | None = None
    levels: tuple[tuple[str, float], ...] = ()
    rows: tuple[RowReport, ...] = ()
    diagnosis: tuple[Finding, ...] = ()
    solver_status: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    routes: tuple[Route, ...] = ()
    decided: np.ndarray | None = None

    @property
    def marginals(self) -> dict[RowKey, float]:
        """Row key → ∂impact/∂rhs per yuan."""
        return {r.key: r.marginal for r in self.rows}

    @property
    def activities(self) -> dict[RowKey, float]:
        """Row key → the row's left-hand side in the solution, yuan."""
        return {r.key: r.activity for r in self.rows}

    def rule(self, key: str) -> Rule:
        """The rule of this result whose key is ``key``."""
        for rule in self.rules:
            if rule.key == key:
                return rule
        raise KeyError(key)

    @property
    def optimal(self) -> bool:
        return self.status is Status.OPTIMAL

    @property
    def programs(self) -> tuple[str, ...]:
        return self.scenario.programs

    @property
    def totals(self) -> np.ndarray:
        """Yuan per firm across programs."""
        return self.amounts.sum(axis=1)

    def spend(self, program: str) -> float:
        """Yuan paid out of one pool."""
        return math.fsum(self.amounts[:, self.programs.index(program)])

    @property
    def allocations(self) -> pd.DataFrame:
        """One row per firm: who they are, what they could get and what they get."""
        firms = self.scenario.firms
        table = firms[["firm_id", "name", "size_class", "district", "score"]].copy()
        table["eligible"] = self.limits.eligible
        for j, program in enumerate(self.programs):
            table[f"{program}_upper"] = self.limits.upper[:, j]
        for j, program in enumerate(self.programs):
            table[program] = self.amounts[:, j]
        table["total"] = self.totals
        upper_total = self.limits.upper.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            table["coverage"] = np.where(upper_total > 0, self.totals / upper_total, np.nan)
        return table

    def coverage_by(self, column: str) -> dict[str, float]:
        """Σ a / Σ upper per value of a firms column (``size_class``, ``district``).

        Groups whose members are eligible for nothing are left out.
        """
        keys = self.scenario.firms[column].astype(str).to_numpy()
        upper = self.limits.upper.sum(axis=1)
        got = self.totals
        out: dict[str, float] = {}
        for key in sorted(set(keys), key=_class_order):
            mask = keys == key
            denominator = math.fsum(upper[mask])
            if denominator > 0:
                out[key] = math.fsum(got[mask]) / denominator
        return out

    @property
    def min_class_coverage(self) -> float | None:
        """The smallest size-class coverage (the max-min objective's level)."""
        coverage = self.coverage_by("size_class")
        return min(coverage.values()) if coverage else None

    @property
    def firms_funded(self) -> int:
        return int((self.totals > 0.5).sum())

    def binding_rows(self) -> list[RowReport]:
        return [r for r in self.rows if r.binding]


def _class_order(key: str) -> tuple[int, str]:
    order = [c.value for c in SizeClass]
    return (order.index(key), key) if key in order else (len(order), key)
