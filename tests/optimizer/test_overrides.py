"""Per-firm overrides and the reserve, worked out by hand (arithmetic in the comments)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import Policy, Scenario, Status, check_allocation, solve
from optimizer.analysis.explain import explain_all, explain_firm
from optimizer.overrides import override_columns
from tests.factory import firm, scenario, solved
from tests.strategies import firms as random_firms
from tests.strategies import policies as random_policies

M = 1e6

# One training pool of 15M, rate 0.5, no caps; impact fills it by score:
# A large 90: upper 0.5 × 20M = 10M
# B medium 80: upper 0.5 × 8M = 4M
# C small 70: upper 0.5 × 6M = 3M
# D small 60: upper 0.5 × 4M = 2M
# Without overrides: A 10M, B 4M, C the last 1M of its 3M, D nothing.
FIRMS = [
    firm("A", "large", 90, training=20 * M, district="南山区"),
    firm("B", "medium", 80, training=8 * M, district="宝安区"),
    firm("C", "small", 70, training=6 * M, district="宝安区"),
    firm("D", "small", 60, training=4 * M, district="龙华区"),
]
POLICY = {"budget__model": 0, "budget__training": 15 * M}


def with_overrides(overrides: dict[str, dict[str, Any]], rows: list[dict[str, Any]] = FIRMS,
                   **policy: Any) -> Scenario:
    """The firms with override cells (``{"D": {"fixed.training": 1e6, "note": ...}}``)."""
    table = [{**row, **overrides.get(row["firm_id"], {})} for row in rows]
    return scenario(table, **{**POLICY, **policy})


def training(result: Any) -> dict[str, float]:
    ids = result.scenario.firms["firm_id"]
    return {i: round(t / M, 3) for i, t in zip(ids, result.amounts[:, 1].tolist(), strict=True)}


def test_without_overrides():
    assert training(solved(with_overrides({}))) == {"A": 10, "B": 4, "C": 1, "D": 0}


def test_a_pin_takes_money_from_the_lowest_scoring_funded_firm():
    # D (60) is announced 1M: the pool still holds 15M, so the last 1M funded by score
    # — C's (70), the lowest-scoring funded firm — goes to D. A and B keep theirs.
    sc = with_overrides({"D": {"fixed.training": 1 * M, "note": "已于第一轮承诺 ¥1.0M"}})
    result = solved(sc)
    assert training(result) == {"A": 10, "B": 4, "C": 0, "D": 1}
    d = explain_firm(result, "D")
    assert d.reason == "pinned"
    assert d.text_zh == "固定资助100万元（合计获资助100万元）。备注：已于第一轮承诺 ¥1.0M"
    assert d.text_en == "Fixed award of ¥1.0M (¥1.0M in all). Note: 已于第一轮承诺 ¥1.0M"


def test_an_announced_pin_may_exceed_rate_times_request_and_says_so():
    # D's limit by rate is 2M; an announced 2.5M stands. 15 − 2.5 − 10 (A) = 2.5M for B.
    result = solved(with_overrides({"D": {"fixed.training": 2.5 * M}}))
    assert training(result) == {"A": 10, "B": 2.5, "C": 0, "D": 2.5}
    d = explain_firm(result, "D")
    assert d.reason == "pinned"
    assert "超过按申请额和补贴比例计算的最高额度200万元" in d.text_zh
    assert "above the ¥2.0M its subsidy rates allow" in d.text_en


def test_a_max_below_the_rate_limit_frees_money_for_the_next_firm():
    # A at most 8M: the 2M it leaves fund C in full (1M + 2M = 3M); D still nothing.
    result = solved(with_overrides({"A": {"max.training": 8 * M, "note": "合规检查"}}))
    assert training(result) == {"A": 8, "B": 4, "C": 3, "D": 0}
    a = explain_firm(result, "A")
    assert a.reason == "bounded" and a.program == "training"
    assert a.text_zh == ("获资助800万元：训力券达到为该企业设定的上限800万元"
                         "（按规则最高可获1,000万元）。备注：合规检查")
    # a max above the limit changes nothing
    assert training(solved(with_overrides({"A": {"max.training": 12 * M}}))) == training(
        solved(with_overrides({})))


def test_a_min_raises_a_firm_and_is_explained():
    # D at least 1.5M: it takes that from C (70), the lowest-scoring funded firm: C 0, B 3.5M.
    result = solved(with_overrides({"D": {"min.training": 1.5 * M}}))
    assert training(result) == {"A": 10, "B": 3.5, "C": 0, "D": 1.5}
    d = explain_firm(result, "D")
    assert d.reason == "bounded"
    assert d.text_en == "Funded ¥1.5M: its training vouchers award is the minimum of ¥1.5M set " \
                        "for this firm."


def test_an_excluded_firm_gets_nothing_and_its_money_goes_on_by_score():
    # B excluded (double subsidy): A 10M, C 3M, D 2M = 15M.
    result = solved(with_overrides({"B": {"exclude": True, "note": "已获他市算力补贴"}}))
    assert training(result) == {"A": 10, "B": 0, "C": 3, "D": 2}
    reasons = explain_all(result).set_index("firm_id")
    assert reasons.loc["B", "reason"] == "excluded"
    assert reasons.loc["B", "text_zh"] == "未获资助：该企业已被排除。备注：已获他市算力补贴"


def test_a_reserve_holds_back_a_share_of_what_is_left_after_commitments():
    # no commitments: 15M − 20% × 15M = 12M → A 10M, B 2M
    assert training(solved(with_overrides({}, reserve__training=0.2))) == {
        "A": 10, "B": 2, "C": 0, "D": 0}
    # D committed 1M: 1M + 80% × (15M − 1M) = 12.2M → A 10M, B 1.2M
    result = solved(with_overrides({"D": {"fixed.training": 1 * M}}, reserve__training=0.2))
    assert training(result) == {"A": 10, "B": 1.2, "C": 0, "D": 1}
    assert result.spend("training") == 12.2 * M
    pool = next(r for r in result.rows if r.name == "budget.training")
    assert pool.rhs == 12.2 * M and pool.binding


def test_a_pin_above_the_per_firm_cap_is_diagnosed_not_clipped():
    sc = with_overrides({"A": {"fixed.training": 6 * M}}, cap__training=5 * M)
    result = solve(sc)
    assert result.status is Status.INFEASIBLE
    assert [f.text_zh for f in result.diagnosis] == [
        "企业A的训力券固定资助600万元超过单企业上限500万元。"]
    assert result.diagnosis[0].text_en == (
        "Firm A's fixed training vouchers award of ¥6.0M is above the per-firm cap of ¥5.0M.")


def test_pins_above_the_pool_name_the_firms_and_amounts():
    # 10 + 4 + 3 + 2 = 19M pinned in a 15M pool
    sc = with_overrides({f: {"fixed.training": a * M} for f, a in
                         (("A", 10), ("B", 4), ("C", 3), ("D", 2))})
    result = solve(sc)
    assert result.status is Status.INFEASIBLE
    assert [f.text_en for f in result.diagnosis] == [
        "Fixed awards and minimums in training vouchers add up to ¥19.0M, more than the ¥15.0M "
        "this round may pay: A (¥10.0M), B (¥4.0M), C (¥3.0M), D (¥2.0M)."]
    assert result.diagnosis[0].shortfall == 4 * M


def test_contradictory_bounds_are_each_named():
    sc = with_overrides({
        "A": {"min.training": 5 * M, "max.training": 4 * M},
        "B": {"exclude": True, "fixed.training": 1 * M},
        "C": {"min.training": 3.5 * M},  # its limit is 3M
    })
    texts = [f.text_zh for f in solve(sc).diagnosis]
    assert texts == [
        "企业A的训力券下限500万元高于其上限400万元。",
        "企业B已被排除，但又在训力券中固定资助或设下限100万元：请删去其一。",
        "企业C的训力券下限350万元高于其按规则最高可获的300万元（补贴比例、单企业上限或资格线）。",
    ]


def test_pins_that_break_a_set_aside_and_the_large_firm_cap():
    startup = firm("E", "startup", 50, training=10 * M, district="龙华区")
    # startups need min(40% × 15M, 0.5 × 10M) = 5M, but pins of others hold 10M + 4M = 14M:
    # 1M left
    # large firms may have 50% × 15M = 7.5M, but A is pinned 10M
    sc = with_overrides({"A": {"fixed.training": 10 * M}, "B": {"fixed.training": 4 * M}},
                        [*FIRMS, startup], startup_floor=0.4, large_cap=0.5)
    result = solve(sc)
    assert result.status is Status.INFEASIBLE
    assert [f.text_en for f in result.diagnosis] == [
        "The startup set-aside 40% needs ¥5.0M of training vouchers for startups, but fixed "
        "awards and minimums of other firms hold ¥14.0M, leaving ¥1.0M: A (¥10.0M), B (¥4.0M).",
        "The large-firm cap 50% allows large firms at most ¥7.5M of training vouchers, but "
        "their fixed awards and minimums come to ¥10.0M: A (¥10.0M).",
    ]


def test_pins_that_break_a_district_floor_are_found_by_arithmetic():
    # District floor 60%: 南山区 (A, 10M limit) needs 6M, 宝安区 (B 4M + C 3M) 4.2M, 龙华区
    # (D 2M) 1.2M. A pinned at 10M and B at 4M: 南山区 has 10M, 宝安区 needs 0.2M more, 龙华区
    # 1.2M: 10 + 4.2 + 1.2 = 15.4M > 15M.
    sc = with_overrides({"A": {"fixed.training": 10 * M}, "B": {"fixed.training": 4 * M}},
                        district_floor=0.6)
    assert [f.text_en for f in solve(sc).diagnosis] == [
        "The district floor 60% together with the fixed awards and minimums needs ¥15.4M, "
        "but this round's pools may pay ¥15.0M: A (¥10.0M), B (¥4.0M)."]


def test_an_elastic_diagnosis_names_the_pins_that_hold_money():
    # District floor 70%: 南山区 (A alone) needs 7M, but the large-firm cap 40% lets A have
    # 6M. No arithmetic on the overrides shows it (B's 1M pin fits everywhere); the
    # elastic re-solve finds the 1M gap and the pins are named beside it.
    sc = with_overrides({"B": {"fixed.training": 1 * M}}, district_floor=0.7, large_cap=0.4)
    result = solve(sc)
    assert result.status is Status.INFEASIBLE
    texts = [f.text_en for f in result.diagnosis]
    assert texts[0].startswith("District floor 70% cannot be met: 南山区 need ¥7.0M")
    assert "large-firm cap" in texts[0]
    assert texts[-1] == ("Firms with fixed awards or minimums (1) hold ¥1.0M that cannot "
                         "move: B (¥1.0M).")


def test_blank_override_columns_change_nothing():
    blank = {c: np.nan for c in override_columns(("model", "training")) if c not in
             ("exclude", "note")}
    sc = with_overrides({f["firm_id"]: {**blank, "exclude": False, "note": ""} for f in FIRMS})
    plain = solved(with_overrides({}))
    same = solved(sc)
    np.testing.assert_array_equal(same.amounts, plain.amounts)
    assert same.objective == plain.objective


@settings(max_examples=25, deadline=None)
@given(random_firms(), random_policies(), st.data())
def test_property_no_overrides_is_exactly_todays_result(rows, policy, data):
    """Blank override columns give the same allocation, bit for bit, as none at all; and
    fixing every firm at today's award reproduces it (the pins are honoured exactly)."""
    plain = scenario(rows, **policy)
    today = solve(plain)
    blank = pd.DataFrame(rows)
    for column in override_columns(plain.programs):
        blank[column] = False if column == "exclude" else ("" if column == "note" else np.nan)
    again = solve(Scenario(blank, plain.policy, "test"))
    assert again.status == today.status
    np.testing.assert_array_equal(again.amounts, today.amounts)
    if not today.optimal or data.draw(st.booleans()):
        return
    pinned = pd.DataFrame(rows)
    for j, p in enumerate(plain.programs):
        pinned[f"fixed.{p}"] = today.amounts[:, j]
    result = solve(Scenario(pinned, plain.policy, "test"))
    assert result.optimal, result.diagnosis
    np.testing.assert_allclose(result.amounts, today.amounts, atol=0.01)
    assert check_allocation(result.scenario, result.amounts) == []


