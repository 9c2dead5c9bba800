"""The glossary: one Chinese and one English term for each idea.

The README's glossary is written from this table. Every other section of the
catalog uses these words and no synonyms.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # size classes
    "class.startup": ("初创企业", "startup"),
    "class.small": ("小型企业", "small firm"),
    "class.medium": ("中型企业", "medium firm"),
    "class.large": ("大型企业", "large firm"),
    # programs (a program not listed here shows its key in both languages)
    "program.model": ("模型券", "model vouchers"),
    "program.training": ("训力券", "training vouchers"),
    "program.corpus": ("语料券", "corpus vouchers"),
    # ideas
    "term.score": ("评审得分", "score"),
    "term.pool": ("资金池", "pool"),
    "term.impact": ("影响力", "impact"),
    "term.coverage": ("覆盖率", "coverage"),
    "term.limit": ("资助上限", "limit"),
    "term.ineligible": ("未达门槛", "below threshold"),
    "term.set_aside": ("专项", "set-aside"),
    "term.floor": ("保底", "floor"),
    "term.cap": ("上限", "cap"),
    "term.cutoff": ("分数线", "cut-off"),
    "term.what_if": ("假设方案", "what-if"),
    "term.scenario": ("方案", "scenario"),
    "term.baseline": ("基线", "baseline"),
    "term.equal_awards": ("受限平均分配", "constrained equal awards"),
    "term.pro_rata": ("按比例分配", "pro rata"),
    "term.fcfs": ("先到先得", "first come, first served"),
    "term.rank_by_score": ("按得分排序", "rank by score"),
    "term.price_of_fairness": ("公平代价", "price of fairness"),
    "term.shadow_price": ("影子价格", "shadow price"),
    # officers' overrides and rounds
    "term.override": ("调整", "override"),
    "term.fixed_award": ("固定资助", "fixed award"),
    "term.minimum": ("下限", "minimum"),
    "term.excluded": ("排除", "excluded"),
    "term.commitment": ("承诺", "commitment"),
    "term.reserve": ("预留", "reserve"),
    "term.lapsed": ("失效", "lapsed"),
}
