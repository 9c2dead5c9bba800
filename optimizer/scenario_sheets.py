"""Write a scenario as the ``firms`` and ``policy`` sheets of a workbook.

:func:`add_scenario_sheets` works on an in-memory :class:`openpyxl.Workbook`,
normal or write-only, and touches no file: :mod:`inputs` saves scenarios with
it and the report builder reuses it. The sheets follow the scenario contract,
so a saved workbook loads back as an equal scenario.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``) is written as a text cell, never as a formula.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from optimizer.scenario import (
    APPLIED_ON,
    FIRM_COLUMNS,
    SIZE_CLASS_ZH,
    Scenario,
    request_column,
)

#: Chinese names of the voucher programs; a request column's Chinese header is
#: the program's name followed by 申请额.
PROGRAM_ZH: dict[str, str] = {"model": "模型券", "training": "训力券", "corpus": "语料券"}

#: Canonical firms column → (Chinese header, meaning in Chinese and English).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "firm_id": ("企业编号", "申报企业的唯一编号 / unique applicant id"),
    "name": ("企业名称", "企业名称，可空 / firm name, optional"),
    "size_class": ("企业规模", "初创/小型/中型/大型 (startup/small/medium/large)"),
    "district": ("所在区", "所在行政区，如 南山区 / district, e.g. 南山区"),
    "score": ("评审得分", "专家评审得分 0–100 / expert review score, 0–100"),
    "basic_research": ("基础研究", "是否基础研究项目 是/否，可空=否 / basic research: yes/no"),
    APPLIED_ON: ("申请日期", "申请日期，可空，用于先到先得基线 / application date, optional"),
}

#: Characters that make a spreadsheet treat typed text as a formula.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@")
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
_AUTHOR = "voucher-opt"
_SIZE_ZH: dict[str, str] = {str(c): zh for c, zh in SIZE_CLASS_ZH.items()}
_WIDTHS: dict[str, float] = {"firm_id": 12, "name": 30, "district": 14, APPLIED_ON: 12}


def column_label(column: str) -> tuple[str | None, str]:
    """The Chinese header and a short zh/en meaning of a canonical firms column."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    program = column.removesuffix("_request")
    if program != column:
        zh = PROGRAM_ZH.get(program)
        label = f"{zh}申请额" if zh else None
        return label, f"{label or program} 申请金额（元，≥0） / yuan applied for under {program}"
    return None, column


def policy_note(key: str) -> str:
    """A short Chinese + English explanation of a policy key."""
    head, _, rest = key.partition(".")
    program, _, size_class = rest.partition(".")
    zh = PROGRAM_ZH.get(program, program)
    if head == "budget":
        return f"{zh}资金池（元） / yuan in the {program} pool"
    if head == "rate" and size_class:
        who = _SIZE_ZH.get(size_class, size_class)
        return f"{who}企业{zh}补贴比例 / {program} subsidy rate for {size_class} firms"
    if head == "rate":
        return f"{zh}补贴比例（占申请额） / {program} subsidy rate, share of the request"
    if key == "cap.total":
        return "每家企业各券合计上限（元） / per-firm cap over all programs, yuan"
    if head == "cap":
        return f"{zh}单个企业上限（元） / per-firm {program} cap, yuan"
    if head == "min_score":
        who = _SIZE_ZH.get(rest, rest)
        return f"{who}企业最低评审得分 / lowest score a {rest} firm needs"
    notes = {
        "startup_floor": "初创企业预留份额 / share of each pool set aside for startups",
        "large_cap": "大型企业份额上限 / largest share of each pool for large firms",
        "district_floor": "各区覆盖率下限 κ / every district gets ≥ κ of its eligible yuan",
        "basic_research_floor": "基础研究预留份额 / share set aside for basic research",
        "objective": "优化目标 impact / maxmin / leximin / what the allocation maximises",
        "returns.tiers": "边际收益递减分段 份额:权重 / diminishing returns, share:weight",
        "leximin.districts": "leximin 是否包括各区 / leximin over districts too (yes/no)",
    }
    return notes.get(key, key)


def add_scenario_sheets(workbook: Any, scenario: Scenario) -> None:
    """Append the ``firms`` and ``policy`` sheets of ``scenario`` to ``workbook``.

    Parameters
    ----------
    workbook
        An :class:`openpyxl.Workbook`, normal or ``write_only=True`` (use the
        latter for large tables: 100,000 firms take a few seconds).
    scenario
        The scenario to write. Firms columns are written in canonical order
        with English headers; each header cell carries a comment with its
        Chinese name and meaning. Money cells use the format ``#,##0``; blank
        (NaN) values become empty cells; ``basic_research`` is written yes/no.
    """
    _write_firms(workbook, scenario)
    _write_policy(workbook, scenario)


