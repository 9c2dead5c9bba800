"""Why each firm got its amount, as a reason code per firm, read from the solution.

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

Before all of these, a firm an officer overrode is ``excluded``, ``pinned``
(a fixed award) or ``bounded`` (at its ``max.P`` below the limit, or held at
its ``min.P``); see :mod:`optimizer.analysis.override_explain`.

Amounts within :data:`FULL_YUAN` of the limit count as full. The words for
each reason are in :mod:`optimizer.analysis.explain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from optimizer.analysis.override_explain import OverrideReasons, override_reasons
from optimizer.result import Result
from optimizer.rows import RowKey, Sense
from optimizer.rules import Context, FirmTotalCap, PoolBudget, make_context
from optimizer.solve import tie_broken_scores

#: An amount this close to its limit (yuan, plus 1e-7 relative) is at the limit.
FULL_YUAN = 1.0
#: Relative tolerance when comparing a weight with a cut-off.
WEIGHT_TOLERANCE = 1e-7



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


@dataclass(frozen=True, eq=False)
class Classified:
    """Every firm's reason, and what its sentence needs, as arrays over the firms."""

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


def classify(result: Result) -> Classified:
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
    distinct, which = np.unique(np.asarray(classes, dtype=object).astype(str), return_inverse=True)
    threshold = np.array([policy.min_score(k) for k in distinct.tolist()],
                         dtype=float)[which.reshape(-1)]

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
    pool_rows = np.array([str(RowKey(PoolBudget.key, p)) for p in programs], dtype=object)
    row[sel] = pool_rows[program[sel]]
    sel = reason == Reason.BOUNDED.value
    program[sel] = overridden.program[sel]
    return Classified(reason, program, row, cutoff, next_weight, threshold, raw_next, full,
                       ctx, overridden)
