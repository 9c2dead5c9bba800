"""Fixtures: a small good scenario and helpers that break one cell of its workbook."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from inputs import InputError, load_scenario, write_scenario
from inputs.shenzhen import generate
from optimizer.scenario import Scenario

#: Column letters of the written firms sheet (canonical order).
FIRMS_LETTERS = {
    "firm_id": "A", "name": "B", "size_class": "C", "district": "D", "score": "E",
    "basic_research": "F", "applied_on": "G", "model_request": "H", "training_request": "I",
}  # fmt: skip


@pytest.fixture(scope="session")
def small() -> Scenario:
    """30 generated firms under the Shenzhen default policy."""
    return generate(30, seed=7)


@pytest.fixture(scope="session")
def small_bytes(small: Scenario) -> bytes:
    return write_scenario(small)


Edit = Callable[[openpyxl.Workbook], Any]


@pytest.fixture
def broken(tmp_path: Path, small_bytes: bytes) -> Callable[..., Path]:
    """``broken(edit, name="bad.xlsx")``: the good workbook after ``edit(workbook)``, on disk."""

    def make(edit: Edit, name: str = "bad.xlsx") -> Path:
        workbook = openpyxl.load_workbook(io.BytesIO(small_bytes))
        edit(workbook)
        path = tmp_path / name
        workbook.save(path)
        return path

    return make


def load_error(path: Path) -> InputError:
    """The InputError that loading ``path`` raises (fails the test if none).

    Every failure mode must also read in Chinese, the officers' language: the
    error's code renders in both languages from the catalog.
    """
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert_chinese(caught.value)
    return caught.value


def assert_chinese(err: InputError) -> None:
    """The error's Chinese message is a translation, not the English left as it is."""
    zh = err.message_zh
    assert zh != err.message and re.search(r"[\u4e00-\u9fff]", zh), f"untranslated: {err.message}"


def set_cells(**cells: Any) -> Edit:
    """An edit that sets cells of the firms sheet, e.g. ``set_cells(I18=-5000)``."""

    def edit(workbook: openpyxl.Workbook) -> None:
        for ref, value in cells.items():
            workbook["firms"][ref] = value

    return edit
