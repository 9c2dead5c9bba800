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
