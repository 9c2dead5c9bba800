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

from optimizer.catalog import text
from optimizer.money import Lang, yuan
from optimizer.result import Result, RowReport
from optimizer.rules import program_label

#: Yuan used to say "¥1M more adds …".
STEP_YUAN = 1e6
IMPACT_UNIT = "impact points per yuan"
BENEFIT_UNIT = "benefit points per yuan"


@dataclass(frozen=True)
class ShadowPrice:
    """The marginal value of one rule row, with a sentence in zh and en.

    Attributes
    ----------
    row, rule, group
        As in :class:`optimizer.result.RowReport` (``budget.training``,
        ``budget``, ``training``).
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

    row: str
    rule: str
    group: str
    marginal: float
    binding: bool
    slack: float
    unit: str
    text_zh: str
    text_en: str
    rhs: float = 0.0
    activity: float = 0.0

    @property
    def per_million(self) -> float:
        """Objective change for ¥1M more right-hand side (first-order)."""
        return self.marginal * STEP_YUAN


def shadow_prices(result: Result) -> list[ShadowPrice]:
    """Every pool and rule row of an optimal result, in model order, with its price.

    Returns an empty list when the result has no allocation.
    """
    if not result.optimal:
        return []
    unit = BENEFIT_UNIT if result.scenario.policy.tiers else IMPACT_UNIT
    prices = []
    for row in result.rows:
        if row.rule == "cap.total" and not row.binding:
            continue
        zh, en = _sentences(row, unit)
        prices.append(ShadowPrice(row.name, row.rule, row.group, row.marginal + 0.0, row.binding,
                                  max(row.slack, 0.0), unit, zh, en, row.rhs, row.activity))
    return prices


def split(prices: list[ShadowPrice]) -> tuple[list[ShadowPrice], list[ShadowPrice]]:
    """The binding rows (largest |marginal| first) and the rows with room left."""
    binding = sorted((p for p in prices if p.binding), key=lambda p: -abs(p.marginal))
    return binding, [p for p in prices if not p.binding]


def _points(value: float, lang: Lang) -> str:
    value = abs(value)
    if lang == "zh":
        if value >= 1e8:
            return f"{value / 1e8:,.4g}亿"
        if value >= 1e4:
            return f"{value / 1e4:,.6g}万"
        return f"{value:,.2f}"
    if value >= 1e6:
        return f"{value / 1e6:,.1f}M"
    return f"{value:,.2f}"


def _phrases(row: RowReport) -> tuple[str, str, str, str]:
    """(zh name, en name, zh slack clause, en slack clause) for one row; {s} is the slack."""
    g = row.group
    g_zh = program_label(g, "zh")
    if row.rule == "budget":
        return (f"{g_zh}资金池", f"the {g} pool", f"{g_zh}资金池尚余{{s}}未发放",
                f"The {g} pool has {{s}} left")
    if row.rule == "redemption":
        return (text("redemption.shadow_name", "zh", program=g_zh),
                text("redemption.shadow_name", "en", program=g),
                text("redemption.shadow_room", "zh", program=g_zh, s="{s}"),
                text("redemption.shadow_room", "en", program=g, s="{s}"))
    if row.rule == "large_cap":
        return (f"大型企业在{g_zh}上的上限", f"the large-firm cap on {g}",
                f"大型企业距{g_zh}上限尚余{{s}}", f"Large firms are {{s}} below their cap on {g}")
    if row.rule == "startup_floor":
        return (f"初创企业专项（{g_zh}）", f"the startup set-aside on {g}",
                f"初创企业获得的{g_zh}比专项要求多{{s}}",
                f"Startups get {{s}} more of the {g} pool than the set-aside requires")
    if row.rule == "district_floor":
        return (f"{g}的区域保底", f"the district floor of {g}", f"{g}获得的资金比保底多{{s}}",
                f"{g} gets {{s}} more than its floor")
    if row.rule == "basic_research_floor":
        return ("基础研究专项", "the basic-research set-aside",
                "基础研究项目获得的资金比专项要求多{s}",
                "Basic-research projects get {s} more than the set-aside requires")
    return (f"企业{g}的合计上限", f"firm {g}'s total cap", f"企业{g}距合计上限尚余{{s}}",
            f"Firm {g} is {{s}} below its total cap")


def _sentences(row: RowReport, unit: str) -> tuple[str, str]:
    name_zh, name_en, room_zh, room_en = _phrases(row)
    points_zh = "收益" if unit == BENEFIT_UNIT else "影响力"
    points_en = "benefit" if unit == BENEFIT_UNIT else "impact"
    per_yuan = abs(row.marginal)
    step_zh, step_en = yuan(STEP_YUAN, "zh"), yuan(STEP_YUAN)
    gain_zh, gain_en = _points(per_yuan * STEP_YUAN, "zh"), _points(per_yuan * STEP_YUAN, "en")
    rate_zh, rate_en = f"（每元{per_yuan:,.2f}分）", f"({per_yuan:,.2f} per yuan)"
    if row.binding and row.sense == "<=":
        pool = row.rule in ("budget", "redemption")
        more_en = "in" if pool else "of room under"
        verb = "增加" if pool else "放宽"
        return (f"{name_zh}每{verb}{step_zh}，{points_zh}约增加{gain_zh}分{rate_zh}；起约束作用。",
                f"{step_en} more {more_en} {name_en} adds about {gain_en} {points_en} points "
                f"{rate_en}; binding.")
    if row.binding:
        return (f"{name_zh}每多要求{step_zh}，{points_zh}约减少{gain_zh}分{rate_zh}；起约束作用。",
                f"Each {step_en} more that {name_en} demands costs about {gain_en} "
                f"{points_en} points {rate_en}; binding.")
    slack = max(row.slack, 0.0)
    if slack > 1.0:
        return (room_zh.format(s=yuan(slack, "zh")) + "；小幅调整不改变结果（有余量）。",
                room_en.format(s=yuan(slack)) + "; a small change would change nothing (slack).")
    return (f"{name_zh}恰好满足，但边际价值为零（不起约束作用）。",
            f"{_capital(name_en)} is met exactly, but a small change would change nothing "
            "(not binding).")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
