"""Why each firm got its amount: a reason code and a sentence an appeal can use.

The reason codes are worked out in :mod:`optimizer.analysis.reasons`; this
module words them, from the catalog, for one firm (:func:`explain_firm`) or
for all at once (:func:`explain_all`, a template per group of firms that share
their words: :mod:`optimizer.analysis.bulk_text`).

A firm short of its limit (``pool_cutoff``, and a partly funded ``set_aside``)
is also told every route by which it could have been funded — the general
pool of each program it is short in and each route of a group it belongs to —
with the route's cut-off (the lowest score funded through it), and which
route came closest (:attr:`Explanation.routes`).

A firm an officer overrode is worded by
:mod:`optimizer.analysis.override_explain`. Money held by a fixed award or a
minimum was funded through the override's own route
(:data:`optimizer.result.OVERRIDE_ROUTE`), which is never offered to an
appealing firm and sets no pool's or group's cut-off. A firm's note follows
its sentence, whatever its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.analysis.bulk_text import fill, formatted, groups, signature
from optimizer.analysis.override_explain import override_sentence, with_note
from optimizer.analysis.reasons import (
    FULL_YUAN,
    OVERRIDE_REASONS,
    WEIGHT_TOLERANCE,
    Classified,
    Reason,
    classify,
)
from optimizer.catalog import LANGS, Lang, text
from optimizer.result import Result, Route
from optimizer.rules import program_label
from optimizer.solve import TIE_BREAK
from optimizer.units import yuan

__all__ = ["FULL_YUAN", "OVERRIDE_REASONS", "WEIGHT_TOLERANCE", "Explanation", "Reason",
           "RouteOffer", "appeal_routes", "explain_all", "explain_firm"]


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
class _Offered:
    """Which routes each firm short of its limit could have been funded by, for all firms.

    ``routes`` are the routes another firm could have taken (no override's),
    ``names`` their names in Chinese and English (empty for a route offered to
    nobody); ``offered`` and ``gap`` are firms × routes (the gap is the route's
    cut-off less the firm's score for its next yuan there, +inf where not
    offered); ``closest`` is the offered route with the smallest gap (the
    first of equals), -1 where none is offered.
    """

    routes: tuple[Route, ...]
    names: tuple[tuple[str, str], ...]
    offered: np.ndarray
    gap: np.ndarray
    closest: np.ndarray


def _offered(result: Result, c: Classified) -> _Offered:
    """Every firm's routes at once: one pass per route over all firms."""
    programs = result.programs
    short = ~c.full
    n = len(short)
    base = np.asarray(result.limits.eligible, dtype=bool) & short.any(axis=1)
    levels = dict(result.levels)
    routes = tuple(r for r in result.routes if not r.override)
    offered = np.zeros((n, len(routes)), dtype=bool)
    gap = np.full((n, len(routes)), np.inf)
    names: list[tuple[str, str]] = []
    for k, route in enumerate(routes):
        columns = [programs.index(p) for p in route.programs if p in programs]
        mask = base & short[:, columns].any(axis=1) if columns else np.zeros(n, dtype=bool)
        if route.key is None and route.size_class is not None:
            mask &= np.asarray(c.ctx.size_class == route.size_class, dtype=bool)
        elif route.key is not None and mask.any():
            rule = result.rule(route.key.rule)
            mask &= np.asarray(rule.members(c.ctx, route.key.group), dtype=bool)
        names.append(_route_phrases(result, route, levels) if mask.any() else ("", ""))
        if not mask.any():
            continue
        if route.key is None:
            mine = c.raw_next[mask, programs.index(str(route.program))]
        else:
            mine = np.where(short[mask][:, columns], c.raw_next[mask][:, columns],
                            -np.inf).max(axis=1)
        offered[:, k] = mask
        gap[mask, k] = route.cut_off - mine
    anywhere = offered.any(axis=1)
    closest = (np.where(anywhere, gap.argmin(axis=1), -1) if routes
               else np.full(n, -1, dtype=np.int64))
    return _Offered(routes, tuple(names), offered, gap, closest)


def _offers(o: _Offered, i: int) -> tuple[RouteOffer, ...]:
    """The routes offered to firm ``i``, in the order they were recorded."""
    return tuple(
        RouteOffer(f"general.{route.program}" if route.key is None else str(route.key),
                   route.cut_off, k == o.closest[i], float(o.gap[i, k]),
                   *o.names[k], route.key is None)
        for k in np.flatnonzero(o.offered[i]).tolist()
        for route in (o.routes[k],))


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
    c = classify(result)
    everyone = np.arange(len(c.reason))
    zh, en = _texts(result, c, everyone)
    programs = np.array([*result.programs, ""], dtype=object)
    cut = np.append(c.cutoff, np.nan)
    # text columns stay Python objects: the report and the app read them as such, and
    # 100,000 sentences converted to a string array and back would cost 0.3 s
    words = {
        "firm_id": result.scenario.firms["firm_id"].astype(str).to_numpy(dtype=object),
        "reason": c.reason,
        "text_zh": zh,
        "text_en": en,
        "program": programs[c.program],
    }
    table = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in words.items()})
    table["cutoff"] = np.where(c.program >= 0, cut[c.program], np.nan)
    table["row"] = pd.Series(c.row, dtype=object)
    return table


