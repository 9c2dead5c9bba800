"""The scenario: who applied for how much, and under which policy.

A :class:`Scenario` is what goes into :func:`optimizer.solve`. It holds the
firms table with canonical (English) columns and a :class:`~optimizer.policy.Policy`.
Reading and validating files is the job of :mod:`inputs`; by the time a table
reaches this module its columns are canonical and its values checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from optimizer.policy import Policy


class SizeClass(StrEnum):
    """Firm size class, the study's axis of fairness."""

    STARTUP = "startup"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def zh(self) -> str:
        """The Chinese label used in workbooks and the app."""
        return SIZE_CLASS_ZH[self]


SIZE_CLASS_ZH: dict[SizeClass, str] = {
    SizeClass.STARTUP: "初创",
    SizeClass.SMALL: "小型",
    SizeClass.MEDIUM: "中型",
    SizeClass.LARGE: "大型",
}

#: Chinese names of the voucher programs. A request column's Chinese header is
#: the program's name followed by 申请额 (训力券申请额).
PROGRAM_ZH: dict[str, str] = {"model": "模型券", "training": "训力券", "corpus": "语料券"}

#: Columns every firms table has after parsing, in sheet order. Request
#: columns (``{program}_request``) follow, one per program of the policy.
FIRM_COLUMNS: tuple[str, ...] = (
    "firm_id",
    "name",
    "size_class",
    "district",
    "score",
    "basic_research",
)
#: Optional column: application date, used by the first-come-first-served baseline.
APPLIED_ON = "applied_on"


def request_column(program: str) -> str:
    """The firms-table column that holds the yuan applied for under ``program``."""
    return f"{program}_request"


@dataclass(frozen=True, eq=False)
class Scenario:
    """A firms table and a policy: everything one allocation depends on.

    Parameters
    ----------
    firms
        One row per applicant firm, with the columns of :data:`FIRM_COLUMNS`
        plus one ``{program}_request`` column (yuan) per program of ``policy``.
        ``size_class`` holds :class:`SizeClass` values, ``basic_research`` bools.
    policy
        Pools, rates, caps, thresholds, fairness rules and the objective.
    name
        A label for comparisons, e.g. the workbook's file name.
    """

    firms: pd.DataFrame
    policy: Policy
    name: str = "scenario"

    def __post_init__(self) -> None:
        missing = [c for c in self.required_columns if c not in self.firms.columns]
        if missing:
            raise ValueError(f"firms table lacks columns {missing}")

    @property
    def required_columns(self) -> list[str]:
        """Canonical columns the firms table must have for this policy."""
        return [*FIRM_COLUMNS, *(request_column(p) for p in self.policy.programs)]

    @property
    def programs(self) -> tuple[str, ...]:
        """The voucher programs, in policy order (``model``, ``training``, ...)."""
        return self.policy.programs

    def requests(self) -> np.ndarray:
        """Yuan applied for, shape (firms, programs)."""
        cols = [request_column(p) for p in self.programs]
        return self.firms[cols].to_numpy(dtype=float)

    def with_policy(self, policy: Policy) -> Scenario:
        """The same firms under another policy (a what-if)."""
        return Scenario(self.firms, policy, self.name)

    @property
    def digest(self) -> str:
        """SHA-256 of the firms table and the policy: equal inputs, equal digest."""
        from optimizer.overrides import override_columns  # it imports this module

        h = hashlib.sha256()
        overrides = [c for c in override_columns(self.programs) if c in self.firms.columns]
        table = self.firms[self.required_columns + overrides]
        h.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
        h.update(repr(self.policy.to_items()).encode())
        return h.hexdigest()
