"""Overrides that contradict the rules, in plain words naming firms and amounts.

:func:`precheck` runs before any LP is built (arithmetic alone proves these);
:func:`pressing` adds to an elastic diagnosis the fixed awards and minimums
that hold money in place (variable bounds, which the elastic re-solve cannot
name as rows). The words are the catalog's ``override.*`` entries.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.catalog import Lang, has, text
from optimizer.money import share, yuan
from optimizer.overrides import Overrides, available, read_overrides
from optimizer.result import Finding
from optimizer.rules import (
    BasicResearchSetAside,
    Context,
    DistrictFloor,
    LargeFirmCap,
    Rule,
    StartupSetAside,
)
from optimizer.scenario import Scenario, SizeClass

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
        if lang == "zh":
            out = "、".join(f"{f}（{yuan(a, 'zh')}）" for f, a in shown)
            return out + (f"等{len(named)}家" if rest else "")
        out = ", ".join(f"{f} ({yuan(a)})" for f, a in shown)
        return out + (f" and {rest} more" if rest else "")

    return render


def finding(key: str, rules: tuple[str, ...], shortfall: float, **fields: Field) -> Finding:
    """A :class:`Finding` rendered in both languages from the catalog entry ``override.key``."""

    def say(lang: Lang) -> str:
        return text(f"override.{key}", lang,
                    **{k: v(lang) if callable(v) else v for k, v in fields.items()})

    return Finding(rules, say("zh"), say("en"), shortfall)


# -- contradictions -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Frame:
    """What :func:`precheck` needs beyond the overrides: the scenario's numbers.

    ``by_rule`` is the limit without overrides (rate × request, ``cap.P``,
    the threshold); ``lower`` the bounds after overrides; ``committed`` the
    fixed awards per program; ``*_need(s)`` the yuan
    each active set-aside or floor asks for, per program or group.
    """

    scenario: Scenario
    by_rule: np.ndarray
    lower: np.ndarray
    committed: np.ndarray
    startup_needs: Mapping[int, float]
    large_share: float | None
    basic_need: float | None
    district_needs: Mapping[str, float]


def precheck(frame: Frame, overrides: Overrides) -> list[Finding]:
    """Every override that cannot hold together with the rules, in plain words.

    Firm by firm first (exclude with an award, min above max, a fixed award
    above ``cap.P`` or ``cap.total``, a minimum above the limit), then what the
    fixed awards and minimums ask of each pool and each group rule.
    """
    if not overrides.any:
        return []
    findings = _per_firm(frame, overrides)
    return findings + _per_pool(frame) + _per_group(frame)


def _per_firm(frame: Frame, o: Overrides) -> list[Finding]:
    scenario = frame.scenario
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
            elif np.isfinite(low) and low > frame.by_rule[i, j] + OVERRIDE_YUAN:
                out.append(finding("min_above_limit", ("override",), low - frame.by_rule[i, j],
                                   firm=firm, program=word, low=money(low),
                                   limit=money(frame.by_rule[i, j])))
        if policy.cap_total is not None:
            floor = math.fsum(frame.lower[i])
            if floor > policy.cap_total + OVERRIDE_YUAN:
                out.append(finding("above_total_cap", ("override", "cap.total"),
                                   floor - policy.cap_total, firm=firm, amount=money(floor),
                                   cap=money(policy.cap_total)))
    return out


def _named(frame: Frame, mask: np.ndarray, program: int | None) -> list[tuple[str, float]]:
    """(firm id, yuan held by overrides) for the masked firms, largest first."""
    ids = frame.scenario.firms["firm_id"].astype(str).to_numpy()
    held = frame.lower[:, program] if program is not None else frame.lower.sum(axis=1)
    pick = np.flatnonzero(mask & (held > 0))
    order = pick[np.argsort(-held[pick], kind="stable")]
    return [(str(ids[i]), float(held[i])) for i in order]


def _pool_room(frame: Frame, j: int) -> float:
    """What pool ``j`` may pay out this round, commitments included (see ``available``)."""
    policy = frame.scenario.policy
    p, budget = policy.budgets[j]
    return available(budget, policy.reserve(p), float(frame.committed[j]))


def _per_pool(frame: Frame) -> list[Finding]:
    everyone = np.ones(len(frame.lower), dtype=bool)
    out = []
    for j, p in enumerate(frame.scenario.programs):
        held = math.fsum(frame.lower[:, j])
        room = _pool_room(frame, j)
        if held > room + OVERRIDE_YUAN:
            out.append(finding("pool", ("override", "budget"), held - room,
                               program=program_field(p),
                               held=money(held), room=money(room),
                               firms=firm_list(_named(frame, everyone, j))))
    return out


def _per_group(frame: Frame) -> list[Finding]:
    scenario = frame.scenario
    policy = scenario.policy
    classes = scenario.firms["size_class"].astype(str).to_numpy()
    startups = classes == SizeClass.STARTUP
    out: list[Finding] = []
    for j, need in frame.startup_needs.items():
        p = policy.programs[j]
        others = math.fsum(frame.lower[~startups, j])
        room = _pool_room(frame, j) - others
        if need > room + OVERRIDE_YUAN:
            out.append(finding("startup_set_aside", ("override", "startup_floor"), need - room,
                               program=program_field(p),
                               share=share(policy.startup_floor), need=money(need),
                               held=money(others), room=money(max(room, 0.0)),
                               firms=firm_list(_named(frame, ~startups, j))))
    if frame.large_share is not None:
        large = classes == SizeClass.LARGE
        for j, (p, budget) in enumerate(policy.budgets):
            held = math.fsum(frame.lower[large, j])
            cap = frame.large_share * budget
            if held > cap + OVERRIDE_YUAN:
                out.append(finding("large_cap", ("override", "large_cap"), held - cap,
                                   program=program_field(p),
                                   share=share(frame.large_share), held=money(held),
                                   cap=money(cap), firms=firm_list(_named(frame, large, j))))
    total_room = math.fsum(_pool_room(frame, j) for j in range(len(policy.budgets)))
    if frame.basic_need is not None:
        basic = scenario.firms["basic_research"].to_numpy(dtype=bool)
        others = math.fsum(frame.lower[~basic].ravel())
        room = total_room - others
        if frame.basic_need > room + OVERRIDE_YUAN:
            out.append(finding("basic_research", ("override", "basic_research_floor"),
                               frame.basic_need - room, share=share(policy.basic_research_floor),
                               need=money(frame.basic_need), held=money(others),
                               room=money(max(room, 0.0)),
                               firms=firm_list(_named(frame, ~basic, None))))
    if frame.district_needs:
        districts = scenario.firms["district"].astype(str).to_numpy()
        per_firm = frame.lower.sum(axis=1)
        need = math.fsum(max(n, math.fsum(per_firm[districts == d]))
                         for d, n in frame.district_needs.items())
        if need > total_room + OVERRIDE_YUAN:
            everyone = np.ones(len(per_firm), dtype=bool)
            out.append(finding("district_floor", ("override", "district_floor"),
                               need - total_room, share=share(policy.district_floor),
                               need=money(need), room=money(total_room),
                               firms=firm_list(_named(frame, everyone, None))))
    return out


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


def precheck_rules(ctx: Context, rules: Sequence[Rule]) -> list[Finding]:
    """:func:`precheck` for a scenario context and its active rules."""
    limits = ctx.limits
    overrides = read_overrides(ctx.scenario)
    if not overrides.any:
        return []
    startup: dict[int, float] = {}
    large: float | None = None
    basic: float | None = None
    districts: dict[str, float] = {}
    for rule in rules:
        if isinstance(rule, StartupSetAside):
            startup = {j: rule.need(ctx, j) for j in range(ctx.n_programs)}
        elif isinstance(rule, LargeFirmCap):
            large = rule.share
        elif isinstance(rule, BasicResearchSetAside):
            basic = rule.need(ctx)
        elif isinstance(rule, DistrictFloor):
            districts = rule.needs(ctx)
    frame = Frame(ctx.scenario, limits.by_rule, limits.lower, limits.committed, startup, large,
                  basic, districts)
    return precheck(frame, overrides)
