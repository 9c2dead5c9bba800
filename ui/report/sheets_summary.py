"""The Summary / 摘要 sheet: key figures, the policy in words, status, diagnosis, audit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from optimizer.catalog import text
from optimizer.money import Lang
from optimizer.rules import rules_for
from ui.report.figures import SOLVER, Figures, versions
from ui.report.labels import (
    class_label,
    limit_lines,
    objective_label,
    program_header,
)
from ui.report.styles import (
    COUNT,
    INDEX,
    PERCENT,
    PERCENT_FINE,
    Grid,
    Out,
    num,
    txt,
    wan,
)

#: Minimum widths of the label, value and unit columns.
MIN_WIDTHS = (30.0, 18.0, 12.0)


def _figure(grid: Grid, label: str, value: Out, unit: str = "") -> None:
    grid.add(txt(label), value, txt(unit) if unit else None)


def _key_figures(grid: Grid, figures: Figures, lang: Lang) -> None:
    metrics = figures.metrics
    assert metrics is not None
    result = figures.result
    policy = result.scenario.policy
    wan_unit = text("report.unit.wan", lang)
    grid.add(txt(text("report.key_figures", lang), "section"))
    grid.add(*(txt(text(f"report.{k}", lang), "header") for k in ("figure", "value", "unit")))
    for program in policy.programs:
        budget, spent = policy.budget(program), metrics.spend[program]
        _figure(grid, program_header(program, "budget", lang), wan(budget), wan_unit)
        _figure(grid, program_header(program, "spend", lang), wan(spent), wan_unit)
        used = spent / budget if budget > 0 else None
        _figure(grid, program_header(program, "used", lang), num(used, PERCENT))
    _figure(grid, text("report.spend_total", lang), wan(metrics.spend_total), wan_unit)
    firms = text("report.unit.firms", lang)
    _figure(grid, text("report.applicants", lang), num(len(result.scenario.firms), COUNT), firms)
    eligible = int((result.limits.upper.sum(axis=1) > 0).sum())
    _figure(grid, text("report.eligible_firms", lang), num(eligible, COUNT), firms)
    _figure(grid, text("report.firms_funded", lang), num(metrics.firms_funded, COUNT), firms)
    _figure(grid, text("report.startup_share", lang), num(metrics.startup_share, PERCENT))
    for size_class, coverage in metrics.coverage_by_class.items():
        shown = text("report.class_coverage", lang, size_class=class_label(size_class, lang))
        shown = shown[:1].upper() + shown[1:]
        _figure(grid, shown, num(coverage, PERCENT))
    index, points = text("report.unit.index", lang), text("report.unit.points", lang)
    _figure(grid, text("report.min_class_coverage", lang),
            num(metrics.min_class_coverage, PERCENT))
    _figure(grid, text("report.gini", lang), num(metrics.gini, INDEX), index)
    _figure(grid, text("report.jain", lang), num(metrics.jain, INDEX), index)
    _figure(grid, text("report.impact", lang), num(metrics.impact, COUNT), points)
    overall = next((p for p in figures.fairness if p.rule == "all"), None)
    if overall is None:
        _figure(grid, text("report.pof_all", lang), txt(text("report.pof_none", lang)))
    else:
        _figure(grid, text("report.pof_all", lang),
                num(overall.impact_lost_pct / 100, PERCENT_FINE))
    if result.level is not None:
        _figure(grid, text("report.level", lang), num(result.level, PERCENT))


def _policy_words(grid: Grid, figures: Figures, lang: Lang) -> None:
    scenario = figures.result.scenario
    grid.add(txt(text("report.policy_words", lang), "section"))
    lines = [rule.describe(lang) for rule in rules_for(scenario)]
    lines += limit_lines(scenario.policy, lang)
    for number, line in enumerate(lines, 1):
        grid.add(txt(text("report.numbered", lang, number=number, line=line), spill=True))


def _diagnosis(grid: Grid, figures: Figures, lang: Lang) -> None:
    grid.add(txt(text("report.diagnosis", lang), "section"))
    for number, finding in enumerate(figures.result.diagnosis, 1):
        grid.add(txt(text("report.numbered", lang, number=number, line=finding.text(lang)), "warn",
                     spill=True))
    grid.blank()
    grid.add(txt(text("report.no_allocation", lang), "note", spill=True))


def _audit(grid: Grid, figures: Figures, lang: Lang) -> int:
    """Write the audit block; return the row of the run time (the only varying cell)."""
    result = figures.result
    grid.add(txt(text("report.audit", lang), "section"))
    source = figures.source_sha256 or text("report.not_given", lang)
    grid.add(txt(text("report.source_sha256", lang)), txt(source, spill=True))
    grid.add(txt(text("report.scenario_digest", lang)), txt(result.scenario.digest, spill=True))
    grid.add(txt(text("report.solver", lang)), txt(SOLVER, spill=True))
    grid.add(txt(text("report.solver_status", lang)), txt(result.solver_status or "-"))
    run_at = grid.add(txt(text("report.run_at", lang)),
                      txt(figures.run_at.isoformat(sep=" ", timespec="seconds")))
    objective = num(result.objective, COUNT) if result.optimal else txt("-")
    grid.add(txt(text("report.objective_value", lang)), objective,
             txt(text("report.unit.points", lang)))
    if figures.stamp is not None:
        _stamp_block(grid, figures.stamp, lang)
    grid.add(txt(text("report.software", lang), "bold"))
    for software, version in versions():
        grid.add(txt(software), txt(version))
    return run_at


def _stamp_line(grid: Grid, stamp: Mapping[str, str], lang: Lang) -> None:
    """One sentence under the status: the decision, who submitted it and who decided it."""
    status = stamp["status"]
    grid.add(txt(text("stamp.decision", lang)),
             txt(text(f"stamp.line.{status}", lang, **stamp), "bold", spill=True))


def _stamp_block(grid: Grid, stamp: Mapping[str, str], lang: Lang) -> None:
    """The stamp's fields in the audit block."""
    for key in ("decision_id", "status", "scenario", "submitted_by", "submitted_at", "note",
                "decided_by", "decided_at", "comment", "scenario_digest", "result_digest",
                "audit_hash"):
        value = stamp.get("decision" if key == "decision_id" else key) or "-"
        if key == "status":
            value = text(f"decision.status.{value}", lang)
        grid.add(txt(text(f"stamp.{key}", lang)), txt(value, spill=True))


def write_summary(ws: Any, figures: Figures) -> int:
    """Fill the summary sheet; return the row of the run time in the audit block."""
    lang = figures.lang
    result = figures.result
    grid = Grid()
    grid.add(txt(text("report.titled", lang, title=text("report.title", lang),
                      name=result.scenario.name), "title", spill=True))
    grid.blank()
    grid.add(txt(text("report.scenario", lang)), txt(result.scenario.name))
    status = text(f"status.{result.status}", lang)
    grid.add(txt(text("report.status", lang)), txt(status, "bold" if result.optimal else "warn"))
    objective = objective_label(result.scenario.policy.objective, lang)
    grid.add(txt(text("report.objective_kind", lang)), txt(objective, spill=True))
    if figures.stamp is not None:
        _stamp_line(grid, figures.stamp, lang)
    grid.blank()
    if figures.metrics is not None:
        _key_figures(grid, figures, lang)
        grid.blank()
    else:
        _diagnosis(grid, figures, lang)
        grid.blank()
    _policy_words(grid, figures, lang)
    grid.blank()
    run_at = _audit(grid, figures, lang)
    grid.write(ws, MIN_WIDTHS)
    return run_at
