"""Shadow prices: signs and sizes by hand, and against ε-perturbed re-solves."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from optimizer import solve
from optimizer.analysis import shadow_prices
from optimizer.analysis.shadow import BENEFIT_UNIT, IMPACT_UNIT, split
from optimizer.model import SCALE, AllocationModel
from optimizer.rules import make_context, rules_for
from optimizer.scenario import Scenario
from optimizer.solve import TIE_BREAK, tie_broken_scores
from tests.factory import firm, hand, scenario
from tests.strategies import scenarios

M = 1e6
EPS = 10_000.0  # yuan; small enough that no firm changes place at the margin

# Startup set-aside 50% and district floor 25% on the four baseline firms (pool 10M):
#   B (startup 70) 5M, D (large 60, 坪山区) 2M, A (small 90) the 3M left of 4M, C (80) 0.
# The marginal firm of the pool is A → ∂/∂budget = 90.
# One more yuan for startups comes from A: 70 − 90 = −20.
# One more yuan for 坪山区 (D) comes from A: 60 − 90 = −30.
# 南山区 needs 0.25 × 6M = 1.5M and gets 3M: 1.5M of slack; 宝安区 needs 1.5M, gets 5M.


def prices(sc: Scenario):
    result = solve(sc)
    assert result.optimal
    return {p.row: p for p in shadow_prices(result)}


def test_signs_sizes_and_sentences_by_hand():
    by_row = prices(hand(startup_floor=0.5, district_floor=0.25))
    tie = 1.01 * TIE_BREAK  # each score carries a tie-break bonus of at most 1e-3
    pool = by_row["budget.training"]
    assert pool.marginal == pytest.approx(90, abs=tie) and pool.binding and pool.slack < 1
    assert pool.unit == IMPACT_UNIT
    assert pool.text_en == ("¥1.0M more in the training pool adds about 90.0M impact points "
                            "(90.00 per yuan); binding.")
    assert pool.text_zh == ("训力券资金池每增加100万元，影响力约增加9,000.1万分（每元90.00分）；"
                            "起约束作用。")
    startups = by_row["startup_floor.training"]
    assert startups.marginal == pytest.approx(-20, abs=tie) and startups.binding
    assert startups.text_en.startswith("Each ¥1.0M more that the startup set-aside on training "
                                       "demands costs about 20.0M impact points")
    district = by_row["district_floor.坪山区"]
    assert district.marginal == pytest.approx(-30, abs=tie) and district.binding
    nanshan = by_row["district_floor.南山区"]
    assert nanshan.marginal == 0 and not nanshan.binding
    assert nanshan.slack == pytest.approx(1.5 * M, abs=1)
    assert nanshan.text_en == ("南山区 gets ¥1.5M more than its floor; a small change would "
                               "change nothing (slack).")
    model_pool = by_row["budget.model"]  # nobody asked for model vouchers
    assert model_pool.marginal == 0 and model_pool.slack == pytest.approx(1 * M)
    assert model_pool.text_en.startswith("The model pool has ¥1.0M left")
    assert not by_row["startup_floor.model"].binding  # needs min(0.5M, 0) = 0: met exactly
    assert "met exactly" in by_row["startup_floor.model"].text_en
    binding, slack = split(list(by_row.values()))
    assert [p.row for p in binding] == ["budget.training", "district_floor.坪山区",
                                        "startup_floor.training"]
    assert "district_floor.南山区" in [p.row for p in slack]


def test_budget_marginal_matches_a_policy_level_perturbation():
    # no set-aside here, so a bigger budget moves only the pool's row:
    # rank by score gives B (70) the marginal yuan → Δimpact / ε = 70
    base = solve(hand())
    more = solve(hand(budget__training=10 * M + EPS))
    slope = (more.objective - base.objective) / EPS
    price = {p.row: p for p in shadow_prices(base)}["budget.training"]
    assert slope == pytest.approx(70, abs=1e-6)
    assert price.marginal == pytest.approx(slope, abs=1.01 * TIE_BREAK)


def model_of(sc: Scenario) -> AllocationModel:
    ctx = make_context(sc)
    rows = [row for rule in rules_for(sc) for row in rule.rows(ctx)]
    return AllocationModel(ctx, rows, tie_broken_scores(sc), sc.policy.tiers)


def one_sided_slopes(sc: Scenario, row: str, rhs: float) -> tuple[float | None, float | None]:
    """(V(rhs + ε) − V(rhs)) / ε and (V(rhs) − V(rhs − ε)) / ε, in objective points per yuan."""
    model = model_of(sc)
    base = model.maximize_impact()
    slopes: list[float | None] = []
    for step in (EPS, -EPS):
        model.set_rhs(row, rhs + step)
        moved = model.maximize_impact()
        slopes.append((moved.objective - base.objective) * SCALE / step if moved.optimal else None)
        model.set_rhs(row, rhs)
    return slopes[0], slopes[1]


@pytest.mark.parametrize("row", ["budget.training", "startup_floor.training",
                                 "district_floor.坪山区"])
def test_every_binding_marginal_matches_an_eps_perturbation(row):
    sc = hand(startup_floor=0.5, district_floor=0.25)
    price = prices(sc)[row]
    up, down = one_sided_slopes(sc, row, price.rhs)
    # away from a breakpoint both one-sided slopes equal the marginal (same model, same bonus)
    assert up == pytest.approx(price.marginal, abs=1e-4)
    assert down == pytest.approx(price.marginal, abs=1e-4)


def test_tiers_change_the_unit():
    sc = hand(returns__tiers="0.5:1, 1:0.5")
    by_row = prices(sc)
    assert by_row["budget.training"].unit == BENEFIT_UNIT
    assert "benefit points" in by_row["budget.training"].text_en


def test_total_cap_rows_listed_only_where_they_bind():
    # E and F: model 1M + training 5M each, cap.total 3M: both capped; a big pool
    sc = scenario([firm("E", "small", 90, model=4 * M, training=10 * M),
                   firm("F", "small", 80, model=4 * M, training=10 * M)],
                  budget__model=10 * M, budget__training=100 * M, cap__model=1 * M,
                  cap__total=3 * M)
    by_row = prices(sc)
    assert {r for r in by_row if r.startswith("cap.total")} == {"cap.total.E", "cap.total.F"}
    assert by_row["cap.total.E"].marginal == pytest.approx(90, abs=1.01 * TIE_BREAK)
    assert by_row["cap.total.E"].text_en.startswith("¥1.0M more of room under firm E's total cap")


def test_no_prices_without_an_allocation():
    assert shadow_prices(solve(hand(district_floor=1.0))) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=False))
def test_marginals_lie_between_the_one_sided_slopes(sc):
    # the optimal value is concave in any right-hand side, and the marginal is a
    # supergradient: slope to the right ≤ marginal ≤ slope to the left
    result = solve(sc)
    if not result.optimal:
        return
    for price in shadow_prices(result):
        if not price.binding and price.rule != "budget":
            continue
        up, down = one_sided_slopes(sc, price.row, price.rhs)
        if up is not None:
            assert up <= price.marginal + 1e-3, (price.row, up, price.marginal)
        if down is not None:
            assert price.marginal <= down + 1e-3, (price.row, down, price.marginal)
        if price.rule in ("budget", "large_cap", "cap.total"):  # room is worth something
            assert price.marginal >= 0
        else:  # a floor costs something
            assert price.marginal <= 0
