"""Fast rows for big sheets: one row per firm, 100,000 firms in about a second.

openpyxl spends ~8 µs on every cell, so a 15-column table of 100,000 firms
would take 12 s by itself. Here openpyxl still builds the sheet (column widths,
frozen header, autofilter, conditional formats, header comments and the styles
of its cells) with only the header row; :func:`declare` registers the number
format of every column and returns a :class:`StreamedSheet`. :func:`save` then
has openpyxl write the package uncompressed and compresses it once, streaming
the data rows (formatted column by column as SpreadsheetML) into that sheet's
part of the package on the way (:func:`splice`). A chunk of rows is laid out
as a table of string pieces (each cell's reference, style, value and tags),
filled a column at a time and joined once; the next chunk is formatted in a
second thread while zlib compresses the last (:func:`_ahead`).

Text goes in as inline strings (``t="inlineStr"``), which a spreadsheet never
evaluates, so a firm named ``=HYPERLINK(...)`` stays text. Characters XML 1.0
cannot carry are dropped. The output is deterministic: every zip entry carries
the zip epoch (1980-01-01) as its time, and document dates are whatever the
workbook's properties say.

Both the report (:mod:`ui.report`) and the scenario writer
(:mod:`inputs.scenario_sheets`, used by :mod:`inputs`) stream through here.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast
from xml.etree import ElementTree

import numpy as np
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

#: Rows formatted and written per chunk (bounds memory on large tables).
CHUNK_ROWS = 5_000
#: Deflate level of the package: 3 packs nearly as small as 6, twice as fast.
COMPRESS_LEVEL = 3
#: Number format of a number column shown as it is (no style of its own).
GENERAL = "General"
#: Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, surrogates,
#: U+FFFE/U+FFFF); they are dropped from text.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CENTER = Alignment(horizontal="center")
#: Characters :func:`escape` changes: most text has none and is returned as it is.
_SPECIAL = re.compile(f'[&<>"\r{ILLEGAL.pattern[1:-1]}]')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


@dataclass(frozen=True)
class Column:
    """One column of a streamed sheet.

    Parameters
    ----------
    header
        The header text (row 1).
    values
        One value per data row: floats for number columns (NaN or ±inf for
        blank), strings for text columns (None or NaN for blank).
    number_format
        The number format of a number column (:data:`GENERAL` for none); None
        for a text column.
    width
        Column width in characters.
    center
        Centre the values (short labels such as 是/否).
    """

    header: str
    values: Sequence[Any] | np.ndarray
    number_format: str | None
    width: float
    center: bool = False


@dataclass(frozen=True)
class StreamedSheet:
    """A sheet whose data rows :func:`splice` adds after saving."""

    title: str
    columns: tuple[Column, ...]
    style_ids: tuple[int, ...]

    @property
    def n_rows(self) -> int:
        """The number of data rows (the header not counted)."""
        return len(self.columns[0].values) if self.columns else 0


def declare(ws: Any, columns: Sequence[Column], header: Sequence[Any] | None = None
            ) -> StreamedSheet:
    """Set widths and write the header row of ``ws``; the data rows follow in :func:`splice`.

    Call it on a fresh worksheet (normal or write-only), before anything else
    is appended, and after settings a write-only sheet writes before its rows
    (``freeze_panes``). Settings that live after the rows (autofilter,
    conditional formats, print set-up) can still be made on ``ws`` afterwards.

    Parameters
    ----------
    ws
        The worksheet.
    columns
        Its columns, in order.
    header
        The cells of row 1 (styled, with comments...); by default each
        column's header as a plain text cell.
    """
    for j, column in enumerate(columns):
        ws.column_dimensions[get_column_letter(j + 1)].width = column.width
    if header is None:
        header = [text_cell(ws, c.header) for c in columns]
    ws.append(list(header))
    style_ids = []
    for column in columns:
        cell = WriteOnlyCell(ws)
        if column.number_format is not None:
            cell.number_format = column.number_format
        if column.center:
            cell.alignment = CENTER
        style_ids.append(cell.style_id)  # registers the style with the workbook
    return StreamedSheet(ws.title, tuple(columns), tuple(style_ids))


def text_cell(ws: Any, value: Any) -> Any:
    """An openpyxl cell holding ``value`` as text, never as a formula."""
    cell = WriteOnlyCell(ws, value=ILLEGAL.sub("", str(value)))
    cell.data_type = "s"
    return cell


def escape(text: str) -> str:
    """``text`` as XML character data: illegal characters dropped, markup escaped.

    A carriage return is kept as ``&#13;`` (a parser would turn a raw one into
    a line feed).
    """
    if _SPECIAL.search(text) is None:
        return text
    text = ILLEGAL.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;"))


#: Pieces of one cell in :func:`rows_xml`: ``<c r="A``, row number, ``" s="1"><v>``, value,
#: ``</v></c>`` (all empty for a blank cell).
_CELL = 5


def _number_cells(out: np.ndarray, letter: str, style: int, values: np.ndarray,
                  rows: np.ndarray) -> None:
    """Fill ``out`` (rows × :data:`_CELL`) with the pieces of number cells; NaN, ±inf blank."""
    head = f' s="{style}"' if style else ""
    shown = np.isfinite(values)
    out[:, 0], out[:, 1], out[:, 2], out[:, 4] = f'<c r="{letter}', rows, f'"{head}><v>', "</v></c>"
    out[:, 3] = list(map(repr, values.tolist()))
    if not shown.all():
        out[~shown] = ""


def _text_of(value: Any) -> str | None:
    """The text of a cell (not escaped yet); None for a blank cell."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _text_cells(out: np.ndarray, letter: str, style: int, values: Sequence[Any],
                rows: np.ndarray) -> None:
    """Fill ``out`` (rows × :data:`_CELL`) with the pieces of inline-string cells."""
    head = f' s="{style}"' if style else ""
    found = [v if type(v) is str else _text_of(v) for v in values]
    blank = [m for m, t in enumerate(found) if t is None]
    for m in blank:
        found[m] = ""
    texts = cast(list[str], found)
    if _SPECIAL.search("\n".join(texts)) is not None:  # a newline is no special character
        texts = [escape(t) for t in texts]
    spaced = np.array([t != t.strip() for t in texts], dtype=bool)
    out[:, 0], out[:, 1], out[:, 2] = f'<c r="{letter}', rows, f'"{head} t="inlineStr"><is><t>'
    out[:, 3], out[:, 4] = texts, "</t></is></c>"
    if spaced.any():
        out[spaced, 2] = f'"{head} t="inlineStr"><is><t xml:space="preserve">'
    if blank:
        out[blank] = ""


