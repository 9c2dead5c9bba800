"""Guards run before a workbook is parsed: every file is hostile until then.

:func:`guard_workbook` looks at the bytes of an uploaded workbook without
building any table: the file size, whether it is a password-protected (OLE
"EncryptedPackage") file, the zip directory (number of parts, declared and
actual unpacked sizes, compression ratio) and, in each sheet, the declared
``<dimension>`` and every cell reference far from the table. It refuses a
file that passes a limit with :class:`~inputs.errors.InputError` saying which
limit, by how much, and what to do; a stray far-away cell is reported, never
allocated.

While it streams the sheets it also notes the cells that calamine reads as
blank but are not: formulas with no saved value and error values such as
``#DIV/0!`` (see :class:`Unreadable`), so that the parser can name them.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inputs.errors import InputError, column_letter

MIB = 2**20
#: Largest file accepted (the app's upload limit is the same figure).
MAX_FILE_BYTES = 50 * MIB
#: Most parts a workbook's zip may hold (a real workbook has a few dozen).
MAX_MEMBERS = 1_000
#: Most bytes all parts may unpack to, together.
MAX_UNPACKED_BYTES = 400 * MIB
#: Highest compression ratio of a part larger than :data:`RATIO_FLOOR_BYTES`.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 4 * MIB
#: Largest table a sheet may span: the header and 200,000 firms, 64 columns.
MAX_ROWS = 200_001
MAX_COLUMNS = 64
#: Most cells (rows × columns) a sheet may span: a header and 200,000 firms, 20 columns.
#: Checked on calamine's grid before any Python object is made for a cell.
MAX_CELLS = MAX_ROWS * 20

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 8 * MIB
_OVERLAP = 64
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]*)"')
_REF = re.compile(r"^([A-Z]{1,3})?(\d{1,7})?$")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(rb'\sr="([A-Z]+\d+)"')
_ATTR_T = re.compile(rb'\st="(\w+)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="(\d+)"')


@dataclass(frozen=True)
class Unreadable:
    """A cell that calamine reads as blank although it is not.

    ``kind`` is ``"formula"`` (a formula with no saved value; ``detail`` is the
    formula) or ``"error"`` (an error value; ``detail`` is e.g. ``#DIV/0!``).
    """

    kind: str
    detail: str


@dataclass
class WorkbookScan:
    """What the guard learnt, for the parser: where each sheet's XML is.

    :meth:`unreadable` lists, on demand, the cells of a sheet that calamine
    reads as blank although they are not (the parser asks only when a column
    has blank cells, so a clean 100,000-firm sheet is not scanned twice).
    """

    data: bytes = b""
    parts: dict[str, str] = field(default_factory=dict)
    _found: dict[str, dict[str, Unreadable]] = field(default_factory=dict)

    def unreadable(self, sheet: str) -> dict[str, Unreadable]:
        """Formula cells with no saved value and error cells of ``sheet``, by reference."""
        if sheet not in self._found:
            part = self.parts.get(sheet)
            found: dict[str, Unreadable] = {}
            if part is not None:
                with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                    found = _unreadable_cells(archive.read(part))
            self._found[sheet] = found
        return self._found[sheet]


def megabytes(size: float) -> str:
    """``52428800`` → ``"50.0"`` (MiB, one decimal)."""
    return f"{size / MIB:,.1f}"


def check_size(size: int, file: str) -> None:
    """Refuse a file over :data:`MAX_FILE_BYTES`."""
    if size > MAX_FILE_BYTES:
        raise InputError("input.guard.file_size", file=file, size=megabytes(size),
                         limit=megabytes(MAX_FILE_BYTES), over=megabytes(size - MAX_FILE_BYTES))


def is_encrypted_ole(data: bytes) -> bool:
    """Whether ``data`` is an OLE compound file holding an encrypted Office package."""
    return data.startswith(OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data


def guard_workbook(data: bytes, file: str) -> WorkbookScan:
    """Check a workbook's bytes against every limit before it is parsed.

    Raises
    ------
    InputError
        ``input.guard.*`` for a limit passed, ``input.file.encrypted`` for a
        password-protected file, ``input.file.workbook_unreadable`` for a
        broken zip.
    """
    check_size(len(data), file)
    if is_encrypted_ole(data):
        raise InputError("input.file.encrypted", file=file)
    if not data.startswith(ZIP_MAGIC):
        return WorkbookScan()  # .xls (BIFF): its grid is at most 65,536 × 256 cells
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as err:
        raise InputError("input.file.workbook_unreadable", file=file,
                         detail=str(err)[:200] or type(err).__name__) from None
    try:
        return WorkbookScan(data, _guard_zip(archive, file))
    except _PartError as err:
        raise InputError("input.guard.part", file=file, part=err.part) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as err:
        raise InputError("input.file.workbook_unreadable", file=file,
                         detail=str(err)[:200] or type(err).__name__) from None


def _guard_zip(archive: zipfile.ZipFile, file: str) -> dict[str, str]:
    """Check the zip directory and stream every part; the sheets' parts by sheet name."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputError("input.guard.members", file=file, count=f"{len(members):,}",
                         limit=f"{MAX_MEMBERS:,}", over=f"{len(members) - MAX_MEMBERS:,}")
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNPACKED_BYTES:
        raise _unpacked_error(declared, file)
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > MAX_RATIO:
                raise InputError("input.guard.ratio", file=file, part=member.filename,
                                 ratio=f"{ratio:,.0f}", limit=f"{MAX_RATIO}")
    names = {m.filename for m in members}
    sheets = _sheet_parts(archive, names)
    unpacked = 0
    for member in members:
        sheet = sheets.get(member.filename)
        if member.filename == "content.xml":
            unpacked += _stream_ods(archive, member, file)
        elif sheet is not None:
            unpacked += _stream_sheet(archive, member, sheet, file)
        else:
            unpacked += _stream(archive, member, lambda chunk: None)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _unpacked_error(unpacked, file)
    return {sheet: part for part, sheet in sheets.items()}


