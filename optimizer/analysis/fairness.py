"""The price of fairness, rule by rule: what each fairness rule costs and who pays.

Following Bertsimas, Farias and Trichakis (2011), the price of a rule is
(best impact without it − impact with it) / best impact without it, impact
being Σ score × yuan with the scores as given. We re-solve the scenario:

- without **all** its fairness rules (entry ``rule="all"``): the plain impact
  optimum against the scenario's own result;
- without **each** active fairness rule in turn, the others kept, so each entry
  is that rule's marginal cost given the rest.

The fairness *constraints* are the startup set-aside, the large-firm cap, the
district floor and the basic-research set-aside. A fairness *objective* is
priced as a rule too: ``objective = maxmin`` or ``leximin`` (rule
``"objective"``) and the diminishing-returns tiers (rule ``"returns.tiers"``).
Budgets, rates, per-firm caps and thresholds are the programs' own terms and
are always kept.

How objectives are treated: with a max-min objective, dropping a constraint
can *lower* impact (lifting a large-firm cap lets the max-min level rise, and
the higher level then costs impact), so drop-one differences under such an
objective are not prices. Each entry therefore compares with the
**constrained impact optimum** (every fairness constraint, plain impact
objective): a constraint's price is the impact gained by dropping it from that
optimum; an objective's price is what switching that objective on, alone,
costs against it. When the scenario's objective is plain impact, this is
exactly the drop-one difference from the scenario's own result. Every price
is then ≥ 0, because each "without" optimum maximises impact over a set that
contains the "with" allocation.

Every policy compared here but the objectives' and the tiers' own is the
constrained impact optimum with some fairness constraints switched off, and
switching a constraint off only moves its rows' right-hand sides to a value at
which they cannot bind (floors to 0, the large-firm cap to the whole pool). So
those are solved on one LP, built once, by :class:`optimizer.solve.Resolver`;
a max-min or leximin objective and diminishing-returns tiers change the LP
itself and are solved afresh with :func:`optimizer.solve`.

Because the LP breaks ties with a tiny bonus (:data:`optimizer.solve.TIE_BREAK`
per yuan), a re-solve can differ from the exact optimum by at most that bonus
times the money paid; a negative price within that bound is reported as 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.analysis.metrics import grouped_by
from optimizer.catalog import text
from optimizer.policy import Objective, Policy, format_tiers
from optimizer.result import Result
from optimizer.rules import NEUTRAL_SHARES, SHARE_RULES
from optimizer.scenario import Scenario
from optimizer.solve import TIE_BREAK, Resolver, solve
from optimizer.units import share, yuan

#: Money moves smaller than this (yuan) are not named in the sentences.
MOVE_YUAN = 1.0

#: Yuan per firm → yuan per group (size class or district), from :func:`grouped_by`.
GroupSums = Callable[[np.ndarray], dict[str, float]]

CLASS_NAMES: dict[str, tuple[str, str]] = {
    "startup": ("初创企业", "startups"),
    "small": ("小型企业", "small firms"),
    "medium": ("中型企业", "medium firms"),
    "large": ("大型企业", "large firms"),
}


@dataclass(frozen=True)
class PriceOfFairness:
    """What one fairness rule (or all of them) costs.

    Attributes
    ----------
    rule
        ``"all"``, a policy key (``startup_floor``, ``large_cap``,
        ``district_floor``, ``basic_research_floor``, ``returns.tiers``) or
        ``"objective"`` (max-min or leximin).
    impact_lost
        Impact without the rule − impact with it (score × yuan, ≥ 0).
    impact_lost_pct
        ``impact_lost`` as a percentage of the impact without the rule
        (2.1 means 2.1 %).
    moved_by_class, moved_by_district
        Group → yuan it gains because of the rule (negative: it loses).
    text_zh, text_en
        One sentence an officer can read out.
    parameter
        The rule's setting as shown to an officer (``"35%"``, ``"maxmin"``).
    impact_with, impact_without
        The two impacts compared.
    moved
        Yuan moved between size classes (the sum of the gains), or between
        districts for the district floor.
    """

    rule: str
    impact_lost: float
    impact_lost_pct: float
    moved_by_class: dict[str, float]
    moved_by_district: dict[str, float]
    text_zh: str
    text_en: str
    parameter: str = ""
    impact_with: float = 0.0
    impact_without: float = 0.0
    moved: float = 0.0


@dataclass(frozen=True)
class Comparison:
    """Two policies whose optimal impacts differ by one rule's price."""

    rule: str
    parameter: str
    fair: Policy
    free: Policy


def impact_only(policy: Policy) -> Policy:
    """The policy with its fairness constraints but the plain impact objective, no tiers."""
    return policy.with_values(objective=Objective.IMPACT, leximin_districts=False, tiers=())


def without_fairness(policy: Policy) -> Policy:
    """The policy with every fairness rule switched off (the programs' own terms kept)."""
    return impact_only(policy).with_values(**NEUTRAL_SHARES)


def fairness_rules(policy: Policy) -> list[Comparison]:
    """The comparisons that price each active fairness rule (``"all"`` not included)."""
    base = impact_only(policy)
    out: list[Comparison] = []
    for key, rule in SHARE_RULES.items():
        value = getattr(policy, key)
        if value != rule.neutral:
            out.append(Comparison(key, share(value), base,
                                  base.with_values(**{key: rule.neutral})))
    if policy.objective is not Objective.IMPACT:
        fair = base.with_values(objective=policy.objective,
                                leximin_districts=policy.leximin_districts)
        out.append(Comparison("objective", str(policy.objective), fair, base))
    if policy.tiers:
        out.append(Comparison("returns.tiers", format_tiers(policy.tiers),
                              base.with_values(tiers=policy.tiers), base))
    return out


