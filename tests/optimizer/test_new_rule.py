"""A rule added from outside: its class alone, with an auxiliary variable and any coefficients.

This is the shape issues 11 (a CVaR rule) and 12 (per-firm pins) build on: the
rule declares its columns in ``variables()`` and states rows with
coefficients per pair and terms on those columns; solving, shadow prices,
explanations and diagnosis ask the rule for its words and groups, and need no
edit. (A rule of the product puts its words in ``optimizer/catalog/rules.py``;
this one returns them itself so that the test adds nothing to the catalog.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from optimizer import check_allocation, solve
from optimizer.analysis import explain_firm, shadow_prices
from optimizer.catalog import Lang
from optimizer.rules import (
    AuxVariable,
    Context,
    Row,
    RowKey,
    Rule,
    Sense,
    Violation,
    make_context,
    rules_for,
)
from tests.factory import hand

M = 1e6


@dataclass(frozen=True)
class WeightedCap(Rule):
    """0.5 × a[A] + a[B] + z ≤ 5M on training, with the auxiliary z ≥ 1M."""

    key: ClassVar[str] = "weighted_cap"

    def variables(self, ctx: Context) -> list[AuxVariable]:
        return [AuxVariable("weighted_cap.z", low=1 * M)]

    def rows(self, ctx: Context) -> list[Row]:
        ids = ctx.scenario.firms["firm_id"].tolist()
        firms = np.array([ids.index("A"), ids.index("B")])
        training = ctx.scenario.programs.index("training")
        return [Row(RowKey(self.key, "training"), firms, np.full(2, training), Sense.LE, 5 * M,
                    coefs=np.array([0.5, 1.0]), aux=(("weighted_cap.z", 1.0),))]

    def members(self, ctx: Context, group: str) -> np.ndarray:
        return np.isin(ctx.scenario.firms["firm_id"].to_numpy(), ["A", "B"])

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        a = dict(zip(ctx.scenario.firms["firm_id"], amounts[:, 1], strict=True))
        lhs = 0.5 * a["A"] + a["B"] + 1 * M
        return [] if lhs <= 5 * M + 1 else [Violation(self.key, "training", f"{lhs:.0f}")]

    # its words (in the catalog, for a rule of the product)
    def label(self, lang: Lang) -> str:
        return "加权上限" if lang == "zh" else "weighted cap"

    def describe(self, lang: Lang) -> str:
        return self.label(lang)

    def shadow_phrase(self, group: str, lang: Lang) -> tuple[str, str]:
        return self.label(lang), ("加权上限尚余{s}" if lang == "zh" else "{s} left")

    def route_phrase(self, group: str, lang: Lang, levels: Mapping[str, float]) -> str:
        return self.label(lang)


def test_a_rule_with_an_auxiliary_variable_and_weights():
    # hand: training pool 10M; A small 90 (limit 4M), C medium 80 (2M), B startup 70 (6M),
    # D large 60 (8M). Without the rule: A 4, C 2, B 4, D 0. With it, z sits at its
    # lower bound 1M, so 0.5 × 4 + B ≤ 4: B gets 2M and D (60) the 2M left.
    sc = hand()
    rule = WeightedCap()
    result = solve(sc, [*rules_for(sc), rule])
    assert result.optimal
    assert check_allocation(sc, result.amounts) == []
    assert rule.check(make_context(sc), result.amounts) == []
    training = dict(zip(sc.firms["firm_id"], result.amounts[:, 1].round(), strict=True))
    assert training == {"A": 4 * M, "B": 2 * M, "C": 2 * M, "D": 2 * M}
    row = next(r for r in result.rows if r.key == RowKey("weighted_cap", "training"))
    assert row.activity == pytest.approx(5 * M)  # 0.5 × 4M + 2M + z = 1M
    # one more yuan of room lets B (70) take a yuan from D (60): 10 points per yuan
    assert row.marginal == pytest.approx(10, abs=1e-2) and row.binding
    price = next(p for p in shadow_prices(result) if p.rule == "weighted_cap")
    assert price.text_en.startswith("¥1.0M more of room under weighted cap adds about 10.0M")
    b = explain_firm(result, "B")  # held back by the rule, named by the rule itself
    assert b.reason == "group_cap" and b.row == "weighted_cap.training"
    assert "weighted cap (training) is at its limit" in b.text_en
