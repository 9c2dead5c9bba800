"""The diff of two scenarios: policy keys, firms added, removed and changed cell by cell."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer import Scenario
from optimizer.diff import diff_scenarios
from tests.factory import firm, scenario


def test_equal_scenarios_have_an_empty_diff() -> None:
    a = scenario([firm("A", "small", 70, model=10)], budget__model=100, budget__training=100)
    assert diff_scenarios(a, a).same
    assert diff_scenarios(a, a).to_dict()["changed"] == []


def test_firms_added_removed_and_changed_by_id_in_any_order() -> None:
    a = scenario([firm("A", "small", 70, model=10), firm("B", "startup", 60, training=5),
                  firm("C", "large", 80)], budget__model=100, budget__training=100)
    b = scenario([firm("D", "small", 50), firm("C", "large", 80, district="福田区"),
                  firm("A", "medium", 71.5, model=10)],
                 budget__model=100, budget__training=200, objective="maxmin")
    d = diff_scenarios(a, b)
    assert d.added == ("D",) and d.removed == ("B",)
    assert [(c.firm_id, c.column, c.before, c.after) for c in d.changed] == [
        ("C", "district", "南山区", "福田区"),
        ("A", "size_class", "small", "medium"),
        ("A", "score", 70.0, 71.5),
    ]
    assert d.changed_firms == ("C", "A")
    assert [(c.key, c.before, c.after) for c in d.policy] == [
        ("budget.training", 100.0, 200.0), ("objective", "impact", "maxmin")]
    assert not d.same


def test_missing_cells_and_columns() -> None:
    a = scenario([firm("A", "small", 70), firm("B", "small", 60)],
                 budget__model=100, budget__training=100)
    firms = a.firms.copy()
    firms["score"] = [np.nan, 60.0]
    with_nan = Scenario(firms, a.policy)
    d = diff_scenarios(a, with_nan)
    assert [(c.firm_id, c.before, c.after) for c in d.changed] == [("A", 70.0, None)]
    assert diff_scenarios(with_nan, with_nan).same  # NaN equals NaN here
    wider = Scenario(firms.assign(applied_on="2024-01-01"), a.policy)
    assert diff_scenarios(with_nan, wider).columns_added == ("applied_on",)
    assert diff_scenarios(wider, with_nan).columns_removed == ("applied_on",)


def test_a_repeated_firm_id_is_an_error() -> None:
    a = scenario([firm("A", "small", 70), firm("A", "small", 60)],
                 budget__model=100, budget__training=100)
    with pytest.raises(ValueError, match="'A' appears twice"):
        diff_scenarios(a, a)
