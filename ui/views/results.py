"""结果 / Results: key figures, charts by group, Lorenz curve, binding rules, price of
fairness, the allocation table and the firm lookup."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from optimizer.analysis.fairness import price_of_fairness
from optimizer.analysis.risk import pool_risks
from optimizer.analysis.shadow import shadow_prices, split
from optimizer.catalog import text
from optimizer.redemption import PoolRisk
from optimizer.rules import rule_name
from optimizer.units import WAN
from ui import allocation_table, charts, figures, fmt, state
from ui.i18n import lang, t, term
from ui.session import Solved


def _heading(text: str) -> None:
    st.markdown(f"#### {text}")


def group_chart(solved: Solved, by: str) -> None:
    """Coverage and share of the money per size class or district."""
    m = figures.metrics(solved)
    coverage = m.coverage_by_class if by == "class" else m.coverage_by_district
    shares = m.share_by_class if by == "class" else m.share_by_district
    money = figures.group_money(m, by)
    label = fmt.size_class if by == "class" else fmt.district
    rows = []
    for group in sorted(shares, key=lambda g: -shares[g]) if by == "district" else shares:
        for series, value in ((t("chart.coverage"), coverage.get(group)),
                              (t("chart.share"), shares[group])):
            if value is not None:
                rows.append({"group": label(group), "series": series, "value": value,
                             "money": money.get(group, 0.0) / WAN})
    data = pd.DataFrame(rows)
    st.altair_chart(charts.group_bars(
        data, group="group", value="value", series="series", value_title="", percent=True,
        tooltip=["group", "series", _pct_tooltip(), _wan_tooltip()]), width="stretch")


def _pct_tooltip() -> alt.Tooltip:
    return alt.Tooltip("value:Q", format=".1%", title=t("chart.value"))


def _wan_tooltip() -> alt.Tooltip:
    return alt.Tooltip("money:Q", format=",.1f", title=t("chart.money_wan"))


def lorenz_chart(solved: Solved) -> None:
    result = solved.result
    eligible = result.limits.upper.sum(axis=1) > 0
    st.altair_chart(charts.lorenz(result.totals[eligible], x_title=t("lorenz.x"),
                                  y_title=t("lorenz.y"), curve=t("lorenz.curve"),
                                  equality=t("lorenz.equality")), width="stretch")
    m = figures.metrics(solved)
    st.caption(t("lorenz.note", gini=fmt.number(m.gini), jain=fmt.number(m.jain),
                 n=fmt.count(int(eligible.sum()))))


def _row_label(rule: str, group: str) -> str:
    name = rule_name(rule, lang())
    name = name[:1].upper() + name[1:]
    if rule in ("budget", "startup_floor", "large_cap"):
        return f"{name} · {fmt.program(group)}"
    if rule == "basic_research_floor":
        return name
    return f"{name} · {group}"


def shadow_section(solved: Solved) -> None:
    prices = state.memo("shadow", solved.key, lambda: shadow_prices(solved.result))
    binding, loose = split(prices)
    if not binding:
        st.caption(t("shadow.none"))
    for price in binding:
        text = price.text_zh if lang() == "zh" else price.text_en
        st.markdown(f"**{_row_label(price.rule, price.group)}**  \n{text}")
    if loose:
        with st.expander(t("shadow.loose", n=len(loose))):
            st.dataframe(pd.DataFrame({
                t("shadow.rule"): [_row_label(p.rule, p.group) for p in loose],
                t("shadow.slack_wan"): [p.slack / WAN for p in loose],
            }), hide_index=True, width="stretch", column_config={
                t("shadow.slack_wan"): st.column_config.NumberColumn(format="%,.1f")})


def fairness_section(solved: Solved) -> None:
    prices = state.memo("price_of_fairness", solved.key,
                        lambda: price_of_fairness(solved.scenario, solved.result))
    if not prices:
        st.caption(t("pof.none"))
        return
    rows = []
    for p in prices:
        name = p.label(lang())  # the rule asks for its own words
        rows.append({
            t("pof.rule"): name[:1].upper() + name[1:],
            t("pof.lost_pct"): p.impact_lost_pct / 100,
            t("pof.lost"): fmt.impact(p.impact_lost),
            t("pof.moved_wan"): p.moved / WAN,
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        t("pof.lost_pct"): st.column_config.NumberColumn(format="percent"),
        t("pof.moved_wan"): st.column_config.NumberColumn(format="%,.1f"),
    })
    for p in prices:
        st.markdown(f"- {p.text_zh if lang() == 'zh' else p.text_en}")


def redemption_sentence(risk: PoolRisk) -> str:
    """发放X，预计兑付Y，超支概率Z — the sentence of the command line and the report."""
    said = text("redemption.summary", lang(), program=fmt.program(risk.program),
                issued=fmt.money(risk.issued), spend=fmt.money(risk.expected_spend),
                risk=fmt.pct(risk.p_overspend))
    return said[:1].upper() + said[1:]  # "Model vouchers: issue ..." in English


def spending_chart(risk: PoolRisk) -> None:
    """The histogram of the pool's simulated spending, the part above the pool in red."""
    within, beyond = term("redemption.within"), term("redemption.beyond")
    rows = [{"low": low / WAN, "high": high / WAN, "count": count,
             "side": beyond if (low + high) / 2 > risk.budget else within}
            for low, high, count in zip(risk.edges, risk.edges[1:], risk.counts, strict=False)]
    st.altair_chart(charts.spending(
        pd.DataFrame(rows), risk.budget / WAN, x_title=t("chart.spend_wan"),
        y_title=term("redemption.bar_count"), pool_label=t("chart.pool"), within=within,
        beyond=beyond), width="stretch")


