"""Why each firm got its amount: a reason code and a sentence an appeal can use.

The reason is read from the solution and the duals, never guessed. Let
``cut[p]`` be the marginal value of pool p (its *score cut-off*: the
tie-broken score of the money at the margin; 0 when the pool has money left).
For firm i with tie-broken score w_i, the weight of its last yuan in p is
w_i (times the tier weight with ``returns.tiers``). In order of precedence:

1. ``ineligible``: its score is below its class threshold.
2. ``set_aside``: it gets money from a pool whose cut-off is above the weight
   of its last yuan there, and a floor it belongs to binds (a startup or
   basic-research set-aside or its district floor with a negative marginal
   value, or the max-min level under ``objective = maxmin/leximin``).
3. ``group_cap``: a large firm short of its limit in a program whose
   large-firm cap binds, whose next yuan would beat the pool's cut-off.
4. ``firm_cap``: it reached ``cap.total``, or every program at its limit and
   a per-program cap (``cap.P``) set that limit.
5. ``rate_limit``: every program at its limit, set by the subsidy rate (a firm
   that applied for nothing is here too, with its 0).
6. ``pool_cutoff``: anything short of its limit otherwise, because the pool
   ran out at a higher score.

Before all of these, a firm an officer overrode is ``excluded``, ``pinned``
(a fixed award) or ``bounded`` (at its ``max.P`` below the limit, or held at
its ``min.P``); see :mod:`optimizer.analysis.override_explain`. A firm's
note follows its sentence.

Amounts within :data:`FULL_YUAN` of the limit count as full.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from optimizer.analysis.override_explain import (
    OverrideRoutes,
    override_routes,
    override_sentence,
    with_note,
)
from optimizer.money import share, yuan
from optimizer.policy import Objective
from optimizer.result import Result
from optimizer.rules import program_label
from optimizer.solve import TIE_BREAK, tie_broken_scores

#: An amount this close to its limit (yuan, plus 1e-7 relative) is at the limit.
FULL_YUAN = 1.0
#: Relative tolerance when comparing a weight with a cut-off.
WEIGHT_TOLERANCE = 1e-7

CLASS_ZH = {"startup": "初创", "small": "小型", "medium": "中型", "large": "大型"}
CLASS_EN = {"startup": "startups", "small": "small firms", "medium": "medium firms",
            "large": "large firms"}


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
OVERRIDE_REASONS = frozenset({"excluded", "pinned", "bounded"})


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


@dataclass(frozen=True, eq=False)
class _Classified:
    reason: np.ndarray  # str per firm
    program: np.ndarray  # program index per firm, -1 for none
    row: np.ndarray  # deciding row name per firm, "" for none
    cutoff: np.ndarray  # per program, 0 when the pool is not binding
    next_weight: np.ndarray  # firms × programs: weight of the next yuan
    threshold: np.ndarray  # per firm
    routes: OverrideRoutes  # which override decided a firm, if any


def _classify(result: Result) -> _Classified:
    if not result.optimal:
        raise ValueError(f"no allocation to explain: the scenario is {result.status}")
    scenario, limits = result.scenario, result.limits
    policy, programs = scenario.policy, scenario.programs
    firms = scenario.firms
    n, n_programs = limits.upper.shape
    amounts, upper = result.amounts, limits.upper
    marginal = {r.name: r.marginal for r in result.rows}
    classes = firms["size_class"].astype(str).to_numpy()
    districts = firms["district"].astype(str).to_numpy()
    basic = firms["basic_research"].to_numpy(dtype=bool)
    threshold = pd.Series(classes).map(policy.min_score).to_numpy(dtype=float)

    tol = FULL_YUAN + 1e-7 * upper
    full = amounts >= upper - tol
    got = amounts > tol
    cutoff = np.array([max(marginal.get(f"budget.{p}", 0.0), 0.0) for p in programs])
    slack_w = WEIGHT_TOLERANCE * np.maximum(cutoff, 1.0)

    # weights of the last yuan received and of the next one, by tier
    tiers = policy.tiers or ((1.0, 1.0),)
    shares = np.array([s for s, _ in tiers])
    tier_weights = np.array([t for _, t in tiers] + [0.0])
    w = tie_broken_scores(scenario)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(upper > 0, amounts / upper, 1.0)
    last = tier_weights[np.searchsorted(shares, coverage - 1e-9, side="left")] * w
    next_weight = tier_weights[np.searchsorted(shares, coverage + 1e-9, side="left")] * w
    next_weight = np.where(full, 0.0, next_weight)

    # set-aside: money below the pool's cut-off, and a binding floor that explains it
    raised = got & (last < cutoff - slack_w) & (cutoff > 0)
    raised_any = raised.any(axis=1)
    floor_marginal = np.zeros(n)
    floor_row = np.full(n, "", dtype=object)

    def consider(mask: np.ndarray, value: float, name: str) -> None:
        better = mask & (value < floor_marginal) & (value < -1e-9)
        floor_marginal[better] = value
        floor_row[better] = name

    for j, p in enumerate(programs):
        consider(raised[:, j] & (classes == "startup"), marginal.get(f"startup_floor.{p}", 0.0),
                 f"startup_floor.{p}")
    for d in np.unique(districts):
        consider(raised_any & (districts == d), marginal.get(f"district_floor.{d}", 0.0),
                 f"district_floor.{d}")
    consider(raised_any & basic, marginal.get("basic_research_floor", 0.0),
             "basic_research_floor")
    if policy.objective is not Objective.IMPACT:
        level = raised_any & (floor_row == "")
        floor_row[level] = "objective"
    set_aside = raised_any & (floor_row != "")

    # large-firm cap: short of the limit, would beat the cut-off, cap binding
    held = np.zeros((n, n_programs), dtype=bool)
    for j, p in enumerate(programs):
        if marginal.get(f"large_cap.{p}", 0.0) > 1e-9:
            held[:, j] = (classes == "large") & ~full[:, j] & (
                next_weight[:, j] > cutoff[j] + slack_w[j])
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
    routes = override_routes(result)
    choices = [
        (routes.excluded, Reason.EXCLUDED),
        (routes.pinned, Reason.PINNED),
        (routes.bounded, Reason.BOUNDED),
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
    row[sel] = [f"large_cap.{programs[j]}" for j in program[sel]]
    sel = reason == Reason.FIRM_CAP.value
    ids = firms["firm_id"].astype(str).to_numpy()
    row[sel & total_capped] = [f"cap.total.{i}" for i in ids[sel & total_capped]]
    by_cap = sel & ~total_capped
    program[by_cap] = pick(program_capped & (upper > 0), amounts)[by_cap]
    sel = reason == Reason.POOL_CUTOFF.value
    short = ~full & (binding_pool[None, :] | ~binding_pool.any())
    program[sel] = pick(short, shortfall)[sel]
    row[sel] = [f"budget.{programs[j]}" for j in program[sel]]
    sel = reason == Reason.BOUNDED.value
    program[sel] = routes.program[sel]
    return _Classified(reason, program, row, cutoff, next_weight, threshold, routes)


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
    )


def _floor_names(row: str, result: Result, cls: str) -> tuple[str, str]:
    if row.startswith("startup_floor."):
        p = row.removeprefix("startup_floor.")
        return f"{program_label(p, 'zh')}初创企业专项", f"the startup set-aside on {p}"
    if row.startswith("district_floor."):
        d = row.removeprefix("district_floor.")
        return f"{d}区域保底", f"the district floor of {d}"
    if row == "basic_research_floor":
        return "基础研究专项", "the basic-research set-aside"
    levels = dict(result.levels)
    level = levels.get(f"class.{cls}", result.level or 0.0)
    rule = "leximin" if result.scenario.policy.objective is Objective.LEXIMIN else "max-min"
    return (f"最大最小规则（{CLASS_ZH.get(cls, cls)}企业覆盖率保持在{share(level)}）",
            f"the {rule} rule (coverage of {CLASS_EN.get(cls, cls)} held at {share(level)})")


def _texts(result: Result, c: _Classified, index: np.ndarray) -> tuple[list[str], list[str]]:
    """Sentences for the firms at ``index`` (vectorised inputs, one f-string per firm)."""
    scenario = result.scenario
    policy, programs = scenario.policy, scenario.programs
    firms = scenario.firms
    classes = firms["size_class"].astype(str).to_numpy()[index]
    scores = firms["score"].to_numpy(dtype=float)[index]
    totals = result.amounts.sum(axis=1)[index]
    limit = result.limits.upper.sum(axis=1)[index]
    weighted = "weighted " if policy.tiers else ""
    weighted_zh = "加权" if policy.tiers else ""
    zh_out: list[str] = []
    en_out: list[str] = []
    for k, i in enumerate(index):
        reason, j, cls = c.reason[i], int(c.program[i]), classes[k]
        got_zh, got_en = yuan(totals[k], "zh"), yuan(totals[k])
        lim_zh, lim_en = yuan(limit[k], "zh"), yuan(limit[k])
        p = programs[j] if j >= 0 else ""
        p_zh = program_label(p, "zh")
        cut = c.cutoff[j] if j >= 0 else 0.0
        if reason in OVERRIDE_REASONS:
            zh = override_sentence(result, c.routes, int(i), "zh")
            en = override_sentence(result, c.routes, int(i), "en")
        elif reason == Reason.INELIGIBLE:
            t = c.threshold[i]
            zh = (f"未获资助：评审得分{scores[k]:.1f}分，"
                  f"低于{CLASS_ZH.get(cls, cls)}企业的资格线{t:g}分。")
            en = (f"Not funded: its score {scores[k]:.1f} is below the threshold of {t:g} "
                  f"for {CLASS_EN.get(cls, cls)}.")
        elif reason == Reason.RATE_LIMIT and limit[k] <= FULL_YUAN:
            zh, en = "未申请资助额度，故未获资助。", "Applied for nothing, so receives nothing."
        elif reason == Reason.RATE_LIMIT:
            zh = f"已全额资助{got_zh}：按申请额和补贴比例计算的最高额度。"
            en = f"Funded in full: {got_en}, the most its subsidy rates allow on its requests."
        elif reason == Reason.FIRM_CAP and j < 0:
            cap = policy.cap_total or 0.0
            zh = f"获资助{got_zh}：达到单企业合计上限{yuan(cap, 'zh')}。"
            en = f"Funded {got_en}: the per-firm total cap of {yuan(cap)}."
        elif reason == Reason.FIRM_CAP:
            cap = policy.cap(p) or 0.0
            zh = f"获资助{got_zh}：{p_zh}达到单企业上限{yuan(cap, 'zh')}，其余券种全额资助。"
            en = (f"Funded {got_en}: its {p} award reached the per-firm cap of {yuan(cap)}, "
                  "and every other program pays its full rate.")
        elif reason == Reason.SET_ASIDE:
            f_zh, f_en = _floor_names(str(c.row[i]), result, cls)
            if totals[k] >= limit[k] - FULL_YUAN:
                head_zh, head_en = f"已全额资助{got_zh}", f"Funded in full ({got_en})"
            else:
                head_zh = f"获资助{got_zh}（最高可获{lim_zh}）"
                head_en = f"Funded {got_en} of the {lim_en} its rates allow"
            zh = (f"{head_zh}：其{weighted_zh}得分低于{p_zh}资金池的分数线{cut:.1f}分，"
                  f"因{f_zh}而获得资助。")
            en = (f"{head_en}: its {weighted}score is below the {p} pool's cut-off of "
                  f"{cut:.1f}, but {f_en} raised it.")
        elif reason == Reason.GROUP_CAP:
            psi = share(policy.large_cap)
            zh = (f"获资助{got_zh}（最高可获{lim_zh}）：大型企业合计已达{p_zh}资金池"
                  f"{psi}的大型企业上限。")
            en = (f"Funded {got_en} of the {lim_en} its rates allow: large firms together "
                  f"reached the large-firm cap of {psi} of the {p} pool.")
        else:
            nxt = c.next_weight[i, j] if j >= 0 else 0.0
            tie = abs(nxt - cut) <= TIE_BREAK
            mine_zh = f"该企业{weighted_zh}得分{nxt:.1f}分" + ("，正是资金池用尽处" if tie else "")
            mine_en = f"this firm's {weighted}score is {nxt:.1f}" + (
                ", where it ran out" if tie else "")
            head_zh = ("未获资助" if totals[k] <= FULL_YUAN
                       else f"获资助{got_zh}（最高可获{lim_zh}）")
            head_en = ("Not funded" if totals[k] <= FULL_YUAN
                       else f"Funded {got_en} of the {lim_en} its rates allow")
            zh = f"{head_zh}：{p_zh}资金池在{weighted_zh}得分{cut:.1f}分处用尽，{mine_zh}。"
            en = f"{head_en}: the {p} pool ran out at a {weighted}score of {cut:.1f}; {mine_en}."
        note = str(c.routes.overrides.notes[i])
        zh_out.append(with_note(zh, note, "zh"))
        en_out.append(with_note(en, note, "en"))
    return zh_out, en_out