def test_policy_sheet_round_trips_the_reserve():
    policy = Policy.from_items([("budget.model", 1), ("budget.training", 2),
                                ("reserve.training", "25%")])
    assert policy.reserve("training") == 0.25 and policy.reserve("model") == 0
    assert Policy.from_items(policy.to_items()) == policy


def test_the_price_of_the_overrides_and_the_money_they_moved():
    from optimizer.analysis.fairness import price_of_fairness

    # D pinned at 1M (score 60) instead of C's last 1M (score 70): impact 10 × 1M lower;
    # without overrides A 10, B 4, C 1: 900 + 320 + 70 = 1,290M score·yuan... in millions:
    # 90 × 10 + 80 × 4 + 70 × 1 = 1,290; with the pin 90 × 10 + 80 × 4 + 60 × 1 = 1,280.
    sc = with_overrides({"D": {"fixed.training": 1 * M}})
    prices = price_of_fairness(sc, solved(sc))
    assert [p.rule for p in prices] == ["overrides"]
    price = prices[0]
    assert price.impact_lost == pytest.approx(10 * M, rel=1e-6)
    assert price.impact_lost_pct == pytest.approx(100 * 10 / 1290, rel=1e-6)
    assert price.moved == pytest.approx(1 * M)
    assert price.text_en == ("The overrides (fixed awards, bounds and exclusions) cost 0.8% of "
                             "impact and move ¥1.0M among 2 firms.")
    # with a reserve, both sides are priced without it
    with_reserve = with_overrides({"D": {"fixed.training": 1 * M}}, reserve__training=0.5)
    assert price_of_fairness(with_reserve)[0].impact_lost == pytest.approx(10 * M, rel=1e-6)


