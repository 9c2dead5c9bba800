"""The officer's Excel report: one workbook that carries a decision up the chain.

:func:`build_report` turns a :class:`~optimizer.result.Result` into the bytes
of an .xlsx workbook. It is pure (no files, no Streamlit): the command line
writes the bytes to ``--out`` and the app offers them for download.

Sheets, in order (titles in the report's language)::

    摘要 Summary            key figures, the policy in words, status, diagnosis, audit
    分配明细 Allocations    one row per firm, 万元, frozen header, filter, data bars, reasons
    调整与承诺 Overrides     only with overrides: every pinned, bounded or excluded firm, its note
    按企业规模 By size class  table and two column charts
    按区 By district        table and two column charts
    规则 Rules              each rule: binds?, shadow price, price of fairness; every row
    基线对比 Baselines      the optimized allocation beside the offices' rules
    方案对比 Comparison     only with ``compared``: scenarios side by side, Δs, a chart
    前沿 Frontier           only with ``frontier``: the sweep's table and a line chart
    兑付风险 Redemption risk  only with a redemption model: issued, spending, risk, histogram
    firms, policy           the scenario itself, unchanged: a report loads as its scenario

An infeasible result gives the summary (with the diagnosis) and the scenario
sheets, and no allocation tables. The whole workbook is write-only; the
rows of the allocations and firms sheets are streamed (see
:mod:`inputs.xlsx_stream`), so 100,000 firms take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook

from inputs.scenario_sheets import add_scenario_sheets
from inputs.xlsx_stream import StreamedSheet, save
from optimizer.analysis.frontier import Frontier
from optimizer.analysis.risk import pool_risks
from optimizer.catalog import text
from optimizer.money import Lang
from optimizer.result import Result
from ui.report.figures import Figures, gather
from ui.report.sheets_allocations import write_allocations
from ui.report.sheets_compare import write_baselines, write_comparison
from ui.report.sheets_frontier import write_frontier
from ui.report.sheets_groups import write_groups
from ui.report.sheets_overrides import has_overrides, write_overrides
from ui.report.sheets_redemption import write_redemption
from ui.report.sheets_rules import write_rules
from ui.report.sheets_summary import write_summary

__all__ = ["SHEET_KEYS", "build_report", "sheet_title"]

#: Sheet keys in workbook order (``firms`` and ``policy`` follow under those names).
SHEET_KEYS: tuple[str, ...] = (
    "summary", "allocations", "overrides", "by_class", "by_district", "rules", "baselines",
    "comparison", "frontier",
)


def sheet_title(key: str, lang: Lang) -> str:
    """The title of a report sheet in one language (``sheet_title("rules", "zh") == "规则"``)."""
    return text(f"report.sheet.{key}", lang)


def build_report(
    result: Result,
    *,
    lang: Lang = "zh",
    source_sha256: str | None = None,
    compared: Sequence[Result] = (),
    frontier: Frontier | None = None,
    run_at: datetime | None = None,
) -> bytes:
    """Build the officer's report workbook for ``result``.

    Parameters
    ----------
    result
        The solved scenario (optimal or not).
    lang
        ``"zh"`` (default) or ``"en"``: sheet titles, headers, reasons and rule
        sentences. The ``firms`` and ``policy`` sheets keep their names.
    source_sha256
        SHA-256 (hex) of the input file, for the audit block.
    compared
        Results of further scenarios (what-ifs) shown beside ``result`` on the
        Comparison sheet, with differences against ``result``.
    frontier
        A :class:`optimizer.analysis.frontier.Frontier` from ``sweep``, shown
        on the Frontier sheet.
    run_at
        The time printed in the audit block (default: now). It is the only
        cell that differs between two reports of the same input.

    Returns
    -------
    bytes
        The .xlsx workbook.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    when = run_at if run_at is not None else datetime.now(UTC).astimezone()
    figures = gather(result, lang=lang, source_sha256=source_sha256, compared=compared,
                     frontier=frontier, run_at=when)
    workbook = Workbook(write_only=True)
    streamed = _add_sheets(workbook, figures)
    streamed += add_scenario_sheets(workbook, result.scenario)
    workbook.properties.creator = "voucher-opt"
    workbook.properties.title = text("report.titled", lang, title=text("report.title", lang),
                                     name=result.scenario.name)
    created = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    workbook.properties.created = created
    workbook.properties.modified = created
    return save(workbook, streamed)


def _add_sheets(workbook: Any, figures: Figures) -> list[StreamedSheet]:
    lang = figures.lang

    def sheet(key: str) -> Any:
        return workbook.create_sheet(sheet_title(key, lang))

    write_summary(sheet("summary"), figures)
    streamed = []
    if figures.optimal:
        streamed.append(write_allocations(sheet("allocations"), figures))
        if has_overrides(figures):
            write_overrides(sheet("overrides"), figures)
        write_groups(sheet("by_class"), figures, "size_class")
        write_groups(sheet("by_district"), figures, "district")
        write_rules(sheet("rules"), figures)
        write_baselines(sheet("baselines"), figures)
    if figures.compared:
        write_comparison(sheet("comparison"), figures)
    if figures.frontier is not None:
        write_frontier(sheet("frontier"), figures)
    if figures.optimal and figures.result.scenario.policy.redemption_model().active:
        write_redemption(workbook.create_sheet(text("redemption.sheet", lang)),
                         pool_risks(figures.result), lang, figures.result.scenario.name)
    return streamed
