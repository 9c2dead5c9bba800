"""Every word the report prints, in Chinese and English.

Sheet titles, headers, labels and the plain-language policy lines live here so
that the sheet modules hold layout only. :func:`text` looks a key up in one
language; a missing key is a bug and raises :class:`KeyError`.
"""

from __future__ import annotations

from optimizer.money import Lang, share, yuan
from optimizer.policy import Objective, Policy
from optimizer.rules import program_label, rule_name

#: key → (Chinese, English).
TEXTS: dict[str, tuple[str, str]] = {
    # sheet titles (the ``firms`` and ``policy`` sheets keep their contract names)
    "sheet.summary": ("摘要", "Summary"),
    "sheet.allocations": ("分配明细", "Allocations"),
    "sheet.by_class": ("按企业规模", "By size class"),
    "sheet.by_district": ("按区", "By district"),
    "sheet.rules": ("规则", "Rules"),
    "sheet.baselines": ("基线对比", "Baselines"),
    "sheet.comparison": ("方案对比", "Comparison"),
    "sheet.frontier": ("前沿", "Frontier"),
    # summary
    "title": ("算力券分配报告", "Compute voucher allocation report"),
    "scenario": ("方案", "Scenario"),
    "status": ("求解状态", "Solver status"),
    "status.optimal": ("最优", "optimal"),
    "status.infeasible": ("不可行", "infeasible"),
    "status.error": ("求解失败", "solver failed"),
    "key_figures": ("主要指标", "Key figures"),
    "figure": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "budget": ("预算", "budget"),
    "spend": ("发放", "spent"),
    "used": ("使用率", "share used"),
    "spend_total": ("合计发放", "Total spent"),
    "applicants": ("申请企业数", "Applicant firms"),
    "eligible_firms": ("符合资格企业数", "Eligible firms"),
    "firms_funded": ("获资助企业数", "Firms funded"),
    "startup_share": ("初创企业资金占比", "Share of money to startups"),
    "coverage_of": ("覆盖率", "coverage"),
    "min_class_coverage": ("最低规模覆盖率", "Lowest size-class coverage"),
    "gini": ("基尼系数", "Gini coefficient"),
    "jain": ("Jain 公平指数", "Jain's index"),
    "impact": ("影响力（评分×元）", "Impact (score × yuan)"),
    "pof_all": ("公平代价（全部公平规则）", "Price of fairness (all fairness rules)"),
    "pof_none": ("无公平规则", "no fairness rules"),
    "objective_kind": ("优化目标", "Objective"),
    "level": ("最低覆盖率水平", "Max-min level reached"),
    "policy_words": ("政策规则", "The policy in plain words"),
    "diagnosis": ("不可行原因", "Why no allocation exists"),
    "no_allocation": (
        "本方案无可行分配，因此不生成分配明细；请按上述原因调整政策后重新求解。",
        "This scenario has no feasible allocation, so the report holds no allocation "
        "tables; change the policy as the reasons above suggest and solve again.",
    ),
    "audit": ("审计信息", "Audit"),
    "source_sha256": ("输入文件 SHA-256", "Input file SHA-256"),
    "scenario_digest": ("方案内容摘要 SHA-256", "Scenario content SHA-256"),
    "not_given": ("（未提供）", "(not given)"),
    "solver": ("求解器", "Solver"),
    "solver_status": ("求解器状态", "Solver status word"),
    "run_at": ("运行时间", "Run at"),
    "objective_value": ("目标值（影响力）", "Objective (impact)"),
    "software": ("软件版本", "Software"),
    # units
    "unit.wan": ("万元", "¥10k (万元)"),
    "unit.firms": ("家", "firms"),
    "unit.points": ("评分×元", "score × yuan"),
    "unit.share": ("%", "%"),
    "unit.index": ("指数", "index"),
    # allocations
    "firm_id": ("企业编号", "Firm id"),
    "name": ("企业名称", "Name"),
    "size_class": ("企业规模", "Size class"),
    "district": ("所在区", "District"),
    "score": ("评审得分", "Score"),
    "basic_research": ("基础研究", "Basic research"),
    "eligible": ("符合资格", "Eligible"),
    "request": ("申请额（万元）", "request (¥10k)"),
    "amount": ("分配（万元）", "award (¥10k)"),
    "total": ("合计分配（万元）", "Total award (¥10k)"),
    "upper_total": ("可获上限（万元）", "Limit (¥10k)"),
    "coverage": ("覆盖率", "Coverage"),
    "reason": ("原因", "Reason"),
    "reason_text": ("说明", "Explanation"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # group sheets
    "group.size_class": ("企业规模", "Size class"),
    "group.district": ("区", "District"),
    "firms": ("企业数", "Firms"),
    "requested": ("申请额合计（万元）", "Requested (¥10k)"),
    "upper": ("可获上限（万元）", "Limit (¥10k)"),
    "allocated": ("获得资金（万元）", "Awarded (¥10k)"),
    "share_of_money": ("资金占比", "Share of money"),
    "chart.money": ("获得资金与可获上限（万元）", "Awarded and limit (¥10k)"),
    "chart.coverage": ("覆盖率", "Coverage"),
    # rules
    "rule": ("规则", "Rule"),
    "description": ("说明", "Description"),
    "binds": ("是否起约束", "Binds?"),
    "shadow": ("影子价格（影响力/元）", "Shadow price (impact per yuan)"),
    "pof_pct": ("公平代价（影响力损失%）", "Price of fairness (impact lost %)"),
    "pof_lost": ("影响力损失", "Impact lost"),
    "pof_text": ("公平代价说明", "Price of fairness, in words"),
    "rows": ("约束明细", "Rule rows"),
    "row": ("约束", "Row"),
    "group": ("对象", "Group"),
    "sense": ("方向", "Sense"),
    "rhs": ("界限（万元）", "Bound (¥10k)"),
    "activity": ("实际（万元）", "Actual (¥10k)"),
    "slack": ("余量（万元）", "Slack (¥10k)"),
    "marginal": ("边际值（影响力/元）", "Marginal (impact per yuan)"),
    "shadow_text": ("解读", "In words"),
    "limits_words": ("单企业限额（不是约束行，按变量上界处理）",
                     "Per-firm limits (variable bounds, not rule rows)"),
    # baselines / comparison / frontier
    "method": ("分配方法", "Method"),
    "optimized": ("优化分配", "Optimized"),
    "baseline.fcfs": ("先到先得", "First come, first served"),
    "baseline.pro_rata": ("按比例分配", "Pro rata"),
    "baseline.rank_by_score": ("按评分排序", "Rank by score"),
    "baseline.equal_awards": ("受限平均分配", "Constrained equal awards"),
    "impact_vs_optimized": ("影响力（相对优化分配）", "Impact relative to optimized"),
    "coverage_class": ("覆盖率：", "Coverage: "),
    "coverage_district": ("区覆盖率：", "District coverage: "),
    "chart.baselines": ("各方法的规模覆盖率", "Size-class coverage by method"),
    "delta": ("差值", "Δ"),
    "vs_first": ("（与第一个方案相比）", "(against the first scenario)"),
    "chart.comparison": ("各方案的规模覆盖率", "Size-class coverage by scenario"),
    "frontier_rule": ("扫描参数", "Swept parameter"),
    "param_value": ("参数值", "Value"),
    "chart.frontier": ("效率与公平前沿", "Efficiency–fairness frontier"),
    "share_axis": ("比例", "Share"),
    "impact_rel": ("影响力（相对最大值）", "Impact (relative to the largest)"),
}

CLASS_LABELS: dict[str, tuple[str, str]] = {
    "startup": ("初创", "startup"),
    "small": ("小型", "small"),
    "medium": ("中型", "medium"),
    "large": ("大型", "large"),
}

REASON_LABELS: dict[str, tuple[str, str]] = {
    "ineligible": ("不符合资格", "ineligible"),
    "rate_limit": ("达到补贴比例上限", "rate limit"),
    "firm_cap": ("达到单企业上限", "per-firm cap"),
    "pool_cutoff": ("资金池用尽", "pool ran out"),
    "set_aside": ("专项或保底提高", "raised by a set-aside or floor"),
    "group_cap": ("受群体上限限制", "limited by a group cap"),
    "excluded": ("已排除", "excluded"),
    "pinned": ("固定资助", "fixed award"),
    "bounded": ("按设定上下限", "held at a set bound"),
}

OBJECTIVE_LABELS: dict[str, tuple[str, str]] = {
    Objective.IMPACT: ("影响力最大化（评分×金额）", "maximise impact (score × yuan)"),
    Objective.MAXMIN: ("先最大化最低规模覆盖率，再最大化影响力",
                       "raise the lowest size-class coverage first, then impact"),
    Objective.LEXIMIN: ("逐级最大化各规模覆盖率（leximin），再最大化影响力",
                        "leximin over size-class coverage, then impact"),
}


def text(key: str, lang: Lang) -> str:
    """The text of ``key`` in ``lang``."""
    zh, en = TEXTS[key]
    return zh if lang == "zh" else en


def _pick(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en


def class_label(size_class: str, lang: Lang) -> str:
    """初创 / 小型 / 中型 / 大型, or the English class name."""
    return _pick(CLASS_LABELS, size_class, lang)


def reason_label(code: str, lang: Lang) -> str:
    """A short label for an explanation's reason code."""
    return _pick(REASON_LABELS, code, lang)


def objective_label(objective: str, lang: Lang) -> str:
    """What the objective maximises, in words."""
    return _pick(OBJECTIVE_LABELS, objective, lang)


def baseline_label(name: str, lang: Lang) -> str:
    """The name of an allocation method (``fcfs``, ``pro_rata``, ...)."""
    key = f"baseline.{name}"
    return text(key, lang) if key in TEXTS else name


def program_header(program: str, key: str, lang: Lang) -> str:
    """A per-program label: ``模型券申请额（万元）`` / ``Model request (¥10k)``."""
    if lang == "zh":
        return f"{program_label(program, lang)}{text(key, lang)}"
    label = f"{program_label(program, lang)} {text(key, lang)}"
    return label[:1].upper() + label[1:]


def rule_label(key: str, lang: Lang) -> str:
    """The short name of a rule key (``startup_floor`` → 初创企业专项)."""
    return rule_name(key, lang)


def limit_lines(policy: Policy, lang: Lang) -> list[str]:
    """Rates, per-firm caps and score thresholds in words, one line each.

    These shape every firm's limit (variable bounds in the LP) rather than
    adding rule rows, so they are listed beside the rules' own sentences.
    """
    zh = lang == "zh"
    sep = "，" if zh else "; "
    lines = []
    for program in policy.programs:
        label = program_label(program, lang)
        base = policy.rate(program, "")  # no class: the program's own rate
        overrides = [
            f"{class_label(c, lang)}{share(r)}" if zh else f"{c} {share(r)}"
            for c in CLASS_LABELS
            if (r := policy.rate(program, c)) != base
        ]
        if zh:
            line = f"{label}：补贴比例为申请额的{share(base)}"
            if overrides:
                line += "（" + "、".join(overrides) + "）"
        else:
            line = f"{label}: pays up to {share(base)} of the request"
            if overrides:
                line += " (" + ", ".join(overrides) + ")"
        cap = policy.cap(program)
        if cap is not None:
            line += sep + (f"单个企业不超过{yuan(cap, lang)}" if zh
                           else f"at most {yuan(cap)} a firm")
        lines.append(line + ("。" if zh else "."))
    thresholds = [(c, policy.min_score(c)) for c in CLASS_LABELS if policy.min_score(c) > 0]
    if thresholds:
        shown = [f"{class_label(c, lang)}{s:g}分" if zh else f"{c} {s:g}" for c, s in thresholds]
        lines.append(("评审得分门槛：" + "、".join(shown) + "；低于门槛的企业不予资助。") if zh
                     else "Score thresholds: " + ", ".join(shown)
                     + "; firms below their threshold get nothing.")
    objective = objective_label(policy.objective, lang)
    lines.append(f"优化目标：{objective}。" if zh else f"Objective: {objective}.")
    return lines
