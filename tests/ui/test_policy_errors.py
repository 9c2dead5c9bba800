"""A value the policy refuses is shown at its field in the officer's language, never mixed."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.ui.helpers import S, show

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_a_refused_policy_value_reads_in_chinese_then_in_english(app: AppTest) -> None:
    show(app, "policy")
    gen = S(app).working.form_gen
    app.text_input(key=f"pol{gen}.returns.tiers").set_value("0.5:1, 1:2").run()
    assert not app.exception
    error = S(app).working.policy_error
    assert error is not None and (error.key, error.code) == ("returns.tiers",
                                                             "policy.tier_weights")
    zh = "边际递减档位：各档权重不应递增（收益递减），实际为 '0.5:1, 1:2'"
    assert zh in _errors(app), _errors(app)
    for said in _errors(app):
        assert not ENGLISH_RUN.search(said.replace("'0.5:1, 1:2'", "")), said
    app.segmented_control(key="lang_pick").set_value("en").run()
    assert not app.exception
    en = ("Diminishing-returns tiers: tier weights must not rise (returns diminish), "
          "got '0.5:1, 1:2'")
    assert en in _errors(app), _errors(app)
    assert not any(CJK.search(said) for said in _errors(app)), _errors(app)


def test_tiers_written_badly_say_how_to_write_them(app: AppTest) -> None:
    show(app, "policy")
    gen = S(app).working.form_gen
    app.text_input(key=f"pol{gen}.returns.tiers").set_value("half").run()
    assert not app.exception
    assert "边际递减档位：每一档应写作 比例:权重，用逗号分隔；实际为 'half'" in _errors(app)
    assert app.button(key="solve").disabled
