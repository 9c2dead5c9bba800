"""The firms table: one page of the master table at a time in ``st.data_editor``.

The editor shows at most :data:`PAGE_SIZE` rows (30,000 firms stay usable), with
typed columns, ranges and select boxes. Its ``on_change`` callback copies the
edited, added and deleted rows into the session's table (:mod:`ui.session`);
the editor's output is never fed back as its input (Streamlit issue 7749): it
keeps the rows it was mounted with (:mod:`ui.editing`).
The first problem the table check finds is shown next to the table, with a
button that pages to the row at fault.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from inputs import InputError
from inputs.shenzhen import DISTRICT_COUNTS_2023
from optimizer.policy import SIZE_CLASSES
from optimizer.scenario import APPLIED_ON, request_column
from ui import editing, fmt, state
from ui.errors import column_name, message
from ui.i18n import t

SS = st.session_state
PAGE_SIZE = 200
SEARCH_KEY = "firms_search"
PAGE_KEY = "editor_page"
SEARCHED = ("firm_id", "name", "district")


def column_config(table: pd.DataFrame, programs: tuple[str, ...]) -> dict[str, Any]:
    """Types, ranges and select boxes for every column of the firms table."""
    cc = st.column_config
    known = [str(d) for d in table["district"].dropna().unique()] if "district" in table else []
    districts = list(dict.fromkeys([*DISTRICT_COUNTS_2023, *sorted(known)]))
    config: dict[str, Any] = {
        "_index": cc.NumberColumn(t("col.row"), help=t("col.row.help"), format="%d"),
        "firm_id": cc.TextColumn(t("col.firm_id"), required=True, pinned=True,
                                 help=t("col.firm_id.help")),
        "name": cc.TextColumn(t("col.name"), width="medium"),
        "size_class": cc.SelectboxColumn(t("col.size_class"), options=list(SIZE_CLASSES),
                                         format_func=fmt.size_class, required=True,
                                         default="startup"),
        "district": cc.SelectboxColumn(t("col.district"), options=districts, required=True),
        "score": cc.NumberColumn(t("col.score"), min_value=0, max_value=100, step=0.1,
                                 format="%.1f", required=True, help=t("col.score.help")),
        "basic_research": cc.CheckboxColumn(t("col.basic_research"), default=False),
        APPLIED_ON: cc.DateColumn(t("col.applied_on"), format="YYYY-MM-DD"),
    }
    for p in programs:
        config[request_column(p)] = cc.NumberColumn(
            t("col.request", program=fmt.program(p)), min_value=0, step=1, default=0,
            format="%,.0f", required=True, help=t("col.request.help"))
    return config


def _matching(table: pd.DataFrame, search: str) -> pd.Index:
    if not search:
        return table.index
    mask = pd.Series(False, index=table.index)
    for column in SEARCHED:
        if column in table:
            mask |= table[column].astype(str).str.contains(search, case=False, regex=False)
    return table.index[mask.to_numpy()]


def _go_to(position: int) -> None:
    view = state.session().view
    view[SEARCH_KEY] = ""
    view[PAGE_KEY] = str(position // PAGE_SIZE + 1)
    SS.pop(SEARCH_KEY, None)
    SS.pop(PAGE_KEY, None)


def _keep(key: str) -> None:
    """The search box's and the pager's ``on_change``: the session keeps what they hold."""
    state.session().view[key] = str(SS.get(key) or "")


def show_problem(problem: InputError) -> None:
    """The table's first problem in plain words, naming the firm and the column; then the
    first problem of every other column at fault, so that all can be fixed in one pass."""
    table = state.session().working.firms
    position = (problem.row - 2) if problem.row is not None else None
    where = _where(problem, table)
    left, right = st.columns([5, 1])
    left.error(t("firms.problem", where=where, message=message(problem)),
               icon=":material/warning:")
    if position is not None:
        right.button(t("firms.goto"), on_click=_go_to, args=(position,), key="firms_goto")
    more = state.session().working.more_problems
    if more:
        lines = [f"- {t('firms.problem', where=_where(p, table), message=message(p))}"
                 for p in more]
        st.warning("\n".join([t("firms.more", n=len(more)), *lines]))


def _where(problem: InputError, table: pd.DataFrame) -> str:
    position = (problem.row - 2) if problem.row is not None else None
    firm = ""
    if position is not None and 0 <= position < len(table):
        firm = str(table["firm_id"].iloc[position])
    return t("firms.where", row=problem.row if problem.row is not None else "?",
             firm=firm or "—", column=column_name(problem.column) if problem.column else "")


def render(programs: tuple[str, ...]) -> None:
    """Draw the search box, the pager and one page of the editable firms table."""
    session = state.session()
    table = session.working.firms
    left, middle = st.columns([3, 1])
    search = left.text_input(t("firms.search"), value=session.view.get(SEARCH_KEY, ""),
                             key=SEARCH_KEY, on_change=_keep, args=(SEARCH_KEY,),
                             placeholder=t("firms.search.placeholder")).strip()
    rows = _matching(table, search)
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    wanted = min(pages, max(1, int(session.view.get(PAGE_KEY) or 1)))
    if SS.get(PAGE_KEY, wanted) > pages:
        SS[PAGE_KEY] = pages
    page = int(middle.number_input(t("firms.page"), min_value=1, max_value=pages, step=1,
                                   value=wanted, key=PAGE_KEY, on_change=_keep,
                                   args=(PAGE_KEY,)))
    columns = [c for c in ("firm_id", "name", "size_class", "district", "score",
                           *(request_column(p) for p in programs), "basic_research", APPLIED_ON)
               if c in table.columns]
    base = editing.base_for(
        page, search,
        lambda origin: origin.loc[rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], columns])
    key = base.key
    shown = base.view.set_axis(base.view.index + 2)  # row numbers as in the workbook
    st.data_editor(shown, key=key, num_rows="dynamic", hide_index=False,
                   column_config=column_config(table, programs),
                   height=min(420, 35 * (len(shown) + 2) + 3),
                   on_change=editing.absorb, args=(key,), width="stretch")
    st.caption(t("firms.count", shown=fmt.count(len(rows)), total=fmt.count(len(table)),
                 page=page, pages=pages, size=PAGE_SIZE) + " · " + t("firms.editor.note"))
