"""The By size class / 按企业规模 and By district / 按区 sheets, each with two bar charts.

One row per group: firms, eligible and funded firms, money asked for, the
limit, the award from each pool and in total, coverage and share of the money,
then a total row. Below the table, side by side: awarded beside the limit
(万元), and coverage, as native column charts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from openpyxl.utils import get_column_letter

from optimizer.catalog import text
from optimizer.money import Lang
from optimizer.result import Result
from optimizer.scenario import SizeClass, request_column
from ui.report.charts import WIDTH_CM, Block, bar_chart, column_after
from ui.report.figures import Figures
from ui.report.labels import class_label, program_header
from ui.report.styles import COUNT, PERCENT, Grid, Out, num, txt, wan


def group_order(result: Result, column: str) -> list[str]:
    """Groups of a firms column in report order.

    Size classes go startup → large; districts by number of firms, most
    first, then by name (so equal inputs give equal tables).
    """
    keys = result.scenario.firms[column].astype(str)
    if column == "size_class":
        present = set(keys.unique().tolist())
        return [c.value for c in SizeClass if c.value in present]
    counts = keys.value_counts()
    return sorted(counts.index, key=lambda k: (-int(counts[k]), k))


def _table(grid: Grid, result: Result, column: str, lang: Lang) -> tuple[int, int, int, int]:
    """Write the group table; return (header row, first row, last row, first award column)."""
    firms = result.scenario.firms
    keys = firms[column].astype(str).to_numpy()
    upper = result.limits.upper.sum(axis=1)
    totals = result.totals
    requests = firms[[request_column(p) for p in result.programs]].to_numpy(dtype=float)
    paid = math.fsum(totals)
    headers = [text(f"report.group.{column}", lang),
               *(text(f"report.{k}", lang) for k in
                 ("firms", "eligible_firms", "firms_funded", "requested", "upper"))]
    headers += [program_header(p, "amount", lang) for p in result.programs]
    headers += [text(f"report.{k}", lang) for k in ("allocated", "coverage", "share_of_money")]
    header_row = grid.add(*(txt(h, "header") for h in headers))
    award_col = 7 + len(result.programs)  # the "awarded" total column (1-based)

    def row(label: str, mask: np.ndarray, style: str) -> None:
        got, limit = math.fsum(totals[mask]), math.fsum(upper[mask])
        cells: list[Out] = [
            txt(label, style),
            num(int(mask.sum()), COUNT, style),
            num(int((upper[mask] > 0).sum()), COUNT, style),
            num(int((totals[mask] > 0.5).sum()), COUNT, style),
            wan(math.fsum(requests[mask].ravel()), style),
            wan(limit, style),
        ]
        cells += [wan(math.fsum(result.amounts[mask, j]), style)
                  for j in range(len(result.programs))]
        cells += [
            wan(got, style),
            num(got / limit if limit > 0 else None, PERCENT, style),
            num(got / paid if paid > 0 else None, PERCENT, style),
        ]
        grid.add(*cells)

    first = grid.next_row
    for key in group_order(result, column):
        label = class_label(key, lang) if column == "size_class" else key
        row(label, keys == key, "body")
    last = grid.next_row - 1
    row(text("report.total_row", lang), np.ones(len(keys), dtype=bool), "bold")
    return header_row, first, last, award_col


def write_groups(ws: Any, figures: Figures, column: str) -> None:
    """Fill a group sheet (``column`` is ``"size_class"`` or ``"district"``)."""
    lang = figures.lang
    result = figures.result
    grid = Grid()
    title = text("report.sheet.by_class" if column == "size_class" else "report.sheet.by_district",
                 lang)
    grid.add(txt(text("report.titled", lang, title=title, name=result.scenario.name), "title",
                 spill=True))
    grid.blank()
    header, first, last, award = _table(grid, result, column, lang)
    grid.write(ws)
    beside = get_column_letter(column_after(grid.widths(), WIDTH_CM + 0.5))

    money = bar_chart(Block(ws.title, header, first, last, 1, (6, award)),
                      text("report.chart.money", lang), text("report.unit.wan", lang), "#,##0")
    coverage = bar_chart(Block(ws.title, header, first, last, 1, (award + 1,)),
                         text("report.chart.coverage", lang), text("report.coverage", lang), "0%",
                         labels=True)
    anchor = last + 4
    ws.add_chart(money, f"A{anchor}")
    ws.add_chart(coverage, f"{beside}{anchor}")
