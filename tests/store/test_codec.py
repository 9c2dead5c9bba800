"""The encoding of a scenario is exact: every column's dtype and every value come back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from inputs.builtin import default_scenario, fair_scenario
from inputs.shenzhen import generate
from inputs.store import StoreError
from inputs.store.codec import decode_scenario, encode_scenario, row_count
from optimizer import Policy, Scenario


def roundtrip(scenario: Scenario) -> Scenario:
    back = decode_scenario(encode_scenario(scenario), scenario.name)
    pd.testing.assert_frame_equal(back.firms, scenario.firms, check_exact=True)
    assert list(back.firms.dtypes) == list(scenario.firms.dtypes)
    assert back.firms.columns.dtype == scenario.firms.columns.dtype
    assert back.policy == scenario.policy
    assert back.digest == scenario.digest
    return back


@pytest.mark.parametrize("load", [default_scenario, fair_scenario])
def test_the_shipped_scenarios(load: object) -> None:
    roundtrip(load())  # type: ignore[operator]


def test_a_policy_with_every_kind_of_field_comes_back_equal() -> None:
    base = generate(30, seed=5)
    policy = Policy.from_items([
        ("budget.model", 1e8), ("budget.training", 3.3e8), ("budget.corpus", 12345.678),
        ("rate.corpus", 0.25), ("rate.training.startup", 0.6), ("cap.model", 1e6),
        ("cap.total", 2e6), ("min_score.large", 70), ("startup_floor", 0.1),
        ("objective", "leximin"), ("leximin.districts", "yes")])
    policy = policy.with_values(tiers=((1 / 3, 1.0), (1.0, 0.1 + 0.2)))  # not exact as text
    firms = base.firms.assign(corpus_request=np.linspace(0, 1e6, 30))
    roundtrip(Scenario(firms, policy, "p"))


def test_unusual_columns_keep_their_types() -> None:
    base = generate(6, seed=2)
    firms = base.firms.copy()
    firms["score"] = [1.5, np.nan, -0.0, 1e-300, np.inf, 2.0]
    firms["count"] = pd.array([1, None, 3, 4, None, 6], dtype="Int64")
    firms["flag"] = pd.array([True, None, False, True, False, None], dtype="boolean")
    firms["kind"] = pd.Categorical(["a", "b", "a", None, "b", "a"], ordered=True)
    firms["when"] = pd.date_range("2024-01-01", periods=6, freq="D", tz="Asia/Shanghai")
    firms["text"] = pd.array(["甲", None, "", "é", "b", "c"], dtype="string")
    firms["mixed"] = pd.Series(["\ud800x", 1, 2.5, None, True, dt.date(2024, 5, 1)], dtype=object)
    firms["stamp"] = pd.to_datetime(["2024-01-01", None, "2024-02-03", "2024-03-04",
                                     "2024-04-05", "2024-05-06"]).as_unit("s")
    firms.index = pd.Index([10, 20, 30, 40, 50, 60], name="行")
    back = roundtrip(Scenario(firms, base.policy))
    assert back.firms.index.name == "行"
    assert row_count(encode_scenario(back)) == 6


def test_a_column_the_store_cannot_keep_is_refused() -> None:
    base = generate(3, seed=2)
    firms = base.firms.assign(odd=[object(), object(), object()])
    with pytest.raises(StoreError) as err:
        encode_scenario(Scenario(firms, base.policy))
    assert err.value.code == "store.unsupported_column" and err.value.fields["column"] == "odd"
