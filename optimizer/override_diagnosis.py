"""Overrides that contradict the rules, in plain words naming firms and amounts.

:func:`precheck` runs before any LP is built (arithmetic alone proves these):
first firm by firm (the overrides against the firm's own limit), then it asks
every rule what the fixed awards and minimums leave it unable to meet
(:meth:`optimizer.rules.Rule.commitment_prechecks`; a rule words its own
finding with :func:`held_finding`). :func:`pressing` adds to an elastic
diagnosis the fixed awards and minimums that hold money in place (variable
bounds, which the elastic re-solve cannot name as rows). The words are the
catalog's ``override.*`` entries (:mod:`optimizer.catalog.overrides`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from optimizer.catalog import Lang, has, text
from optimizer.overrides import Overrides, read_overrides
from optimizer.result import Finding
from optimizer.units import yuan

if TYPE_CHECKING:  # rules.py words its findings with the helpers here
    from optimizer.rules import Context, Rule
    from optimizer.scenario import Scenario

#: Yuan of tolerance when comparing overrides with limits and pools.
OVERRIDE_YUAN = 1.0
#: How many firms a finding names before it says "and N more".
NAMED_FIRMS = 5

# -- words ----------------------------------------------------------------------------

#: A field of a finding: plain text, or a function of the language.
Field = str | Callable[[Lang], str]


def program_word(program: str, lang: Lang) -> str:
    """The glossary name of a program (its key when the glossary lacks it)."""
    key = f"program.{program}"
    return text(key, lang) if has(key) else program


def program_field(program: str) -> Callable[[Lang], str]:
    """A program's glossary name, as a field of a finding."""
    return lambda lang: program_word(program, lang)


def money(amount: float) -> Callable[[Lang], str]:
    """An amount, shown in 万元/亿元 in Chinese and ¥M in English."""
    return lambda lang: yuan(amount, lang)


def _bound(amount: float) -> Field:
    """A bound as shown: an amount, or "none" when not given."""
    if np.isnan(amount):
        return lambda lang: text("override.no_limit", lang)
    return money(amount)


def firm_list(named: Sequence[tuple[str, float]]) -> Callable[[Lang], str]:
    """``F1（300万元）、F2（…）等7家`` / ``F1 (¥3.0M), F2 (…) and 5 more``."""
    shown = list(named)[:NAMED_FIRMS]
    rest = len(named) - len(shown)

    def render(lang: Lang) -> str:
        out = text("rule.list", lang).join(
            text("override.firm", lang, firm=f, amount=yuan(a, lang)) for f, a in shown)
        if not rest:
            return out
        # 等7家 counts every firm; "and 2 more" counts those not shown
        return text("override.firms.more", lang, firms=out,
                    count=str(len(named) if lang == "zh" else rest))

    return render


def finding(key: str, rules: tuple[str, ...], shortfall: float, **fields: Field) -> Finding:
    """A :class:`Finding` rendered in both languages from the catalog entry ``override.key``."""

    def say(lang: Lang) -> str:
        return text(f"override.{key}", lang,
                    **{k: v(lang) if callable(v) else v for k, v in fields.items()})

    return Finding(rules, say("zh"), say("en"), shortfall)


# -- contradictions -------------------------------------------------------------------


def precheck(ctx: Context, rules: Sequence[Rule]) -> list[Finding]:
    """Every override that cannot hold together with the rules, in plain words.

    Firm by firm first (exclude with an award, min above max, a fixed award
    above ``cap.P``, a minimum above the limit), then what the fixed awards
    and minimums ask of each rule, in the rules' order (each rule's own
    :meth:`~optimizer.rules.Rule.commitment_prechecks`).
    """
    overrides = read_overrides(ctx.scenario)
    if not overrides.any:
        return []
    findings = _per_firm(ctx, overrides)
    return findings + [f for rule in rules for f in rule.commitment_prechecks(ctx)]


