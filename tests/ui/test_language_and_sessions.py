"""Languages, sessions, the scenario given at start-up, a big scenario, and the texts table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from inputs import write_scenario
from inputs.builtin import default_scenario, fair_scenario
from inputs.shenzhen import DISTRICT_COUNTS_2023, generate
from optimizer import Scenario
from optimizer.catalog import CATALOG
from tests.ui.helpers import S, edit_firms, open_app, policy_input, show, solve
from ui.firms_editor import PAGE_SIZE
from ui.policy_values import canonical, form_values, policy_from

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: Chinese that English labels keep on purpose: the officer's unit, and data (districts).
ALLOWED = ("万元", *DISTRICT_COUNTS_2023)
PAGES = ("scenario", "results", "compare", "frontier", "report", "library")
UI = Path(__file__).resolve().parents[2] / "ui"


def _labels(at: AppTest) -> list[str]:
    """Every label, title, caption and message on the page (not table or chart data)."""
    texts = [e.value for kind in ("title", "caption", "info", "success", "warning", "error")
             for e in getattr(at, kind)]
    texts += [m.value for m in at.markdown]
    texts += [m.label for m in at.metric]
    texts += [t.label for t in at.tabs]
    for kind in ("button", "number_input", "text_input", "selectbox", "radio", "checkbox",
                 "toggle", "slider", "multiselect", "download_button", "file_uploader"):
        texts += [w.label for w in at.get(kind)]
    for kind in ("selectbox", "radio"):
        for widget in at.get(kind):
            if widget.key not in ("lookup_pick",) and not str(widget.key).startswith(
                    ("diff_name.", "forget_pick")):  # firm and scenario names are data
                texts += [str(o) for o in widget.options]
    return texts


def _chinese(texts: list[str]) -> list[str]:
    out = []
    for text in texts:
        stripped = text
        for allowed in ALLOWED:
            stripped = stripped.replace(allowed, "")
        if CJK.search(stripped):
            out.append(text)
    return out


def test_english_switch_covers_every_label(app: AppTest) -> None:
    show(app, "files").button(key="load_fair").click().run()  # fairness rules on: more to label
    app.segmented_control(key="lang_pick").set_value("en").run()
    for page in PAGES:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, page
        assert _chinese(_labels(app)) == [], page
    assert app.title[0].value == "Library"


def test_chinese_labels_everywhere_by_default(app: AppTest) -> None:
    for page in PAGES:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, page
        assert CJK.search(app.title[0].value), page


def test_switching_language_keeps_the_edits(app: AppTest) -> None:
    policy_input(app, "startup_floor").set_value(25.0)
    app.run()
    app.segmented_control(key="lang_pick").set_value("en").run()
    assert policy_input(app, "startup_floor").value == 25.0
    assert app.button(key="solve").label == "Solve"


def test_two_sessions_never_share_edits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOUCHER_OPT_SCENARIO", raising=False)
    first, second = open_app(), open_app()
    edit_firms(first, edited={0: {"firm_id": "ONLY-IN-FIRST"}})
    policy_input(first, "startup_floor").set_value(40.0)
    solve(first)
    second.run()
    assert "ONLY-IN-FIRST" not in set(S(second).working.firms["firm_id"])
    assert S(second).solved.scenario.policy.startup_floor == 0.0
    assert policy_input(second, "startup_floor").value == 0.0
    assert S(first).solved.scenario.policy.startup_floor == 0.4


def test_opens_the_scenario_given_at_start(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    path = tmp_path / "fair.xlsx"
    path.write_bytes(write_scenario(fair_scenario()))
    monkeypatch.setenv("VOUCHER_OPT_SCENARIO", str(path))
    at = open_app()
    assert S(at).working.name == "fair"  # the file stem
    assert S(at).solved.scenario.policy.startup_floor == 0.35


def test_a_bad_start_file_falls_back_with_a_message(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"garbage")
    monkeypatch.setenv("VOUCHER_OPT_SCENARIO", str(path))
    at = open_app()
    assert S(at).working.name == "shenzhen-2024"
    assert any("broken.xlsx" in e.value for e in at.error)


def test_thirty_thousand_firms_stay_paged(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    big = generate(30_000, seed=7)
    policy = big.policy.with_values(budgets=tuple((p, b * 10) for p, b in big.policy.budgets))
    path = tmp_path / "big.xlsx"
    path.write_bytes(write_scenario(Scenario(big.firms, policy, "big")))
    monkeypatch.setenv("VOUCHER_OPT_SCENARIO", str(path))
    at = open_app()
    assert len(S(at).working.firms) == 30_000
    assert len(show(at, "firms").data_editor[0].value) == PAGE_SIZE
    policy_input(at, "startup_floor").set_value(30.0)
    solve(at)
    assert S(at).solved.result.optimal
    at.switch_page("views/results.py").run()
    assert not at.exception
    assert len(at.dataframe[-1].value) == 100


def test_policy_form_round_trip() -> None:
    for policy in (default_scenario().policy, fair_scenario().policy):
        assert canonical(policy) == policy_from(form_values(policy), policy.programs)
        again = canonical(canonical(policy))
        assert again == canonical(policy)
        assert dict(again.to_items()) == dict(canonical(policy).to_items())


def test_every_label_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in [*UI.glob("*.py"), *UI.glob("views/*.py")]:
        used |= set(re.findall(r"\bt\(\"([a-z_.]+)\"", path.read_text()))
    missing = sorted(k for k in used if f"app.{k}" not in CATALOG)
    assert missing == []