def rows_xml(sheet: StreamedSheet, start: int = 0, stop: int | None = None) -> str:
    """SpreadsheetML ``<row>`` elements for data rows ``start:stop`` (sheet rows from 2)."""
    stop = sheet.n_rows if stop is None else stop
    n = max(stop - start, 0)
    if n == 0:
        return ""
    rows = np.array([str(r) for r in range(start + 2, stop + 2)], dtype=object)
    # every piece of every row side by side, joined once
    pieces = np.empty((n, 3 + _CELL * len(sheet.columns) + 1), dtype=object)
    pieces[:, 0], pieces[:, 1], pieces[:, 2], pieces[:, -1] = '<row r="', rows, '">', "</row>"
    for j, (column, style) in enumerate(zip(sheet.columns, sheet.style_ids, strict=True)):
        letter = get_column_letter(j + 1)
        part = column.values[start:stop]
        out = pieces[:, 3 + _CELL * j: 3 + _CELL * (j + 1)]
        if column.number_format is None:
            _text_cells(out, letter, style, list(part), rows)
        else:
            _number_cells(out, letter, style, np.asarray(part, dtype=float), rows)
    return "".join(pieces.ravel().tolist())


def _chunks(sheet: StreamedSheet) -> Iterator[bytes]:
    for start in range(0, sheet.n_rows, CHUNK_ROWS):
        yield rows_xml(sheet, start, min(start + CHUNK_ROWS, sheet.n_rows)).encode()


def sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → the path of its XML part inside an .xlsx package."""
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        target = targets[sheet.get(f"{{{_REL}}}id")]
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = path
    return parts


def save(workbook: Any, sheets: Sequence[StreamedSheet]) -> bytes:
    """The .xlsx bytes of ``workbook`` with the data rows of ``sheets`` streamed in.

    Parameters
    ----------
    workbook
        An :class:`openpyxl.Workbook` (normal or write-only), not saved yet.
        Its ``properties.created`` and ``properties.modified`` are written as
        they are (openpyxl's own ``save`` would stamp the time of saving).
    sheets
        The sheets of ``workbook`` declared with :func:`declare`.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()  # stored: splice() compresses, once
    return splice(buffer.getvalue(), sheets)


def splice(stored: bytes, sheets: Sequence[StreamedSheet]) -> bytes:
    """Compress a workbook saved uncompressed, adding the data rows of ``sheets``.

    Parameters
    ----------
    stored
        The workbook as openpyxl saved it into a ``ZIP_STORED`` archive (so
        nothing is compressed twice).
    sheets
        The sheets declared with :func:`declare`.

    Returns
    -------
    bytes
        The package, deflated, every entry dated 1980-01-01 (equal input,
        equal bytes).
    """
    source = zipfile.ZipFile(io.BytesIO(stored))
    parts = sheet_parts(source)
    by_part = {parts[s.title]: s for s in sheets}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            sheet = by_part.get(info.filename)
            if sheet is None:
                # a ZipInfo made here carries the zip epoch as its time, like open() below
                entry = zipfile.ZipInfo(info.filename)
                entry.external_attr = info.external_attr
                target.writestr(entry, content, zipfile.ZIP_DEFLATED, COMPRESS_LEVEL)
                continue
            head, tail = _split_sheet_data(content.decode(), sheet)
            with target.open(info.filename, "w") as out:
                out.write(head.encode())
                for chunk in _ahead(_chunks(sheet)):
                    out.write(chunk)
                out.write(tail.encode())
    return buffer.getvalue()


def _ahead(chunks: Iterator[bytes], depth: int = 2) -> Iterator[bytes]:
    """``chunks``, made in a second thread while this one compresses the last.

    zlib lets go of the interpreter while it deflates, so the next rows are
    formatted meanwhile (on two cores, most of the compression is hidden). An
    error while making the rows is raised here; stopping early stops the maker.
    """
    made: queue.Queue[tuple[bytes | None, BaseException | None]] = queue.Queue(depth)
    stop = threading.Event()

    def put(item: tuple[bytes | None, BaseException | None]) -> bool:
        """Hand ``item`` over; False once the reader has stopped."""
        while not stop.is_set():
            try:
                made.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for chunk in chunks:
                if not put((chunk, None)):
                    return
            put((None, None))
        except BaseException as error:  # handed to the reader, which raises it
            put((None, error))

    maker = threading.Thread(target=make, name="xlsx-rows", daemon=True)
    maker.start()
    try:
        while True:
            chunk, error = made.get()
            if error is not None:
                raise error
            if chunk is None:
                return
            yield chunk
    finally:
        stop.set()
        maker.join()


def _split_sheet_data(xml: str, sheet: StreamedSheet) -> tuple[str, str]:
    """The sheet XML before and after the point where data rows go.

    A normal (not write-only) worksheet states its used range, the header
    only: that range is widened to the data rows.
    """
    if sheet.columns:
        last = f"{get_column_letter(len(sheet.columns))}{sheet.n_rows + 1}"
        xml = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>', xml, count=1)
    if "</sheetData>" in xml:
        head, tail = xml.split("</sheetData>", 1)
        return head, "</sheetData>" + tail
    head, tail = xml.split("<sheetData/>", 1)  # openpyxl writes this for an empty sheet
    return head + "<sheetData>", "</sheetData>" + tail
