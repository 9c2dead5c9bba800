"""What changed between two scenarios: policy keys, and firms keyed by ``firm_id``.

Pure: two :class:`~optimizer.scenario.Scenario` objects in, a
:class:`ScenarioDiff` out. The store diffs two saved versions with it and the
app shows the result; nothing here reads a file or the clock.

>>> import pandas as pd
>>> from optimizer.policy import Policy
>>> from optimizer.scenario import Scenario
>>> policy = Policy.from_items([("budget.model", 100), ("budget.training", 200)])
>>> row = {"firm_id": "A", "name": "甲", "size_class": "small", "district": "南山区",
...        "score": 70.0, "basic_research": False, "model_request": 10.0,
...        "training_request": 0.0}
>>> a = Scenario(pd.DataFrame([row]), policy)
>>> b = Scenario(pd.DataFrame([{**row, "score": 75.0}, {**row, "firm_id": "B"}]),
...              policy.with_values(startup_floor=0.1))
>>> d = diff_scenarios(a, b)
>>> [c.key for c in d.policy], d.added, d.removed
(['startup_floor'], ('B',), ())
>>> [(c.firm_id, c.column, c.before, c.after) for c in d.changed]
[('A', 'score', 70.0, 75.0)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizer.scenario import Scenario

_MISSING = object()


@dataclass(frozen=True)
class PolicyChange:
    """One policy key whose value differs (``None`` where the key is absent: its default)."""

    key: str
    before: Any
    after: Any


@dataclass(frozen=True)
class CellChange:
    """One firm's cell that differs between the two firms tables."""

    firm_id: str
    column: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ScenarioDiff:
    """The differences from scenario ``a`` to scenario ``b``.

    Parameters
    ----------
    policy
        Policy keys (as in the policy sheet) whose values differ, in sheet order.
    added, removed
        Firm ids only in ``b`` / only in ``a``, in table order.
    changed
        Cells of firms in both, in ``b``'s row order then column order.
    columns_added, columns_removed
        Firms-table columns only in ``b`` / only in ``a`` (their cells are not
        listed in ``changed``).
    """

    policy: tuple[PolicyChange, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[CellChange, ...]
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()

    @property
    def same(self) -> bool:
        """Whether nothing at all differs."""
        return not (self.policy or self.added or self.removed or self.changed
                    or self.columns_added or self.columns_removed)

    @property
    def changed_firms(self) -> tuple[str, ...]:
        """Ids of firms in both scenarios with at least one changed cell, in order."""
        return tuple(dict.fromkeys(c.firm_id for c in self.changed))

    def to_dict(self) -> dict[str, Any]:
        """The diff as JSON-ready data."""
        return {
            "policy": [{"key": c.key, "before": c.before, "after": c.after} for c in self.policy],
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [{"firm_id": c.firm_id, "column": c.column, "before": c.before,
                         "after": c.after} for c in self.changed],
            "columns_added": list(self.columns_added),
            "columns_removed": list(self.columns_removed),
        }


def diff_scenarios(a: Scenario, b: Scenario) -> ScenarioDiff:
    """Compare ``a`` (before) with ``b`` (after).

    Raises
    ------
    ValueError
        When a firms table repeats a ``firm_id`` (the diff is keyed by it).
    """
    return ScenarioDiff(
        policy=diff_policy_items(a.policy.to_items(), b.policy.to_items()),
        **_diff_firms(a.firms, b.firms),
    )


def diff_policy_items(
    before: list[tuple[str, Any]], after: list[tuple[str, Any]]
) -> tuple[PolicyChange, ...]:
    """Keys whose values differ between two lists of policy-sheet rows."""
    old, new = dict(before), dict(after)
    keys = list(dict.fromkeys([*old, *new]))
    return tuple(
        PolicyChange(k, old.get(k), new.get(k))
        for k in keys
        if not _equal(old.get(k, _MISSING), new.get(k, _MISSING))
    )


def _ids(firms: pd.DataFrame) -> list[str]:
    ids = [str(v) for v in firms["firm_id"].tolist()]
    seen: set[str] = set()
    for firm in ids:
        if firm in seen:
            raise ValueError(f"firm_id {firm!r} appears twice")
        seen.add(firm)
    return ids


def _diff_firms(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, Any]:
    ids_a, ids_b = _ids(a), _ids(b)
    set_a, set_b = set(ids_a), set(ids_b)
    columns = [c for c in b.columns if c in set(a.columns) and c != "firm_id"]
    position_a = {firm: k for k, firm in enumerate(ids_a)}
    common = [(k, position_a[firm]) for k, firm in enumerate(ids_b) if firm in set_a]
    rows_b = np.array([k for k, _ in common], dtype=np.int64)
    rows_a = np.array([k for _, k in common], dtype=np.int64)
    found: list[tuple[int, int, CellChange]] = []
    for j, column in enumerate(columns):
        before = a[column].iloc[rows_a].reset_index(drop=True)
        after = b[column].iloc[rows_b].reset_index(drop=True)
        differ = _differing(before, after)
        for k in np.flatnonzero(differ):
            change = CellChange(ids_b[rows_b[k]], str(column), _plain(before.iloc[k]),
                                _plain(after.iloc[k]))
            found.append((int(rows_b[k]), j, change))
    found.sort(key=lambda t: (t[0], t[1]))
    return {
        "added": tuple(i for i in ids_b if i not in set_a),
        "removed": tuple(i for i in ids_a if i not in set_b),
        "changed": tuple(c for _, _, c in found),
        "columns_added": tuple(str(c) for c in b.columns if c not in set(a.columns)),
        "columns_removed": tuple(str(c) for c in a.columns if c not in set(b.columns)),
    }


def _differing(before: pd.Series, after: pd.Series) -> np.ndarray:
    """True where two aligned columns differ; two missing cells are equal."""
    missing_before = before.isna().to_numpy(dtype=bool)
    missing_after = after.isna().to_numpy(dtype=bool)
    try:
        unequal = (before != after).to_numpy(dtype=bool)
    except TypeError:  # values of types that do not compare (e.g. text with a date)
        unequal = np.array([not _equal(x, y) for x, y in zip(before, after, strict=True)])
    differ: np.ndarray = (unequal & ~(missing_before & missing_after)) | (
        missing_before != missing_after)
    return differ


def _equal(x: Any, y: Any) -> bool:
    if x is _MISSING or y is _MISSING:
        return x is y
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return bool(x == y)


def _plain(value: Any) -> Any:
    """A cell as a plain Python value (``None`` for a missing one)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value
