"""Guards before parsing: size, zip bombs, far-away cells, passwords — refused with which
limit, how far over, and what to do, in both languages; never allocated."""

from __future__ import annotations

import io
import re
import resource
import struct
import subprocess
import sys
import textwrap
import zipfile

import msoffcrypto.format.ooxml
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inputs import InputError, read_scenario
from inputs.errors import column_letter
from inputs.guard import MAX_FILE_BYTES, MAX_MEMBERS, guard_workbook
from tests.inputs.hostile import (
    far_cell_workbook,
    rezip,
    set_cell_xml,
    with_sheet_xml,
    zip_bomb,
)


def refused(data: bytes, name: str = "h.xlsx") -> InputError:
    with pytest.raises(InputError) as caught:
        read_scenario(data, name)
    return caught.value


def test_a_file_over_the_size_limit_says_by_how_much() -> None:
    err = refused(b"PK\x03\x04" + bytes(MAX_FILE_BYTES + 2**20))
    assert err.code == "input.guard.file_size"
    assert "over the limit of 50.0 MB by 1.0 MB" in err.render("en")
    assert "超过上限 50.0 MB（超出 1.0 MB）" in err.render("zh")


@pytest.mark.parametrize("honest", [True, False])
def test_a_3mb_zip_bomb_of_3gb_is_refused_without_unpacking(honest: bool) -> None:
    bomb = zip_bomb(3 * 2**30, honest=honest)
    assert len(bomb) < 4 * 2**20
    err = refused(bomb)
    if honest:  # the directory says 3 GB: refused before anything is unpacked
        assert err.code == "input.guard.unpacked"
        assert "unpacks to 3,071.0 MB, over the limit of 400.0 MB by 2,671.0 MB" in str(err)
        assert "解压后有 3,071.0 MB" in err.render("zh")
    else:  # the directory lies: unpacking stops at the declared size and the CRC fails
        assert err.code == "input.guard.part"
        assert "xl/worksheets/sheet1.xml" in str(err) and "zip bomb" in str(err)
        assert "压缩炸弹" in err.render("zh")


def test_a_highly_compressed_part_is_refused_by_its_ratio() -> None:
    err = refused(zip_bomb(300 * 2**20))
    assert err.code == "input.guard.ratio"
    assert "over the limit of 200:1" in str(err) and "超过上限 200:1" in err.render("zh")


