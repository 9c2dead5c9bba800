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
from optimizer.analysis.metrics import Metrics
from optimizer.units import WAN
from ui import charts, figures, fmt, state, widgets
from ui.i18n import lang, t, term

SS = st.session_state
MEASURES = ("min_class_coverage", "min_district_coverage", "startup_share", "gini", "jain")
#: The measure shown first for each swept rule: the one the rule is meant to move.
FIRST_MEASURE = {"startup_floor": "startup_share", "district_floor": "min_district_coverage",
                 "large_cap": "gini", "basic_research_floor": "gini"}


def rule_label(rule: str) -> str:
    if rule.startswith("budget."):
        return t("field.budget", program=fmt.program(rule.removeprefix("budget.")))
    return t(f"field.{rule}")


def value_label(rule: str, value: float) -> str:
    return fmt.money(value) if rule.startswith("budget.") else fmt.pct(value)


def _values(rule: str, policy_value: float) -> list[float]:
    points = st.slider(t("frontier.points"), 3, 21, 13, key="frontier_points")  # 0–60% in 5% steps
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
    solved = state.session().solved
    if solved is None:
        return
    bar = st.progress(0.0, text=t("frontier.running", done=0, total=len(values)))

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=t("frontier.running", done=done, total=total))

    frontier = sweep(solved.scenario, rule, values, progress=progress)
    bar.empty()
    state.session().set_sweep(frontier, solved.key)


def measure_of(m: Metrics, measure: str) -> float | None:
    """One fairness measure read from the metrics of an allocation."""
    if measure == "min_district_coverage":
        return min(m.coverage_by_district.values()) if m.coverage_by_district else None
    value: float | None = getattr(m, measure)
    return value


def draw(frontier: Frontier, measure: str) -> None:
    rows = [{"value": p.value, "label": value_label(frontier.rule, p.value),
             "impact": p.metrics.impact / 1e8, "fairness": measure_of(p.metrics, measure)}
            for p in frontier.points if p.metrics is not None]
    solved = state.session().solved
    current = pd.DataFrame()
    if solved is not None and solved.optimal:
        m = figures.metrics(solved)
        current = pd.DataFrame([{"impact": m.impact / 1e8, "fairness": measure_of(m, measure),
                                 "label": t("frontier.current")}])
    if rows:
        st.altair_chart(charts.frontier(
            pd.DataFrame(rows), current, x="fairness", y="impact",
            x_title=t(f"measure.{measure}"), y_title=t("frontier.impact_axis"), label="label",
            order="value", x_percent=measure not in ("gini", "jain")), width="stretch")
    st.caption(t("frontier.note", rule=rule_label(frontier.rule),
                 seconds=f"{frontier.seconds:.1f}"))
    ms = [p.metrics for p in frontier.points]
    table = pd.DataFrame({
        t("frontier.value"): [value_label(frontier.rule, p.value) for p in frontier.points],
        t("frontier.status"): [term(f"status.{p.status}") for p in frontier.points],
        t("card.impact"): [fmt.impact(m.impact) if m else "—" for m in ms],
        t("card.startup"): [fmt.pct(m.startup_share) if m else "—" for m in ms],
        t("compare.min_coverage"): [fmt.pct(m.min_class_coverage) if m else "—" for m in ms],
        t("measure.min_district_coverage"): [
            fmt.pct(measure_of(m, "min_district_coverage")) if m else "—" for m in ms],
        t("card.gini"): [fmt.number(m.gini) if m else "—" for m in ms],
        t("card.funded"): [fmt.count(m.firms_funded) if m else "—" for m in ms],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    for point in frontier.points:
        for finding in point.diagnosis:
            st.warning(f"{value_label(frontier.rule, point.value)}: {finding.text(lang())}",
                       icon=":material/block:")


session = state.session()
solved = session.solved
st.title(t("frontier.title"))
st.caption(t("frontier.intro"))
if solved is None:
    st.info(t("frontier.unsolved"), icon=":material/show_chart:")
else:
    rules = sweepable(solved.scenario)
    with st.container(border=True):
        left, right = st.columns(2)
        with left:
            rule = widgets.choice("selectbox", t("frontier.rule"), "frontier_rule", rules,
                                  rule_label)
        with right:
            measure = widgets.choice("selectbox", t("frontier.measure"),
                                     f"frontier_measure.{rule}", MEASURES,
                                     lambda m: t(f"measure.{m}"),
                                     default=FIRST_MEASURE.get(rule, "min_class_coverage"))
        policy = solved.scenario.policy
        current_value = policy.budget(rule.removeprefix("budget.")) \
            if rule.startswith("budget.") else float(getattr(policy, rule))
        values = _values(rule, current_value)
        st.caption(t("frontier.current_value", value=value_label(rule, current_value)))
        st.button(t("frontier.run"), type="primary", key="frontier_run", on_click=_request,
                  icon=":material/timeline:")
    if SS.pop("frontier_requested", False):
        run(rule, values)

    kept = session.sweep
    if kept is None:
        st.info(t("frontier.empty"), icon=":material/show_chart:")
    elif kept.rule != rule:
        # a sweep is only ever drawn against the axis of the rule it moved
        st.info(t("frontier.other_rule", rule=rule_label(kept.rule)), icon=":material/info:")
    else:
        if kept.solve_key != solved.key:
            st.caption(t("frontier.older"))
        draw(kept.frontier, measure)
