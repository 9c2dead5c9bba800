"""Results, Compare, Frontier and Report pages; the flow edit → solve → compare → download."""

from __future__ import annotations

import io

import openpyxl
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import S, edit_firms, metric, policy_input, show, solve
from ui.report import sheet_title


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def test_results_show_figures_charts_rules_and_table(app: AppTest) -> None:
    _page(app, "results")
    assert app.title[0].value == "结果：shenzhen-2024"
    labels = [m.label for m in app.metric]
    wanted = {"模型券发放", "训力券发放", "获资助企业", "初创企业占比", "基尼系数", "影响力"}
    assert wanted <= set(labels)
    headings = " ".join(m.value for m in app.markdown)
    for heading in ("按企业规模", "按所在区", "洛伦兹曲线", "影子价格", "公平代价", "分配明细"):
        assert heading in headings
    assert len(app.get("vega_lite_chart")) >= 3  # size class, district, Lorenz
    assert "每增加100万元" in headings  # a binding pool with its shadow price in words
    table = app.dataframe[-1].value
    assert len(table) == 100  # one page of the allocation table
    assert table["total"].iloc[0] >= table["total"].iloc[-1]  # sorted by total, largest first
    assert table["total"].max() <= 1_100.0  # 万元: at most the ¥10M + ¥1M caps


def test_allocation_table_search_and_sort(app: AppTest) -> None:
    _page(app, "results")
    app.text_input(key="alloc_search").set_value("光明区").run()
    table = app.dataframe[-1].value
    assert set(table["district"]) == {"光明区"}
    app.selectbox(key="alloc_sort.zh").set_value("score").run()
    app.toggle(key="alloc_desc").set_value(False).run()
    scores = app.dataframe[-1].value["score"].tolist()
    assert scores == sorted(scores)


def test_firm_lookup_gives_the_reason(app: AppTest) -> None:
    _page(app, "results")
    firm_id = S(app).solved.scenario.firms["firm_id"].iloc[0]
    app.text_input(key="lookup_query").set_value(firm_id).run()
    assert not app.exception
    sentence = app.info[-1].value
    assert firm_id in sentence or "企业" in sentence
    assert app.selectbox(key="lookup_pick").value == firm_id


def test_price_of_fairness_with_fairness_rules(app: AppTest) -> None:
    show(app, "files").button(key="load_fair").click().run()
    _page(app, "results")
    text = " ".join(m.value for m in app.markdown)
    assert "全部公平规则" in text or "公平规则" in text
    pof = app.dataframe[1].value
    assert "影响力损失" in pof.columns
    assert (pof["影响力损失"] >= 0).all()


def test_compare_saved_what_if_and_baselines(app: AppTest) -> None:
    _page(app, "compare")
    columns = set(app.table[0].value.columns)
    assert {"当前方案", "先到先得", "按比例分配", "按得分排序", "受限平均分配"} <= columns
    app.text_input(key="save_name").set_value("基线").run()
    app.button(key="save_whatif").click().run()
    assert "基线" in S(app).what_ifs
    _page(app, "scenario")
    policy_input(app, "startup_floor").set_value(35.0)
    solve(app)
    _page(app, "compare")
    table = app.table[0].value
    assert "基线" in table.columns
    row = table[table["指标"] == "初创企业占比"].iloc[0]
    assert row["当前方案"] == "35%"
    assert "个百分点" in row["基线"]  # its change against the reference column
    app.selectbox(key="compare_reference.zh").set_value("what_if:基线").run()
    assert not app.exception
    assert "个百分点" in app.table[0].value.iloc[4]["当前方案"]
    assert app.get("vega_lite_chart")  # money moved between groups


def test_frontier_sweep_with_progress(app: AppTest) -> None:
    _page(app, "frontier")
    app.slider(key="frontier_points").set_value(3)
    app.button(key="frontier_run").click().run()
    assert not app.exception
    frontier = S(app).sweep.frontier
    assert frontier.rule == "startup_floor"
    assert [p.value for p in frontier.points] == [0.0, 0.3, 0.6]
    assert app.get("vega_lite_chart")
    assert len(app.dataframe[0].value) == 3


def test_edit_solve_compare_download(app: AppTest, downloads: dict) -> None:
    """The whole flow an officer follows, ending with the report in English."""
    edit_firms(app, edited={0: {"training_request": 30_000_000.0}})
    policy_input(app, "startup_floor").set_value(20.0)
    solve(app)
    assert metric(app, "初创企业占比").value == "20%"
    _page(app, "compare")
    app.text_input(key="save_name").set_value("set-aside 20%").run()
    app.button(key="save_whatif").click().run()
    _page(app, "report")
    app.segmented_control(key="report_lang.zh").set_value("en").run()
    app.multiselect(key="report_compared").set_value(["set-aside 20%"]).run()
    assert not app.exception
    button = app.download_button(key="download_report")
    assert not button.disabled
    data = downloads["shenzhen-2024-report-en.xlsx"]()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert sheet_title("summary", "en") in book.sheetnames
    assert sheet_title("comparison", "en") in book.sheetnames


def test_report_in_chinese_for_an_infeasible_scenario(app: AppTest, downloads: dict) -> None:
    policy_input(app, "district_floor").set_value(95.0)
    solve(app)
    _page(app, "report")
    assert any("不可行" in w.value for w in app.warning)
    book = openpyxl.load_workbook(io.BytesIO(downloads["shenzhen-2024-report-zh.xlsx"]()),
                                  read_only=True)
    assert sheet_title("summary", "zh") in book.sheetnames
    _page(app, "compare")  # baselines still compare without an optimized allocation
    _page(app, "frontier")
