"""Redemption: vouchers are paid after use, so issuing is not spending.

In each group g = (size class, program) every firm redeems the same random
share ``r_g`` of what it was issued; ``r_g`` follows a Beta distribution with
the policy's mean and standard deviation, independently across groups. The
spending of pool p is ``S_p = Σ_g r_g y_g`` with ``y_g = Σ_{i∈g} a[i, p]`` the
yuan issued to the group.

The allocation LP keeps ``P(S_p > budget_p) ≤ ε`` through a CVaR constraint
over N sampled rate vectors (Rockafellar–Uryasev)::

    t_p + 1/(εN) Σ_s u_{p,s} ≤ budget_p
    u_{p,s} ≥ Σ_g r_{g,s} y_g − t_p,   u ≥ 0

CVaR_ε ≥ VaR_ε, so the constraint is safe (conservative) on the samples. This
module provides the sampled rates (:func:`cvar_programs`), an independent
check of the constraint (:func:`cvar`) and the out-of-sample Monte Carlo
(:func:`simulate`). It is pure numpy: no I/O, no clock.

Random numbers come from :class:`numpy.random.Generator` seeded explicitly.
Draws are made in fixed blocks of :data:`BLOCK` rate vectors; block k of a
stream uses the k-th child of ``SeedSequence([seed, stream]).spawn(...)``, so
the draws do not depend on how the blocks are spread over workers: any
:class:`concurrent.futures.Executor` (local processes, a Dask cluster) gives
the same bytes as running them in turn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

#: Rate vectors per block (one task of an executor).
BLOCK = 65_536
#: Seed streams: the LP's samples, and the fresh out-of-sample draws.
IN_SAMPLE, OUT_OF_SAMPLE = 0, 1
#: Fewest out-of-sample draws (the contract of ``solve --json``).
MIN_DRAWS = 100_000
#: Draws used by :func:`simulate` unless told otherwise.
DEFAULT_DRAWS = 200_000
#: Bars of the spending histogram.
HISTOGRAM_BINS = 40


def beta_parameters(mean: float, sd: float) -> tuple[float, float] | None:
    """Beta(α, β) with the given mean and standard deviation; None when ``sd`` is 0.

    α = m k, β = (1 − m) k with k = m(1 − m)/sd² − 1.

    >>> beta_parameters(0.6, 0.1)
    (13.8, 9.2)
    >>> beta_parameters(0.6, 0.0) is None
    True

    Raises
    ------
    ValueError
        When the mean is not in (0, 1], the sd is negative, or sd² ≥ m(1 − m)
        (no Beta distribution has that spread).
    """
    if not (math.isfinite(mean) and 0 < mean <= 1):
        raise ValueError(f"the mean rate must be in (0, 1], got {mean:g}")
    if not (math.isfinite(sd) and sd >= 0):
        raise ValueError(f"the standard deviation must be ≥ 0, got {sd:g}")
    if sd == 0:
        return None
    spread = mean * (1 - mean)
    if sd * sd >= spread:
        raise ValueError(f"sd {sd:g} is too large for mean {mean:g}: sd² must be below "
                         f"mean × (1 − mean) = {spread:g}")
    k = spread / (sd * sd) - 1
    return round(mean * k, 12), round((1 - mean) * k, 12)


@dataclass(frozen=True)
class GroupRate:
    """The redemption rate of one group: a size class within one program."""

    program: str
    size_class: str
    mean: float
    sd: float

    @property
    def full(self) -> bool:
        """Redeemed in full for certain (mean 1, sd 0)."""
        return self.mean == 1 and self.sd == 0


@dataclass(frozen=True)
class RedemptionModel:
    """Every group's rate, program by program, size classes in a fixed order."""

    groups: tuple[GroupRate, ...]

    def modelled(self, program: str) -> bool:
        """Whether ``program`` has any group that may not redeem in full."""
        return any(not g.full for g in self.groups if g.program == program)

    @property
    def active(self) -> bool:
        """Whether any program has a redemption model (else: today's allocation)."""
        return any(not g.full for g in self.groups)

    def indices(self, program: str) -> list[int]:
        """Positions in :attr:`groups` of ``program``'s groups."""
        return [k for k, g in enumerate(self.groups) if g.program == program]

    def means(self) -> np.ndarray:
        return np.array([g.mean for g in self.groups])


def model_of(rates: Iterable[tuple[str, str, float, float]]) -> RedemptionModel:
    """A model from ``(program, size class, mean, sd)`` rows, validating each.

    Raises
    ------
    ValueError
        As :func:`beta_parameters`, naming the group.
    """
    groups = []
    for program, size_class, mean, sd in rates:
        try:
            beta_parameters(mean, sd)
        except ValueError as err:
            raise ValueError(f"{program}.{size_class}: {err}") from None
        groups.append(GroupRate(program, size_class, float(mean), float(sd)))
    return RedemptionModel(tuple(groups))