def test_peak_memory_of_the_zip_bomb_stays_small() -> None:
    """In a fresh process: building the 3 GB bomb and reading it stays far below 1 GiB."""
    code = textwrap.dedent("""
        import resource
        from inputs import InputError, read_scenario
        from tests.inputs.hostile import zip_bomb
        for honest in (True, False):
            try:
                read_scenario(zip_bomb(3 * 2**30, honest=honest), "bomb.xlsx")
            except InputError as err:
                print(err.code)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    *codes, peak = done.stdout.split()
    assert codes == ["input.guard.unpacked", "input.guard.part"]
    assert int(peak) < 1024, f"peak {peak} MiB"


@pytest.mark.parametrize("dimension", [True, False])
def test_a_stray_far_away_cell_is_reported_never_allocated(small_bytes: bytes,
                                                           dimension: bool) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    err = refused(far_cell_workbook(small_bytes, "XFD1048576", dimension=dimension))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB
    assert err.sheet == "firms"
    if dimension:
        assert err.code == "input.guard.dimension"
        assert "declares its data up to XFD1048576" in str(err)
        assert "声明的数据范围到 XFD1048576" in err.render("zh")
    else:
        assert err.code in {"input.guard.far_row", "input.guard.far_cell"}
        assert "1048576" in str(err) and "Ctrl+End" in err.render("zh")


def test_a_far_column_in_a_near_row_is_reported(small_bytes: bytes) -> None:
    data = set_cell_xml(small_bytes, "B5", '<c r="XFD5" t="n"><v>1</v></c>')
    err = refused(data)
    assert (err.code, err.fields["ref"]) == ("input.guard.far_cell", "XFD5")
    assert "has a cell at XFD5" in str(err) and "在 XFD5 有一个远离表格的单元格" in err.render("zh")


def test_too_many_parts(small_bytes: bytes) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(MAX_MEMBERS + 5):
            archive.writestr(f"x/{i}.xml", b"<x/>")
    err = refused(out.getvalue())
    assert err.code == "input.guard.members" and "by 5" in str(err)


def test_a_password_protected_workbook_says_so(small_bytes: bytes) -> None:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(small_bytes)).encrypt("secret", out)
    err = refused(out.getvalue())
    assert err.code == "input.file.encrypted"
    assert "protected by a password" in str(err) and "密码" in err.render("zh")


def test_a_good_workbook_passes_the_guard(small_bytes: bytes) -> None:
    scan = guard_workbook(small_bytes, "good.xlsx")
    assert set(scan.parts) == {"firms", "policy"}
    assert scan.unreadable("firms") == {}


def test_formulas_and_errors_are_found_only_where_they_are(small_bytes: bytes) -> None:
    data = set_cell_xml(small_bytes, "E5", '<c r="E5"><f>SUM(X1:X2)</f><v></v></c>')
    data = with_sheet_xml(data, lambda xml: xml)  # rezipped: still the same cells
    scan = guard_workbook(data, "f.xlsx")
    found = scan.unreadable("firms")
    assert list(found) == ["E5"] and found["E5"].detail == "=SUM(X1:X2)"


@pytest.fixture(scope="module")
def ods_bytes(tmp_path_factory: pytest.TempPathFactory, small_bytes: bytes) -> bytes:
    """The small scenario converted to OpenDocument by a real LibreOffice."""
    folder = tmp_path_factory.mktemp("ods")
    (folder / "small.xlsx").write_bytes(small_bytes)
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(folder),
                    str(folder / "small.xlsx")], check=True, capture_output=True, timeout=180)
    return (folder / "small.ods").read_bytes()


@pytest.mark.office
def test_an_ods_from_libreoffice_passes_with_its_padding(ods_bytes: bytes, small) -> None:
    assert b'number-columns-repeated="16375"' in zipfile.ZipFile(
        io.BytesIO(ods_bytes)).read("content.xml")  # LibreOffice pads rows with empty cells
    assert read_scenario(ods_bytes, "small.ods").digest == small.digest


@pytest.mark.office
def test_an_ods_row_repeated_a_million_times_is_refused(ods_bytes: bytes) -> None:
    def edit(name: str, content: bytes) -> bytes:
        if name != "content.xml":
            return content
        return content.replace(b"<table:table-row ",
                               b'<table:table-row table:number-rows-repeated="1000000" ', 2)

    from tests.inputs.hostile import rezip

    err = refused(rezip(ods_bytes, edit), "big.ods")
    assert err.code == "input.guard.ods_repeat"
    assert "1,000,000 times, over the limit of 200,001" in str(err)


@pytest.fixture(scope="module")
def far_xls(tmp_path_factory: pytest.TempPathFactory, small_bytes: bytes) -> bytes:
    """The small scenario with one cell at IV65536 (the last cell of an .xls), saved as
    .xls by a real LibreOffice."""
    folder = tmp_path_factory.mktemp("xls")
    book = __import__("openpyxl").load_workbook(io.BytesIO(small_bytes))
    book["firms"]["IV65536"] = 1
    book.save(folder / "far.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(folder),
                    str(folder / "far.xlsx")], check=True, capture_output=True, timeout=180)
    return (folder / "far.xls").read_bytes()


@pytest.mark.office
def test_a_far_cell_in_a_legacy_xls_is_refused_before_calamine_allocates(far_xls, tmp_path):
    """calamine would size the grid by the far cell: 65,536 × 256 cells, a gigabyte.
    In a fresh process, so that its peak memory is this file's alone."""
    (tmp_path / "far.xls").write_bytes(far_xls)
    code = textwrap.dedent(f"""
        import resource
        from inputs import InputError, read_scenario
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            read_scenario(open({str(tmp_path / "far.xls")!r}, "rb").read(), "far.xls")
        except InputError as err:
            print(err.code, err.sheet, err.fields["ref"])
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    *refusal, grown = done.stdout.split()
    assert refusal == ["input.guard.far_cell", "firms", "IV65536"]
    assert int(grown) < 100, f"grew by {grown} MiB"
    err = refused(far_xls, "far.xls")
    assert "has a cell at IV65536" in str(err) and "IV65536" in err.render("zh")


@pytest.mark.office
def test_a_legacy_xls_within_the_limits_is_read(far_xls: bytes, small) -> None:
    """The same file without the far cell reads back as the scenario."""
    import olefile

    from inputs.guard import _XLS_CELLS

    ole = olefile.OleFileIO(far_xls, write_mode=True)
    stream = bytearray(ole.openstream("Workbook").read())
    position = 0
    while position + 4 <= len(stream):  # the far cell becomes a blank one at U4
        kind, length = struct.unpack_from("<HH", stream, position)
        if kind in _XLS_CELLS and struct.unpack_from("<HH", stream, position + 4) == (65535, 255):
            stream[position:position + 2] = struct.pack("<H", 0x0201)  # a BLANK record
            struct.pack_into("<HH", stream, position + 4, 3, 20)  # at U4, inside the limits
        position += 4 + length
    ole.write_stream("Workbook", bytes(stream))
    assert read_scenario(ole.fp.getvalue(), "near.xls").digest == small.digest


@pytest.mark.office
def test_a_password_protected_xls_says_so(far_xls: bytes) -> None:
    """A FILEPASS record: the records after it are encrypted, so never read as cells."""
    import olefile

    ole = olefile.OleFileIO(far_xls, write_mode=True)
    stream = bytearray(ole.openstream("Workbook").read())
    bof, length = struct.unpack_from("<HH", stream, 0)  # the globals' BOF
    assert bof == 0x0809
    nxt = 4 + length
    stream[nxt:nxt + 2] = struct.pack("<H", 0x002F)  # the next record becomes FILEPASS
    ole.write_stream("Workbook", bytes(stream))
    err = refused(ole.fp.getvalue(), "locked.xls")
    assert err.code == "input.file.encrypted"


def test_too_many_cells_are_refused_before_calamine_reads_them(small_bytes: bytes,
                                                               monkeypatch) -> None:
    """The count of ``<c>`` elements is checked while the sheet streams (limit lowered here:
    a sheet over the real 4,000,000 would take a minute to build)."""
    from inputs import guard

    monkeypatch.setattr(guard, "MAX_CELLS", 100)
    err = refused(small_bytes)
    assert (err.code, err.sheet) == ("input.guard.cells", "firms")
    assert err.fields["limit"] == "100" and int(err.fields["over"].replace(",", "")) > 0
    assert "cells, over the limit of 100 by" in str(err) and "超过上限 100" in err.render("zh")


def test_cells_without_an_address_are_refused(small_bytes: bytes) -> None:
    """calamine places such cells by counting, so their extent cannot be checked first."""
    data = set_cell_xml(small_bytes, "B5", '<c t="inlineStr"><is><t>x</t></is></c>')
    err = refused(data)
    assert (err.code, err.sheet) == ("input.guard.no_address", "firms")
    assert "without an address" in str(err) and "没有写明地址" in err.render("zh")


# -- the fast scan and the careful one --------------------------------------------------
# The guard reads each cell's address right after ``<c`` (where every writer puts it);
# a sheet where some cell has its address elsewhere, or none, or a namespace prefix, is
# scanned again the careful way. Both must refuse the same far cells.


@pytest.mark.parametrize("cell", [
    '<c t="n" r="XFD5"><v>1</v></c>',              # r not first: the careful scan
    '<c r="xfd5" t="n"><v>1</v></c>',              # lower case: calamine reads it too
    '<c\tr="XFD5"><v>1</v></c>',                   # a tab, not a space: the careful scan
    '<x:c r="XFD5" xmlns:x="urn:x"><v>1</v></x:c>',  # a namespace prefix
])
def test_a_far_cell_is_refused_wherever_its_address_stands(small_bytes: bytes,
                                                           cell: str) -> None:
    err = refused(set_cell_xml(small_bytes, "B5", cell))
    assert err.code == "input.guard.far_cell" and err.fields["ref"] == "XFD5"


@pytest.mark.parametrize("ref", ["A99999999999", "AAAA1", "A" + "9" * 30])
def test_an_address_too_long_to_read_is_refused_as_far(small_bytes: bytes, ref: str) -> None:
    err = refused(set_cell_xml(small_bytes, "B5", f'<c r="{ref}" t="n"><v>1</v></c>'))
    assert err.code in {"input.guard.far_cell", "input.guard.far_row"}
    assert err.fields["ref"] == ref[:16]


def test_a_namespaced_cell_without_an_address_is_refused(small_bytes: bytes) -> None:
    data = set_cell_xml(small_bytes, "B5", '<x:c xmlns:x="urn:x"><v>1</v></x:c>')
    assert refused(data).code == "input.guard.no_address"


def test_cells_with_their_address_after_another_attribute_are_read(small_bytes, small) -> None:
    """The careful scan accepts a good sheet whose cells put ``r`` second."""
    data = with_sheet_xml(small_bytes, lambda xml: xml.replace(b'<c r="B5" t="inlineStr">',
                                                               b'<c t="inlineStr" r="B5">'))
    assert read_scenario(data, "second.xlsx").digest == small.digest


def test_cells_are_counted_once_across_the_chunks(monkeypatch) -> None:
    """A sheet of many chunks: its cells counted exactly (a cell cut by a chunk's end
    is counted once), by the fast scan and by the careful one."""
    from inputs import guard, write_scenario
    from inputs.shenzhen import generate

    data = write_scenario(generate(3_000, seed=3))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert len(xml) > 4 * guard._CHUNK
    cells = xml.count(b"<c ")
    monkeypatch.setattr(guard, "MAX_CELLS", cells)
    guard_workbook(data, "exact.xlsx")  # exactly at the limit: passes
    monkeypatch.setattr(guard, "MAX_CELLS", cells - 1)
    with pytest.raises(InputError) as caught:
        guard_workbook(data, "over.xlsx")
    assert caught.value.fields["count"] == f"{cells:,}"
    second = with_sheet_xml(data, lambda x: x.replace(b'<c r="A2" t="inlineStr">',
                                                      b'<c t="inlineStr" r="A2">'))
    with pytest.raises(InputError) as caught:
        guard_workbook(second, "careful.xlsx")
    assert caught.value.fields["count"] == f"{cells:,}"


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from([b"<", b"c", b":", b"<c", b":c", b"x", b"<<c"]),
                     max_size=60).map(b"".join),
       cut_back=st.integers(0, 3))
def test_two_byte_patterns_are_found_at_both_alignments(text: bytes, cut_back: int) -> None:
    """The merged even/odd search finds exactly what a plain search finds, in order."""
    from inputs import guard

    cut = max(len(text) - cut_back, 0)
    window = text + bytes(guard._OVERLAP)
    for key in (b"<c", b":c"):
        plain = [at for at in range(cut) if window[at:at + 2] == key]
        found = guard._pair_starts(window, cut, int.from_bytes(key, "little")).tolist()
        assert found == plain


@pytest.mark.parametrize("shift", [0, 1, 2, 3])
def test_a_far_cell_is_refused_at_any_byte_offset(small_bytes: bytes, shift: int) -> None:
    """The far address is found whether its ``<c`` starts at an even or an odd byte."""
    cell = " " * shift + '<c r="XFD5" t="n"><v>1</v></c>'
    err = refused(set_cell_xml(small_bytes, "B5", cell))
    assert err.code == "input.guard.far_cell" and err.fields["ref"] == "XFD5"


_ADDRESSES = st.builds(
    lambda column, row, lower: (column_letter(column - 1) + str(row)).lower() if lower
    else column_letter(column - 1) + str(row),
    st.one_of(st.integers(1, 64), st.integers(65, 16_384), st.sampled_from([1, 26, 27, 64, 65])),
    st.one_of(st.integers(1, 200_001), st.integers(200_002, 1_048_576),
              st.sampled_from([99_999, 100_000, 200_001, 200_002])),
    st.booleans())
_CELL_FORMS = {  # how a writer may put a cell: its address first, second, or prefixed
    "first": '<c r="{}" t="n"><v>1</v></c>',
    "second": '<c t="n" r="{}"><v>1</v></c>',
    "prefixed": '<x:c r="{}" t="n"><x:v>1</x:v></x:c>',
}
_CELLS = st.lists(st.tuples(_ADDRESSES, st.sampled_from(sorted(_CELL_FORMS)),
                            st.sampled_from(["", " ", "\n", "   ", "\t"])),
                  min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(cells=_CELLS, chunk=st.sampled_from([61, 128, 1_000, 256 * 1024]))
def test_the_guard_refuses_exactly_the_sheets_with_a_far_cell(small_bytes: bytes, cells,
                                                              chunk: int) -> None:
    """Random cells at random byte offsets, their address first or second or the
    element prefixed, read in chunks of any size: refused as far if and only if one
    address is beyond the limits, and every cell counted."""
    from unittest import mock

    from inputs import guard

    body = "".join(gap + _CELL_FORMS[form].format(ref) for ref, form, gap in cells)
    sheet = f'<row r="1">{body}</row>'.encode()

    def edit(xml: bytes) -> bytes:
        start = xml.index(b"<sheetData>") + len(b"<sheetData>")
        return xml[:start] + sheet + xml[xml.index(b"</sheetData>"):]

    def beyond(ref: str) -> bool:
        position = guard._position(ref.upper())
        assert position is not None
        return position[0] > guard.MAX_ROWS or position[1] > guard.MAX_COLUMNS

    data = with_sheet_xml(small_bytes, edit)
    far = [ref.upper() for ref, _, _ in cells if beyond(ref)]
    with mock.patch.object(guard, "_CHUNK", chunk):
        if far:
            with pytest.raises(InputError) as caught:
                guard_workbook(data, "random.xlsx")
            assert caught.value.code in {"input.guard.far_cell", "input.guard.far_row"}
            assert caught.value.fields["ref"] in far
        else:
            with (mock.patch.object(guard, "MAX_CELLS", len(cells) - 1),
                  pytest.raises(InputError) as caught):
                guard_workbook(data, "random.xlsx")
            assert caught.value.code == "input.guard.cells"
            assert caught.value.fields["count"] == f"{len(cells):,}"


def _prefixed(xml: bytes) -> bytes:
    """The sheet with every element in the prefix ``x:`` (as some writers save it)."""
    xml = xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
    return re.sub(rb"<(/?)(?!x:)([A-Za-z]+)([\s>/])", rb"<\1x:\2\3", xml)


def test_a_workbook_whose_elements_carry_a_prefix_is_read(small_bytes, small) -> None:
    """``<x:c r="A1">…</x:c>``: calamine reads it, and so does the guard (its closing
    tags were once counted as cells without an address, and the file refused)."""
    data = with_sheet_xml(small_bytes, _prefixed)
    assert b"</x:c>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert read_scenario(data, "prefixed.xlsx").digest == small.digest


def test_an_address_written_in_text_does_not_hide_cells_without_one(small_bytes) -> None:
    """Cells without an address are placed by counting; ``r="1"`` in their text must
    not pass for their address. (A row of 5,000 such cells and a row at 200,001 once
    passed the guard and made calamine ask for 32 GB.)"""
    def crafted(xml: bytes) -> bytes:
        start = xml.index(b"<sheetData>") + len(b"<sheetData>")
        rows = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>firm_id</t></is></c></row>'
                b'<row r="2">' + b'<c t="inlineStr"><is><t> r="1"</t></is></c>' * 50
                + b'</row><row r="200001"><c r="A200001" t="n"><v>1</v></c></row>')
        return xml[:start] + rows + xml[xml.index(b"</sheetData>"):]

    assert refused(with_sheet_xml(small_bytes, crafted)).code == "input.guard.no_address"


def test_a_sheet_with_a_doctype_read_carefully_is_refused_as_damaged(small_bytes) -> None:
    """The careful read parses XML: a DTD (entities that could expand without end) is
    refused before any is expanded."""
    def with_dtd(xml: bytes) -> bytes:
        dtd = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        xml = xml.replace(b'<c r="B5" t="inlineStr">', b'<c t="inlineStr" r="B5">')
        return dtd + xml

    err = refused(with_sheet_xml(small_bytes, with_dtd))
    assert err.code == "input.file.damaged"


def test_a_sheet_of_a_few_bytes_is_named_not_a_traceback(small_bytes: bytes) -> None:
    for body in (b"<a/>", b"<x:worksheet xmlns:x='u'/>"):
        data = with_sheet_xml(small_bytes, lambda xml, body=body: body)
        assert refused(data).code == "input.sheet.empty"


def test_a_sheet_of_too_many_elements_read_carefully_is_refused(small_bytes, monkeypatch):
    """The careful read stops when the sheet's elements pass their limit, and says so."""
    from inputs import guard

    data = with_sheet_xml(small_bytes, lambda xml: xml.replace(
        b'<c r="B5" t="inlineStr">', b'<c t="inlineStr" r="B5">'))
    monkeypatch.setattr(guard, "MAX_ELEMENTS", 60)
    err = refused(data)
    assert err.code == "input.guard.elements" and err.fields["limit"] == "60"
    assert "holds over 60 XML elements" in err.render("en")
    assert "有超过 60 个 XML 元素" in err.render("zh")
    monkeypatch.setattr(guard, "MAX_ELEMENTS", 10_000)
    guard_workbook(data, "fine.xlsx")


@pytest.mark.parametrize("ref", ["B5&#48;0000", "&#88;FD5", "B 5"])
def test_an_address_that_is_not_letters_and_digits_is_named(small_bytes: bytes, ref: str) -> None:
    """calamine stops at it ("Expecting alphanumeric character, got 26"): the officer
    reads which sheet, and what to do, in their language."""
    err = refused(set_cell_xml(small_bytes, "B5", f'<c r="{ref}" t="n"><v>1</v></c>'))
    assert (err.code, err.sheet) == ("input.file.bad_address", "firms")
    assert "字母和数字以外的字符" in err.render("zh")
    assert "characters other than letters and digits" in err.render("en")


# -- what calamine sizes by, and which parts it reads as sheets ----------------------------


@pytest.mark.parametrize("count", ["4000000000", " 4000000000", "4000020"])
def test_a_shared_string_count_calamine_would_reserve_is_checked(small_bytes, count) -> None:
    """calamine reserves room for ``uniqueCount`` strings before reading one: 4·10⁹ in a
    6 KB file asked for 96 GB and took the process down."""
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           b'2006/main" count="1" uniqueCount = "' + count.encode() + b'"><si><t>x</t></si></sst>')
    data = rezip(small_bytes, lambda name, content: content, extra={"xl/sharedStrings.xml": sst})
    if count.strip() == "4000020":  # at the limit: read as before
        guard_workbook(data, "fine.xlsx")
        return
    err = refused(data)
    assert err.code == "input.guard.strings" and err.fields["count"] == "4,000,000,000"
    assert "4,000,000,000 个不同的文本" in err.render("zh")


def test_shared_strings_named_as_a_sheet_too_are_still_counted(small_bytes: bytes) -> None:
    """calamine reads ``xl/sharedStrings.xml`` for its strings whatever the rels say; a
    sheet pointed at it too was only scanned as a sheet, and the 96 GB came back."""
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           b'2006/main" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>')
    data = rezip(small_bytes, lambda name, content: re.sub(
        rb'Target="[^"]*sheet2\.xml"', b'Target="/xl/sharedStrings.xml"', content)
        if name == "xl/_rels/workbook.xml.rels" else content,
        extra={"xl/sharedStrings.xml": sst})
    assert refused(data).code == "input.guard.strings"


