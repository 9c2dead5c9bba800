"""The Summary / 摘要 sheet: key figures, the policy in words, status, diagnosis, audit."""

from __future__ import annotations

from typing import Any

from optimizer.money import Lang
from optimizer.rules import rules_for
from ui.report.figures import SOLVER, Figures, versions
from ui.report.labels import (
    class_label,
    limit_lines,
    objective_label,
    program_header,
    text,
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
    wan_unit = text("unit.wan", lang)
    grid.add(txt(text("key_figures", lang), "section"))
    grid.add(*(txt(text(k, lang), "header") for k in ("figure", "value", "unit")))
    for program in policy.programs:
        budget, spent = policy.budget(program), metrics.spend[program]
        _figure(grid, program_header(program, "budget", lang), wan(budget), wan_unit)
        _figure(grid, program_header(program, "spend", lang), wan(spent), wan_unit)
        used = spent / budget if budget > 0 else None
        _figure(grid, program_header(program, "used", lang), num(used, PERCENT))
    _figure(grid, text("spend_total", lang), wan(metrics.spend_total), wan_unit)
    firms = text("unit.firms", lang)
    _figure(grid, text("applicants", lang), num(len(result.scenario.firms), COUNT), firms)
    eligible = int((result.limits.upper.sum(axis=1) > 0).sum())
    _figure(grid, text("eligible_firms", lang), num(eligible, COUNT), firms)
    _figure(grid, text("firms_funded", lang), num(metrics.firms_funded, COUNT), firms)
    _figure(grid, text("startup_share", lang), num(metrics.startup_share, PERCENT))
    for size_class, coverage in metrics.coverage_by_class.items():
        label = text("coverage_of", lang)
        name = class_label(size_class, lang)
        shown = f"{name}{label}" if lang == "zh" else f"{name.capitalize()} {label}"
        _figure(grid, shown, num(coverage, PERCENT))
    _figure(grid, text("min_class_coverage", lang), num(metrics.min_class_coverage, PERCENT))
    _figure(grid, text("gini", lang), num(metrics.gini, INDEX), text("unit.index", lang))
    _figure(grid, text("jain", lang), num(metrics.jain, INDEX), text("unit.index", lang))
    _figure(grid, text("impact", lang), num(metrics.impact, COUNT), text("unit.points", lang))
    overall = next((p for p in figures.fairness if p.rule == "all"), None)
    if overall is None:
        _figure(grid, text("pof_all", lang), txt(text("pof_none", lang)))
    else:
        _figure(grid, text("pof_all", lang), num(overall.impact_lost_pct / 100, PERCENT_FINE))
    if result.level is not None:
        _figure(grid, text("level", lang), num(result.level, PERCENT))


def _policy_words(grid: Grid, figures: Figures, lang: Lang) -> None:
    scenario = figures.result.scenario
    grid.add(txt(text("policy_words", lang), "section"))
    lines = [rule.describe(lang) for rule in rules_for(scenario)]
    lines += limit_lines(scenario.policy, lang)
    for number, line in enumerate(lines, 1):
        grid.add(txt(f"{number}. {line}", spill=True))


def _diagnosis(grid: Grid, figures: Figures, lang: Lang) -> None:
    grid.add(txt(text("diagnosis", lang), "section"))
    for number, finding in enumerate(figures.result.diagnosis, 1):
        grid.add(txt(f"{number}. {finding.text(lang)}", "warn", spill=True))
    grid.blank()
    grid.add(txt(text("no_allocation", lang), "note", spill=True))


def _audit(grid: Grid, figures: Figures, lang: Lang) -> int:
    """Write the audit block; return the row of the run time (the only varying cell)."""
    result = figures.result
    grid.add(txt(text("audit", lang), "section"))
    source = figures.source_sha256 or text("not_given", lang)
    grid.add(txt(text("source_sha256", lang)), txt(source, spill=True))
    grid.add(txt(text("scenario_digest", lang)), txt(result.scenario.digest, spill=True))
    grid.add(txt(text("solver", lang)), txt(SOLVER, spill=True))
    grid.add(txt(text("solver_status", lang)), txt(result.solver_status or "-"))
    run_at = grid.add(txt(text("run_at", lang)),
                      txt(figures.run_at.isoformat(sep=" ", timespec="seconds")))
    objective = num(result.objective, COUNT) if result.optimal else txt("-")
    grid.add(txt(text("objective_value", lang)), objective, txt(text("unit.points", lang)))
    grid.add(txt(text("software", lang), "bold"))
    for software, version in versions():
        grid.add(txt(software), txt(version))
    return run_at


def write_summary(ws: Any, figures: Figures) -> int:
    """Fill the summary sheet; return the row of the run time in the audit block."""
    lang = figures.lang
    result = figures.result
    grid = Grid()
    grid.add(txt(f"{text('title', lang)} — {result.scenario.name}", "title", spill=True))
    grid.blank()
    grid.add(txt(text("scenario", lang)), txt(result.scenario.name))
    status = text(f"status.{result.status}", lang)
    grid.add(txt(text("status", lang)), txt(status, "bold" if result.optimal else "warn"))
    objective = objective_label(result.scenario.policy.objective, lang)
    grid.add(txt(text("objective_kind", lang)), txt(objective, spill=True))
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
