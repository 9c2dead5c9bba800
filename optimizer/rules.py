"""The allocation rules, each one small object that knows itself.

A rule knows its policy parameters, the rows (and any auxiliary variables) it
adds to the LP, its words (all from :mod:`optimizer.catalog`), the firms of
each of its groups, the arithmetic pre-checks that prove it cannot be met, and
an independent :meth:`Rule.check` of an allocation that does not go through
the LP. Analyses (explanations, shadow prices, diagnosis, price of fairness,
frontiers) ask the rule; none of them switches on a rule's name.

Adding a rule means adding one class here, one line in :func:`rules_for` (or an
entry in :data:`SHARE_RULES` for a rule set by one share) and its words in
:mod:`optimizer.catalog.rules`.

Officers' overrides (:mod:`optimizer.overrides`: fixed awards, ``min.P``,
``max.P``, exclusions) are variable bounds, not rows; every rule counts them
like any other award. A rule that fixed awards and minimums can break says
so itself, before any LP is built (:meth:`Rule.commitment_prechecks`, words
``override.rule.<key>`` in :mod:`optimizer.catalog.overrides`).

Rows are stated over the allocation ``a[i, p]`` in yuan (:class:`~optimizer.rows.Row`):
any coefficients, plus auxiliary variables the rule declares in :meth:`Rule.variables`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import ClassVar

import numpy as np

from optimizer.bounds import Limits, firm_limits
from optimizer.catalog import Lang, text
from optimizer.override_diagnosis import OVERRIDE_YUAN, Field, held_finding, money, program_field
from optimizer.overrides import available
from optimizer.redemption import CvarProgram, RedemptionModel, cvar_programs
from optimizer.result import Finding
from optimizer.rows import AuxVariable, Row, RowKey, Sense
from optimizer.scenario import PROGRAM_ZH, Scenario, SizeClass
from optimizer.units import share, yuan

__all__ = ["AuxVariable", "Row", "RowKey", "Sense"]

#: Absolute slack (yuan) allowed when checking an allocation against a rule,
#: on top of a relative 1e-7 of the amount involved.
TOLERANCE_YUAN = 1.0
#: Yuan by which a pre-check's need must exceed what is possible to be reported.
SHORTFALL_YUAN = 1.0


@dataclass(frozen=True, eq=False)
class Context:
    """What rules need to know about a scenario, computed once."""

    scenario: Scenario
    limits: Limits
    size_class: np.ndarray
    district: np.ndarray
    basic_research: np.ndarray

    @property
    def n_programs(self) -> int:
        return len(self.scenario.programs)

    @property
    def n_firms(self) -> int:
        return len(self.size_class)

    def pairs(self, firm_mask: np.ndarray,
              program: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Index arrays of the (firm, program) pairs of masked firms, for one or all programs."""
        firms = np.flatnonzero(firm_mask)
        programs = range(self.n_programs) if program is None else [program]
        f = np.concatenate([firms for _ in programs]) if len(firms) else np.zeros(0, dtype=int)
        p = np.concatenate([np.full(len(firms), j) for j in programs]) if len(firms) else f
        return f.astype(np.int64), p.astype(np.int64)


def make_context(scenario: Scenario, limits: Limits | None = None) -> Context:
    """Build the :class:`Context` of ``scenario`` (computing its limits unless given)."""
    firms = scenario.firms
    return Context(
        scenario=scenario,
        limits=limits if limits is not None else firm_limits(scenario),
        size_class=firms["size_class"].astype(str).to_numpy(),
        district=firms["district"].astype(str).to_numpy(),
        basic_research=firms["basic_research"].to_numpy(dtype=bool),
    )


@dataclass(frozen=True)
class Violation:
    """One way an allocation breaks a rule."""

    rule: str
    group: str
    message: str


def program_label(program: str, lang: Lang) -> str:
    """模型券 / 训力券 / 语料券 in Chinese, the program key in English."""
    return PROGRAM_ZH.get(program, program) if lang == "zh" else program


def pool_room(ctx: Context, program: int, budget: float | None = None) -> float:
    """What pool ``program`` may pay this round: its ``budget`` (the policy's by default),
    less ``reserve.P`` of what is left after the commitments
    (:func:`optimizer.overrides.available`)."""
    p, budget_p = ctx.scenario.policy.budgets[program]
    budget = budget_p if budget is None else budget
    commitments = float(ctx.limits.committed[program]) if ctx.limits.committed.size else 0.0
    return available(budget, ctx.scenario.policy.reserve(p), commitments)


