"""Frontiers: sweep one rule's parameter and tabulate impact and fairness along it.

``sweep(scenario, "startup_floor", [0, 0.05, …, 0.6])`` answers "what does each
step of the set-aside cost?". The LP is built once (by
:class:`~optimizer.solve.Resolver`): the swept rule's rows are
always in it (a 0 % set-aside is a row with right-hand side 0, a 100 % cap a
row that cannot bind), and each point only changes right-hand sides with
:meth:`~optimizer.model.AllocationModel.set_rhs` before re-solving. A budget
sweep moves the pool and every row that depends on it (set-asides and caps are
shares of the pool). A sweep of the overspend risk ε moves only the CVaR rows'
weights 1/(εN) (:meth:`~optimizer.model.AllocationModel.set_aux`); its points
are solved in fixed runs of :data:`RISK_RUN` consecutive values, each run on one
model re-solved warm, so that the runs can go to an executor and the results
are the same bytes wherever they ran. Under ``objective = leximin`` each stage
fixes groups in the model, so each point is solved afresh with
:func:`optimizer.solve`.

A point that is infeasible is solved again with :func:`optimizer.solve` for its
diagnosis; the sweep goes on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizer.analysis.metrics import Metrics, measure
from optimizer.policy import Objective, Policy, PolicyError, PolicyKey
from optimizer.result import Finding, Result, Status
from optimizer.rules import SHARE_RULES
from optimizer.scenario import Scenario
from optimizer.solve import Resolver, solve

#: progress(done, total): called with 0 before the first point and after each point.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class FrontierPoint:
    """One point of a sweep.

    Attributes
    ----------
    value
        The swept parameter (a share, or yuan for a budget).
    status
        ``optimal`` or why not; the other figures are empty unless optimal.
    objective
        Impact Σ score × yuan.
    metrics
        Every figure of :class:`~optimizer.analysis.metrics.Metrics`.
    amounts
        The allocation, yuan per firm and program.
    diagnosis
        Why an infeasible point is infeasible.
    """

    value: float
    status: Status
    objective: float | None
    metrics: Metrics | None = None
    amounts: np.ndarray | None = None
    diagnosis: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The point as plain data (the ``sweep --json`` shape, plus extras)."""
        out: dict[str, Any] = {"value": self.value, "status": str(self.status),
                               "objective": self.objective}
        m = self.metrics
        out |= {
            "startup_share": m.startup_share if m else None,
            "gini": m.gini if m else None,
            "jain": m.jain if m else None,
            "firms_funded": m.firms_funded if m else None,
            "spend_total": m.spend_total if m else None,
            "min_class_coverage": m.min_class_coverage if m else None,
            "coverage_by_class": m.coverage_by_class if m else {},
            "diagnosis": [f.text_en for f in self.diagnosis],
        }
        return out


@dataclass(frozen=True, eq=False)
class Frontier:
    """A sweep of one rule's parameter.

    Attributes
    ----------
    rule
        The swept policy key (``startup_floor``, ``budget.training`` …).
    points
        One per value, in the order given.
    seconds
        Wall time of the whole sweep.
    scenario_name
        The name of the swept scenario.
    """

    rule: str
    points: tuple[FrontierPoint, ...]
    seconds: float = 0.0
    scenario_name: str = "scenario"

    def to_dict(self) -> dict[str, Any]:
        """``{"rule": …, "points": [...]}`` as the command line prints it."""
        return {"rule": self.rule, "scenario": self.scenario_name, "seconds": self.seconds,
                "points": [p.to_dict() for p in self.points]}

    def to_frame(self) -> pd.DataFrame:
        """One row per point: value, status, objective and the headline metrics."""
        rows = [{k: v for k, v in p.to_dict().items()
                 if k not in ("coverage_by_class", "diagnosis")} for p in self.points]
        return pd.DataFrame(rows)


#: The swept key of the redemption model: ε, the allowed overspend probability.
RISK = "overspend_risk"
#: Consecutive points of a risk sweep solved on one model (one task of an executor). The
#: runs do not depend on the executor, so neither do the results. Measured on the
#: default scenario with 1,000 samples (21 points, here): a fresh model costs about
#: 0.1 s, a warm re-solve about 0.03 s.
RISK_RUN = 7


def sweepable(scenario: Scenario) -> list[str]:
    """The rules :func:`sweep` accepts for this scenario."""
    risk = [RISK] if scenario.policy.redemption_model().active else []
    return [*SHARE_RULES, *(str(PolicyKey("budget", p)) for p in scenario.programs), *risk]


