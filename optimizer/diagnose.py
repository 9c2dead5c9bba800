"""Why a scenario is infeasible, in plain words.

Two steps. :func:`precheck` asks every rule for the arithmetic that needs no
solver (:meth:`~optimizer.rules.Rule.prechecks`: a floor that needs more than
the pools hold), after the officers' overrides that contradict the rules
(:func:`optimizer.override_diagnosis.precheck`, which asks every rule too).
:func:`diagnose` re-solves with every fairness row made elastic (a penalised
slack of yuan) and names the rules that had to give, by how much, and the rows
they ran into — each rule names itself.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from optimizer.catalog import Lang, text
from optimizer.model import AllocationModel
from optimizer.override_diagnosis import precheck as override_precheck
from optimizer.override_diagnosis import pressing
from optimizer.result import Finding
from optimizer.rows import AuxVariable, RowKey
from optimizer.rules import SHORTFALL_YUAN, Context, Row, Rule
from optimizer.units import yuan

__all__ = ["SHORTFALL_YUAN", "diagnose", "precheck"]

#: Groups a sentence names before it says how many there are in all.
NAMED = 5


def precheck(ctx: Context, rules: Sequence[Rule]) -> list[Finding]:
    """Conflicts that arithmetic alone proves, before any LP is built.

    Overrides that contradict the rules come first (they are the officer's own
    entries, and the LP could not even be stated with them).
    """
    findings = override_precheck(ctx, rules)
    return findings + [finding for rule in rules for finding in rule.prechecks(ctx)]


def diagnose(ctx: Context, rules: Sequence[Rule], rows: Sequence[Row],
             weights: np.ndarray, variables: Sequence[AuxVariable] = ()) -> list[Finding]:
    """Re-solve with elastic fairness rows; explain each rule that had to give.

    Returns an empty list when even the elastic model fails (a solver error,
    not an infeasible policy).
    """
    soft = frozenset(rule.key for rule in rules if not rule.hard)
    model = AllocationModel(ctx, rows, weights, soft_rules=soft, variables=variables)
    outcome = model.minimize_relaxation()
    if not outcome.optimal:
        return []
    short: dict[str, list[tuple[Row, float]]] = defaultdict(list)
    for row in rows:
        gap = outcome.slacks.get(row.key, 0.0)
        if gap > SHORTFALL_YUAN:
            short[row.rule].append((row, gap))
    if not short:
        return []
    described = {rule.key: rule for rule in rules}
    blockers = _blockers(rows, described, outcome.marginals, outcome.activities, set(short))
    findings = []
    for key, gaps in short.items():
        rule = described[key]
        gap_total = math.fsum(g for _, g in gaps)
        need = math.fsum(row.rhs for row, _ in gaps)
        texts = []
        for lang in ("zh", "en"):
            texts.append(_sentence(rule, gaps, need, gap_total, blockers, lang))
        findings.append(Finding((key, *sorted({b.key for b, _ in blockers})), texts[0],
                                texts[1], gap_total))
    return findings + pressing(ctx.scenario, ctx.limits.lower)


def _sentence(rule: Rule, gaps: list[tuple[Row, float]], need: float, gap_total: float,
              blockers: list[tuple[Rule, Row]], lang: Lang) -> str:
    glue = text("rule.list", lang)
    where = glue.join(rule.group_label(row.group, lang) for row, _ in gaps[:NAMED])
    if len(gaps) > NAMED:
        where = text("diagnose.more", lang, where=where, count=len(gaps))
    names = [blocker.blocker_phrase(row, lang) for blocker, row in blockers]
    label = rule.label(lang)
    # the sentence starts with the rule's name (Chinese has no capitals to change)
    return text("diagnose.short", lang, rule=label[:1].upper() + label[1:],
                share=rule.parameter, where=where, need=yuan(need, lang),
                most=yuan(need - gap_total, lang), gap=yuan(gap_total, lang),
                blockers=glue.join(names) or text("diagnose.others", lang))


def _blockers(rows: Sequence[Row], rules: dict[str, Rule], marginals: dict[RowKey, float],
              activities: dict[RowKey, float], relaxed: set[str]) -> list[tuple[Rule, Row]]:
    """Rows the elastic solution presses against, with their rules (one per wording)."""
    out: list[tuple[Rule, Row]] = []
    said: set[tuple[str, str, str]] = set()
    for row in rows:
        if row.rule in relaxed or abs(marginals.get(row.key, 0.0)) < 1e-9:
            continue
        if abs(activities[row.key] - row.rhs) > SHORTFALL_YUAN + 1e-7 * abs(row.rhs):
            continue
        rule = rules[row.rule]
        words = (rule.blocker_phrase(row, "zh"), rule.blocker_phrase(row, "en"), row.rule)
        if words not in said:
            said.add(words)
            out.append((rule, row))
    return out
