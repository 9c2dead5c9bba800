"""Allocations worked out by hand (the arithmetic is in each test's comments)."""

from __future__ import annotations

import pytest

from optimizer import Objective, Status, check_allocation, solve
from tests.factory import firm, scenario

M = 1e6

# A: large, score 90: training upper min(0.5 × 30M, 10M) = 10M, model 0.3 × 2M = 0.6M
# B: startup, score 70: training 0.6 × 10M = 6M, model min(0.3 × 5M, 1M cap) = 1M
# C: small, score 55 < min_score 60: ineligible, upper 0
# D: medium, score 80: training 0.5 × 8M = 4M, model 0.3 × 1M = 0.3M
FIRMS = [
    firm("A", "large", 90, model=2 * M, training=30 * M, district="南山区"),
    firm("B", "startup", 70, model=5 * M, training=10 * M, district="宝安区"),
    firm("C", "small", 55, model=1 * M, training=5 * M, district="宝安区"),
    firm("D", "medium", 80, model=1 * M, training=8 * M, district="南山区"),
]
POLICY = {
    "budget__model": 1.5 * M, "budget__training": 12 * M, "rate__training__startup": 0.6,
    "cap__model": 1 * M, "cap__training": 10 * M, "min_score__small": 60,
}


def solved(**changes: object):
    sc = scenario(FIRMS, **{**POLICY, **changes})
    result = solve(sc)
    assert result.status is Status.OPTIMAL, result.diagnosis
    assert check_allocation(sc, result.amounts) == []
    return result


def amounts(result) -> dict[str, tuple[float, float]]:
    ids = result.scenario.firms["firm_id"]
    return {i: (round(m), round(t)) for i, (m, t) in zip(ids, result.amounts.tolist(), strict=True)}


def marginal(result, row: str) -> float:
    return next(r.marginal for r in result.rows if r.name == row)


def test_rank_by_score_within_each_pool():
    # training 12M: A 10M (90), D 2M of 4M (80), B 0; model 1.5M: A 0.6, D 0.3, B 0.6 of 1.0
    result = solved()
    assert amounts(result) == {"A": (600_000, 10_000_000), "B": (600_000, 0),
                               "C": (0, 0), "D": (300_000, 2_000_000)}
    # impact = 90 × 10.6M + 80 × 2.3M + 70 × 0.6M = 1,180M
    assert result.objective == pytest.approx(1180 * M)
    # the marginal firm of each pool sets its price: D (80) for training, B (70) for model
    assert marginal(result, "budget.training") == pytest.approx(80, abs=0.01)
    assert marginal(result, "budget.model") == pytest.approx(70, abs=0.01)


def test_startup_set_aside_moves_money_to_startups():
    # training: startups need min(0.5 × 12M, 6M) = 6M → B 6M, A the other 6M, D 0
    # model: need min(0.75M, 1M) = 0.75M → B 0.75M, A 0.6M, D 0.15M
    result = solved(startup_floor=0.5)
    assert amounts(result) == {"A": (600_000, 6_000_000), "B": (750_000, 6_000_000),
                               "C": (0, 0), "D": (150_000, 0)}
    assert result.objective == pytest.approx((90 * 6.6 + 80 * 0.15 + 70 * 6.75) * M)
    # one more yuan reserved for startups costs (A's 90 − B's 70) in training, (80 − 70) in model
    assert marginal(result, "startup_floor.training") == pytest.approx(-20, abs=0.01)
    assert marginal(result, "startup_floor.model") == pytest.approx(-10, abs=0.01)
    assert marginal(result, "budget.training") == pytest.approx(90, abs=0.01)


def test_large_firm_cap_limits_large_firms_per_pool():
    # A ≤ 0.25 × 12M = 3M training and 0.375M model; D and B take the rest by score
    result = solved(large_cap=0.25)
    assert amounts(result) == {"A": (375_000, 3_000_000), "B": (825_000, 5_000_000),
                               "C": (0, 0), "D": (300_000, 4_000_000)}
    assert result.objective == pytest.approx((90 * 3.375 + 80 * 4.3 + 70 * 5.825) * M)


