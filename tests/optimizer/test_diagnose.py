"""Infeasible scenarios are explained: which rules conflict, and by how much."""

from __future__ import annotations

import pytest

from optimizer import Status, solve
from tests.factory import firm, scenario

M = 1e6
FIRMS = [
    firm("A", "large", 90, model=2 * M, training=30 * M, district="南山区"),
    firm("B", "startup", 70, model=5 * M, training=10 * M, district="宝安区"),
    firm("D", "medium", 80, model=1 * M, training=8 * M, district="南山区"),
]
# uppers: A 0.6 + 10 = 10.6M, B 1 + 6 = 7M, D 0.3 + 4 = 4.3M; in all 21.9M
POLICY = {"budget__model": 1.5 * M, "budget__training": 12 * M,
          "rate__training__startup": 0.6, "cap__model": 1 * M, "cap__training": 10 * M}


def test_district_floor_beyond_the_pools_is_caught_by_arithmetic():
    # 95% of 21.9M = 20.805M, but the pools hold 13.5M
    result = solve(scenario(FIRMS, **POLICY, district_floor=0.95))
    assert result.status is Status.INFEASIBLE
    [finding] = result.diagnosis
    assert finding.text_en == ("District floor 95% needs at least ¥20.8M, "
                               "but the two pools hold ¥13.5M together.")
    assert finding.text_zh == "区域保底95%至少需要2,080.5万元，但2个资金池合计1,350万元。"
    assert finding.shortfall == pytest.approx(20.805 * M - 13.5 * M)
    assert set(finding.rules) == {"district_floor", "budget"}


def test_conflict_between_large_cap_and_district_floor_is_found_by_elastic_solve():
    # 南山区 holds A (large) and D, eligible for 14.9M: a 60% floor needs 8.94M. But the
    # 10% large-firm cap lets A take only 0.15M + 1.2M, and D can take 4.3M: 5.65M reachable,
    # 3.29M short. The arithmetic pre-check passes: 60% of 21.9M = 13.14M ≤ 13.5M of pools.
    result = solve(scenario(FIRMS, **POLICY, district_floor=0.6, large_cap=0.1))
    assert result.status is Status.INFEASIBLE
    [finding] = result.diagnosis
    assert finding.rules[0] == "district_floor"
    assert "large_cap" in finding.rules
    assert finding.shortfall == pytest.approx(8.94 * M - 5.65 * M, abs=1)
    assert finding.text_en.startswith("District floor 60% cannot be met: 南山区 need ¥8.9M")
    assert "large-firm cap" in finding.text_en
    assert "大型企业上限" in finding.text_zh


def test_set_aside_beyond_what_the_total_cap_allows():
    # startups need 60% of 12M = 6M training (B's limit is 6M) and 0.9M model,
    # but cap.total 2M lets B receive only 2M
    result = solve(scenario(FIRMS, **POLICY, startup_floor=0.6, cap__total=2 * M))
    assert result.status is Status.INFEASIBLE
    texts = [f.text_en for f in result.diagnosis]
    assert texts == ["Startup set-aside 60% needs ¥6.9M in all, but the per-firm total cap "
                     "lets startups receive at most ¥2.0M."]


def test_feasible_scenario_has_no_diagnosis():
    result = solve(scenario(FIRMS, **POLICY, district_floor=0.3, startup_floor=0.2))
    assert result.status is Status.OPTIMAL
    assert result.diagnosis == ()


def test_a_rule_short_in_many_groups_names_five_and_counts_them_all():
    # seven districts, one large firm each (limit 2M); a 50% floor needs 1M in each, but a
    # large-firm cap of 0 lets none of them have anything: short in all seven
    districts = ["南山区", "宝安区", "龙华区", "福田区", "罗湖区", "坪山区", "盐田区"]
    firms = [firm(f"L{i}", "large", 90, training=4 * M, district=d)
             for i, d in enumerate(districts)]
    firms.append(firm("S", "small", 95, training=40 * M, district="光明区"))
    result = solve(scenario(firms, budget__model=1 * M, budget__training=20 * M,
                            cap__training=20 * M, district_floor=0.5, large_cap=0.0))
    assert result.status is Status.INFEASIBLE
    [finding] = result.diagnosis
    assert finding.shortfall == pytest.approx(7 * M)
    named_zh = finding.text_zh.split("：", 1)[1].split("等7项需要700万元", 1)[0]
    named_en = finding.text_en.split(": ", 1)[1].split(" (7 in all) need ¥7.0M", 1)[0]
    assert len(named_zh.split("、")) == len(named_en.split(", ")) == 5
    assert set(named_zh.split("、")) == set(named_en.split(", ")) < set(districts)
    assert finding.text_en.startswith("District floor 50% cannot be met: ")
    assert finding.text_zh.startswith("区域保底50%无法满足：")
