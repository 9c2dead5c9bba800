"""Diminishing returns and leximin, worked by hand, with their properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from optimizer import Policy, PolicyError, Result, check_allocation, solve
from optimizer.scenario import Scenario
from tests.factory import firm, hand, scenario, solved
from tests.strategies import scenarios

M = 1e6


def training(result: Result) -> list[float]:
    return [round(a / M, 4) for a in result.amounts[:, 1]]


# -- diminishing returns ----------------------------------------------------------------
# The four baseline firms (claims A 4M @90, B 6M @70, C 2M @80, D 8M @60; pool 10M).


def test_linear_benefit_is_all_or_nothing_by_score():
    assert training(solved(hand())) == [4, 4, 2, 0]


def test_tiers_spread_money_to_every_first_half():
    # 0.5:1, 1:0.5: first halves are worth the score (A 2 @90, C 1 @80, B 3 @70, D 4 @60:
    # 10M in all), second halves half of it (45, 40, 35, 30 < 60): every firm gets half
    result = solved(hand(returns__tiers="0.5:1, 1:0.5"))
    assert training(result) == [2, 3, 1, 4]
    assert result.objective == pytest.approx(710 * M)  # impact is reported with plain scores


def test_tiers_interleave_halves_by_weight():
    # 0.5:1, 1:0.8: pieces by weight: A1 90 (2M), C1 80 (1M), A2 72 (2M), B1 70 (3M),
    # C2 64 (1M) → 9M; D1 60 gets the last 1M; B2 56 and D2 48 get nothing
    result = solved(hand(returns__tiers="0.5:1, 1:0.8"))
    assert training(result) == [4, 3, 2, 1]
    assert result.objective == pytest.approx((360 + 210 + 160 + 60) * M)


def test_tiers_policy_key_round_trips_and_is_validated():
    policy = hand(returns__tiers="0.3:1, 0.7:0.6, 1:0.2").policy
    assert policy.tiers == ((0.3, 1.0), (0.7, 0.6), (1.0, 0.2))
    assert ("returns.tiers", "0.3:1, 0.7:0.6, 1:0.2") in policy.to_items()
    assert Policy.from_items(policy.to_items()) == policy
    for bad in ("0.5:1, 0.9:0.5", "0.5:0.5, 1:1", "0.5-1"):
        with pytest.raises(PolicyError, match=r"returns\.tiers"):
            hand(returns__tiers=bad)


# -- leximin ----------------------------------------------------------------------------
# One pool of 100M (training; requests are twice the claims at the 50 % rate), no per-firm cap:
#   S startup score 10, claim 100M, 南山区
#   K small   score 90, claim  20M, 宝安区
#   L large   score 50, claim  50M, 南山区; large firms ≤ 10 % of the pool = 10M
LEXI = [firm("S", "startup", 10, training=200 * M, district="南山区"),
        firm("K", "small", 90, training=40 * M, district="宝安区"),
        firm("L", "large", 50, training=100 * M, district="南山区")]


def lexi(**changes: object) -> Scenario:
    return scenario(LEXI, **{"budget__model": 0, "budget__training": 100 * M,
                             "rate__training__startup": 0.5, "large_cap": 0.1, **changes})


def test_maxmin_stops_at_the_smallest_level():
    # t ≤ 10 / 50 = 0.2 (large firms' cap); holding every class ≥ 0.2, impact takes
    # K 20M (90), L 10M (50), S the 70M left
    result = solved(lexi(objective="maxmin"))
    assert training(result) == [70, 20, 10]
    assert result.level == pytest.approx(0.2)


def test_leximin_raises_the_next_smallest_class():
    # stage 1: t = 0.2, only the large class is stuck → fixed at 0.2 (10M)
    # stage 2: S ≥ 100t, K ≥ 20t, 120t ≤ 90 → t = 0.75, and neither can rise alone
    # → S 75M, K 15M, L 10M; impact 10·75 + 90·15 + 50·10 = 2,600M (maxmin: 3,000M)
    result = solved(lexi(objective="leximin"))
    assert training(result) == [75, 15, 10]
    assert result.objective == pytest.approx(2600 * M)
    assert result.levels[0] == ("class.large", pytest.approx(0.2))
    assert sorted(result.levels[1:]) == [("class.small", pytest.approx(0.75)),
                                         ("class.startup", pytest.approx(0.75))]
    assert result.level == pytest.approx(0.2)


def test_leximin_over_districts_too():
    # groups: 3 classes and 南山区 (S + L, claim 150M), 宝安区 (K, 20M).
    # stage 1: t = 0.2, large stuck. stage 2: S + L ≥ 150t with L = 10 → S ≥ 150t − 10;
    # K ≥ 20t; S + K + 10 ≤ 100 → 170t ≤ 100 → t = 10/17: small, 南山区 and 宝安区 stuck.
    # stage 3: startups alone: S = 150t − 10 = 78.2353M, the most it can have.
    result = solved(lexi(objective="leximin", leximin__districts="yes"))
    t = 10 / 17
    assert training(result) == pytest.approx([150 * t - 10, 20 * t, 10], abs=1e-4)
    levels = dict(result.levels)
    assert levels["class.large"] == pytest.approx(0.2)
    assert levels["district.宝安区"] == pytest.approx(t)
    assert levels["district.南山区"] == pytest.approx(t)
    assert levels["class.startup"] == pytest.approx((150 * t - 10) / 100)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=False))
def test_leximin_sorted_coverages_dominate_maxmin(sc):
    maxmin = solve(sc.with_policy(sc.policy.with_values(objective="maxmin")))
    leximin = solve(sc.with_policy(sc.policy.with_values(objective="leximin")))
    assert maxmin.status == leximin.status
    if not maxmin.optimal:
        return
    assert check_allocation(sc, leximin.amounts) == []
    lo = sorted(leximin.coverage_by("size_class").values())
    mm = sorted(maxmin.coverage_by("size_class").values())
    if not lo:  # nobody is eligible for anything
        return
    assert lo[0] == pytest.approx(mm[0], abs=1e-6)  # same smallest level
    for a, b in zip(lo, mm, strict=True):  # and lexicographically at least as good
        if abs(a - b) > 1e-6:
            assert a > b
            break


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=False))
def test_tiers_never_beat_the_linear_impact(sc):
    linear = solve(sc)
    tiered = solve(sc.with_policy(sc.policy.with_values(tiers=((0.5, 1.0), (1.0, 0.5)))))
    assert linear.status == tiered.status
    if linear.optimal:
        assert check_allocation(sc, tiered.amounts) == []
        assert tiered.objective <= linear.objective + 1e-3 * sc.policy.total_budget
        assert tiered.firms_funded >= 0