def _per_firm(ctx: Context, o: Overrides) -> list[Finding]:
    scenario, by_rule = ctx.scenario, ctx.limits.by_rule
    policy, programs = scenario.policy, scenario.programs
    ids = scenario.firms["firm_id"].astype(str).to_numpy()
    out: list[Finding] = []
    for i in np.flatnonzero(o.overridden()):
        firm = str(ids[i])
        if o.excluded[i]:
            given = [(p, a) for p, a in zip(programs, np.nan_to_num(
                np.fmax(o.fixed[i], o.minimum[i])), strict=True) if a > 0]
            for p, a in given:
                out.append(finding("exclude_and_award", ("override",), a, firm=firm,
                                   program=program_field(p),
                                   amount=money(a)))
            continue
        for j, p in enumerate(programs):
            word = program_field(p)
            fixed, low, high = o.fixed[i, j], o.minimum[i, j], o.maximum[i, j]
            cap = policy.cap(p)
            if np.isfinite(fixed):
                if cap is not None and fixed > cap + OVERRIDE_YUAN:
                    out.append(finding("fixed_above_cap", ("override", f"cap.{p}"), fixed - cap,
                                       firm=firm, program=word, amount=money(fixed),
                                       cap=money(cap)))
                if (np.isfinite(low) and fixed < low - OVERRIDE_YUAN) or (
                        np.isfinite(high) and fixed > high + OVERRIDE_YUAN):
                    out.append(finding("fixed_outside_bounds", ("override",), 0.0, firm=firm,
                                       program=word, amount=money(fixed),
                                       low=_bound(low), high=_bound(high)))
                continue
            if np.isfinite(low) and np.isfinite(high) and low > high + OVERRIDE_YUAN:
                out.append(finding("min_above_max", ("override",), low - high, firm=firm,
                                   program=word, low=money(low), high=money(high)))
            elif np.isfinite(low) and low > by_rule[i, j] + OVERRIDE_YUAN:
                out.append(finding("min_above_limit", ("override",), low - by_rule[i, j],
                                   firm=firm, program=word, low=money(low),
                                   limit=money(by_rule[i, j])))
    return out


def held_by(ctx: Context, mask: np.ndarray, program: int | None) -> list[tuple[str, float]]:
    """(firm id, yuan its fixed awards and minimums hold) for the masked firms, largest first.

    ``program`` None: over all programs.
    """
    lower = ctx.limits.lower
    ids = ctx.scenario.firms["firm_id"].astype(str).to_numpy()
    held = lower[:, program] if program is not None else lower.sum(axis=1)
    pick = np.flatnonzero(mask & (held > 0))
    order = pick[np.argsort(-held[pick], kind="stable")]
    return [(str(ids[i]), float(held[i])) for i in order]


def held_finding(ctx: Context, rule: str, shortfall: float, mask: np.ndarray,
                 in_program: int | None, **fields: Field) -> Finding:
    """A rule the fixed awards and minimums of the ``mask`` firms leave unable to hold.

    Worded by the catalog entry ``override.rule.<rule>`` with ``fields`` and
    ``firms`` (the masked firms that hold money, with their amounts; in
    program ``in_program``, or over all programs when it is None).
    """
    return finding(f"rule.{rule}", ("override", rule), shortfall,
                   firms=firm_list(held_by(ctx, mask, in_program)), **fields)


def pressing(scenario: Scenario, lower: np.ndarray) -> list[Finding]:
    """For an elastic diagnosis: the fixed awards and minimums that hold money in place.

    Variable bounds are not rows, so the elastic re-solve cannot name them as
    the rules a shortfall ran into; this finding names them instead.
    """
    held = lower.sum(axis=1)
    if not (held > OVERRIDE_YUAN).any():
        return []
    ids = scenario.firms["firm_id"].astype(str).to_numpy()
    pick = np.flatnonzero(held > OVERRIDE_YUAN)
    order = pick[np.argsort(-held[pick], kind="stable")]
    total = math.fsum(held[pick])
    return [finding("pressing", ("override",), 0.0, count=str(len(pick)), total=money(total),
                    firms=firm_list([(str(ids[i]), float(held[i])) for i in order]))]
