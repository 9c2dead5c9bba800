"""Issue 8 in AppTest: what the session keeps, and what it never mixes up."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.ui.helpers import S, open_app, policy_input, show, solve
from ui import fmt
from ui.session import decode


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def _save(at: AppTest, name: str) -> None:
    _page(at, "compare")
    at.text_input(key="save_name").set_value(name).run()
    at.button(key="save_whatif").click().run()
    assert not at.exception, at.exception


def test_what_ifs_of_another_firm_list_are_marked_and_not_compared(app: AppTest) -> None:
    _save(app, "全部企业")
    scenario = S(app).solved.scenario  # type: ignore[union-attr]
    from inputs import write_scenario

    small = type(scenario)(scenario.firms.head(40).reset_index(drop=True), scenario.policy,
                           "small")
    _page(app, "scenario")
    upload = show(app, "files").file_uploader(key="upload")
    upload.set_value(("small.xlsx", write_scenario(small), "application/xlsx")).run()
    assert len(S(app).working.firms) == 40
    _page(app, "compare")
    table = app.table[0].value
    marked = "全部企业（另一份企业名单）"
    assert marked in table.columns
    assert not table[marked].str.contains("（").any()  # figures only, no change against others
    assert any("另一份企业名单" in c.value for c in app.caption)


def test_save_what_if_solves_what_is_on_screen_first(app: AppTest) -> None:
    policy_input(app, "startup_floor").set_value(30.0)
    app.run()
    assert S(app).is_stale()
    _save(app, "三成")
    what_if = S(app).what_ifs["三成"]
    assert what_if.solved.scenario.policy.startup_floor == 0.3
    assert not S(app).is_stale()


def test_a_sweep_is_drawn_only_against_its_own_rule(app: AppTest) -> None:
    _page(app, "frontier")
    app.slider(key="frontier_points").set_value(3)
    app.button(key="frontier_run").click().run()
    assert S(app).sweep is not None and S(app).sweep.rule == "startup_floor"
    assert app.get("vega_lite_chart")
    app.selectbox(key="frontier_rule.zh").set_value("large_cap").run()
    assert not app.exception
    assert not app.get("vega_lite_chart")  # not redrawn against the large-firm cap's axis
    assert any("初创企业专项" in i.value for i in app.info)
    app.selectbox(key="frontier_rule.zh").set_value("startup_floor").run()
    assert app.get("vega_lite_chart")


def test_switching_language_keeps_the_objective_and_solves(app: AppTest) -> None:
    gen = S(app).working.form_gen
    app.radio(key=f"pol{gen}.objective.zh").set_value("maxmin").run()
    app.segmented_control(key="lang_pick").set_value("en").run()
    assert not app.exception
    assert app.radio(key=f"pol{gen}.objective.en").value == "maxmin"
    solve(app)
    assert S(app).solved.scenario.policy.objective == "maxmin"  # type: ignore[union-attr]
    app.segmented_control(key="lang_pick").set_value("zh").run()
    assert not app.exception
    assert app.radio(key=f"pol{gen}.objective.zh").value == "maxmin"
    _page(app, "results")
    assert app.selectbox(key="alloc_sort.zh").value == "total"
    app.selectbox(key="alloc_sort.zh").set_value("score").run()
    app.segmented_control(key="lang_pick").set_value("en").run()
    assert app.selectbox(key="alloc_sort.en").value == "score"
    assert app.selectbox(key="alloc_sort.en").format_func("score") == "Score"


def test_money_going_down_reads_as_a_loss() -> None:
    assert fmt.signed_money(-99_640_000).startswith("\u2212")
    assert fmt.ascii_sign(fmt.signed_money(-99_640_000)) == "-" + fmt.money(99_640_000)
    assert fmt.ascii_sign(fmt.signed_money(5)) == "+" + fmt.money(5)


def test_every_change_is_in_the_draft_in_the_store(app: AppTest) -> None:
    from ui import drafts

    policy_input(app, "large_cap").set_value(40.0)
    app.run()
    session = S(app)
    drafts.writer().flush(session.draft_id)
    assert session.draft_id not in drafts.writer().failed
    saved = drafts.store().load_draft(session.draft_id)
    assert saved is not None
    back = decode(saved, lambda key, scenario: None)  # type: ignore[arg-type,return-value]
    assert back.working.form["large_cap"] == 40.0


def test_the_url_brings_back_the_draft(app: AppTest) -> None:
    policy_input(app, "district_floor").set_value(10.0)
    app.run()
    draft = S(app).draft_id
    assert app.query_params["draft"] in (draft, [draft])
    other = AppTest.from_file(app._script_path, default_timeout=120)  # a reload: a new session
    other.query_params["draft"] = draft
    other.run()
    assert not other.exception
    assert S(other).draft_id == draft
    assert S(other).working.form["district_floor"] == 10.0
    assert open_app().session_state["session"].draft_id != draft  # a new tab, a new draft


def test_library_save_open_rename_duplicate_delete_undo_diff_log(app: AppTest) -> None:
    _page(app, "library")
    assert any("方案库还是空的" in i.value for i in app.info)
    app.text_input(key="library_name").set_value("图书馆测试").run()
    app.button(key="library_save").click().run()
    assert any("第 1 版" in s.value for s in app.success)
    _page(app, "scenario")
    policy_input(app, "startup_floor").set_value(20.0)
    show(app, "firms")
    from tests.ui.helpers import edit_firms

    edit_firms(app, edited={0: {"score": 99.0}})
    _page(app, "library")
    app.text_input(key="library_name").set_value("图书馆测试").run()
    app.button(key="library_save").click().run()
    assert any("第 2 版" in s.value for s in app.success)
    # the diff of versions 1 and 2: one policy key, one cell
    assert any("政策参数改动 1 项" in m.value and "改动单元格 1 个" in m.value
               for m in app.markdown)
    tables = [d.value for d in app.dataframe]
    cells = next(t for t in tables if "列" in t.columns)
    assert list(cells.iloc[0][["企业编号", "列"]]) == [S(app).working.firms["firm_id"][0],
                                                     "评审得分（score）"]
    assert float(cells.iloc[0]["之后"]) == 99.0
    policy = next(t for t in tables if "参数" in t.columns)
    assert list(policy["参数"]) == ["startup_floor"]
    # open version 1: the working scenario is that version again
    app.selectbox(key="open_v.图书馆测试").set_value(1).run()
    app.button(key="open.图书馆测试").click().run()
    assert S(app).working.base is not None and S(app).working.base.version == 1
    assert S(app).working.form["startup_floor"] == 0.0
    assert S(app).solved is not None and not S(app).is_stale()
    log = app.dataframe[-1].value
    assert str(log.iloc[0]["版本"]) == "1"  # the solve of the opened version names it
    # rename, duplicate, delete and undo
    app.text_input(key="rename.图书馆测试").set_value("改名后").run()
    app.button(key="do_rename.图书馆测试").click().run()
    assert any("改名后" in e.label for e in app.expander)
    app.button(key="dup.改名后").click().run()
    assert any("改名后 副本" in e.label for e in app.expander)
    app.button(key="delete.改名后").click().run()
    assert not any(e.label.startswith("改名后 ·") for e in app.expander)
    app.button(key="library_undo").click().run()
    assert any(e.label.startswith("改名后 ·") for e in app.expander)
    assert not app.exception


def test_opens_a_stored_version_given_at_start(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from inputs.builtin import fair_scenario
    from ui import drafts

    ref = drafts.store().save_version("开机方案", fair_scenario())
    drafts.store().save_version("开机方案", fair_scenario())
    monkeypatch.setenv("VOUCHER_OPT_SCENARIO", f"store:开机方案@{ref.version}")
    at = open_app()
    assert not at.exception
    assert S(at).working.name == "开机方案"
    assert S(at).working.base == ref
    assert S(at).solved is not None and S(at).solved.scenario.policy.startup_floor == 0.35
    entry = drafts.store().log(limit=1)[0]
    assert (entry.scenario_name, entry.version) == ("开机方案", ref.version)
    monkeypatch.setenv("VOUCHER_OPT_SCENARIO", "store:没有这个方案")
    at = open_app()
    assert S(at).working.name == "shenzhen-2024"
    assert any("没有这个方案" in e.value for e in at.error)