def price_of_fairness(scenario: Scenario, result: Result | None = None) -> list[PriceOfFairness]:
    """The price of all fairness rules together, then of each active one in turn.

    Parameters
    ----------
    scenario
        The scenario with its fairness rules.
    result
        Its solution, if already solved (``solve(scenario)`` otherwise).

    Returns
    -------
    list of PriceOfFairness
        Empty when the scenario has no allocation (infeasible) or no active
        fairness rule; else ``"all"`` first, then one entry per active rule.
    """
    if result is None:
        result = solve(scenario)
    rules = fairness_rules(scenario.policy)
    if not result.optimal or not rules:
        return []
    cache: dict[Policy, Result] = {scenario.policy: result}
    base = impact_only(scenario.policy)  # every fairness constraint, plain impact objective
    resolver: Resolver | None = None

    def solved(policy: Policy) -> Result:
        nonlocal resolver
        if policy not in cache:
            if policy.objective is Objective.IMPACT and not policy.tiers:
                # base with some constraints neutral: only right-hand sides differ
                if resolver is None:
                    resolver = Resolver(scenario.with_policy(base))
                cache[policy] = resolver.solve(policy)
            else:
                cache[policy] = solve(scenario.with_policy(policy))
        return cache[policy]

    everything = Comparison("all", "", scenario.policy, without_fairness(scenario.policy))
    by_class = grouped_by(scenario.firms["size_class"].astype(str).to_numpy())
    by_district = grouped_by(scenario.firms["district"].astype(str).to_numpy())
    out = []
    for c in [everything, *rules]:
        fair, free = solved(c.fair), solved(c.free)
        # dropping rules never makes a scenario infeasible, but a solver can still fail
        # (status error): such a comparison has no price and is left out
        if fair.optimal and free.optimal:
            out.append(_price(scenario, c.rule, c.parameter, fair, free, by_class, by_district))
    return out


def _price(scenario: Scenario, rule: str, parameter: str, fair: Result, free: Result,
           class_sums: GroupSums, district_sums: GroupSums) -> PriceOfFairness:
    lost = free.objective - fair.objective
    noise = TIE_BREAK * max(math.fsum(fair.totals), math.fsum(free.totals)) + 1.0
    if -noise <= lost < 0:
        lost = 0.0
    pct = 100.0 * lost / free.objective if free.objective > 0 else 0.0
    delta = fair.totals - free.totals
    by_class, by_district = class_sums(delta), district_sums(delta)
    by_district_moves = rule in SHARE_RULES and SHARE_RULES[rule].moves_by == "district"
    moves = by_district if by_district_moves else by_class
    moved = math.fsum(v for v in moves.values() if v > 0)
    zh, en = _sentences(rule, parameter, scenario.policy, lost, pct, moves, moved,
                        "districts" if by_district_moves else "size classes")
    return PriceOfFairness(rule, lost, pct, by_class, by_district, zh, en, parameter,
                           fair.objective, free.objective, moved)


def _rule_label(rule: str, parameter: str, policy: Policy) -> tuple[str, str]:
    if rule in SHARE_RULES:
        named = SHARE_RULES[rule](0.0)
        zh, en = (text("fairness.rule", lang, parameter=parameter, rule=named.label(lang))
                  for lang in ("zh", "en"))
        return zh, en
    if rule == "objective":
        key = f"fairness.objective.{policy.objective}"
    else:
        key = {"all": "fairness.all", "returns.tiers": "fairness.tiers"}[rule]
    return text(key, "zh", parameter=parameter), text(key, "en", parameter=parameter)


def _names(groups: list[str], lang: int) -> str:
    named = [CLASS_NAMES.get(g, (g, g))[lang] for g in groups]
    if lang == 0:
        return "、".join(named)
    if len(named) > 1:
        # "large and medium firms" rather than "large firms and medium firms"
        if all(g in CLASS_NAMES and g != "startup" for g in groups):
            bare = [n.removesuffix(" firms") for n in named]
            return ", ".join(bare[:-1]) + " and " + bare[-1] + " firms"
        return ", ".join(named[:-1]) + " and " + named[-1]
    return named[0]


def _sentences(rule: str, parameter: str, policy: Policy, lost: float, pct: float,
               moves: dict[str, float], moved: float, what: str) -> tuple[str, str]:
    label_zh, label_en = _rule_label(rule, parameter, policy)
    gainers = sorted((g for g, v in moves.items() if v > MOVE_YUAN), key=lambda g: -moves[g])
    losers = sorted((g for g, v in moves.items() if v < -MOVE_YUAN), key=lambda g: moves[g])
    if moved > MOVE_YUAN and gainers and losers:
        move_zh = (f"，并将{yuan(moved, 'zh')}从{_names(losers, 0)}转向{_names(gainers, 0)}")
        move_en = f" and moves {yuan(moved)} from {_names(losers, 1)} to {_names(gainers, 1)}"
    elif moved > MOVE_YUAN:
        move_zh = f"，{_names(gainers, 0)}多获{yuan(moved, 'zh')}"
        move_en = f" and gives {_names(gainers, 1)} {yuan(moved)} more"
    else:
        move_zh = "，" + ("各区之间" if what == "districts" else "各规模企业之间") + "没有资金转移"
        move_en = f" and moves no money between {what}"
    verb_zh = "使影响力下降" if lost > 0 else "不降低影响力"
    shown = f"{pct:.1f}%" if pct >= 0.1 else f"{pct:.2g}%"
    cost_zh = shown if lost > 0 else ""
    cost_en = f"costs {shown} of impact" if lost > 0 else "costs no impact"
    return (f"{label_zh}{verb_zh}{cost_zh}{move_zh}。",
            f"{label_en} {cost_en}{move_en}.")