def _held(ctx: Context, mask: np.ndarray, program: int | None = None) -> float:
    """Yuan the fixed awards and minimums of the masked firms hold (in one or all programs)."""
    lower = ctx.limits.lower
    return math.fsum((lower[mask] if program is None else lower[mask, program]).ravel())


def _short(have: float, need: float) -> bool:
    return have < need - TOLERANCE_YUAN - 1e-7 * abs(need)


def _over(have: float, limit: float) -> bool:
    return have > limit + TOLERANCE_YUAN + 1e-7 * abs(limit)


class Rule:
    """What every rule provides; subclasses are frozen dataclasses.

    Attributes
    ----------
    key
        The policy key (or family of keys) the rule comes from; the ``rule`` of its rows.
    hard
        Budgets and firm caps are never relaxed when diagnosing.
    moves_by
        The firms column whose groups the rule moves money between (price of fairness).
    neutral
        Share rules: the value at which the rule is off (its rows cannot bind).
    per_firm, shadow_verb
        How shadow prices list and word the rule's rows.

    All of these are class attributes (``ClassVar``), not fields.
    """

    key: ClassVar[str]
    hard: ClassVar[bool] = False
    moves_by: ClassVar[str] = "size_class"
    neutral: ClassVar[float | None] = None
    #: One row per firm: shadow prices list only the rows that bind.
    per_firm: ClassVar[bool] = False
    #: The verb of "¥1M more … this row" in a shadow price (catalog ``shadow.verb.*``).
    shadow_verb: ClassVar[str] = "loosen"

    # -- the LP ------------------------------------------------------------------
    def rows(self, ctx: Context) -> list[Row]:
        raise NotImplementedError

    def variables(self, ctx: Context) -> list[AuxVariable]:
        """Auxiliary columns the rule's rows use (none by default)."""
        return []

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        raise NotImplementedError

    def prechecks(self, ctx: Context) -> list[Finding]:
        """Conflicts that arithmetic alone proves, before any LP is built."""
        return []

    def reported(self, group: str) -> bool:
        """Whether a row of ``group`` is reported (with its dual) in a result.

        A rule may keep internal rows to itself (the CVaR sample rows of
        :class:`RedemptionRisk`); they are in the LP but not in ``Result.rows``.
        """
        return True
    def commitment_prechecks(self, ctx: Context) -> list[Finding]:
        """What the officers' fixed awards and minimums (``ctx.limits.lower``) leave this
        rule unable to meet, by arithmetic alone (none by default).

        Asked by :func:`optimizer.override_diagnosis.precheck` when a scenario
        has overrides; a finding names the firms and amounts
        (:func:`~optimizer.override_diagnosis.held_finding`).
        """
        return []

    def _held_finding(self, ctx: Context, shortfall: float, mask: np.ndarray,
                      program: int | None = None, **fields: Field) -> list[Finding]:
        """This rule's ``override.rule.<key>`` finding, or none within the tolerance."""
        if shortfall <= OVERRIDE_YUAN:
            return []
        if program is not None:
            fields["program"] = program_field(ctx.scenario.programs[program])
        return [held_finding(ctx, self.key, shortfall, mask, program, **fields)]

    # -- its groups ------------------------------------------------------------------
    def members(self, ctx: Context, group: str) -> np.ndarray:
        """Firm mask of the firms a row of ``group`` sums over (all firms by default)."""
        return np.ones(ctx.n_firms, dtype=bool)

    # -- its words -------------------------------------------------------------------
    @property
    def parameter(self) -> str:
        """The rule's setting as an officer reads it (``"35%"``), or empty."""
        value = getattr(self, "share", None)
        return share(value) if isinstance(value, float) else ""

    def label(self, lang: Lang) -> str:
        """The rule's short name."""
        return text(f"rule.{self.key}", lang)

    def group_label(self, group: str, lang: Lang) -> str:
        """What a row of the rule is about, in words (a program by default)."""
        return program_label(group, lang)

    def describe(self, lang: Lang) -> str:
        return text(f"rule.{self.key}.describe", lang, share=self.parameter)

    def shadow_phrase(self, group: str, lang: Lang) -> tuple[str, str]:
        """(the row's name, its room clause with ``{s}`` for the slack) for shadow prices."""
        g = self.group_label(group, lang)
        return (text(f"shadow.{self.key}.name", lang, group=g),
                text(f"shadow.{self.key}.room", lang, group=g, s="{s}"))

    def route_phrase(self, group: str, lang: Lang, levels: Mapping[str, float]) -> str:
        """The name of the route by which a ≥ row of this rule funds its group."""
        return text(f"explain.route.{self.key}", lang, group=self.group_label(group, lang))

    def held_phrase(self, group: str, lang: Lang) -> str:
        """Why a member short of its limit was held back by a binding ``≤`` row of ``group``."""
        return text("explain.held", lang, rule=self.label(lang),
                    group=self.group_label(group, lang))

    def blocker_phrase(self, row: Row, lang: Lang) -> str:
        """How a diagnosis names a row that a relaxed rule runs into."""
        return text("diagnose.blocker.other", lang, rule=self.label(lang),
                    group=self.group_label(row.group, lang))