# -- sampling ---------------------------------------------------------------------
def _draw_block(groups: tuple[GroupRate, ...], seed: int, stream: int, block: int,
                size: int) -> np.ndarray:
    """Rate vectors of one block, shape (size, groups); a task for any executor."""
    child = np.random.SeedSequence([seed, stream]).spawn(block + 1)[block]
    rng = np.random.Generator(np.random.PCG64(child))
    out = np.empty((size, len(groups)))
    for k, group in enumerate(groups):
        ab = beta_parameters(group.mean, group.sd)
        # draw even for a constant group? no: constants use no random numbers,
        # so adding a full-redemption group leaves the other groups' draws alone
        out[:, k] = group.mean if ab is None else rng.beta(ab[0], ab[1], size)
    return out


def _blocks(n: int) -> list[tuple[int, int]]:
    """``(block, size)`` of the fixed blocks that make ``n`` draws."""
    return [(b, min(BLOCK, n - b * BLOCK)) for b in range(math.ceil(n / BLOCK))]


def sample_rates(model: RedemptionModel, n: int, seed: int, stream: int = IN_SAMPLE,
                 executor: Executor | None = None) -> np.ndarray:
    """``n`` sampled rate vectors, shape (n, groups), the same on any executor.

    Parameters
    ----------
    model
        The groups and their rates.
    n
        How many vectors.
    seed
        ``redemption.seed``.
    stream
        :data:`IN_SAMPLE` (the LP) or :data:`OUT_OF_SAMPLE` (the check).
    executor
        Runs the blocks (None: one after the other, here).
    """
    if n < 1:
        raise ValueError(f"at least one sample is needed, got {n}")
    blocks = _blocks(n)
    args = [(model.groups, seed, stream, b, size) for b, size in blocks]
    if executor is None or len(blocks) == 1:
        parts = [_draw_block(*a) for a in args]
    else:
        parts = list(executor.map(_draw_block, *zip(*args, strict=True)))
    return np.concatenate(parts, axis=0)


# -- the CVaR constraint --------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CvarProgram:
    """The sampled data of one pool's CVaR constraint.

    Attributes
    ----------
    program, budget, epsilon
        The pool, its yuan and the allowed overspend probability ε.
    groups, size_classes
        Positions in the model's groups of this program's groups, and their size classes.
    rates
        Sampled rates, shape (N, len(groups)). A pool whose groups all have
        sd 0 has one sample: its spending is certain.
    """

    program: str
    budget: float
    epsilon: float
    groups: tuple[int, ...]
    size_classes: tuple[str, ...]
    rates: np.ndarray

    @property
    def weight(self) -> float:
        """The coefficient 1/(εN) of each u in the CVaR row."""
        return 1.0 / (self.epsilon * len(self.rates))

    def issued(self, column: np.ndarray, size_class: np.ndarray) -> np.ndarray:
        """y_g: yuan of one program's column issued to each of the groups."""
        return np.array([math.fsum(column[size_class == c]) for c in self.size_classes])

    def cvar(self, column: np.ndarray, size_class: np.ndarray) -> float:
        """CVaR_ε of the pool's spending over the samples, for one program's column."""
        return cvar(self.rates @ self.issued(column, size_class), self.epsilon)


def cvar_programs(model: RedemptionModel, budgets: Sequence[tuple[str, float]],
                  epsilon: float, samples: int, seed: int) -> list[CvarProgram]:
    """The CVaR data of every pool that has a redemption model."""
    if not 0 < epsilon < 1:
        raise ValueError(f"overspend_risk must be in (0, 1), got {epsilon:g}")
    modelled = [(p, b) for p, b in budgets if model.modelled(p)]
    if not modelled:
        return []
    rates = sample_rates(model, samples, seed, IN_SAMPLE)
    out = []
    for program, budget in modelled:
        groups = model.indices(program)
        certain = all(model.groups[g].sd == 0 for g in groups)
        block = rates[:1, groups] if certain else rates[:, groups]
        classes = tuple(model.groups[g].size_class for g in groups)
        out.append(CvarProgram(program, budget, epsilon, tuple(groups), classes, block.copy()))
    return out


