"""Why a scenario is infeasible, in plain words.

Two steps. :func:`precheck` does arithmetic that needs no solver (a floor that
needs more than the pools hold). :func:`diagnose` re-solves with every
fairness row made elastic (a penalised slack of yuan) and names the rules that
had to give, by how much, and the rows they ran into.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from optimizer.model import AllocationModel
from optimizer.money import share, yuan
from optimizer.override_diagnosis import precheck_rules, pressing
from optimizer.result import Finding
from optimizer.rules import (
    BasicResearchSetAside,
    Context,
    DistrictFloor,
    Row,
    Rule,
    StartupSetAside,
    group_label,
    program_label,
    rule_name,
)
from optimizer.scenario import SizeClass

#: Yuan of relaxation below which a rule counts as met.
SHORTFALL_YUAN = 1.0


def _pools(ctx: Context) -> tuple[str, str]:
    budgets = ctx.scenario.policy.budgets
    total = ctx.scenario.policy.total_budget
    if len(budgets) == 1:
        return (f"{program_label(budgets[0][0], 'zh')}资金池共{yuan(total, 'zh')}",
                f"the {budgets[0][0]} pool holds {yuan(total)}")
    count = {2: "two", 3: "three", 4: "four"}.get(len(budgets), str(len(budgets)))
    return (f"{len(budgets)}个资金池合计{yuan(total, 'zh')}",
            f"the {count} pools hold {yuan(total)} together")


def precheck(ctx: Context, rules: Sequence[Rule]) -> list[Finding]:
    """Conflicts that arithmetic alone proves, before any LP is built.

    Overrides that contradict the rules come first (they are the officer's own
    entries, and the LP could not even be stated with them).
    """
    findings: list[Finding] = precheck_rules(ctx, rules)
    firm_max = ctx.limits.firm_max
    total = ctx.scenario.policy.total_budget
    pools_zh, pools_en = _pools(ctx)
    for rule in rules:
        if isinstance(rule, DistrictFloor):
            needs = rule.needs(ctx)
            need = math.fsum(needs.values())
            if need > total + SHORTFALL_YUAN:
                findings.append(Finding(
                    (rule.key, "budget"),
                    f"区域保底{share(rule.share)}至少需要{yuan(need, 'zh')}，但{pools_zh}。",
                    f"District floor {share(rule.share)} needs at least {yuan(need)}, "
                    f"but {pools_en}.",
                    need - total))
            for district, need_d in needs.items():
                findings += _beyond_total_cap(
                    rule.key, need_d, math.fsum(firm_max[ctx.district == district]),
                    f"区域保底{share(rule.share)}要求{district}获得{yuan(need_d, 'zh')}", "其企业",
                    f"District floor {share(rule.share)} needs {yuan(need_d)} for {district}",
                    "its firms")
        elif isinstance(rule, StartupSetAside):
            startups = ctx.size_class == SizeClass.STARTUP
            need = math.fsum(rule.need(ctx, j) for j in range(ctx.n_programs))
            findings += _beyond_total_cap(
                rule.key, need, math.fsum(firm_max[startups]),
                f"初创企业专项{share(rule.share)}合计需要{yuan(need, 'zh')}", "初创企业",
                f"Startup set-aside {share(rule.share)} needs {yuan(need)} in all", "startups")
        elif isinstance(rule, BasicResearchSetAside):
            need = rule.need(ctx)
            findings += _beyond_total_cap(
                rule.key, need, math.fsum(firm_max[ctx.basic_research]),
                f"基础研究专项{share(rule.share)}需要{yuan(need, 'zh')}", "基础研究项目",
                f"Basic-research set-aside {share(rule.share)} needs {yuan(need)}",
                "basic-research projects")
    return findings


def _beyond_total_cap(key: str, need: float, reachable: float, needs_zh: str, who_zh: str,
                      needs_en: str, who_en: str) -> list[Finding]:
    """A finding when a rule needs more for a group than ``cap.total`` lets it receive.

    ``needs_zh``/``needs_en`` say what the rule needs; ``who_*`` name the group.
    """
    if need <= reachable + SHORTFALL_YUAN:
        return []
    return [Finding(
        (key, "cap.total"),
        f"{needs_zh}，"
        f"但单企业合计上限使{who_zh}最多获得{yuan(reachable, 'zh')}。",
        f"{needs_en}, but the per-firm total cap lets {who_en} "
        f"receive at most {yuan(reachable)}.",
        need - reachable)]


def diagnose(ctx: Context, rules: Sequence[Rule], rows: Sequence[Row],
             weights: np.ndarray) -> list[Finding]:
    """Re-solve with elastic fairness rows; explain each rule that had to give.

    Returns an empty list when even the elastic model fails (a solver error,
    not an infeasible policy).
    """
    soft = frozenset(rule.key for rule in rules if not rule.hard)
    model = AllocationModel(ctx, rows, weights, soft_rules=soft)
    outcome = model.minimize_relaxation()
    if not outcome.optimal:
        return []
    short: dict[str, list[tuple[Row, float]]] = defaultdict(list)
    for row in rows:
        gap = outcome.slacks.get(row.name, 0.0)
        if gap > SHORTFALL_YUAN:
            short[row.rule].append((row, gap))
    if not short:
        return []
    blockers = _blockers(rows, outcome.marginals, outcome.activities, set(short))
    described = {rule.key: rule for rule in rules}
    findings = []
    for key, gaps in short.items():
        rule = described[key]
        parameter = getattr(rule, "share", None)
        level = f"{share(parameter)}" if isinstance(parameter, float) else ""
        gap_total = math.fsum(g for _, g in gaps)
        need = math.fsum(row.rhs for row, _ in gaps)
        where_zh = "、".join(group_label(row.rule, row.group, "zh") for row, _ in gaps[:5])
        where_en = ", ".join(group_label(row.rule, row.group, "en") for row, _ in gaps[:5])
        if len(gaps) > 5:
            where_zh += f"等{len(gaps)}项"
            where_en += f" and {len(gaps) - 5} more"
        with_zh = "、".join(b[0] for b in blockers) or "其他规则"
        with_en = ", ".join(b[1] for b in blockers) or "the other rules"
        findings.append(Finding(
            (key, *sorted({b[2] for b in blockers})),
            f"{rule_name(key, 'zh')}{level}无法满足：{where_zh}需要{yuan(need, 'zh')}，"
            f"最多只能达到{yuan(need - gap_total, 'zh')}，缺口{yuan(gap_total, 'zh')}。"
            f"与之冲突的是：{with_zh}。",
            f"{rule_name(key, 'en').capitalize()} {level} cannot be met: {where_en} need "
            f"{yuan(need)} but can get at most {yuan(need - gap_total)} "
            f"(short by {yuan(gap_total)}). It conflicts with: {with_en}.",
            gap_total))
    return findings + pressing(ctx.scenario, ctx.limits.lower)


def _blockers(rows: Sequence[Row], marginals: dict[str, float], activities: dict[str, float],
              relaxed: set[str]) -> list[tuple[str, str, str]]:
    """Rows the elastic solution presses against: (zh, en, rule key), one per row."""
    out: list[tuple[str, str, str]] = []
    for row in rows:
        if row.rule in relaxed or abs(marginals.get(row.name, 0.0)) < 1e-9:
            continue
        if abs(activities[row.name] - row.rhs) > SHORTFALL_YUAN + 1e-7 * abs(row.rhs):
            continue
        if row.rule == "budget":
            zh = f"{program_label(row.group, 'zh')}资金池（{yuan(row.rhs, 'zh')}）"
            en = f"the {row.group} pool ({yuan(row.rhs)})"
        elif row.rule == "cap.total":
            zh, en = "单企业合计上限", "the per-firm total cap"
        else:
            zh = f"{rule_name(row.rule, 'zh')}（{group_label(row.rule, row.group, 'zh')}）"
            en = f"the {rule_name(row.rule, 'en')} ({group_label(row.rule, row.group, 'en')})"
        if (zh, en, row.rule) not in out:
            out.append((zh, en, row.rule))
    return out