def appeal_routes(result: Result) -> dict[str, tuple[RouteOffer, ...]]:
    """Every eligible firm short of its limit → the routes that could have funded it.

    Raises
    ------
    ValueError
        When the result is not optimal.
    """
    c = classify(result)
    o = _offered(result, c)
    ids = result.scenario.firms["firm_id"].astype(str).to_numpy()
    return {str(ids[i]): _offers(o, i) for i in np.flatnonzero(o.offered.any(axis=1)).tolist()}


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
    c = classify(result)
    o = _offered(result, c)
    zh, en = _texts(result, c, np.array([i]), o)
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
        routes=_offers(o, i),
    )


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


def _texts(result: Result, c: Classified, index: np.ndarray,
           o: _Offered | None = None) -> tuple[list[str], list[str]]:
    """Sentences for the firms at ``index``, in Chinese and in English, each with its note."""
    o = _offered(result, c) if o is None else o
    policy, programs = result.scenario.policy, result.programs
    n = len(index)
    out = {lang: np.empty(n, dtype=object) for lang in LANGS}
    reason = c.reason[index]
    j = c.program[index]
    total = result.amounts[index].sum(axis=1)
    limit = result.limits.upper[index].sum(axis=1)
    kind = np.where(total > FULL_YUAN, np.where(total >= limit - FULL_YUAN, 0, 1), 2)
    got = {lang: formatted(total, _in_yuan(lang)) for lang in LANGS}

    def head(at: np.ndarray, lang: Lang) -> np.ndarray | str:
        """'Funded … / Not funded' of the firms at ``at`` (one head kind)."""
        k = int(kind[at[0]])
        if k == 0:
            return fill("explain.head.full", lang, len(at), {"got": got[lang][at]})
        if k == 1:
            most = formatted(limit[at], _in_yuan(lang))
            return fill("explain.head.partial", lang, len(at),
                        {"got": got[lang][at], "limit": most})
        return text("explain.head.none", lang)

    def where(*reasons: Reason) -> np.ndarray:
        return np.flatnonzero(np.isin(reason, [r.value for r in reasons]))

    # officers' overrides: few firms, one at a time
    for at in where(*OVERRIDE_REASONS).tolist():
        for lang in LANGS:
            out[lang][at] = override_sentence(result, c.overrides, int(index[at]), lang)

    at = where(Reason.INELIGIBLE)
    if len(at):
        scores = result.scenario.firms["score"].to_numpy(dtype=float)[index[at]]
        size_class = np.asarray(c.ctx.size_class, dtype=object)[index[at]].astype(str)
        threshold = c.threshold[index[at]]
        for part in groups(size_class, threshold):
            group, bar = str(size_class[part[0]]), float(threshold[part[0]])
            for lang in LANGS:
                out[lang][at[part]] = fill(
                    "explain.ineligible", lang, len(part),
                    {"score": formatted(scores[part], _one)}, threshold=f"{bar:g}",
                    group=text(f"rule.group.class.{group}", lang))

    at = where(Reason.RATE_LIMIT)
    asked = limit[at] > FULL_YUAN
    for lang in LANGS:
        out[lang][at[~asked]] = text("explain.nothing_asked", lang)
        out[lang][at[asked]] = fill("explain.rate_limit", lang, int(asked.sum()),
                                    {"got": got[lang][at[asked]]})

    at = where(Reason.FIRM_CAP)
    for part in groups(j[at]) if len(at) else []:
        k = int(j[at[part[0]]])
        p = programs[k] if k >= 0 else ""
        for lang in LANGS:
            slots = {"got": got[lang][at[part]]}
            out[lang][at[part]] = (
                fill("explain.cap_total", lang, len(part), slots,
                     cap=yuan(policy.cap_total or 0.0, lang)) if k < 0 else
                fill("explain.cap_program", lang, len(part), slots,
                     program=program_label(p, lang), cap=yuan(policy.cap(p) or 0.0, lang)))

    weighted = {lang: text("explain.weighted", lang) if policy.tiers else "" for lang in LANGS}
    levels = dict(result.levels)

    at = where(Reason.SET_ASIDE)
    if len(at):
        assert result.decided is not None
        decided = result.decided[index[at], j[at]]
        for part in groups(kind[at], j[at], decided):
            k, route = int(j[at[part[0]]]), result.routes[int(decided[part[0]])]
            assert route.key is not None
            rule = result.rule(route.key.rule)
            for lang in LANGS:
                out[lang][at[part]] = fill(
                    "explain.set_aside", lang, len(part), {"head": head(at[part], lang)},
                    weighted=weighted[lang], program=program_label(programs[k], lang),
                    cut=_one(float(c.cutoff[k])),
                    route=rule.route_phrase(route.key.group, lang, levels))

    at = where(Reason.GROUP_CAP)
    if len(at):
        rows = c.row[index[at]].astype(str)
        # each row by its name (the first of a name, as a search would find)
        by_name = {report.name: report for report in reversed(result.rows)}
        for part in groups(kind[at], rows):
            held = by_name[str(rows[part[0]])]
            for lang in LANGS:
                out[lang][at[part]] = fill(
                    "explain.group_cap", lang, len(part), {"head": head(at[part], lang)},
                    held=result.rule(held.rule).held_phrase(held.group, lang))

    at = np.flatnonzero(~np.isin(reason, [r.value for r in (
        *OVERRIDE_REASONS, Reason.INELIGIBLE, Reason.RATE_LIMIT, Reason.FIRM_CAP,
        Reason.SET_ASIDE, Reason.GROUP_CAP)]))
    if len(at):
        _pool_cutoff(result, c, o, index, at, j, kind, out, head, weighted)

    notes = c.overrides.overrides.notes[index]
    for at in np.flatnonzero([bool(str(note).strip()) for note in notes.tolist()]).tolist():
        for lang in LANGS:
            out[lang][at] = with_note(out[lang][at], str(notes[at]), lang)
    return out["zh"].tolist(), out["en"].tolist()


