"""Write a scenario as the ``firms`` and ``policy`` sheets of a workbook.

:func:`add_scenario_sheets` works on an in-memory :class:`openpyxl.Workbook`,
normal or write-only, and touches no file: :mod:`inputs` saves scenarios with
it and the report builder reuses it. The sheets follow the scenario contract,
so a saved workbook loads back as an equal scenario. The firms rows are
streamed (see :mod:`inputs.xlsx_stream`): 100,000 firms take about a second.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``) is written as a text cell, never as a formula.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font

from inputs.xlsx_stream import GENERAL, Column, StreamedSheet, declare, text_cell
from optimizer.catalog import Lang, has, text
from optimizer.overrides import EXCLUDE, NOTE, override_columns
from optimizer.scenario import (
    APPLIED_ON,
    FIRM_COLUMNS,
    PROGRAM_ZH,
    Scenario,
    request_column,
)

#: Canonical firms column → Chinese header (a header the reader accepts too).
COLUMN_HEADERS_ZH: dict[str, str] = {
    "firm_id": "企业编号",
    "name": "企业名称",
    "size_class": "企业规模",
    "district": "所在区",
    "score": "评审得分",
    "basic_research": "基础研究",
    APPLIED_ON: "申请日期",
    EXCLUDE: "排除",
    NOTE: "备注",
}


def both(key: str, zh: dict[str, str] | None = None, en: dict[str, str] | None = None) -> str:
    """The catalog text ``key`` in Chinese and English, ``"中文 / English"``.

    A scenario workbook is read in both languages, so its notes show both.
    ``zh`` and ``en`` fill the fields of each language (a program's Chinese
    name in one, its key in the other).
    """
    return f"{text(key, 'zh', **(zh or {}))} / {text(key, 'en', **(en or {}))}"


#: Canonical firms column → (Chinese header, meaning in Chinese and English).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    column: (zh, both(f"sheet.column.{column}")) for column, zh in COLUMN_HEADERS_ZH.items()
}
#: Chinese header of each per-program override kind (``固定额.训力券`` for ``fixed.training``).
OVERRIDE_LABELS: dict[str, str] = {"fixed": "固定额", "min": "下限", "max": "上限"}

#: Characters that make a spreadsheet treat typed text as a formula.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@")
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
_AUTHOR = "voucher-opt"
_WIDTHS: dict[str, float] = {"firm_id": 12, "name": 30, "district": 14, APPLIED_ON: 12}
#: Day 0 of Excel's (Windows) calendar.
_EPOCH = pd.Timestamp("1899-12-30")
_DAY_NS = 86_400 * 10**9


def column_label(column: str) -> tuple[str | None, str]:
    """The Chinese header and a short zh/en meaning of a canonical firms column."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    kind, dot, rest = column.partition(".")
    if dot and kind in OVERRIDE_LABELS:
        name = PROGRAM_ZH.get(rest, rest)
        return (f"{OVERRIDE_LABELS[kind]}.{name}",
                both(f"sheet.column.{kind}", {"program": name}, {"program": rest}))
    program = column.removesuffix("_request")
    if program != column:
        zh = PROGRAM_ZH.get(program)
        label = f"{zh}申请额" if zh else None
        return label, both("sheet.column.request", {"program": zh or program}, {"program": program})
    return None, column


def policy_note(key: str) -> str:
    """A short Chinese + English explanation of a policy key (the key itself when unknown)."""
    head, _, rest = key.partition(".")
    program, _, size_class = rest.partition(".")
    if head == "min_score":
        size_class = rest
    zh = {"program": PROGRAM_ZH.get(program, program), "size_class": _class_name(size_class, "zh")}
    en = {"program": program, "size_class": _class_name(size_class, "en")}
    if head == "rate" and size_class:
        return both("sheet.note.rate_of_class", zh, en)
    for note in (f"sheet.note.{key}", f"sheet.note.{head}"):
        if has(note):
            return both(note, zh, en)
    return key


def _class_name(size_class: str, lang: Lang) -> str:
    return text(f"class.{size_class}", lang) if has(f"class.{size_class}") else size_class


def add_scenario_sheets(workbook: Any, scenario: Scenario) -> list[StreamedSheet]:
    """Add the ``firms`` and ``policy`` sheets of ``scenario`` to ``workbook``.

    The firms rows are streamed in when the workbook is saved: save it with
    :func:`inputs.xlsx_stream.save` and the sheets returned here (openpyxl's
    own ``save`` would write the firms header only).

    Parameters
    ----------
    workbook
        An :class:`openpyxl.Workbook`, normal or ``write_only=True``.
    scenario
        The scenario to write. Firms columns are written in canonical order
        with English headers; each header cell carries a comment with its
        Chinese name and meaning. Text is written as text (never a formula),
        money cells use the format ``#,##0``, dates ``yyyy-mm-dd``; blank (NaN
        or empty) values become empty cells; ``basic_research`` is written
        yes/no.

    Returns
    -------
    list of StreamedSheet
        The sheets whose rows :func:`inputs.xlsx_stream.save` adds.
    """
    firms = _declare_firms(workbook, scenario)
    _write_policy(workbook, scenario)
    return [firms]


