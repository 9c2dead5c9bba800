"""Dual values: sign and size pinned on toy models, and by perturbing right-hand sides."""

from __future__ import annotations

import pytest

from optimizer import solve
from optimizer.model import AllocationModel
from optimizer.rules import make_context, rules_for
from optimizer.solve import tie_broken_scores
from tests.factory import firm, scenario

M = 1e6


def toy(**policy):
    # A: score 3, training upper 6M; B: startup score 2, upper 10M; pool 10M
    firms = [firm("A", "large", 3, training=12 * M), firm("B", "startup", 2, training=20 * M)]
    return scenario(firms, budget__model=0, budget__training=10 * M,
                    rate__training__startup=0.5, **policy)


def rows(result):
    return {r.name: r for r in result.rows}


def test_pool_dual_is_positive_on_a_maximisation():
    # A full (6M), B gets 4M: one more yuan goes to B and adds 2 impact points
    result = solve(toy())
    budget = rows(result)["budget.training"]
    assert budget.marginal == pytest.approx(2.0, abs=1e-2)
    assert budget.binding


def test_floor_dual_is_negative_and_equals_the_score_gap():
    # the set-aside forces B ≥ 8M (0.8 × 10M): A 2M, B 8M; each extra yuan for B
    # comes from A and costs 3 − 2 = 1 point; the pool's marginal firm is now A (3)
    result = solve(toy(startup_floor=0.8))
    by_name = rows(result)
    assert result.amounts[:, 1] == pytest.approx([2 * M, 8 * M], abs=1)
    assert by_name["startup_floor.training"].marginal == pytest.approx(-1.0, abs=1e-2)
    assert by_name["budget.training"].marginal == pytest.approx(3.0, abs=1e-2)


def test_slack_rows_have_no_price():
    result = solve(toy(large_cap=0.9))  # A could take 9M but is only eligible for 6M
    cap = rows(result)["large_cap.training"]
    assert cap.marginal == pytest.approx(0.0, abs=1e-9)
    assert not cap.binding
    assert cap.slack == pytest.approx(3 * M, abs=1)


@pytest.mark.parametrize("changes, row", [
    ({}, "budget.training"),
    ({"startup_floor": 0.7}, "startup_floor.training"),
    ({"large_cap": 0.3}, "large_cap.training"),
    ({"district_floor": 0.5}, "district_floor.宝安区"),
])
def test_marginal_matches_a_finite_difference(changes, row):
    # two districts so the district floor can bind
    firms = [firm("A", "large", 3, training=12 * M, district="南山区"),
             firm("B", "startup", 2, training=20 * M, district="宝安区"),
             firm("C", "small", 2.5, training=4 * M, district="南山区")]
    sc = scenario(firms, budget__model=0, budget__training=10 * M,
                  rate__training__startup=0.5, **changes)
    base = solve(sc)
    report = rows(base)[row]
    assert report.binding
    eps = 10_000.0
    # move the row's right-hand side by eps through the policy, re-solve, compare
    ctx_rhs = report.rhs
    ctx = make_context(sc)
    all_rows = [r for rule in rules_for(sc) for r in rule.rows(ctx)]
    model = AllocationModel(ctx, all_rows, tie_broken_scores(sc))
    model.set_rhs(row, ctx_rhs + eps)
    moved = model.maximize_impact()
    model.set_rhs(row, ctx_rhs)
    again = model.maximize_impact()
    # the model objective carries the 1e-3 tie-break bonus; impact does not
    assert again.objective == pytest.approx(base.objective / M, rel=1e-3)
    slope = (moved.objective - again.objective) * M / eps
    assert report.marginal == pytest.approx(slope, abs=1e-3)
