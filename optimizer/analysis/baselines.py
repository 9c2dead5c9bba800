"""The rules offices use today, run on the same scenario for comparison.

Every baseline shares out each pool on its own, in policy order, against the
firms' *claims*: the per-firm limits ``upper[i, p]`` of :mod:`optimizer.bounds`
(rate × request, capped, zero for firms below their class threshold). With a
``cap.total``, a firm's claim on a later pool is what the cap leaves after the
earlier pools. Baselines therefore respect the pools, the per-firm limits and
``cap.total``, but **not** the fairness rules (set-asides, the large-firm cap,
district and basic-research floors): they are what an office does without them.

- ``fcfs``: first come, first served. Firms in order of the optional
  ``applied_on`` column (ties and missing dates in file order), else file
  order; each gets its full claim until the pool runs out, and the firm at
  which it runs out gets what is left.
- ``pro_rata``: every claim scaled by one factor, min(1, budget / Σ claims).
- ``rank_by_score``: as ``fcfs`` but in order of score, highest first (ties
  to the earlier applicant).
- ``equal_awards``: constrained equal awards, min(claim, λ) with λ chosen so
  the pool is used up (or every claim met).

Amounts are rounded down to the fen, so no pool is ever overspent.

Per-firm overrides (:mod:`optimizer.overrides`) hold here too: every firm
first gets its lower bound (a fixed award or a ``min.P``), and the rule shares
out what the round may pay beyond those (the pool less ``reserve.P`` of what
the commitments leave) against the claims above them, up to ``max.P``; an
excluded firm claims nothing.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np

from optimizer.analysis.metrics import Groups, Metrics, measure
from optimizer.bounds import Limits, firm_limits
from optimizer.catalog import Lang, text
from optimizer.overrides import available
from optimizer.result import Result
from optimizer.scenario import APPLIED_ON, Scenario


class Baseline(StrEnum):
    """A claims rule an office might use instead of the optimizer."""

    FCFS = "fcfs"
    PRO_RATA = "pro_rata"
    RANK_BY_SCORE = "rank_by_score"
    EQUAL_AWARDS = "equal_awards"

    def label(self, lang: Lang) -> str:
        """The rule's name, from the catalog (受限平均分配 / constrained equal awards)."""
        return text(f"app.baseline.{self.value}", lang)

    @property
    def zh(self) -> str:
        """The rule's name in Chinese."""
        return self.label("zh")


#: Each baseline's name in Chinese (the catalog's words).
BASELINE_ZH: dict[Baseline, str] = {b: b.label("zh") for b in Baseline}


def application_order(scenario: Scenario) -> np.ndarray:
    """Firm indices in order of application: ``applied_on`` (missing last), then file order."""
    firms = scenario.firms
    n = len(firms)
    if APPLIED_ON not in firms.columns:
        return np.arange(n)
    dates = firms[APPLIED_ON].to_numpy(dtype="datetime64[ns]")
    return np.lexsort((np.arange(n), dates))  # NaT sorts last


def score_order(scenario: Scenario) -> np.ndarray:
    """Firm indices by score, highest first; equal scores in order of application."""
    n = len(scenario.firms)
    rank = np.empty(n, dtype=np.int64)
    rank[application_order(scenario)] = np.arange(n)
    scores = scenario.firms["score"].to_numpy(dtype=float)
    return np.asarray(np.lexsort((rank, -scores)))


def greedy(claims: np.ndarray, budget: float, order: np.ndarray) -> np.ndarray:
    """Full claims in ``order`` until ``budget`` runs out; the last firm gets the rest.

    >>> greedy(np.array([5.0, 4.0, 3.0]), 7.0, np.array([2, 0, 1])).tolist()
    [4.0, 0.0, 3.0]
    """
    ordered = claims[order]
    before = np.concatenate([[0.0], np.cumsum(ordered)[:-1]])
    awards = np.clip(budget - before, 0.0, ordered)
    out = np.zeros_like(claims)
    out[order] = awards
    return out


