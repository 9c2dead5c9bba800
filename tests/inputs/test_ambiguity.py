"""Ambiguity is an error, never a guess: two candidate sheets, reserved program names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from inputs.policies import RESERVED_PROGRAMS
from tests.inputs.conftest import load_error

Broken = Callable[..., Path]


@pytest.mark.parametrize(("canonical", "other"), [("firms", "企业"), ("policy", "政策"),
                                                  ("firms", "Firms ")])
def test_two_candidate_sheets(broken: Broken, canonical: str, other: str) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb.copy_worksheet(wb[canonical]).title = other

    err = load_error(broken(edit))
    assert (err.code, err.sheet) == ("input.sheet.ambiguous", canonical)
    assert f"either of two sheets, '{canonical}' and '{other}'" in str(err)
    assert f"有两个工作表都可能是它：'{canonical}' 和 '{other}'" in err.render("zh")


@pytest.mark.parametrize("program", ["total", "score", "firm_id", "district", "size_class",
                                     "applied_on", "basic_research", "name"])
def test_reserved_program_names(broken: Broken, program: str) -> None:
    rows: dict[str, int] = {}

    def edit(wb: openpyxl.Workbook) -> None:
        wb["policy"].append([f"budget.{program}", 1_000_000])
        wb["policy"].append([f"rate.{program}", 0.3])
        rows["r"] = wb["policy"].max_row - 1

    err = load_error(broken(edit))
    assert (err.code, err.key, err.column, err.row) == (
        "input.policy.reserved", f"budget.{program}", "key", rows["r"])
    assert f"the program name {program} is reserved" in err.message
    assert f"券种名 {program} 是保留字" in err.message_zh
    assert program in RESERVED_PROGRAMS


def test_a_program_name_must_be_a_plain_word(broken: Broken) -> None:
    err = load_error(broken(lambda wb: wb["policy"].append(["budget.Big Pool", 1_000_000])))
    assert err.code == "input.policy.program_name"


def test_cap_total_is_still_the_whole_firm_cap(broken: Broken) -> None:
    from inputs import load_scenario

    loaded = load_scenario(broken(lambda wb: wb["policy"].append(["cap.total", 2_000_000])))
    assert loaded.policy.cap_total == 2_000_000