@dataclass(frozen=True)
class PoolBudget(Rule):
    """Σ_i a[i, p] ≤ budget.p for every program p without a redemption model."""

    budgets: tuple[tuple[str, float], ...]
    key: ClassVar[str] = "budget"
    hard: ClassVar[bool] = True
    shadow_verb: ClassVar[str] = "add"

    def rows(self, ctx: Context) -> list[Row]:
        everyone = np.ones(ctx.n_firms, dtype=bool)
        programs = ctx.scenario.programs
        return [Row(RowKey(self.key, p), *ctx.pairs(everyone, programs.index(p)), Sense.LE,
                    pool_room(ctx, programs.index(p), b))
                for p, b in self.budgets]

    def commitment_prechecks(self, ctx: Context) -> list[Finding]:
        everyone = np.ones(ctx.n_firms, dtype=bool)
        out: list[Finding] = []
        for j, (_, budget) in enumerate(self.budgets):
            held, room = _held(ctx, everyone, j), pool_room(ctx, j, budget)
            out += self._held_finding(ctx, held - room, everyone, j, held=money(held),
                                      room=money(room))
        return out

    def describe(self, lang: Lang) -> str:
        space = "" if lang == "zh" else " "  # 训力券5亿元 / training ¥500.0M
        pools = text("rule.list", lang).join(f"{program_label(p, lang)}{space}{yuan(b, lang)}"
                                             for p, b in self.budgets)
        return text("rule.budget.describe", lang, pools=pools)

    def blocker_phrase(self, row: Row, lang: Lang) -> str:
        return text("diagnose.blocker.budget", lang, group=self.group_label(row.group, lang),
                    rhs=yuan(row.rhs, lang))

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        return [
            Violation(self.key, p, f"pool {p} pays {yuan(spent)}, more than its {yuan(room)}")
            for p, b in self.budgets
            if _over(spent := math.fsum(amounts[:, j := ctx.scenario.programs.index(p)]),
                     room := pool_room(ctx, j, b))
        ]


@dataclass(frozen=True)
class FirmTotalCap(Rule):
    """Σ_p a[i, p] ≤ cap.total for every firm (a row only where it can bind)."""

    cap_total: float
    key: ClassVar[str] = "cap.total"
    hard: ClassVar[bool] = True
    per_firm: ClassVar[bool] = True

    def rows(self, ctx: Context) -> list[Row]:
        upper = ctx.limits.upper
        can_bind = (upper.sum(axis=1) > self.cap_total) & ((upper > 0).sum(axis=1) > 1)
        ids = ctx.scenario.firms["firm_id"].to_numpy()
        return [
            Row(RowKey(self.key, str(ids[i])), np.full(ctx.n_programs, i),
                np.arange(ctx.n_programs), Sense.LE, self.cap_total)
            for i in np.flatnonzero(can_bind)
        ]

    def members(self, ctx: Context, group: str) -> np.ndarray:
        return np.asarray(ctx.scenario.firms["firm_id"].astype(str).to_numpy() == group, dtype=bool)

    def group_label(self, group: str, lang: Lang) -> str:
        return group

    def describe(self, lang: Lang) -> str:
        return text("rule.cap.total.describe", lang, cap=yuan(self.cap_total, lang))

    def blocker_phrase(self, row: Row, lang: Lang) -> str:
        return text("diagnose.blocker.cap.total", lang)

    def commitment_prechecks(self, ctx: Context) -> list[Finding]:
        held = ctx.limits.lower.sum(axis=1)
        ids = ctx.scenario.firms["firm_id"].astype(str).to_numpy()
        out: list[Finding] = []
        for i in np.flatnonzero(held > self.cap_total + OVERRIDE_YUAN):
            out += self._held_finding(ctx, float(held[i]) - self.cap_total, ids == ids[i],
                                      firm=str(ids[i]), amount=money(float(held[i])),
                                      cap=money(self.cap_total))
        return out

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        totals = amounts.sum(axis=1)
        ids = ctx.scenario.firms["firm_id"].to_numpy()
        return [
            Violation(self.key, str(ids[i]), f"firm {ids[i]} gets {yuan(totals[i])} in total")
            for i in np.flatnonzero([_over(t, self.cap_total) for t in totals])
        ]