class _CellMaker:
    """Makes styled or text-forced cells; in write-only mode one cell per column is reused.

    A write-only worksheet serialises each row as it is appended, so a cell
    object can carry the next row's value afterwards; that avoids building a
    styled cell for every value (about a sixth of the time on 100,000 rows).
    """

    def __init__(self, ws: Any, write_only: bool) -> None:
        self.ws = ws
        self.write_only = write_only
        self._reused: dict[tuple[int, str], Any] = {}

    def make(self, position: int, value: Any, number_format: str | None = None) -> Any:
        kind = number_format or "text"
        cell = self._reused.get((position, kind)) if self.write_only else None
        if cell is None:
            cell = Cell(self.ws, row=1, column=1)
            if number_format:
                cell.number_format = number_format
            if self.write_only:
                self._reused[(position, kind)] = cell
        cell.value = value
        if number_format is None:
            cell.data_type = "s"  # text, even when it looks like a formula
        return cell


def _header(ws: Any, names: list[str], notes: list[str]) -> list[Any]:
    bold = Font(bold=True)
    cells = []
    for name, note in zip(names, notes, strict=True):
        cell = Cell(ws, row=1, column=1, value=name)
        cell.font = bold
        if note:
            cell.comment = Comment(note, _AUTHOR, width=260, height=70)
        cells.append(cell)
    return cells


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _column_values(series: pd.Series) -> tuple[list[Any], str | None]:
    """Python values for one firms column (None for blanks) and its number format."""
    name = str(series.name)
    if name == "basic_research":
        flags = series.astype("boolean").fillna(False).to_numpy(dtype=bool)
        return np.where(flags, "yes", "no").tolist(), None
    if name == APPLIED_ON or pd.api.types.is_datetime64_any_dtype(series):
        dates = pd.to_datetime(series, errors="coerce")
        stamps: list[Any] = [None if pd.isna(d) else d.to_pydatetime() for d in dates]
        return stamps, DATE_FORMAT
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numbers = series.to_numpy(dtype=float, copy=True)
        numbers[~np.isfinite(numbers)] = np.nan
        values: list[Any] = [None if math.isnan(v) else v for v in numbers.tolist()]
        return values, MONEY_FORMAT if name.endswith("_request") else None
    objects = series.astype(object)
    blank = objects.isna() | objects.eq("")
    return objects.where(~blank, None).tolist(), None


def _write_firms(workbook: Any, scenario: Scenario) -> None:
    ws = workbook.create_sheet("firms")
    write_only = bool(getattr(workbook, "write_only", False))
    firms = scenario.firms
    order = [*FIRM_COLUMNS, APPLIED_ON, *(request_column(p) for p in scenario.programs)]
    columns = [c for c in order if c in firms.columns]
    for position, column in enumerate(columns):
        ws.column_dimensions[get_column_letter(position + 1)].width = _WIDTHS.get(column, 16)
    ws.freeze_panes = "A2"
    notes = []
    for column in columns:
        zh, meaning = column_label(column)
        notes.append(f"{zh}：{meaning}" if zh else meaning)
    ws.append(_header(ws, columns, notes))

    values: list[list[Any]] = []
    formats: list[str | None] = []
    for column in columns:
        column_values, number_format = _column_values(firms[column])
        values.append(column_values)
        formats.append(number_format)
    styled = [j for j, f in enumerate(formats) if f]
    guarded = [j for j, v in enumerate(values) if any(_is_formula_like(x) for x in v)]
    maker = _CellMaker(ws, write_only)
    for row in zip(*values, strict=True):
        cells = list(row)
        for j in styled:
            if cells[j] is not None:
                cells[j] = maker.make(j, cells[j], formats[j])
        for j in guarded:
            if _is_formula_like(cells[j]):
                cells[j] = maker.make(j, cells[j])
        ws.append(cells)


def _write_policy(workbook: Any, scenario: Scenario) -> None:
    ws = workbook.create_sheet("policy")
    write_only = bool(getattr(workbook, "write_only", False))
    for letter, width in (("A", 26), ("B", 16), ("C", 60)):
        ws.column_dimensions[letter].width = width
    ws.append(_header(ws, ["key", "value", "note"], ["键", "值", "说明"]))
    maker = _CellMaker(ws, write_only)
    for key, value in scenario.policy.to_items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(value, int | float):
            money = key.startswith(("budget.", "cap."))
            shown = maker.make(1, float(value), MONEY_FORMAT) if money else float(value)
        else:
            text = str(value)
            shown = maker.make(1, text) if _is_formula_like(text) else text
        ws.append([maker.make(0, key) if _is_formula_like(key) else key, shown, policy_note(key)])
