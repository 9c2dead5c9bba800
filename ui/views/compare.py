"""对比 / Compare: save what-ifs, then put them and the baselines side by side.

Columns are the scenario on screen, the saved what-ifs and the office baselines
(first come first served, pro-rata, rank by score, equal awards) run on the
scenario on screen. Each cell shows the figure and its change against the
reference column; a chart shows the money each group gains or loses.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from optimizer.analysis.baselines import compare_baselines
from optimizer.analysis.metrics import Metrics
from ui import charts, figures, fmt, state
from ui.i18n import t

SS = st.session_state
WAN = 1e4


def _save() -> None:
    name = str(SS.get("save_name", "")).strip() or t("compare.default_name",
                                                     n=len(state.saved()) + 1)
    state.save_as(name)
    SS.save_name = ""
    SS.compare_note = t("compare.saved", name=name)


def _forget() -> None:
    name = SS.get("forget_pick")
    if name:
        state.forget(name)


def columns() -> dict[str, Metrics]:
    """Column label → metrics: the scenario on screen, saved what-ifs, then baselines."""
    solved = state.solved()
    out: dict[str, Metrics] = {}
    if solved.result.optimal:
        out[t("compare.current")] = figures.metrics(solved)
    for name, what_if in state.saved().items():
        if what_if.result.optimal:
            out[t("compare.saved_label", name=name)] = figures.metrics(what_if)
    baselines = state.memo("baselines", solved.key,
                           lambda: compare_baselines(solved.scenario, solved.result))
    for name, metrics in baselines:
        if name != "optimized":
            out[t(f"baseline.{name}")] = metrics
    return out


def _rows(programs: tuple[str, ...]) -> list[tuple[str, object, object]]:
    """(label, value → text, (value, reference) → delta text) for each compared figure."""
    def money_delta(a: float, b: float) -> str:
        return fmt.signed_money(a - b)

    def pct_delta(a: float, b: float) -> str:
        return fmt.points(a - b)

    rows: list[tuple[str, object, object]] = [
        (t("card.spend", program=fmt.program(p)), lambda m, p=p: m.spend[p],
         (fmt.money, money_delta)) for p in programs
    ]
    rows += [
        (t("compare.spend_total"), lambda m: m.spend_total, (fmt.money, money_delta)),
        (t("card.funded"), lambda m: m.firms_funded,
         (fmt.count, lambda a, b: f"{a - b:+,}")),
        (t("card.startup"), lambda m: m.startup_share, (fmt.pct, pct_delta)),
        (t("compare.min_coverage"), lambda m: m.min_class_coverage or 0.0, (fmt.pct, pct_delta)),
        (t("card.gini"), lambda m: m.gini, (fmt.number, lambda a, b: f"{a - b:+.3f}")),
        (t("compare.jain"), lambda m: m.jain, (fmt.number, lambda a, b: f"{a - b:+.3f}")),
        (t("card.impact"), lambda m: m.impact,
         (fmt.impact, lambda a, b: fmt.signed_pct((a - b) / b) if b else "—")),
    ]
    for cls in ("startup", "small", "medium", "large"):
        rows.append((t("compare.coverage_of", cls=fmt.size_class(cls)),
                     lambda m, c=cls: m.coverage_by_class.get(c, 0.0), (fmt.pct, pct_delta)))
    return rows


def side_by_side(compared: dict[str, Metrics], reference: str,
                 programs: tuple[str, ...]) -> pd.DataFrame:
    """Figures as text, each with its change against the reference column."""
    table: dict[str, list[str]] = {t("compare.figure"): []}
    for name in compared:
        table[name] = []
    ref = compared[reference]
    for label, value, (show, delta) in _rows(programs):  # type: ignore[misc]
        table[t("compare.figure")].append(label)
        for name, m in compared.items():
            text = show(value(m))
            if name != reference:
                text += t("compare.delta", delta=delta(value(m), value(ref)))
            table[name].append(text)
    return pd.DataFrame(table)


def moved(compared: dict[str, Metrics], reference: str, by: str) -> pd.DataFrame:
    """万元 each group gains or loses in every column against the reference."""
    frames = []
    for name, m in compared.items():
        if name == reference:
            continue
        frame = figures.moved_table(m, compared[reference], by)
        frames.append(frame.assign(series=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


solved = state.solved()
st.title(t("compare.title"))
st.caption(t("compare.intro"))

with st.container(border=True):
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input(t("compare.name"), key="save_name",
                    placeholder=t("compare.default_name", n=len(state.saved()) + 1))
    right.button(t("compare.save"), on_click=_save, disabled=not solved.result.optimal,
                 type="primary", key="save_whatif", width="stretch")
    if SS.get("compare_note"):
        st.success(SS.pop("compare_note"), icon=":material/save:")
    if not solved.result.optimal:
        st.caption(t("compare.cannot_save"))
    if state.saved():
        st.caption(t("compare.saved_list", names="、".join(state.saved())))
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.selectbox(t("compare.forget"), list(state.saved()), key="forget_pick")
        right.button(t("compare.forget_button"), key="forget", on_click=_forget,
                     width="stretch")

compared = columns()
programs = solved.scenario.programs
reference = st.selectbox(t("compare.reference"), list(compared), key="compare_reference")
st.dataframe(side_by_side(compared, reference, programs), hide_index=True, width="stretch",
             height=35 * (len(_rows(programs)) + 1) + 3)

st.subheader(t("compare.moved"))
by = st.radio(t("compare.by"), ["class", "district"], horizontal=True, key="compare_by",
              format_func=lambda b: t(f"compare.by.{b}"))
data = moved(compared, reference, by)
if data.empty:
    st.caption(t("compare.nothing"))
else:
    st.altair_chart(charts.moved(data, group="group", value="delta", series="series",
                                 value_title=t("moved.axis")), width="stretch")
    st.caption(t("compare.moved.note", reference=reference))
