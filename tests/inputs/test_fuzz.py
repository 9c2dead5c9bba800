"""A fuzzer: random workbooks and CSVs (cell types, sizes, encodings, sheet layouts).

For every file the command line exits 0, 2 or 3, never with a traceback, within
Hypothesis' deadline; every file that is accepted round-trips: written out with
:func:`inputs.write_scenario` and read again, it is the same scenario (digest).
Example counts are modest so that the whole suite stays fast on two cores.
"""

from __future__ import annotations

import datetime as dt
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from inputs import InputError, read_scenario, write_scenario
from inputs.policies import SHENZHEN_POLICY
from ui.cli import main

HEADERS = {
    "firm_id": ["firm_id", "企业编号", "Firm ID"],
    "name": ["name", "企业名称"],
    "size_class": ["size_class", "企业规模"],
    "district": ["district", "所在区"],
    "score": ["score", "评审得分"],
    "basic_research": ["basic_research", "基础研究"],
    "applied_on": ["applied_on", "申请日期"],
    "model_request": ["model_request", "模型券申请额", "模型券申请额（元）",
                      "模型券申请额（万元）"],
    "training_request": ["training_request", "训力券申请额", "training_request (yuan)"],
    # the optional override columns (issue 12): the same cell parser and header rules
    "fixed.model": ["fixed.model", "固定额.模型券", "固定额.model（万元）"],
    "max.training": ["max.training", "上限.训力券", "上限.training (yuan)"],
    "exclude": ["exclude", "排除"],
    "note": ["note", "备注"],
}
OPTIONAL = {"name", "basic_research", "applied_on", "fixed.model", "max.training", "exclude",
            "note"}
TEXT = st.text(st.sampled_from(list("AZaz09 ,.-¥元万Ｆ１\u200b\u3000南山区初创小型是否TRUE#/")),
               max_size=8)
GOOD = {
    "firm_id": st.one_of(st.integers(0, 10**6), TEXT, st.sampled_from(
        ["F1", "f1", "Ｆ１", "00123", "123", "91350100M000100Y43", "91350100M000100Y44"])),
    "name": TEXT,
    "size_class": st.sampled_from(["startup", "small", "medium", "large", "初创", "大型企业",
                                   "huge"]),
    "district": st.sampled_from(["南山区", "福田区", " 宝安区 "]),
    "score": st.one_of(st.integers(-5, 105), st.floats(0, 100), st.sampled_from(["70", "８０"])),
    "basic_research": st.sampled_from(["是", "否", "yes", "", True, False, "maybe"]),
    "applied_on": st.one_of(st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
                            st.sampled_from(["2024-03-05", "2024/3/5", "2024年3月5日", "x"])),
    "model_request": st.one_of(st.integers(0, 2_000_000),
                               st.sampled_from(["¥500,000", "1,500,000", "1500000,5", "1,000,5",
                                                "１２３４", "inf", "-1", "3e12"])),
    "training_request": st.one_of(st.integers(0, 20_000_000), st.floats(0, 1e7)),
    "fixed.model": st.one_of(st.none(), st.integers(0, 400_000),
                             st.sampled_from(["¥50,000", "1500000,5", "1,000,5", "１２３", "-1",
                                              "x"])),
    "max.training": st.one_of(st.none(), st.integers(-5, 5_000_000), st.floats(0, 1e6)),
    "exclude": st.sampled_from(["是", "否", "yes", "", True, False, "maybe"]),
    "note": TEXT,
}
#: Plausible cells only: a clean table (most of these are accepted, so round-trips are tested).
VALID = {
    "name": st.text(st.sampled_from(list("深圳市科技有限公司AZ ")), max_size=10),
    "size_class": st.sampled_from(["startup", "small", "medium", "large", "初创", "大型企业",
                                   "Small"]),
    "district": st.sampled_from(["南山区", "福田区", " 宝安区 "]),
    "score": st.one_of(st.integers(0, 100), st.floats(0, 100), st.sampled_from(["70", "８０"])),
    "basic_research": st.sampled_from(["是", "否", "yes", "", True, False, None]),
    "applied_on": st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
                            st.sampled_from(["2024-03-05", "2024/3/5", "2024年3月5日"])),
    "model_request": st.one_of(st.integers(0, 2_000_000), st.floats(0, 2e6),
                               st.sampled_from(["¥500,000", "1,500,000", "１２３４", "300元"])),
    "training_request": st.one_of(st.integers(0, 20_000_000), st.floats(0, 1e7)),
    "fixed.model": st.one_of(st.none(), st.integers(0, 300_000),
                             st.sampled_from(["¥50,000", "１２３", "20元"])),
    "max.training": st.one_of(st.none(), st.integers(0, 5_000_000), st.floats(0, 1e6)),
    "exclude": st.sampled_from(["是", "否", "yes", "", True, False, None]),
    "note": st.one_of(st.none(), st.text(st.sampled_from(list("已于第一轮承诺合规AZ ¥3.0M")),
                                         max_size=12)),
}


def clean_id(i: int, form: int) -> Any:
    """Row ``i``'s id in one of several forms that never collide with another row's."""
    return [f"SZ{i:03d}", f"ＳＺ{i:03d}", 1000 + i, f"sz-{i}\u200b", f" 9{i} "][form]


ANY = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**16), TEXT,
                st.floats(allow_nan=True, allow_infinity=True),
                st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 1, 1)),
                st.times())


