"""Firms CSVs: UTF-8 with or without BOM, GB18030, Chinese headers; the default policy."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from inputs import InputError, load_scenario, parse_firms_csv_text
from inputs.policies import default_policy
from optimizer.scenario import SIZE_CLASS_ZH

ZH_HEADERS = {
    "firm_id": "企业编号", "name": "企业名称", "size_class": "企业规模", "district": "所在区",
    "score": "评审得分", "model_request": "模型券申请额", "training_request": "训力券申请额",
    "basic_research": "基础研究", "applied_on": "申请日期",
}  # fmt: skip


def chinese_csv(firms: pd.DataFrame) -> str:
    """The firms table as an officer's CSV: Chinese headers and labels, 是/否, dates."""
    table = firms[list(ZH_HEADERS)].copy()
    table["size_class"] = table["size_class"].map({str(c): zh for c, zh in SIZE_CLASS_ZH.items()})
    table["basic_research"] = table["basic_research"].map({True: "是", False: "否"})
    table["applied_on"] = table["applied_on"].dt.strftime("%Y-%m-%d")
    table["training_request"] = table["training_request"].map("{:,.0f}".format)
    return table.rename(columns=ZH_HEADERS).to_csv(index=False)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_csv_loads_under_the_default_policy(tmp_path: Path, small, encoding: str) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(chinese_csv(small.firms).encode(encoding))
    loaded = load_scenario(path)
    assert loaded.name == "firms"
    assert loaded.policy == default_policy()
    pd.testing.assert_frame_equal(loaded.firms, small.firms)
    assert loaded.digest == small.digest


def test_gb18030_is_really_not_utf8(small) -> None:
    data = chinese_csv(small.firms).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_csv_errors_use_record_rows_and_letters(small) -> None:
    lines = chinese_csv(small.firms).splitlines()
    fields = lines[3].split(",")
    fields[4] = "高"  # 评审得分 of the third firm: CSV row 4, column E
    lines[3] = ",".join(fields)
    with pytest.raises(InputError) as caught:
        parse_firms_csv_text("\n".join(lines), source="firms.csv")
    assert str(caught.value) == "firms.csv: firms!E4 score: must be a number, got '高'"


def test_blank_lines_keep_row_numbers() -> None:
    text = (
        "firm_id,size_class,district,score,model_request,training_request\n"
        "A,startup,南山区,60,0,0\n"
        "\n"
        "B,startup,南山区,60,0,-1\n"
    )
    with pytest.raises(InputError) as caught:
        parse_firms_csv_text(text, source="x.csv")
    assert (caught.value.row, caught.value.cell) == (4, "F4")


def test_semicolon_csv() -> None:
    text = (
        "firm_id;size_class;district;score;model_request;training_request\nA;small;南山区;60;1;2\n"
    )
    assert parse_firms_csv_text(text).requests().tolist() == [[1.0, 2.0]]


def test_unreadable_csv(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b'firm_id,score\n"A,1\n')
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert caught.value.file == "odd.csv"
    assert caught.value.message.startswith("cannot read the CSV: ")
