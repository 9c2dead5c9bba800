"""InputError: one line, every known part of the location, nothing else."""

from __future__ import annotations

import pickle

import pytest

from inputs.errors import InputError, column_letter


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        (dict(file="sz.xlsx", sheet="firms", row=18, column="training_request", cell="F18"),
         "sz.xlsx: firms!F18 training_request: must be ≥ 0"),
        (dict(file="x.xlsx", sheet="policy"), "x.xlsx: sheet 'policy' must be ≥ 0"),
        (dict(file="x.xlsx", sheet="firms", row=1, column="score"),
         "x.xlsx: firms row 1 score: must be ≥ 0"),
        (dict(file="x.xlsx"), "x.xlsx: must be ≥ 0"),
        ({}, "must be ≥ 0"),
    ],
)  # fmt: skip
def test_str_omits_unknown_parts(kwargs: dict[str, object], text: str) -> None:
    err = InputError("input.number.min", low="0", got="-5", **kwargs)  # type: ignore[arg-type]
    assert str(err) == text.replace("≥ 0", "≥ 0, got -5")


@pytest.mark.parametrize(("kwargs", "text"), [
    (dict(file="sz.xlsx", sheet="firms", row=18, column="training_request", cell="F18"),
     "sz.xlsx：firms!F18 训力券申请额：应 ≥ 0，实际为 -5"),
    (dict(file="x.xlsx", sheet="policy"), "x.xlsx：工作表“policy”应 ≥ 0，实际为 -5"),
    (dict(file="x.xlsx", sheet="firms", row=1, column="score"),
     "x.xlsx：firms 第 1 行 评审得分：应 ≥ 0，实际为 -5"),
])  # fmt: skip
def test_chinese_is_rendered_from_the_same_code(kwargs: dict[str, object], text: str) -> None:
    err = InputError("input.number.min", low="0", got="-5", **kwargs)  # type: ignore[arg-type]
    assert err.render("zh") == text
    assert err.render() == text  # Chinese is the default


def test_message_is_one_line() -> None:
    err = InputError("input.file.unreadable", file="a.csv", detail="two\nlines")
    assert str(err) == "a.csv: cannot read the file: two lines"


def test_a_policy_error_starts_with_its_key() -> None:
    err = InputError("policy.required_budget", file="x.xlsx", sheet="policy",
                     key="budget.training")
    assert str(err) == "x.xlsx: sheet 'policy' budget.training: is required (yuan in the pool)"
    assert err.render("zh") == "x.xlsx：工作表“policy”budget.training：必填（资金池金额，元）"


def test_pickles_with_its_location() -> None:
    err = InputError("input.number.not_number", file="f.xlsx", sheet="firms", row=3,
                     column="score", cell="E3", got="'x'")
    again = pickle.loads(pickle.dumps(err))
    assert again.to_dict() == err.to_dict()
    assert again.code == "input.number.not_number" and again.fields == {"got": "'x'"}


@pytest.mark.parametrize(("position", "letters"), [(0, "A"), (8, "I"), (25, "Z"), (26, "AA"),
                                                   (701, "ZZ"), (702, "AAA")])  # fmt: skip
def test_column_letter(position: int, letters: str) -> None:
    assert column_letter(position) == letters
