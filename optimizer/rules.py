"""The allocation rules, each one small object.

A rule knows its policy parameters, the rows it adds to the LP, a sentence
describing it in Chinese and English, and an independent :meth:`check` of an
allocation that does not go through the LP. Adding a rule means adding one
class here and one line in :func:`rules_for`.

Rows are stated over the allocation ``a[i, p]`` in yuan; :mod:`optimizer.model`
scales them. Every row here is a plain sum of allocations (coefficient 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

from optimizer.bounds import Limits, firm_limits
from optimizer.money import Lang, share, yuan
from optimizer.overrides import available
from optimizer.scenario import PROGRAM_ZH, Scenario, SizeClass

#: Absolute slack (yuan) allowed when checking an allocation against a rule,
#: on top of a relative 1e-7 of the amount involved.
TOLERANCE_YUAN = 1.0


class Sense(StrEnum):
    """Direction of a row."""

    LE = "<="
    GE = ">="


@dataclass(frozen=True, eq=False)
class Row:
    """Σ a[i, p] over the listed (firm, program) pairs, compared with ``rhs`` yuan.

    Attributes
    ----------
    name
        Unique, e.g. ``"budget.model"`` or ``"district_floor.南山区"``.
    rule
        The key of the rule that made it.
    group
        What the row is about: a program, a district, a firm id.
    firms, programs
        Parallel index arrays of the pairs summed.
    """

    name: str
    rule: str
    group: str
    firms: np.ndarray
    programs: np.ndarray
    sense: Sense
    rhs: float

    def activity(self, amounts: np.ndarray) -> float:
        """Σ a over the row's pairs, for an allocation matrix (firms × programs)."""
        return math.fsum(amounts[self.firms, self.programs])


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


class Rule(Protocol):
    """What every rule provides."""

    @property
    def key(self) -> str:
        """The policy key (or family of keys) the rule comes from."""
        ...

    @property
    def hard(self) -> bool:
        """Budgets and firm caps are never relaxed when diagnosing."""
        ...

    def rows(self, ctx: Context) -> list[Row]: ...

    def describe(self, lang: Lang) -> str: ...

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]: ...


#: Short names of the rules, for explanations: key → (zh, en).
RULE_NAMES: dict[str, tuple[str, str]] = {
    "budget": ("资金池", "pool"),
    "cap.total": ("单企业合计上限", "per-firm total cap"),
    "startup_floor": ("初创企业专项", "startup set-aside"),
    "large_cap": ("大型企业上限", "large-firm cap"),
    "district_floor": ("区域保底", "district floor"),
    "basic_research_floor": ("基础研究专项", "basic-research set-aside"),
}


def rule_name(key: str, lang: Lang) -> str:
    """The short name of a rule in one language."""
    zh, en = RULE_NAMES.get(key, (key, key))
    return zh if lang == "zh" else en


def program_label(program: str, lang: Lang) -> str:
    """模型券 / 训力券 / 语料券 in Chinese, the program key in English."""
    return PROGRAM_ZH.get(program, program) if lang == "zh" else program


def group_label(rule: str, group: str, lang: Lang) -> str:
    """What a row of ``rule`` is about, in words: 训力券, 南山区, 基础研究项目, a firm id."""
    if rule in ("budget", "startup_floor", "large_cap"):
        return program_label(group, lang)
    if rule == "basic_research_floor":
        return "基础研究项目" if lang == "zh" else "basic-research projects"
    return group


def pool_room(ctx: Context, program: int, budget: float) -> float:
    """What pool ``program`` may pay this round: its budget less ``reserve.P`` of what is
    left after commitments (:func:`optimizer.overrides.available`)."""
    p = ctx.scenario.programs[program]
    commitments = float(ctx.limits.committed[program]) if ctx.limits.committed.size else 0.0
    return available(budget, ctx.scenario.policy.reserve(p), commitments)


def _short(have: float, need: float) -> bool:
    return have < need - TOLERANCE_YUAN - 1e-7 * abs(need)


def _over(have: float, limit: float) -> bool:
    return have > limit + TOLERANCE_YUAN + 1e-7 * abs(limit)


