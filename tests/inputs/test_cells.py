"""One cell parser for both sheets: mixed types, ambiguous numbers, units and markers,
formulas without saved values and error values — each located, in both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from inputs import InputError, load_scenario, read_scenario
from inputs.cells import amount_cell
from tests.inputs.conftest import load_error, set_cells
from tests.inputs.hostile import set_cell_xml

Broken = Callable[..., Path]


@pytest.mark.parametrize(("value", "kind_en", "kind_zh", "shown"), [
    (dt.datetime(2024, 1, 5), "a date", "日期", "2024-01-05"),
    (dt.time(10, 30), "a time", "时间", "10:30:00"),
    (True, "a boolean", "逻辑值", "TRUE"),
])  # fmt: skip
def test_a_date_time_or_boolean_in_a_number_column(broken: Broken, value: object, kind_en: str,
                                                   kind_zh: str, shown: str) -> None:
    err = load_error(broken(set_cells(I7=value)))
    assert (err.code, err.row, err.column, err.cell) == (
        "input.type.mixed", 7, "training_request", "I7")
    assert err.message == f"must be a number, got {kind_en} {shown}"
    assert err.message_zh == f"应为数字，实际为{kind_zh} {shown}"


def test_a_number_among_dates(broken: Broken) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["firms"]["G9"] = 45000
        wb["firms"]["G9"].number_format = "General"  # a plain number, not a date serial

    err = load_error(broken(edit))
    assert (err.code, err.cell) == ("input.type.mixed", "G9")
    assert err.message == "must be a date, got a number 45000"
    assert err.message_zh == "应为日期，实际为数字 45000"


def test_a_date_as_a_score_in_a_csv_is_text_and_refused() -> None:
    text = ("firm_id,size_class,district,score,model_request,training_request\n"
            "A,startup,南山区,2024-01-05,0,100\n")
    from inputs import parse_firms_csv_text

    with pytest.raises(InputError) as caught:
        parse_firms_csv_text(text, "f.csv")
    assert (caught.value.cell, caught.value.code) == ("D2", "input.number.not_number")


@pytest.mark.parametrize(("text", "code", "why"), [
    ("1500000,5", "input.number.decimal_comma", "write 1500000.5 (with a point)"),
    ("300000,5", "input.number.decimal_comma", "the comma may be a decimal comma"),
    ("1,000,5", "input.number.grouping", "thousands separators are not every three digits"),
    ("1,00,000", "input.number.grouping", "without separators"),
    ("inf", "input.number.not_finite", "finite"),
    ("NaN", "input.number.not_finite", "finite"),
    ("50万", "input.number.not_number", "must be a number"),
])  # fmt: skip
def test_ambiguous_numbers_are_refused_with_why(broken: Broken, text: str, code: str,
                                                why: str) -> None:
    err = load_error(broken(set_cells(H6=text)))
    assert (err.code, err.cell) == (code, "H6")
    assert why in err.message and "Traceback" not in err.message


@pytest.mark.parametrize(("text", "value"), [
    ("¥500,000", 500_000.0), ("￥500,000", 500_000.0), ("500,000元", 500_000.0),
    ("１２３４５", 12345.0), ("１２,３４５", 12345.0), ("RMB 1,234.5", 1234.5),
    ("  7 000 ", 7000.0), ("1,234,567.89", 1234567.89),
])  # fmt: skip
def test_amounts_with_markers_are_read_the_same_on_both_sheets(broken: Broken, text: str,
                                                               value: float) -> None:
    assert amount_cell(text) == value

    def edit(wb: openpyxl.Workbook) -> None:
        wb["firms"]["H2"] = text
        for row in wb["policy"].iter_rows(min_row=2):
            if row[0].value == "cap.model":
                row[1].value = text

    loaded = load_scenario(broken(edit))
    assert loaded.firms["model_request"].iloc[0] == value
    assert loaded.policy.cap("model") == value


def test_500_million_yuan_with_a_sign_in_the_policy_sheet(broken: Broken) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        for row in wb["policy"].iter_rows(min_row=2):
            if row[0].value == "budget.training":
                row[1].value = "¥500,000,000"

    assert load_scenario(broken(edit)).policy.budget("training") == 500_000_000


def test_a_formula_without_a_saved_value_says_so(small_bytes: bytes) -> None:
    data = set_cell_xml(small_bytes, "E5", '<c r="E5"><f>AVERAGE(J2:J9)</f><v></v></c>')
    with pytest.raises(InputError) as caught:
        read_scenario(data, "f.xlsx")
    err = caught.value
    assert (err.code, err.cell, err.column) == ("input.cell.formula", "E5", "score")
    assert "formula =AVERAGE(J2:J9) with no saved value" in err.message
    assert "Excel or WPS" in err.message
    assert "Excel 或 WPS 打开" in err.message_zh


@pytest.mark.parametrize("value", ["#DIV/0!", "#N/A", "#VALUE!"])
def test_error_values_are_named(small_bytes: bytes, value: str) -> None:
    data = set_cell_xml(small_bytes, "I9", f'<c r="I9" t="e"><f>1/0</f><v>{value}</v></c>')
    with pytest.raises(InputError) as caught:
        read_scenario(data, "e.xlsx")
    err = caught.value
    assert (err.code, err.cell) == ("input.cell.error", "I9")
    assert err.message.startswith(f"holds the error value {value}")
    assert f"是错误值 {value}" in err.message_zh


def test_an_error_value_in_an_optional_column_is_not_silently_blank(small_bytes: bytes) -> None:
    data = set_cell_xml(small_bytes, "B4", '<c r="B4" t="e"><v>#N/A</v></c>')
    with pytest.raises(InputError) as caught:
        read_scenario(data, "e.xlsx")
    assert (caught.value.code, caught.value.cell) == ("input.cell.error", "B4")


def test_text_of_spaces_is_blank(broken: Broken) -> None:
    err = load_error(broken(set_cells(D8="   ")))
    assert (err.code, err.cell) == ("input.blank.required", "D8")
