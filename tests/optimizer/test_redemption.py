"""Redemption-aware issuance: Beta rates, the CVaR limit in the LP, the Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from optimizer import PolicyError, solve
from optimizer.analysis.risk import pool_risks
from optimizer.redemption import (
    BLOCK,
    beta_parameters,
    cvar,
    model_of,
    sample_rates,
    simulate,
)
from tests.factory import firm, scenario, solved
from tests.strategies import firms, policies
from ui.executors import executor_for

M = 1e6


# -- Beta parameters ----------------------------------------------------------------------
@pytest.mark.parametrize(("mean", "sd"), [(0.6, 0.1), (0.3, 0.2), (0.95, 0.01), (0.5, 0.49)])
def test_beta_parameters_give_the_mean_and_sd(mean: float, sd: float) -> None:
    ab = beta_parameters(mean, sd)
    assert ab is not None
    dist = stats.beta(*ab)
    assert dist.mean() == pytest.approx(mean, rel=1e-9)
    assert dist.std() == pytest.approx(sd, rel=1e-9)


@pytest.mark.parametrize(("mean", "sd"), [(0.0, 0.0), (1.2, 0.0), (0.5, 0.5), (1.0, 0.1),
                                          (0.6, -0.1), (math.nan, 0.1)])
def test_impossible_rates_are_refused(mean: float, sd: float) -> None:
    with pytest.raises(ValueError):
        beta_parameters(mean, sd)


def test_sd_zero_is_a_certain_rate() -> None:
    assert beta_parameters(0.7, 0.0) is None
    model = model_of([("training", "startup", 0.7, 0.0)])
    assert np.all(sample_rates(model, 10, seed=1) == 0.7)


# -- policy keys ----------------------------------------------------------------------------
BASE = {"budget__model": 10 * M, "budget__training": 20 * M}


def test_policy_keys_round_trip_and_read() -> None:
    sc = scenario([firm("A", "startup", 80, training=1 * M)], **BASE,
                  redemption__startup=0.6, redemption__large=0.95,
                  redemption__training__large="90%",
                  redemption__sd=0.1, redemption__sd__large=0.05, overspend_risk=0.1,
                  redemption__samples=500, redemption__seed=7)
    policy = sc.policy
    assert policy.redemption_rate("model", "startup") == (0.6, 0.1)
    assert policy.redemption_rate("training", "large") == (0.9, 0.05)
    assert policy.redemption_rate("model", "large") == (0.95, 0.05)
    assert policy.redemption_rate("model", "small") == (1.0, 0.0)  # sd only where mean < 1
    assert (policy.overspend_risk, policy.redemption_samples, policy.redemption_seed) == (
        0.1, 500, 7)
    assert type(policy).from_items(policy.to_items()) == policy


def test_defaults_leave_no_redemption_model() -> None:
    sc = scenario([firm("A", "startup", 80, training=1 * M)], **BASE)
    assert not sc.policy.redemption_model().active
    assert not any(key.startswith(("redemption", "overspend")) for key, _ in sc.policy.to_items())


@pytest.mark.parametrize(("key", "value", "named"), [
    ("redemption__startup", 0, "redemption.startup"),
    ("redemption__startup", 1.5, "redemption.startup"),
    ("redemption__giant", 0.5, "redemption.giant"),
    ("redemption__corpus__startup", 0.5, "redemption.corpus.startup"),
    ("redemption__sd__startup", 0.6, "redemption.sd.startup"),
    ("overspend_risk", 0, "overspend_risk"),
    ("overspend_risk", 1, "overspend_risk"),
    ("redemption__samples", 0, "redemption.samples"),
    ("redemption__samples", 2.5, "redemption.samples"),
    ("redemption__seed", "abc", "redemption.seed"),
])
def test_bad_redemption_keys_name_the_key(key: str, value: object, named: str) -> None:
    with pytest.raises(PolicyError) as err:
        scenario([firm("A", "startup", 80)], **BASE, **{key: value})
    assert err.value.key == named


def test_sd_too_large_for_a_mean_names_the_sd_key() -> None:
    with pytest.raises(PolicyError) as err:
        scenario([firm("A", "startup", 80)], **BASE, redemption__startup=0.9,
                 redemption__sd=0.35)
    assert err.value.key == "redemption.sd"
    assert "startup" in err.value.message


# -- the CVaR limit in the LP: hand-worked ---------------------------------------------------
def test_one_certain_group_issues_budget_over_mean() -> None:
    # three startups may get 0.5 × 40M = 20M each (60M); the pool holds 20M and
    # startups redeem 50 % for certain, so the pool can issue 20M / 0.5 = 40M
    firms_ = [firm(f"S{k}", "startup", 90 - k, training=40 * M) for k in range(3)]
    sc = scenario(firms_, budget__model=0, budget__training=20 * M, redemption__startup=0.5)
    result = solved(sc)
    assert result.spend("training") == pytest.approx(40 * M, abs=0.05)
    assert result.spend("model") == 0
    risk = pool_risks(result, draws=100_000)["training"]
    assert risk.expected_spend == pytest.approx(20 * M, abs=0.05)  # the pool, exactly
    assert risk.p_overspend == 0


def test_two_certain_groups_fill_the_pool_in_score_order() -> None:
    # startups (score 90, redeem 50 %) may get 30M; large firms (score 70, redeem 80 %)
    # 100M. Pool 40M: startups are issued all 30M (spend 15M), large firms
    # (40M − 15M) / 0.8 = 31.25M. Expected spending is the pool.
    firms_ = [firm("S", "startup", 90, training=60 * M),
              firm("L", "large", 70, training=200 * M)]
    sc = scenario(firms_, budget__model=0, budget__training=40 * M,
                  redemption__startup=0.5, redemption__large=0.8)
    result = solved(sc)
    assert result.amounts[:, 1] == pytest.approx([30 * M, 31.25 * M], abs=0.05)
    cvar_row = next(r for r in result.rows if r.name == "redemption.training")
    assert cvar_row.binding and cvar_row.activity == pytest.approx(40 * M, abs=1)
    # one more yuan of pool issues 1 / 0.8 more to the large firm: 70 / 0.8 impact
    # (its score carries the tie-break bonus 0.001 × 1/2 of the later applicant)
    assert cvar_row.marginal == pytest.approx(70.0005 / 0.8, rel=1e-9)


def beta_cvar(mean: float, sd: float, epsilon: float) -> float:
    """CVaR_ε of Beta(α, β) = E[r | r ≥ q_{1−ε}] = m (1 − I_q(α + 1, β)) / ε."""
    ab = beta_parameters(mean, sd)
    assert ab is not None
    q = stats.beta(*ab).ppf(1 - epsilon)
    return float(mean * stats.beta(ab[0] + 1, ab[1]).sf(q) / epsilon)


def test_a_random_group_beside_a_certain_one_matches_the_beta_tail() -> None:
    # large firms (score 95) redeem 80 % for certain: issued all 10M (spend 8M).
    # startups (score 80) redeem Beta(mean 0.6, sd 0.15): the rest of the pool,
    # 50M − 8M, bears CVaR_5%(r) per yuan issued, so they are issued 42M / CVaR.
    # CVaR of the Beta: q₉₅ ≈ 0.833 and CVaR ≈ 0.874 (from its tail, below).
    firms_ = [firm("L", "large", 95, training=20 * M),
              *(firm(f"S{k}", "startup", 80, training=40 * M) for k in range(5))]
    sc = scenario(firms_, budget__model=0, budget__training=50 * M,
                  redemption__startup=0.6, redemption__sd__startup=0.15,
                  redemption__large=0.8, redemption__samples=4000, redemption__seed=3)
    result = solved(sc)
    exact = beta_cvar(0.6, 0.15, 0.05)
    assert exact == pytest.approx(0.874, abs=0.001)
    startups = result.amounts[1:, 1].sum()
    assert result.amounts[0, 1] == pytest.approx(10 * M, abs=0.05)
    assert startups == pytest.approx(42 * M / exact, rel=0.01)  # sampling error of CVaR
    # and exactly what the LP's own samples say
    rates = sample_rates(sc.policy.redemption_model(), 4000, seed=3)[:, 4]
    assert startups == pytest.approx(42 * M / cvar(rates, 0.05), abs=2)


def test_full_redemption_keys_leave_the_allocation_unchanged() -> None:
    from inputs.builtin import default_scenario

    base = default_scenario()
    explicit = base.with_policy(base.policy.with_values(
        redemption=(("startup", 1.0), ("training.large", 1.0)),
        redemption_sd=(("", 0.2),), overspend_risk=0.2, redemption_samples=50))
    assert not explicit.policy.redemption_model().active
    before, after = solve(base), solve(explicit)
    assert after.amounts.tobytes() == before.amounts.tobytes()
    assert [(r.name, r.marginal) for r in after.rows] == [(r.name, r.marginal)
                                                          for r in before.rows]


# -- random scenarios --------------------------------------------------------------------------
RATES = st.sampled_from([0.4, 0.6, 0.75, 0.9, 1.0])


@st.composite
def risky(draw: st.DrawFn) -> object:
    policy = draw(policies(fairness=False, objective=False))
    for size_class in ("startup", "small", "medium", "large"):
        policy[f"redemption__{size_class}"] = draw(RATES)
    policy["redemption__startup"] = draw(st.sampled_from([0.4, 0.6, 0.75]))
    policy["redemption__sd"] = draw(st.sampled_from([0.0, 0.05, 0.1, 0.15]))
    policy["overspend_risk"] = draw(st.sampled_from([0.02, 0.05, 0.1, 0.2]))
    policy["redemption__samples"] = 1000
    policy["redemption__seed"] = draw(st.integers(0, 2**32))
    return scenario(draw(firms(min_size=3, max_size=12)), **policy)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(risky())
def test_out_of_sample_overspend_is_within_the_stated_risk(sc: object) -> None:
    result = solved(sc)  # type: ignore[arg-type]
    policy = result.scenario.policy
    for program, risk in pool_risks(result, draws=100_000).items():
        assert risk.p_overspend <= policy.overspend_risk + 0.01, (program, risk)
        assert risk.expected_spend <= policy.budget(program) + 1.0
        # at least the pool is issued when the firms may get it (rates are ≤ 1)
        if policy.cap_total is None:
            upper = result.limits.upper[:, result.programs.index(program)].sum()
            assert risk.issued >= min(policy.budget(program), upper) - 1.0


def test_same_seed_same_bytes_any_split() -> None:
    model = model_of([("training", c, m, 0.1) for c, m in
                      (("startup", 0.6), ("small", 0.7), ("large", 0.9))])
    n = 2 * BLOCK + 123
    here = sample_rates(model, n, seed=42)
    assert sample_rates(model, n, seed=42).tobytes() == here.tobytes()
    with executor_for(None, workers=2) as pool:
        assert sample_rates(model, n, seed=42, executor=pool).tobytes() == here.tobytes()
        issued = np.array([3 * M, 5 * M, 9 * M])
        there = simulate(model, issued, [("training", 15 * M)], seed=42, draws=n, executor=pool)
    assert simulate(model, issued, [("training", 15 * M)], seed=42, draws=n) == there
    assert sample_rates(model, n, seed=43).tobytes() != here.tobytes()
    # the out-of-sample stream is not the LP's samples
    assert not np.array_equal(sample_rates(model, 100, seed=42, stream=1), here[:100])


def test_solve_is_deterministic_with_a_seed() -> None:
    firms_ = [firm(f"F{k}", c, 60 + 3 * k, training=(5 + k) * M)
              for k, c in enumerate(["startup", "small", "medium", "large"] * 3)]
    policy = {**BASE, "redemption__startup": 0.6, "redemption__small": 0.7,
              "redemption__sd": 0.1, "redemption__samples": 300, "redemption__seed": 9}
    first = solve(scenario(firms_, **policy))
    second = solve(scenario(firms_, **policy))
    assert first.amounts.tobytes() == second.amounts.tobytes()
    assert pool_risks(first) == pool_risks(second)


def test_histogram_counts_every_draw() -> None:
    model = model_of([("training", "startup", 0.6, 0.1)])
    risk = simulate(model, np.array([10 * M]), [("training", 7 * M)], seed=1,
                    draws=100_000)["training"]
    assert sum(risk.counts) == 100_000 and len(risk.edges) == len(risk.counts) + 1
    assert risk.expected_spend == pytest.approx(6 * M)
    # spending is 10M × Beta(13.8, 9.2): P(r > 0.7) from the Beta itself
    assert risk.p_overspend == pytest.approx(stats.beta(13.8, 9.2).sf(0.7), abs=0.004)
    assert risk.spend_p95 == pytest.approx(10 * M * stats.beta(13.8, 9.2).ppf(0.95), rel=0.003)


def test_the_risk_limit_is_priced_against_expected_redemption() -> None:
    from inputs.builtin import default_scenario
    from optimizer.analysis import price_of_fairness

    base = default_scenario()
    rates = (("startup", 0.6), ("small", 0.7), ("medium", 0.8), ("large", 0.9))
    risky_ = base.with_policy(base.policy.with_values(
        redemption=rates, redemption_sd=(("", 0.1),), redemption_samples=300,
        startup_floor=0.05))
    expected = base.with_policy(risky_.policy.with_values(redemption_sd=()))
    prices = {p.rule: p for p in price_of_fairness(risky_)}
    assert set(prices) == {"all", "startup_floor", "overspend_risk"}
    price = prices["overspend_risk"]
    assert price.impact_lost == pytest.approx(
        solve(expected).objective - solve(risky_).objective, rel=1e-9)
    assert price.impact_lost > 0  # uncertainty costs impact: less can be issued
    assert "overspend-risk limit" in price.text_en and "超支风险约束" in price.text_zh


def test_the_risk_limit_has_its_own_shadow_phrase() -> None:
    from optimizer.analysis import shadow_prices

    firms_ = [firm("S", "startup", 90, training=60 * M), firm("L", "large", 70, training=200 * M)]
    result = solved(scenario(firms_, budget__model=0, budget__training=40 * M,
                             redemption__startup=0.5, redemption__large=0.8))
    price = next(p for p in shadow_prices(result) if p.row == "redemption.training")
    assert price.binding and price.marginal == pytest.approx(70.0005 / 0.8, rel=1e-9)
    assert price.text_en.startswith("¥1.0M more in the training pool under the overspend-risk")
    assert price.text_zh.startswith("训力券资金池（超支风险约束）每增加100万元")


def test_appeal_cut_offs_are_per_size_class_and_agree_with_the_allocation() -> None:
    from inputs.builtin import default_scenario
    from optimizer.analysis import explain_all

    base = default_scenario()
    sc = base.with_policy(base.policy.with_values(
        redemption=(("startup", 0.6), ("small", 0.7), ("medium", 0.8), ("large", 0.9)),
        redemption_sd=(("", 0.1),), redemption_samples=300))
    result = solve(sc)
    # a pool under the risk limit prices each class apart: one general route per class
    cutoffs = {(r.program, r.size_class): r.cut_off for r in result.routes if r.general}
    assert len(cutoffs) == 8 and None not in {c for _, c in cutoffs}
    assert len({round(v, 1) for v in cutoffs.values()}) == 8
    scores = sc.firms["score"].to_numpy()
    classes = sc.firms["size_class"].to_numpy()
    upper = result.limits.upper
    for (program, cls), cut in cutoffs.items():
        j = result.programs.index(program)
        mine = classes == cls
        funded = mine & (result.amounts[:, j] > 1)
        short = mine & (upper[:, j] > 1) & (result.amounts[:, j] < upper[:, j] - 1)
        assert scores[funded].min() == pytest.approx(cut, abs=1e-9)
        # nobody of the class was left short above the lowest score it funded
        assert (scores[short] <= cut + 0.01).all()
    table = explain_all(result)
    at_cutoff = table[table["reason"] == "pool_cutoff"]
    assert len(at_cutoff) > 100
    for firm_index, row in at_cutoff.iterrows():
        cut = cutoffs[(row["program"], classes[firm_index])]
        assert f"ran out at a score of {cut:.1f}" in row["text_en"]


def test_a_floor_beyond_what_the_risk_limit_lets_issue_is_diagnosed() -> None:
    # the district floor asks 90 % of the 100M the firms may get; the pool of 40M at a
    # certain 50 % redemption lets 80M be issued: infeasible, and the diagnosis says so
    firms_ = [firm(f"F{k}", "small", 80, training=40 * M, district=d)
              for k, d in enumerate(["南山区", "宝安区", "南山区", "宝安区", "龙华区"])]
    sc = scenario(firms_, budget__model=0, budget__training=40 * M,
                  redemption__small=0.5, district_floor=0.9)
    result = solve(sc)
    assert str(result.status) == "infeasible"
    assert result.diagnosis and result.diagnosis[0].rules == ("district_floor", "redemption")
    assert "the training pool under the overspend-risk limit" in result.diagnosis[0].text_en
    assert solved(sc.with_policy(sc.policy.with_values(district_floor=0.8))).optimal


def test_the_resolver_moves_the_risk_limit_with_the_pool() -> None:
    from inputs.builtin import default_scenario
    from optimizer.solve import Resolver

    base = default_scenario()
    sc = base.with_policy(base.policy.with_values(
        redemption=(("startup", 0.6), ("small", 0.7), ("medium", 0.8), ("large", 0.9)),
        redemption_sd=(("", 0.1),), redemption_samples=300))
    resolver = Resolver(sc, keep=["startup_floor"])
    for budgets, floor in [((("model", 8e7), ("training", 6e8)), 0.2),
                           ((("model", 1e8), ("training", 4e8)), 0.0)]:
        policy = sc.policy.with_values(budgets=budgets, startup_floor=floor)
        again, fresh = resolver.solve(policy), solve(sc.with_policy(policy))
        assert again.objective == pytest.approx(fresh.objective, rel=1e-7)
        assert np.allclose(again.amounts.sum(axis=0), fresh.amounts.sum(axis=0), atol=2.0)
        risk = next(r for r in again.rows if r.name == "redemption.training")
        assert risk.rhs == dict(budgets)["training"]


# -- a sweep of ε re-solves one model warm ------------------------------------------------------
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(risky())
def test_a_risk_sweep_gives_what_fresh_solves_give(sc: object) -> None:
    from optimizer import check_allocation
    from optimizer.analysis import sweep
    from optimizer.analysis.frontier import RISK_RUN
    from optimizer.highs_bulk import BulkHiGHS

    warm: list[bool] = []
    real = BulkHiGHS.resolve

    def spy(self, lp, moved, changed=()):  # type: ignore[no-untyped-def]
        status, has_solution = real(self, lp, moved, changed)
        warm.append(has_solution)
        return status, has_solution

    values = [0.01, 0.2, 0.05, 0.5, 0.02, 0.1, 0.3, 0.04, 0.15]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BulkHiGHS, "resolve", spy)
        frontier = sweep(sc, "overspend_risk", values)  # type: ignore[arg-type]
    # every point after the first of each run of RISK_RUN points is a warm re-solve
    assert len(warm) == len(values) - math.ceil(len(values) / RISK_RUN) and all(warm)
    for point in frontier.points:
        what_if = sc.with_policy(  # type: ignore[attr-defined]
            sc.policy.with_values(overspend_risk=point.value))  # type: ignore[attr-defined]
        fresh = solve(what_if)
        assert point.status == fresh.status
        assert point.amounts is not None and point.objective is not None
        assert check_allocation(what_if, point.amounts) == []
        assert point.objective == pytest.approx(fresh.objective, rel=1e-7, abs=1)
        assert np.allclose(point.amounts.sum(axis=0), fresh.amounts.sum(axis=0), atol=2.0)


def test_only_the_cvar_row_moves_with_the_risk() -> None:
    from optimizer.rules import RedemptionRisk, make_context

    firms_ = [firm(f"F{k}", c, 60 + 3 * k, training=(5 + k) * M)
              for k, c in enumerate(["startup", "small", "medium", "large"] * 2)]
    sc = scenario(firms_, **{**BASE, "redemption__startup": 0.6, "redemption__sd": 0.1,
                             "redemption__samples": 50, "redemption__seed": 4})
    ctx = make_context(sc)
    model, budgets = sc.policy.redemption_model(), sc.policy.budgets
    low = RedemptionRisk(model, budgets, 0.05, 50, 4).rows(ctx)
    high = RedemptionRisk(model, budgets, 0.2, 50, 4).rows(ctx)
    assert [r.key for r in low] == [r.key for r in high]
    moved = [a.key for a, b in zip(low, high, strict=True)
             if (a.aux, a.rhs, a.sense) != (b.aux, b.rhs, b.sense)
             or a.firms.tobytes() != b.firms.tobytes() or a.coefs is not b.coefs]
    assert [str(k) for k in moved] == [f"redemption.{p}" for p in sc.programs
                                        if model.modelled(p)]


def test_the_risk_model_goes_to_the_simplex_method_and_the_plain_one_does_not() -> None:
    from inputs.builtin import default_scenario
    from optimizer.model import HIGHS_OPTIONS
    from optimizer.solve import Resolver

    base = default_scenario()
    risky_ = base.with_policy(base.policy.with_values(
        redemption=(("startup", 0.6),), redemption_sd=(("", 0.1),), redemption_samples=300))
    assert Resolver(risky_).model.highs_options() == {**HIGHS_OPTIONS, "solver": "simplex"}
    assert Resolver(base).model.highs_options() == HIGHS_OPTIONS
