"""An independent check of an allocation against every rule of its scenario.

It does not look at the LP: per-firm limits are recomputed here firm by firm
from the policy, and each rule checks its own sums. Tests run it on every
solution they produce.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from optimizer.money import yuan
from optimizer.overrides import firm_bounds
from optimizer.policy import Policy
from optimizer.rules import TOLERANCE_YUAN, Violation, make_context, rules_for
from optimizer.scenario import Scenario, request_column


def firm_upper(policy: Policy, firm: Mapping[str, Any], program: str) -> float:
    """upper[i, p] of the contract, computed for one firm (a row as a dict) without numpy."""
    size_class = str(firm["size_class"])
    if float(firm["score"]) < policy.min_score(size_class):
        return 0.0
    amount = policy.rate(program, size_class) * float(firm[request_column(program)])
    cap = policy.cap(program)
    return amount if cap is None else min(amount, cap)


def check_allocation(scenario: Scenario, amounts: np.ndarray) -> list[Violation]:
    """Every way ``amounts`` (yuan, firms × programs) breaks the scenario's rules.

    An empty list means the allocation is feasible: within every firm's
    limits and overrides (fixed awards, ``min.P``/``max.P``, exclusions, read
    from the row's own cells), every pool, every cap and every floor, to
    within one yuan.
    """
    programs = scenario.programs
    n = len(scenario.firms)
    if amounts.shape != (n, len(programs)):
        return [Violation("shape", "", f"expected {(n, len(programs))}, got {amounts.shape}")]
    violations: list[Violation] = []
    ids = scenario.firms["firm_id"].to_numpy()
    records: list[dict[str, Any]] = scenario.firms.to_dict("records")  # type: ignore[assignment]
    for i, firm in enumerate(records):
        for j, program in enumerate(programs):
            a = float(amounts[i, j])
            lower, upper = firm_bounds(firm, program, firm_upper(scenario.policy, firm, program))
            if (a < lower - TOLERANCE_YUAN - 1e-9 * lower
                    or a > upper + TOLERANCE_YUAN + 1e-9 * upper):
                violations.append(Violation(
                    "upper", str(ids[i]),
                    f"firm {ids[i]} gets {yuan(a)} of {program}, allowed {yuan(lower)} to "
                    f"{yuan(upper)}"))
    ctx = make_context(scenario)
    for rule in rules_for(scenario):
        violations += rule.check(ctx, amounts)
    return violations
