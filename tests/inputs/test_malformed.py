"""One malformed workbook per failure mode: each names the exact sheet, row, column and cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from inputs import InputError, load_scenario
from inputs.firms import firms_problems, validate_firms
from tests.inputs.conftest import load_error, set_cells

Broken = Callable[..., Path]


def test_good_workbook_loads(broken: Broken, small) -> None:
    loaded = load_scenario(broken(lambda wb: None, name="good.xlsx"))
    assert loaded.name == "good"
    assert loaded.digest == small.digest


# -- sheets and headers -------------------------------------------------------------


@pytest.mark.parametrize("sheet", ["policy", "firms"])
def test_missing_sheet(broken: Broken, sheet: str) -> None:
    err = load_error(broken(lambda wb: wb.remove(wb[sheet])))
    assert (err.file, err.sheet, err.row, err.column, err.cell) == (
        "bad.xlsx",
        sheet,
        None,
        None,
        None,
    )
    other = "firms" if sheet == "policy" else "policy"
    assert str(err) == f"bad.xlsx: sheet '{sheet}' is missing (sheets found: {other})"
    assert err.render("zh") == f"bad.xlsx：工作表“{sheet}”缺失（找到的工作表：{other}）"


def test_missing_required_column_is_named_in_both_languages(broken: Broken) -> None:
    err = load_error(broken(set_cells(E1="points")))
    assert (err.sheet, err.row, err.column, err.cell) == ("firms", 1, "score", None)
    assert str(err) == (
        "bad.xlsx: firms row 1 score: required column score (评审得分) is missing; headers found: "
        "firm_id, name, size_class, district, points, basic_research, applied_on, model_request, "
        "training_request; closest: -")
    assert err.render("zh").startswith(
        "bad.xlsx：firms 第 1 行 评审得分：缺少必需的列 score (评审得分)；")


def test_column_given_twice(broken: Broken) -> None:
    err = load_error(broken(set_cells(J1="评审得分", J2=70)))
    assert (err.sheet, err.row, err.column, err.cell) == ("firms", 1, "score", "J1")
    assert err.message == "column score (评审得分) is given twice (also in column E)"


def test_unknown_extra_columns_are_ignored(broken: Broken, small) -> None:
    loaded = load_scenario(broken(set_cells(J1="内部编号", J2="=not a column", K1="", K3=5)))
    assert loaded.digest == small.digest
    assert list(loaded.firms.columns) == list(small.firms.columns)


def test_no_firm_rows(broken: Broken) -> None:
    err = load_error(broken(lambda wb: wb["firms"].delete_rows(2, 100)))
    assert (err.sheet, err.row, err.column, err.cell) == ("firms", None, None, None)
    assert str(err) == "bad.xlsx: sheet 'firms' has no firm rows"


def test_request_column_missing_for_a_program_with_a_budget(broken: Broken) -> None:
    def add_corpus(wb: openpyxl.Workbook) -> None:
        wb["policy"].append(["budget.corpus", 50_000_000])
        wb["policy"].append(["rate.corpus", 0.3])

    err = load_error(broken(add_corpus))
    assert (err.sheet, err.row, err.column, err.cell) == ("firms", 1, "corpus_request", None)
    assert err.message.startswith(
        "required column corpus_request (语料券申请额) is missing (the policy has budget.corpus); "
        "headers found: firm_id, name,")


# -- firm cells ---------------------------------------------------------------------


def test_negative_request(broken: Broken) -> None:
    err = load_error(broken(set_cells(I18=-5000)))
    assert (err.sheet, err.row, err.column, err.cell) == ("firms", 18, "training_request", "I18")
    assert str(err) == "bad.xlsx: firms!I18 training_request: must be ≥ 0, got -5000"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "must be a number, got 'lots'"),
        ("inf", "must be a finite number, got 'inf'"),
        ("-1,000", "must be ≥ 0, got '-1,000'"),
    ],
)
def test_bad_request(broken: Broken, value: str, message: str) -> None:
    err = load_error(broken(set_cells(H7=value)))
    assert (err.row, err.column, err.cell, err.message) == (7, "model_request", "H7", message)


def test_blank_required_cell(broken: Broken) -> None:
    err = load_error(broken(set_cells(D5="   ")))
    assert (err.sheet, err.row, err.column, err.cell) == ("firms", 5, "district", "D5")
    assert err.message == "is blank; a value is required"


def test_duplicate_firm_id_names_the_earlier_row(broken: Broken, small) -> None:
    first = small.firms["firm_id"].iloc[1]  # sheet row 3
    err = load_error(broken(set_cells(A7=first)))
    assert (err.row, err.column, err.cell) == (7, "firm_id", "A7")
    assert err.message == f"'{first}' is already used in row 3"


def test_unknown_size_class_lists_the_allowed_values(broken: Broken) -> None:
    err = load_error(broken(set_cells(C4="huge")))
    assert (err.row, err.column, err.cell) == (4, "size_class", "C4")
    assert err.message == (
        "must be one of startup, small, medium, large (初创, 小型, 中型, 大型), got 'huge'"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "must be a number, got 'abc'"),
        (101, "must be between 0 and 100, got 101"),
        (-0.5, "must be between 0 and 100, got -0.5"),
    ],
)
def test_bad_score(broken: Broken, value: object, message: str) -> None:
    err = load_error(broken(set_cells(E6=value)))
    assert (err.row, err.column, err.cell, err.message) == (6, "score", "E6", message)


def test_bad_basic_research(broken: Broken) -> None:
    err = load_error(broken(set_cells(F9="maybe")))
    assert (err.row, err.column, err.cell) == (9, "basic_research", "F9")
    assert err.message == "must be one of yes or no (是/否), got 'maybe'"


def test_bad_date(broken: Broken) -> None:
    err = load_error(broken(set_cells(G10="2024-13-45")))
    assert (err.row, err.column, err.cell) == (10, "applied_on", "G10")
    assert err.message == "must be a date such as 2024-03-15, got '2024-13-45'"


def test_first_bad_cell_in_reading_order(broken: Broken) -> None:
    err = load_error(broken(set_cells(I8=-1, E12="x", H5="y", D5="")))
    assert err.cell == "D5"  # row 5 before rows 8 and 12; column D before H


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers(broken: Broken) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["firms"]
        ws.insert_rows(4, amount=3)  # rows 4-6 are now blank
        ws["I12"] = -7

    err = load_error(broken(edit))
    assert (err.row, err.cell, err.message) == (12, "I12", "must be ≥ 0, got -7")


def test_blank_rows_do_not_count_as_firms(broken: Broken, small) -> None:
    loaded = load_scenario(broken(lambda wb: wb["firms"].insert_rows(5, amount=2)))
    assert len(loaded.firms) == len(small.firms)
    assert loaded.digest == small.digest


# -- the policy sheet ---------------------------------------------------------------


def _policy_row(wb: openpyxl.Workbook, key: str) -> int:
    for row in wb["policy"].iter_rows(min_row=2):
        if row[0].value == key:
            return row[0].row
    raise AssertionError(key)


def test_policy_value_out_of_range(broken: Broken) -> None:
    rows: dict[str, int] = {}

    def edit(wb: openpyxl.Workbook) -> None:
        rows["r"] = _policy_row(wb, "rate.training")
        wb["policy"].cell(rows["r"], 2, 1.5)

    err = load_error(broken(edit))
    r = rows["r"]
    assert (err.sheet, err.row, err.column, err.cell) == ("policy", r, "value", f"B{r}")
    assert (
        str(err) == f"bad.xlsx: policy!B{r} value: rate.training: must be between 0 and 1, got 1.5"
    )


def test_policy_unknown_key_points_at_the_key(broken: Broken) -> None:
    err = load_error(broken(lambda wb: wb["policy"].append(["budget_total", 1])))
    assert (err.sheet, err.column) == ("policy", "key")
    assert err.cell == f"A{err.row}"
    assert err.message.startswith("budget_total: unknown policy key")


def test_policy_repeated_key_points_at_the_second_row(broken: Broken) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["policy"].append(["objective", "maxmin"])

    err = load_error(broken(edit))
    assert (err.column, err.message) == ("key", "objective: appears twice (also in row 13)")
    workbook_rows = err.row
    assert err.cell == f"A{workbook_rows}" and workbook_rows > 2


def test_policy_missing_required_key_names_the_sheet(broken: Broken) -> None:
    err = load_error(broken(lambda wb: wb["policy"].delete_rows(3)))  # budget.training
    assert (err.sheet, err.row, err.column, err.cell) == ("policy", None, None, None)
    assert str(err) == "bad.xlsx: sheet 'policy' budget.training: is required (yuan in the pool)"


def test_policy_sheet_without_key_value_header(broken: Broken) -> None:
    err = load_error(broken(lambda wb: wb["policy"].cell(1, 1, "参数名")))
    assert (err.sheet, err.row, err.column, err.cell) == ("policy", 1, None, None)
    assert err.message == "needs a header row with the columns key and value"
    assert err.message_zh == "需要包含 key（键）和 value（值）两列的表头行"


def test_policy_chinese_headers_are_accepted(broken: Broken, small) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        for col, title in enumerate(("参数", "值", "说明"), start=1):
            wb["policy"].cell(1, col, title)

    assert load_scenario(broken(edit)).policy == small.policy


# -- files --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nope.xlsx")
    assert err.file == "nope.xlsx"
    assert err.message.startswith("no such file")


def test_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    err = load_error(path)
    assert err.file == "corrupt.xlsx"
    assert str(err).startswith("corrupt.xlsx: the file is incomplete or damaged")


def test_wrong_extension(tmp_path: Path, small_bytes: bytes) -> None:
    path = tmp_path / "scenario.txt"
    path.write_bytes(small_bytes)
    err = load_error(path)
    assert err.file == "scenario.txt"
    assert err.message.startswith("unsupported file type '.txt'")


def test_error_is_one_line_and_json_ready(broken: Broken) -> None:
    err = load_error(broken(set_cells(I18=-5000)))
    assert "\n" not in str(err)
    assert err.to_dict() == {
        "code": "input.number.min",
        "fields": {"low": "0", "got": "-5000"},
        "key": None,
        "text_zh": "bad.xlsx：firms!I18 训力券申请额：应 ≥ 0，实际为 -5000",
        "file": "bad.xlsx",
        "sheet": "firms",
        "row": 18,
        "column": "training_request",
        "cell": "I18",
        "message": "must be ≥ 0, got -5000",
        "message_zh": "应 ≥ 0，实际为 -5000",
        "text": "bad.xlsx: firms!I18 training_request: must be ≥ 0, got -5000",
    }


def test_every_column_at_fault_can_be_listed(small) -> None:
    # validate_firms stops at the first bad cell; firms_problems gives each column's first
    table = small.firms.copy().astype(object)
    table.loc[5, "training_request"] = -5
    table.loc[2, "score"] = 120
    table.loc[7, "score"] = "n/a"  # a second bad score: only the first of a column is listed
    table.loc[9, "district"] = " "
    problems = firms_problems(table, small.programs)
    assert [(p.row, p.column, p.message) for p in problems] == [
        (4, "score", "must be between 0 and 100, got 120"),
        (7, "training_request", "must be ≥ 0, got -5"),
        (11, "district", "is blank; a value is required"),
    ]
    with pytest.raises(InputError) as caught:
        validate_firms(table, small.programs)
    assert (caught.value.row, caught.value.column) == (4, "score")
    assert firms_problems(small.firms, small.programs) == []
