"""Side-by-side sheets: Baselines / 基线对比 and Comparison / 方案对比.

Both are one row per figure and one column per allocation (a method or a
scenario), with a column chart of size-class coverage. The comparison adds a
Δ column after every scenario but the first, against the first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from optimizer.analysis.metrics import Metrics
from optimizer.catalog import text
from optimizer.money import Lang
from ui.report.charts import Block, bar_chart
from ui.report.figures import Figures
from ui.report.labels import baseline_label, class_label, in_wan, program_header
from ui.report.sheets_groups import group_order
from ui.report.styles import (
    COUNT,
    COUNT_DELTA,
    INDEX,
    INDEX_DELTA,
    PERCENT,
    PERCENT_DELTA,
    WAN_AMOUNT,
    WAN_DELTA,
    WAN_YUAN,
    Grid,
    Out,
    num,
    txt,
)

#: Kind of figure → (number format, format of its Δ).
FORMATS: dict[str, tuple[str, str]] = {
    "wan": (WAN_AMOUNT, WAN_DELTA),
    "count": (COUNT, COUNT_DELTA),
    "percent": (PERCENT, PERCENT_DELTA),
    "index": (INDEX, INDEX_DELTA),
}


@dataclass(frozen=True)
class Figure:
    """One row of a side-by-side table: a label, how to read it and its kind."""

    label: str
    read: Callable[[Metrics], float | None]
    kind: str
    coverage_class: bool = False


def _spend_of(program: str) -> Callable[[Metrics], float | None]:
    return lambda m: m.spend.get(program, 0.0) / WAN_YUAN


def _entry(field: str, key: str) -> Callable[[Metrics], float | None]:
    """Reads ``metrics.<field>[key]`` (None when the group is absent)."""
    def read(m: Metrics) -> float | None:
        table: dict[str, float] = getattr(m, field)
        return table.get(key)
    return read


def figure_rows(metrics: Sequence[Metrics], programs: Sequence[str], lang: Lang,
                district_order: Sequence[str] = ()) -> list[Figure]:
    """The figures compared, for the groups that occur in any of ``metrics``.

    Districts follow ``district_order`` (the By district sheet's), then any others by name.
    """
    classes = list(dict.fromkeys(k for m in metrics for k in m.coverage_by_class))
    present = {k for m in metrics for k in m.coverage_by_district}
    districts = [d for d in district_order if d in present]
    districts += sorted(present - set(districts))
    rows = [
        Figure(text("report.impact", lang), lambda m: m.impact, "count"),
        Figure(in_wan(text("report.spend_total", lang), lang),
               lambda m: m.spend_total / WAN_YUAN, "wan"),
    ]
    for p in programs:
        label = in_wan(program_header(p, "spend", lang), lang)
        rows.append(Figure(label, _spend_of(p), "wan"))
    rows += [
        Figure(text("report.firms_funded", lang), lambda m: m.firms_funded, "count"),
        Figure(text("report.startup_share", lang), lambda m: m.startup_share, "percent"),
    ]
    rows += [Figure(text("report.coverage_class", lang, name=class_label(c, lang)),
                    _entry("coverage_by_class", c), "percent", coverage_class=True)
             for c in classes]
    rows += [
        Figure(text("report.min_class_coverage", lang), lambda m: m.min_class_coverage, "percent"),
        Figure(text("report.gini", lang), lambda m: m.gini, "index"),
        Figure(text("report.jain", lang), lambda m: m.jain, "index"),
    ]
    money = text("report.share_of_money", lang)
    rows += [Figure(text("report.labelled", lang, label=money, value=class_label(c, lang)),
                    _entry("share_by_class", c), "percent")
             for c in classes]
    rows += [Figure(text("report.coverage_district", lang, name=d),
                    _entry("coverage_by_district", d), "percent")
             for d in districts]
    return rows


def _value(metrics: Metrics | None, figure: Figure) -> float | None:
    return None if metrics is None else figure.read(metrics)


def _side_by_side(grid: Grid, names: Sequence[str], columns: Sequence[Metrics | None],
                  programs: Sequence[str], lang: Lang, deltas: bool,
                  first_rows: Sequence[Sequence[Out]] = (),
                  district_order: Sequence[str] = ()) -> Block:
    """Write the table (``first_rows`` right under its header); return the chart block."""
    measured = [m for m in columns if m is not None]
    header: list[Out] = [txt(text("report.figure", lang), "header")]
    value_cols = []
    for k, name in enumerate(names):
        value_cols.append(len(header) + 1)
        header.append(txt(name, "header"))
        if deltas and k > 0:
            header.append(txt(text("report.delta_of", lang, name=name), "header"))
    header_row = grid.add(*header)
    grid.extend(first_rows)
    first_cov = last_cov = 0
    for figure in figure_rows(measured, programs, lang, district_order):
        fmt, delta_fmt = FORMATS[figure.kind]
        base = _value(columns[0], figure)
        cells: list[Out] = [txt(figure.label)]
        for k, metrics in enumerate(columns):
            value = _value(metrics, figure)
            cells.append(num(value, fmt))
            if deltas and k > 0:
                gap = None if value is None or base is None else value - base
                cells.append(num(gap, delta_fmt))
        row = grid.add(*cells)
        if figure.coverage_class:
            first_cov = first_cov or row
            last_cov = row
    return Block("", header_row, first_cov, last_cov, 1, tuple(value_cols))


def _chart(ws: Any, block: Block, title: str, lang: Lang, anchor_row: int) -> None:
    if not block.first_row:
        return
    placed = Block(ws.title, block.header_row, block.first_row, block.last_row,
                   block.category_col, block.series_cols)
    chart = bar_chart(placed, title, text("report.coverage", lang), "0%")
    ws.add_chart(chart, f"A{anchor_row}")


def write_baselines(ws: Any, figures: Figures) -> None:
    """Fill the baselines sheet: the optimized allocation beside the offices' rules."""
    lang = figures.lang
    result = figures.result
    grid = Grid()
    grid.add(txt(text("report.titled", lang, title=text("report.sheet.baselines", lang),
                      name=result.scenario.name), "title",
                 spill=True))
    grid.blank()
    names = [baseline_label(n, lang) for n, _ in figures.baselines]
    columns: list[Metrics | None] = [m for _, m in figures.baselines]
    block = _side_by_side(grid, names, columns, result.programs, lang, deltas=False,
                          district_order=group_order(result, "district"))
    best = columns[0].impact if columns and columns[0] is not None else 0.0
    grid.add(txt(text("report.impact_vs_optimized", lang)),
             *(num(m.impact / best if best > 0 and m is not None else None, PERCENT)
               for m in columns))
    end = grid.next_row
    grid.write(ws)
    _chart(ws, block, text("report.chart.baselines", lang), lang, end + 2)


def write_comparison(ws: Any, figures: Figures) -> None:
    """Fill the comparison sheet: the result and ``compared`` side by side, with Δs."""
    lang = figures.lang
    grid = Grid()
    grid.add(txt(text("report.sheet.comparison", lang), "title"),
             txt(text("report.vs_first", lang), "note", spill=True))
    grid.blank()
    entries = [(figures.result, figures.metrics), *figures.compared]
    names = [r.scenario.name for r, _ in entries]
    status = [txt(text("report.status", lang), "bold")]
    for k, (other, _) in enumerate(entries):
        status.append(txt(text(f"status.{other.status}", lang), "bold"))
        if k > 0:
            status.append(Out(None))
    columns = [m for _, m in entries]
    programs = list(dict.fromkeys(p for r, _ in entries for p in r.programs))
    block = _side_by_side(grid, names, columns, programs, lang, deltas=True, first_rows=[status],
                          district_order=group_order(figures.result, "district"))
    end = grid.next_row
    grid.write(ws)
    _chart(ws, block, text("report.chart.comparison", lang), lang, end + 2)