def _beyond_total_cap(rule: Rule, need: float, reachable: float,
                      group: str = "") -> list[Finding]:
    """A finding when ``rule`` needs more for a group than ``cap.total`` lets it receive."""
    if need <= reachable + SHORTFALL_YUAN:
        return []
    zh, en = (
        text("diagnose.beyond_total_cap", lang,
             needs=text(f"diagnose.{rule.key}.needs", lang, share=rule.parameter,
                        need=yuan(need, lang), group=group),
             who=text(f"diagnose.{rule.key}.who", lang), reachable=yuan(reachable, lang))
        for lang in ("zh", "en")
    )
    return [Finding((rule.key, "cap.total"), zh, en, need - reachable)]


@dataclass(frozen=True)
class StartupSetAside(Rule):
    """Σ_startups a[i, p] ≥ min(φ × budget.p, Σ_startups upper[i, p]) for each program."""

    share: float
    key: ClassVar[str] = "startup_floor"
    neutral: ClassVar[float | None] = 0.0

    def members(self, ctx: Context, group: str) -> np.ndarray:
        return np.asarray(ctx.size_class == SizeClass.STARTUP, dtype=bool)

    def need(self, ctx: Context, program: int) -> float:
        budget = ctx.scenario.policy.budgets[program][1]
        eligible = math.fsum(ctx.limits.upper[self.members(ctx, ""), program])
        return min(self.share * budget, eligible)

    def rows(self, ctx: Context) -> list[Row]:
        startups = self.members(ctx, "")
        return [Row(RowKey(self.key, p), *ctx.pairs(startups, j), Sense.GE, self.need(ctx, j))
                for j, p in enumerate(ctx.scenario.programs)]

    def prechecks(self, ctx: Context) -> list[Finding]:
        need = math.fsum(self.need(ctx, j) for j in range(ctx.n_programs))
        return _beyond_total_cap(self, need,
                                 math.fsum(ctx.limits.firm_max[self.members(ctx, "")]))

    def commitment_prechecks(self, ctx: Context) -> list[Finding]:
        others = ~self.members(ctx, "")
        out: list[Finding] = []
        for j in range(ctx.n_programs):
            need, held = self.need(ctx, j), _held(ctx, others, j)
            room = pool_room(ctx, j) - held
            out += self._held_finding(ctx, need - room, others, j, share=self.parameter,
                                      need=money(need), held=money(held),
                                      room=money(max(room, 0.0)))
        return out

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        startups = self.members(ctx, "")
        out = []
        for j, p in enumerate(ctx.scenario.programs):
            got, need = math.fsum(amounts[startups, j]), self.need(ctx, j)
            if _short(got, need):
                out.append(Violation(self.key, p,
                                     f"startups get {yuan(got)} of {p}, need {yuan(need)}"))
        return out


