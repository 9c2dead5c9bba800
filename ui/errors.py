"""Bad input in plain words: where it is (file, sheet, cell, column) and what is wrong."""

from __future__ import annotations

import re

import streamlit as st

from inputs import InputError
from inputs.columns import zh_name
from ui.i18n import lang, t

#: The messages of :mod:`inputs` (English) as an officer reads them in Chinese.
#: A message that matches none is shown as it is.
MESSAGES_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template) for pattern, template in (
        (r"^must be ≥ (\S+), got (.+)$", r"应 ≥ \1，实际为 \2"),
        (r"^must be between (\S+) and (\S+), got (.+)$", r"应在 \1 到 \2 之间，实际为 \3"),
        (r"^must be a (?:finite )?number, got (.+)$", r"应为数字，实际为 \1"),
        (r"^must be a date such as (\S+), got (.+)$", r"应为日期（如 \1），实际为 \2"),
        (r"^must be one of (.+), got (.+)$", r"应为以下之一：\1；实际为 \2"),
        (r"^is blank; a value is required$", "为空，此项必填"),
        (r"^(.+) is already used in row (\d+)$", r"\1 已在第 \2 行使用（企业编号不能重复）"),
        (r"^required column (.+) is missing(.*)$", r"缺少必需的列 \1\2"),
        (r"^has no firm rows$", "没有企业数据行"),
        (r"^is missing$", "缺失"),
        (r"^is empty \(it needs a header row\)$", "为空（需要表头行）"),
        (r"^is neither UTF-8 nor GB18030 text$", "既不是 UTF-8 也不是 GB18030 编码的文本"),
        (r"^cannot read the (workbook|CSV|file): (.+)$", r"无法读取文件：\2"),
        (r"^unsupported file type (.+) \(use (.+)\)$", r"不支持的文件类型 \1（请用 \2）"),
        (r"^no such file \((.+)\)$", r"文件不存在（\1）"),
    )
)


def message(err: InputError) -> str:
    """What is wrong, in the session's language."""
    if lang() == "zh":
        for pattern, template in MESSAGES_ZH:
            if pattern.match(err.message):
                return pattern.sub(template, err.message)
    return err.message


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
