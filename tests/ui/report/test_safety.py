"""Hostile text stays text; untrusted workbooks are parsed without expanding entities."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl.xml import DEFUSEDXML

from inputs import InputError, read_scenario
from inputs.xlsx_stream import sheet_parts
from tests.ui.report.conftest import HOSTILE, open_book


def test_formula_like_text_is_written_as_text(report_zh: bytes) -> None:
    book = open_book(report_zh)
    found: dict[str, set[str]] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in HOSTILE:
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate} {cell.value}"
                    found.setdefault(ws.title, set()).add(str(cell.value))
    # names and ids on the per-firm sheets; the hostile district on the district sheet too
    assert set(HOSTILE) <= found["分配明细"]
    assert set(HOSTILE) <= found["firms"]
    assert HOSTILE[3] in found["按区"]


def test_no_formula_anywhere_in_the_package(report_zh: bytes, report_en: bytes) -> None:
    for data in (report_zh, report_en):
        package = zipfile.ZipFile(io.BytesIO(data))
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(rb"<f[ >/]", package.read(name)), name


def test_hostile_names_keep_their_exact_value_in_allocations(report_en: bytes) -> None:
    ws = open_book(report_en)["Allocations"]
    names = [ws.cell(row, 2).value for row in range(2, 2 + len(HOSTILE))]
    ids = [ws.cell(row, 1).value for row in range(2 + len(HOSTILE), 2 + 2 * len(HOSTILE))]
    assert names == list(HOSTILE)
    assert ids == list(HOSTILE)


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def _with_entity_bomb(data: bytes) -> bytes:
    """The workbook with an entity-expansion bomb in its policy sheet."""
    source = zipfile.ZipFile(io.BytesIO(data))
    policy = sheet_parts(source)["policy"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == policy:
                content = BOMB + content.replace(b"budget.model</t>", b"budget.model&lol3;</t>")
            target.writestr(info, content)
    return buffer.getvalue()


def _chain(error: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in out:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def test_openpyxl_reads_with_defusedxml(report_zh: bytes) -> None:
    assert DEFUSEDXML, "defusedxml must be installed for openpyxl to parse safely"
    with pytest.raises(Exception) as caught:
        openpyxl.load_workbook(io.BytesIO(_with_entity_bomb(report_zh)))
    modules = {type(e).__module__ for e in _chain(caught.value)}
    assert any(m.startswith("defusedxml") for m in modules), modules


def test_loading_a_bombed_report_as_a_scenario_fails_cleanly(report_zh: bytes) -> None:
    with pytest.raises(InputError, match="incomplete or damaged") as caught:
        read_scenario(_with_entity_bomb(report_zh), "report.xlsx")
    assert (caught.value.code, caught.value.sheet) == ("input.file.sheet_damaged", "policy")
