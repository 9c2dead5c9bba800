"""Frontiers: sweep one rule's parameter and tabulate impact and fairness along it.

``sweep(scenario, "startup_floor", [0, 0.05, …, 0.6])`` answers "what does each
step of the set-aside cost?". The LP is built once: the swept rule's rows are
always in it (a 0 % set-aside is a row with right-hand side 0, a 100 % cap a
row that cannot bind), and each point only changes right-hand sides with
:meth:`~optimizer.model.AllocationModel.set_rhs` before re-solving. A budget
sweep moves the pool and every row that depends on it (set-asides and caps are
shares of the pool). Under ``objective = leximin`` each stage fixes groups in
the model, so each point is solved afresh with :func:`optimizer.solve`.

A point that is infeasible is solved again with :func:`optimizer.solve` for its
diagnosis; the sweep goes on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizer.analysis.metrics import Metrics, measure
from optimizer.model import AllocationModel, Outcome
from optimizer.policy import Objective, Policy
from optimizer.result import Finding, Status
from optimizer.rules import (
    BasicResearchSetAside,
    Context,
    DistrictFloor,
    LargeFirmCap,
    Row,
    StartupSetAside,
    make_context,
    rules_for,
)
from optimizer.scenario import Scenario
from optimizer.solve import level_groups, solve, tie_broken_scores

#: Rules whose parameter is a share in [0, 1], and the rule object each makes.
SHARE_RULES: dict[str, Callable[[float], Any]] = {
    "startup_floor": StartupSetAside,
    "large_cap": LargeFirmCap,
    "district_floor": DistrictFloor,
    "basic_research_floor": BasicResearchSetAside,
}

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


def sweepable(scenario: Scenario) -> list[str]:
    """The rules :func:`sweep` accepts for this scenario."""
    return [*SHARE_RULES, *(f"budget.{p}" for p in scenario.programs)]


def policy_at(policy: Policy, rule: str, value: float) -> Policy:
    """``policy`` with ``rule`` set to ``value``.

    Raises
    ------
    ValueError
        On a rule that cannot be swept or a value out of its range.
    """
    if rule in SHARE_RULES:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{rule} must be between 0 and 1, got {value:g}")
        return policy.with_values(**{rule: float(value)})
    program = rule.removeprefix("budget.")
    if rule.startswith("budget.") and program in policy.programs:
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"{rule} must be yuan ≥ 0, got {value:g}")
        budgets = tuple((p, float(value) if p == program else b) for p, b in policy.budgets)
        return policy.with_values(budgets=budgets)
    allowed = ", ".join([*SHARE_RULES, *(f"budget.{p}" for p in policy.programs)])
    raise ValueError(f"cannot sweep {rule!r}; choose one of {allowed}")


def _rows(ctx: Context, rule: str) -> list[Row]:
    """The scenario's rows, with the swept rule's rows present even at a neutral value."""
    rules = rules_for(ctx.scenario)
    policy = ctx.scenario.policy
    if rule in SHARE_RULES and not any(r.key == rule for r in rules):
        rules.append(SHARE_RULES[rule](getattr(policy, rule)))
    return [row for r in rules for row in r.rows(ctx)]


def sweep(scenario: Scenario, rule: str, values: Sequence[float],
          progress: Progress | None = None) -> Frontier:
    """Solve ``scenario`` at each value of one rule's parameter.

    Parameters
    ----------
    scenario
        The scenario; its other rules stay as they are.
    rule
        ``startup_floor``, ``large_cap``, ``district_floor``,
        ``basic_research_floor`` (shares in [0, 1]) or ``budget.P`` (yuan).
    values
        The parameter values, solved in this order.
    progress
        Called as ``progress(done, total)``: once with 0, then after each point.

    Raises
    ------
    ValueError
        On a rule that cannot be swept or a value out of range (before any solve).
    """
    started = time.perf_counter()
    scenarios = [scenario.with_policy(policy_at(scenario.policy, rule, v)) for v in values]
    total = len(scenarios)
    if progress:
        progress(0, total)
    points: list[FrontierPoint] = []
    if scenario.policy.objective is Objective.LEXIMIN:
        for k, (value, what_if) in enumerate(zip(values, scenarios, strict=True)):
            points.append(_from_solve(float(value), what_if))
            if progress:
                progress(k + 1, total)
    elif scenarios:
        points = _reusing_model(rule, values, scenarios, progress)
    return Frontier(rule, tuple(points), time.perf_counter() - started, scenario.name)


def _reusing_model(rule: str, values: Sequence[float], scenarios: list[Scenario],
                   progress: Progress | None) -> list[FrontierPoint]:
    first = make_context(scenarios[0])
    limits = first.limits  # budgets and fairness shares do not change per-firm limits
    rows = _rows(first, rule)
    current = {row.name: row.rhs for row in rows}
    policy = scenarios[0].policy
    groups = level_groups(first) if policy.objective is Objective.MAXMIN else []
    model = AllocationModel(first, rows, tie_broken_scores(scenarios[0]), policy.tiers, groups)
    points = []
    for k, (value, what_if) in enumerate(zip(values, scenarios, strict=True)):
        ctx = make_context(what_if, limits)
        for row in _rows(ctx, rule):
            if row.rhs != current[row.name]:
                model.set_rhs(row.name, row.rhs)
                current[row.name] = row.rhs
        outcome = _solve_stages(model, bool(groups))
        if outcome.optimal:
            amounts = np.clip(np.round(outcome.amounts, 2), 0.0, limits.upper)
            metrics = measure(what_if, amounts, limits)
            points.append(FrontierPoint(float(value), Status.OPTIMAL, metrics.impact, metrics,
                                        amounts))
        else:
            points.append(_from_solve(float(value), what_if))
        if progress:
            progress(k + 1, len(scenarios))
    return points


def _solve_stages(model: AllocationModel, maxmin: bool) -> Outcome:
    """Impact; or for max-min, the level first, then impact holding it."""
    if maxmin:
        first = model.maximize_level()
        if not first.optimal or first.level is None:
            return first
        model.hold_level(first.level)
    return model.maximize_impact()


def _from_solve(value: float, scenario: Scenario) -> FrontierPoint:
    result = solve(scenario)
    if not result.optimal:
        return FrontierPoint(value, result.status, None, diagnosis=result.diagnosis)
    metrics = measure(scenario, result.amounts, result.limits)
    return FrontierPoint(value, result.status, metrics.impact, metrics, result.amounts)