@dataclass(frozen=True)
class LargeFirmCap(Rule):
    """Σ_large a[i, p] ≤ ψ × budget.p for each program."""

    share: float
    key: ClassVar[str] = "large_cap"
    neutral: ClassVar[float | None] = 1.0

    def members(self, ctx: Context, group: str) -> np.ndarray:
        return np.asarray(ctx.size_class == SizeClass.LARGE, dtype=bool)

    def rows(self, ctx: Context) -> list[Row]:
        large = self.members(ctx, "")
        return [Row(RowKey(self.key, p), *ctx.pairs(large, j), Sense.LE, self.share * b)
                for j, (p, b) in enumerate(ctx.scenario.policy.budgets)]

    def held_phrase(self, group: str, lang: Lang) -> str:
        return text("explain.held.large_cap", lang, share=self.parameter,
                    group=self.group_label(group, lang))

    def commitment_prechecks(self, ctx: Context) -> list[Finding]:
        large = self.members(ctx, "")
        out: list[Finding] = []
        for j, (_, budget) in enumerate(ctx.scenario.policy.budgets):
            held, cap = _held(ctx, large, j), self.share * budget
            out += self._held_finding(ctx, held - cap, large, j, share=self.parameter,
                                      held=money(held), cap=money(cap))
        return out

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        large = self.members(ctx, "")
        return [
            Violation(self.key, p, f"large firms get {yuan(got)} of {p}, cap {yuan(limit)}")
            for j, (p, b) in enumerate(ctx.scenario.policy.budgets)
            if _over(got := math.fsum(amounts[large, j]), limit := self.share * b)
        ]


@dataclass(frozen=True)
class DistrictFloor(Rule):
    """Σ_{i in d, p} a[i, p] ≥ κ × Σ_{i in d, p} upper[i, p] for every district d."""

    share: float
    key: ClassVar[str] = "district_floor"
    moves_by: ClassVar[str] = "district"
    neutral: ClassVar[float | None] = 0.0

    def members(self, ctx: Context, group: str) -> np.ndarray:
        return np.asarray(ctx.district == group, dtype=bool)

    def group_label(self, group: str, lang: Lang) -> str:
        return group

    def needs(self, ctx: Context) -> dict[str, float]:
        """Yuan each district must receive at least."""
        per_firm = ctx.limits.upper.sum(axis=1)
        return {d: self.share * math.fsum(per_firm[ctx.district == d])
                for d in sorted(set(ctx.district))}

    def rows(self, ctx: Context) -> list[Row]:
        return [Row(RowKey(self.key, d), *ctx.pairs(self.members(ctx, d)), Sense.GE, need)
                for d, need in self.needs(ctx).items()]

    def prechecks(self, ctx: Context) -> list[Finding]:
        findings: list[Finding] = []
        needs = self.needs(ctx)
        need = math.fsum(needs.values())
        total = ctx.scenario.policy.total_budget
        if ctx.scenario.policy.redemption_model().active:
            total = math.inf  # pools may issue more than they hold: the elastic LP decides
        if need > total + SHORTFALL_YUAN:
            zh, en = (text("diagnose.district_floor.total", lang, share=self.parameter,
                           need=yuan(need, lang), pools=_pools(ctx, lang))
                      for lang in ("zh", "en"))
            findings.append(Finding((self.key, "budget"), zh, en, need - total))
        for district, need_d in needs.items():
            findings += _beyond_total_cap(
                self, need_d, math.fsum(ctx.limits.firm_max[self.members(ctx, district)]),
                district)
        return findings

    def commitment_prechecks(self, ctx: Context) -> list[Finding]:
        # each district needs its floor, or what its own commitments already hold if more
        per_firm = ctx.limits.lower.sum(axis=1)
        need = math.fsum(max(n, math.fsum(per_firm[self.members(ctx, d)]))
                         for d, n in self.needs(ctx).items())
        room = math.fsum(pool_room(ctx, j) for j in range(ctx.n_programs))
        return self._held_finding(ctx, need - room, np.ones(ctx.n_firms, dtype=bool),
                                  share=self.parameter, need=money(need), room=money(room))

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        per_firm = amounts.sum(axis=1)
        return [
            Violation(self.key, d, f"{d} gets {yuan(got)}, floor {yuan(need)}")
            for d, need in self.needs(ctx).items()
            if _short(got := math.fsum(per_firm[self.members(ctx, d)]), need)
        ]


