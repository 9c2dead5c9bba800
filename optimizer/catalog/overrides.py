"""Words for per-firm overrides (fixed awards, bounds, exclusions) and rounds.

Contradictions are named with the firms and amounts (``override.*`` findings);
explanations say a firm was pinned, bounded or excluded, with its note.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the scenario workbook's notes on the override columns and the reserve key
    "sheet.column.fixed": ("{program}固定资助额（元），计入资金池和各规则",
                           "fixed {program} award, yuan; counts against the pool and every rule"),
    "sheet.column.min": ("{program}单个企业资助下限（元）",
                         "least this firm gets in {program}, yuan"),
    "sheet.column.max": ("{program}单个企业资助上限（元）",
                         "most this firm gets in {program}, yuan"),
    "sheet.column.exclude": ("是否排除，是=不予资助，可空=否", "exclude: yes gets nothing"),
    "sheet.column.note": ("调整原因，显示在解释和报告中",
                          "the reason for an override, shown in explanations and the report"),
    "sheet.note.reserve": ("{program}资金池扣除承诺后留作后续批次的份额",
                           "share of the {program} pool, after commitments, kept for later rounds"),
    # contradictions found before the solve: firm by firm, then each rule's own
    # (override.rule.<rule key>, asked of the rule: Rule.commitment_prechecks)
    "override.exclude_and_award": (
        "企业{firm}已被排除，但又在{program}中固定资助或设下限{amount}：请删去其一。",
        "Firm {firm} is excluded but also has a fixed award or minimum of {amount} in "
        "{program}: remove one of the two.",
    ),
    "override.fixed_above_cap": (
        "企业{firm}的{program}固定资助{amount}超过单企业上限{cap}。",
        "Firm {firm}'s fixed {program} award of {amount} is above the per-firm cap of {cap}.",
    ),
    "override.fixed_outside_bounds": (
        "企业{firm}的{program}固定资助{amount}不在为其设定的下限{low}与上限{high}之间。",
        "Firm {firm}'s fixed {program} award of {amount} is outside its own minimum {low} "
        "and cap {high}.",
    ),
    "override.min_above_max": (
        "企业{firm}的{program}下限{low}高于其上限{high}。",
        "Firm {firm}'s {program} minimum of {low} is above its cap of {high}.",
    ),
    "override.min_above_limit": (
        "企业{firm}的{program}下限{low}高于其按规则最高可获的{limit}"
        "（补贴比例、单企业上限或资格线）。",
        "Firm {firm}'s {program} minimum of {low} is above the {limit} the rules let it "
        "receive (subsidy rate, per-firm cap or threshold).",
    ),
    "override.rule.cap.total": (
        "企业{firm}的固定资助和下限合计{amount}，超过单企业合计上限{cap}。",
        "Firm {firm}'s fixed awards and minimums add up to {amount}, above the per-firm "
        "total cap of {cap}.",
    ),
    "override.rule.budget": (
        "{program}的固定资助和下限合计{held}，超过本批次可发放的{room}：{firms}。",
        "Fixed awards and minimums in {program} add up to {held}, more than the {room} "
        "this round may pay: {firms}.",
    ),
    "override.rule.startup_floor": (
        "初创企业专项{share}要求{program}至少{need}给初创企业，但非初创企业的固定资助和下限"
        "已占用{held}，只剩{room}：{firms}。",
        "The startup set-aside {share} needs {need} of {program} for startups, but fixed "
        "awards and minimums of other firms hold {held}, leaving {room}: {firms}.",
    ),
    "override.rule.large_cap": (
        "大型企业上限{share}允许大型企业获得{program}至多{cap}，但其固定资助和下限"
        "已有{held}：{firms}。",
        "The large-firm cap {share} allows large firms at most {cap} of {program}, but "
        "their fixed awards and minimums come to {held}: {firms}.",
    ),
    "override.rule.basic_research_floor": (
        "基础研究专项{share}需要{need}，但其他项目的固定资助和下限已占用{held}，"
        "各资金池只剩{room}：{firms}。",
        "The basic-research set-aside {share} needs {need}, but fixed awards and minimums "
        "of other projects hold {held}, leaving {room} in the pools: {firms}.",
    ),
    "override.rule.district_floor": (
        "区域保底{share}连同固定资助和下限共需要{need}，但本批次各资金池只能发放{room}："
        "{firms}。",
        "The district floor {share} together with the fixed awards and minimums needs "
        "{need}, but this round's pools may pay {room}: {firms}.",
    ),
    "override.pressing": (
        "另有{count}家企业的固定资助和下限共{total}不能变动：{firms}。",
        "Firms with fixed awards or minimums ({count}) hold {total} that cannot move: {firms}.",
    ),
    "override.no_limit": ("不限", "none"),
    "override.firm": ("{firm}（{amount}）", "{firm} ({amount})"),
    "override.firms.more": ("{firms}等{count}家", "{firms} and {count} more"),
    # the report's overrides sheet
    "report.sheet.overrides": ("调整与承诺", "Overrides"),
    "report.overrides_intro": (
        "官员设定的固定资助（承诺）、上下限和排除，以及其备注；金额单位万元。",
        "Fixed awards (commitments), bounds and exclusions set by officers, with their notes; "
        "amounts in ¥10k.",
    ),
    "report.override_column": ("{program}{kind}（万元）", "{program} {kind} (¥10k)"),
    "report.override.fixed": ("固定额", "fixed"),
    "report.override.min": ("下限", "minimum"),
    "report.override.max": ("上限", "cap"),
    "report.override.exclude": ("排除", "Excluded"),
    "report.override.note": ("备注", "Note"),
    # price of fairness
    "override.pof.label": ("调整与承诺", "The overrides"),
    "override.pof": (
        "调整与承诺（固定资助、上下限和排除）使影响力下降{cost}，在{firms}家企业之间转移{moved}。",
        "The overrides (fixed awards, bounds and exclusions) cost {cost} of impact and move "
        "{moved} among {firms} firms.",
    ),
    # explanations (reason labels of the report; the sentences follow)
    "report.reason.excluded": ("已排除", "excluded"),
    "report.reason.pinned": ("固定资助", "fixed award"),
    "report.reason.bounded": ("按设定上下限", "held at a set bound"),
    "override.explain.excluded": (
        "未获资助：该企业已被排除。", "Not funded: the firm is excluded."),
    "override.explain.pinned": (
        "固定资助{fixed}（合计获资助{total}）。",
        "Fixed award of {fixed} ({total} in all).",
    ),
    "override.explain.pinned_above_rate": (
        "固定资助{fixed}（合计获资助{total}），超过按申请额和补贴比例计算的最高额度{limit}："
        "已公布的资助照常兑现。",
        "Fixed award of {fixed} ({total} in all), above the {limit} its subsidy rates allow "
        "on its requests: an announced award stands.",
    ),
    "override.explain.at_max": (
        "获资助{total}：{program}达到为该企业设定的上限{bound}（按规则最高可获{limit}）。",
        "Funded {total}: its {program} award reached the cap of {bound} set for this "
        "firm (the rules allow {limit}).",
    ),
    "override.explain.at_min": (
        "获资助{total}：{program}按为该企业设定的下限{bound}资助。",
        "Funded {total}: its {program} award is the minimum of {bound} set for this firm.",
    ),
    "override.explain.note": ("备注：{note}", "Note: {note}"),
    # rounds
    "override.round.carried": (
        "上一批次承诺{amount}，失效{lapsed}。",
        "Committed in an earlier round: {amount}; lapsed: {lapsed}.",
    ),
    "override.round.pool": (
        "{program}：资金池{budget}，已承诺{committed}，失效退回{lapsed}，"
        "本批次可分配{available}，预留{reserve}。",
        "{program}: pool {budget}, committed {committed}, lapsed and returned {lapsed}, "
        "available this round {available}, held in reserve {reserve}.",
    ),
    "override.round.written": (
        "下一批次方案已写入{out}（{firms}家企业）。",
        "The next round's scenario is written to {out} ({firms} firms).",
    ),
}
