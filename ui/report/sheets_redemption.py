"""The Redemption risk / 兑付风险 sheet: issued yuan, expected spending and the overspend risk.

Only for a result whose policy has a redemption model. One row per pool with
the figures of ``solve --json``'s ``redemption`` (an independent Monte Carlo
with fresh draws), then per pool a histogram of simulated spending: a table of
bars (lower edge in 万元, draws within the pool, draws above it) and a native
stacked column chart of it, so the part of the distribution beyond the pool
stands out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from optimizer.catalog import text
from optimizer.money import Lang, share, yuan
from optimizer.redemption import PoolRisk
from ui.report.charts import Block, bar_chart
from ui.report.labels import in_wan
from ui.report.styles import COUNT, PERCENT_FINE, WAN_AMOUNT, WAN_YUAN, Grid, Out, num, txt, wan


def _program(program: str, lang: Lang) -> str:
    key = f"program.{program}"
    try:
        return text(key, lang)
    except KeyError:
        return program


def write_redemption(ws: Any, risks: Mapping[str, PoolRisk], lang: Lang,
                     scenario_name: str) -> None:
    """Fill the sheet from the pools' simulated spending."""
    grid = Grid()
    title = text("redemption.sheet", lang)
    grid.add(txt(text("report.titled", lang, title=title, name=scenario_name), "title",
                 spill=True))
    grid.blank()
    headers = [text("redemption.program", lang), in_wan(text("term.pool", lang), lang),
               in_wan(text("redemption.term.issued", lang), lang),
               in_wan(text("redemption.expected_spend", lang), lang),
               text("redemption.p_overspend", lang),
               in_wan(text("redemption.spend_p95", lang), lang),
               in_wan(text("redemption.spend_p99", lang), lang),
               text("redemption.draws", lang)]
    grid.add(*(txt(h, "header") for h in headers))
    for program, risk in risks.items():
        grid.add(txt(_program(program, lang)), wan(risk.budget), wan(risk.issued),
                 wan(risk.expected_spend), num(risk.p_overspend, PERCENT_FINE),
                 wan(risk.spend_p95), wan(risk.spend_p99), num(risk.draws, COUNT))
    grid.blank()
    for program, risk in risks.items():
        grid.add(txt(text("redemption.summary", lang, program=_program(program, lang),
                          issued=yuan(risk.issued, lang), spend=yuan(risk.expected_spend, lang),
                          risk=share(risk.p_overspend)), spill=True))
    grid.blank()
    blocks = []
    for program, risk in risks.items():
        name = _program(program, lang)
        grid.add(txt(text("redemption.histogram_of", lang, program=name), "bold", spill=True))
        header = grid.add(txt(in_wan(text("redemption.bar_from", lang), lang), "header"),
                          txt(text("redemption.within", lang), "header"),
                          txt(text("redemption.beyond", lang), "header"))
        first = grid.next_row
        for low, high, count in zip(risk.edges, risk.edges[1:], risk.counts, strict=False):
            beyond = (low + high) / 2 > risk.budget
            cells: list[Out | None] = [num(low / WAN_YUAN, WAN_AMOUNT),
                                       num(0 if beyond else count, COUNT),
                                       num(count if beyond else 0, COUNT)]
            grid.add(*cells)
        blocks.append((name, Block(ws.title, header, first, grid.next_row - 1, 1, (2, 3))))
        grid.blank()
    grid.write(ws)
    for name, block in blocks:
        chart = bar_chart(block, text("redemption.histogram_of", lang, program=name),
                          text("redemption.bar_count", lang), "#,##0")
        chart.grouping = "stacked"  # a histogram: touching bars, above-pool draws apart
        chart.overlap = 100
        chart.gapWidth = 0
        ws.add_chart(chart, f"E{block.header_row}")
