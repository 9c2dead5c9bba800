"""前沿 / Frontier: sweep one rule over a range and draw the efficiency–fairness curve.

The sweep runs on the scenario of the last solve with a progress bar; the
curve plots impact against the chosen fairness measure, with the scenario on
screen marked. The last sweep is kept in the session (and goes into the report).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from optimizer.analysis.frontier import Frontier, sweep, sweepable
from ui import charts, figures, fmt, state
from ui.i18n import lang, t

state.through_app()

SS = st.session_state
WAN = 1e4
MEASURES = ("min_class_coverage", "startup_share", "gini", "jain")


def rule_label(rule: str) -> str:
    if rule.startswith("budget."):
        return t("field.budget", program=fmt.program(rule.removeprefix("budget.")))
    return t(f"field.{rule}")


def value_label(rule: str, value: float) -> str:
    return fmt.money(value) if rule.startswith("budget.") else fmt.pct(value)


def _values(rule: str, policy_value: float) -> list[float]:
    points = st.slider(t("frontier.points"), 3, 21, 9, key="frontier_points")
    if rule.startswith("budget."):
        wan = policy_value / WAN
        left, right = st.columns(2)
        low = left.number_input(t("frontier.from_wan"), min_value=0.0, value=round(wan * 0.5),
                                step=1000.0, format="%.0f", key=f"frontier_low.{rule}")
        high = right.number_input(t("frontier.to_wan"), min_value=0.0, value=round(wan * 1.5),
                                  step=1000.0, format="%.0f", key=f"frontier_high.{rule}")
        return [float(v) * WAN for v in np.linspace(low, max(low, high), points)]
    default = (0, 100) if rule == "large_cap" else (0, 60)
    low, high = st.slider(t("frontier.range"), 0, 100, default, step=5, format="%d%%",
                          key=f"frontier_range.{rule}")
    return [round(float(v), 6) for v in np.linspace(low, high, points) / 100]


def _request() -> None:
    SS.frontier_requested = True


def run(rule: str, values: list[float]) -> None:
    solved = state.solved()
    bar = st.progress(0.0, text=t("frontier.running", done=0, total=len(values)))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=t("frontier.running", done=done, total=total))

    frontier = sweep(solved.scenario, rule, values, progress=progress)
    bar.empty()
    SS.frontier = (solved.key, frontier)


def draw(frontier: Frontier, measure: str) -> None:
    frame = frontier.to_frame()
    frame["label"] = [value_label(frontier.rule, v) for v in frame["value"]]
    ok = frame[frame["status"] == "optimal"].copy()
    ok["impact"] = ok["objective"] / 1e8
    solved = state.solved()
    current = pd.DataFrame()
    if solved.result.optimal:
        m = figures.metrics(solved)
        current = pd.DataFrame([{"impact": m.impact / 1e8, measure: getattr(m, measure),
                                 "label": t("frontier.current")}])
    percent = measure != "gini" and measure != "jain"
    if not ok.empty:
        st.altair_chart(charts.frontier(
            ok, current, x=measure, y="impact", x_title=t(f"measure.{measure}"),
            y_title=t("frontier.impact_axis"), label="label", x_percent=percent),
            width="stretch")
    st.caption(t("frontier.note", rule=rule_label(frontier.rule),
                 seconds=f"{frontier.seconds:.1f}"))
    table = pd.DataFrame({
        t("frontier.value"): frame["label"],
        t("frontier.status"): [t(f"status.{s}") for s in frame["status"]],
        t("card.impact"): [fmt.impact(v) if v == v and v is not None else "—"
                           for v in frame["objective"]],
        t("card.startup"): [fmt.pct(v) for v in frame["startup_share"]],
        t("compare.min_coverage"): [fmt.pct(v) for v in frame["min_class_coverage"]],
        t("card.gini"): [fmt.number(v) for v in frame["gini"]],
        t("card.funded"): [fmt.count(v) if v == v and v is not None else "—"
                           for v in frame["firms_funded"]],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    for point in frontier.points:
        for finding in point.diagnosis:
            st.warning(f"{value_label(frontier.rule, point.value)}: {finding.text(lang())}",
                       icon=":material/block:")


solved = state.solved()
st.title(t("frontier.title"))
st.caption(t("frontier.intro"))
rules = sweepable(solved.scenario)
with st.container(border=True):
    left, right = st.columns(2)
    rule = left.selectbox(t("frontier.rule"), rules, format_func=rule_label, key="frontier_rule")
    measure = right.selectbox(t("frontier.measure"), MEASURES, key="frontier_measure",
                              format_func=lambda m: t(f"measure.{m}"))
    policy = solved.scenario.policy
    current_value = policy.budget(rule.removeprefix("budget.")) if rule.startswith("budget.") \
        else float(getattr(policy, rule))
    values = _values(rule, current_value)
    st.caption(t("frontier.current_value", value=value_label(rule, current_value)))
    st.button(t("frontier.run"), type="primary", key="frontier_run", on_click=_request,
              icon=":material/timeline:")
if SS.pop("frontier_requested", False):
    run(rule, values)

kept = SS.get("frontier")
if kept is None:
    st.info(t("frontier.empty"), icon=":material/show_chart:")
else:
    key, frontier = kept
    if key != solved.key:
        st.caption(t("frontier.older"))
    draw(frontier, measure)
