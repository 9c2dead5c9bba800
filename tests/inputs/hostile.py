"""Builders of hostile files, made in the test (nothing big is committed).

- :func:`zip_bomb`: a workbook whose sheet unpacks to gigabytes of zeros, its zip
  directory either honest about the size or lying (declaring a small size);
- :func:`far_cell_workbook`: a small good scenario plus one cell far away
  (``XFD1048576``), with or without the sheet's ``<dimension>``;
- :func:`with_sheet_xml`: any edit of the firms sheet's XML (formulas without
  saved values, error values).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

MIB = 2**20


def rezip(data: bytes, edit: Callable[[str, bytes], bytes],
          rename: Callable[[str], str] = lambda name: name,
          extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook ``data`` with each part passed through ``edit(name, content)``, saved
    under ``rename(name)``, and the ``extra`` parts added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(rename(info.filename), edit(info.filename, source.read(info)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def with_sheet_xml(data: bytes, edit: Callable[[bytes], bytes],
                   part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with the XML of one sheet (the firms sheet by default) edited."""
    return rezip(data, lambda name, content: edit(content) if name == part else content)


def set_cell_xml(data: bytes, ref: str, cell_xml: str) -> bytes:
    """Replace the ``<c r="ref" ...>...</c>`` element of the firms sheet by ``cell_xml``."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)

    def edit(xml: bytes) -> bytes:
        new, count = pattern.subn(cell_xml.encode(), xml, count=1)
        assert count == 1, f"no cell {ref}"
        return new

    return with_sheet_xml(data, edit)


def far_cell_workbook(data: bytes, ref: str = "XFD1048576", dimension: bool = True) -> bytes:
    """The workbook with one number at ``ref`` in the firms sheet, far from the table."""

    def edit(xml: bytes) -> bytes:
        row = re.sub(r"\D", "", ref)
        xml = xml.replace(b"</sheetData>",
                          f'<row r="{row}"><c r="{ref}" t="n"><v>1</v></c></row></sheetData>'
                          .encode())
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        if dimension:  # where Excel writes it: after <sheetPr>, before <sheetViews>
            return xml.replace(b"<sheetViews>",
                               f'<dimension ref="A1:{ref}"/><sheetViews>'.encode(), 1)
        return xml

    return with_sheet_xml(data, edit)


def zip_bomb(unpacked: int = 3 * 2**30, *, honest: bool = True) -> bytes:
    """An .xlsx whose one sheet is ``unpacked`` bytes (a header, then zeros), ~1000:1.

    ``honest`` False declares the sheet as 1 MiB in the zip directory, as a
    hostile file would. Built chunk by chunk: the deflate output of each full-flushed
    MiB of zeros repeats, so 3 GiB take a few seconds and ~3 MiB.
    """
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>')
    chunk = bytes(MIB)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = [squeeze.compress(head) + squeeze.flush(zlib.Z_FULL_FLUSH)]
    first = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    repeated = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    chunks = (unpacked - len(head)) // MIB
    body += [first, repeated * (chunks - 1), squeeze.flush()]
    crc = zlib.crc32(head)
    for _ in range(chunks):
        crc = zlib.crc32(chunk, crc)
    size = len(head) + chunks * MIB
    compressed = b"".join(body)
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _RELS),
        ("xl/workbook.xml", _WORKBOOK),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
    ]
    out = io.BytesIO()
    directory = []
    for name, content in parts:
        packed = zlib.compress(content, 9)[2:-4]
        directory.append(_entry(out, name, packed, zlib.crc32(content), len(content)))
    declared = size if honest else MIB
    directory.append(_entry(out, "xl/worksheets/sheet1.xml", compressed, crc, declared))
    start = out.tell()
    for record in directory:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory),
                          out.tell() - start, start, 0))
    return out.getvalue()


def _entry(out: io.BytesIO, name: str, packed: bytes, crc: int, size: int) -> bytes:
    """Write one deflated local entry; return its central directory record."""
    offset = out.tell()
    encoded = name.encode()
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed),
                          size, len(encoded), 0))
    out.write(encoded)
    out.write(packed)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                       len(packed), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded


_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    b'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    b'worksheet+xml"/></Types>')
_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b'</Relationships>')
_WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="firms" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'</Relationships>')