@dataclass(frozen=True)
class PoolBudget:
    """Σ_i a[i, p] ≤ budget.p for every program p."""

    budgets: tuple[tuple[str, float], ...]
    key: str = "budget"
    hard: bool = True

    def rows(self, ctx: Context) -> list[Row]:
        everyone = np.ones(len(ctx.size_class), dtype=bool)
        return [
            Row(f"budget.{p}", self.key, p, *ctx.pairs(everyone, j), Sense.LE,
                pool_room(ctx, j, b))
            for j, (p, b) in enumerate(self.budgets)
        ]

    def describe(self, lang: Lang) -> str:
        pools = "、".join(f"{program_label(p, lang)}{yuan(b, lang)}" for p, b in self.budgets)
        if lang == "zh":
            return f"资金池：{pools}，各券种发放总额不超过其资金池。"
        pools = ", ".join(f"{p} {yuan(b, lang)}" for p, b in self.budgets)
        return f"Pools: {pools}; no program pays out more than its pool."

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        return [
            Violation(self.key, p, f"pool {p} pays {yuan(spent)}, more than its {yuan(room)}")
            for j, (p, b) in enumerate(self.budgets)
            if _over(spent := math.fsum(amounts[:, j]), room := pool_room(ctx, j, b))
        ]


@dataclass(frozen=True)
class FirmTotalCap:
    """Σ_p a[i, p] ≤ cap.total for every firm (a row only where it can bind)."""

    cap_total: float
    key: str = "cap.total"
    hard: bool = True

    def rows(self, ctx: Context) -> list[Row]:
        upper = ctx.limits.upper
        can_bind = (upper.sum(axis=1) > self.cap_total) & ((upper > 0).sum(axis=1) > 1)
        ids = ctx.scenario.firms["firm_id"].to_numpy()
        return [
            Row(f"cap.total.{ids[i]}", self.key, str(ids[i]),
                np.full(ctx.n_programs, i), np.arange(ctx.n_programs), Sense.LE, self.cap_total)
            for i in np.flatnonzero(can_bind)
        ]

    def describe(self, lang: Lang) -> str:
        if lang == "zh":
            return f"单个企业各券种合计不超过{yuan(self.cap_total, lang)}。"
        return f"No firm receives more than {yuan(self.cap_total)} across all programs."

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        totals = amounts.sum(axis=1)
        ids = ctx.scenario.firms["firm_id"].to_numpy()
        return [
            Violation(self.key, str(ids[i]), f"firm {ids[i]} gets {yuan(totals[i])} in total")
            for i in np.flatnonzero([_over(t, self.cap_total) for t in totals])
        ]


@dataclass(frozen=True)
class StartupSetAside:
    """Σ_startups a[i, p] ≥ min(φ × budget.p, Σ_startups upper[i, p]) for each program."""

    share: float
    key: str = "startup_floor"
    hard: bool = False

    def need(self, ctx: Context, program: int) -> float:
        startups = ctx.size_class == SizeClass.STARTUP
        budget = ctx.scenario.policy.budgets[program][1]
        return min(self.share * budget, math.fsum(ctx.limits.upper[startups, program]))

    def rows(self, ctx: Context) -> list[Row]:
        startups = ctx.size_class == SizeClass.STARTUP
        return [
            Row(f"{self.key}.{p}", self.key, p, *ctx.pairs(startups, j), Sense.GE,
                self.need(ctx, j))
            for j, p in enumerate(ctx.scenario.programs)
        ]

    def describe(self, lang: Lang) -> str:
        if lang == "zh":
            return (f"初创企业专项：每个券种至少{share(self.share)}的资金留给初创企业"
                    "（初创企业可获额度合计更少时，以其为限）。")
        return (f"Startup set-aside: at least {share(self.share)} of each pool goes to startups "
                "(or all they are eligible for, if that is less).")

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        startups = ctx.size_class == SizeClass.STARTUP
        out = []
        for j, p in enumerate(ctx.scenario.programs):
            got, need = math.fsum(amounts[startups, j]), self.need(ctx, j)
            if _short(got, need):
                out.append(Violation(self.key, p,
                                     f"startups get {yuan(got)} of {p}, need {yuan(need)}"))
        return out


@dataclass(frozen=True)
class LargeFirmCap:
    """Σ_large a[i, p] ≤ ψ × budget.p for each program."""

    share: float
    key: str = "large_cap"
    hard: bool = False

    def rows(self, ctx: Context) -> list[Row]:
        large = ctx.size_class == SizeClass.LARGE
        return [
            Row(f"{self.key}.{p}", self.key, p, *ctx.pairs(large, j), Sense.LE, self.share * b)
            for j, (p, b) in enumerate(ctx.scenario.policy.budgets)
        ]

    def describe(self, lang: Lang) -> str:
        if lang == "zh":
            return f"大型企业上限：每个券种发给大型企业的合计不超过资金池的{share(self.share)}。"
        return f"Large-firm cap: large firms get at most {share(self.share)} of each pool."

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        large = ctx.size_class == SizeClass.LARGE
        return [
            Violation(self.key, p, f"large firms get {yuan(got)} of {p}, cap {yuan(limit)}")
            for j, (p, b) in enumerate(ctx.scenario.policy.budgets)
            if _over(got := math.fsum(amounts[large, j]), limit := self.share * b)
        ]


