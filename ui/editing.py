"""Edits in the firms editor, copied into the master table without losing any.

Streamlit's ``st.data_editor`` keeps its edits (``edited_rows``, ``added_rows``,
``deleted_rows``) relative to the table it was given. Feeding its output back
as its input makes it apply them twice or lose every second one (Streamlit
issue 7749). So each mounted editor gets a fixed *base*: the master table at
mount time (``origin``) and the rows it shows (``view``). The editor always
receives that view; after every change the master table becomes ``origin``
with all of the editor's edits applied, which is the same however often it
runs. A new base (and key) comes with a new page, a new search, or a master
table replaced from elsewhere (an upload, a loaded scenario).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from ui import state

SS = st.session_state
EDIT_KINDS = ("edited_rows", "added_rows", "deleted_rows")


@dataclass(frozen=True, eq=False)
class EditorBase:
    """What one mounted editor was given: the master table then, and the rows shown."""

    key: str
    origin: pd.DataFrame
    view: pd.DataFrame


def editor_key(page: int, search: str) -> str:
    """Key of the editor showing ``page`` of the rows matching ``search``."""
    digest = hashlib.sha1(search.encode()).hexdigest()[:8]
    return f"firms_editor.{SS.firms_version}.{page}.{digest}"


def base_for(key: str, make_view: Callable[[pd.DataFrame], pd.DataFrame]) -> EditorBase:
    """The base of editor ``key``, made from the master table on its first draw."""
    base: EditorBase | None = SS.get("editor_base")
    if base is None or base.key != key:
        origin = state.firms()
        base = EditorBase(key, origin, make_view(origin))
        SS.editor_base = base
        SS.editor_applied = None
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


def absorb(key: str | None = None) -> bool:
    """Make the master table the editor's origin plus all its edits (once per change).

    The editor's ``on_change`` callback calls it, and the page again before it
    draws (edit state can also arrive without the callback, e.g. from a test).
    """
    base: EditorBase | None = SS.get("editor_base")
    if base is None or (key is not None and key != base.key):
        return False
    edits = SS.get(base.key) or {}
    signature = repr([edits.get(kind) for kind in EDIT_KINDS])
    previous = SS.get("editor_applied")
    if previous == signature:
        return False
    SS.editor_applied = signature
    if previous is None and not any(edits.get(kind) for kind in EDIT_KINDS):
        return False  # nothing edited yet
    state.set_firms(apply_edits(base.origin, base.view.index, edits), remount=False)
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