@st.composite
def tables(draw: st.DrawFn, clean: bool = False) -> list[list[Any]]:
    """A firms table: a header (names, order, optional and extra columns drawn), then rows
    whose cells are mostly plausible and sometimes anything at all (never, if ``clean``)."""
    columns = [c for c in HEADERS if c not in OPTIONAL or draw(st.booleans())]
    if not clean and draw(st.integers(0, 9)) == 0:
        columns.remove(draw(st.sampled_from(columns)))  # a required column missing
    columns = draw(st.permutations(columns))
    header: list[Any] = [draw(st.sampled_from(HEADERS[c])) for c in columns]
    if draw(st.booleans()):
        extra = draw(st.sampled_from(["内部编号", "x", ""]))  # unknown: ignored
        header.insert(draw(st.integers(0, len(header))), extra)
    rows = []
    for i in range(draw(st.integers(0 if not clean else 1, 6))):
        if draw(st.integers(0, 7)) == 0:
            rows.append([None] * len(header))  # a blank row
            continue
        row = []
        for title in header:
            column = next((c for c, names in HEADERS.items() if title in names), None)
            if clean:
                row.append(None if column is None else
                           clean_id(i, draw(st.integers(0, 4))) if column == "firm_id" else
                           draw(VALID[column]))
                continue
            wild = column is None or draw(st.integers(0, 5)) == 0
            row.append(draw(ANY if wild else GOOD[column]))
        rows.append(row)
    return [header, *rows]


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    book = openpyxl.Workbook()
    firms = book.active
    assert firms is not None
    clean = draw(st.booleans())
    firms.title = draw(st.sampled_from(["firms", "企业", "Firms", *([] if clean else ["data"])]))
    policy = book.create_sheet(draw(st.sampled_from(["policy", "政策", "Policy"])))
    if not clean and draw(st.integers(0, 9)) == 0:
        book.create_sheet(draw(st.sampled_from(["企业", "政策", "notes"])))  # ambiguity, maybe
    offset = 0 if clean else draw(st.sampled_from([0, 0, 0, 1]))  # the table may start at B2
    try:
        for i, row in enumerate(draw(tables(clean))):
            for j, value in enumerate(row):
                firms.cell(i + 1 + offset, j + 1 + offset, value)
        policy.append(["key", "value"])
        for key, value in SHENZHEN_POLICY:
            if not clean and draw(st.integers(0, 15)) == 0:
                value = draw(st.one_of(ANY, st.sampled_from(["¥500,000,000", "50%", "１"])))
            policy.append([key, value])
        if not clean and draw(st.integers(0, 9)) == 0:
            policy.append([draw(st.sampled_from(["budget.total", "budget.score", "objective",
                                                  "budget.corpus"])), 1_000_000])
    except (IllegalCharacterError, ValueError):
        assume(False)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    rows = draw(tables(draw(st.booleans())))
    separator = draw(st.sampled_from([",", "\t", ";"]))
    text = "\n".join(separator.join("" if v is None else str(v) for v in row) for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"]))
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
        raise


def check(tmp_path: Path, data: bytes, name: str) -> None:
    """Exit code in {0, 2, 3}, no traceback; an accepted file round-trips."""
    try:
        scenario = read_scenario(data, name)
    except InputError as err:
        assert err.code in err.render("en") or err.render("en")  # renders in both languages
        assert err.render("zh") and "\n" not in err.render("en")
        accepted = False
        event(f"refused: {err.code}")
    else:
        accepted = True
        event("accepted")
        again = read_scenario(write_scenario(scenario), "again.xlsx")
        assert again.digest == scenario.digest
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["solve", str(path), "--json"])
    assert code in {0, 2, 3}
    assert (code != 2) == accepted


FUZZ = settings(max_examples=40, deadline=timedelta(seconds=30),
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.filter_too_much])


@FUZZ
@given(data=workbooks())
def test_random_workbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    check(tmp_path, data, "fuzz.xlsx")
    assert "Traceback" not in capsys.readouterr().err


@FUZZ
@given(data=csv_files())
def test_random_csvs(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    check(tmp_path, data, "fuzz.csv")
    assert "Traceback" not in capsys.readouterr().err


@settings(max_examples=300, deadline=timedelta(seconds=30))
@example(changes=[(0, 0, False, 0), (40, 0, True, 0)])  # no zip signature: calamine's ZipError
@given(changes=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 45), st.booleans(),
                                  st.integers(0, 255)), min_size=1, max_size=8))
def test_a_workbook_with_random_bytes_changed_gets_one_named_message(small_bytes: bytes,
                                                                     changes) -> None:
    """Bytes of a good workbook changed at random, mostly in its zip headers (where a
    changed "version needed" once raised a bare NotImplementedError, and zipfile's and
    calamine's English words stood inside the Chinese message): it is read, or refused
    with one message in the catalog's words."""
    data = bytearray(small_bytes)
    headers = [at for at in range(len(data) - 1) if data[at:at + 2] == b"PK"]
    for pick, offset, in_header, value in changes:
        at = (headers[pick % len(headers)] + offset) if in_header else pick % len(data)
        data[min(at, len(data) - 1)] = value
    try:
        read_scenario(bytes(data), "changed.xlsx")
    except InputError as err:
        event(err.code)
        assert err.code != "input.file.workbook_unreadable", err.render("en")
        assert err.render("zh") and err.render("en")
