"""Why each firm got its amount: a reason code and a sentence an appeal can use.

The reason is read from the solution and the routes recorded while solving
(:attr:`optimizer.result.Result.routes`), never guessed or parsed from row
names. Let ``cut[p]`` be the marginal value of pool p (the tie-broken score of
the money at the margin; 0 when the pool has money left). For firm i with
tie-broken score w_i, the weight of its last yuan in p is w_i (times the tier
weight with ``returns.tiers``). In order of precedence:

1. ``ineligible``: its score is below its class threshold.
2. ``set_aside``: a pair of it was funded through a binding ``≥`` row of a
   group it belongs to (a set-aside, a floor or the max-min level), not
   through the general pool (see the README, "Appeals").
3. ``group_cap``: short of its limit in a program where a binding ``≤`` row
   of a group it belongs to (the large-firm cap) holds it back, its next yuan
   beating the pool's cut-off.
4. ``firm_cap``: it reached ``cap.total``, or every program at its limit and
   a per-program cap (``cap.P``) set that limit.
5. ``rate_limit``: every program at its limit, set by the subsidy rate (a firm
   that applied for nothing is here too, with its 0).
6. ``pool_cutoff``: anything short of its limit otherwise, because the pool
   ran out at a higher score.

A firm short of its limit (``pool_cutoff``, and a partly funded ``set_aside``)
is also told every route by which it could have been funded — the general
pool of each program it is short in and each route of a group it belongs to —
with the route's cut-off (the lowest score funded through it), and which
route came closest (:attr:`Explanation.routes`).

Before all of these, a firm an officer overrode is ``excluded``, ``pinned``
(a fixed award) or ``bounded`` (at its ``max.P`` below the limit, or held at
its ``min.P``); see :mod:`optimizer.analysis.override_explain`. Money held
by a fixed award or a minimum was funded through the override's own route
(:data:`optimizer.result.OVERRIDE_ROUTE`), which is never offered to an
appealing firm and sets no pool's or group's cut-off. A firm's note follows
its sentence, whatever its reason.

Amounts within :data:`FULL_YUAN` of the limit count as full.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from optimizer.analysis.override_explain import (
    OverrideReasons,
    override_reasons,
    override_sentence,
    with_note,
)
from optimizer.catalog import Lang, text
from optimizer.result import Result, Route
from optimizer.rows import RowKey, Sense
from optimizer.rules import (
    Context,
    FirmTotalCap,
    PoolBudget,
    Rule,
    make_context,
    program_label,
)
from optimizer.solve import TIE_BREAK, tie_broken_scores
from optimizer.units import yuan

#: An amount this close to its limit (yuan, plus 1e-7 relative) is at the limit.
FULL_YUAN = 1.0
#: Relative tolerance when comparing a weight with a cut-off.
WEIGHT_TOLERANCE = 1e-7



@dataclass(frozen=True)
class RouteOffer:
    """One route by which a firm short of its limit could have been funded.

    Attributes
    ----------
    route
        ``"general.P"`` for program P's general pool, else the deciding row
        (``startup_floor.training``, ``district_floor.南山区`` …).
    cut_off
        The lowest score funded through the route (score × tier weight with tiers).
    closest
        The route whose cut-off is nearest this firm's score.
    gap
        Cut-off − this firm's (weighted) score for its next yuan.
    text_zh, text_en
        The route's name.
    """

    route: str
    cut_off: float
    closest: bool
    gap: float
    text_zh: str
    text_en: str
    general: bool = False

    def to_dict(self) -> dict[str, object]:
        """``{"route", "cut_off", "closest"}`` (and the rest) for ``explain --json``."""
        return {"route": self.route, "cut_off": self.cut_off, "closest": self.closest,
                "gap": self.gap, "text_zh": self.text_zh, "text_en": self.text_en}


class Reason(StrEnum):
    """Why a firm got what it got."""

    INELIGIBLE = "ineligible"  # score below its class threshold
    RATE_LIMIT = "rate_limit"  # funded to rate × request in every program
    FIRM_CAP = "firm_cap"  # funded to cap.P or cap.total
    POOL_CUTOFF = "pool_cutoff"  # the pool ran out above its score
    SET_ASIDE = "set_aside"  # raised by a set-aside or floor
    GROUP_CAP = "group_cap"  # held back by the large-firm cap
    EXCLUDED = "excluded"  # an officer excluded the firm
    PINNED = "pinned"  # an officer fixed its award (a commitment)
    BOUNDED = "bounded"  # held at an officer's max.P or min.P


#: Reasons that an officer's override decided.
OVERRIDE_REASONS = frozenset({Reason.EXCLUDED, Reason.PINNED, Reason.BOUNDED})


@dataclass(frozen=True)
class Explanation:
    """One firm's reason, amounts and sentences.

    Attributes
    ----------
    firm_id, reason
        Who, and the reason code.
    amounts, upper
        Program → yuan received, and the firm's limit in each program.
    text_zh, text_en
        The sentence for an appeal.
    program
        The program the reason is about (None for ``ineligible``,
        ``rate_limit`` and the total cap).
    cutoff
        That program's pool cut-off score (its marginal value), or None.
    row
        The rule row that decided it (``budget.training``,
        ``startup_floor.training``, ``cap.total.F7`` …), or None.
    score, threshold
        The firm's score and its class's eligibility threshold.
    routes
        A firm short of its limit: every route that could have funded it, with
        its cut-off, the closest marked (empty otherwise).
    """

    firm_id: str
    reason: Reason
    amounts: dict[str, float]
    upper: dict[str, float]
    text_zh: str
    text_en: str
    program: str | None = None
    cutoff: float | None = None
    row: str | None = None
    score: float = 0.0
    threshold: float = 0.0
    routes: tuple[RouteOffer, ...] = ()


@dataclass(frozen=True, eq=False)
class _Classified:
    reason: np.ndarray  # str per firm
    program: np.ndarray  # program index per firm, -1 for none
    row: np.ndarray  # deciding row name per firm, "" for none
    cutoff: np.ndarray  # per program, 0 when the pool is not binding
    next_weight: np.ndarray  # firms × programs: weight of the next yuan
    threshold: np.ndarray  # per firm
    raw_next: np.ndarray  # firms × programs: score × tier weight of the next yuan
    full: np.ndarray  # firms × programs: at the limit
    ctx: Context
    overrides: OverrideReasons  # which override decided a firm, if any


def _classify(result: Result) -> _Classified:
    if not result.optimal:
        raise ValueError(f"no allocation to explain: the scenario is {result.status}")
    scenario, limits = result.scenario, result.limits
    policy, programs = scenario.policy, scenario.programs
    firms = scenario.firms
    n, n_programs = limits.upper.shape
    amounts, upper = result.amounts, limits.upper
    ctx = make_context(scenario, limits)
    marginal = result.marginals
    classes = ctx.size_class
    threshold = pd.Series(classes).map(policy.min_score).to_numpy(dtype=float)

    tol = FULL_YUAN + 1e-7 * upper
    full = amounts >= upper - tol
    cutoff = np.array([max(marginal.get(RowKey(PoolBudget.key, p), 0.0), 0.0)
                       for p in programs])
    slack_w = WEIGHT_TOLERANCE * np.maximum(cutoff, 1.0)

    # weights of the next yuan, by tier
    tiers = policy.tiers or ((1.0, 1.0),)
    shares = np.array([s for s, _ in tiers])
    tier_weights = np.array([t for _, t in tiers] + [0.0])
    scores = firms["score"].to_numpy(dtype=float)[:, None]
    w = tie_broken_scores(scenario)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(upper > 0, amounts / upper, 1.0)
    next_tier = tier_weights[np.searchsorted(shares, coverage + 1e-9, side="left")]
    next_weight = np.where(full, 0.0, next_tier * w)
    raw_next = np.where(full, 0.0, next_tier * scores)

    # set-aside: a pair funded through a route of a group (recorded while solving)
    routes = result.routes
    decided = result.decided if result.decided is not None else np.full(upper.shape, -1)
    by_row = np.array([r.by_row for r in routes] + [False])
    raised = by_row[decided] & (decided >= 0)
    set_aside = raised.any(axis=1)
    floor_row = np.full(n, "", dtype=object)
    chosen = np.where(raised, amounts, -np.inf).argmax(axis=1)
    for i in np.flatnonzero(set_aside):
        floor_row[i] = str(routes[decided[i, chosen[i]]].key)

    # a binding ≤ row of a group the firm belongs to (not a hard rule: pools, firm caps)
    held = np.zeros((n, n_programs), dtype=bool)
    held_row = np.full((n, n_programs), "", dtype=object)
    for report in result.rows:
        rule = result.rule(report.rule)
        if rule.hard or report.sense != Sense.LE or report.marginal <= 1e-9:
            continue
        members = rule.members(ctx, report.group)
        for j, p in enumerate(programs):
            if report.group not in (p, ""):
                continue
            hit = members & ~full[:, j] & (next_weight[:, j] > cutoff[j] + slack_w[j])
            held[:, j] |= hit
            held_row[hit, j] = report.name
    group_cap = held.any(axis=1)

    totals = amounts.sum(axis=1)
    if policy.cap_total is not None:
        total_capped = (totals >= policy.cap_total - FULL_YUAN) & (
            upper.sum(axis=1) > policy.cap_total + FULL_YUAN)
    else:
        total_capped = np.zeros(n, dtype=bool)
    caps = np.array([np.inf if (c := policy.cap(p)) is None else c for p in programs])
    program_capped = limits.by_rate > caps + FULL_YUAN
    full_all = full.all(axis=1)
    firm_cap = total_capped | (full_all & (program_capped & (upper > 0)).any(axis=1))

    eligible = limits.eligible
    shortfall = upper - amounts
    overridden = override_reasons(result)
    choices = [
        (overridden.excluded, Reason.EXCLUDED),
        (overridden.pinned, Reason.PINNED),
        (overridden.bounded, Reason.BOUNDED),
        (~eligible, Reason.INELIGIBLE),
        (set_aside, Reason.SET_ASIDE),
        (group_cap, Reason.GROUP_CAP),
        (firm_cap, Reason.FIRM_CAP),
        (full_all, Reason.RATE_LIMIT),
    ]
    reason = np.select([m for m, _ in choices], [r.value for _, r in choices],
                       Reason.POOL_CUTOFF.value).astype(object)

    def pick(mask2d: np.ndarray, key: np.ndarray) -> np.ndarray:
        return np.where(mask2d, key, -np.inf).argmax(axis=1)

    binding_pool = cutoff > 0
    program = np.full(n, -1)
    row = np.full(n, "", dtype=object)
    sel = reason == Reason.SET_ASIDE.value
    program[sel] = pick(raised, amounts)[sel]
    row[sel] = floor_row[sel]
    sel = reason == Reason.GROUP_CAP.value
    program[sel] = pick(held, shortfall)[sel]
    row[sel] = held_row[sel, program[sel]]
    sel = reason == Reason.FIRM_CAP.value
    ids = firms["firm_id"].astype(str).to_numpy()
    row[sel & total_capped] = [str(RowKey(FirmTotalCap.key, i))
                               for i in ids[sel & total_capped]]
    by_cap = sel & ~total_capped
    program[by_cap] = pick(program_capped & (upper > 0), amounts)[by_cap]
    sel = reason == Reason.POOL_CUTOFF.value
    short = ~full & (binding_pool[None, :] | ~binding_pool.any())
    program[sel] = pick(short, shortfall)[sel]
    row[sel] = [str(RowKey(PoolBudget.key, programs[j])) for j in program[sel]]
    sel = reason == Reason.BOUNDED.value
    program[sel] = overridden.program[sel]
    return _Classified(reason, program, row, cutoff, next_weight, threshold, raw_next, full,
                       ctx, overridden)


def _offers(result: Result, c: _Classified, i: int,
            memo: _Memo | None = None) -> tuple[RouteOffer, ...]:
    """Every route that could have funded firm ``i`` where it is short, with its cut-off."""
    if not result.limits.eligible[i] or c.full[i].all():
        return ()
    programs = result.programs
    short = {p for j, p in enumerate(programs) if not c.full[i, j]}
    levels = dict(result.levels)
    found: list[tuple[Route, float, str, str]] = []
    for route in result.routes:
        if route.override or not short.intersection(route.programs):
            continue  # an override is no route another firm could have taken
        if route.key is None:
            if route.size_class is not None and c.ctx.size_class[i] != route.size_class:
                continue  # another size class's part of a pool under the risk limit
            mine = float(c.raw_next[i, programs.index(str(route.program))])
            zh, en = (memo.phrases(route, levels) if memo is not None
                      else _route_phrases(result, route, levels))
        else:
            rule = result.rule(route.key.rule)
            members = (memo.members(rule, route.key) if memo is not None
                       else rule.members(c.ctx, route.key.group))
            if not members[i]:
                continue
            mine = max(float(c.raw_next[i, programs.index(p)]) for p in route.programs
                       if p in short)
            zh, en = (memo.phrases(route, levels) if memo is not None
                      else _route_phrases(result, route, levels))
        found.append((route, route.cut_off - mine, zh, en))
    if not found:
        return ()
    closest = min(range(len(found)), key=lambda k: found[k][1])
    return tuple(
        RouteOffer(f"general.{route.program}" if route.key is None else str(route.key),
                   route.cut_off, k == closest, gap, zh, en, route.key is None)
        for k, (route, gap, zh, en) in enumerate(found))


def explain_all(result: Result) -> pd.DataFrame:
    """One row per firm: ``firm_id``, ``reason``, ``text_zh``, ``text_en``.

    Also ``program`` (the program the reason is about, or empty), ``cutoff``
    (its pool's score cut-off, NaN when none) and ``row`` (the deciding rule
    row, or empty).

    Raises
    ------
    ValueError
        When the result is not optimal (there is no allocation to explain).
    """
    c = _classify(result)
    everyone = np.arange(len(c.reason))
    zh, en = _texts(result, c, everyone)
    programs = np.array([*result.programs, ""], dtype=object)
    cut = np.append(c.cutoff, np.nan)
    return pd.DataFrame({
        "firm_id": result.scenario.firms["firm_id"].astype(str).to_numpy(),
        "reason": c.reason,
        "text_zh": zh,
        "text_en": en,
        "program": programs[c.program],
        "cutoff": np.where(c.program >= 0, cut[c.program], np.nan),
        "row": c.row,
    })


def appeal_routes(result: Result) -> dict[str, tuple[RouteOffer, ...]]:
    """Every eligible firm short of its limit → the routes that could have funded it.

    Raises
    ------
    ValueError
        When the result is not optimal.
    """
    c = _classify(result)
    ids = result.scenario.firms["firm_id"].astype(str).to_numpy()
    out: dict[str, tuple[RouteOffer, ...]] = {}
    for i in range(len(ids)):
        offers = _offers(result, c, i)
        if offers:
            out[str(ids[i])] = offers
    return out


def explain_firm(result: Result, firm_id: str) -> Explanation:
    """The reason, amounts and sentences for one firm.

    Raises
    ------
    KeyError
        When no firm has this id.
    ValueError
        When the result is not optimal.
    """
    ids = result.scenario.firms["firm_id"].astype(str).to_numpy()
    found = np.flatnonzero(ids == str(firm_id))
    if not len(found):
        raise KeyError(f"no firm with id {firm_id!r}")
    i = int(found[0])
    c = _classify(result)
    zh, en = _texts(result, c, np.array([i]))
    programs = result.programs
    j = int(c.program[i])
    return Explanation(
        firm_id=str(firm_id),
        reason=Reason(c.reason[i]),
        amounts={p: float(result.amounts[i, k]) for k, p in enumerate(programs)},
        upper={p: float(result.limits.upper[i, k]) for k, p in enumerate(programs)},
        text_zh=zh[0],
        text_en=en[0],
        program=programs[j] if j >= 0 else None,
        cutoff=float(c.cutoff[j]) if j >= 0 else None,
        row=str(c.row[i]) or None,
        score=float(result.scenario.firms["score"].iloc[i]),
        threshold=float(c.threshold[i]),
        routes=_offers(result, c, i),
    )


def _route_names(result: Result, c: _Classified, i: int) -> tuple[str, str]:
    """The names of the route that funded firm ``i`` below the pool's cut-off."""
    assert result.decided is not None
    j = int(c.program[i])
    route = result.routes[int(result.decided[i, j])]
    assert route.key is not None
    rule = result.rule(route.key.rule)
    levels = dict(result.levels)
    return (rule.route_phrase(route.key.group, "zh", levels),
            rule.route_phrase(route.key.group, "en", levels))