def pro_rata(claims: np.ndarray, budget: float) -> np.ndarray:
    """Every claim times min(1, budget / Σ claims).

    >>> pro_rata(np.array([6.0, 2.0]), 4.0).tolist()
    [3.0, 1.0]
    """
    total = math.fsum(claims)
    factor = 1.0 if total <= budget else budget / total
    return claims * factor


def equal_awards(claims: np.ndarray, budget: float) -> np.ndarray:
    """Constrained equal awards: min(claim, λ), λ the largest level the budget affords.

    >>> equal_awards(np.array([1.0, 5.0, 10.0]), 9.0).tolist()
    [1.0, 4.0, 4.0]
    """
    if math.fsum(claims) <= budget:
        return claims.copy()
    c = np.sort(claims)
    n = len(c)
    # With λ = c[k], the cost is Σ_{j<k} c[j] + (n − k) c[k]; find the first k it overshoots.
    below = np.concatenate([[0.0], np.cumsum(c)[:-1]])
    cost = below + (n - np.arange(n)) * c
    k = int(np.searchsorted(cost, budget, side="right"))
    level = float((budget - below[k]) / (n - k))
    return np.asarray(np.minimum(claims, level))


def run_baseline(scenario: Scenario, kind: Baseline | str,
                 limits: Limits | None = None) -> np.ndarray:
    """Allocate ``scenario``'s pools by a baseline rule (``limits``: its per-firm
    limits, if already computed).

    Returns
    -------
    numpy.ndarray
        Yuan per firm and program (firms × programs), within every pool,
        every per-firm limit and ``cap.total``; fairness rules are ignored.
    """
    kind = Baseline(kind)
    policy = scenario.policy
    limits = limits if limits is not None else firm_limits(scenario)
    n, n_programs = limits.upper.shape
    lower = limits.lower
    room = np.full(n, math.inf if policy.cap_total is None else policy.cap_total)
    room = room - lower.sum(axis=1)
    amounts = np.zeros((n, n_programs))
    order: np.ndarray | None = None
    for j, (program, pool) in enumerate(policy.budgets):
        budget = max(available(pool, policy.reserve(program), float(limits.committed[j]))
                     - math.fsum(lower[:, j]), 0.0)
        claims = np.clip(np.minimum(limits.upper[:, j] - lower[:, j], room), 0.0, None)
        if kind is Baseline.PRO_RATA:
            awards = pro_rata(claims, budget)
        elif kind is Baseline.EQUAL_AWARDS:
            awards = equal_awards(claims, budget)
        else:
            if order is None:  # the order of the queue, worked out once
                order = (score_order(scenario) if kind is Baseline.RANK_BY_SCORE
                         else application_order(scenario))
            awards = greedy(claims, budget, order)
        awards = np.floor(np.minimum(awards, claims) * 100.0) / 100.0
        amounts[:, j] = lower[:, j] + awards
        room = room - awards
    return amounts


def compare_baselines(scenario: Scenario, result: Result) -> list[tuple[str, Metrics]]:
    """Metrics of the optimized allocation and of every baseline, side by side.

    The first entry is ``("optimized", …)`` when ``result`` is optimal (it is
    left out otherwise, having no allocation); then one per :class:`Baseline`
    in declaration order, named by its value.
    """
    # the limits depend on the firms and the policy alone: the solve's are this scenario's
    limits = result.limits if result.scenario is scenario else firm_limits(scenario)
    groups = Groups.of(scenario)
    rows: list[tuple[str, Metrics]] = []
    if result.optimal:
        rows.append(("optimized", measure(scenario, result.amounts, limits, groups)))
    for kind in Baseline:
        amounts = run_baseline(scenario, kind, limits)
        rows.append((kind.value, measure(scenario, amounts, limits, groups)))
    return rows
