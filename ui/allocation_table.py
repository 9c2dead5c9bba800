"""The allocation table (searchable, sortable, paged, in 万元) and the firm lookup."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from optimizer.analysis.explain import explain_all, explain_firm
from optimizer.units import WAN
from ui import fmt, state, widgets
from ui.i18n import lang, t
from ui.session import Solved

PAGE_SIZE = 100
SORTS = ("total", "score", "coverage", "firm_id")


def reasons(solved: Solved) -> pd.DataFrame:
    """:func:`explain_all` of a solve, cached on its key."""
    return state.memo("explain_all", solved.key, lambda: explain_all(solved.result))


def table(solved: Solved) -> pd.DataFrame:
    """One row per firm with amounts in 万元 and the reason code (cached on the solve)."""
    def build() -> pd.DataFrame:
        result = solved.result
        base = result.allocations
        out = base[["firm_id", "name", "size_class", "district", "score"]].copy()
        for p in result.programs:
            out[p] = base[p] / WAN
        out["total"] = base["total"] / WAN
        out["upper"] = result.limits.upper.sum(axis=1) / WAN
        out["coverage"] = base["coverage"]
        out["reason"] = reasons(solved)["reason"].to_numpy()
        return out
    return state.memo("allocation_table", solved.key, build)


def render_table(solved: Solved) -> None:
    """Search box, sort order and one page of the allocation table."""
    data = table(solved)
    programs = solved.result.programs
    a, b, c, d = st.columns([3, 2, 1.3, 1], vertical_alignment="bottom")
    search = a.text_input(t("alloc.search"), key="alloc_search",
                          placeholder=t("firms.search.placeholder")).strip()
    with b:
        sort = widgets.choice("selectbox", t("alloc.sort"), "alloc_sort", SORTS,
                              lambda s: t(f"alloc.sort.{s}"))
    descending = c.toggle(t("alloc.descending"), value=True, key="alloc_desc")
    if search:
        mask = pd.Series(False, index=data.index)
        for column in ("firm_id", "name", "district"):
            mask |= data[column].astype(str).str.contains(search, case=False, regex=False)
        data = data[mask.to_numpy()]
    data = data.sort_values(sort, ascending=not descending, kind="stable", na_position="last")
    pages = max(1, math.ceil(len(data) / PAGE_SIZE))
    page = int(d.number_input(t("firms.page"), 1, pages, 1, key="alloc_page"))
    shown = data.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE].copy()
    shown["size_class"] = shown["size_class"].map(fmt.size_class)
    shown["reason"] = shown["reason"].map(lambda r: t(f"reason.{r}"))
    cc = st.column_config
    money = {p: cc.NumberColumn(t("col.amount_wan", program=fmt.program(p)), format="%,.1f")
             for p in programs}
    st.dataframe(shown, hide_index=True, width="stretch", height=390, column_config={
        "firm_id": cc.TextColumn(t("col.firm_id"), pinned=True),
        "name": cc.TextColumn(t("col.name")),
        "size_class": cc.TextColumn(t("col.size_class")),
        "district": cc.TextColumn(t("col.district")),
        "score": cc.NumberColumn(t("col.score"), format="%.1f"),
        **money,
        "total": cc.NumberColumn(t("col.total_wan"), format="%,.1f"),
        "upper": cc.NumberColumn(t("col.upper_wan"), format="%,.1f",
                                 help=t("col.upper.help")),
        "coverage": cc.ProgressColumn(t("col.coverage"), format="percent", min_value=0,
                                      max_value=1),
        "reason": cc.TextColumn(t("col.reason")),
    })
    st.caption(t("alloc.count", shown=fmt.count(len(data)), page=page, pages=pages,
                 size=PAGE_SIZE))


def render_lookup(solved: Solved) -> None:
    """Find a firm by id or name and show why it got its amount."""
    firms = solved.scenario.firms
    query = st.text_input(t("lookup.query"), key="lookup_query",
                          placeholder=t("lookup.placeholder")).strip()
    if not query:
        st.caption(t("lookup.hint"))
        return
    ids = firms["firm_id"].astype(str)
    exact = ids[ids == query]
    if len(exact):
        choices = exact.tolist()
    else:
        mask = ids.str.contains(query, case=False, regex=False) | \
            firms["name"].astype(str).str.contains(query, case=False, regex=False)
        choices = ids[mask.to_numpy()].head(50).tolist()
    if not choices:
        st.warning(t("lookup.none", query=query))
        return
    names = dict(zip(ids, firms["name"].astype(str), strict=True))
    firm_id = st.selectbox(t("lookup.pick"), choices, key="lookup_pick",
                           format_func=lambda i: f"{i} · {names.get(i, '')}")
    explanation = explain_firm(solved.result, firm_id)
    row = firms[ids == firm_id].iloc[0]
    st.info(explanation.text_zh if lang() == "zh" else explanation.text_en, icon=":material/chat:")
    columns = st.columns(2 + len(explanation.amounts))
    columns[0].metric(t("lookup.class"), fmt.size_class(row["size_class"]))
    columns[1].metric(t("lookup.score"), f"{explanation.score:.1f}",
                      help=t("lookup.threshold", threshold=f"{explanation.threshold:.0f}"))
    for column, (program, amount) in zip(columns[2:], explanation.amounts.items(), strict=True):
        column.metric(fmt.program(program), fmt.money(amount),
                      help=t("lookup.upper", upper=fmt.money(explanation.upper[program])))
