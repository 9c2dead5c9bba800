"""The streamed rows: exact cells for awkward values, and the second thread that makes them."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from inputs.xlsx_stream import CHUNK_ROWS, Column, _ahead, declare, rows_xml, save

AWKWARD = ["", " lead", "trail ", "a & b", "<x>", '"q"', "a\rb", "\x01bell", None,
           float("nan"), 3, 2.5, True, "\t", "南山区", "=HYPERLINK(\"x\")"]


def test_each_awkward_text_is_one_exact_cell() -> None:
    values = np.array(AWKWARD, dtype=object)
    numbers = np.array([1.5, np.nan, -0.0, np.inf, 1e300, 7.0, -np.inf, 0.1] * 2)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    sheet = declare(ws, [Column("text", values, None, 10), Column("n", numbers, "0.00", 10)])
    book = load_workbook(io.BytesIO(save(wb, [sheet])))
    rows = list(book["t"].iter_rows(min_row=2, values_only=True))
    expected = [None if v is None or v != v else str(v) for v in AWKWARD]
    expected = [v.replace("\x01", "") if isinstance(v, str) else v for v in expected]
    assert [r[0] for r in rows] == expected
    assert [r[1] for r in rows] == [v if np.isfinite(v) else None for v in numbers.tolist()]


def test_rows_are_numbered_from_two_and_blank_cells_left_out() -> None:
    sheet = declare(Workbook().create_sheet("t"),
                    [Column("a", np.array(["x", None], dtype=object), None, 5),
                     Column("b", np.array([np.nan, 2.0]), "0", 5)])
    xml = rows_xml(sheet)
    assert xml.startswith('<row r="2"><c r="A2"')
    assert '<c r="B2"' not in xml and '<c r="A3"' not in xml
    assert '<c r="B3"' in xml and xml.endswith("</row>")


def test_the_rows_thread_hands_over_every_chunk_in_order() -> None:
    assert list(_ahead(iter([b"a", b"b", b"c"] * 50))) == [b"a", b"b", b"c"] * 50


def test_an_error_while_making_rows_is_raised_to_the_writer() -> None:
    def chunks() -> Iterator[bytes]:
        yield b"first"
        raise ValueError("bad cell")

    made = _ahead(chunks())
    assert next(made) == b"first"
    with pytest.raises(ValueError, match="bad cell"):
        next(made)


def test_a_writer_that_stops_early_stops_the_thread() -> None:
    def endless() -> Iterator[bytes]:
        while True:
            yield b"x" * CHUNK_ROWS

    before = threading.active_count()
    made = _ahead(endless())
    assert next(made) == b"x" * CHUNK_ROWS
    made.close()  # what a failed write does to the loop that reads it
    assert threading.active_count() == before
