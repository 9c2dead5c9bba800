"""Encodings and headers: UTF-8 (BOM or not), UTF-16, GB18030; Big5 named, not garbled;
headers with units; "column missing" lists what was found and the closest match."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest

from inputs import InputError, load_scenario_checked, read_scenario, read_scenario_checked
from tests.inputs.conftest import load_error, set_cells

Broken = Callable[..., Path]

CSV = ("企业编号,企业名称,企业规模,所在区,评审得分,模型券申请额,训力券申请额\n"
       "SZ1,深圳市甲科技有限公司,初创,南山区,71,200000,3000000\n"
       "SZ2,深圳市乙科技有限公司,大型,福田区,88,0,9000000\n")


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),  # with its BOM
    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    lambda t: t.encode("gb18030"),
])  # fmt: skip
def test_every_supported_encoding_reads_the_same(encode: Callable[[str], bytes]) -> None:
    scenario = read_scenario(encode(CSV), "firms.csv")
    assert scenario.firms["district"].tolist() == ["南山区", "福田区"]
    assert scenario.firms["name"].iloc[0] == "深圳市甲科技有限公司"


def test_big5_is_named_not_garbled() -> None:
    big5 = CSV.replace("企业", "企業").replace("规模", "規模")
    with pytest.raises(InputError) as caught:
        read_scenario(big5.encode("big5", errors="replace"), "tw.csv")
    err = caught.value
    assert err.code == "input.csv.big5"
    assert "looks like Big5" in str(err) and "Big5（繁体中文）" in err.render("zh")


def test_bytes_no_encoding_reads_are_refused() -> None:
    with pytest.raises(InputError) as caught:
        read_scenario(b"\xff\xfe" + b"\x00\xd8" * 3, "bad.csv")  # UTF-16 lone surrogates
    assert caught.value.code == "input.csv.encoding"


@pytest.mark.parametrize("header", ["模型券申请额（元）", "模型券申请额(元)",
                                    "model_request (yuan)", "Model Request（元）"])
def test_headers_with_a_yuan_unit_are_accepted(broken: Broken, small, header: str) -> None:
    loaded = load_scenario_checked(broken(set_cells(H1=header)))
    assert loaded.scenario.digest == small.digest
    assert not [w for w in loaded.warnings if w.code == "input.warn.wan_column"]


def test_a_wan_header_multiplies_by_ten_thousand_and_says_so(broken: Broken, small) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        wb["firms"]["H1"] = "模型券申请额（万元）"
        for row in range(2, wb["firms"].max_row + 1):
            cell = wb["firms"].cell(row, 8)
            cell.value = cell.value / 10_000

    loaded = load_scenario_checked(broken(edit))
    expected = small.firms["model_request"].to_numpy()
    assert abs(loaded.scenario.firms["model_request"].to_numpy() - expected).max() < 1e-6
    [warning] = [w for w in loaded.warnings if w.code == "input.warn.wan_column"]
    assert (warning.cell, warning.column) == ("H1", "model_request")
    assert "multiplied by 10,000" in str(warning) and "已乘以 10,000" in warning.render("zh")


def test_a_wan_unit_on_a_score_is_refused(broken: Broken) -> None:
    err = load_error(broken(set_cells(E1="评审得分（万元）")))
    assert (err.code, err.cell) == ("input.header.wan_not_money", "E1")


def test_a_missing_column_lists_the_headers_and_the_closest(broken: Broken) -> None:
    err = load_error(broken(set_cells(I1="训力券申请金额")))
    assert (err.code, err.column) == ("input.header.missing_program", "training_request")
    assert err.fields["closest"] == "训力券申请金额"
    assert "headers found: firm_id, name, size_class" in str(err)
    assert "closest: 训力券申请金额" in str(err)
    assert "最接近的是 训力券申请金额" in err.render("zh")


def test_full_width_headers_are_folded(broken: Broken, small) -> None:
    loaded = read_scenario_checked(
        _bytes(broken(set_cells(E1="ｓｃｏｒｅ"))), "w.xlsx")
    assert loaded.scenario.digest == small.digest


def _bytes(path: Path) -> bytes:
    return path.read_bytes()
