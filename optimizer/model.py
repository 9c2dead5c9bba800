"""The linear program, built with PuLP and solved by HiGHS.

This module and :mod:`optimizer.highs_bulk` (the hand-over to HiGHS) are the
only ones that import :mod:`pulp`. It turns per-firm limits
(variable bounds) and rule rows (:class:`~optimizer.rules.Row`) into one LP
that can be re-solved with other objectives or right-hand sides.

Scaling: variables are in millions of yuan, so bounds are 0–10 and pools
100–500 rather than 1e7 and 5e8; coverage rows are divided by their group's
total so that their coefficients on the level ``t`` are 1. Duals are returned
as ∂objective/∂rhs per yuan, with the sign fixed by the row's sense rather
than by the solver's convention (which differs between solvers and PuLP
versions on maximisation problems).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pulp

from optimizer.highs_bulk import BulkHiGHS, status_of
from optimizer.result import Status
from optimizer.rows import AuxVariable, Row, RowKey, Sense
from optimizer.rules import Context

#: Yuan per model unit.
SCALE = 1e6
#: Tolerance when holding a level found in an earlier stage.
LEVEL_TOLERANCE = 1e-9
#: HiGHS options for a model handed over afresh. Measured here (`make bench`): with
#: presolve on, HiGHS took 14 s on 30,000 firms (presolve itself is the cost); interior
#: point with crossover and no presolve took 0.3 s, and it is as fast as simplex on the
#: 2,887-firm default. Crossover leaves a vertex solution and a basis, so duals and
#: tie-breaks stay well defined, and a re-solve that only moves right-hand sides
#: (:meth:`AllocationModel.set_rhs`) runs the simplex method from that basis on the
#: kept HiGHS object instead (0.04–0.3 s rather than 0.8–1.1 s at 100,000 firms),
#: presolve still off. Where the optimum is degenerate the two paths may return
#: different (equally valid) duals.
#: HiGHS is silenced by its own options (never by redirecting fd 1), so that
#: ``--json`` output stays pure and solves can run in threads.
HIGHS_OPTIONS: dict[str, Any] = {"solver": "ipm", "presolve": "off", "run_crossover": "on",
                                 "output_flag": False, "log_to_console": False}
#: A model with auxiliary columns (the overspend-risk limit's CVaR block: one short row
#: per sample over a few group columns, each of those columns in every sample row) is
#: handed to the dual simplex method (presolve still off) when it has at least one row
#: per this many columns. Those few long columns make the interior point method's
#: normal equations dense over the sample rows, so its time grows with the square of
#: the samples; the simplex method's grows with samples × columns. Measured here
#: (HiGHS 1.16, seconds, interior point / simplex): 2,887 firms 0.085 / 0.021 with
#: 1,000 samples and 0.86 / 0.18 with 4,000; 30,000 firms 0.64 / 0.36 and 1.39 / 0.80;
#: 100,000 firms 1.25 / 2.0 and 5.5 / 3.0. Models without auxiliary columns keep
#: :data:`HIGHS_OPTIONS` (interior point is the faster there at every size).
SIMPLEX_COLUMNS_PER_ROW = 40
#: A ≥ row whose contribution to a pair's reduced cost is below this (objective
#: points per yuan) does not decide the pair.
ROUTE_TOLERANCE = 1e-7
#: ``Outcome.decided`` of a pair held at its lower bound (an officer's fixed award or
#: minimum): the override funded it, not the pool nor a group's row.
HELD = -3


@dataclass(frozen=True, eq=False)
class LevelGroup:
    """A group whose coverage Σ a / Σ upper is held at or above the level ``t``.

    ``key`` is its row's key, e.g. ``RowKey("objective", "class.startup")``.
    """

    key: RowKey
    firms: np.ndarray
    programs: np.ndarray
    total_upper: float

    @property
    def name(self) -> str:
        return self.key.group


@dataclass(frozen=True, eq=False)
class Outcome:
    """What one solve returned.

    Attributes
    ----------
    optimal
        The solver proved optimality; only then are the other fields meaningful.
    status
        How the solve ended, from HiGHS's model status.
    solver_status
        The solver's own word for how it stopped.
    amounts
        Yuan per firm and program (firms × programs).
    objective
        The solver's objective value, in model units.
    level
        The level ``t`` when the model has level groups, else None.
    marginals
        Row key → ∂objective/∂rhs, objective units per yuan (level rows: per
        unit of coverage), sign by sense.
    activities
        Row key → the row's left-hand side, in yuan.
    slacks
        Elastic models only: row key → yuan by which the row was relaxed.
    decided
        Firms × programs, recorded from the duals of this solve: -2 where the
        pair got nothing, -3 where it is held at an officer's fixed award or
        minimum (its lower bound: :data:`HELD`), -1 where it pays for itself
        at the margins of the ``≤`` rows it is in (the general pool), else the
        index in ``route_keys`` of the ``≥`` row that contributes most to its
        reduced cost (the set-aside, floor or level that funded it).
    last_weight
        Firms × programs: the objective weight of the pair's last yuan, in
        tie-broken score points (score × tier weight).
    route_keys
        The ``≥`` rows, in the order ``decided`` indexes them.
    """

    optimal: bool
    solver_status: str
    amounts: np.ndarray
    objective: float
    level: float | None
    marginals: dict[RowKey, float]
    activities: dict[RowKey, float]
    slacks: dict[RowKey, float]
    status: Status = Status.ERROR
    decided: np.ndarray | None = None
    last_weight: np.ndarray | None = None
    route_keys: tuple[RowKey, ...] = field(default=())


class AllocationModel:
    """The allocation LP of one scenario, kept for re-solving.

    Parameters
    ----------
    ctx
        The scenario context (limits, classes, districts).
    rows
        Rule rows. In an elastic model every row of a soft rule gets a slack.
    weights
        Objective weight per firm (score, plus any tie-break).
    tiers
        Diminishing returns: ``(share of limit, weight)`` pairs; empty means one tier.
    groups
        Level groups for max-min objectives; adds the level variable ``t``.
    soft_rules
        Keys of rules whose rows may be relaxed (elastic model for diagnosis).
    variables
        Auxiliary columns the rows refer to by name (declared by their rules).
    """

    def __init__(
        self,
        ctx: Context,
        rows: Sequence[Row],
        weights: np.ndarray,
        tiers: Sequence[tuple[float, float]] = (),
        groups: Sequence[LevelGroup] = (),
        soft_rules: frozenset[str] = frozenset(),
        variables: Sequence[AuxVariable] = (),
    ) -> None:
        self.ctx = ctx
        self.rows = list(rows)
        upper = ctx.limits.upper
        if ctx.scenario.policy.cap_total is not None:
            upper = np.minimum(upper, ctx.scenario.policy.cap_total)
        pair_firm, pair_program = np.nonzero(upper > 0)
        self._pair_firm, self._pair_program = pair_firm, pair_program
        self._pair_of = np.full(upper.shape, -1, dtype=np.int64)
        self._pair_of[pair_firm, pair_program] = np.arange(len(pair_firm))

        tier_list = list(tiers) or [(1.0, 1.0)]
        n_pairs = len(pair_firm)
        pair_upper = upper[pair_firm, pair_program] / SCALE
        # overrides (fixed awards, min.P) are lower bounds, filled tier by tier in order:
        # the tiers' weights fall, so an optimum fills the earlier tiers first anyway
        lower = ctx.limits.lower
        pair_lower = (lower[pair_firm, pair_program] / SCALE if lower.size
                      else np.zeros(n_pairs))
        has_lower = bool((pair_lower > 0).any())
        self._pair_lower = pair_lower
        self.prob = pulp.LpProblem("allocation", pulp.LpMaximize)
        add = self.prob.add_variable
        self._columns: list[pulp.LpVariable] = []
        objective: dict[pulp.LpVariable, float] = {}
        previous = 0.0
        for k, (tier_share, tier_weight) in enumerate(tier_list):
            width = tier_share - previous
            previous = tier_share
            # one batch of columns with bound 0, then each its own upper bound
            tier = list(self.prob.add_variable_dict(f"a{k}", range(n_pairs), 0.0, 0.0).values())
            for var, bound in zip(tier, (pair_upper * width).tolist(), strict=True):
                var.upBound = bound
            if has_lower:
                floor = np.clip(pair_lower - pair_upper * (tier_share - width), 0.0,
                                pair_upper * width)
                for c in np.flatnonzero(floor > 0).tolist():
                    tier[c].lowBound = float(floor[c])
            self._columns += tier
            objective.update(zip(tier, (weights[pair_firm] * tier_weight).tolist(), strict=True))
        self._n_pairs = n_pairs
        self._n_tiers = len(tier_list)
        self._tier_weights = np.array([w for _, w in tier_list])
        self._weights = weights

        # auxiliary columns, in yuan like the allocations (so scaled the same way)
        self._aux: dict[str, pulp.LpVariable] = {}
        self._aux_names: dict[int, str] = {}  # column id → name
        for k, aux in enumerate(variables):
            column = add(f"v{k}", None if aux.low is None else aux.low / SCALE,
                         None if aux.high is None else aux.high / SCALE)
            self._aux[aux.name] = column
            self._aux_names[column.id] = aux.name
            if aux.cost:
                objective[column] = aux.cost
        self._impact = pulp.LpAffineExpression.from_dict(objective)

        # the rows' pairs as one sparse table, for reading routes from the duals
        self._entries: list[tuple[RowKey, np.ndarray, np.ndarray, Sense]] = []
        self._constraints: dict[RowKey, pulp.LpConstraint] = {}
        self._slack_vars: dict[RowKey, pulp.LpVariable] = {}
        aux_of = self._aux
        for row in self.rows:
            if not len(row.firms) and row.rule not in soft_rules:  # auxiliary columns only
                self._add(row.key, [(aux_of[name], c) for name, c in row.aux], row.sense,
                          row.rhs / SCALE)
                continue
            coefs = row.coefficients()
            terms = self._terms(row.firms, row.programs, coefs)
            terms += [(aux_of[name], c) for name, c in row.aux]
            if row.rule in soft_rules:
                slack = add(f"s_{len(self._slack_vars)}", 0.0, None)
                self._slack_vars[row.key] = slack
                terms.append((slack, 1.0 if row.sense is Sense.GE else -1.0))
            self._add(row.key, terms, row.sense, row.rhs / SCALE)
            self._entry(row.key, row.firms, row.programs, coefs, row.sense)

        # warm start: the solver of the last solve, what it solved, RHS and coefficients
        # moved since
        self._solver: BulkHiGHS | None = None
        self._solved: tuple[str, float] | None = None
        self._moved: dict[str, pulp.LpConstraint] = {}
        self._recoefficients: dict[tuple[RowKey, str], tuple[pulp.LpConstraint,
                                                              pulp.LpVariable, float]] = {}

        self.level: pulp.LpVariable | None = None
        self._groups = list(groups)
        if self._groups:
            self.level = add("t", 0.0, 1.0)
            for group in self._groups:
                coef = np.full(len(group.firms), SCALE / group.total_upper)
                terms = self._terms(group.firms, group.programs, coef)
                terms.append((self.level, -1.0))
                self._add(group.key, terms, Sense.GE, 0.0)
                self._entry(group.key, group.firms, group.programs, coef, Sense.GE)

    # -- building ----------------------------------------------------------------
    def _terms(self, firms: np.ndarray, programs: np.ndarray,
               coefs: np.ndarray) -> list[tuple[pulp.LpVariable, float]]:
        """(column, coef) for every tier column of the listed (firm, program) pairs.

        A list rather than a dict: the pairs are distinct, and hashing 100,000
        variables costs more than the expression itself.
        """
        pairs = self._pair_of[firms, programs]
        keep = pairs >= 0
        pairs, kept = pairs[keep], coefs[keep]
        columns = self._columns
        if np.all(kept == 1.0):  # the common case: skip pairing each column with its coef
            return [(columns[c], 1.0) for k in range(self._n_tiers)
                    for c in (pairs + k * self._n_pairs).tolist()]
        return [
            (columns[c], coef)
            for k in range(self._n_tiers)
            for c, coef in zip((pairs + k * self._n_pairs).tolist(), kept.tolist(), strict=True)
        ]

    def _entry(self, key: RowKey, firms: np.ndarray, programs: np.ndarray, coefs: np.ndarray,
               sense: Sense) -> None:
        """Remember a row's pairs (model columns) and coefficients per model unit.

        A row over no pair (auxiliary columns only) funds no pair: it is left out.
        """
        if not len(firms):
            return
        pairs = self._pair_of[firms, programs]
        keep = pairs >= 0
        self._entries.append((key, pairs[keep], coefs[keep], sense))

    def _add(self, key: RowKey, terms: list[tuple[pulp.LpVariable, float]], sense: Sense,
             rhs: float) -> None:
        expr = pulp.LpAffineExpression.from_list(terms)
        constraint = expr <= rhs if sense is Sense.LE else expr >= rhs
        # PuLP rewrites some characters in names; ours stay the keys, its are plain
        self._constraints[key] = self.prob.addConstraint(constraint, f"r{len(self._constraints)}")

    def coverage_expression(self, group: LevelGroup) -> pulp.LpAffineExpression:
        """Σ a / Σ upper over a group, as an objective."""
        coef = np.full(len(group.firms), SCALE / group.total_upper)
        return pulp.LpAffineExpression.from_list(self._terms(group.firms, group.programs, coef))

    # -- changing ----------------------------------------------------------------
    def set_rhs(self, row: RowKey | str, rhs_yuan: float) -> None:
        """Change one row's right-hand side (for sweeps that only move a number).

        If nothing else changes before the next solve with the same objective,
        that solve starts from the last one's basis (see :data:`HIGHS_OPTIONS`).
        """
        if isinstance(row, str):  # a row's printed name, e.g. "budget.training"
            row = next(k for k in self._constraints if str(k) == row)
        constraint = self._constraints[row]
        constraint.changeRHS(rhs_yuan / SCALE)
        self._moved[str(row)] = constraint

    def set_aux(self, row: RowKey, aux: Sequence[tuple[str, float]]) -> None:
        """Change one row's coefficients on auxiliary columns to ``aux`` (absent names: 0).

        Like :meth:`set_rhs`, the next solve with the same objective starts from
        the last one's basis (the overspend-risk limit's CVaR row moves this way
        when only ε changes).
        """
        constraint = self._constraints[row]
        current = {v.id: c for v, c in constraint.items()}
        new = {self._aux[name].id: (name, value) for name, value in aux}
        gone = {self._aux_names[i]: 0.0 for i in current.keys() - new.keys()
                if i in self._aux_names}
        for name, value in [*new.values(), *gone.items()]:
            column = self._aux[name]
            if value != current.get(column.id, 0.0):
                constraint.set_coefficient(column, value)
                self._recoefficients[row, name] = (constraint, column, value)

    def hold_level(self, minimum: float) -> None:
        """Keep every level group at coverage ≥ ``minimum`` (less a tolerance)."""
        assert self.level is not None
        self.level.lowBound = max(0.0, minimum - LEVEL_TOLERANCE)

    def fix_group(self, group: LevelGroup, level: float) -> None:
        """Leximin: hold one group at ``level`` and free it from ``t``."""
        assert self.level is not None
        constraint = self._constraints[group.key]
        constraint.set_coefficient(self.level, 0.0)
        self._solver = None  # a coefficient changed: hand the model over afresh
        constraint.changeRHS(max(0.0, level - LEVEL_TOLERANCE))

    # -- solving -----------------------------------------------------------------
    def maximize_impact(self) -> Outcome:
        """Maximise Σ weight × tier weight × a."""
        self.prob.sense = pulp.LpMaximize
        self.prob.setObjective(self._impact)
        return self._solve("impact")

    def maximize_level(self) -> Outcome:
        """Maximise the level ``t`` that every free group's coverage reaches."""
        assert self.level is not None
        self.level.lowBound = 0.0
        self.prob.sense = pulp.LpMaximize
        self.prob.setObjective(pulp.LpAffineExpression.from_dict({self.level: 1.0}))
        return self._solve("level")

    def maximize(self, expression: pulp.LpAffineExpression) -> Outcome:
        """Maximise any expression built by this model."""
        self.prob.sense = pulp.LpMaximize
        self.prob.setObjective(expression)
        return self._solve()

    def minimize_relaxation(self) -> Outcome:
        """Elastic models: minimise the yuan by which soft rows are relaxed."""
        self.prob.sense = pulp.LpMinimize
        self.prob.setObjective(pulp.LpAffineExpression.from_dict(
            dict.fromkeys(self._slack_vars.values(), 1.0)))
        return self._solve("relaxation")

    def highs_options(self) -> dict[str, Any]:
        """HiGHS options of a fresh hand-over (see :data:`SIMPLEX_COLUMNS_PER_ROW`)."""
        columns = len(self._columns) + len(self._aux) + len(self._slack_vars)
        if self._aux and len(self._constraints) * SIMPLEX_COLUMNS_PER_ROW >= columns:
            return {**HIGHS_OPTIONS, "solver": "simplex"}
        return dict(HIGHS_OPTIONS)

    def _solve(self, objective: str | None = None) -> Outcome:
        """Solve, warm from the last basis if only right-hand sides moved since.

        ``objective`` names the objective this model set (None: any other);
        the level's lower bound is the only variable bound that ever changes.
        """
        solved = None if objective is None else (
            objective, -1.0 if self.level is None else float(self.level.lowBound or 0.0))
        solver, moved = self._solver, list(self._moved.values())
        changed = [(c, v, value) for c, v, value in self._recoefficients.values()]
        self._moved, self._recoefficients = {}, {}
        if solver is not None and solved is not None and solved == self._solved:
            status, has_solution = solver.resolve(self.prob, moved, changed)
            expression = self.prob.objective  # as PuLP's buildStats computes it
            objective_value = expression.value() if has_solution and expression else None
        else:
            solver = BulkHiGHS(msg=False, **self.highs_options())
            stats = self.prob.solve(solver)
            status, has_solution, objective_value = (stats.status, stats.has_solution,
                                                     stats.objective)
        ours = status_of(self.prob, status)
        optimal = ours is Status.OPTIMAL and has_solution
        # keep HiGHS for a warm re-solve only after an optimum (a vertex, with its basis)
        keep = optimal and isinstance(solver, _WARM_SOLVER)
        self._solver, self._solved = (solver, solved) if keep else (None, None)
        shape = self.ctx.limits.upper.shape
        amounts = np.zeros(shape)
        marginals: dict[RowKey, float] = {}
        activities: dict[RowKey, float] = {}
        slacks: dict[RowKey, float] = {}
        level = None
        decided = last_weight = None
        if optimal:
            values = np.array([v.varValue or 0.0 for v in self._columns])
            by_tier = values.reshape(self._n_tiers, self._n_pairs)
            per_pair = by_tier.sum(axis=0) * SCALE
            amounts[self._pair_firm, self._pair_program] = per_pair
            maximizing = self.prob.sense == pulp.LpMaximize
            for key, constraint in self._constraints.items():
                pi = abs(constraint.pi or 0.0)
                relaxes = (constraint.sense == pulp.LpConstraintLE) == maximizing
                marginals[key] = pi if relaxes else -pi
            aux_values = {n: (v.varValue or 0.0) * SCALE for n, v in self._aux.items()}
            for row in self.rows:
                activities[row.key] = row.activity(amounts, aux_values)
            slacks = {k: (v.varValue or 0.0) * SCALE for k, v in self._slack_vars.items()}
            level = None if self.level is None else float(self.level.varValue or 0.0)
            if objective == "impact":
                decided, last_weight = self._routes(by_tier, marginals, shape)
        return Outcome(
            optimal=optimal,
            solver_status=status.name,
            amounts=amounts,
            objective=float(objective_value or 0.0),
            level=level,
            marginals=marginals,
            activities=activities,
            slacks=slacks,
            status=ours,
            decided=decided,
            last_weight=last_weight,
            route_keys=tuple(k for k, _, _, sense in self._entries if sense is Sense.GE),
        )

    def _routes(self, by_tier: np.ndarray, marginals: dict[RowKey, float],
                shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Which route funded each pair, read from this solve's duals (see :class:`Outcome`).

        A funded column has reduced cost ≥ 0: its weight, less the marginal values
        of the ``≤`` rows it is in, plus those of the ``≥`` rows it is in, is ≥ 0.
        If its weight alone covers the ``≤`` rows it pays for itself (the general
        pool); otherwise the ``≥`` rows made up the difference, and the one that
        contributes most per yuan decided it.
        """
        n_pairs = self._n_pairs
        funded = by_tier > 1e-9 / SCALE
        last_tier = np.where(funded.any(axis=0),
                             self._n_tiers - 1 - np.argmax(funded[::-1], axis=0), 0)
        weight = self._weights[self._pair_firm] * self._tier_weights[last_tier]
        price = np.zeros(n_pairs)  # Σ marginal × coef over the ≤ rows of each pair
        best = np.zeros(n_pairs)  # the largest ≥ contribution, and whose
        best_row = np.full(n_pairs, -1)
        ge = 0
        for key, pairs, coefs, sense in self._entries:
            value = marginals.get(key, 0.0)
            if sense is Sense.LE:
                if value:
                    np.add.at(price, pairs, value * coefs)
                continue
            contribution = -value * coefs
            better = contribution > np.maximum(best[pairs], ROUTE_TOLERANCE)
            best[pairs[better]] = contribution[better]
            best_row[pairs[better]] = ge
            ge += 1
        tolerance = ROUTE_TOLERANCE * np.maximum(price, 1.0)
        general = weight >= price - tolerance
        route = np.where(general | (best_row < 0), -1, best_row)
        # a pair at its lower bound (a fixed award, or sitting on its min.P) was funded by
        # the override, whatever the duals say of its last yuan
        lower = self._pair_lower
        held = (lower > 0) & (by_tier.sum(axis=0) <= lower * (1 + 1e-7) + 1e-9)
        route = np.where(held, HELD, route)
        route = np.where(funded.any(axis=0), route, -2)
        decided = np.full(shape, -2, dtype=np.int64)
        decided[self._pair_firm, self._pair_program] = route
        last_weight = np.zeros(shape)
        last_weight[self._pair_firm, self._pair_program] = weight
        return decided, last_weight


#: The solver class that can re-solve warm (tests may swap :class:`BulkHiGHS` for PuLP's).
_WARM_SOLVER = BulkHiGHS
