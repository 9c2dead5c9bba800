"""The overspend risk of a solved allocation, by an independent Monte Carlo.

The LP keeps each pool's spending within budget with probability ≥ 1 − ε on
its own samples (:class:`~optimizer.rules.RedemptionRisk`). This module checks
that claim with fresh draws (another seed stream, :data:`~optimizer.redemption.DEFAULT_DRAWS`
of them), group by group, so 10⁶ draws cost well under a second.
"""

from __future__ import annotations

from concurrent.futures import Executor

from optimizer.redemption import DEFAULT_DRAWS, PoolRisk, issued_by_group, simulate
from optimizer.result import Result


def pool_risks(result: Result, draws: int = DEFAULT_DRAWS,
               executor: Executor | None = None) -> dict[str, PoolRisk]:
    """Simulated spending of every pool of an optimal ``result``.

    Parameters
    ----------
    result
        An optimal result (its amounts are what is issued).
    draws
        Out-of-sample rate vectors.
    executor
        Where the blocks of draws run (None: here); the same bytes on any.
    """
    policy = result.scenario.policy
    model = policy.redemption_model()
    size_class = result.scenario.firms["size_class"].astype(str).to_numpy()
    issued = issued_by_group(model, result.amounts, size_class, result.programs)
    return simulate(model, issued, policy.budgets, policy.redemption_seed, draws,
                    executor if model.active else None)
