"""The Allocations / 分配明细 sheet: one row per firm, streamed (see :mod:`inputs.xlsx_stream`).

Columns: who the firm is, what it asked for (万元), what each pool gives it
(万元), its total, its limit, its coverage (with a data bar) and the reason,
as a short label and a sentence. The header is frozen and filterable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.formatting.rule import DataBarRule
from openpyxl.utils import get_column_letter

from inputs.xlsx_stream import Column, StreamedSheet, declare
from optimizer.catalog import text
from optimizer.money import Lang
from optimizer.scenario import request_column
from ui.report.figures import Figures
from ui.report.labels import class_label, program_header, reason_code_label
from ui.report.styles import (
    MAX_WIDTH,
    MIN_WIDTH,
    PERCENT,
    SCORE,
    WAN_AMOUNT,
    WAN_YUAN,
    Out,
    make_cell,
    shown,
    text_width,
)

#: Width of the explanation column: long sentences run on past its edge.
SENTENCE_WIDTH = 90.0
DATA_BAR_COLOR = "5B9BD5"
#: The coverage column is wide enough for its data bar to be read.
COVERAGE_WIDTH = 14.0


def _text_width(header: str, values: np.ndarray) -> float:
    """Width of a text column: its header and longest value (wide characters count 2)."""
    distinct = pd.Series(pd.unique(values), dtype=object).dropna()
    widest = _widest([str(v) for v in distinct.tolist()])
    return min(max(text_width(header), widest) + 2, MAX_WIDTH)


def _widest(texts: list[str]) -> float:
    """The largest (characters + UTF-8 bytes) / 2 of ``texts``: a CJK character counts 2.

    Characters past :data:`MAX_WIDTH` are not counted (a text that long is wider
    than any column may be anyway).
    """
    cap = int(MAX_WIDTH) + 1
    widest = 0
    for start in range(0, len(texts), 10_000):
        codes = np.array(texts[start:start + 10_000], dtype=f"<U{cap}").view(np.uint32)
        # 1 + its UTF-8 length per character: 2 for ASCII … 5 beyond the BMP (0: no character)
        units = (2 * (codes > 0) + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000))
        widest = max(widest, int(units.reshape(-1, cap).sum(axis=1).max()))
    return widest / 2


def _number_width(header: str, values: np.ndarray, number_format: str) -> float:
    finite = values[np.isfinite(values)]
    widest = 0.0
    if len(finite):
        widest = max(len(shown(float(finite.max()), number_format)),
                     len(shown(float(finite.min()), number_format)))
    return max(text_width(header), widest + 2, MIN_WIDTH)


def _text(header: str, values: pd.Series | np.ndarray, width: float | None = None,
          center: bool = False) -> Column:
    cells = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else (
        np.asarray(values, dtype=object))
    shown_width = _text_width(header, cells) if width is None else width
    return Column(header, cells, None, shown_width, center)


def _number(header: str, values: np.ndarray, number_format: str, width: float = 0.0) -> Column:
    values = np.asarray(values, dtype=float)
    fitted = _number_width(header, values, number_format)
    return Column(header, values, number_format, max(fitted, width))


def _labels(values: pd.Series, label: Callable[[str, Lang], str], lang: Lang) -> np.ndarray:
    """``label`` of each value, looked up once per distinct value."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    return np.array([label(str(key), lang) for key in distinct], dtype=object)[codes]


def allocation_columns(figures: Figures) -> list[Column]:
    """The columns of the allocations sheet (an optimal result's firms, in file order)."""
    lang = figures.lang
    result = figures.result
    reasons = figures.reasons
    assert reasons is not None
    firms = result.scenario.firms
    yes, no = text("report.yes", lang), text("report.no", lang)
    upper_total = result.limits.upper.sum(axis=1)
    totals = result.totals
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(upper_total > 0, totals / upper_total, np.nan)
    columns = [
        _text(text("report.firm_id", lang), firms["firm_id"]),
        _text(text("report.name", lang), firms["name"]),
        _text(text("report.size_class", lang), _labels(firms["size_class"], class_label, lang),
              center=True),
        _text(text("report.district", lang), firms["district"]),
        _number(text("report.score", lang), firms["score"].to_numpy(dtype=float), SCORE),
        _text(text("report.basic_research", lang),
              np.where(firms["basic_research"].to_numpy(dtype=bool), yes, no), center=True),
        _text(text("report.eligible", lang), np.where(result.limits.eligible, yes, no),
              center=True),
    ]
    for program in result.programs:
        request = firms[request_column(program)].to_numpy(dtype=float) / WAN_YUAN
        columns.append(_number(program_header(program, "request", lang), request, WAN_AMOUNT))
    for j, program in enumerate(result.programs):
        header = program_header(program, "amount", lang)
        columns.append(_number(header, result.amounts[:, j] / WAN_YUAN, WAN_AMOUNT))
    columns += [
        _number(text("report.total", lang), totals / WAN_YUAN, WAN_AMOUNT),
        _number(text("report.upper_total", lang), upper_total / WAN_YUAN, WAN_AMOUNT),
        _number(text("report.coverage", lang), coverage, PERCENT, COVERAGE_WIDTH),
        _text(text("report.reason", lang), _labels(reasons["reason"], reason_code_label, lang)),
        _text(text("report.reason_text", lang), reasons[f"text_{lang}"], SENTENCE_WIDTH),
    ]
    return columns


def write_allocations(ws: Any, figures: Figures) -> StreamedSheet:
    """Declare the allocations sheet; its rows are spliced in after saving."""
    columns = allocation_columns(figures)
    ws.freeze_panes = "C2"  # before the first row: a write-only sheet writes its view first
    sheet = declare(ws, columns, [make_cell(ws, Out(c.header, style="header")) for c in columns])
    last_row = sheet.n_rows + 1
    last_col = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last_col}{last_row}"
    coverage = text("report.coverage", figures.lang)
    coverage_col = get_column_letter(
        next(j for j, c in enumerate(columns) if c.header == coverage) + 1)
    if sheet.n_rows:
        ws.conditional_formatting.add(
            f"{coverage_col}2:{coverage_col}{last_row}",
            DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1,
                        color=DATA_BAR_COLOR, showValue=True),
        )
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:B"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"
    return sheet

