"""对比 / Compare: save what-ifs, then put them and the baselines side by side.

Columns are the last solve of the scenario on screen, the saved what-ifs and
the office baselines (first come first served, pro rata, rank by score,
constrained equal awards) run on it. Each cell shows the figure and its change
against the reference column, with an arrow (red when it goes the bad way); a
what-if saved on another firm list is marked as such and never gets a change
against a column of other firms. A chart shows the money each group gains or
loses. What-ifs are kept in the store with the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from inputs.store.access import Action
from optimizer.analysis.baselines import compare_baselines
from optimizer.analysis.metrics import Metrics
from ui import auth, charts, drafts, figures, fmt, state, widgets
from ui.i18n import t

SS = st.session_state
SAVE_NAME = "save_name"
NOTE = "compare_note"  # what the last click on Save did, shown once


@dataclass(frozen=True)
class Column:
    """One compared column: its code, its header, its metrics and its firm list."""

    code: str
    label: str
    metrics: Metrics
    firms_digest: str


@auth.guarded(Action.SAVE)
def _save() -> None:
    session = state.session()
    name = str(SS.get(SAVE_NAME, "")).strip() or t("compare.default_name",
                                                   n=len(session.what_ifs) + 1)
    if session.working.scenario() is None:
        SS[NOTE] = ("blocked", "")
        return
    if session.is_stale():
        state.solve_now()  # save what is on screen: solve it first
    outcome = session.save_what_if(name, state.solve_cached)
    if isinstance(outcome, str):
        SS[NOTE] = (outcome, name)
        return
    drafts.save_what_if(session, outcome)
    SS[SAVE_NAME] = ""
    SS[NOTE] = ("saved", name)


def _forget() -> None:
    name = SS.get("forget_pick")
    if name:
        gone = state.session().forget(name)
        if gone is not None:
            drafts.forget_what_if(gone)


def columns() -> list[Column]:
    """The scenario's last solve, saved what-ifs, then baselines on the scenario."""
    session = state.session()
    solved = session.feasible_view()
    out: list[Column] = []
    if solved is not None:
        label = t("compare.current") if solved is session.solved else t("compare.previous")
        out.append(Column("current", label, figures.metrics(solved), solved.firms_digest))
    for name, what_if in session.what_ifs.items():
        if what_if.solved.optimal:
            label = name if session.same_firms(what_if) else t("compare.other_firms", name=name)
            out.append(Column(f"what_if:{name}", label, figures.metrics(what_if.solved),
                              what_if.firms_digest))
    if solved is not None:
        baselines = state.memo("baselines", solved.key,
                               lambda: compare_baselines(solved.scenario, solved.result))
        for name, metrics in baselines:
            if name != "optimized":
                out.append(Column(f"baseline:{name}", t(f"baseline.{name}"), metrics,
                                  solved.firms_digest))
    return out


@dataclass(frozen=True)
class Row:
    label: str
    value: Callable[[Metrics], float]
    show: Callable[[float], str]
    delta: Callable[[float, float], str]
    good_up: bool = True


def _rows(programs: tuple[str, ...]) -> list[Row]:
    """Each compared figure: how to read it, show it and show its change."""
    def money_delta(a: float, b: float) -> str:
        return fmt.signed_money(a - b)

    def pct_delta(a: float, b: float) -> str:
        return fmt.points(a - b)

    rows = [Row(t("card.spend", program=fmt.program(p)), lambda m, p=p: m.spend[p],
                fmt.money, money_delta) for p in programs]
    rows += [
        Row(t("compare.spend_total"), lambda m: m.spend_total, fmt.money, money_delta),
        Row(t("card.funded"), lambda m: m.firms_funded, fmt.count,
            lambda a, b: f"{a - b:+,}"),
        Row(t("card.startup"), lambda m: m.startup_share, fmt.pct, pct_delta),
        Row(t("compare.min_coverage"), lambda m: m.min_class_coverage or 0.0, fmt.pct,
            pct_delta),
        Row(t("card.gini"), lambda m: m.gini, fmt.number, lambda a, b: f"{a - b:+.3f}",
            good_up=False),
        Row(t("compare.jain"), lambda m: m.jain, fmt.number, lambda a, b: f"{a - b:+.3f}"),
        Row(t("card.impact"), lambda m: m.impact, fmt.impact,
            lambda a, b: fmt.signed_pct((a - b) / b) if b else "—"),
    ]
    for cls in ("startup", "small", "medium", "large"):
        rows.append(Row(t("compare.coverage_of", cls=fmt.size_class(cls)),
                        lambda m, c=cls: m.coverage_by_class.get(c, 0.0), fmt.pct, pct_delta))
    return rows


