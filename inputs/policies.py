"""The built-in Shenzhen policies, as the key/value rows of a policy sheet.

``SHENZHEN_POLICY`` follows the 2024 rules (深工信规〔2024〕13号 for 训力券):
a ¥100M 模型券 pool at 30% up to ¥1M a firm, a ¥500M 训力券 pool at 50%
(60% for startups) up to ¥10M a firm, and a review score of 60 for everyone.
``FAIR_POLICY`` adds the fairness rules the study asks for. A firms CSV,
which has no policy sheet, is read under the default policy.
"""

from __future__ import annotations

from typing import Any

from optimizer.policy import SIZE_CLASSES, Policy

SHENZHEN_POLICY: tuple[tuple[str, Any], ...] = (
    ("budget.model", 100_000_000),
    ("budget.training", 500_000_000),
    ("rate.model", 0.3),
    ("rate.training", 0.5),
    ("rate.training.startup", 0.6),
    ("cap.model", 1_000_000),
    ("cap.training", 10_000_000),
    *((f"min_score.{size_class}", 60) for size_class in SIZE_CLASSES),
    ("objective", "impact"),
)

#: κ of the district floor. Under the fair policy the built-in firms are eligible
#: for about ¥7.0bn over both programs, so κ = 3% asks ≈ ¥211M of the ¥600M in
#: the pools (feasible), while the score-ranked optimum without fairness rules
#: leaves 盐田区, 深汕特别合作区 and 光明区 under 3% (so the floor binds).
FAIR_DISTRICT_FLOOR = 0.03

#: The study's fairness rules on top of the default policy.
FAIR_RULES: tuple[tuple[str, Any], ...] = (
    ("min_score.startup", 50),
    ("startup_floor", 0.35),
    ("large_cap", 0.25),
    ("district_floor", FAIR_DISTRICT_FLOOR),
    ("basic_research_floor", 0.05),
)


def default_policy() -> Policy:
    """The Shenzhen 2024 policy, without fairness rules."""
    return Policy.from_items(SHENZHEN_POLICY)


def fair_policy() -> Policy:
    """The Shenzhen 2024 policy with the study's fairness rules."""
    fair = dict(FAIR_RULES)
    items = [(k, fair.pop(k, v)) for k, v in SHENZHEN_POLICY]
    return Policy.from_items([*items, *fair.items()])
