"""Per-firm limits: what each firm could receive from each program at most.

These become variable bounds in the LP, never rows (one row per firm would
cost more than the solve itself on 100,000 firms). Per-firm overrides
(:mod:`optimizer.overrides`: fixed awards, ``min.P``/``max.P``, exclusions)
are bounds too: they move ``lower`` and ``upper``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optimizer.overrides import apply_overrides, committed, read_overrides
from optimizer.policy import SIZE_CLASSES
from optimizer.scenario import Scenario


@dataclass(frozen=True, eq=False)
class Limits:
    """The per-firm limits of one scenario, in yuan.

    Attributes
    ----------
    eligible
        Shape (firms,): the firm scores at least its class threshold.
    by_rate
        Shape (firms, programs): rate(p, class) × request, before caps.
    upper
        Shape (firms, programs): min(rate × request, cap.p) for eligible firms, else 0;
        then the overrides: 0 when excluded, the fixed amount when pinned,
        at most ``max.P``.
    firm_max
        Shape (firms,): the most one firm can receive in total,
        min(Σ_p upper, cap.total).
    lower
        Shape (firms, programs): the least a firm receives, 0 unless a
        fixed award or a ``min.P`` says otherwise.
    by_rule
        Shape (firms, programs): the limit of the rules alone (``upper``
        before the overrides).
    committed
        Shape (programs,): commitments per program, the yuan fixed awards and
        minimums promise (Σ_i lower).
    """

    eligible: np.ndarray
    by_rate: np.ndarray
    upper: np.ndarray
    firm_max: np.ndarray
    lower: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    by_rule: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    committed: np.ndarray = field(default_factory=lambda: np.zeros(0))


def firm_limits(scenario: Scenario) -> Limits:
    """Compute :class:`Limits` from the contract's semantics.

    ``upper[i,p] = min(rate(p, class_i) × request[i,p], cap.p)`` when
    ``score_i ≥ min_score(class_i)``, else 0.
    """
    policy = scenario.policy
    firms = scenario.firms
    classes = firms["size_class"].astype(str)
    scores = firms["score"].to_numpy(dtype=float)
    requests = scenario.requests()

    def per_firm(value_of_class: dict[str, float]) -> np.ndarray:
        return classes.map(value_of_class).to_numpy(dtype=float)

    thresholds = per_firm({c: policy.min_score(c) for c in SIZE_CLASSES})
    eligible = scores >= thresholds
    by_rate = np.empty_like(requests)
    upper = np.empty_like(requests)
    for j, program in enumerate(policy.programs):
        rates = per_firm({c: policy.rate(program, c) for c in SIZE_CLASSES})
        by_rate[:, j] = rates * requests[:, j]
        cap = policy.cap(program)
        capped = by_rate[:, j] if cap is None else np.minimum(by_rate[:, j], cap)
        upper[:, j] = np.where(eligible, capped, 0.0)
    overrides = read_overrides(scenario)
    by_rule = upper
    lower = np.zeros_like(upper)
    if overrides.any:
        lower, upper = apply_overrides(overrides, by_rule)
    firm_total = upper.sum(axis=1)
    firm_max = firm_total if policy.cap_total is None else np.minimum(firm_total, policy.cap_total)
    return Limits(eligible=eligible, by_rate=by_rate, upper=upper, firm_max=firm_max,
                  lower=lower, by_rule=by_rule, committed=committed(lower))