@dataclass(frozen=True)
class DistrictFloor:
    """Σ_{i in d, p} a[i, p] ≥ κ × Σ_{i in d, p} upper[i, p] for every district d."""

    share: float
    key: str = "district_floor"
    hard: bool = False

    def needs(self, ctx: Context) -> dict[str, float]:
        """Yuan each district must receive at least."""
        per_firm = ctx.limits.upper.sum(axis=1)
        return {
            d: self.share * math.fsum(per_firm[ctx.district == d])
            for d in sorted(set(ctx.district))
        }

    def rows(self, ctx: Context) -> list[Row]:
        return [
            Row(f"{self.key}.{d}", self.key, d, *ctx.pairs(ctx.district == d), Sense.GE, need)
            for d, need in self.needs(ctx).items()
        ]

    def describe(self, lang: Lang) -> str:
        if lang == "zh":
            return f"区域保底：每个区获得的资金至少为该区企业可获额度合计的{share(self.share)}。"
        return (f"District floor: every district receives at least {share(self.share)} "
                "of what its firms are eligible for.")

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        per_firm = amounts.sum(axis=1)
        return [
            Violation(self.key, d, f"{d} gets {yuan(got)}, floor {yuan(need)}")
            for d, need in self.needs(ctx).items()
            if _short(got := math.fsum(per_firm[ctx.district == d]), need)
        ]


@dataclass(frozen=True)
class BasicResearchSetAside:
    """Σ_{basic, p} a[i, p] ≥ min(β × Σ_p budget.p, Σ_{basic, p} upper[i, p])."""

    share: float
    key: str = "basic_research_floor"
    hard: bool = False

    def need(self, ctx: Context) -> float:
        eligible = math.fsum(ctx.limits.upper[ctx.basic_research].ravel())
        return min(self.share * ctx.scenario.policy.total_budget, eligible)

    def rows(self, ctx: Context) -> list[Row]:
        return [Row(self.key, self.key, "basic_research", *ctx.pairs(ctx.basic_research),
                    Sense.GE, self.need(ctx))]

    def describe(self, lang: Lang) -> str:
        if lang == "zh":
            return (f"基础研究专项：全部资金池的至少{share(self.share)}用于基础研究项目"
                    "（其可获额度合计更少时，以其为限）。")
        return (f"Basic-research set-aside: at least {share(self.share)} of all pools goes to "
                "basic-research projects (or all they are eligible for, if that is less).")

    def check(self, ctx: Context, amounts: np.ndarray) -> list[Violation]:
        got, need = math.fsum(amounts[ctx.basic_research].ravel()), self.need(ctx)
        if _short(got, need):
            return [Violation(self.key, "basic_research",
                              f"basic research gets {yuan(got)}, needs {yuan(need)}")]
        return []


#: The fairness rules set by one share in [0, 1]: policy key → the rule it makes.
SHARE_RULES: dict[str, Callable[[float], Rule]] = {
    "startup_floor": StartupSetAside,
    "large_cap": LargeFirmCap,
    "district_floor": DistrictFloor,
    "basic_research_floor": BasicResearchSetAside,
}

#: Each share rule's neutral value: the policy leaves the rule out, and its rows, if
#: built anyway, cannot bind (a floor asks for 0, the cap allows the whole pool).
NEUTRAL_SHARES: dict[str, float] = {
    "startup_floor": 0.0,
    "large_cap": 1.0,
    "district_floor": 0.0,
    "basic_research_floor": 0.0,
}


def rules_for(scenario: Scenario) -> list[Rule]:
    """The rules a scenario's policy switches on, hard rules first."""
    policy = scenario.policy
    rules: list[Rule] = [PoolBudget(policy.budgets)]
    if policy.cap_total is not None:
        rules.append(FirmTotalCap(policy.cap_total))
    if policy.startup_floor > 0:
        rules.append(StartupSetAside(policy.startup_floor))
    if policy.large_cap < 1:
        rules.append(LargeFirmCap(policy.large_cap))
    if policy.district_floor > 0:
        rules.append(DistrictFloor(policy.district_floor))
    if policy.basic_research_floor > 0:
        rules.append(BasicResearchSetAside(policy.basic_research_floor))
    return rules