def _pool_cutoff(result: Result, c: Classified, o: _Offered, index: np.ndarray,
                 at: np.ndarray, j: np.ndarray, kind: np.ndarray, out: dict[Lang, np.ndarray],
                 head: Callable[[np.ndarray, Lang], np.ndarray | str],
                 weighted: dict[Lang, str]) -> None:
    """The sentences of the firms at ``at`` the pool ran out on, with the routes they are told."""
    programs = result.programs
    firms = index[at]
    k = j[at]
    cut = np.where(k >= 0, c.cutoff[np.maximum(k, 0)], 0.0)
    mine = np.where(k >= 0, c.next_weight[firms, np.maximum(k, 0)], 0.0)
    tie = np.abs(mine - cut) <= TIE_BREAK
    offered = o.offered[firms]
    closest = o.closest[firms]
    for part in groups(k, tie, signature(offered), closest, kind[at]):
        first = int(part[0])
        program = int(k[first])
        p = programs[program] if program >= 0 else ""
        told = np.flatnonzero(offered[first]).tolist()
        # the lowest score the pool funded, as every route is told (else its margin)
        pool = next((o.routes[q] for q in told
                     if o.routes[q].key is None and o.routes[q].program == p), None)
        shown = pool.cut_off if pool is not None else float(cut[first])
        others = [q for q in told if o.routes[q].key is not None]
        best = int(closest[first])
        gaps = o.gap[firms[part], best] if others else np.zeros(len(part))
        gap = formatted(np.where(gaps < 0.0, 0.0, gaps), _one)
        score = formatted(mine[part], _one)
        for lang in LANGS:
            name = 0 if lang == "zh" else 1
            routes: np.ndarray | str = ""
            if others:
                glue = text("explain.separator", lang)
                said = [text("explain.route.cut_off", lang, route=o.names[q][name],
                             cut=_one(o.routes[q].cut_off), weighted=weighted[lang])
                        for q in others]
                routes = glue + glue.join(said) + glue + fill(
                    "explain.route.closest", lang, len(part), {"gap": gap},
                    route=o.names[best][name])
            said_mine = fill("explain.mine.tie" if tie[first] else "explain.mine", lang,
                             len(part), {"score": score}, weighted=weighted[lang])
            out[lang][at[part]] = fill(
                "explain.pool_cutoff", lang, len(part),
                {"head": head(at[part], lang), "routes": routes, "mine": said_mine},
                program=program_label(p, lang), weighted=weighted[lang], cut=_one(shown))


def _in_yuan(lang: Lang) -> Callable[[float], str]:
    """:func:`optimizer.units.yuan` in one language."""
    return lambda amount: yuan(amount, lang)


def _one(value: float) -> str:
    """A score, a cut-off or a gap as a sentence shows it: one decimal."""
    return f"{value:.1f}"
