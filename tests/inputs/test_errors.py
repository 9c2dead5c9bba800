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
    assert str(InputError("must be ≥ 0", **kwargs)) == text  # type: ignore[arg-type]


def test_message_is_one_line() -> None:
    assert str(InputError("two\nlines", file="a.csv")) == "a.csv: two lines"


def test_pickles_with_its_location() -> None:
    err = InputError("bad", file="f.xlsx", sheet="firms", row=3, column="score", cell="E3")
    again = pickle.loads(pickle.dumps(err))
    assert again.to_dict() == err.to_dict()


@pytest.mark.parametrize(("position", "letters"), [(0, "A"), (8, "I"), (25, "Z"), (26, "AA"),
                                                   (701, "ZZ"), (702, "AAA")])  # fmt: skip
def test_column_letter(position: int, letters: str) -> None:
    assert column_letter(position) == letters
