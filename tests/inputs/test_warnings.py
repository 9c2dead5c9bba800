"""Sanity warnings (not errors): a pool under ¥10,000, or a pool or a request of 10¹² yuan
or more, probably has the wrong unit. Loading still succeeds; the warnings are data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from inputs import load_scenario_checked, scenario_warnings
from tests.inputs.conftest import set_cells

Broken = Callable[..., Path]


def _set_policy(key: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        for row in wb["policy"].iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value

    return edit


def test_a_clean_scenario_has_no_warnings(broken: Broken, small) -> None:
    assert load_scenario_checked(broken(lambda wb: None)).warnings == ()
    assert scenario_warnings(small) == ()


@pytest.mark.parametrize(("value", "code", "en", "zh"), [
    (5_000, "input.warn.small_pool", "under 10,000 yuan", "不到 1 万元"),
    (2e12, "input.warn.huge_pool", "10¹² or more", "≥ 1 万亿元"),
])  # fmt: skip
def test_a_pool_in_the_wrong_unit(broken: Broken, value: float, code: str, en: str,
                                  zh: str) -> None:
    loaded = load_scenario_checked(broken(_set_policy("budget.model", value)))
    [warning] = loaded.warnings
    assert (warning.code, warning.key, warning.sheet) == (code, "budget.model", "policy")
    assert en in str(warning) and zh in warning.render("zh")


def test_a_request_in_the_wrong_unit(broken: Broken) -> None:
    loaded = load_scenario_checked(broken(set_cells(I5=3e12, I9=4e12)))
    [warning] = loaded.warnings
    assert (warning.code, warning.cell, warning.fields["count"]) == (
        "input.warn.huge_request", "I5", "2")
    assert "3,000,000,000,000 yuan" in str(warning)
    assert "3,000,000,000,000 元" in warning.render("zh")