def test_the_word_uniquecount_in_text_is_not_a_count(small_bytes: bytes, small) -> None:
    extra = {"docProps/custom.xml": b"<Properties><p>uniqueCount is a word here</p></Properties>"}
    data = rezip(small_bytes, lambda name, content: content, extra=extra)
    assert read_scenario(data, "text.xlsx").digest == small.digest


@pytest.mark.parametrize("how", ["single quotes", "entity", "root slash", "backslash"])
def test_a_sheet_named_in_any_way_calamine_reads_is_guarded(small_bytes: bytes, how: str) -> None:
    """The workbook's rels may name the sheet in ways calamine reads and a strict reading
    does not; with a far cell in it, each is refused before calamine allocates."""
    data = set_cell_xml(small_bytes, "B5", '<c r="XFD1048576" t="n"><v>1</v></c>')
    target = re.compile(rb'Target="([^"]*?)sheet1\.xml"')
    edits = {
        "single quotes": (lambda rels: target.sub(rb"Target='\1sheet1.xml'", rels), None),
        "entity": (lambda rels: target.sub(rb'Target="\1sheet1&#46;xml"', rels), None),
        "root slash": (lambda rels: target.sub(rb'Target="/foo/s.xml"', rels), "xl//foo/s.xml"),
        "backslash": (lambda rels: target.sub(rb'Target="sheets\\s.xml"', rels), "xl/sheets/s.xml"),
    }
    edit, moved = edits[how]
    data = rezip(data, lambda name, content: edit(content)
                 if name == "xl/_rels/workbook.xml.rels" else content,
                 rename=lambda name: moved if moved and name.endswith("sheet1.xml") else name)
    err = refused(data)
    assert err.code in {"input.guard.far_cell", "input.guard.far_row"}
    assert err.fields["ref"] == "XFD1048576"