def _routes_clause(offers: tuple[RouteOffer, ...], weighted: str, lang: Lang) -> str:
    """'; X funded scores down to 73.3; the closest route is X (0.3 points short)', or ''."""
    others = [o for o in offers if not o.general]
    if not others:
        return ""
    glue = text("explain.separator", lang)
    parts = [text("explain.route.cut_off", lang, route=o.text_zh if lang == "zh" else o.text_en,
                  cut=f"{o.cut_off:.1f}", weighted=weighted) for o in others]
    best = next(o for o in offers if o.closest)
    parts.append(text("explain.route.closest", lang,
                      route=best.text_zh if lang == "zh" else best.text_en,
                      gap=f"{max(best.gap, 0.0):.1f}"))
    return glue + glue.join(parts)


def _route_phrases(result: Result, route: Route,
                   levels: dict[str, float]) -> tuple[str, str]:
    """How a route is named to an appealing firm, in Chinese and in English."""
    if route.key is None:
        program = str(route.program)
        return (text("explain.route.general", "zh", program=program_label(program, "zh")),
                text("explain.route.general", "en", program=program_label(program, "en")))
    rule = result.rule(route.key.rule)
    return (rule.route_phrase(route.key.group, "zh", levels),
            rule.route_phrase(route.key.group, "en", levels))


