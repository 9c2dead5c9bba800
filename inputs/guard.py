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
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.parsers import expat

import numpy as np
import olefile
from isal import isal_zlib

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
#: Most shared strings a workbook may declare (``<sst uniqueCount="…">``): calamine
#: reserves room for that many before reading one. A sheet's cells at most.
MAX_SHARED_STRINGS = MAX_CELLS
#: Most XML elements the careful read of a sheet goes through (a cell takes two or three:
#: ``<c><v>``, ``<c><is><t>``): it bounds that read's time, about 12 s at the limit.
MAX_ELEMENTS = 6 * MAX_CELLS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 256 * 1024
_LOCAL_HEADER = 30
#: What ISA-L raises for a broken deflate stream.
_INFLATE_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]
_OVERLAP = 64
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\sref\s*=\s*["']([^"'>]*)""")
#: A ``uniqueCount`` attribute, read where its name starts: ``="123"`` after it.
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s{0,1000}=\s{0,1000}["']\s{0,1000}([0-9]{1,30})""")
_COUNT_TAIL = 4096
#: How far an ODS repeat attribute's element is read for content (see _ods_repeat_has_content).
_ODS_TAIL = 4096
#: How much of a sheet's head is searched for its dimension when no <sheetData> ends it.
_HEAD_LIMIT = 4 * MIB
_REF = re.compile(r"^([A-Z]{1,3})?([0-9]{1,7})?$")
#: Addresses surely within the limits (column A–Z, row up to 99,999), let through at once.
_NEAR_CELL = re.compile(r"[A-Za-z][0-9]{1,5}")
_NEAR_ROW = re.compile(r"[0-9]{1,5}")
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
        password-protected file, ``input.file.damaged`` for a file whose zip directory
        cannot be read, ``input.file.workbook_unreadable`` for a
        broken zip.
    """
    check_size(len(data), file)
    if is_encrypted_ole(data):
        raise InputError("input.file.encrypted", file=file)
    if data.startswith(OLE_MAGIC):
        _guard_xls(data, file)
        return WorkbookScan()
    if not data.startswith(ZIP_MAGIC):
        return WorkbookScan()  # not a workbook we can look into: calamine says what it is
    try:  # no zip directory (cut short, not a zip), or one with broken fields
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _BROKEN_ZIP:
        raise InputError("input.file.damaged", file=file) from None
    try:
        return WorkbookScan(data, _guard_zip(archive, data, file))
    except _PartError as err:
        raise InputError("input.guard.part", file=file, part=err.part) from None
    except _BROKEN_ZIP:  # a header that disagrees with the directory, a method unknown …
        raise InputError("input.file.damaged", file=file) from None


#: What :mod:`zipfile` and :mod:`zlib` raise for a damaged or crafted zip (found by
#: changing random header bytes of a good workbook: "zip file version 17.4", "Bad
#: magic number", "negative seek value", "That compression method is not supported").
_BROKEN_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
               OSError, struct.error, OverflowError)


def _guard_zip(archive: zipfile.ZipFile, data: bytes, file: str) -> dict[str, str]:
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
    if any(m.flag_bits & 0x1 for m in members):  # a zip password (7-Zip, WinRAR "ZipCrypto")
        raise InputError("input.file.encrypted", file=file)
    names = {m.filename for m in members}
    if any(name.lower() == "xl/workbook.bin" for name in names):  # .xlsb: cells we cannot see
        raise InputError("input.file.xlsb", file=file)
    sheets = _sheet_parts(archive, names)
    unpacked = 0
    for member in members:
        sheet = sheets.get(member.filename)
        if member.filename == "content.xml":
            unpacked += _stream_ods(archive, data, member, file)
        elif sheet is not None:
            unpacked += _stream_sheet(archive, data, member, sheet, file)
            if member.filename == _SHARED_STRINGS:  # calamine reads it as both: read it twice
                _stream_part(archive, data, member, file)
        else:
            unpacked += _stream_part(archive, data, member, file)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _unpacked_error(unpacked, file)
    return {sheet: part for part, sheet in sheets.items() if sheet != part}  # named sheets


def _stream_part(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo,
                 file: str) -> int:
    """Any other part: its size, and every ``uniqueCount`` it declares.

    calamine reserves room for the shared strings by the ``uniqueCount`` of ``<sst>``
    before reading one (``uniqueCount="4000000000"`` in a 6 KB file asked for 96 GB).
    Any part may be the one the workbook names for its shared strings, so every part
    is searched.
    """
    def look(window: bytes, cut: int) -> None:
        at = window.find(b"uniqueCount", 0, cut)
        while at >= 0:
            declared = _UNIQUE_COUNT.match(window, at)
            if declared is None:
                rest = window[at + len(b"uniqueCount"):at + _COUNT_TAIL].lstrip()
                if not rest or rest.startswith(b"="):  # an attribute we cannot read
                    raise InputError("input.file.damaged", file=file)
            elif int(declared.group(1)) > MAX_SHARED_STRINGS:
                raise InputError("input.guard.strings", file=file, part=member.filename,
                                 count=f"{int(declared.group(1)):,}",
                                 limit=f"{MAX_SHARED_STRINGS:,}")
            at = window.find(b"uniqueCount", at + 1, cut)

    return _stream_windows(archive, data, member, _COUNT_TAIL, look)


def _stream_windows(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo,
                    overlap: int, look: Callable[[bytes, int], None]) -> int:
    """Stream a part as overlapping windows; its size.

    Each window is the last ``overlap`` bytes of the one before and a new chunk, and
    ``look(window, cut)`` is shown the patterns that start before ``cut``: all but the
    last ``overlap`` bytes, which start the next window (the last window: all of it).
    So every pattern is seen once, whole, with ``overlap`` bytes after its start
    unless the part ends first.
    """
    tail = b""

    def each(chunk: bytes, last: bool = False) -> None:
        nonlocal tail
        window = tail + chunk
        cut = len(window) if last else max(len(window) - overlap, 0)
        if cut:  # else nothing starts in this window yet: it all waits for the next
            look(window, cut)
        tail = window[cut:]

    size = _stream(archive, data, member, each)
    each(b"", last=True)
    return size


#: BIFF8 records that hold cells; each starts with the cell's row and column (u16 each).
_XLS_CELLS = frozenset({
    0x0006,  # FORMULA
    0x00BD,  # MULRK (row, first column, …, last column)
    0x00BE,  # MULBLANK (the same layout)
    0x00D6,  # RSTRING
    0x00FD,  # LABELSST
    0x0201,  # BLANK
    0x0203,  # NUMBER
    0x0204,  # LABEL
    0x0205,  # BOOLERR
    0x027E,  # RK
})
_XLS_MULTI = frozenset({0x00BD, 0x00BE})
_XLS_BOF, _XLS_SHEET, _XLS_FILEPASS = 0x0809, 0x0085, 0x002F


def _guard_xls(data: bytes, file: str) -> None:
    """A legacy .xls (BIFF8 in an OLE file): refuse a cell beyond the limits before
    calamine reads it.

    calamine sizes a sheet's grid by its farthest cell, so one cell at IV65536 asks
    for 65,536 × 256 cells (a gigabyte). This walks the records of the ``Workbook``
    stream (a header of type and length, then the record) and checks the row and
    column every cell record starts with; the sheet is named from the BOUNDSHEET
    record that points at its substream.
    """
    try:
        with olefile.OleFileIO(data) as ole:
            if not ole.exists("Workbook"):
                return  # BIFF5 ("Book") or not a workbook: calamine says what it is
            stream = ole.openstream("Workbook").read()
    except (OSError, ValueError, IndexError, struct.error):
        return  # a broken OLE file: calamine reports it as unreadable
    sheets: dict[int, str] = {}
    sheet = ""
    position, end = 0, len(stream) - 4
    while position <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if kind == _XLS_FILEPASS:  # the records after it are encrypted
            raise InputError("input.file.encrypted", file=file)
        if kind == _XLS_BOF:
            sheet = sheets.get(position, sheet)
        elif kind == _XLS_SHEET and length >= 8:
            sheets[struct.unpack_from("<I", stream, body)[0]] = _xls_sheet_name(
                stream[body + 6:body + length])
        elif kind in _XLS_CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            if kind in _XLS_MULTI and length >= 6:
                column = struct.unpack_from("<H", stream, body + length - 2)[0]
            if row + 1 > MAX_ROWS or column + 1 > MAX_COLUMNS:
                _check_extent(f"{column_letter(column)}{row + 1}", sheet, file,
                              declared=False)
        position = body + length


def _xls_sheet_name(raw: bytes) -> str:
    """A BOUNDSHEET's name: a count of characters, a flag, then Latin-1 or UTF-16."""
    if len(raw) < 2:
        return ""
    count, wide = raw[0], raw[1] & 0x1
    text = raw[2:2 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")


def _unpacked_error(size: int, file: str) -> InputError:
    return InputError("input.guard.unpacked", file=file, size=megabytes(size),
                      limit=megabytes(MAX_UNPACKED_BYTES),
                      over=megabytes(size - MAX_UNPACKED_BYTES))


def _stream(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo,
            each: object) -> int:
    """Unpack ``member`` chunk by chunk, checking its size and CRC; its size.

    A stored or deflated part is inflated straight from the file's bytes by ISA-L
    (:mod:`isal.isal_zlib`, about twice zlib's speed) in chunks of :data:`_CHUNK`,
    small enough to stay in the processor's cache while the sheet scan reads them.
    It stops as soon as the part unpacks past its declared size (a lying zip
    directory). Any other part (another compression method, an encrypted part) is
    read through :mod:`zipfile`, which checks the same.
    """
    raw = _raw_part(data, member)
    try:
        if raw is None:
            return _stream_zipfile(archive, member, each)
        return _inflate(raw, member, each)
    except (zipfile.BadZipFile, zlib.error, _INFLATE_ERROR, EOFError) as err:
        raise _PartError(member.filename) from err


def _raw_part(data: bytes, member: zipfile.ZipInfo) -> memoryview | None:
    """The compressed bytes of a stored or deflated, unencrypted part (None otherwise)."""
    if (member.flag_bits & 0x1
            or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
        return None
    buffer = memoryview(data)
    head = bytes(buffer[member.header_offset:member.header_offset + _LOCAL_HEADER])
    if len(head) < _LOCAL_HEADER or not head.startswith(ZIP_MAGIC):
        raise _PartError(member.filename)
    name_length, extra_length = struct.unpack("<HH", head[26:30])
    start = member.header_offset + _LOCAL_HEADER + name_length + extra_length
    raw = buffer[start:start + member.compress_size]
    if len(raw) < member.compress_size:
        raise _PartError(member.filename)
    return raw


def _inflate(raw: memoryview, member: zipfile.ZipInfo, each: object) -> int:
    size, crc = 0, 0
    if member.compress_type == zipfile.ZIP_STORED:
        pieces: Iterable[bytes] = (bytes(raw[k:k + _CHUNK]) for k in range(0, len(raw), _CHUNK))
    else:
        pieces = _deflated(raw)
    for chunk in pieces:
        size += len(chunk)
        if size > member.file_size:  # more than the directory declares: a lying directory
            raise _PartError(member.filename)
        crc = isal_zlib.crc32(chunk, crc)
        each(chunk)  # type: ignore[operator]
    if size != member.file_size or crc != member.CRC:
        raise _PartError(member.filename)
    return size


def _deflated(raw: memoryview) -> Iterable[bytes]:
    """Inflate a raw deflate stream, at most :data:`_CHUNK` bytes at a time."""
    inflater = isal_zlib.decompressobj(-15)
    position = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        elif position < len(raw):
            chunk = inflater.decompress(bytes(raw[position:position + _CHUNK]), _CHUNK)
            position += _CHUNK
        else:  # all input given: the last call's limit may have held output back
            chunk = inflater.decompress(b"", _CHUNK)
            if not chunk and not inflater.eof:
                raise EOFError("the compressed part ends early")
        if chunk:
            yield chunk


def _stream_zipfile(archive: zipfile.ZipFile, member: zipfile.ZipInfo, each: object) -> int:
    size = 0
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            each(chunk)  # type: ignore[operator]
    return size


class _PartError(Exception):
    """A zip part that does not unpack to its declared size and checksum."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Zip part of each worksheet → the sheet's name (from the workbook and its rels).

    Read more loosely than calamine reads them, so that every part calamine could open
    as a sheet is among them: any prefix on the elements, single or double quotes,
    entities in the values, backslashes, and a target resolved every way a reader
    might (``/xl/a.xml``, ``xl/a.xml``, ``a.xml`` under ``xl/``, ``/a.xml`` as ``xl/a.xml``
    or ``a.xml``). Every part under ``xl/worksheets/`` is a sheet too, named by its part;
    without the workbook or its rels, every XML part is.
    """
    parts = {name: name for name in names if name.startswith(_SHEET_FOLDERS)}
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        parts.update({name: name for name in names if name.lower().endswith(".xml")})
        return parts
    book = _small_part(archive, "xl/workbook.xml")
    rels = _small_part(archive, "xl/_rels/workbook.xml.rels")
    targets: dict[str, set[str]] = {}
    for rel in re.finditer(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels):
        rid, target = _attribute(rel.group(0), b"Id"), _attribute(rel.group(0), b"Target")
        if rid is not None and target is not None:
            targets.setdefault(rid, set()).update(_resolutions(target))
    for sheet in re.finditer(rb"<(?:[\w.-]+:)?sheet\b[^>]*>", book):
        tag = sheet.group(0)
        name = _attribute(tag, b"name")
        rid = _attribute(tag, rb"(?:[\w.-]+:)?id")
        for part in targets.get(rid or "", set()) & names:
            parts[part] = name if name is not None else part
    return parts


#: Where calamine reads the shared strings, whatever the workbook's rels say.
_SHARED_STRINGS = "xl/sharedStrings.xml"
#: Folders whose parts are always read as sheets.
_SHEET_FOLDERS = ("xl/worksheets/", "xl/macrosheets/", "xl/dialogsheets/")


def _attribute(tag: bytes, name: bytes) -> str | None:
    """An attribute's value in a start tag, in either quotes, its entities resolved."""
    found = re.search(rb"\s" + name + rb"""\s*=\s*(["'])(.*?)\1""", tag, re.S)
    if found is None:
        return None
    return html.unescape(found.group(2).decode("utf-8", "replace"))


def _resolutions(target: str) -> set[str]:
    """Every part name a reader might take a relationship's target for."""
    found: set[str] = set()
    for path in {target, target.replace("\\", "/")}:
        found.update({f"xl/{path}", path.lstrip("/"), path})
        if path.startswith("/"):
            found.add(f"xl{path}")
    return found


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
        if declared:
            return
        position = (MAX_ROWS + 1, MAX_COLUMNS + 1)  # an address too long to read
    row, column = position
    if row > MAX_ROWS or column > MAX_COLUMNS:
        code = ("input.guard.dimension" if declared else
                "input.guard.far_cell" if column else "input.guard.far_row")
        raise InputError(code, file=file, sheet=sheet, ref=ref, rows=f"{MAX_ROWS:,}",
                         columns=f"{MAX_COLUMNS} ({column_letter(MAX_COLUMNS - 1)})")


@dataclass
class _SheetTally:
    """What the fast scan of one worksheet has counted so far."""

    cells: int = 0          # <c> elements
    addressed: int = 0      # <c> elements whose first attribute is r="…"
    prefixed: int = 0       # names ending in :c (a namespace prefix): the fast scan is off


def _stream_sheet(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo, sheet: str,
                  file: str) -> int:
    """Stream one worksheet: its declared dimension, the address of every cell (a far
    one is refused) and the number of cells; its unpacked size.

    calamine places a cell by its ``r`` attribute, and a cell without one by counting
    from the cell and row before it. Every writer of workbooks puts ``r`` first
    (``<c r="B7" …>``), so the fast scan finds each ``<c`` and reads the address right
    after it. When some cell has no ``r`` first (or some element carries a namespace
    prefix), the sheet is read again by an XML parser (:func:`_careful_scan`), which
    sees the elements and attributes as calamine does.
    """
    tally = _SheetTally()
    size = _scan_windows(archive, data, member, sheet, file, tally)
    cells = tally.cells
    if tally.prefixed or tally.addressed < tally.cells:
        cells = _careful_scan(archive, data, member, sheet, file)
    if cells > MAX_CELLS:
        raise InputError("input.guard.cells", file=file, sheet=sheet, count=f"{cells:,}",
                         limit=f"{MAX_CELLS:,}", over=f"{cells - MAX_CELLS:,}")
    return size


def _check_dimensions(head: bytes, sheet: str, file: str) -> None:
    """Refuse a ``<dimension ref="…">`` in the sheet's head beyond the limits (its
    ``ref`` may stand after other attributes, and be in single quotes)."""
    for dimension in _DIMENSION.finditer(head):
        _check_dimension(dimension.group(1).decode("ascii", "replace"), sheet, file)


def _check_dimension(ref: str, sheet: str, file: str) -> None:
    end = ref.split(":")[-1]
    _check_extent(end.replace("$", "").upper()[:16], sheet, file, declared=True)


def _scan_windows(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo, sheet: str,
                  file: str, tally: _SheetTally) -> int:
    """Run the fast scan over the sheet, window by window (:func:`_stream_windows`), and
    check the dimension declared in its head, up to ``<sheetData>``."""
    head: bytearray | None = bytearray()

    def look(window: bytes, cut: int) -> None:
        nonlocal head
        if head is not None:
            head += window[:cut]  # the windows' counted parts are the sheet, once
            data_at = head.find(b"sheetData")
            if data_at >= 0 or len(head) >= _HEAD_LIMIT:
                _check_dimensions(bytes(head[:data_at] if data_at >= 0 else head), sheet, file)
                head = None
        if len(window) - cut < _OVERLAP:  # the last window: a pattern may look ahead
            window += bytes(_OVERLAP)
        far = _fast_scan(window, cut, tally)
        if far is not None:
            _check_extent(far, sheet, file, declared=False)

    size = _stream_windows(archive, data, member, _OVERLAP, look)
    if head is not None:  # a sheet with no <sheetData>
        _check_dimensions(bytes(head), sheet, file)
    return size


def _careful_scan(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo, sheet: str,
                  file: str) -> int:
    """Read the sheet with an XML parser (expat, no namespaces, no DTD): every ``c``
    and ``row`` element, whatever its prefix, must carry an ``r`` attribute within
    the limits, as must every ``dimension``; the number of cells.

    calamine matches elements by their local name and the attribute by the name ``r``
    exactly; a cell or row without one it places by counting, which cannot be
    checked before it reads, so such a sheet is refused. Text, comments and CDATA
    are not elements: an ``r="…"`` written in a cell's text counts for nothing. A sheet
    of more than :data:`MAX_ELEMENTS` elements is refused when the count passes it
    (a crafted sheet of 100 million tiny elements would take the parser a minute).
    """
    parser = expat.ParserCreate()
    cells = elements = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal cells, elements
        elements += 1
        if elements > MAX_ELEMENTS:
            raise InputError("input.guard.elements", file=file, sheet=sheet,
                             limit=f"{MAX_ELEMENTS:,}")
        if name == "c" or name.endswith(":c"):
            cells += 1
            ref = attributes.get("r")
            if ref is None or not _NEAR_CELL.fullmatch(ref):
                check(ref)
        elif name == "row" or name.endswith(":row"):
            ref = attributes.get("r")
            if ref is None or not _NEAR_ROW.fullmatch(ref):
                check(ref)
        elif (name == "dimension" or name.endswith(":dimension")) and "ref" in attributes:
            _check_dimension(attributes["ref"], sheet, file)

    def check(ref: str | None) -> None:
        if not ref:
            raise InputError("input.guard.no_address", file=file, sheet=sheet)
        _check_extent(ref.upper()[:16], sheet, file, declared=False)

    def no_doctype(*_: object) -> None:  # a worksheet has none; entities could blow it up
        raise InputError("input.file.damaged", file=file)

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_doctype
    try:
        _stream(archive, data, member, lambda chunk: parser.Parse(chunk, False))
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise InputError("input.file.damaged", file=file) from None
    return cells


_A, _Z, _ZERO, _NINE = ord("A"), ord("Z"), ord("0"), ord("9")
#: Bytes that may end an element's name: white space, ``>`` and ``/``.
_ENDS_NAME = np.zeros(256, dtype=bool)
_ENDS_NAME[[9, 10, 13, 32, ord(">"), ord("/")]] = True
_LT_C = int.from_bytes(b"<c", "little")
_COLON_C = int.from_bytes(b":c", "little")
_R_FIRST = int.from_bytes(b' r="', "little")
_LETTER = np.zeros(256, dtype=bool)
_LETTER[_A:_Z + 1] = _LETTER[ord("a"):ord("z") + 1] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[_ZERO:_NINE + 1] = True
_BYTES = np.arange(65536)
#: Two bytes (little-endian) that start an address worth reading exactly: the second
#: is a letter (calamine reads lower case too), or the first is not a letter.
_HEAD = _LETTER[_BYTES >> 8] | ~_LETTER[_BYTES & 0xFF]


def _pair_starts(window: bytes, cut: int, key: int) -> np.ndarray:
    """Where the two-byte pattern ``key`` (two different bytes) starts in ``window``,
    in order, before ``cut`` (``window`` holds at least two bytes past ``cut``).

    The bytes are compared as 2-byte words at both alignments and the two masks
    merged into one, so that a single pass finds them all: pair ``i`` holds a
    pattern at ``2i`` or at ``2i + 1``, never both (that would need the pattern's
    two bytes to be the same), and the even mask says which.
    """
    pairs = cut // 2
    even = np.frombuffer(window, dtype="<u2", count=pairs) == key
    merged = np.frombuffer(window, dtype="<u2", count=pairs, offset=1) == key
    merged |= even
    hits: np.ndarray = merged.nonzero()[0]
    odd = ~even[hits]
    hits *= 2
    hits += odd
    if cut % 2 and window[cut - 1:cut + 1] == key.to_bytes(2, "little"):
        hits = np.append(hits, cut - 1)  # the last byte before an odd cut
    return hits


def _eights(window: bytes) -> np.ndarray:
    """Every eight bytes of ``window`` as one little-endian number, at every offset."""
    return np.ndarray((len(window) - 7,), dtype="<u8", buffer=window, strides=(1,))


def _fast_scan(window: bytes, cut: int, tally: _SheetTally) -> str | None:
    """Count the ``<c`` elements and those with ``r`` first; the first far address.

    The eight bytes after each ``<c`` are read as one number: its low four bytes
    must be `` r="`` and the next two are the address's first two, which with its
    seventh pick the addresses to read exactly (see :func:`_read_far`).
    """
    a = np.frombuffer(window, dtype=np.uint8)
    tags = _pair_starts(window, cut, _LT_C)  # <c …>, and <col>, <cfRule> … (a few)
    heads = _eights(window)[tags + 2]
    first = (heads & 0xFFFFFFFF) == _R_FIRST  # the four bytes ' r="' at once
    addressed = int(np.count_nonzero(first))
    tally.addressed += addressed
    tally.cells += addressed
    if addressed < tags.size:  # <col>, <cfRule> …, or a cell without r first
        others = tags[~first]
        tally.cells += int(np.count_nonzero(_ENDS_NAME[a[others + 2]]))
    if window.find(b":", 0, cut) >= 0:  # memchr: most sheets have a colon only at the top
        prefixed = _pair_starts(window, cut, _COLON_C)
        tally.prefixed += int(np.count_nonzero(_ENDS_NAME[a[prefixed + 2]]))
    heads >>= 32
    heads &= 0xFFFF
    suspect = _HEAD.take(heads)
    suspect |= _DIGIT.take(a.take(tags + 12))
    suspect &= first
    return _read_far(window, tags[suspect] + 6)


def _read_far(window: bytes, starts: np.ndarray) -> str | None:
    """The first of the addresses at ``starts`` beyond the limits, read exactly; an
    address too long to be read (over three letters or seven digits) is beyond."""
    for start in starts.tolist():
        ref = window[start:start + 16].split(b'"')[0].decode("ascii", "replace").upper()
        if len(ref) >= 16 or re.fullmatch(r"[A-Z]{4,}\d*|[A-Z]*\d{8,}", ref):
            return ref[:16]  # too long to be an address within the limits
        position = _position(ref)
        if position and (position[0] > MAX_ROWS or position[1] > MAX_COLUMNS):
            return ref
    return None


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


def _stream_ods(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo,
                file: str) -> int:
    """An OpenDocument sheet: refuse a repeated row or cell that has content and is too long."""
    def look(window: bytes, cut: int) -> None:
        for repeat in _ODS_REPEAT.finditer(window):
            if repeat.start() >= cut:
                break
            count = int(repeat.group(2))
            limit = MAX_ROWS if repeat.group(1) == b"rows" else MAX_COLUMNS
            if count > limit and _ods_repeat_has_content(window, repeat.end()):
                raise InputError("input.guard.ods_repeat", file=file, count=f"{count:,}",
                                 limit=f"{limit:,}")

    return _stream_windows(archive, data, member, _ODS_TAIL, look)


def _ods_repeat_has_content(window: bytes, end: int) -> bool:
    """Whether the element whose repeat attribute ends at ``end`` holds a value or text."""
    close = window.find(b">", end)
    if close < 0 or window[close - 1:close] == b"/":
        return False  # an empty, self-closed cell (LibreOffice pads sheets with these)
    body = window[close: close + 2048]
    stop = body.find(b"</table:table-row>")
    body = body if stop < 0 else body[:stop]
    return b"office:value" in body or b"<text:p" in body
