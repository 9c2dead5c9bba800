"""Frontiers: the reused model gives what a fresh solve gives, and impact moves one way."""

from __future__ import annotations

from itertools import pairwise
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import Status, check_allocation, solve
from optimizer.analysis import sweep, sweepable
from optimizer.analysis.frontier import policy_at
from optimizer.highs_bulk import BulkHiGHS
from optimizer.policy import Objective
from optimizer.scenario import Scenario
from optimizer.solve import Resolver
from tests.factory import hand
from tests.strategies import scenarios

M = 1e6
SHARES = [0.0, 0.1, 0.25, 0.4, 0.5, 0.6]


def assert_matches_fresh_solves(sc: Scenario, rule: str, values: list[float]) -> None:
    frontier = sweep(sc, rule, values)
    assert [p.value for p in frontier.points] == values
    for point in frontier.points:
        what_if = sc.with_policy(policy_at(sc.policy, rule, point.value))
        fresh = solve(what_if)
        assert point.status == fresh.status, (rule, point.value)
        if fresh.optimal:
            assert point.amounts is not None
            assert check_allocation(what_if, point.amounts) == []
            assert point.objective == pytest.approx(fresh.objective, rel=1e-6, abs=1)
        else:
            assert point.objective is None and point.diagnosis


def test_startup_floor_by_hand():
    # φ = 0 → 800M (rank by score); φ = 0.5 → B ≥ 5M: 790M (see test_analysis_fairness);
    # φ = 0.6 → B 6M (all it can have), A 4M → 70·6 + 90·4 = 780M
    frontier = sweep(hand(), "startup_floor", [0.0, 0.5, 0.6])
    assert [p.objective for p in frontier.points] == pytest.approx([800 * M, 790 * M, 780 * M])
    assert [p.metrics.startup_share for p in frontier.points] == pytest.approx([0.4, 0.5, 0.6])
    point = frontier.to_dict()["points"][1]
    assert {"value": 0.5, "status": "optimal", "objective": pytest.approx(790 * M),
            "startup_share": pytest.approx(0.5)}.items() <= point.items()
    assert {"gini", "jain", "firms_funded", "min_class_coverage"} <= set(point)


def test_budget_sweep_by_hand():
    # training pool 4M: A only → 360M; 6M: A + C → 520M; 12M: A, C, B full (12M) → 940M
    frontier = sweep(hand(), "budget.training", [4 * M, 6 * M, 12 * M])
    assert [p.objective for p in frontier.points] == pytest.approx([360 * M, 520 * M, 940 * M])


@pytest.mark.parametrize("rule", ["startup_floor", "large_cap", "district_floor",
                                  "basic_research_floor"])
@pytest.mark.parametrize("objective", ["impact", "maxmin", "leximin"])
def test_every_rule_and_objective_matches_fresh_solves(rule, objective):
    sc = hand(objective=objective, startup_floor=0.2, district_floor=0.1, large_cap=0.7)
    assert_matches_fresh_solves(sc, rule, SHARES)


def test_budget_sweeps_move_dependent_rows_too():
    # the set-aside and the large-firm cap are shares of the pool: they move with it
    sc = hand(startup_floor=0.5, large_cap=0.3, basic_research_floor=0.2,
              returns__tiers="0.5:1, 1:0.5")
    assert_matches_fresh_solves(sc, "budget.training", [2 * M, 5 * M, 10 * M, 15 * M, 25 * M])
    assert_matches_fresh_solves(sc, "budget.model", [0.0, 1 * M])


def test_infeasible_points_are_diagnosed_and_the_sweep_goes_on():
    # a district floor κ needs 20κ M from an 11M pair of pools: infeasible above 0.55
    frontier = sweep(hand(), "district_floor", [0.5, 0.9, 0.3])
    statuses = [p.status for p in frontier.points]
    assert statuses == [Status.OPTIMAL, Status.INFEASIBLE, Status.OPTIMAL]
    assert "District floor 90%" in frontier.points[1].diagnosis[0].text_en
    assert frontier.to_dict()["points"][1]["objective"] is None