class _Memo:
    """What the sentences of many firms share: each firm's routes (asked in both
    languages), each route's members and the scores, worked out once."""

    def __init__(self, result: Result, c: _Classified) -> None:
        self.result, self.c = result, c
        self.scores = result.scenario.firms["score"].to_numpy(dtype=float)
        self._offers: dict[int, tuple[RouteOffer, ...]] = {}
        self._members: dict[RowKey, np.ndarray] = {}
        self._phrases: dict[int, tuple[str, str]] = {}  # by route (the result holds them)

    def offers(self, i: int) -> tuple[RouteOffer, ...]:
        if i not in self._offers:
            self._offers[i] = _offers(self.result, self.c, i, self)
        return self._offers[i]

    def phrases(self, route: Route, levels: dict[str, float]) -> tuple[str, str]:
        if id(route) not in self._phrases:
            self._phrases[id(route)] = _route_phrases(self.result, route, levels)
        return self._phrases[id(route)]

    def members(self, rule: Rule, key: RowKey) -> np.ndarray:
        if key not in self._members:
            self._members[key] = np.asarray(rule.members(self.c.ctx, key.group), dtype=bool)
        return self._members[key]


def _texts(result: Result, c: _Classified, index: np.ndarray) -> tuple[list[str], list[str]]:
    """Sentences for the firms at ``index``, in Chinese and in English, each with its note."""
    notes = c.overrides.overrides.notes
    memo = _Memo(result, c)
    zh_out = [with_note(_sentence(result, c, int(i), "zh", memo), str(notes[i]), "zh")
              for i in index]
    en_out = [with_note(_sentence(result, c, int(i), "en", memo), str(notes[i]), "en")
              for i in index]
    return zh_out, en_out