def arrow(a: float, b: float) -> str:
    """↑ or ↓ by the sign of the change (never by the text's sign character)."""
    if abs(a - b) < 1e-9:
        return "="
    return "↑" if a > b else "↓"


def side_by_side(compared: list[Column], reference: Column,
                 programs: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Figures as text with their change against the reference, and each cell's colour."""
    figure = t("compare.figure")
    table: dict[str, list[str]] = {figure: []}
    colours: dict[str, list[str]] = {figure: []}
    for column in compared:
        table[column.label], colours[column.label] = [], []
    for row in _rows(programs):
        table[figure].append(row.label)
        colours[figure].append("")
        ref = row.value(reference.metrics)
        for column in compared:
            value = row.value(column.metrics)
            text, colour = row.show(value), ""
            if column.code != reference.code and column.firms_digest == reference.firms_digest:
                change = arrow(value, ref)
                if change == "=":
                    text += t("compare.delta", delta=t("compare.same"))
                else:
                    text += t("compare.delta", delta=f"{change} {row.delta(value, ref)}")
                    better = (value > ref) == row.good_up
                    colour = "color: #15803d" if better else "color: #b91c1c"
            table[column.label].append(text)
            colours[column.label].append(colour)
    return pd.DataFrame(table), pd.DataFrame(colours)


def moved(compared: list[Column], reference: Column, by: str) -> pd.DataFrame:
    """万元 each group gains or loses in every column of the same firms as the reference."""
    frames = []
    for column in compared:
        if column.code == reference.code or column.firms_digest != reference.firms_digest:
            continue
        frame = figures.moved_table(column.metrics, reference.metrics, by)
        frames.append(frame.assign(series=column.label))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


session = state.session()
st.title(t("compare.title"))
st.caption(t("compare.intro"))

with st.container(border=True):
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input(t("compare.name"), key=SAVE_NAME,
                    placeholder=t("compare.default_name", n=len(session.what_ifs) + 1))
    right.button(t("compare.save"), on_click=_save, type="primary", key="save_whatif",
                 width="stretch")
    if session.is_stale():
        st.caption(t("compare.will_solve"))
    note, saved_name = SS.pop(NOTE, (None, ""))
    if note == "saved":
        st.success(t("compare.saved", name=saved_name), icon=":material/save:")
    elif note == "blocked":
        st.warning(t("compare.blocked"), icon=":material/warning:")
    elif note == "infeasible":
        st.warning(t("compare.cannot_save"), icon=":material/block:")
    if session.what_ifs:
        st.caption(t("compare.saved_list", names="、".join(session.what_ifs)))
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.selectbox(t("compare.forget"), list(session.what_ifs), key="forget_pick")
        right.button(t("compare.forget_button"), key="forget", on_click=_forget,
                     width="stretch")

compared = columns()
if not compared:
    st.info(t("compare.nothing"), icon=":material/balance:")
else:
    by_code = {c.code: c for c in compared}
    code = widgets.choice("selectbox", t("compare.reference"), "compare_reference",
                          list(by_code), lambda c: by_code[c].label)
    reference = by_code[code]
    shown = session.feasible_view()
    programs = shown.scenario.programs if shown is not None else session.working.programs
    table, colours = side_by_side(compared, reference, programs)
    st.table(table.style.apply(lambda _: colours, axis=None).hide(axis="index"))
    if any(c.firms_digest != reference.firms_digest for c in compared):
        st.caption(t("compare.other_firms.note"))

    st.subheader(t("compare.moved"))
    by = widgets.choice("radio", t("compare.by"), "compare_by", ["class", "district"],
                        lambda b: t(f"compare.by.{b}"), horizontal=True)
    data = moved(compared, reference, by)
    if data.empty:
        st.caption(t("compare.nothing"))
    else:
        st.altair_chart(charts.moved(data, group="group", value="delta", series="series",
                                     value_title=t("moved.axis")), width="stretch")
        st.caption(t("compare.moved.note", reference=reference.label))
