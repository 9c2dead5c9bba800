"""Properties every solution must have, on random scenarios."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from scipy.optimize import linprog

from optimizer import Objective, Status, check_allocation, solve
from optimizer.bounds import firm_limits
from tests.factory import firm, scenario
from tests.strategies import scenarios

M = 1e6

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def reference_optimum(sc) -> float | None:
    """The contract's impact LP written out densely and solved by scipy's linprog.

    Returns the optimal impact, or None when linprog finds it infeasible.
    """
    firms, policy = sc.firms, sc.policy
    n, programs = len(firms), sc.programs
    P = len(programs)
    upper = firm_limits(sc).upper
    score = firms["score"].to_numpy(float)
    cls = firms["size_class"].to_numpy()
    district = firms["district"].to_numpy()
    basic = firms["basic_research"].to_numpy(bool)
    x = lambda i, p: i * P + p  # noqa: E731
    A, b = [], []

    def le(coefs: dict[int, float], rhs: float) -> None:
        row = np.zeros(n * P)
        for k, v in coefs.items():
            row[k] = v
        A.append(row)
        b.append(rhs)

    for p, prog in enumerate(programs):
        budget = policy.budget(prog)
        le({x(i, p): 1 for i in range(n)}, budget)
        startups = [i for i in range(n) if cls[i] == "startup"]
        need = min(policy.startup_floor * budget, upper[startups, p].sum())
        le({x(i, p): -1 for i in startups}, -need)
        le({x(i, p): 1 for i in range(n) if cls[i] == "large"}, policy.large_cap * budget)
    if policy.cap_total is not None:
        for i in range(n):
            le({x(i, p): 1 for p in range(P)}, policy.cap_total)
    for d in set(district):
        members = [i for i in range(n) if district[i] == d]
        need = policy.district_floor * upper[members].sum()
        le({x(i, p): -1 for i in members for p in range(P)}, -need)
    members = [i for i in range(n) if basic[i]]
    need = min(policy.basic_research_floor * policy.total_budget, upper[members].sum())
    le({x(i, p): -1 for i in members for p in range(P)}, -need)

    scale = 1e6  # the same yuan → millions scaling the product uses
    cost = -np.repeat(score, P)
    res = linprog(cost, A_ub=np.array(A), b_ub=np.array(b) / scale,
                  bounds=list(zip(np.zeros(n * P), upper.ravel() / scale, strict=True)),
                  method="highs-ipm")
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return -res.fun * scale


@SETTINGS
@given(scenarios())
def test_every_solution_passes_the_independent_check(sc):
    result = solve(sc)
    assert result.status in (Status.OPTIMAL, Status.INFEASIBLE)
    if result.optimal:
        assert check_allocation(sc, result.amounts) == []
        assert (result.amounts <= result.limits.upper + 1e-6).all()
    else:
        assert result.diagnosis, "an infeasible scenario must say why"


@SETTINGS
@given(scenarios(objective=False))
def test_optimum_matches_a_second_solver(sc):
    result = solve(sc)
    reference = reference_optimum(sc)
    if reference is None:
        assert result.status is Status.INFEASIBLE
        return
    assert result.status is Status.OPTIMAL
    # our LP breaks ties by application order with a 1e-3 score bonus: at most
    # 1e-3 per yuan spent away from the exact optimum
    spent = result.amounts.sum()
    assert result.objective == pytest.approx(reference, rel=1e-6, abs=1e-3 * spent + 10)


@SETTINGS
@given(scenarios(objective=False))
def test_objective_never_drops_when_a_budget_rises(sc):
    # The basic-research set-aside is β × Σ_p budget.p (the contract), so raising one
    # pool can raise what must be paid from another: there the property does not hold
    # (see test_basic_research_set_aside_can_make_a_bigger_pool_worse). Without it, and
    # without cap.total, every extra yuan can only help.
    policy = sc.policy.with_values(cap_total=None, basic_research_floor=0.0)
    for program in sc.programs:
        before = solve(sc.with_policy(policy))
        budgets = tuple((p, b * 1.5 + 1e6) if p == program else (p, b)
                        for p, b in policy.budgets)
        after = solve(sc.with_policy(policy.with_values(budgets=budgets)))
        if before.optimal:
            assert after.optimal
            assert after.objective >= before.objective - 1e-6 * before.objective - 1


def test_basic_research_set_aside_can_make_a_bigger_pool_worse():
    # Found by Hypothesis; pinned here because it follows from the contract.
    # A (score 90): model limit 3M, training limit 0.5 × 4M = 2M.
    # B (score 50, basic research): model limit 3M, no training.
    # Training pool 2M: B needs 0.3 × (3M + 2M) = 1.5M, all from the model pool;
    #   A gets 1.5M model + 2M training: 90 × 3.5M + 50 × 1.5M = 390M.
    # Training pool 4M: B needs 0.3 × 7M = 2.1M from the model pool; A can use only 2M
    #   of training: 90 × (0.9M + 2M) + 50 × 2.1M = 366M. The bigger pool does worse.
    firms = [firm("A", "small", 90, model=10 * M, training=4 * M),
             firm("B", "small", 50, model=10 * M, basic_research=True)]
    small = scenario(firms, budget__model=3 * M, budget__training=2 * M, cap__model=3 * M,
                     basic_research_floor=0.3)
    big = small.with_policy(small.policy.with_values(
        budgets=(("model", 3 * M), ("training", 4 * M))))
    assert solve(small).objective == pytest.approx(390 * M)
    assert solve(big).objective == pytest.approx(366 * M)


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_same_input_same_allocation(sc):
    first, second = solve(sc), solve(sc)
    assert first.status == second.status
    assert np.array_equal(first.amounts, second.amounts)


@settings(max_examples=30, deadline=None)
@given(scenarios(objective=False))
def test_maxmin_level_is_never_below_impact_solution_level(sc):
    impact = solve(sc)
    maxmin = solve(sc.with_policy(sc.policy.with_values(objective=Objective.MAXMIN)))
    assert impact.status == maxmin.status
    if impact.optimal:
        assert check_allocation(sc, maxmin.amounts) == []
        if impact.min_class_coverage is None:  # nobody is eligible for anything
            assert maxmin.min_class_coverage is None
            return
        assert maxmin.min_class_coverage >= impact.min_class_coverage - 1e-6
        assert maxmin.objective <= impact.objective + 1e-3 * impact.amounts.sum() + 10
