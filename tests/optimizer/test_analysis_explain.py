"""Reason codes by hand, and their agreement with the solution and the duals."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import Result, solve
from optimizer.analysis import Reason, explain_all, explain_firm
from optimizer.scenario import Scenario
from optimizer.solve import tie_broken_scores
from tests.factory import firm, hand, scenario, solved
from tests.strategies import scenarios

M = 1e6
CJK = re.compile(r"[\u3400-\u9fff]")


def reasons(result: Result) -> dict[str, str]:
    table = explain_all(result)
    return dict(zip(table["firm_id"], table["reason"], strict=True))


def test_set_asides_and_the_pool_cutoff():
    # B 5M (startup set-aside), D 2M (坪山区 floor), A 3M of 4M (the pool's marginal firm,
    # cut-off 90), C 0 (80 < 90): see test_analysis_shadow for the arithmetic.
    result = solved(hand(startup_floor=0.5, district_floor=0.25))
    assert reasons(result) == {"A": "pool_cutoff", "B": "set_aside", "C": "pool_cutoff",
                               "D": "set_aside"}
    a = explain_firm(result, "A")
    assert a.program == "training" and a.row == "budget.training"
    assert a.cutoff == pytest.approx(90, abs=1.01e-3)
    assert a.amounts == {"model": 0.0, "training": pytest.approx(3 * M)}
    assert a.text_en == ("Funded ¥3.0M of the ¥4.0M its rates allow: the training pool ran out "
                         "at a score of 90.0; this firm's score is 90.0, where it ran out.")
    b = explain_firm(result, "B")
    assert b.row == "startup_floor.training"
    assert b.text_en == ("Funded ¥5.0M of the ¥6.0M its rates allow: its score is below the "
                         "training pool's cut-off of 90.0, but the startup set-aside on training "
                         "raised it.")
    assert b.text_zh == ("获资助500万元（最高可获600万元）：其得分低于训力券资金池的分数线90.0分，"
                         "因训力券初创企业专项而获得资助。")
    c = explain_firm(result, "C")
    assert c.text_en == ("Not funded: the training pool ran out at a score of 90.0; this firm's "
                         "score is 80.0.")
    assert c.text_zh == "未获资助：训力券资金池在得分90.0分处用尽，该企业得分80.0分。"
    assert explain_firm(result, "D").row == "district_floor.坪山区"


# Caps. Training pool 12M, cap 5M a firm, large firms ≤ 25 % = 3M, small threshold 55:
#   P small 95: 0.5 × 20M = 10M, capped at 5M → gets 5M             → firm_cap
#   R large 90: 0.5 × 16M = 8M, capped at 5M; large cap 3M → 3M      → group_cap
#   Q medium 85: 0.5 × 4M = 2M → gets 2M                             → rate_limit
#   S small 70: 5M (capped) → gets the 12 − 5 − 3 − 2 = 2M left      → pool_cutoff (marginal)
#   T small 60: 1M → nothing (60 < cut-off 70)                       → pool_cutoff
#   U small 50 < 55                                                  → ineligible
CAPS = [
    firm("P", "small", 95, training=20 * M), firm("R", "large", 90, training=16 * M),
    firm("Q", "medium", 85, training=4 * M), firm("S", "small", 70, training=30 * M),
    firm("T", "small", 60, training=2 * M), firm("U", "small", 50, training=2 * M),
]


def caps(**changes: object) -> Scenario:
    policy = {"budget__model": 0, "budget__training": 12 * M, "cap__training": 5 * M,
              "large_cap": 0.25, "min_score__small": 55}
    return scenario(CAPS, **{**policy, **changes})


def test_caps_limits_and_thresholds():
    result = solved(caps())
    assert result.amounts[:, 1].tolist() == [5 * M, 3 * M, 2 * M, 2 * M, 0, 0]
    assert reasons(result) == {"P": "firm_cap", "R": "group_cap", "Q": "rate_limit",
                               "S": "pool_cutoff", "T": "pool_cutoff", "U": "ineligible"}
    assert explain_firm(result, "P").text_en == (
        "Funded ¥5.0M: its training award reached the per-firm cap of ¥5.0M, and every other "
        "program pays its full rate.")
    r = explain_firm(result, "R")
    assert r.row == "large_cap.training"
    assert r.text_en == ("Funded ¥3.0M of the ¥5.0M its rates allow: large firms together "
                         "reached the large-firm cap of 25% of the training pool.")
    assert explain_firm(result, "Q").text_en == (
        "Funded in full: ¥2.0M, the most its subsidy rates allow on its requests.")
    t = explain_firm(result, "T")
    assert t.cutoff == pytest.approx(70, abs=1.01e-3)
    assert t.text_en.endswith("ran out at a score of 70.0; this firm's score is 60.0.")
    u = explain_firm(result, "U")
    assert u.threshold == 55 and u.score == 50
    assert u.text_en == "Not funded: its score 50.0 is below the threshold of 55 for small firms."
    assert u.text_zh == "未获资助：评审得分50.0分，低于小型企业的资格线55分。"


def test_total_cap():
    # E: model 1M + training 5M, total cap 3M, pools large: E gets 3M in all
    sc = scenario([firm("E", "small", 90, model=4 * M, training=10 * M)],
                  budget__model=10 * M, budget__training=100 * M, cap__model=1 * M,
                  cap__total=3 * M)
    e = explain_firm(solved(sc), "E")
    assert e.reason is Reason.FIRM_CAP and e.row == "cap.total.E" and e.program is None
    assert e.text_en == "Funded ¥3.0M: the per-firm total cap of ¥3.0M."


def test_maxmin_level_raises_firms_below_the_cutoff():
    # one firm per class, every class held at coverage 0.5 (pro-rata): the next yuan
    # of the pool would go to A (90), so B, C and D are there because of the level
    result = solved(hand(objective="maxmin"))
    assert reasons(result) == {"A": "pool_cutoff", "B": "set_aside", "C": "set_aside",
                               "D": "set_aside"}
    d = explain_firm(result, "D")
    assert d.row == "objective.class.large"
    assert "the max-min rule (coverage of large firms held at 50%)" in d.text_en


def test_tiers_explain_with_the_weight_of_the_next_yuan():
    # tiers 0.5:1, 1:0.5: every firm gets its first half (A 2, B 3, C 1, D 4 = 10M);
    # the next yuan would be worth half the score: A 45, C 40, B 35, D 30
    result = solved(hand(returns__tiers="0.5:1, 1:0.5"))
    assert set(reasons(result).values()) == {"pool_cutoff"}
    a = explain_firm(result, "A")
    # any price between the best next half (45) and the last first half (60, plus its bonus)
    assert 45 <= a.cutoff <= 60 + 1e-3
    assert "this firm's weighted score is 45.0" in a.text_en


def test_unknown_firm_and_infeasible_result():
    with pytest.raises(KeyError):
        explain_firm(solved(hand()), "nobody")
    with pytest.raises(ValueError, match="infeasible"):
        explain_all(solve(hand(district_floor=1.0)))


def test_one_row_per_firm_with_both_languages():
    caps_result = solved(caps())
    table = explain_all(caps_result)
    assert list(table.columns[:4]) == ["firm_id", "reason", "text_zh", "text_en"]
    assert len(table) == len(CAPS)
    for firm_id, zh, en in zip(table["firm_id"], table["text_zh"], table["text_en"],
                               strict=True):
        one = explain_firm(caps_result, firm_id)
        assert (zh, en) == (one.text_zh, one.text_en)  # the table says what a lookup says
        assert CJK.search(zh) and not CJK.search(en), (zh, en)


# -- agreement with the solution and the duals --------------------------------------------

TIERS = st.sampled_from([(), ((0.5, 1.0), (1.0, 0.5)), ((0.3, 1.0), (1.0, 0.2))])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=True), TIERS)
def test_reasons_agree_with_the_solution_and_the_duals(sc, tiers):
    sc = sc.with_policy(sc.policy.with_values(tiers=tiers))
    result = solve(sc)
    if not result.optimal:
        return
    table = explain_all(result)
    a, upper = result.amounts, result.limits.upper
    by_rate = result.limits.by_rate
    marginal = {r.name: r.marginal for r in result.rows}
    programs = list(result.programs)
    firms = sc.firms
    weights = tie_broken_scores(sc)
    policy = sc.policy
    tol = 1.0 + 1e-7 * upper
    for i, (reason, program, row) in enumerate(zip(table["reason"], table["program"],
                                                   table["row"], strict=True)):
        full = a[i] >= upper[i] - tol[i]
        j = programs.index(program) if program else -1
        assert (reason == Reason.INELIGIBLE) == (not result.limits.eligible[i])
        if reason == Reason.RATE_LIMIT:
            assert full.all()
            assert not (by_rate[i] > np.array([policy.cap(p) or np.inf for p in programs])
                        + 1).any()
        elif reason == Reason.FIRM_CAP:
            at_total = policy.cap_total is not None and a[i].sum() >= policy.cap_total - 1
            assert at_total or (full.all() and by_rate[i, j] > (policy.cap(program) or np.inf))
        elif reason == Reason.POOL_CUTOFF:
            assert a[i, j] < upper[i, j] - 1  # short of its limit in that program …
            assert marginal[f"budget.{program}"] > 0  # … whose pool ran out
            if not tiers:  # … at a score no lower than this firm's
                assert weights[i] <= marginal[f"budget.{program}"] + 1e-6
        elif reason == Reason.SET_ASIDE:
            assert a[i, j] > 1  # it got money …
            # … below what the ≤ rows it is in charge per yuan (its pool, the large-firm
            # cap, its total cap): its own score does not pay for it
            price = marginal[f"budget.{program}"] + marginal.get(
                f"cap.total.{firms['firm_id'].iloc[i]}", 0.0)
            if firms["size_class"].iloc[i] == "large":
                price += marginal.get(f"large_cap.{program}", 0.0)
            assert tiers or weights[i] < price + 1e-6
            if row.startswith("objective."):  # … because of the max-min level …
                assert policy.objective != "impact"
            else:  # … or a binding floor it belongs to
                assert marginal[row] < 0
                if row.startswith("startup_floor."):
                    assert firms["size_class"].iloc[i] == "startup"
                elif row.startswith("district_floor."):
                    assert row == f"district_floor.{firms['district'].iloc[i]}"
                else:
                    assert row == "basic_research_floor" and firms["basic_research"].iloc[i]
        elif reason == Reason.GROUP_CAP:
            assert firms["size_class"].iloc[i] == "large"
            assert marginal[row] > 0 and row == f"large_cap.{program}"
            assert a[i, j] < upper[i, j] - 1


# -- the table and the one-firm lookup say the same -----------------------------------------
# explain_all renders the words a group of firms shares once and fills in each firm's
# numbers; explain_firm renders one firm alone. Any field taken from the wrong firm of a
# group shows up as a difference.


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=True), TIERS, st.data())
def test_the_table_says_what_each_lookup_says(sc, tiers, data):
    firms = sc.firms.copy()
    firms["note"] = [data.draw(st.sampled_from(["", "", "复核 {x}", " 见附件 "]))
                     for _ in range(len(firms))]
    pinned = data.draw(st.integers(-1, len(firms) - 1))
    if pinned >= 0:
        firms.loc[pinned, "fixed.training"] = 0.5 * M
    sc = Scenario(firms, sc.policy.with_values(tiers=tiers), sc.name)
    result = solve(sc)
    if not result.optimal:
        return
    table = explain_all(result)
    for firm_id, zh, en in zip(table["firm_id"], table["text_zh"], table["text_en"],
                               strict=True):
        one = explain_firm(result, firm_id)
        assert (zh, en) == (one.text_zh, one.text_en)


def test_a_district_named_with_the_template_marker_is_still_named():
    # the sentences of a group are rendered with "\x00" marking each firm's fields; a
    # district whose name holds that character is rendered firm by firm instead
    odd = "南\x00山区"
    rows = [firm(f"F{i}", "small", (50 if i % 2 else 80) + i, training=3 * M,
                 district=odd if i % 2 else "宝安区") for i in range(10)]
    result = solved(scenario(rows, budget__model=1 * M, budget__training=8 * M,
                             district_floor=0.3))
    table = explain_all(result)
    told = [t for t in table["text_en"] if "district floor of" in t]
    assert any(f"the district floor of {odd} funded scores down to" in t for t in told)
    assert all(f"the district floor of {odd}" in t for t in told)
    for firm_id, en in zip(table["firm_id"], table["text_en"], strict=True):
        assert en == explain_firm(result, firm_id).text_en
