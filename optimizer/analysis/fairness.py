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
With a redemption model whose rates are uncertain (sd > 0), the overspend-risk
limit (rule ``"overspend_risk"``) is priced against issuing on expected
redemption alone: the same means with sd 0, where expected spending fills the pool.
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
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from optimizer.analysis.frontier import RISK
from optimizer.analysis.metrics import grouped_by
from optimizer.catalog import LANGS, Lang, text
from optimizer.overrides import override_columns, read_overrides
from optimizer.policy import Objective, Policy, format_tiers
from optimizer.result import Result
from optimizer.rules import NEUTRAL_SHARES, SHARE_RULES
from optimizer.scenario import Scenario, SizeClass
from optimizer.solve import TIE_BREAK, Resolver, solve
from optimizer.units import share, yuan

#: Money moves smaller than this (yuan) are not named in the sentences.
MOVE_YUAN = 1.0

#: Yuan per firm → yuan per group (size class or district), from :func:`grouped_by`.
GroupSums = Callable[[np.ndarray], dict[str, float]]

@dataclass(frozen=True)
class PriceOfFairness:
    """What one fairness rule (or all of them) costs.

    Attributes
    ----------
    rule
        ``"all"``, a policy key (``startup_floor``, ``large_cap``,
        ``district_floor``, ``basic_research_floor``, ``returns.tiers``) or
        ``"objective"`` (max-min or leximin), or ``"overrides"`` (officers'
        fixed awards, bounds and exclusions: see :func:`price_of_overrides`).
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
    label_zh: str = ""
    label_en: str = ""

    def label(self, lang: Lang) -> str:
        """The rule priced, with its setting ("35%的初创企业专项"), in ``lang``."""
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class Comparison:
    """Two policies whose optimal impacts differ by one rule's price.

    It knows how the rule priced is named: the catalog text ``label_key``
    with ``{parameter}`` and, for a rule with a name of its own (a share rule,
    the risk limit), ``{rule}`` from ``named``.
    """

    rule: str
    parameter: str
    fair: Policy
    free: Policy
    label_key: str = "fairness.all"
    named: Callable[[Lang], str] | None = None
    #: the groups between which it moves money, named in its sentence
    moves_by: str = "size_class"

    def label(self, lang: Lang) -> str:
        """The rule priced, with its setting ("35%的初创企业专项"), in ``lang``."""
        rule = self.named(lang) if self.named is not None else ""
        return text(self.label_key, lang, parameter=self.parameter, rule=rule)


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
                                  base.with_values(**{key: rule.neutral}),
                                  "fairness.rule", rule(value).label, rule.moves_by))
    if policy.objective is not Objective.IMPACT:
        fair = base.with_values(objective=policy.objective,
                                leximin_districts=policy.leximin_districts)
        out.append(Comparison("objective", str(policy.objective), fair, base,
                              f"fairness.objective.{policy.objective}"))
    if policy.tiers:
        out.append(Comparison("returns.tiers", format_tiers(policy.tiers),
                              base.with_values(tiers=policy.tiers), base, "fairness.tiers"))
    if any(g.sd > 0 for g in policy.redemption_model().groups):
        # the overspend-risk limit against issuing on expected redemption alone (sd 0)
        out.append(Comparison(RISK, share(policy.overspend_risk), base,
                              base.with_values(redemption_sd=()), "fairness.rule",
                              partial(text, "redemption.label")))
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
    overridden = price_of_overrides(scenario, result)
    if not result.optimal or not rules:
        return overridden
    cache: dict[Policy, Result] = {scenario.policy: result}
    base = impact_only(scenario.policy)  # every fairness constraint, plain impact objective
    resolver: Resolver | None = None

    def solved(policy: Policy) -> Result:
        nonlocal resolver
        if policy not in cache:
            same_lp = policy.redemption_sd == base.redemption_sd
            if policy.objective is Objective.IMPACT and not policy.tiers and same_lp:
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
    # "all" is the fairness constraints together; the risk limit is priced on its own
    together = [everything] if any(c.rule != RISK for c in rules) else []
    for c in [*together, *rules]:
        fair, free = solved(c.fair), solved(c.free)
        # dropping rules never makes a scenario infeasible, but a solver can still fail
        # (status error): such a comparison has no price and is left out
        if fair.optimal and free.optimal:
            out.append(_price(c, fair, free, by_class, by_district))
    return out + overridden


def price_of_overrides(scenario: Scenario, result: Result) -> list[PriceOfFairness]:
    """What the officers' overrides (fixed awards, bounds, exclusions) cost, as rule ``overrides``.

    The scenario is solved again without its override columns, under the same
    policy. A reserve (``reserve.P``) is a share of what is left after the
    commitments, so it depends on the overrides themselves: when the policy has
    one, both sides are solved without it, and the price is that of the
    overrides alone (never negative). ``moved`` is the yuan that changed hands
    between firms (the sum of the gains).
    """
    if not result.optimal or not read_overrides(scenario).any:
        return []
    plain = scenario.firms.drop(columns=[c for c in override_columns(scenario.programs)
                                         if c in scenario.firms.columns])
    policy = scenario.policy.with_values(reserves=())
    fair = result if policy == scenario.policy else solve(scenario.with_policy(policy))
    free = solve(Scenario(plain, policy, scenario.name))
    if not (fair.optimal and free.optimal):
        return []
    by_class = grouped_by(scenario.firms["size_class"].astype(str).to_numpy())
    by_district = grouped_by(scenario.firms["district"].astype(str).to_numpy())
    overrides = Comparison("overrides", "", scenario.policy, policy, "override.pof.label")
    price = _price(overrides, fair, free, by_class, by_district)
    delta = fair.totals - free.totals
    moved = math.fsum(delta[delta > 0])
    shown = f"{price.impact_lost_pct:.1f}%" if price.impact_lost_pct >= 0.1 else (
        f"{price.impact_lost_pct:.2g}%")
    count = int((np.abs(delta) > MOVE_YUAN).sum())
    sentences = [text("override.pof", lang, cost=shown, moved=yuan(moved, lang),
                      firms=str(count)) for lang in LANGS]
    return [replace(price, moved=moved, text_zh=sentences[0], text_en=sentences[1])]


def _price(c: Comparison, fair: Result, free: Result, class_sums: GroupSums,
           district_sums: GroupSums) -> PriceOfFairness:
    lost = free.objective - fair.objective
    noise = TIE_BREAK * max(math.fsum(fair.totals), math.fsum(free.totals)) + 1.0
    if -noise <= lost < 0:
        lost = 0.0
    pct = 100.0 * lost / free.objective if free.objective > 0 else 0.0
    delta = fair.totals - free.totals
    by_class, by_district = class_sums(delta), district_sums(delta)
    moves = by_district if c.moves_by == "district" else by_class
    moved = math.fsum(v for v in moves.values() if v > 0)
    zh, en = (_sentence(c, lost, pct, moves, moved, lang) for lang in LANGS)
    return PriceOfFairness(c.rule, lost, pct, by_class, by_district, zh, en, c.parameter,
                           fair.objective, free.objective, moved, c.label("zh"), c.label("en"))


def _names(groups: list[str], lang: Lang) -> str:
    """Groups named in a sentence: "large and medium firms", "南山区、宝安区"."""
    classes = {c.value for c in SizeClass}
    if len(groups) > 1 and all(g in classes and g != SizeClass.STARTUP for g in groups):
        # "large and medium firms" rather than "large firms and medium firms"
        return text("fairness.classes", lang,
                    names=_listed([text(f"fairness.class.{g}", lang) for g in groups], lang))
    return _listed([text(f"rule.group.class.{g}", lang) if g in classes else g
                    for g in groups], lang)


def _listed(names: list[str], lang: Lang) -> str:
    if len(names) == 1:
        return names[0]
    return text("fairness.last", lang, most=text("rule.list", lang).join(names[:-1]),
                last=names[-1])


def _sentence(c: Comparison, lost: float, pct: float, moves: dict[str, float], moved: float,
              lang: Lang) -> str:
    gainers = sorted((g for g, v in moves.items() if v > MOVE_YUAN), key=lambda g: -moves[g])
    losers = sorted((g for g, v in moves.items() if v < -MOVE_YUAN), key=lambda g: moves[g])
    if moved > MOVE_YUAN and gainers and losers:
        move = text("fairness.move", lang, moved=yuan(moved, lang), losers=_names(losers, lang),
                    gainers=_names(gainers, lang))
    elif moved > MOVE_YUAN:
        move = text("fairness.move.gain", lang, gainers=_names(gainers, lang),
                    moved=yuan(moved, lang))
    else:
        move = text(f"fairness.move.none.{c.moves_by}", lang)
    shown = f"{pct:.1f}%" if pct >= 0.1 else f"{pct:.2g}%"
    cost = text("fairness.cost", lang, pct=shown) if lost > 0 else text("fairness.cost.none",
                                                                        lang)
    return text("fairness.price", lang, label=c.label(lang), cost=cost, move=move)
