"""The price of fairness, worked by hand, and never negative."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

from optimizer import check_allocation, solve
from optimizer.analysis import fairness, price_of_fairness
from optimizer.analysis.fairness import fairness_rules, without_fairness
from optimizer.policy import Policy
from optimizer.result import Result
from optimizer.scenario import Scenario
from tests.factory import HAND_FIRMS as FIRMS
from tests.factory import HAND_POLICY as POLICY
from tests.factory import firm, hand, scenario
from tests.strategies import scenarios

M = 1e6

# The four firms of the baseline tests, training only (claims A 4M small 90 南山区,
# B 6M startup 70 宝安区, C 2M medium 80 南山区, D 8M large 60 坪山区; pool 10M).
# Without fairness rules the optimum is rank by score: A 4, C 2, B 4, D 0 → 800M.


def by_rule(sc):
    result = solve(sc)
    assert result.optimal
    assert check_allocation(sc, result.amounts) == []
    return {p.rule: p for p in price_of_fairness(sc, result)}


def test_startup_set_aside_alone():
    # φ = 0.5: startups need min(5M, 6M) = 5M → B 5M; the other 5M by score: A 4M, C 1M.
    # impact 70·5 + 90·4 + 80·1 = 790M: 10M lost = 1.25 % of 800M;
    # B +1M, C −1M: ¥1M moves from medium firms to startups.
    prices = by_rule(hand(startup_floor=0.5))
    assert list(prices) == ["all", "startup_floor"]
    p = prices["startup_floor"]
    assert p.impact_lost == pytest.approx(10 * M, rel=1e-6)
    assert p.impact_lost_pct == pytest.approx(1.25, rel=1e-6)
    assert p.moved_by_class == pytest.approx(
        {"startup": 1 * M, "small": 0, "medium": -1 * M, "large": 0}, abs=1)
    assert p.moved_by_district == pytest.approx({"南山区": -1 * M, "坪山区": 0, "宝安区": 1 * M},
                                                abs=1)
    assert p.moved == pytest.approx(1 * M, abs=1)
    assert p.parameter == "50%"
    assert p.text_en == ("The 50% startup set-aside costs 1.2% of impact and moves ¥1.0M "
                         "from medium firms to startups.")
    assert p.text_zh == "50%的初创企业专项使影响力下降1.2%，并将100万元从中型企业转向初创企业。"
    assert prices["all"].impact_lost == pytest.approx(p.impact_lost)


def test_two_rules_each_priced_given_the_other():
    # φ = 0.5 and district floor κ = 0.25 (坪山区 needs 0.25 · 8M = 2M from D):
    #   B 5M, D 2M, A the 3M left → 70·5 + 60·2 + 90·3 = 740M.
    # all off: 800M → 60M lost (7.5 %); A −1, B +1, C −2, D +2.
    # set-aside off (floor kept): D 2M, A 4M, C 2M, B 2M → 780M → 40M lost (40/780).
    # floor off (set-aside kept): 790M → 50M lost (50/790); 坪山区 +2M, 南山区 −2M.
    prices = by_rule(hand(startup_floor=0.5, district_floor=0.25))
    assert list(prices) == ["all", "startup_floor", "district_floor"]
    every = prices["all"]
    assert every.impact_with == pytest.approx(740 * M, rel=1e-9)
    assert every.impact_without == pytest.approx(800 * M, rel=1e-9)
    assert every.impact_lost == pytest.approx(60 * M, rel=1e-6)
    assert every.impact_lost_pct == pytest.approx(7.5, rel=1e-6)
    assert every.moved_by_class == pytest.approx(
        {"startup": 1 * M, "small": -1 * M, "medium": -2 * M, "large": 2 * M}, abs=1)
    assert prices["startup_floor"].impact_lost == pytest.approx(40 * M, rel=1e-6)
    assert prices["startup_floor"].impact_lost_pct == pytest.approx(100 * 40 / 780, rel=1e-6)
    assert prices["startup_floor"].moved_by_class == pytest.approx(
        {"startup": 3 * M, "small": -1 * M, "medium": -2 * M, "large": 0}, abs=1)
    floor = prices["district_floor"]
    assert floor.impact_lost == pytest.approx(50 * M, rel=1e-6)
    assert floor.impact_lost_pct == pytest.approx(100 * 50 / 790, rel=1e-6)
    assert floor.moved_by_district == pytest.approx(
        {"南山区": -2 * M, "坪山区": 2 * M, "宝安区": 0}, abs=1)
    assert "from 南山区 to 坪山区" in floor.text_en  # the floor's sentence names districts


def test_a_rule_that_does_not_bind_costs_nothing():
    # large firms (D) get nothing anyway, so a 30% cap on them is free
    prices = by_rule(hand(large_cap=0.3))
    assert prices["large_cap"].impact_lost == 0.0
    assert prices["large_cap"].text_en == ("The 30% large-firm cap costs no impact and moves no "
                                           "money between size classes.")


def test_maxmin_objective_is_priced_as_a_rule():
    # one firm per class; max-min raises every class to t: 20M · t = 10M → t = 0.5,
    # which is pro-rata: A 2, B 3, C 1, D 4 → 710M, 90M (11.25 %) below 800M
    prices = by_rule(hand(objective="maxmin"))
    assert list(prices) == ["all", "objective"]
    assert prices["objective"].parameter == "maxmin"
    assert prices["objective"].impact_lost == pytest.approx(90 * M, rel=1e-6)
    assert prices["objective"].impact_lost_pct == pytest.approx(11.25, rel=1e-6)
    assert prices["objective"].text_en.startswith("The max-min objective costs 11.2% of impact")


def test_diminishing_returns_are_priced_as_a_rule():
    # tiers 0.5:1, 1:0.5: first halves by score (A 2 @90, C 1 @80, B 3 @70 → 6M),
    # then second halves at half weight: A 45, C 40, B 35, D 30 … D's first half
    # (weight 60) beats them all: D 4M → pool full. A 2, B 3, C 1, D 4 → 710M
    prices = by_rule(hand(returns__tiers="0.5:1, 1:0.5"))
    assert prices["returns.tiers"].impact_lost == pytest.approx(90 * M, rel=1e-6)


def test_no_fairness_rules_no_prices():
    assert price_of_fairness(hand()) == []


def test_infeasible_scenario_has_no_price():
    # a 100% district floor needs 20M from a 11M pair of pools
    assert price_of_fairness(hand(district_floor=1.0)) == []


def test_without_fairness_keeps_the_programs_terms():
    sc = scenario(FIRMS, **POLICY, startup_floor=0.3, large_cap=0.2, district_floor=0.1,
                  basic_research_floor=0.1, objective="leximin", leximin__districts="yes",
                  returns__tiers="0.5:1, 1:0.5", cap__total=5 * M, min_score__small=10)
    free = without_fairness(sc.policy)
    assert free.budgets == sc.policy.budgets and free.caps == sc.policy.caps
    assert free.cap_total == 5 * M and free.min_scores == sc.policy.min_scores
    assert fairness_rules(free) == []
    assert [c.rule for c in fairness_rules(sc.policy)] == [
        "startup_floor", "large_cap", "district_floor", "basic_research_floor", "objective",
        "returns.tiers"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=True))
def test_price_of_fairness_is_never_negative(sc):
    result = solve(sc)
    for price in price_of_fairness(sc, result):
        assert price.impact_lost >= 0, price
        assert 0 <= price.impact_lost_pct <= 100
        # what the rules move out of one group, they move into another or leave unspent
        assert price.moved >= -1


def test_under_maxmin_constraints_are_priced_against_the_impact_optimum():
    # L large 50, claim 0.5 × 4M = 2M; S startup 90, claim 0.5 × 2M = 1M;
    # pool 1M, large firms ≤ 25 % = 0.25M.
    # max-min with the cap: L's coverage ≤ 0.125 = t → L 0.25M, S 0.75M → 80M.
    # max-min without the cap: t = 1/3 → L 0.667M, S 0.333M → 63.3M, *more* level, less
    # impact: a drop-one difference of −16.7M, which is not a price.
    # So the cap is priced under the impact objective (S 1M, L 0 either way → 0), and the
    # objective against the capped impact optimum (90M − 80M = 10M).
    sc = scenario([firm("L", "large", 50, training=4 * M),
                   firm("S", "startup", 90, training=2 * M)],
                  budget__model=0, budget__training=1 * M, large_cap=0.25, objective="maxmin")
    prices = by_rule(sc)
    assert prices["large_cap"].impact_lost == 0.0
    assert prices["objective"].impact_lost == pytest.approx(10 * M, rel=1e-6)
    assert prices["all"].impact_lost == pytest.approx(10 * M, rel=1e-6)
    assert prices["all"].moved_by_class == pytest.approx({"startup": -0.25 * M,
                                                          "large": 0.25 * M}, abs=1)


class FreshSolves:
    """Stands in for :class:`optimizer.solve.Resolver`: every policy solved from scratch."""

    built = 0

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        FreshSolves.built += 1

    def solve(self, policy: Policy) -> Result:
        return solve(self.scenario.with_policy(policy))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=True))
def test_reusing_one_model_prices_as_fresh_solves_do(sc):
    result = solve(sc)
    reused = price_of_fairness(sc, result)
    built = FreshSolves.built
    with mock.patch.object(fairness, "Resolver", FreshSolves):
        fresh = price_of_fairness(sc, result)
    # one model at most, and always one when a fairness constraint is priced
    assert FreshSolves.built <= built + 1
    if any(p.rule in fairness.NEUTRAL_SHARES for p in fresh):
        assert FreshSolves.built == built + 1
    assert [p.rule for p in reused] == [p.rule for p in fresh]
    for r, f in zip(reused, fresh, strict=True):
        assert r.impact_with == pytest.approx(f.impact_with, rel=1e-6, abs=1), r.rule
        assert r.impact_without == pytest.approx(f.impact_without, rel=1e-6, abs=1), r.rule
        assert r.impact_lost == pytest.approx(f.impact_lost, rel=1e-6, abs=1), r.rule
        assert r.impact_lost_pct == pytest.approx(f.impact_lost_pct, rel=1e-6, abs=1e-6)
        assert r.moved_by_class == pytest.approx(f.moved_by_class, abs=1), r.rule
        assert r.moved_by_district == pytest.approx(f.moved_by_district, abs=1), r.rule
        assert (r.text_en, r.text_zh) == (f.text_en, f.text_zh)
