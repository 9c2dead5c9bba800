"""Edits in the firms editor, copied into the session's table without losing any.

Streamlit's ``st.data_editor`` keeps its edits (``edited_rows``, ``added_rows``,
``deleted_rows``) relative to the table it was given, and feeding its output
back as its input makes it apply them twice (Streamlit issue 7749). So each
mounted editor gets a fixed *base*: the session's table at mount time
(``origin``) and the rows it shows (``view``). On every change the editor's
``on_change`` callback makes the session's table ``origin`` with all of the
editor's edits applied, which is the same however often it runs.

The session is the only truth. When Streamlit drops the editor's state (the
officer left the page or the section), the editor is mounted again under a new
key on a new base made from the session's table, so the edits made before show
as values and nothing re-applies an empty edit set over them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from ui import state

SS = st.session_state
EDIT_KINDS = ("edited_rows", "added_rows", "deleted_rows")
BASE_KEY = "firms_editor_base"
APPLIED_KEY = "firms_editor_applied"


@dataclass(frozen=True, eq=False)
class EditorBase:
    """What one mounted editor was given: the table then, the rows shown, and for what view."""

    key: str
    view_of: tuple[int, int, str]  # (firms generation, page, search)
    origin: pd.DataFrame
    view: pd.DataFrame
    mount: int


def base_for(page: int, search: str,
             make_view: Callable[[pd.DataFrame], pd.DataFrame]) -> EditorBase:
    """The base of the editor showing ``page`` of the rows matching ``search``.

    A new base (and a new widget key) when the view changes, the table was
    replaced from elsewhere, or Streamlit dropped the mounted editor's state.
    """
    working = state.session().working
    view_of = (working.firms_gen, page, search)
    base: EditorBase | None = SS.get(BASE_KEY)
    if base is not None and base.view_of == view_of and base.key in SS:
        return base
    mount = base.mount + 1 if base is not None else 1
    origin = working.firms
    base = EditorBase(f"firms_editor.{mount}", view_of, origin, make_view(origin), mount)
    SS[BASE_KEY] = base
    return base


def apply_edits(origin: pd.DataFrame, shown: pd.Index, edits: Mapping[str, Any]) -> pd.DataFrame:
    """``origin`` with an editor's edits applied; ``shown`` maps editor rows to its labels."""
    table = origin.copy()
    for position, changes in edits.get("edited_rows", {}).items():
        label = shown[int(position)]
        for column, value in changes.items():
            if column in table.columns:
                _set_cell(table, label, column, value)
    deleted = [shown[int(p)] for p in edits.get("deleted_rows", []) if int(p) < len(shown)]
    table = table.drop(index=deleted)
    added = [row for row in edits.get("added_rows", []) if row]
    if added:
        new = pd.DataFrame(added).reindex(columns=table.columns)
        if "basic_research" in new:
            new["basic_research"] = new["basic_research"].astype(object).fillna(False)
        table = pd.concat([table.astype(object), new.astype(object)], ignore_index=True)
    return table


def absorb(key: str) -> bool:
    """The editor's ``on_change``: the session's table becomes origin + all the edits.

    Only a live editor state is ever applied: a key Streamlit dropped, or an
    editor that is no longer the mounted one, changes nothing. The page calls it
    again before it draws the editor (edit state can also arrive without the
    callback, e.g. from a test); an edit set already applied is not applied again.
    """
    base: EditorBase | None = SS.get(BASE_KEY)
    edits = SS.get(key)
    if base is None or key != base.key or not isinstance(edits, Mapping):
        return False
    signature = (key, repr([edits.get(kind) for kind in EDIT_KINDS]))
    if SS.get(APPLIED_KEY) == signature:
        return False  # already in the session
    SS[APPLIED_KEY] = signature
    state.session().set_firms(apply_edits(base.origin, base.view.index, edits))
    return True


def _set_cell(table: pd.DataFrame, label: Any, column: str, value: Any) -> None:
    """Write one edited value, keeping the column's type where the value fits it."""
    dtype = table[column].dtype
    try:
        if value is None:
            value = pd.NaT if pd.api.types.is_datetime64_any_dtype(dtype) else None
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            value = pd.Timestamp(value)
        elif pd.api.types.is_float_dtype(dtype):
            value = float(value)
        table.at[label, column] = value
    except (TypeError, ValueError):
        table[column] = table[column].astype(object)
        table.at[label, column] = value


def absorb_live() -> bool:
    """Absorb the mounted editor's edits if its state is live (see :func:`absorb`)."""
    base: EditorBase | None = SS.get(BASE_KEY)
    return base is not None and base.key in SS and absorb(base.key)