def policy_at(policy: Policy, rule: str, value: float) -> Policy:
    """``policy`` with ``rule`` set to ``value``.

    Raises
    ------
    ValueError
        On a rule that cannot be swept or a value out of its range.
    """
    try:
        key: PolicyKey | None = PolicyKey.parse(rule)
    except PolicyError:
        key = None
    if key is not None and key.kind in SHARE_RULES:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{rule} must be between 0 and 1, got {value:g}")
        return policy.with_values(**{key.kind: float(value)})
    if key is not None and key.kind == "budget" and key.program in policy.programs:
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"{rule} must be yuan ≥ 0, got {value:g}")
        budgets = tuple((p, float(value) if p == key.program else b) for p, b in policy.budgets)
        return policy.with_values(budgets=budgets)
    if rule == RISK:
        if not policy.redemption_model().active:
            raise ValueError(f"{RISK} needs a redemption model (a redemption.CLASS below 1)")
        if not 0 < value < 1:
            raise ValueError(f"{RISK} must be above 0 and below 1, got {value:g}")
        return policy.with_values(overspend_risk=float(value))
    allowed = ", ".join([*SHARE_RULES, *(str(PolicyKey("budget", p)) for p in policy.programs)])
    raise ValueError(f"cannot sweep {rule!r}; choose one of {allowed}")


def sweep(scenario: Scenario, rule: str, values: Sequence[float],
          progress: Progress | None = None, executor: Executor | None = None) -> Frontier:
    """Solve ``scenario`` at each value of one rule's parameter.

    Parameters
    ----------
    scenario
        The scenario; its other rules stay as they are.
    rule
        ``startup_floor``, ``large_cap``, ``district_floor``,
        ``basic_research_floor`` (shares in [0, 1]), ``budget.P`` (yuan) or
        ``overspend_risk`` (ε in (0, 1), with a redemption model).
    values
        The parameter values, solved in this order.
    progress
        Called as ``progress(done, total)``: once with 0, then after each point.
    executor
        Where the runs of an ``overspend_risk`` sweep (:data:`RISK_RUN` points
        each) and the points of a leximin sweep (solved afresh) run; None: here,
        one after the other. Points come back in order, the same bytes either way.

    Raises
    ------
    ValueError
        On a rule that cannot be swept or a value out of range (before any solve).
    """
    started = time.perf_counter()
    policies = [policy_at(scenario.policy, rule, v) for v in values]
    if progress:
        progress(0, len(values))
    solve_at: Callable[[Policy], Result]
    if scenario.policy.objective is Objective.LEXIMIN:
        what_ifs = [scenario.with_policy(policy) for policy in policies]
        solved = iter(executor.map(solve, what_ifs) if executor else map(solve, what_ifs))

        def solve_at(policy: Policy) -> Result:
            return next(solved)
    elif rule == RISK:
        runs = [tuple(policies[k:k + RISK_RUN]) for k in range(0, len(policies), RISK_RUN)]
        bases = [scenario] * len(runs)
        solved = (result for run in (executor.map(_solve_run, bases, runs) if executor
                                     else map(_solve_run, bases, runs)) for result in run)

        def solve_at(policy: Policy) -> Result:
            return next(solved)
    elif policies:
        # the swept rule's rows are always in the model: at 0 % (or a 100 % cap) they
        # cannot bind
        solve_at = Resolver(scenario, keep=[rule] if rule in SHARE_RULES else []).solve
    points = []
    for k, (value, policy) in enumerate(zip(values, policies, strict=True)):
        points.append(_point(float(value), solve_at(policy)))
        if progress:
            progress(k + 1, len(values))
    return Frontier(rule, tuple(points), time.perf_counter() - started, scenario.name)


def _solve_run(scenario: Scenario, policies: Sequence[Policy]) -> list[Result]:
    """Solve ``scenario`` under each of ``policies`` in turn on one model, warm (a task).

    The model is built at the first policy, so the first point is solved as
    :func:`optimizer.solve` solves it.
    """
    resolver = Resolver(scenario.with_policy(policies[0]))
    return [resolver.solve(policy) for policy in policies]


def _point(value: float, result: Result) -> FrontierPoint:
    if not result.optimal:
        return FrontierPoint(value, result.status, None, diagnosis=result.diagnosis)
    metrics = measure(result.scenario, result.amounts, result.limits)
    return FrontierPoint(value, result.status, metrics.impact, metrics, result.amounts)
