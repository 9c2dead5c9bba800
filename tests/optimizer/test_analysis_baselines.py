"""Baselines and metrics, worked by hand, plus the claims rules' properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import check_allocation, solve
from optimizer.analysis import Baseline, compare_baselines, gini, jain, measure, run_baseline
from optimizer.analysis.baselines import equal_awards, pro_rata
from optimizer.analysis.fairness import without_fairness
from optimizer.scenario import Scenario
from tests.factory import HAND_FIRMS as FIRMS
from tests.factory import HAND_POLICY as POLICY
from tests.factory import firm, hand, scenario
from tests.strategies import scenarios

M = 1e6
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DATES = ["2024-03-05", "2024-03-01", "2024-03-03", "2024-03-02"]


def dated(sc: Scenario) -> Scenario:
    firms = sc.firms.copy()
    firms["applied_on"] = pd.to_datetime(DATES)
    return Scenario(firms, sc.policy, sc.name)


def training(amounts: np.ndarray) -> list[float]:
    return [round(a / M, 4) for a in amounts[:, 1]]


def assert_within_programs_terms(sc: Scenario, amounts: np.ndarray) -> None:
    """Baselines keep pools, limits and cap.total; fairness rules are not theirs to keep."""
    assert check_allocation(sc.with_policy(without_fairness(sc.policy)), amounts) == []


def test_fcfs_follows_application_dates():
    # order B (03-01) 6M, D (03-02) gets the 4M left, then C and A get nothing
    sc = dated(hand())
    amounts = run_baseline(sc, Baseline.FCFS)
    assert training(amounts) == [0, 6, 0, 4]
    assert_within_programs_terms(sc, amounts)


def test_fcfs_without_dates_is_file_order():
    # A 4M, B 6M, pool empty
    amounts = run_baseline(hand(), "fcfs")
    assert training(amounts) == [4, 6, 0, 0]


def test_pro_rata_scales_every_claim_by_one_factor():
    # factor 10 / 20 = 0.5
    amounts = run_baseline(hand(), Baseline.PRO_RATA)
    assert training(amounts) == [2, 3, 1, 4]
    assert_within_programs_terms(hand(), amounts)


def test_rank_by_score_fills_claims_until_the_pool_is_empty():
    # A (90) 4M, C (80) 2M, B (70) the 4M left of its 6M, D (60) nothing
    amounts = run_baseline(hand(), Baseline.RANK_BY_SCORE)
    assert training(amounts) == [4, 4, 2, 0]


def test_equal_awards_levels_up_to_lambda():
    # λ with 4 firms: 4λ = 10 → λ = 2.5 > C's 2M, so C gets 2M;
    # the other three share 8M: λ = 8/3 ≈ 2.6667M (below every remaining claim)
    amounts = run_baseline(hand(), Baseline.EQUAL_AWARDS)
    assert training(amounts) == [2.6667, 2.6667, 2, 2.6667]
    assert amounts[:, 1].sum() <= 10 * M  # rounded down to the fen
    assert_within_programs_terms(hand(), amounts)


def test_model_pool_with_no_claims_pays_nothing():
    for kind in Baseline:
        assert run_baseline(hand(), kind)[:, 0].tolist() == [0, 0, 0, 0]


def test_total_cap_carries_over_between_pools():
    # E: model 0.3 × 5M = 1.5M capped at 1M; training 0.5 × 10M = 5M; cap.total 4M.
    # Rank by score: model pays E 1M, so only 3M of room is left for training.
    sc = scenario([firm("E", "small", 90, model=5 * M, training=10 * M)],
                  budget__model=5 * M, budget__training=20 * M, cap__model=1 * M,
                  cap__total=4 * M)
    for kind in Baseline:
        amounts = run_baseline(sc, kind)
        assert amounts.tolist() == [[1 * M, 3 * M]], kind
        assert check_allocation(sc, amounts) == []


def test_baselines_ignore_fairness_rules():
    # with a 50% startup set-aside rank-by-score still gives B only 4M (the LP would give 5M)
    sc = hand(startup_floor=0.5)
    amounts = run_baseline(sc, Baseline.RANK_BY_SCORE)
    assert training(amounts) == [4, 4, 2, 0]
    assert [v.rule for v in check_allocation(sc, amounts)] == ["startup_floor"]


def test_metrics_of_pro_rata_by_hand():
    # totals A 2, B 3, C 1, D 4 (M); impact 90·2 + 70·3 + 80·1 + 60·4 = 710M
    # Gini over sorted [1, 2, 3, 4]: Σ(2i − n − 1)x = −3 − 2 + 3 + 12 = 10; 10 / (4 · 10) = 0.25
    # Jain: 10² / (4 · (1 + 4 + 9 + 16)) = 100 / 120
    m = measure(hand(), run_baseline(hand(), Baseline.PRO_RATA))
    assert m.impact == pytest.approx(710 * M)
    assert m.spend == {"model": 0.0, "training": pytest.approx(10 * M)}
    assert m.spend_total == pytest.approx(10 * M)
    assert m.firms_funded == 4
    assert m.startup_share == pytest.approx(0.3)
    assert m.coverage_by_class == pytest.approx(
        {"startup": 0.5, "small": 0.5, "medium": 0.5, "large": 0.5})
    assert list(m.coverage_by_class) == ["startup", "small", "medium", "large"]
    assert m.share_by_district == pytest.approx({"南山区": 0.3, "坪山区": 0.4, "宝安区": 0.3})
    assert m.coverage_by_district == pytest.approx({"南山区": 0.5, "坪山区": 0.5, "宝安区": 0.5})
    assert m.gini == pytest.approx(0.25)
    assert m.jain == pytest.approx(100 / 120)


def test_metrics_of_rank_by_score_by_hand():
    # totals A 4, B 4, C 2, D 0; impact 360 + 280 + 160 = 800M; 3 firms funded
    # Gini over sorted [0, 2, 4, 4]: (−1)·2 + 1·4 + 3·4 = 14; 14 / 40 = 0.35
    # Jain: 100 / (4 · 36)
    m = measure(hand(), run_baseline(hand(), Baseline.RANK_BY_SCORE))
    assert m.impact == pytest.approx(800 * M)
    assert m.firms_funded == 3
    assert m.startup_share == pytest.approx(0.4)
    assert m.coverage_by_class["large"] == 0.0
    assert m.gini == pytest.approx(0.35)
    assert m.jain == pytest.approx(100 / 144)


def test_gini_population_is_eligible_applicants_only():
    # an ineligible firm (score 50 < 60) adds no zero to the Gini population
    ineligible = firm("X", "small", 50, training=8 * M)
    sc = scenario([*FIRMS, ineligible], **POLICY, min_score__small=60)
    assert sc.firms.shape[0] == 5
    m = measure(sc, run_baseline(sc, Baseline.PRO_RATA))
    assert m.gini == pytest.approx(0.25)


def test_gini_and_jain_extremes():
    assert gini(np.array([5.0, 5.0, 5.0])) == 0.0
    assert gini(np.array([0.0, 0.0, 0.0, 8.0])) == pytest.approx(0.75)
    assert gini(np.array([])) == 0.0
    assert jain(np.array([0.0, 0.0, 0.0, 8.0])) == pytest.approx(0.25)
    assert jain(np.zeros(3)) == 1.0


def test_compare_puts_the_optimized_allocation_first():
    # the impact optimum here is rank by score (no fairness rules): both 800M
    sc = hand()
    rows = compare_baselines(sc, solve(sc))
    assert [name for name, _ in rows] == ["optimized", "fcfs", "pro_rata", "rank_by_score",
                                          "equal_awards"]
    figures = dict(rows)
    assert figures["optimized"].impact == pytest.approx(800 * M, rel=1e-9)
    assert figures["optimized"].impact >= max(m.impact for m in figures.values()) - 1


# -- properties ------------------------------------------------------------------------

claims = st.lists(st.sampled_from([0, 0.5, 1, 2, 3, 5, 8, 13]).map(lambda x: x * M),
                  min_size=1, max_size=12)


@SETTINGS
@given(claims, st.floats(0, 60 * M))
def test_equal_awards_never_favours_a_larger_claim(values, budget):
    c = np.array(values)
    a = equal_awards(c, budget)
    assert a.sum() <= budget + 1e-6 and np.all(a <= c + 1e-9)
    for i in range(len(c)):
        for j in range(len(c)):
            if c[i] <= c[j] and c[i] > 0:
                assert a[i] <= a[j] + 1e-6  # a smaller claim never gets more yuan …
                assert a[i] / c[i] >= a[j] / c[j] - 1e-9  # … nor a smaller share of its claim
                assert c[i] - a[i] <= c[j] - a[j] + 1e-6  # … nor a larger loss


@SETTINGS
@given(claims, st.floats(0, 60 * M))
def test_pro_rata_gives_every_claim_the_same_coverage(values, budget):
    c = np.array(values)
    a = pro_rata(c, budget)
    coverage = a[c > 0] / c[c > 0]
    if len(coverage):
        assert coverage.max() - coverage.min() <= 1e-12
    assert a.sum() <= max(budget, 0) * (1 + 1e-12) + 1e-6


@SETTINGS
@given(scenarios(fairness=True, objective=False))
def test_baselines_keep_pools_limits_and_total_cap(sc):
    for kind in Baseline:
        assert_within_programs_terms(sc, run_baseline(sc, kind))


@SETTINGS
@given(scenarios(fairness=False, objective=False))
def test_pro_rata_coverage_is_equal_within_each_pool(sc):
    if sc.policy.cap_total is not None:  # the cap changes later pools' claims
        sc = sc.with_policy(sc.policy.with_values(cap_total=None))
    amounts = run_baseline(sc, Baseline.PRO_RATA)
    upper = solve(sc).limits.upper
    for j in range(upper.shape[1]):
        has = upper[:, j] > 0
        if has.any():
            coverage = amounts[has, j] / upper[has, j]
            # equal to within the fen each award is rounded down by
            assert coverage.max() - coverage.min() <= 0.01 / upper[has, j].min() + 1e-12


@SETTINGS
@given(scenarios(fairness=False, objective=False))
def test_the_optimum_has_at_least_every_baselines_impact(sc):
    result = solve(sc)
    best = measure(sc, result.amounts).impact
    for kind in Baseline:
        # the LP maximises score + a tie-break below 1e-3 per yuan
        assert measure(sc, run_baseline(sc, kind)).impact <= best + 1e-3 * sc.policy.total_budget