def _sentence(result: Result, c: _Classified, i: int, lang: Lang,
              memo: _Memo | None = None) -> str:
    """The appeal sentence of firm ``i`` in one language, from the catalog."""
    scenario = result.scenario
    policy, programs = scenario.policy, scenario.programs
    reason, j = c.reason[i], int(c.program[i])
    total = float(result.amounts[i].sum())
    limit = float(result.limits.upper[i].sum())
    got, most = yuan(total, lang), yuan(limit, lang)
    p = programs[j] if j >= 0 else ""
    program = program_label(p, lang)
    cut = float(c.cutoff[j]) if j >= 0 else 0.0
    weighted = text("explain.weighted", lang) if policy.tiers else ""
    if total >= limit - FULL_YUAN and total > FULL_YUAN:
        head = text("explain.head.full", lang, got=got)
    elif total > FULL_YUAN:
        head = text("explain.head.partial", lang, got=got, limit=most)
    else:
        head = text("explain.head.none", lang)
    if reason in OVERRIDE_REASONS:
        return override_sentence(result, c.overrides, i, lang)
    if reason == Reason.INELIGIBLE:
        size_class = str(c.ctx.size_class[i])
        score = memo.scores[i] if memo is not None else scenario.firms["score"].iloc[i]
        return text("explain.ineligible", lang, score=f"{score:.1f}",
                    threshold=f"{c.threshold[i]:g}",
                    group=text(f"rule.group.class.{size_class}", lang))
    if reason == Reason.RATE_LIMIT and limit <= FULL_YUAN:
        return text("explain.nothing_asked", lang)
    if reason == Reason.RATE_LIMIT:
        return text("explain.rate_limit", lang, got=got)
    if reason == Reason.FIRM_CAP and j < 0:
        return text("explain.cap_total", lang, got=got, cap=yuan(policy.cap_total or 0.0, lang))
    if reason == Reason.FIRM_CAP:
        return text("explain.cap_program", lang, got=got, program=program,
                    cap=yuan(policy.cap(p) or 0.0, lang))
    if reason == Reason.SET_ASIDE:
        route = _route_names(result, c, i)[0 if lang == "zh" else 1]
        return text("explain.set_aside", lang, head=head, weighted=weighted, program=program,
                    cut=f"{cut:.1f}", route=route)
    if reason == Reason.GROUP_CAP:
        held = next(r for r in result.rows if r.name == str(c.row[i]))
        return text("explain.group_cap", lang, head=head,
                    held=result.rule(held.rule).held_phrase(held.group, lang))
    mine = float(c.next_weight[i, j]) if j >= 0 else 0.0
    tie = abs(mine - cut) <= TIE_BREAK
    offers = memo.offers(i) if memo is not None else _offers(result, c, i)
    general = [o for o in offers if o.general and o.route == f"general.{p}"]
    if general:  # the lowest score the pool funded, as every route is told
        cut = general[0].cut_off
    return text("explain.pool_cutoff", lang, head=head, program=program, weighted=weighted,
                cut=f"{cut:.1f}", routes=_routes_clause(offers, weighted, lang),
                mine=text("explain.mine.tie" if tie else "explain.mine", lang,
                          weighted=weighted, score=f"{mine:.1f}"))
