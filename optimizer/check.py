"""An independent check of an allocation against every rule of its scenario.

It does not look at the LP, nor at the rule classes that build it: per-firm
limits are recomputed here firm by firm from the policy, and every pool, cap,
set-aside and floor — and what each set-aside and floor needs — is re-derived
here from the contract in the README, so a wrong ``need()`` in
:mod:`optimizer.rules` is not shared by the LP and its check. Officers'
overrides are read from each firm's own cells (``fixed.P``, ``min.P``,
``max.P``, ``exclude``), and a pool's room this round (its budget less
``reserve.P`` of what is left after the commitments) is worked out here
again. Tests run it on every solution they produce.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from optimizer.overrides import firm_bounds
from optimizer.policy import Policy
from optimizer.redemption import cvar, sample_rates
from optimizer.rules import TOLERANCE_YUAN, Violation
from optimizer.scenario import Scenario, request_column
from optimizer.units import yuan


def firm_upper(policy: Policy, firm: Mapping[str, Any], program: str) -> float:
    """upper[i, p] of the contract, computed for one firm (a row as a dict) without numpy."""
    size_class = str(firm["size_class"])
    if float(firm["score"]) < policy.min_score(size_class):
        return 0.0
    amount = policy.rate(program, size_class) * float(firm[request_column(program)])
    cap = policy.cap(program)
    return amount if cap is None else min(amount, cap)


def _slack(amount: float) -> float:
    return TOLERANCE_YUAN + 1e-7 * abs(amount)


def check_allocation(scenario: Scenario, amounts: np.ndarray) -> list[Violation]:
    """Every way ``amounts`` (yuan, firms × programs) breaks the scenario's rules.

    An empty list means the allocation is feasible: within every firm's
    limits and overrides (fixed awards, ``min.P``/``max.P``, exclusions, read
    from the row's own cells), every pool (less its reserve), every cap and
    every floor, to within one yuan.
    """
    policy = scenario.policy
    programs = scenario.programs
    n = len(scenario.firms)
    if amounts.shape != (n, len(programs)):
        return [Violation("shape", "", f"expected {(n, len(programs))}, got {amounts.shape}")]
    out: list[Violation] = []
    records: list[dict[str, Any]] = scenario.firms.to_dict("records")  # type: ignore[assignment]
    got: dict[tuple[str, str], list[float]] = defaultdict(list)  # (group, program) → amounts
    eligible: dict[tuple[str, str], list[float]] = defaultdict(list)  # … → limits
    committed: dict[str, list[float]] = defaultdict(list)  # program → lower bounds
    for i, firm in enumerate(records):
        fid, size_class = str(firm["firm_id"]), str(firm["size_class"])
        groups = ["all", f"class.{size_class}", f"district.{firm['district']}"]
        if bool(firm["basic_research"]):
            groups.append("basic")
        total = 0.0
        for j, program in enumerate(programs):
            a = float(amounts[i, j])
            lower, upper = firm_bounds(firm, program, firm_upper(policy, firm, program))
            total += a
            committed[program].append(lower)
            if (a < lower - TOLERANCE_YUAN - 1e-9 * lower
                    or a > upper + TOLERANCE_YUAN + 1e-9 * upper):
                out.append(Violation("upper", fid, f"firm {fid} gets {yuan(a)} of {program}, "
                                                   f"allowed {yuan(lower)} to {yuan(upper)}"))
            for g in groups:
                got[g, program].append(a)
                eligible[g, program].append(upper)
        if policy.cap_total is not None and total > policy.cap_total + _slack(policy.cap_total):
            out.append(Violation("cap.total", fid, f"firm {fid} gets {yuan(total)} in total"))

    def fsum(table: dict[tuple[str, str], list[float]], group: str,
             only: str | None = None) -> float:
        return math.fsum(v for p in programs if only in (None, p) for v in table[group, p])

    model = policy.redemption_model()
    rates = (sample_rates(model, policy.redemption_samples, policy.redemption_seed)
             if model.active else None)
    for program, budget in policy.budgets:
        spent = fsum(got, "all", program)
        # this round pays its commitments and (1 − reserve) of what is left after them
        left = max(budget - math.fsum(committed[program]), 0.0)
        room = budget - policy.reserve(program) * left
        if rates is not None and model.modelled(program):
            # issued may exceed the pool; the CVaR of sampled spending may not exceed its room
            columns = model.indices(program)
            issued = np.array([fsum(got, f"class.{model.groups[g].size_class}", program)
                               for g in columns])
            risk = cvar(rates[:, columns] @ issued, policy.overspend_risk)
            if risk > room + _slack(room):
                out.append(Violation("redemption", program, f"pool {program}: CVaR of spending "
                                                            f"{yuan(risk)} above {yuan(room)}"))
        elif spent > room + _slack(room):
            out.append(Violation("budget", program, f"pool {program} pays {yuan(spent)}, "
                                                    f"more than its {yuan(room)}"))
        # startup set-aside: min(φ × budget.p, what startups are eligible for in p)
        need = min(policy.startup_floor * budget, fsum(eligible, "class.startup", program))
        have = fsum(got, "class.startup", program)
        if have < need - _slack(need):
            out.append(Violation("startup_floor", program,
                                 f"startups get {yuan(have)} of {program}, need {yuan(need)}"))
        limit = policy.large_cap * budget
        have = fsum(got, "class.large", program)
        # a 100 % cap is no rule (and a pool under a redemption model may issue more)
        if policy.large_cap < 1 and have > limit + _slack(limit):
            out.append(Violation("large_cap", program,
                                 f"large firms get {yuan(have)} of {program}, cap {yuan(limit)}"))
    for district in sorted({str(f["district"]) for f in records}):
        group = f"district.{district}"
        need = policy.district_floor * fsum(eligible, group)
        have = fsum(got, group)
        if have < need - _slack(need):
            out.append(Violation("district_floor", district,
                                 f"{district} gets {yuan(have)}, floor {yuan(need)}"))
    need = min(policy.basic_research_floor * policy.total_budget, fsum(eligible, "basic"))
    have = fsum(got, "basic")
    if have < need - _slack(need):
        out.append(Violation("basic_research_floor", "",
                             f"basic research gets {yuan(have)}, needs {yuan(need)}"))
    return out
