"""Firm ids: normalised before duplicates are checked; a collision names both rows;
booleans, dates and over-long numbers are refused; credit codes are check-digit verified."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from inputs import load_scenario
from inputs.ids import firm_id, id_key, uscc_check_digit
from tests.inputs.conftest import load_error, set_cells

Broken = Callable[..., Path]


@pytest.mark.parametrize(("first", "second", "key"), [
    ("Ｆ１", "F1", "F1"), ("f1", "F1", "F1"), ("00123", "123", "123"),
    ("A\u200bB", "AB", "AB"), ("x\u2060y", "XY", "XY"), (" Q7 ", "q7", "Q7"),
])  # fmt: skip
def test_ids_that_differ_only_in_form_are_one_firm(broken: Broken, first: str, second: str,
                                                   key: str) -> None:
    err = load_error(broken(set_cells(A3=first, A6=second)))
    assert (err.row, err.cell, err.column) == (6, "A6", "firm_id")
    assert err.fields["first_row"] == "3" and err.fields["id_key"] == key
    assert "row 3" in err.message and "第 3 行" in err.message_zh
    same = firm_id(first) == firm_id(second)
    assert err.code == ("input.id.duplicate" if same else "input.id.same_key")


def test_an_exact_duplicate_names_both_rows(broken: Broken) -> None:
    err = load_error(broken(set_cells(A9="DUP", A12="DUP")))
    assert (err.cell, err.message) == ("A12", "'DUP' is already used in row 9")
    assert err.message_zh == "'DUP' 已在第 9 行使用（企业编号不能重复）"


def test_a_number_id_and_the_same_digits_as_text_collide(broken: Broken) -> None:
    err = load_error(broken(set_cells(A3=123, A4="00123")))
    assert (err.cell, err.code) == ("A4", "input.id.same_key")


@pytest.mark.parametrize(("value", "kind"), [
    (True, "a boolean"), (dt.datetime(2024, 1, 5), "a date"), (12.5, "a number"),
])  # fmt: skip
def test_booleans_dates_and_fractions_are_not_ids(broken: Broken, value: object,
                                                  kind: str) -> None:
    err = load_error(broken(set_cells(A5=value)))
    assert (err.code, err.cell) == ("input.id.kind", "A5")
    assert err.message.startswith(f"cannot be a firm id: it is {kind}")
    assert "不能作为企业编号" in err.message_zh


def test_an_id_too_long_for_a_number_is_refused(broken: Broken) -> None:
    err = load_error(broken(set_cells(A5=914403001234567890)))
    assert (err.code, err.cell) == ("input.id.precision", "A5")


def test_invisible_characters_are_removed_and_width_folded(broken: Broken) -> None:
    loaded = load_scenario(broken(set_cells(A2="\ufeffＳＺ-９\u200d ")))
    assert loaded.firms["firm_id"].iloc[0] == "SZ-9"


def test_credit_code_check_digit() -> None:
    assert uscc_check_digit("91350100M000100Y4") == "3"  # the standard's example
    assert firm_id("91350100M000100Y43") == "91350100M000100Y43"
    assert firm_id("91350100m000100y43") == "91350100m000100y43"  # case kept, compared upper
    problem = firm_id("91350100M000100Y44")
    assert not isinstance(problem, str)
    assert problem.code == "input.id.check_digit"
    assert problem.fields == {"got": "'91350100M000100Y44'", "expected": "3", "actual": "4"}


def test_a_credit_code_typo_is_reported_as_such(broken: Broken) -> None:
    err = load_error(broken(set_cells(A4="91350100M000100Y44")))
    assert (err.code, err.cell) == ("input.id.check_digit", "A4")
    assert "check character should be 3, not 4" in err.message and "probably a typo" in err.message
    assert "校验码应为 3，不是 4" in err.message_zh


def test_eighteen_characters_that_are_not_a_credit_code_are_left_alone() -> None:
    assert firm_id("SZ-2024-000000001") == "SZ-2024-000000001"
    assert firm_id("ABCDEFGHIJKLMNOPQR") == "ABCDEFGHIJKLMNOPQR"


def test_id_key() -> None:
    assert [id_key(x) for x in ("f1", "007", "0", "00")] == ["F1", "7", "0", "0"]


def test_a_nul_in_an_id_is_removed_before_comparing() -> None:
    from inputs import InputError, parse_firms_csv_text

    text = ("firm_id,size_class,district,score,model_request,training_request\n"
            "A\x00B,startup,南山区,70,0,100\nab,small,福田区,70,0,100\n")
    with pytest.raises(InputError) as caught:
        parse_firms_csv_text(text, "nul.csv")
    err = caught.value
    assert (err.code, err.cell, err.fields["first_row"]) == ("input.id.same_key", "A3", "2")
    assert "\x00" not in str(err)
