"""The override columns (issue 12) read by the one cell parser and header rules of issue 9.

Amounts as requests (``¥``, ``元``, separators, full-width digits; ambiguous
numbers refused; a ``（万元）`` header scaled, with a warning), ``exclude`` by the
yes/no parser, ``note`` as text; an override header naming a program the
policy lacks is refused with the closest column, never ignored; program names
and ``reserve.P`` agree with the reserved names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from inputs import load_scenario, load_scenario_checked
from tests.inputs.conftest import load_error, set_cells

Broken = Callable[..., Path]


def overrides(**columns: list[object]) -> Callable[[openpyxl.Workbook], None]:
    """Add override columns after the last column (J, K, …): header, then one cell per firm."""

    def edit(wb: openpyxl.Workbook) -> None:
        sheet = wb["firms"]
        for k, (header, cells) in enumerate(columns.items()):
            column = 10 + k
            sheet.cell(1, column, header.replace("__", "."))
            for i, value in enumerate(cells):
                sheet.cell(2 + i, column, value)

    return edit


def test_override_amounts_read_like_requests(broken: Broken) -> None:
    loaded = load_scenario(broken(overrides(**{
        "固定额__模型券": ["¥50,000", "１２３元", None, 70000.0],
        "上限__training": ["1,500,000", None, "300000", None],
    })))
    firms = loaded.firms
    np.testing.assert_array_equal(firms["fixed.model"][:4], [50_000, 123, np.nan, 70_000])
    np.testing.assert_array_equal(firms["max.training"][:4], [1_500_000, np.nan, 300_000, np.nan])
    assert firms["fixed.model"][4:].isna().all()


@pytest.mark.parametrize(("cell", "code"), [("1500000,5", "input.number.decimal_comma"),
                                            ("1,000,5", "input.number.grouping"),
                                            ("-5", "input.number.min"),
                                            ("inf", "input.number.not_finite")])
def test_ambiguous_or_bad_override_amounts_are_refused_with_their_cell(
        broken: Broken, cell: str, code: str) -> None:
    err = load_error(broken(overrides(**{"fixed__training": [None, None, cell]})))
    assert (err.code, err.sheet, err.row, err.column, err.cell) == (
        code, "firms", 4, "fixed.training", "J4")
    assert err.render("zh").startswith("bad.xlsx：firms!J4 固定额.训力券：")


def test_a_wan_header_scales_override_amounts_and_says_so(broken: Broken) -> None:
    loaded = load_scenario_checked(broken(overrides(**{"固定额__训力券（万元）": [30, None, 1.5]})))
    np.testing.assert_array_equal(loaded.scenario.firms["fixed.training"][:3],
                                  [300_000, np.nan, 15_000])
    (warning,) = [w for w in loaded.warnings if w.code == "input.warn.wan_column"]
    assert (warning.column, warning.cell) == ("fixed.training", "J1")
    assert "multiplied by 10,000" in warning.message


def test_a_wan_header_on_exclude_is_refused(broken: Broken) -> None:
    err = load_error(broken(overrides(**{"排除（万元）": ["是"]})))
    assert (err.code, err.column, err.cell) == ("input.header.wan_not_money", "exclude", "J1")


def test_exclude_is_a_yes_no_cell_and_note_is_text(broken: Broken) -> None:
    loaded = load_scenario(broken(overrides(排除=["是", "否", True, None, "YES"],
                                            备注=["  已于第一轮承诺 ¥3.0M ", 1234, None])))
    assert loaded.firms["exclude"][:6].tolist() == [True, False, True, False, True, False]
    assert loaded.firms["note"][:4].tolist() == ["已于第一轮承诺 ¥3.0M", "1234", "", ""]
    err = load_error(broken(overrides(exclude=[None, "maybe"])))
    assert (err.code, err.row, err.column, err.cell) == ("input.labels.bad", 3, "exclude", "J3")
    err = load_error(broken(overrides(note=[pd.Timestamp("2024-01-05").to_pydatetime()])))
    assert (err.code, err.column, err.cell) == ("input.type.mixed", "note", "J2")


def test_an_override_header_for_an_unknown_program_is_not_ignored(broken: Broken) -> None:
    err = load_error(broken(overrides(**{"fixed__trainig": [100]})))
    assert (err.code, err.sheet, err.row, err.cell) == (
        "input.header.override_program", "firms", 1, "J1")
    assert "closest: fixed.training (固定额.训力券)" in err.message
    assert "最接近的是 fixed.training (固定额.训力券)" in err.message_zh
    err = load_error(broken(overrides(**{"固定额__语料券": [100]})))  # no budget.corpus
    assert err.code == "input.header.override_program"
    assert "programs: model, training" in err.message


def test_unknown_plain_columns_are_still_ignored(broken: Broken, small) -> None:
    loaded = load_scenario(broken(set_cells(J1="内部编号", J2="fixed", K1="固定额", K2=5)))
    assert loaded.digest == small.digest


@pytest.mark.parametrize("program", ["note", "exclude"])
def test_override_column_names_are_reserved_program_names(broken: Broken, program: str) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["policy"].append([f"budget.{program}", 1_000_000])
        wb["policy"].append([f"rate.{program}", 0.3])

    err = load_error(broken(edit))
    assert (err.code, err.key) == ("input.policy.reserved", f"budget.{program}")


def test_reserve_keys_are_read_by_the_policy_sheet(broken: Broken) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["policy"].append(["reserve.training", "20%"])
        wb["policy"].append(["reserve.model", 0.5])

    loaded = load_scenario(broken(edit))
    assert (loaded.policy.reserve("training"), loaded.policy.reserve("model")) == (0.2, 0.5)
    err = load_error(broken(lambda wb: wb["policy"].append(["reserve.training", 1.5])))
    assert (err.code, err.key, err.column) == ("input.number.range", "reserve.training", "value")
    for program in ("total", "corpus"):
        err = load_error(broken(lambda wb, p=program: wb["policy"].append([f"reserve.{p}", 0.1])))
        assert (err.code, err.key, err.column) == (
            "policy.no_budget", f"reserve.{program}", "key")