def _unpacked_error(size: int, file: str) -> InputError:
    return InputError("input.guard.unpacked", file=file, size=megabytes(size),
                      limit=megabytes(MAX_UNPACKED_BYTES),
                      over=megabytes(size - MAX_UNPACKED_BYTES))


def _stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo, each: object) -> int:
    """Unpack ``member`` chunk by chunk (zipfile checks the size and CRC); its size."""
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                each(chunk)  # type: ignore[operator]
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise _PartError(member.filename) from err
    return size


class _PartError(Exception):
    """A zip part that does not unpack to its declared size and checksum."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Zip part of each worksheet → the sheet's name (from the workbook and its rels)."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    book = _small_part(archive, "xl/workbook.xml")
    rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    targets: dict[bytes, str] = {}
    for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        rid, target = re.search(rb'Id="([^"]*)"', tag), re.search(rb'Target="([^"]*)"', tag)
        if rid and target:
            path = target.group(1).decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
            targets[rid.group(1)] = path
    parts: dict[str, str] = {}
    for sheet in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", book):
        tag = sheet.group(0)
        name = re.search(rb'\bname="([^"]*)"', tag)
        ref = re.search(rb'\br:id="([^"]*)"|\b\w+:id="([^"]*)"', tag)
        if name and ref:
            part = targets.get(ref.group(1) or ref.group(2))
            if part is not None and part in names:
                parts[part] = html.unescape(name.group(1).decode("utf-8", "replace"))
    return parts


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > 16 * MIB:
        raise ValueError(f"{name} is {megabytes(info.file_size)} MB")
    return archive.read(info)


def _position(ref: str) -> tuple[int, int] | None:
    """``"XFD1048576"`` → (row 1048576, column 16384), 1-based; None if not a reference."""
    match = _REF.match(ref)
    if not match or not (match.group(1) or match.group(2)):
        return None
    letters, digits = match.group(1) or "", match.group(2) or ""
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return (int(digits) if digits else 0), column


def _check_extent(ref: str, sheet: str, file: str, declared: bool) -> None:
    """Refuse a declared dimension or a cell beyond :data:`MAX_ROWS` × :data:`MAX_COLUMNS`."""
    position = _position(ref)
    if position is None:
        return
    row, column = position
    if row > MAX_ROWS or column > MAX_COLUMNS:
        code = ("input.guard.dimension" if declared else
                "input.guard.far_cell" if column else "input.guard.far_row")
        raise InputError(code, file=file, sheet=sheet, ref=ref, rows=f"{MAX_ROWS:,}",
                         columns=f"{MAX_COLUMNS} ({column_letter(MAX_COLUMNS - 1)})")


def _stream_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, sheet: str,
                  file: str) -> int:
    """Stream one worksheet: its declared dimension, every cell and row reference
    (a far one is refused) and the number of cells; its unpacked size."""
    state: dict[str, Any] = {"tail": b"", "first": True, "cells": 0, "rows": 0, "refs": 0}

    def each(chunk: bytes, last: bool = False) -> None:
        state["cells"] += chunk.count(b"<c ") + chunk.count(b"<c>")
        state["rows"] += chunk.count(b"<row")
        window = state["tail"] + chunk
        if state["first"]:
            state["first"] = False
            dimension = _DIMENSION.search(window[:65536])
            if dimension:
                end = dimension.group(1).decode("ascii", "replace").split(":")[-1]
                _check_extent(end.replace("$", ""), sheet, file, declared=True)
        cut = len(window) if last else max(len(window) - _OVERLAP, 0)
        far, refs = _far_reference(window, cut)
        state["refs"] += refs
        if far is not None:
            _check_extent(far, sheet, file, declared=False)
        state["tail"] = window[cut:]

    size = _stream(archive, member, each)
    each(b"", last=True)
    cells = int(state["cells"])
    if state["refs"] < cells + state["rows"]:  # calamine would place them by counting
        raise InputError("input.guard.no_address", file=file, sheet=sheet)
    if cells > MAX_CELLS:
        raise InputError("input.guard.cells", file=file, sheet=sheet, count=f"{cells:,}",
                         limit=f"{MAX_CELLS:,}", over=f"{cells - MAX_CELLS:,}")
    return size


_QUOTE, _EQUALS, _R, _LT = ord('"'), ord("="), ord("r"), ord("<")
_A, _Z, _ZERO, _NINE = ord("A"), ord("Z"), ord("0"), ord("9")


def _far_reference(window: bytes, cut: int) -> tuple[str | None, int]:
    """The first ``r="…"`` reference starting before ``cut`` beyond the limits (or None),
    and how many references start before ``cut``.

    Vectorised with numpy (a Python regex over a 50 MB sheet costs half a second):
    find every ``r="``, keep those followed by two letters (column AA or beyond) or by
    six digits (row 100,000 or beyond), and check those few exactly.
    """
    a = np.frombuffer(window, dtype=np.uint8)
    if a.size < 8:
        return None, 0
    equals = np.flatnonzero(a[2:min(cut + 1, a.size - 6)] == _EQUALS) + 2  # one pass, then gathers
    equals = equals[(a[equals - 1] == _R) & (a[equals + 1] == _QUOTE)]
    equals = equals[a[equals - 2] <= ord(" ")]  # the attribute r, not header="…" or footer="…"
    starts = equals + 2
    if starts.size == 0:
        return None, 0
    first, second = a[starts], a[starts + 1]
    letter2 = (second >= _A) & (second <= _Z)
    lead = (first >= _A) & (first <= _Z)
    six = np.where(lead, starts + 6, starts + 5)
    six = np.minimum(six, a.size - 1)
    digits6 = (a[six] >= _ZERO) & (a[six] <= _NINE)
    for start in starts[letter2 | digits6].tolist():
        ref = window[start:start + 16].split(b'"')[0].decode("ascii", "replace")
        position = _position(ref)
        if position and (position[0] > MAX_ROWS or position[1] > MAX_COLUMNS):
            return ref, int(starts.size)
    return None, int(starts.size)


def _unreadable_cells(xml: bytes) -> dict[str, Unreadable]:
    """Formula cells with no saved value and error cells, by reference.

    Only the cells around a ``<f`` or ``t="e"`` are parsed (a regex over every cell
    of a large sheet would be slow).
    """
    found: dict[str, Unreadable] = {}
    for marker in (b"<f", b't="e"'):
        position = xml.find(marker)
        while position >= 0:
            start = xml.rfind(b"<c ", 0, position)
            end = xml.find(b"</c>", position)
            if start >= 0 and end >= 0:
                cell = _CELL.match(xml, start, end + 4)
                if cell is not None:
                    _note_cell(cell, found)
                position = xml.find(marker, end)
            else:
                position = xml.find(marker, position + 1)
    return found


def _note_cell(cell: re.Match[bytes], found: dict[str, Unreadable]) -> None:
    attributes, body = cell.group(1), cell.group(2) or b""
    ref = _ATTR_R.search(attributes)
    if ref is None:
        return
    kind = _ATTR_T.search(attributes)
    value = _VALUE.search(body)
    saved = html.unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
    formula = _FORMULA.search(body)
    where = ref.group(1).decode("ascii")
    if kind and kind.group(1) == b"e" and saved:
        found[where] = Unreadable("error", saved)
    elif formula is not None and not saved:
        shown = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
        found[where] = Unreadable("formula", f"={shown}" if shown else "=…")


def _stream_ods(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> int:
    """An OpenDocument sheet: refuse a repeated row or cell that has content and is too long."""
    state = {"tail": b""}

    def each(chunk: bytes) -> None:
        window = state["tail"] + chunk
        for repeat in _ODS_REPEAT.finditer(window):
            count = int(repeat.group(2))
            limit = MAX_ROWS if repeat.group(1) == b"rows" else MAX_COLUMNS
            if count > limit and _ods_repeat_has_content(window, repeat.end()):
                raise InputError("input.guard.ods_repeat", file=file, count=f"{count:,}",
                                 limit=f"{limit:,}")
        state["tail"] = window[-4096:]

    return _stream(archive, member, each)


def _ods_repeat_has_content(window: bytes, end: int) -> bool:
    """Whether the element whose repeat attribute ends at ``end`` holds a value or text."""
    close = window.find(b">", end)
    if close < 0 or window[close - 1:close] == b"/":
        return False  # an empty, self-closed cell (LibreOffice pads sheets with these)
    body = window[close: close + 2048]
    stop = body.find(b"</table:table-row>")
    body = body if stop < 0 else body[:stop]
    return b"office:value" in body or b"<text:p" in body