def cvar(spend: np.ndarray, epsilon: float) -> float:
    """CVaR_ε of sampled spending: min_t t + E[(S − t)⁺]/ε, exactly.

    The minimum is at t = VaR, the ⌈(1 − ε)N⌉-th smallest sample.

    >>> cvar(np.array([1.0, 2.0, 3.0, 4.0]), 0.5)
    3.5
    """
    ordered = np.sort(np.asarray(spend, dtype=float))
    n = len(ordered)
    m = max(1, math.ceil(n * (1 - epsilon) - 1e-9))
    t = ordered[m - 1]
    return float(t + np.maximum(ordered - t, 0.0).sum() / (epsilon * n))


def issued_by_group(model: RedemptionModel, amounts: np.ndarray, size_class: np.ndarray,
                    programs: Sequence[str]) -> np.ndarray:
    """Yuan issued to each group of the model: y_g = Σ_{i∈g} a[i, p]."""
    out = np.zeros(len(model.groups))
    for k, g in enumerate(model.groups):
        if g.program in programs:
            column = amounts[:, list(programs).index(g.program)]
            out[k] = math.fsum(column[size_class == g.size_class])
    return out


# -- the out-of-sample Monte Carlo ------------------------------------------------------
@dataclass(frozen=True)
class PoolRisk:
    """Simulated spending of one pool.

    Attributes
    ----------
    issued
        Yuan issued from the pool.
    expected_spend
        Σ_g mean_g y_g, exactly.
    p_overspend
        Share of draws whose spending exceeds the budget.
    spend_p95, spend_p99
        Quantiles of the simulated spending.
    edges, counts
        The histogram of simulated spending (:data:`HISTOGRAM_BINS` bars).
    """

    program: str
    budget: float
    issued: float
    expected_spend: float
    p_overspend: float
    spend_p95: float
    spend_p99: float
    draws: int
    edges: tuple[float, ...]
    counts: tuple[int, ...]

    def to_dict(self) -> dict[str, float]:
        """The ``solve --json`` figures of the pool."""
        return {"issued": self.issued, "expected_spend": self.expected_spend,
                "p_overspend": self.p_overspend, "spend_p95": self.spend_p95,
                "spend_p99": self.spend_p99}


def _spend_block(groups: tuple[GroupRate, ...], seed: int, block: int, size: int,
                 issued: np.ndarray, columns: tuple[tuple[int, ...], ...]) -> np.ndarray:
    """Spending of every pool in one block of fresh draws, shape (size, pools)."""
    rates = _draw_block(groups, seed, OUT_OF_SAMPLE, block, size)
    return np.stack([rates[:, list(c)] @ issued[list(c)] for c in columns], axis=1)


def simulate(model: RedemptionModel, issued: np.ndarray, budgets: Sequence[tuple[str, float]],
             seed: int, draws: int = DEFAULT_DRAWS,
             executor: Executor | None = None) -> dict[str, PoolRisk]:
    """Simulate each pool's spending with fresh draws (stream :data:`OUT_OF_SAMPLE`).

    Parameters
    ----------
    model
        The groups and their rates.
    issued
        Yuan issued per group (:func:`issued_by_group`).
    budgets
        ``(program, yuan)`` of every pool.
    seed
        ``redemption.seed``; the draws are a stream apart from the LP's samples.
    draws
        Rate vectors drawn (at least :data:`MIN_DRAWS` for the contract).
    executor
        Runs the blocks (None: here, one after the other); same bytes either way.
    """
    if draws < 1:
        raise ValueError(f"at least one draw is needed, got {draws}")
    columns = tuple(tuple(model.indices(p)) for p, _ in budgets)
    args = [(model.groups, seed, b, size, issued, columns) for b, size in _blocks(draws)]
    if executor is None or len(args) == 1:
        parts = [_spend_block(*a) for a in args]
    else:
        parts = list(executor.map(_spend_block, *zip(*args, strict=True)))
    spend = np.concatenate(parts, axis=0)
    means = model.means()
    out = {}
    for j, (program, budget) in enumerate(budgets):
        column = spend[:, j]
        groups = list(columns[j])
        low, high = float(column.min()), float(column.max())
        if high - low < 1e-6 * max(1.0, abs(high)):  # certain spending: one bar around it
            low, high = low - 0.5, high + 0.5
        counts, edges = np.histogram(column, bins=HISTOGRAM_BINS, range=(low, high))
        out[program] = PoolRisk(
            program=program,
            budget=budget,
            issued=math.fsum(issued[groups]),
            expected_spend=math.fsum(means[groups] * issued[groups]),
            p_overspend=float(np.count_nonzero(column > budget + 1.0) / draws),
            spend_p95=float(np.quantile(column, 0.95)),
            spend_p99=float(np.quantile(column, 0.99)),
            draws=draws,
            edges=tuple(float(e) for e in edges),
            counts=tuple(int(c) for c in counts),
        )
    return out
