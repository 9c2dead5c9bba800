"""Solve a scenario: limits → rules → LP → :class:`~optimizer.result.Result`."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from optimizer.diagnose import diagnose, precheck
from optimizer.model import HELD, AllocationModel, LevelGroup, Outcome
from optimizer.policy import Objective, Policy
from optimizer.result import OVERRIDE_ROUTE, Finding, Result, Route, RowReport, Status
from optimizer.rows import RowKey
from optimizer.rules import (
    SHARE_RULES,
    Context,
    MaxMinLevel,
    RedemptionRisk,
    Row,
    Rule,
    make_context,
    rules_for,
)
from optimizer.scenario import APPLIED_ON, Scenario

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


def objective_rule(policy: Policy) -> MaxMinLevel | None:
    """The max-min level of a ``maxmin``/``leximin`` objective, as a rule (None for impact)."""
    if policy.objective is Objective.IMPACT:
        return None
    leximin = policy.objective is Objective.LEXIMIN
    return MaxMinLevel(leximin=leximin, with_districts=leximin and policy.leximin_districts)


def level_groups(ctx: Context, with_districts: bool = False,
                 rule: MaxMinLevel | None = None) -> list[LevelGroup]:
    """Size classes (and optionally districts) that are eligible for something."""
    rule = rule or MaxMinLevel(with_districts=with_districts)
    per_firm = ctx.limits.upper.sum(axis=1)
    groups = []
    for group, mask in rule.groups(ctx):
        total = math.fsum(per_firm[mask])
        if total > 0:
            groups.append(LevelGroup(RowKey(rule.key, group), *ctx.pairs(mask), total))
    return groups


def solve(scenario: Scenario, rules: Sequence[Rule] | None = None) -> Result:
    """Allocate the scenario's pools optimally under its rules.

    Parameters
    ----------
    scenario
        Firms and policy.
    rules
        The rules to enforce; by default the policy's own (:func:`rules_for`).

    Returns
    -------
    Result
        Status ``optimal``, or ``infeasible`` with a diagnosis naming the
        conflicting rules and the amounts involved (or why the solver stopped).
    """
    started = time.perf_counter()
    ctx = make_context(scenario)
    rules = list(rules_for(scenario) if rules is None else rules)
    rows = [row for rule in rules for row in rule.rows(ctx)]
    variables = [v for rule in rules for v in rule.variables(ctx)]
    policy = scenario.policy
    findings = precheck(ctx, rules)
    if findings:
        return _without_allocation(ctx, Status.INFEASIBLE, findings, "precheck")

    weights = tie_broken_scores(scenario)
    level_rule = objective_rule(policy)
    groups = [] if level_rule is None else level_groups(ctx, rule=level_rule)
    built = time.perf_counter()
    model = AllocationModel(ctx, rows, weights, policy.tiers, groups, variables=variables)
    timings = {"build": time.perf_counter() - built}

    solving = time.perf_counter()
    outcome, levels = _optimise(model, groups, policy.objective)
    timings["solve"] = time.perf_counter() - solving

    if not outcome.optimal:
        findings = diagnose(ctx, rules, rows, weights, variables)
        status = Status.INFEASIBLE if findings else outcome.status
        if status is Status.OPTIMAL:  # optimal without a solution read back: a failure
            status = Status.ERROR
        return _without_allocation(ctx, status, findings, outcome.solver_status)
    all_rules = [*rules, *([] if level_rule is None else [level_rule])]
    return _optimal(ctx, rows, outcome, levels, timings, started, all_rules)


class Resolver:
    """One scenario's LP, built once and re-solved at policies that only move right-hand sides.

    Pools and the four fairness shares (:data:`~optimizer.rules.SHARE_RULES`)
    enter the LP only as right-hand sides: set-asides and the large-firm cap
    are shares of the pools, and per-firm limits depend on neither. The
    overspend risk ε enters only as coefficients on auxiliary columns (the
    weights 1/(εN) of the CVaR row; the sampled rates depend on the seed
    alone). So a policy that differs from the scenario's in those alone is
    solved by moving the rows' right-hand sides with
    :meth:`~optimizer.model.AllocationModel.set_rhs` and their auxiliary
    coefficients with :meth:`~optimizer.model.AllocationModel.set_aux`, and
    re-solving the one model warm, instead of building the context, rules and
    LP again.

    The model holds the rows of the scenario's own rules and of the share
    rules named in ``keep`` (built at their neutral value when the scenario
    leaves them off). A policy may switch any of those on or off: a rule it
    switches off stays in the model at its neutral right-hand side (a floor of
    0, a cap of the whole pool), where it cannot bind.

    :meth:`solve` returns what :func:`solve` returns for the same policy: the
    same LP up to rows that cannot bind, so the same allocation, impact and
    levels, with row reports for the policy's own rules only. (A row at its
    neutral value can be tight together with the row it repeats, e.g. a 100 %
    large-firm cap when the pool all goes to large firms; the two may then
    share a dual that a fresh solve gives to the pool alone.) A re-solve that
    is not optimal is handed to :func:`solve`, for a status and a diagnosis
    that do not depend on the reuse.

    Parameters
    ----------
    scenario
        The scenario to build; its objective is plain impact or max-min.
    keep
        Keys of share rules to build even where the scenario leaves them off.

    Raises
    ------
    ValueError
        On a leximin objective (its stages change the model) or a ``keep``
        key that is not a share rule.
    """

    def __init__(self, scenario: Scenario, keep: Sequence[str] = ()) -> None:
        policy = scenario.policy
        if policy.objective is Objective.LEXIMIN:
            raise ValueError("a leximin model changes as it is solved; use solve()")
        if unknown := [k for k in keep if k not in SHARE_RULES]:
            raise ValueError(f"only share rules can be kept: {unknown}")
        self.scenario = scenario
        ctx = make_context(scenario)
        self._limits = ctx.limits  # pools and shares do not change per-firm limits
        own = [r.key for r in rules_for(scenario)]
        self._keys = own + [k for k in keep if k not in own]
        self._budgets = policy.budgets
        self._rows_of: dict[Rule, list[Row]] = {}  # the last call's rows, per rule
        own_rows, neutral_rows = self._rows(ctx)
        rows = own_rows + neutral_rows
        self._rhs = {row.key: row.rhs for row in rows}
        self._aux = {row.key: row.aux for row in rows if row.aux}
        self._level_rule = objective_rule(policy)
        self._groups = [] if self._level_rule is None else level_groups(ctx,
                                                                        rule=self._level_rule)
        variables = [v for rule in rules_for(scenario) for v in rule.variables(ctx)]
        self.model = AllocationModel(ctx, rows, tie_broken_scores(scenario), policy.tiers,
                                     self._groups, variables=variables)

    def solve(self, policy: Policy) -> Result:
        """The scenario solved under ``policy``, as :func:`solve` would solve it.

        Raises
        ------
        ValueError
            If ``policy`` differs from the scenario's in anything but pool sizes,
            share-rule values and ``overspend_risk``, or switches on a share rule
            the model lacks.
        """
        started = time.perf_counter()
        base = self.scenario.policy
        same = policy.with_values(budgets=base.budgets, overspend_risk=base.overspend_risk,
                                  **{key: getattr(base, key) for key in SHARE_RULES})
        if same != base or policy.programs != base.programs:
            raise ValueError("only pool sizes, fairness shares and the overspend risk may "
                             "differ from the scenario's policy")
        what_if = self.scenario.with_policy(policy)
        ctx = make_context(what_if, self._limits)
        own_rows, neutral_rows = self._rows(ctx)
        for row in own_rows + neutral_rows:
            if row.rhs != self._rhs[row.key]:
                self.model.set_rhs(row.key, row.rhs)
                self._rhs[row.key] = row.rhs
            if row.aux != self._aux.get(row.key, ()):
                self.model.set_aux(row.key, row.aux)
                self._aux[row.key] = row.aux
        solving = time.perf_counter()
        outcome, levels = _optimise(self.model, self._groups, policy.objective)
        timings = {"solve": time.perf_counter() - solving}
        if not outcome.optimal:
            return solve(what_if)
        rules = [*rules_for(what_if), *([] if self._level_rule is None else [self._level_rule])]
        return _optimal(ctx, own_rows, outcome, levels, timings, started, rules)

    def _rows(self, ctx: Context) -> tuple[list[Row], list[Row]]:
        """Rows of the policy's own rules, and of the model's other rules at their neutral value.

        Rows depend on the rule and the pools alone (the firms and their limits
        are fixed), so the rows of a rule that has not changed since the last
        call are reused rather than built again.
        """
        policy = ctx.scenario.policy
        own = rules_for(ctx.scenario)
        keys = {rule.key for rule in own}
        if missing := keys - set(self._keys):
            raise ValueError(f"the model was built without {sorted(missing)}; keep them")
        neutral: list[Rule] = [SHARE_RULES[key](getattr(policy, key)) for key in self._keys
                               if key not in keys]
        cached = self._rows_of if policy.budgets == self._budgets else {}
        self._budgets = policy.budgets
        self._rows_of = {r: cached[r] if r in cached else r.rows(ctx) for r in own + neutral}
        return ([row for r in own for row in self._rows_of[r]],
                [row for r in neutral for row in self._rows_of[r]])


def _optimise(model: AllocationModel, groups: Sequence[LevelGroup],
              objective: Objective) -> tuple[Outcome, list[tuple[str, float]]]:
    """Impact; or the max-min level(s) first, then impact holding them."""
    levels: list[tuple[str, float]] = []
    if groups:
        first = model.maximize_level()
        if not first.optimal or first.level is None:
            return first, levels
        if objective is Objective.LEXIMIN:
            levels = _leximin(model, groups)
        else:
            levels = [(g.name, first.level) for g in groups]
            model.hold_level(first.level)
    return model.maximize_impact(), levels


def _optimal(ctx: Context, rows: Sequence[Row], outcome: Outcome,
             levels: Sequence[tuple[str, float]], timings: dict[str, float],
             started: float, rules: Sequence[Rule]) -> Result:
    """The :class:`Result` of an optimal outcome, with ``rows`` reported."""
    reading = time.perf_counter()
    amounts = _tidy(outcome.amounts, ctx)
    routes, decided = _routes(ctx, outcome, amounts, {r.key for r in rows} | {
        k for k in outcome.route_keys if k.rule == "objective"})
    result = Result(
        status=Status.OPTIMAL,
        scenario=ctx.scenario,
        limits=ctx.limits,
        amounts=amounts,
        objective=_impact(ctx.scenario, amounts),
        level=min((v for _, v in levels), default=None),
        levels=tuple(levels),
        rows=tuple(_row_reports(_reported(rows, rules), outcome)),
        solver_status=outcome.solver_status,
        timings=timings,
        rules=tuple(rules),
        routes=routes,
        decided=decided,
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


#: A pair funded with less than this (yuan) counts as not funded when reading routes.
FUNDED_YUAN = 1.0


def _routes(ctx: Context, outcome: Outcome, amounts: np.ndarray,
            reported: set[RowKey]) -> tuple[tuple[Route, ...], np.ndarray]:
    """The routes money took in this solve, and which one funded each pair.

    ``outcome.decided`` was recorded from the solve's duals (see
    :meth:`optimizer.model.AllocationModel._routes`); here each route gets its
    cut-off: the lowest score × tier weight, without the tie-break bonus,
    funded through it. Rows the caller does not report (a neutral rule kept
    by :class:`Resolver`) cannot bind, so they decide nothing. Pairs held at
    an officer's fixed award or minimum go to one route of their own
    (:data:`~optimizer.result.OVERRIDE_ROUTE`), last: they set no pool's or
    group's cut-off.
    """
    shape = amounts.shape
    decided = np.full(shape, -1, dtype=np.int64)
    if outcome.decided is None or outcome.last_weight is None:
        return (), decided
    programs = ctx.scenario.programs
    scores = ctx.scenario.firms["score"].to_numpy(dtype=float)
    bonus = tie_broken_scores(ctx.scenario) - scores
    weights = outcome.last_weight
    with np.errstate(invalid="ignore", divide="ignore"):
        tier = np.where(weights > 0, weights / (scores + bonus)[:, None], 1.0)
    raw = scores[:, None] * tier
    funded = amounts > FUNDED_YUAN
    found = np.where(funded, outcome.decided, -2)
    for k, key in enumerate(outcome.route_keys):
        if key not in reported:  # a neutral row cannot bind: its pairs pay for themselves
            found[found == k] = -1
    routes: list[Route] = []
    redemption = ctx.scenario.policy.redemption_model()
    for j, p in enumerate(programs):
        mask = funded[:, j] & (found[:, j] == -1)
        if redemption.modelled(p):  # one general route per size class (see Route.size_class)
            for group in redemption.indices(p):
                size_class = redemption.groups[group].size_class
                mine = mask & (ctx.size_class == size_class)
                if mine.any():
                    cut, count = float(raw[mine, j].min()), int(mine.sum())
                else:  # nobody funded: the score the class's next yuan must beat
                    key = RowKey(RedemptionRisk.key, f"{p}.issued.{size_class}")
                    if key not in outcome.marginals:
                        continue
                    cut, count = max(outcome.marginals[key], 0.0), 0
                decided[mine, j] = len(routes)
                routes.append(Route(None, p, (p,), cut, count, size_class))
        elif mask.any():
            decided[mask, j] = len(routes)
            routes.append(Route(None, p, (p,), float(raw[mask, j].min()), int(mask.sum())))
    for k, key in enumerate(outcome.route_keys):
        mask = found == k
        if not mask.any():
            continue
        decided[mask] = len(routes)
        used = tuple(p for j, p in enumerate(programs) if mask[:, j].any())
        routes.append(Route(key, None, used, float(raw[mask].min()),
                            int(mask.any(axis=1).sum())))
    mask = found == HELD
    if mask.any():
        decided[mask] = len(routes)
        used = tuple(p for j, p in enumerate(programs) if mask[:, j].any())
        routes.append(Route(OVERRIDE_ROUTE, None, used, float(raw[mask].min()),
                            int(mask.any(axis=1).sum())))
    return tuple(routes), decided


def _tidy(amounts: np.ndarray, ctx: Context) -> np.ndarray:
    """Round to fen and clip the solver's 1e-9 noise into [lower, upper] (lower: 0 or an
    override's fixed amount or minimum)."""
    lower = ctx.limits.lower if ctx.limits.lower.size else 0.0
    return np.clip(np.round(amounts, 2), lower, ctx.limits.upper)


def _impact(scenario: Scenario, amounts: np.ndarray) -> float:
    scores = scenario.firms["score"].to_numpy(dtype=float)
    return math.fsum(scores * amounts.sum(axis=1))


def _reported(rows: Sequence[Row], rules: Sequence[Rule]) -> list[Row]:
    """The rows a result reports: all but those their rule keeps to itself."""
    by_key = {rule.key: rule for rule in rules}
    return [row for row in rows if row.rule not in by_key or by_key[row.rule].reported(row.group)]


def _row_reports(rows: Sequence[Row], outcome: Outcome) -> list[RowReport]:
    reports = []
    for row in rows:
        activity = outcome.activities[row.key]
        marginal = outcome.marginals.get(row.key, 0.0)
        tight = abs(activity - row.rhs) <= TIGHT_YUAN + 1e-9 * abs(row.rhs)
        reports.append(RowReport(row.key, str(row.sense), row.rhs, activity, marginal,
                                 tight and abs(marginal) > 1e-9))
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