@dataclass(frozen=True)
class BasicResearchSetAside(Rule):
    """Σ_{basic, p} a[i, p] ≥ min(β × Σ_p budget.p, Σ_{basic, p} upper[i, p])."""

    share: float
    key: ClassVar[str] = "basic_research_floor"
    neutral: ClassVar[float | None] = 0.0

    def members(self, ctx: Context, group: str) -> np.ndarray:
        return ctx.basic_research

    def group_label(self, group: str, lang: Lang) -> str:
        return text("rule.group.basic_research", lang)

    def need(self, ctx: Context) -> float:
        eligible = math.fsum(ctx.limits.upper[ctx.basic_research].ravel())
        return min(self.share * ctx.scenario.policy.total_budget, eligible)

    def rows(self, ctx: Context) -> list[Row]:
        return [Row(RowKey(self.key), *ctx.pairs(ctx.basic_research), Sense.GE, self.need(ctx))]

    def prechecks(self, ctx: Context) -> list[Finding]:
        return _beyond_total_cap(self, self.need(ctx),
                                 math.fsum(ctx.limits.firm_max[ctx.basic_research]))

    def commitment_prechecks(self, ctx: Context) -> list[Finding]:
        others = ~ctx.basic_research
        need, held = self.need(ctx), _held(ctx, others)
        room = math.fsum(pool_room(ctx, j) for j in range(ctx.n_programs)) - held
        return self._held_finding(ctx, need - room, others, share=self.parameter,
                                  need=money(need), held=money(held),
                                  room=money(max(room, 0.0)))

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        got, need = math.fsum(amounts[ctx.basic_research].ravel()), self.need(ctx)
        if _short(got, need):
            return [Violation(self.key, "",
                              f"basic research gets {yuan(got)}, needs {yuan(need)}")]
        return []


@dataclass(frozen=True)
class MaxMinLevel(Rule):
    """``objective = maxmin/leximin``: every group's coverage Σ a / Σ upper ≥ the level t.

    Its rows are built by :mod:`optimizer.model` from :meth:`groups` (they hold
    the level variable); it is not a policy rule of :func:`rules_for`, but
    explanations ask it about its groups like any other rule.
    """

    leximin: bool = False
    with_districts: bool = False
    key: ClassVar[str] = "objective"

    def rows(self, ctx: Context) -> list[Row]:
        return []

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        return []

    def groups(self, ctx: Context) -> list[tuple[str, np.ndarray]]:
        """``(group, firm mask)`` of the size classes (and districts) that are levelled."""
        keyed = [(f"class.{c.value}", ctx.size_class == c.value) for c in SizeClass]
        if self.with_districts:
            keyed += [(f"district.{d}", ctx.district == d) for d in sorted(set(ctx.district))]
        return keyed

    def members(self, ctx: Context, group: str) -> np.ndarray:
        kind, _, name = group.partition(".")
        return np.asarray((ctx.size_class if kind == "class" else ctx.district) == name, dtype=bool)

    def group_label(self, group: str, lang: Lang) -> str:
        kind, _, name = group.partition(".")
        return text(f"rule.group.class.{name}", lang) if kind == "class" else name

    def describe(self, lang: Lang) -> str:
        return self.label(lang)

    def route_phrase(self, group: str, lang: Lang, levels: Mapping[str, float]) -> str:
        level = levels.get(group, min(levels.values(), default=0.0))
        return text("explain.route.objective", lang, group=self.group_label(group, lang),
                    level=share(level),
                    rule=text(f"objective.rule.{'leximin' if self.leximin else 'maxmin'}", lang))


def _pools(ctx: Context, lang: Lang) -> str:
    budgets = ctx.scenario.policy.budgets
    total = yuan(ctx.scenario.policy.total_budget, lang)
    if len(budgets) == 1:
        return text("diagnose.pools.one", lang, program=program_label(budgets[0][0], lang),
                    total=total)
    count = str(len(budgets)) if lang == "zh" else {2: "two", 3: "three", 4: "four"}.get(
        len(budgets), str(len(budgets)))
    return text("diagnose.pools.many", lang, count=count, total=total)