def firms_columns(scenario: Scenario) -> list[Column]:
    """The columns of the ``firms`` sheet, in canonical order (English headers)."""
    firms = scenario.firms
    order = [*FIRM_COLUMNS, APPLIED_ON, *(request_column(p) for p in scenario.programs),
             *override_columns(scenario.programs)]
    columns = []
    for name in (c for c in order if c in firms.columns):
        values, number_format = _column_values(firms[name])
        columns.append(Column(name, values, number_format, _WIDTHS.get(name, 16)))
    return columns


def _header(ws: Any, names: list[str], notes: list[str]) -> list[Any]:
    bold = Font(bold=True)
    cells = []
    for name, note in zip(names, notes, strict=True):
        cell = text_cell(ws, name)
        cell.font = bold
        if note:
            cell.comment = Comment(note, _AUTHOR, width=260, height=70)
        cells.append(cell)
    return cells


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _excel_dates(series: pd.Series) -> np.ndarray:
    """Dates as Excel serial numbers; NaN for blanks.

    Days since 1899-12-30 plus the time of day, with Excel's phantom
    1900-02-29 kept: the numbers :func:`openpyxl.utils.datetime.to_excel` gives.
    """
    dates = pd.to_datetime(series, errors="coerce")
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    ns = (dates - _EPOCH).to_numpy(dtype="timedelta64[ns]").astype(np.int64)
    blank = dates.isna().to_numpy()
    days = np.floor_divide(ns, _DAY_NS)
    serial = days - ((days > 0) & (days <= 60)) + (ns - days * _DAY_NS) / _DAY_NS
    return np.where(blank, np.nan, serial)


def _as_text(value: Any) -> str:
    """A non-text value of a text column as text (whole numbers without ``.0``)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _column_values(series: pd.Series) -> tuple[np.ndarray, str | None]:
    """The values of one firms column and its number format (None for text).

    Numbers come as floats (NaN for blanks), text as objects (None for blanks).
    """
    name = str(series.name)
    if name in ("basic_research", EXCLUDE):
        flags = series.astype("boolean").fillna(False).to_numpy(dtype=bool)
        return np.where(flags, "yes", "no").astype(object), None
    if name == APPLIED_ON or pd.api.types.is_datetime64_any_dtype(series):
        return _excel_dates(series), DATE_FORMAT
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numbers = series.to_numpy(dtype=float, copy=True)
        numbers[~np.isfinite(numbers)] = np.nan
        is_money = name.endswith("_request") or name.partition(".")[0] in OVERRIDE_LABELS
        return numbers, MONEY_FORMAT if is_money else GENERAL
    objects = series.astype(object)
    blank = (objects.isna() | objects.eq("")).to_numpy()
    values = objects.to_numpy(dtype=object, copy=True)
    values[blank] = None
    if not pd.api.types.is_string_dtype(series):  # only a hand-made table holds non-text
        for i in np.flatnonzero(~blank):
            if not isinstance(values[i], str):
                values[i] = _as_text(values[i])
    return values, None


def _declare_firms(workbook: Any, scenario: Scenario) -> StreamedSheet:
    ws = workbook.create_sheet("firms")
    columns = firms_columns(scenario)
    ws.freeze_panes = "A2"  # before the first row: a write-only sheet writes its view first
    notes = []
    for column in columns:
        zh, meaning = column_label(column.header)
        notes.append(f"{zh}：{meaning}" if zh else meaning)
    return declare(ws, columns, _header(ws, [c.header for c in columns], notes))


def _policy_cell(ws: Any, value: Any, number_format: str | None = None) -> Any:
    """A styled number cell, or a text cell when ``value`` would read as a formula."""
    if number_format is None and not _is_formula_like(value):
        return value
    if number_format is None:
        return text_cell(ws, value)
    cell = Cell(ws, row=1, column=1, value=value)
    cell.number_format = number_format
    return cell


def _write_policy(workbook: Any, scenario: Scenario) -> None:
    ws = workbook.create_sheet("policy")
    for letter, width in (("A", 26), ("B", 16), ("C", 60)):
        ws.column_dimensions[letter].width = width
    heads = ("key", "value", "note")
    ws.append(_header(ws, list(heads), [text(f"sheet.header.{h}", "zh") for h in heads]))
    for key, value in scenario.policy.to_items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(value, int | float):
            money = key.startswith(("budget.", "cap."))
            shown = _policy_cell(ws, float(value), MONEY_FORMAT if money else None)
        else:
            shown = _policy_cell(ws, str(value))
        ws.append([_policy_cell(ws, key), shown, policy_note(key)])
