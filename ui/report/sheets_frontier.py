"""The Frontier / 前沿 sheet: a sweep of one rule's parameter, as a table and a line chart.

One row per point of :class:`~optimizer.analysis.frontier.Frontier`: the
parameter, the status, impact (absolute and relative to the best point) and
the fairness figures. The chart draws relative impact, the startup share and
the lowest size-class coverage against the parameter: the efficiency–fairness
trade-off on one percentage axis.
"""

from __future__ import annotations

from typing import Any

from optimizer.catalog import text
from optimizer.money import Lang
from ui.report.charts import Block, line_chart
from ui.report.figures import Figures
from ui.report.labels import class_label, in_wan, program_header, rule_label
from ui.report.styles import (
    COUNT,
    INDEX,
    PERCENT,
    WAN_AMOUNT,
    WAN_YUAN,
    Grid,
    Out,
    num,
    txt,
    wan,
)


def _parameter_name(rule: str, lang: Lang) -> str:
    if rule.startswith("budget."):
        program = rule.removeprefix("budget.")
        return in_wan(program_header(program, "budget", lang), lang)
    return rule_label(rule, lang)


def write_frontier(ws: Any, figures: Figures) -> None:
    """Fill the frontier sheet from ``figures.frontier``."""
    frontier = figures.frontier
    assert frontier is not None
    lang = figures.lang
    grid = Grid()
    grid.add(txt(text("report.titled", lang, title=text("report.sheet.frontier", lang),
                      name=frontier.scenario_name), "title",
                 spill=True))
    grid.blank()
    parameter = _parameter_name(frontier.rule, lang)
    swept = text("report.sweep_parameter", lang, name=parameter, key=frontier.rule)
    grid.add(txt(text("report.frontier_rule", lang), "bold"), txt(swept, spill=True))
    grid.blank()
    classes = list(dict.fromkeys(
        c for p in frontier.points if p.metrics for c in p.metrics.coverage_by_class))
    headers = [parameter,
               *(text(f"report.{k}", lang) for k in
                 ("status", "impact", "impact_rel", "startup_share", "min_class_coverage")),
               in_wan(text("report.spend_total", lang), lang),
               *(text(f"report.{k}", lang) for k in ("firms_funded", "gini", "jain"))]
    headers += [text("report.coverage_class", lang, name=class_label(c, lang)) for c in classes]
    header_row = grid.add(*(txt(h, "header") for h in headers))
    best = max((p.objective for p in frontier.points if p.objective is not None), default=0.0)
    budget = frontier.rule.startswith("budget.")
    first = grid.next_row
    for point in frontier.points:
        m = point.metrics
        value = num(point.value / WAN_YUAN, WAN_AMOUNT) if budget else num(point.value, PERCENT)
        cells: list[Out] = [value, txt(text(f"status.{point.status}", lang))]
        if m is None:
            grid.add(*cells)
            continue
        cells += [
            num(m.impact, COUNT),
            num(m.impact / best if best > 0 else None, PERCENT),
            num(m.startup_share, PERCENT),
            num(m.min_class_coverage, PERCENT),
            wan(m.spend_total),
            num(m.firms_funded, COUNT),
            num(m.gini, INDEX),
            num(m.jain, INDEX),
        ]
        cells += [num(m.coverage_by_class.get(c), PERCENT) for c in classes]
        grid.add(*cells)
    last = grid.next_row - 1
    grid.write(ws)
    if last >= first:
        chart = line_chart(Block(ws.title, header_row, first, last, 1, (4, 5, 6)),
                           text("report.chart.frontier", lang), parameter,
                           text("report.share_axis", lang), "0%")
        ws.add_chart(chart, f"A{last + 3}")
