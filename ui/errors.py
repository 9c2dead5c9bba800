"""Bad input in plain words: where it is (file, sheet, cell, column) and what is wrong."""

from __future__ import annotations

import streamlit as st

from inputs import InputError
from inputs.columns import zh_name
from ui.i18n import lang, t


def message(err: InputError) -> str:
    """What is wrong, in the session's language."""
    return err.message_zh if lang() == "zh" else err.message


def column_name(column: str) -> str:
    """A firms column as the officer knows it: 训力券申请额 (training_request)."""
    zh = zh_name(column)
    if lang() == "zh" and zh:
        return f"{zh}（{column}）"
    return column


def where(err: InputError) -> str:
    """The location of an input error in the session's language."""
    parts = []
    if err.file:
        parts.append(t("where.file", file=err.file))
    if err.sheet:
        parts.append(t("where.sheet", sheet=err.sheet))
    if err.cell:
        parts.append(t("where.cell", cell=err.cell))
    elif err.row is not None:
        parts.append(t("where.row", row=err.row))
    if err.column:
        parts.append(t("where.column", column=column_name(err.column)))
    return " · ".join(parts)


def show_input_error(err: InputError) -> None:
    """An input error as one message box: where, then what (never a traceback)."""
    place = where(err)
    text = t("input.error", where=place, message=message(err)) if place else message(err)
    st.error(text, icon=":material/warning:")
