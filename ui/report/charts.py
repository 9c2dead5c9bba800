"""Native Excel charts (openpyxl chart objects, not pictures) over cells of the report.

Every chart reads its numbers from cells of its own sheet, so a reader who
edits a figure sees the chart follow. Series titles point at header cells
rather than carrying text of their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel, StrRef
from openpyxl.utils import get_column_letter, quote_sheetname

#: Chart size in centimetres: wide enough for ten district names.
WIDTH_CM = 22.0
HEIGHT_CM = 9.5


@dataclass(frozen=True)
class Block:
    """Where a chart's data sits: categories in one column, one series per column.

    Parameters
    ----------
    sheet
        The sheet's title.
    header_row
        The row holding the series titles.
    first_row, last_row
        The data rows (inclusive).
    category_col
        The column holding the category labels (1-based).
    series_cols
        The columns holding one series each (1-based).
    """

    sheet: str
    header_row: int
    first_row: int
    last_row: int
    category_col: int
    series_cols: Sequence[int]


def column_after(widths: Sequence[float], cm: float) -> int:
    """The first column (1-based) whose left edge is at least ``cm`` from column A's.

    A column ``w`` characters wide takes about ``7 w + 5`` pixels at 96 dpi.
    """
    left = 0.0
    for j, width in enumerate(widths):
        if left >= cm:
            return j + 1
        left += (7 * width + 5) / 96 * 2.54
    return len(widths) + 1 + max(0, math.ceil((cm - left) / ((7 * 8.43 + 5) / 96 * 2.54)))


def _series(ws_title: str, block: Block, col: int) -> Series:
    values = Reference(range_string=_range(ws_title, col, block.first_row, block.last_row))
    title_ref = f"{quote_sheetname(ws_title)}!${get_column_letter(col)}${block.header_row}"
    series = Series(values)
    series.tx = SeriesLabel(strRef=StrRef(title_ref))
    return series


def _range(title: str, col: int, first: int, last: int) -> str:
    letter = get_column_letter(col)
    return f"{quote_sheetname(title)}!${letter}${first}:${letter}${last}"


def _finish(chart: BarChart | LineChart, title: str, y_title: str, number_format: str) -> None:
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.numFmt = number_format
    # openpyxl ≥ 3.1 hides axes unless told not to
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width = WIDTH_CM
    chart.height = HEIGHT_CM
    chart.legend.position = "b"


def bar_chart(block: Block, title: str, y_title: str, number_format: str,
              labels: bool = False) -> BarChart:
    """A clustered column chart: one bar per category and series."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    for col in block.series_cols:
        chart.series.append(_series(block.sheet, block, col))
    categories = Reference(
        range_string=_range(block.sheet, block.category_col, block.first_row, block.last_row))
    chart.set_categories(categories)
    _finish(chart, title, y_title, number_format)
    if len(block.series_cols) == 1:
        chart.legend = None
    if labels:
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                         showLegendKey=False, showPercent=False)
        chart.dataLabels.numFmt = number_format
    return chart


def line_chart(block: Block, title: str, x_title: str, y_title: str,
               number_format: str) -> LineChart:
    """A line chart with markers: one line per series over the categories."""
    chart = LineChart()
    for col in block.series_cols:
        series = _series(block.sheet, block, col)
        series.marker.symbol = "circle"
        series.smooth = False
        chart.series.append(series)
    categories = Reference(
        range_string=_range(block.sheet, block.category_col, block.first_row, block.last_row))
    chart.set_categories(categories)
    _finish(chart, title, y_title, number_format)
    chart.x_axis.title = x_title
    if number_format.endswith("%"):
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
    return chart
