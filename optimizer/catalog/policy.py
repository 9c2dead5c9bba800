"""Words of the policy's own checks: :class:`optimizer.policy.PolicyError` codes.

Keys start with ``policy.``. The policy sheet reader (:mod:`inputs.policies`)
and the app's policy form raise and show the same codes, so each idea has one
sentence. Values that are merely not a number, out of range or not one of a
list use the cell words of :mod:`optimizer.catalog.inputs` (``input.number.*``,
``input.labels.bad``): the same idea, the same sentence.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "policy.unknown": ("未知的政策参数（允许的参数见 README）",
                       "unknown policy key (see the README for the allowed keys)"),
    "policy.twice": ("重复出现", "appears twice"),
    "policy.no_budget": ("券种 {program} 没有对应的 budget.{program} 资金池参数",
                         "program {program} has no budget.{program} key"),
    "policy.size_class": ("未知的企业规模 {got}（可用：{allowed}）",
                          "unknown size class {got} (use {allowed})"),
    "policy.required_budget": ("必填（资金池金额，元）", "is required (yuan in the pool)"),
    "policy.required_rate": ("券种 {program} 必须设置此项", "is required for program {program}"),
    "policy.yes_no": ("应为 是 或 否，实际为 {got}", "must be yes or no, got {got}"),
    "policy.tiers": ("每一档应写作 比例:权重，用逗号分隔；实际为 {got}",
                     "must be tiers written share:weight, separated by commas; got {got}"),
    "policy.tier_rise": ("各档比例应递增并以 1 结束，实际为 {got}",
                         "tier shares must rise and end at 1, got {got}"),
    "policy.tier_weights": ("各档权重不应递增（收益递减），实际为 {got}",
                            "tier weights must not rise (returns diminish), got {got}"),
}