@dataclass(frozen=True)
class RedemptionRisk(Rule):
    """P(spending of pool p > budget.p) ≤ ε for every pool with a redemption model.

    Spending is Σ_g r_g y_g over the pool's groups g = (size class, program),
    with y_g = Σ_{i∈g} a[i, p] the yuan issued and r_g the group's random
    redemption rate (:mod:`optimizer.redemption`). The chance constraint is kept
    by a CVaR limit over N sampled rate vectors (Rockafellar–Uryasev), with one
    auxiliary column y_g per group so that each sample row has few nonzeros, and
    one column U for the samples' total excess, so that ε is one coefficient::

        Σ_{i∈g} a[i, p] − y_g ≤ 0                      (group ``P.issued.CLASS``)
        u_s + t − Σ_g r_{g,s} y_g ≥ 0,  u_s ≥ 0         (group ``P.sample.s``)
        Σ_s u_s − U ≤ 0                                (group ``P.excess``)
        t + 1/(εN) U ≤ budget.p                        (group ``P``: the reported row)

    Such a pool has no plain pool row (:class:`PoolBudget` leaves it out), so it
    may issue more than it holds. Only the CVaR row is reported; its dual is
    impact per yuan of pool, like a pool row's. The sampled rates depend on the
    seed and the number of samples, not on ε: a policy that only moves ε changes
    the CVaR row's coefficient on U and nothing else
    (:class:`~optimizer.solve.Resolver` re-solves such a change warm).
    """

    model: RedemptionModel
    budgets: tuple[tuple[str, float], ...]
    epsilon: float
    samples: int
    seed: int
    key: ClassVar[str] = "redemption"
    hard: ClassVar[bool] = True
    shadow_verb: ClassVar[str] = "add"

    @cached_property
    def cvar(self) -> list[CvarProgram]:
        """The sampled data of each modelled pool's CVaR row."""
        return cvar_programs(self.model, self.budgets, self.epsilon, self.samples, self.seed)

    def variables(self, ctx: Context) -> list[AuxVariable]:
        out = []
        for c in self.cvar:
            p = c.program
            out += [AuxVariable(f"redemption.{p}.y.{cls}") for cls in c.size_classes]
            out.append(AuxVariable(f"redemption.{p}.t", low=None))
            out += [AuxVariable(f"redemption.{p}.u.{s}") for s in range(len(c.rates))]
            out.append(AuxVariable(f"redemption.{p}.excess"))
        return out

    def rows(self, ctx: Context) -> list[Row]:
        none = np.zeros(0, dtype=np.int64)
        out = []
        for c in self.cvar:
            p, j = c.program, ctx.scenario.programs.index(c.program)
            issued = [f"redemption.{p}.y.{cls}" for cls in c.size_classes]
            t, excess = f"redemption.{p}.t", f"redemption.{p}.excess"
            u = [f"redemption.{p}.u.{s}" for s in range(len(c.rates))]
            for cls, y in zip(c.size_classes, issued, strict=True):
                out.append(Row(RowKey(self.key, f"{p}.issued.{cls}"),
                               *ctx.pairs(ctx.size_class == cls, j), Sense.LE, 0.0,
                               aux=((y, -1.0),)))
            out += _sample_rows(self.key, p, tuple(issued),
                                tuple(map(tuple, (-c.rates).tolist())))
            out.append(Row(RowKey(self.key, f"{p}.excess"), none, none, Sense.LE, 0.0,
                           aux=(*((u_s, 1.0) for u_s in u), (excess, -1.0))))
            out.append(Row(RowKey(self.key, p), none, none, Sense.LE, pool_room(ctx, j, c.budget),
                           aux=((t, 1.0), (excess, c.weight))))
        return out

    def reported(self, group: str) -> bool:
        return "." not in group  # the CVaR row of each pool, not its sample or issued rows

    def label(self, lang: Lang) -> str:
        return text("redemption.label", lang)

    def members(self, ctx: Context, group: str) -> np.ndarray:
        _, _, size_class = group.partition(".issued.")
        if size_class:
            return np.asarray(ctx.size_class == size_class, dtype=bool)
        return np.ones(ctx.n_firms, dtype=bool)

    def group_label(self, group: str, lang: Lang) -> str:
        return program_label(group.split(".")[0], lang)

    def describe(self, lang: Lang) -> str:
        return "".join(
            text("redemption.describe", lang, program=program_label(c.program, lang),
                 budget=yuan(c.budget, lang), risk=share(self.epsilon), samples=len(c.rates))
            for c in self.cvar)

    def shadow_phrase(self, group: str, lang: Lang) -> tuple[str, str]:
        g = self.group_label(group, lang)
        return (text("redemption.shadow_name", lang, program=g),
                text("redemption.shadow_room", lang, program=g, s="{s}"))

    def blocker_phrase(self, row: Row, lang: Lang) -> str:
        return text("redemption.shadow_name", lang, program=self.group_label(row.group, lang))

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        programs = ctx.scenario.programs
        out = []
        for c in self.cvar:
            value = c.cvar(amounts[:, programs.index(c.program)], ctx.size_class)
            if _over(value, c.budget):
                out.append(Violation(self.key, c.program, text(
                    "redemption.violation", "en", program=c.program, cvar=yuan(value),
                    budget=yuan(c.budget))))
        return out


