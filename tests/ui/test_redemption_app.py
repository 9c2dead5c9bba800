"""Issue 11 in AppTest: the redemption section of the form and the results page's risk."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from inputs.builtin import default_scenario
from optimizer.analysis.risk import pool_risks
from optimizer.catalog import Lang, text
from optimizer.policy import Policy
from optimizer.redemption import PoolRisk
from optimizer.units import share, yuan
from tests.ui.helpers import S, policy_input, show, solve
from ui.policy_values import form_values, policy_from

RATES = {"startup": 60.0, "small": 70.0, "medium": 80.0, "large": 90.0}
ZH = re.compile(r"^(模型券|训力券)：发放([\d,.]+)(万|亿)元，预计兑付([\d,.]+)(万|亿)元，"
                r"超支概率([\d.]+)%$")
EN = re.compile(r"^(Model|Training) vouchers: issue ¥[\d,.]+[kM] to spend ¥[\d,.]+[kM] "
                r"with [\d.]+% risk of overspending$")


def _set_redemption(at: AppTest) -> None:
    for size_class, rate in RATES.items():
        policy_input(at, f"redemption.{size_class}").set_value(rate)
    policy_input(at, "redemption.sd").set_value(10.0)
    gen = S(at).working.form_gen
    at.slider(key=f"pol{gen}.overspend_risk").set_value(2.0)
    at.run()
    assert not at.exception, at.exception


def _said(risk: PoolRisk, lang: Lang) -> str:
    said = text("redemption.summary", lang, program=text(f"program.{risk.program}", lang),
                issued=yuan(risk.issued, lang), spend=yuan(risk.expected_spend, lang),
                risk=share(risk.p_overspend))
    return said[:1].upper() + said[1:]


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def _sentences(at: AppTest, pattern: re.Pattern[str]) -> list[str]:
    return [m.value.strip("*") for m in at.markdown if pattern.match(m.value.strip("*"))]


def test_rates_and_risk_set_in_the_form_solve_and_read_in_both_languages(app: AppTest) -> None:
    _set_redemption(app)
    policy = S(app).working.policy
    assert policy is not None
    assert dict(policy.redemption) == {c: r / 100 for c, r in RATES.items()}
    assert dict(policy.redemption_sd) == {"": 0.1} and policy.overspend_risk == 0.02
    solve(app)
    solved = S(app).solved
    assert solved is not None and solved.optimal
    _page(app, "results")
    risks = pool_risks(solved.result)  # the same seed: the same figures as on the page
    for risk in risks.values():  # issued above the pool, spending within it at about 1 − ε
        assert risk.issued > risk.budget > risk.expected_spend
        assert risk.p_overspend <= 0.02 + 0.01
    assert _sentences(app, ZH) == [_said(r, "zh") for r in risks.values()], \
        [m.value for m in app.markdown]
    assert len(app.get("vega_lite_chart")) >= 2 + 2  # two histograms besides the other charts
    app.segmented_control(key="lang_pick").set_value("en").run()
    assert not app.exception
    assert _sentences(app, EN) == [_said(r, "en") for r in risks.values()], \
        [m.value for m in app.markdown]
    assert not _sentences(app, ZH)
    # the values survive leaving the scenario page and coming back, in either language
    _page(app, "scenario")
    show(app, "policy")
    gen = S(app).working.form_gen
    assert app.number_input(key=f"pol{gen}.redemption.startup").value == 60.0
    assert app.number_input(key=f"pol{gen}.redemption.sd").value == 10.0
    assert app.slider(key=f"pol{gen}.overspend_risk").value == 2.0
    assert "Expected share of what is issued that is redeemed" in " ".join(
        c.value for c in app.caption)
    assert not S(app).is_stale()


def test_the_form_keeps_every_redemption_key_of_a_policy() -> None:
    """A policy with per-program rates, per-class spreads and sampling round-trips
    through the form's values unchanged (no key is dropped or moved)."""
    base = default_scenario().policy
    items = [*base.to_items(), ("redemption.small", 0.7), ("redemption.startup", 0.6),
             ("redemption.training.startup", 0.5),
             ("redemption.sd", 0.08), ("redemption.sd.startup", 0.12),
             ("overspend_risk", 0.1), ("redemption.samples", 400), ("redemption.seed", 9)]
    policy = Policy.from_items(items)
    again = policy_from(form_values(policy), policy.programs)
    assert again.redemption_model() == policy.redemption_model()
    assert (again.overspend_risk, again.redemption_samples, again.redemption_seed) == (0.1, 400, 9)
    assert policy_from(form_values(base), base.programs) == base  # no model: nothing added
