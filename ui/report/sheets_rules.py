"""The Rules / 规则 sheet: each rule, whether it binds, its shadow price and its price.

Three parts: one line per rule (its sentence, whether any of its rows binds,
the strongest marginal value among them, and the price of fairness when it is
a fairness rule); then every rule row with its bound, activity, slack and
marginal value in words; then the per-firm limits, which are variable bounds
rather than rows.
"""

from __future__ import annotations

from typing import Any

from optimizer.analysis.fairness import PriceOfFairness
from optimizer.analysis.shadow import ShadowPrice
from optimizer.catalog import text
from optimizer.money import Lang
from optimizer.rules import group_label, rules_for
from ui.report.figures import Figures
from ui.report.labels import limit_lines, objective_label, rule_label
from ui.report.styles import (
    COUNT,
    INDEX,
    PERCENT_FINE,
    Grid,
    num,
    txt,
    wan,
)


def _strongest(prices: list[ShadowPrice]) -> ShadowPrice | None:
    binding = [p for p in prices if p.binding]
    return max(binding, key=lambda p: (abs(p.marginal), p.row), default=None)


def _rule_row(grid: Grid, name: str, description: str, binds: str | None,
              strongest: ShadowPrice | None, price: PriceOfFairness | None, lang: Lang) -> None:
    """One rule: its sentence (and its price of fairness in words) wrapped in column B."""
    if price is not None:
        sentence = price.text_zh if lang == "zh" else price.text_en
        colon = "：" if lang == "zh" else ": "
        said = f"{text('report.pof_text', lang)}{colon}{sentence}"
        description = f"{description}\n{said}" if description else said
    grid.add(
        txt(name, "bold"),
        txt(description, wrap=True),
        txt(binds) if binds is not None else None,
        num(strongest.marginal, INDEX) if strongest is not None else None,
        num(price.impact_lost_pct / 100, PERCENT_FINE) if price is not None else None,
        num(price.impact_lost, COUNT) if price is not None else None,
    )


def _rule_table(grid: Grid, figures: Figures, lang: Lang) -> None:
    scenario = figures.result.scenario
    yes, no = text("report.yes", lang), text("report.no", lang)
    fairness = {p.rule: p for p in figures.fairness}
    grid.add(*(txt(text(f"report.{k}", lang), "header") for k in
               ("rule", "description", "binds", "shadow", "pof_pct", "pof_lost")))
    for rule in rules_for(scenario):
        strongest = _strongest([p for p in figures.shadow if p.rule == rule.key])
        _rule_row(grid, rule_label(rule.key, lang), rule.describe(lang),
                  yes if strongest is not None else no, strongest, fairness.get(rule.key), lang)
    if "objective" in fairness:
        _rule_row(grid, text("report.objective_kind", lang),
                  objective_label(scenario.policy.objective, lang), None, None,
                  fairness["objective"], lang)
    if "returns.tiers" in fairness:
        _rule_row(grid, "returns.tiers", fairness["returns.tiers"].parameter, None, None,
                  fairness["returns.tiers"], lang)
    if "all" in fairness:
        _rule_row(grid, text("report.pof_all", lang), "", None, None, fairness["all"], lang)
    if "overrides" in fairness:
        _rule_row(grid, text("report.sheet.overrides", lang), "", None, None,
                  fairness["overrides"], lang)


def _row_table(grid: Grid, figures: Figures, lang: Lang) -> None:
    yes, no = text("report.yes", lang), text("report.no", lang)
    grid.add(txt(text("report.rows", lang), "section"))
    headers = ("row", "shadow_text", "group", "sense", "rhs", "activity", "slack", "marginal",
               "binds")
    grid.add(*(txt(text(f"report.{k}", lang), "header") for k in headers))
    senses = {r.name: r.sense for r in figures.result.rows}
    for price in figures.shadow:
        sense = senses.get(price.row, "")
        grid.add(
            txt(price.row),
            txt(price.text_zh if lang == "zh" else price.text_en, wrap=True),
            txt(group_label(price.rule, price.group, lang)),
            txt({"<=": "≤", ">=": "≥"}.get(sense, sense)),
            wan(price.rhs),
            wan(price.activity),
            wan(price.slack),
            num(price.marginal, INDEX),
            txt(yes if price.binding else no),
        )


def write_rules(ws: Any, figures: Figures) -> None:
    """Fill the rules sheet (an optimal result)."""
    lang = figures.lang
    grid = Grid()
    grid.add(txt(f"{text('report.sheet.rules', lang)} — {figures.result.scenario.name}", "title",
                 spill=True))
    grid.blank()
    _rule_table(grid, figures, lang)
    grid.blank()
    _row_table(grid, figures, lang)
    grid.blank()
    grid.add(txt(text("report.limits_words", lang), "section"))
    for line in limit_lines(figures.result.scenario.policy, lang):
        grid.add(txt(line, spill=True))
    grid.write(ws)
