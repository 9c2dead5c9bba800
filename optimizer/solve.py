"""Solve a scenario: limits → rules → LP → :class:`~optimizer.result.Result`."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from optimizer.diagnose import diagnose, precheck
from optimizer.model import AllocationModel, LevelGroup, Outcome
from optimizer.policy import Objective
from optimizer.result import Finding, Result, RowReport, Status
from optimizer.rules import Context, Row, make_context, rules_for
from optimizer.scenario import APPLIED_ON, Scenario, SizeClass

#: Scores closer than this count as tied; ties go to the earlier applicant
#: (``applied_on``, then the order of the firms table).
TIE_BREAK = 1e-3
#: A row within this many yuan of its bound is tight.
TIGHT_YUAN = 1.0


def tie_broken_scores(scenario: Scenario) -> np.ndarray:
    """Scores plus a tiny bonus for earlier applicants, so ties break the same way every time."""
    firms = scenario.firms
    n = len(firms)
    if APPLIED_ON in firms.columns:
        order = np.lexsort((np.arange(n), firms[APPLIED_ON].to_numpy(dtype="datetime64[ns]")))
    else:
        order = np.arange(n)
    rank = np.empty(n)
    rank[order] = np.arange(n)
    return firms["score"].to_numpy(dtype=float) + TIE_BREAK * (n - rank) / max(n, 1)


def level_groups(ctx: Context, with_districts: bool = False) -> list[LevelGroup]:
    """Size classes (and optionally districts) that are eligible for something."""
    per_firm = ctx.limits.upper.sum(axis=1)
    keyed = [("class", c.value, ctx.size_class == c.value) for c in SizeClass]
    if with_districts:
        keyed += [("district", d, ctx.district == d) for d in sorted(set(ctx.district))]
    groups = []
    for kind, key, mask in keyed:
        total = math.fsum(per_firm[mask])
        if total > 0:
            groups.append(LevelGroup(f"{kind}.{key}", *ctx.pairs(mask), total))
    return groups


def solve(scenario: Scenario) -> Result:
    """Allocate the scenario's pools optimally under its rules.

    Returns a :class:`Result` whose status is ``optimal``, or ``infeasible``
    with a diagnosis naming the conflicting rules and the amounts involved.
    """
    started = time.perf_counter()
    ctx = make_context(scenario)
    rules = rules_for(scenario)
    rows = [row for rule in rules for row in rule.rows(ctx)]
    policy = scenario.policy
    findings = precheck(ctx, rules)
    if findings:
        return _without_allocation(ctx, Status.INFEASIBLE, findings, "precheck")

    weights = tie_broken_scores(scenario)
    groups = [] if policy.objective is Objective.IMPACT else level_groups(
        ctx, with_districts=policy.objective is Objective.LEXIMIN and policy.leximin_districts)
    built = time.perf_counter()
    model = AllocationModel(ctx, rows, weights, policy.tiers, groups)
    timings = {"build": time.perf_counter() - built}

    solving = time.perf_counter()
    levels: list[tuple[str, float]] = []
    outcome: Outcome | None = None
    if groups:
        first = model.maximize_level()
        if first.optimal and first.level is not None:
            if policy.objective is Objective.LEXIMIN:
                levels = _leximin(model, groups)
            else:
                levels = [(g.name, first.level) for g in groups]
                model.hold_level(first.level)
        else:
            outcome = first
    if outcome is None:
        outcome = model.maximize_impact()
    timings["solve"] = time.perf_counter() - solving

    if not outcome.optimal:
        findings = diagnose(ctx, rules, rows, weights)
        status = Status.INFEASIBLE if findings else Status.ERROR
        return _without_allocation(ctx, status, findings, outcome.solver_status)

    reading = time.perf_counter()
    amounts = _tidy(outcome.amounts, ctx)
    result = Result(
        status=Status.OPTIMAL,
        scenario=scenario,
        limits=ctx.limits,
        amounts=amounts,
        objective=_impact(scenario, amounts),
        level=min((v for _, v in levels), default=None),
        levels=tuple(levels),
        rows=tuple(_row_reports(rows, outcome)),
        solver_status=outcome.solver_status,
        timings=timings,
    )
    timings["read"] = time.perf_counter() - reading
    timings["total"] = time.perf_counter() - started
    return result


def _leximin(model: AllocationModel, groups: Sequence[LevelGroup]) -> list[tuple[str, float]]:
    """Raise the smallest group coverage, fix the groups that cannot go higher, repeat."""
    free = list(groups)
    levels: list[tuple[str, float]] = []
    while free:
        stage = model.maximize_level()
        if not stage.optimal or stage.level is None:
            raise RuntimeError(f"leximin stage failed: {stage.solver_status}")
        level = stage.level
        model.hold_level(level)
        stuck = []
        for group in free:
            best = model.maximize(model.coverage_expression(group))
            if best.optimal and best.objective <= level + 1e-6:
                stuck.append(group)
        if not stuck:  # numerically every group can rise a hair: fix the lowest
            stuck = free[:1]
        for group in stuck:
            model.fix_group(group, level)
            levels.append((group.name, level))
            free.remove(group)
        model.hold_level(0.0)
    return levels


def _tidy(amounts: np.ndarray, ctx: Context) -> np.ndarray:
    """Round to fen and clip the solver's 1e-9 noise into [0, upper]."""
    return np.clip(np.round(amounts, 2), 0.0, ctx.limits.upper)


def _impact(scenario: Scenario, amounts: np.ndarray) -> float:
    scores = scenario.firms["score"].to_numpy(dtype=float)
    return math.fsum(scores * amounts.sum(axis=1))


def _row_reports(rows: Sequence[Row], outcome: Outcome) -> list[RowReport]:
    reports = []
    for row in rows:
        activity = outcome.activities[row.name]
        marginal = outcome.marginals.get(row.name, 0.0)
        tight = abs(activity - row.rhs) <= TIGHT_YUAN + 1e-9 * abs(row.rhs)
        reports.append(RowReport(row.name, row.rule, row.group, str(row.sense), row.rhs,
                                 activity, marginal, tight and abs(marginal) > 1e-9))
    return reports


def _without_allocation(ctx: Context, status: Status, findings: Sequence[Finding],
                        solver_status: str) -> Result:
    return Result(
        status=status,
        scenario=ctx.scenario,
        limits=ctx.limits,
        amounts=np.zeros_like(ctx.limits.upper),
        objective=0.0,
        diagnosis=tuple(findings),
        solver_status=solver_status,
    )

