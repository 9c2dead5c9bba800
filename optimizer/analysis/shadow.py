"""Shadow prices in plain words: what one more yuan of each pool or rule is worth.

Each rule row of the LP (a pool, a set-aside, a cap, a floor) has a marginal
value ∂objective/∂rhs, read from the duals by :mod:`optimizer.model` with the
sign fixed by the row's sense:

- a pool or a cap (``<=``): ≥ 0, the impact one more yuan of room adds;
- a set-aside or floor (``>=``): ≤ 0, the impact one more yuan demanded costs.

The objective is impact, Σ score × yuan, so the unit is *impact points per
yuan*, which reads as the score of the money at the margin. Two caveats the
sentences carry too: the model breaks ties with a bonus of at most
:data:`optimizer.solve.TIE_BREAK` points per yuan, and a marginal value holds
only for small changes (over a large one, the next firm in line has another
score). With ``returns.tiers`` the objective is the tier-weighted benefit, so
the unit is *benefit points per yuan*. Under ``maxmin`` and ``leximin`` the
values are those of the last stage, which maximises impact with every group's
coverage held at the level reached.

Per-firm ``cap.total`` rows are listed only where they bind (there may be one
per firm); the firm-level story is :mod:`optimizer.analysis.explain`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.catalog import Lang, text
from optimizer.result import Result, RowReport
from optimizer.rows import Keyed, RowKey
from optimizer.rules import Rule
from optimizer.units import MILLION, WAN, YI, yuan

#: Yuan used to say "¥1M more adds …".
STEP_YUAN = MILLION
IMPACT_UNIT = "impact points per yuan"
BENEFIT_UNIT = "benefit points per yuan"


@dataclass(frozen=True)
class ShadowPrice(Keyed):
    """The marginal value of one rule row, with a sentence in zh and en.

    Attributes
    ----------
    key
        The row's key; ``row``, ``rule`` and ``group`` are its parts as strings
        (``budget.training``, ``budget``, ``training``).
    marginal
        ∂objective/∂rhs per yuan: ≥ 0 for pools and caps, ≤ 0 for floors.
    binding
        The row holds with equality and its marginal value is not zero.
    slack
        Yuan of room left before the row binds (0 when it holds exactly).
    unit
        ``"impact points per yuan"`` (``"benefit points per yuan"`` with tiers).
    text_zh, text_en
        One sentence each.
    rhs, activity
        The row's bound and its value in the solution, in yuan.
    """

    key: RowKey
    marginal: float
    binding: bool
    slack: float
    unit: str
    text_zh: str
    text_en: str
    rhs: float = 0.0
    activity: float = 0.0

    @property
    def row(self) -> str:
        return self.name


def shadow_prices(result: Result) -> list[ShadowPrice]:
    """Every pool and rule row of an optimal result, in model order, with its price.

    Returns an empty list when the result has no allocation.
    """
    if not result.optimal:
        return []
    unit = BENEFIT_UNIT if result.scenario.policy.tiers else IMPACT_UNIT
    prices = []
    for row in result.rows:
        rule = result.rule(row.rule)
        if rule.per_firm and not row.binding:
            continue
        zh, en = (_sentence(rule, row, unit, lang) for lang in ("zh", "en"))
        prices.append(ShadowPrice(row.key, row.marginal + 0.0, row.binding,
                                  max(row.slack, 0.0), unit, zh, en, row.rhs, row.activity))
    return prices


def split(prices: list[ShadowPrice]) -> tuple[list[ShadowPrice], list[ShadowPrice]]:
    """The binding rows (largest |marginal| first) and the rows with room left."""
    binding = sorted((p for p in prices if p.binding), key=lambda p: -abs(p.marginal))
    return binding, [p for p in prices if not p.binding]


def _points(value: float, lang: Lang) -> str:
    value = abs(value)
    if lang == "zh":
        if value >= YI:
            return f"{value / YI:,.4g}亿"
        if value >= WAN:
            return f"{value / WAN:,.6g}万"
        return f"{value:,.2f}"
    if value >= MILLION:
        return f"{value / MILLION:,.1f}M"
    return f"{value:,.2f}"


def _sentence(rule: Rule, row: RowReport, unit: str, lang: Lang) -> str:
    name, room = rule.shadow_phrase(row.group, lang)
    points = text("shadow.points.benefit" if unit == BENEFIT_UNIT else "shadow.points.impact",
                  lang)
    per_yuan = abs(row.marginal)
    fields = {"name": name, "step": yuan(STEP_YUAN, lang), "points": points,
              "gain": _points(per_yuan * STEP_YUAN, lang),
              "rate": text("shadow.rate", lang, value=f"{per_yuan:,.2f}")}
    if row.binding and row.sense == "<=":
        return text("shadow.binding.le", lang, verb=text(f"shadow.verb.{rule.shadow_verb}", lang),
                    **fields)
    if row.binding:
        return text("shadow.binding.ge", lang, **fields)
    slack = max(row.slack, 0.0)
    if slack > 1.0:
        return text("shadow.slack", lang, room=room.format(s=yuan(slack, lang)))
    return text("shadow.exact", lang, name=name if lang == "zh" else name[:1].upper() + name[1:])
