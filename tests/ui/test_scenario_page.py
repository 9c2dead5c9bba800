"""The Scenario page: first look, rule change → solve, the firms table, files, infeasibility."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
from streamlit.testing.v1 import AppTest

from inputs import read_scenario, write_scenario
from inputs.builtin import DEFAULT_SCENARIO_PATH
from tests.ui.helpers import S, edit_firms, metric, policy_input, show, solve


def test_opens_in_chinese_on_the_solved_default(app: AppTest) -> None:
    assert app.title[0].value == "方案：shenzhen-2024"
    assert S(app).lang == "zh"
    assert S(app).solved.result.optimal
    assert metric(app, "获资助企业").value == f"{S(app).solved.result.firms_funded:,}"
    assert metric(app, "训力券发放").value.endswith("元")  # 万元/亿元
    assert any("已求解" in s.value for s in app.success)
    source = S(app).working.source
    assert source.sha256 == hashlib.sha256(DEFAULT_SCENARIO_PATH.read_bytes()).hexdigest()


def test_rule_change_then_solve_shows_the_change(app: AppTest) -> None:
    before = metric(app, "初创企业占比").value
    policy_input(app, "startup_floor").set_value(35.0)
    app.run()
    assert any("尚未求解" in i.value for i in app.info)  # the stale warning
    solve(app)
    after = metric(app, "初创企业占比")
    assert after.value != before
    assert after.value == "35%"
    assert "百分点" in after.delta  # the change against the previous solve
    assert S(app).solved.scenario.policy.startup_floor == 0.35
    assert not app.info  # no longer stale
    groups = app.dataframe[-1].value  # who gains, who loses
    assert {"group", "delta"} <= set(groups.columns)
    assert (groups.loc[groups["group"] == "初创企业", "delta"] > 0).all()


def test_pool_given_in_wan_reaches_the_policy_in_yuan(app: AppTest) -> None:
    policy_input(app, "budget.model").set_value(12_000.0)  # 万元
    solve(app)
    policy = S(app).solved.scenario.policy
    assert policy.budget("model") == 120_000_000
    assert any("1.2亿元" in c.value for c in app.caption)  # the field echoes it formatted


def test_policy_error_is_shown_at_its_field_and_blocks_solve(app: AppTest) -> None:
    gen = S(app).working.form_gen
    app.text_input(key=f"pol{gen}.returns.tiers").set_value("0.5:1, 1:2").run()
    assert not app.exception
    assert app.button(key="solve").disabled
    assert any("各档权重不应递增" in e.value for e in app.error)
    app.text_input(key=f"pol{gen}.returns.tiers").set_value("0.5:1, 1:0.5").run()
    assert not app.button(key="solve").disabled
    solve(app)
    assert S(app).solved.scenario.policy.tiers == ((0.5, 1.0), (1.0, 0.5))


def test_infeasible_rules_show_the_diagnosis_next_to_the_rule(app: AppTest) -> None:
    policy_input(app, "district_floor").set_value(95.0)
    solve(app)
    assert not S(app).solved.result.optimal
    texts = [e.value for e in app.error]
    assert any("无法同时满足" in text for text in texts)
    floor = [text for text in texts if text.startswith("区域保底95%")]
    assert len(floor) >= 2  # in the side panel and under the district-floor field
    assert "亿元" in floor[0]
    app.switch_page("views/results.py").run()
    assert not app.exception
    assert any("区域保底95%" in m.value for m in app.markdown)  # the results page says why
    assert any("无法同时满足" in e.value for e in app.error)


def test_table_edit_blocks_solve_until_fixed(app: AppTest) -> None:
    table = show(app, "firms").data_editor[0].value
    first = table.iloc[0]["firm_id"]
    edit_firms(app, edited={1: {"firm_id": first}})
    assert app.button(key="solve").disabled
    problem = [e.value for e in app.error if "企业编号" in e.value]
    assert problem and "已在第 2 行使用" in problem[0] and "第 3 行" in problem[0]
    edit_firms(app, edited={1: {"firm_id": "NEW-1"}})
    assert not app.button(key="solve").disabled
    assert S(app).working.firms.iloc[1]["firm_id"] == "NEW-1"  # the editor keeps its input


def test_every_column_at_fault_is_listed_at_once(app: AppTest) -> None:
    # three bad cells in three columns: the first is the main message (with "go to row"),
    # the other two columns are listed under it, so the officer fixes all in one pass
    edit_firms(app, edited={4: {"score": 120}, 6: {"training_request": -5}, 9: {"district": " "}})
    assert app.button(key="solve").disabled
    main = [e.value for e in app.error if "评审得分" in e.value]
    assert main and "第 6 行" in main[0] and "应在 0 到 100 之间" in main[0]
    more = [w.value for w in app.warning if "另有 2 列有问题" in w.value]
    assert more, [w.value for w in app.warning]
    assert "第 8 行" in more[0] and "应 ≥ 0，实际为 -5" in more[0]
    assert "第 11 行" in more[0] and "为空，此项必填" in more[0]
    fixed = {4: {"score": 80}, 6: {"training_request": 5}, 9: {"district": "南山区"}}
    edit_firms(app, edited=fixed)
    assert not app.button(key="solve").disabled
    assert not [w.value for w in app.warning if "另有" in w.value]


def test_successive_edits_are_all_kept(app: AppTest) -> None:
    """Streamlit issue 7749: feeding the editor its own output loses every second edit."""
    edit_firms(app, edited={0: {"training_request": 1_000_000.0}})
    edit_firms(app, edited={1: {"training_request": 2_000_000.0}})
    edit_firms(app, edited={2: {"score": 99.0}})
    firms = S(app).working.firms
    assert firms.loc[0, "training_request"] == 1_000_000.0
    assert firms.loc[1, "training_request"] == 2_000_000.0
    assert firms.loc[2, "score"] == 99.0
    solve(app)
    solved = S(app).solved.scenario.firms
    assert solved.loc[1, "training_request"] == 2_000_000.0


def test_rows_added_and_deleted(app: AppTest) -> None:
    n = len(S(app).working.firms)
    deleted_id = show(app, "firms").data_editor[0].value.iloc[3]["firm_id"]
    edit_firms(app, added=[{"firm_id": "ADD-1", "name": "新企业", "size_class": "startup",
                            "district": "光明区", "score": 88.0, "model_request": 500_000.0,
                            "training_request": 3_000_000.0, "basic_research": False}],
               deleted=[3])
    firms = S(app).working.firms
    assert len(firms) == n
    assert "ADD-1" in set(firms["firm_id"]) and deleted_id not in set(firms["firm_id"])
    assert S(app).working.problem is None
    solve(app)
    allocations = S(app).solved.result.allocations
    assert "ADD-1" in set(allocations["firm_id"])


def test_bad_upload_is_named_in_place_and_keeps_the_scenario(app: AppTest) -> None:
    csv = ("firm_id,size_class,district,score,model_request,training_request\n"
           "A,startup,南山区,50,100,-5000\n").encode()
    show(app, "files").file_uploader(key="upload").set_value(("bad.csv", csv, "text/csv")).run()
    assert not app.exception
    message = next(e.value for e in app.error if "bad.csv" in e.value)
    assert "单元格 F2" in message and "训力券申请额" in message
    assert "应 ≥ 0，实际为 '-5000'" in message
    app.segmented_control(key="lang_pick").set_value("en").run()
    english = next(e.value for e in app.error if "bad.csv" in e.value)
    assert "cell F2" in english and "must be ≥ 0, got '-5000'" in english
    assert S(app).working.name == "shenzhen-2024"

    upload = show(app, "files").file_uploader(key="upload")
    upload.set_value(("broken.xlsx", b"not a workbook", "x")).run()
    assert not app.exception
    assert any("broken.xlsx" in e.value for e in app.error)


def test_good_upload_replaces_the_scenario_and_solves(app: AppTest) -> None:
    scenario = S(app).solved.scenario
    small = scenario.firms.head(40).reset_index(drop=True)
    data = write_scenario(type(scenario)(small, scenario.policy, "small"))
    upload = show(app, "files").file_uploader(key="upload")
    upload.set_value(("small.xlsx", data, "application/xlsx")).run()
    assert not app.exception
    assert S(app).working.name == "small"
    assert len(S(app).solved.scenario.firms) == 40
    assert app.title[0].value == "方案：small"


def test_downloads_scenario_and_template(app: AppTest, downloads: dict) -> None:
    show(app, "files")
    data = downloads["shenzhen-2024.xlsx"]()
    back = read_scenario(data, "shenzhen-2024.xlsx")
    solved = S(app).solved.scenario
    assert len(back.firms) == len(solved.firms)
    assert back.policy == solved.policy
    template = pd.read_excel(io.BytesIO(downloads["template.xlsx"]()), sheet_name=None,
                             engine="calamine")
    assert {"firms", "policy"} <= set(template)


def test_fair_example_loads(app: AppTest) -> None:
    show(app, "files").button(key="load_fair").click().run()
    assert not app.exception
    assert S(app).solved.scenario.policy.startup_floor == 0.35
    assert policy_input(app, "startup_floor").value == 35.0