def test_an_xlsb_is_refused_before_calamine_reads_it(small_bytes: bytes) -> None:
    data = rezip(small_bytes, lambda name, content: content, extra={"xl/workbook.bin": b"\x83"})
    err = refused(data, "binary.xlsx")
    assert err.code == "input.file.xlsb"
    assert "另存为 .xlsx" in err.render("zh") and "save it as .xlsx" in err.render("en")


def test_a_sheet_listed_but_missing_is_named(small_bytes: bytes) -> None:
    """calamine says only ``WorksheetNotFound('firms')``: the officer reads which sheet
    and what to do."""
    data = rezip(small_bytes, lambda name, content: content.replace(
        b"worksheets/sheet1.xml", b"worksheets/gone.xml")
        if name == "xl/_rels/workbook.xml.rels" else content)
    err = refused(data)
    assert (err.code, err.sheet) == ("input.file.sheet_missing", "firms")
    assert "列在工作簿中，但文件里没有它的内容" in err.render("zh")


@pytest.mark.parametrize("edit", [lambda xml: b"", lambda xml: xml[: len(xml) // 2]])
def test_a_sheet_cut_short_is_named(small_bytes: bytes, edit) -> None:
    """calamine says only ``XmlError('t')``: the officer reads which sheet."""
    err = refused(with_sheet_xml(small_bytes, edit))
    assert (err.code, err.sheet) == ("input.file.sheet_damaged", "firms")
    assert "不完整或已损坏" in err.render("zh") and "incomplete or damaged" in err.render("en")


def test_a_zip_with_a_password_on_its_parts_says_so(small_bytes: bytes) -> None:
    """A workbook zipped again with a password (7-Zip, WinRAR): zipfile raised a bare
    RuntimeError ("password required for extraction"), a traceback for the officer."""
    data = bytearray(small_bytes)
    for signature, flags_at in ((b"PK\x01\x02", 8), (b"PK\x03\x04", 6)):
        at = data.find(signature)
        while at >= 0:
            flags = struct.unpack_from("<H", data, at + flags_at)[0]
            struct.pack_into("<H", data, at + flags_at, flags | 1)
            at = data.find(signature, at + 4)
    err = refused(bytes(data))
    assert err.code == "input.file.encrypted"


def _stored(data: bytes, corrupt: bool = False) -> bytes:
    """The workbook with every part stored, not deflated (optionally one byte changed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    raw = out.getvalue()
    if corrupt:
        at = raw.find(b'<c r="B5"')
        raw = raw[:at] + b"<c r='B5'" + raw[at + 9:]
    return raw


def test_a_stored_workbook_is_read_and_a_damaged_one_named(small_bytes, small) -> None:
    assert read_scenario(_stored(small_bytes), "stored.xlsx").digest == small.digest
    err = refused(_stored(small_bytes, corrupt=True))
    assert (err.code, err.fields["part"]) == ("input.guard.part", "xl/worksheets/sheet1.xml")


def test_a_deflated_part_that_ends_early_is_named(small_bytes: bytes) -> None:
    """The zip directory's sizes are kept, the sheet's compressed bytes cut short."""
    source = zipfile.ZipFile(io.BytesIO(small_bytes))
    info = source.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    cut = small_bytes[:start + info.compress_size // 2] + bytes(info.compress_size // 2)
    data = cut + small_bytes[start + info.compress_size // 2 * 2:]
    err = refused(data)
    assert err.code in {"input.guard.part", "input.file.damaged"}


def test_a_workbook_cut_short_says_so_in_both_languages(small_bytes: bytes) -> None:
    """No zip directory at its end (an upload cut short): one message, the officer's words."""
    err = refused(small_bytes[:len(small_bytes) // 2])
    assert err.code == "input.file.damaged"
    assert "incomplete or damaged" in err.render("en")
    assert "文件不完整或已损坏" in err.render("zh") and "zip" not in err.render("zh")