def test_total_cap_per_firm():
    # A ≤ 5M in all; D gets its full 4.3M; B the rest: 13.5 − 5 − 4.3 = 4.2M
    result = solved(cap__total=5 * M)
    totals = dict(zip(result.scenario.firms["firm_id"], result.totals.round(), strict=True))
    assert totals == {"A": 5 * M, "B": 4.2 * M, "C": 0, "D": 4.3 * M}
    assert result.objective == pytest.approx((90 * 5 + 80 * 4.3 + 70 * 4.2) * M)


def test_district_floor_raises_the_poorer_district():
    # 宝安区 is eligible for B's 7M (C is ineligible): floor 50% → B ≥ 3.5M.
    # The other 10M all go to A (score 90, limit 10.6M); D gets nothing.
    result = solved(district_floor=0.5)
    totals = dict(zip(result.scenario.firms["firm_id"], result.totals.round(), strict=True))
    assert totals == {"A": 10 * M, "B": 3.5 * M, "C": 0, "D": 0}
    assert result.objective == pytest.approx((90 * 10 + 70 * 3.5) * M)
    # one more yuan of floor moves a yuan from A (90) to B (70)
    assert marginal(result, "district_floor.宝安区") == pytest.approx(-20, abs=0.01)


def test_basic_research_set_aside():
    # D's project is basic research: β = 0.3 of 13.5M = 4.05M, but D can get only 4.3M → 4.05M.
    # D already gets 2.3M by score; it must get 4.05M, taken from B's model money and ...
    firms = [dict(f, basic_research=f["firm_id"] == "D") for f in FIRMS]
    sc = scenario(firms, **POLICY, basic_research_floor=0.3)
    result = solve(sc)
    assert check_allocation(sc, result.amounts) == []
    totals = dict(zip(sc.firms["firm_id"], result.totals.round(), strict=True))
    # training: D takes 3.75M+, A keeps what's left; model: A 0.6, D 0.3, B 0.6.
    # D total 4.05M = 0.3 model + 3.75 training; A 8.25 + 0.6 = 8.85M; B 0.6M
    assert totals == {"A": 8.85 * M, "B": 0.6 * M, "C": 0, "D": 4.05 * M}


def test_maxmin_equalises_class_coverage():
    # A (large, upper 6M) and B (startup, upper 10M) share 10M at equal coverage t:
    # 6t + 10t = 10 → t = 0.625: A 3.75M, B 6.25M
    firms = [firm("A", "large", 3, training=12 * M), firm("B", "startup", 2, training=20 * M)]
    sc = scenario(firms, budget__model=1 * M, budget__training=10 * M,
                  objective="maxmin", rate__training__startup=0.5)
    result = solve(sc)
    assert result.status is Status.OPTIMAL
    assert result.level == pytest.approx(0.625, abs=1e-6)
    assert result.min_class_coverage == pytest.approx(0.625, abs=1e-6)
    assert result.amounts[:, 1] == pytest.approx([3.75 * M, 6.25 * M], abs=1)
    # plain impact would fill A (score 3) first: 6M, and B the 4M left
    impact = solve(sc.with_policy(sc.policy.with_values(objective=Objective.IMPACT)))
    assert impact.amounts[:, 1] == pytest.approx([6 * M, 4 * M], abs=1)


def test_same_input_same_allocation_ties_go_to_earlier_firm():
    # X and Y tie on score; the pool covers one of them: the earlier row wins
    firms = [firm("X", "small", 70, training=10 * M), firm("Y", "small", 70, training=10 * M)]
    sc = scenario(firms, budget__model=0, budget__training=5 * M)
    first, second = solve(sc), solve(sc)
    assert (first.amounts == second.amounts).all()
    assert first.amounts[:, 1].tolist() == [5 * M, 0]