@lru_cache(maxsize=8)
def _sample_rows(key: str, program: str, issued: tuple[str, ...],
                 negated: tuple[tuple[float, ...], ...]) -> tuple[Row, ...]:
    """One CVaR row per sample, ``u_s + t − Σ_g r_{g,s} y_g ≥ 0`` (``negated``: −r).

    They depend on the samples alone, not on ε: kept for the next rule with the
    same samples (a sweep of ε builds its rules again at every point).
    """
    none = np.zeros(0, dtype=np.int64)
    t = f"redemption.{program}.t"
    return tuple(Row(RowKey(key, f"{program}.sample.{s}"), none, none, Sense.GE, 0.0,
                     aux=((f"redemption.{program}.u.{s}", 1.0), (t, 1.0),
                          *zip(issued, rates, strict=True)))
                 for s, rates in enumerate(negated))


#: The fairness rules set by one share in [0, 1]: policy key → the rule class.
SHARE_RULES: dict[str, type[StartupSetAside | LargeFirmCap | DistrictFloor |
                          BasicResearchSetAside]] = {
    cls.key: cls for cls in (StartupSetAside, LargeFirmCap, DistrictFloor, BasicResearchSetAside)
}

#: Each share rule's neutral value: the policy leaves the rule out, and its rows, if
#: built anyway, cannot bind (a floor asks for 0, the cap allows the whole pool).
NEUTRAL_SHARES: dict[str, float] = {key: float(cls.neutral or 0.0)
                                    for key, cls in SHARE_RULES.items()}


def rules_for(scenario: Scenario) -> list[Rule]:
    """The rules a scenario's policy switches on, hard rules first."""
    policy = scenario.policy
    redemption = policy.redemption_model()
    rules: list[Rule] = [PoolBudget(tuple(
        (p, b) for p, b in policy.budgets if not redemption.modelled(p)))]
    if redemption.active:
        rules.append(RedemptionRisk(redemption, policy.budgets, policy.overspend_risk,
                                    policy.redemption_samples, policy.redemption_seed))
    if policy.cap_total is not None:
        rules.append(FirmTotalCap(policy.cap_total))
    rules += [cls(getattr(policy, key)) for key, cls in SHARE_RULES.items()
              if getattr(policy, key) != NEUTRAL_SHARES[key]]
    return rules


def rule_of(key: str, rules: list[Rule] | tuple[Rule, ...]) -> Rule:
    """The rule among ``rules`` whose key is ``key``."""
    for rule in rules:
        if rule.key == key:
            return rule
    raise KeyError(key)


# -- compatibility for callers outside optimizer/ (ui/, report/) ------------------------

#: Short names of the rules: key → (zh, en). Read :meth:`Rule.label` in new code.
RULE_NAMES: dict[str, tuple[str, str]] = {
    key: (text(f"rule.{key}", "zh"), text(f"rule.{key}", "en"))
    for key in ("budget", "cap.total", *SHARE_RULES)
}

_LABELLERS: dict[str, Rule] = {
    "budget": PoolBudget(()), "cap.total": FirmTotalCap(0.0),
    **{key: cls(0.0) for key, cls in SHARE_RULES.items()}, "objective": MaxMinLevel(),
    "redemption": RedemptionRisk(RedemptionModel(()), (), 0.05, 1, 0),
}


def rule_name(key: str, lang: Lang) -> str:
    """The short name of a rule in one language (shim; use :meth:`Rule.label`)."""
    return _LABELLERS[key].label(lang) if key in _LABELLERS else key


def group_label(rule: str, group: str, lang: Lang) -> str:
    """What a row of ``rule`` is about (shim; use :meth:`Rule.group_label`)."""
    return _LABELLERS[rule].group_label(group, lang) if rule in _LABELLERS else group
