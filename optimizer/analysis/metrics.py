"""Figures an officer reports for any allocation: impact, spend, reach, equality.

:func:`measure` works on a plain allocation matrix, so the optimized result,
the baselines and every point of a frontier are measured the same way.

Populations
-----------
- *Coverage* of a group is Σ a / Σ upper over its members, where ``upper`` is
  the per-firm limit of :mod:`optimizer.bounds`; groups eligible for nothing
  are left out.
- *Shares* are fractions of all money paid out (0 when nothing is paid).
- The *Gini coefficient* and *Jain's index* are taken over the yuan totals of
  the **eligible applicants**: firms whose limit Σ_p upper[i, p] is positive
  (score at or above their class threshold and a positive request). Firms that
  could get nothing anyway would only add zeros that no allocation can change.
  With no eligible applicant, or nothing paid, the Gini is 0 and Jain's index 1
  (everyone got the same: nothing).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.bounds import Limits, firm_limits
from optimizer.scenario import Scenario, SizeClass

#: A firm counts as funded when it receives more than this many yuan.
FUNDED_YUAN = 0.5


@dataclass(frozen=True)
class Metrics:
    """What one allocation achieves.

    Attributes
    ----------
    impact
        Σ_i score_i × Σ_p a[i, p] with the scores as given (score × yuan).
    spend
        Program → yuan paid out of its pool.
    spend_total
        Yuan paid out of all pools.
    firms_funded
        Firms receiving more than :data:`FUNDED_YUAN`.
    startup_share
        Share of all money paid that reaches startups.
    coverage_by_class, coverage_by_district
        Group → Σ a / Σ upper (groups eligible for nothing left out).
    share_by_class, share_by_district
        Group → share of all money paid.
    gini
        Gini coefficient of firm totals over eligible applicants (0 = equal).
    jain
        Jain's index (Σx)² / (n Σx²) over the same population (1 = equal).
    """

    impact: float
    spend: dict[str, float]
    spend_total: float
    firms_funded: int
    startup_share: float
    coverage_by_class: dict[str, float]
    coverage_by_district: dict[str, float]
    share_by_class: dict[str, float]
    share_by_district: dict[str, float]
    gini: float
    jain: float

    @property
    def min_class_coverage(self) -> float | None:
        """The smallest size-class coverage (the max-min level), or None."""
        return min(self.coverage_by_class.values()) if self.coverage_by_class else None

    def summary(self) -> dict[str, float | int | None]:
        """The headline figures as one flat dict (for tables and JSON)."""
        return {
            "objective": self.impact,
            "spend_total": self.spend_total,
            "firms_funded": self.firms_funded,
            "startup_share": self.startup_share,
            "min_class_coverage": self.min_class_coverage,
            "gini": self.gini,
            "jain": self.jain,
        }


def gini(values: np.ndarray) -> float:
    """Gini coefficient Σ_ij |x_i − x_j| / (2 n² mean) of non-negative values.

    >>> gini(np.array([1.0, 1.0, 1.0]))
    0.0
    >>> round(gini(np.array([0.0, 0.0, 3.0])), 4)
    0.6667
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    total = math.fsum(x)
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    # Σ_ij |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i) for sorted x
    return float(np.dot(2 * ranks - n - 1, x) / (n * total))


def jain(values: np.ndarray) -> float:
    """Jain's fairness index (Σx)² / (n Σx²): 1 when all equal, 1/n when one gets all.

    >>> jain(np.array([2.0, 2.0]))
    1.0
    >>> jain(np.array([0.0, 4.0]))
    0.5
    """
    x = np.asarray(values, dtype=float)
    squares = float(np.dot(x, x))
    if len(x) == 0 or squares <= 0:
        return 1.0
    return math.fsum(x) ** 2 / (len(x) * squares)


def group_sums(keys: np.ndarray, values: np.ndarray) -> dict[str, float]:
    """Σ values per key, keys sorted (size classes in their natural order)."""
    return grouped_by(keys)(values)


def grouped_by(keys: np.ndarray) -> Callable[[np.ndarray], dict[str, float]]:
    """:func:`group_sums` over fixed keys: the keys are sorted once for many value arrays."""
    codes, labels = pd.factorize(np.asarray(keys, dtype=object), use_na_sentinel=False)
    names = [str(label) for label in labels]
    order = sorted(range(len(names)), key=lambda k: _class_order(names[k]))

    def sums(values: np.ndarray) -> dict[str, float]:
        totals = np.bincount(codes, weights=values, minlength=len(names))
        return {names[k]: float(totals[k]) for k in order}

    return sums


@dataclass(frozen=True, eq=False)
class Groups:
    """The size-class and district groups of a scenario's firms, found once for
    measuring many allocations of it."""

    by_class: Callable[[np.ndarray], dict[str, float]]
    by_district: Callable[[np.ndarray], dict[str, float]]

    @classmethod
    def of(cls, scenario: Scenario) -> Groups:
        firms = scenario.firms
        return cls(grouped_by(firms["size_class"].astype(str).to_numpy()),
                   grouped_by(firms["district"].astype(str).to_numpy()))


def _class_order(key: str) -> tuple[int, str]:
    order = [c.value for c in SizeClass]
    return (order.index(key), key) if key in order else (len(order), key)


def _ratio(numerators: dict[str, float], denominators: dict[str, float]) -> dict[str, float]:
    return {k: numerators[k] / d for k, d in denominators.items() if d > 0}


def measure(scenario: Scenario, amounts: np.ndarray, limits: Limits | None = None,
            groups: Groups | None = None) -> Metrics:
    """Measure an allocation of ``scenario`` (yuan, firms × programs).

    Parameters
    ----------
    scenario
        The scenario the allocation is for.
    amounts
        Yuan per firm and program.
    limits
        The scenario's per-firm limits, if already computed.
    groups
        Its firms' groups (:meth:`Groups.of`), if already found.
    """
    limits = limits if limits is not None else firm_limits(scenario)
    groups = groups if groups is not None else Groups.of(scenario)
    firms = scenario.firms
    totals = amounts.sum(axis=1)
    upper_totals = limits.upper.sum(axis=1)
    scores = firms["score"].to_numpy(dtype=float)
    spend = {p: math.fsum(amounts[:, j]) for j, p in enumerate(scenario.programs)}
    spend_total = math.fsum(spend.values())

    got_class = groups.by_class(totals)
    got_district = groups.by_district(totals)
    share_by_class = {k: v / spend_total if spend_total > 0 else 0.0 for k, v in got_class.items()}
    share_by_district = {
        k: v / spend_total if spend_total > 0 else 0.0 for k, v in got_district.items()
    }
    eligible = upper_totals > 0
    return Metrics(
        impact=math.fsum(scores * totals),
        spend=spend,
        spend_total=spend_total,
        firms_funded=int((totals > FUNDED_YUAN).sum()),
        startup_share=share_by_class.get(SizeClass.STARTUP.value, 0.0),
        coverage_by_class=_ratio(got_class, groups.by_class(upper_totals)),
        coverage_by_district=_ratio(got_district, groups.by_district(upper_totals)),
        share_by_class=share_by_class,
        share_by_district=share_by_district,
        gini=gini(totals[eligible]),
        jain=jain(totals[eligible]),
    )