def redemption_section(solved: Solved) -> None:
    """Per pool: issue X to spend Y with Z risk, the 95th/99th percentiles, and the
    distribution of simulated spending against the pool (an independent Monte Carlo)."""
    risks = state.memo("redemption", solved.key, lambda: pool_risks(solved.result))
    policy = solved.scenario.policy
    _heading(t("results.redemption"))
    draws = next(iter(risks.values())).draws if risks else 0
    st.caption(t("results.redemption.note", draws=fmt.count(draws),
                 risk=fmt.pct(policy.overspend_risk)))
    for column, risk in zip(st.columns(len(risks)), risks.values(), strict=True):
        with column:
            st.markdown(f"**{redemption_sentence(risk)}**")
            st.caption(t("results.redemption.quantiles", p95=fmt.money(risk.spend_p95),
                         p99=fmt.money(risk.spend_p99), budget=fmt.money(risk.budget)))
            spending_chart(risk)


def page(solved: Solved) -> None:
    figures.cards(solved, state.session().previous if solved is state.session().solved else None)
    if solved.scenario.policy.redemption_model().active:
        redemption_section(solved)
    left, right = st.columns(2)
    with left:
        _heading(t("results.by_class"))
        group_chart(solved, "class")
    with right:
        _heading(t("results.by_district"))
        group_chart(solved, "district")

    left, right = st.columns(2)
    with left:
        _heading(t("results.lorenz"))
        lorenz_chart(solved)
    with right:
        _heading(t("results.binding"))
        shadow_section(solved)

    _heading(t("results.pof"))
    fairness_section(solved)

    _heading(t("results.table"))
    allocation_table.render_table(solved)

    _heading(t("results.lookup"))
    allocation_table.render_lookup(solved)


session = state.session()
last = session.solved
shown = session.feasible_view()
st.title(t("results.title", name=(shown or last).scenario.name if (shown or last) else "—"))
if session.is_stale():
    st.info(t("results.stale"), icon=":material/edit:")
if last is not None and not last.optimal:
    st.error(t("solve.infeasible"), icon=":material/block:")
    for finding in last.result.diagnosis:
        st.markdown(f"- {finding.text(lang())}")
    st.page_link("views/scenario.py", label=t("results.fix"), icon=":material/edit_note:")
if shown is None:
    st.caption(t("results.none"))
else:
    if session.showing_previous():
        st.warning(t("results.previous", name=shown.scenario.name,
                     funded=fmt.count(shown.result.firms_funded)), icon=":material/history:")
    page(shown)