def test_progress_is_reported_point_by_point():
    calls: list[tuple[int, int]] = []
    sweep(hand(), "large_cap", [1.0, 0.5, 0.2], progress=lambda done, total: calls.append(
        (done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_bad_rules_and_values_are_refused_before_solving():
    with pytest.raises(ValueError, match="cannot sweep"):
        sweep(hand(), "min_score.small", [50])
    with pytest.raises(ValueError, match="between 0 and 1"):
        sweep(hand(), "startup_floor", [0.2, 1.5])
    with pytest.raises(ValueError, match="yuan"):
        sweep(hand(), "budget.training", [-1.0])
    assert sweepable(hand()) == ["startup_floor", "large_cap", "district_floor",
                                 "basic_research_floor", "budget.model", "budget.training"]


def test_frame_has_one_row_per_point():
    table = sweep(hand(), "startup_floor", SHARES).to_frame()
    assert list(table["value"]) == SHARES
    assert {"value", "status", "objective", "startup_share", "gini", "jain"} <= set(table)


# -- properties --------------------------------------------------------------------------

GROWING = sorted({0.0, 0.05, 0.1, 0.2, 0.3, 0.35, 0.5, 0.6})
RULES = st.sampled_from(["startup_floor", "district_floor", "basic_research_floor"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=False), RULES)
def test_impact_never_rises_as_a_set_aside_grows(sc, rule):
    frontier = sweep(sc, rule, GROWING)
    impacts = [p.objective for p in frontier.points if p.objective is not None]
    slack = 1e-3 * sc.policy.total_budget + 1  # the LP's tie-break bonus
    assert all(b <= a + slack for a, b in pairwise(impacts))
    # once a floor is infeasible, a higher one is too
    feasible = [p.status is Status.OPTIMAL for p in frontier.points]
    assert feasible == sorted(feasible, reverse=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=False))
def test_impact_never_falls_as_the_large_firm_cap_or_a_budget_grows(sc):
    # A bigger pool raises the basic-research need (β × Σ budgets) and the startup need
    # (φ × budget), which with cap.total can cost impact elsewhere (see
    # test_properties.test_basic_research_set_aside_can_make_a_bigger_pool_worse); a
    # budget sweep is monotone without those two.
    plain = sc.with_policy(sc.policy.with_values(basic_research_floor=0.0, cap_total=None))
    slack = 1e-3 * sc.policy.total_budget + 1
    for what_if, rule, values in (
            (sc, "large_cap", [0.0, 0.1, 0.3, 0.6, 1.0]),
            (plain, "budget.training", list(np.array([1, 5, 10, 30, 60]) * M))):
        points = sweep(what_if, rule, values).points
        assert all(b.objective + slack >= a.objective for a, b in pairwise(points)
                   if a.objective is not None and b.objective is not None)


def test_the_reused_model_refuses_what_is_not_a_right_hand_side():
    resolver = Resolver(hand(startup_floor=0.2), keep=["large_cap"])
    assert resolver.solve(resolver.scenario.policy.with_values(large_cap=0.5)).optimal
    for change in ({"cap_total": 3 * M}, {"objective": Objective.MAXMIN}, {"district_floor": 0.1}):
        with pytest.raises(ValueError):
            resolver.solve(resolver.scenario.policy.with_values(**change))
    with pytest.raises(ValueError):
        Resolver(hand(objective="leximin"))


SWEPT = ["startup_floor", "large_cap", "district_floor", "basic_research_floor"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios(), rule=st.sampled_from(SWEPT),
       values=st.lists(st.sampled_from([0.0, 0.05, 0.2, 0.35, 0.5, 0.7, 0.9, 1.0]),
                       min_size=2, max_size=6))
def test_warm_re_solves_match_fresh_solves(sc, rule, values):
    # a Resolver re-solves from the last basis when only right-hand sides moved; points
    # that turn infeasible on that warm path are handed to solve() for their diagnosis
    resolver = Resolver(sc, keep=[rule])
    for value in values:
        what_if = sc.with_policy(policy_at(sc.policy, rule, value))
        warm, fresh = resolver.solve(what_if.policy), solve(what_if)
        assert warm.status == fresh.status, value
        if fresh.optimal:
            assert warm.objective == pytest.approx(fresh.objective, rel=1e-9, abs=1.0)
            # what each firm gets is the same. How a firm splits between two pools need not
            # be unique (a firm held at cap.total next to a pool with money left, or two
            # firms both partly funded by both pools, can move money between the pools at
            # no change in impact), so two optimal vertices may split it differently.
            assert np.abs(warm.totals - fresh.totals).max() <= 1.0
            assert warm.level == pytest.approx(fresh.level, abs=1e-7)
        else:
            assert [f.text_en for f in warm.diagnosis] == [f.text_en for f in fresh.diagnosis]


def test_re_solves_that_only_move_right_hand_sides_start_warm():
    calls: list[bool] = []
    real = BulkHiGHS.resolve

    def spy(self, lp, moved, changed=()):
        status, solved = real(self, lp, moved, changed)
        calls.append(solved)
        return status, solved

    with mock.patch.object(BulkHiGHS, "resolve", spy):
        frontier = sweep(hand(), "district_floor", [0.5, 0.3, 0.9, 0.3, 0.4])
    statuses = [p.status for p in frontier.points]
    assert statuses == [Status.OPTIMAL, Status.OPTIMAL, Status.INFEASIBLE, Status.OPTIMAL,
                        Status.OPTIMAL]
    # warm: 0.3 after 0.5, 0.9 (reported infeasible, then diagnosed by solve()), 0.4 after
    # 0.3; the 0.3 after the infeasible point is handed over afresh
    assert calls == [True, False, True]
    assert "District floor 90%" in frontier.points[2].diagnosis[0].text_en
