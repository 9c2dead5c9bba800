"""Rows of the LP, keyed by a small frozen :class:`RowKey`.

A row is stated over the allocation ``a[i, p]`` in yuan and, optionally, over
auxiliary variables that its rule declares (:class:`AuxVariable`):
``Σ coef × a[i, p] + Σ c_v × v  (≤ | ≥)  rhs``. :mod:`optimizer.model` scales it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Sense(StrEnum):
    """Direction of a row."""

    LE = "<="
    GE = ">="


@dataclass(frozen=True, order=True)
class RowKey:
    """Which rule made a row, and which group the row is about.

    ``str(key)`` is the row's name as the command line prints it.

    >>> str(RowKey("startup_floor", "training"))
    'startup_floor.training'
    >>> str(RowKey("basic_research_floor"))
    'basic_research_floor'
    """

    rule: str
    group: str = ""

    def __str__(self) -> str:
        return f"{self.rule}.{self.group}" if self.group else self.rule


@dataclass(frozen=True)
class AuxVariable:
    """A column a rule adds to the LP besides the allocations (e.g. a CVaR threshold).

    Attributes
    ----------
    name
        Unique in the model; rows refer to it by this name.
    low, high
        Bounds, in yuan (None: unbounded).
    cost
        Objective weight per yuan under the impact objective (0: none).
    """

    name: str
    low: float | None = 0.0
    high: float | None = None
    cost: float = 0.0


class Keyed:
    """What a row-keyed record reads off its :class:`RowKey`: ``name``, ``rule``, ``group``."""

    key: RowKey

    @property
    def name(self) -> str:
        return str(self.key)

    @property
    def rule(self) -> str:
        return self.key.rule

    @property
    def group(self) -> str:
        return self.key.group


@dataclass(frozen=True, eq=False)
class Row(Keyed):
    """``Σ coef × a[i, p] + Σ c × aux`` over the listed pairs, compared with ``rhs`` yuan.

    Attributes
    ----------
    key
        The rule and group of the row, e.g. ``RowKey("district_floor", "南山区")``.
    firms, programs
        Parallel index arrays of the (firm, program) pairs summed; distinct pairs.
    sense, rhs
        ``≤`` or ``≥`` the right-hand side, in yuan.
    coefs
        One coefficient per pair (None: every coefficient is 1).
    aux
        ``(auxiliary variable name, coefficient)`` terms.
    """

    key: RowKey
    firms: np.ndarray
    programs: np.ndarray
    sense: Sense
    rhs: float
    coefs: np.ndarray | None = None
    aux: tuple[tuple[str, float], ...] = ()


    def coefficients(self) -> np.ndarray:
        """The coefficient of every pair (ones unless given)."""
        return np.ones(len(self.firms)) if self.coefs is None else self.coefs

    def activity(self, amounts: np.ndarray, aux_values: dict[str, float] | None = None) -> float:
        """The row's left-hand side for an allocation matrix (firms × programs), in yuan."""
        if len(self.firms):
            values = amounts[self.firms, self.programs]
            total = math.fsum(values if self.coefs is None else values * self.coefs)
        else:
            total = 0.0
        if self.aux:
            known = aux_values or {}
            total += math.fsum(c * known.get(name, 0.0) for name, c in self.aux)
        return total