def test_the_report_lists_every_override(tmp_path):
    import openpyxl

    from ui.report import build_report

    sc = with_overrides({"D": {"fixed.training": 1 * M, "note": "已于第一轮承诺 ¥1.0M"},
                         "B": {"max.training": 3 * M}, "C": {"exclude": True}})
    data = build_report(solved(sc), lang="en")
    (tmp_path / "r.xlsx").write_bytes(data)
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert "Overrides" in book.sheetnames
    rows = [[c for c in row] for row in book["Overrides"].iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "Firm id")
    table = {r[0]: dict(zip(header, r, strict=False)) for r in rows[rows.index(header) + 1:]}
    assert sorted(table) == ["B", "C", "D"]
    assert table["D"]["Training vouchers fixed (¥10k)"] == 100
    assert table["D"]["Note"] == "已于第一轮承诺 ¥1.0M"
    assert table["B"]["Training vouchers cap (¥10k)"] == 300
    assert table["C"]["Excluded"] == "yes" and table["C"]["Reason"] == "excluded"
    # the report still loads back as the same scenario, overrides included
    from inputs import read_scenario, write_scenario
    loaded = read_scenario(data, "r.xlsx")
    assert loaded.digest == read_scenario(write_scenario(sc), "s.xlsx").digest
    firms = loaded.firms.set_index("firm_id")
    assert firms.loc["D", "fixed.training"] == 1 * M and firms.loc["C", "exclude"]
    np.testing.assert_array_equal(solve(loaded).amounts, solved(sc).amounts)


def test_baselines_pay_the_commitments_first():
    from optimizer.analysis.baselines import Baseline, run_baseline

    # D fixed 1M and A at most 8M; 14M left for the rule. rank by score: A 8, B 4, C 2.
    sc = with_overrides({"D": {"fixed.training": 1 * M}, "A": {"max.training": 8 * M}})
    ranked = run_baseline(sc, Baseline.RANK_BY_SCORE)[:, 1] / M
    assert ranked.tolist() == [8, 4, 2, 1]
    for kind in Baseline:
        amounts = run_baseline(sc, kind)
        assert check_allocation(sc, amounts) == [], kind
        assert amounts[3, 1] == 1 * M
