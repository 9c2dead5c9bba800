"""The pure parser: raw sheets in, a typed canonical scenario out (no disk)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from inputs import InputError, parse_scenario
from inputs.policies import SHENZHEN_POLICY
from optimizer.scenario import FIRM_COLUMNS

POLICY = pd.DataFrame([["key", "value", "note"], *[[k, v, ""] for k, v in SHENZHEN_POLICY]])


def sheets(*rows: list[object], policy: pd.DataFrame = POLICY) -> dict[str, pd.DataFrame]:
    return {"firms": pd.DataFrame(list(rows)), "policy": policy}


ENGLISH = ["firm_id", "name", "size_class", "district", "score", "model_request",
           "training_request", "basic_research", "applied_on"]  # fmt: skip
CHINESE = ["企业编号", "企业名称", "企业规模", "所在区", "评审得分", "模型券申请额",
           "训力券申请额", "基础研究", "申请日期"]  # fmt: skip


def test_chinese_headers_and_labels_give_the_same_scenario_as_english() -> None:
    english = parse_scenario(sheets(
        ENGLISH,
        ["A1", "甲", "startup", "南山区", 61.5, 100000, 0, "yes", dt.datetime(2024, 3, 1)],
        ["A2", "乙", "large", "福田区", 80, 0, 5e6, "no", dt.datetime(2024, 3, 2)],
    ))  # fmt: skip
    chinese = parse_scenario(sheets(
        CHINESE,
        ["A1", "甲", "初创", "南山区", "61.5", "100,000", "0", "是", "2024/3/1"],
        ["A2", "乙", "大型企业", "福田区", 80, 0, "5,000,000", "否", "2024年3月2日"],
    ))  # fmt: skip
    assert english.digest == chinese.digest
    pd.testing.assert_frame_equal(english.firms, chinese.firms)


def test_columns_dtypes_and_values() -> None:
    scenario = parse_scenario(sheets(
        ["内部编号", *ENGLISH],  # an unknown first column shifts nothing but letters
        ["x", 1001.0, None, " Small ", "宝安区", 70, 1, 2, None, "2024-05-06"],
        ["y", "SZ2", "", "medium", "龙华区", 0, 0, 0, True, None],
    ), source="here/sz.xlsx")  # fmt: skip
    firms = scenario.firms
    assert scenario.name == "sz"
    assert list(firms.columns) == [*FIRM_COLUMNS, "applied_on", "model_request", "training_request"]
    assert firms["firm_id"].tolist() == ["1001", "SZ2"]
    assert firms["name"].tolist() == ["", ""]
    assert firms["size_class"].tolist() == ["small", "medium"]
    assert firms["basic_research"].tolist() == [False, True]
    assert firms["applied_on"].iloc[0] == pd.Timestamp("2024-05-06")
    assert pd.isna(firms["applied_on"].iloc[1])
    assert str(firms["applied_on"].dtype) == "datetime64[ns]"
    assert firms["score"].dtype == np.float64 and firms["model_request"].dtype == np.float64
    assert firms["basic_research"].dtype == bool
    assert pd.api.types.is_string_dtype(firms["firm_id"])


def test_applied_on_is_optional_and_requests_follow_policy_order() -> None:
    policy = pd.DataFrame([
        ["键", "值"], ["budget.training", 1e8], ["budget.corpus", 5e7], ["rate.corpus", 0.3],
        ["budget.model", 1e7],
    ])  # fmt: skip
    scenario = parse_scenario(sheets(
        ["语料券申请额", "firm_id", "size_class", "district", "score", "model_request",
         "training_request"],
        [300, "A", "startup", "南山区", 60, 100, 200],
        policy=policy,
    ))  # fmt: skip
    assert list(scenario.firms.columns) == [
        *FIRM_COLUMNS,
        "training_request",
        "corpus_request",
        "model_request",
    ]
    assert scenario.requests().tolist() == [[200.0, 300.0, 100.0]]


def test_error_cell_letters_follow_the_sheet_position() -> None:
    with pytest.raises(InputError) as caught:
        parse_scenario(sheets(
            ["内部编号", "其他", *ENGLISH],
            ["", "", "A", "", "startup", "南山区", 60, 1, 1, "no", None],
            [None] * 11,
            ["", "", "B", "", "startup", "南山区", 60, 1, -2, "no", None],
        ), source="s.xlsx")  # fmt: skip
    err = caught.value
    assert (err.row, err.column, err.cell) == (4, "training_request", "I4")


def test_policy_errors_carry_the_row_of_the_key() -> None:
    policy = pd.DataFrame([["key", "value"], *[[k, v] for k, v in SHENZHEN_POLICY]])
    policy.iat[4, 1] = "half"  # row 5: rate.training
    with pytest.raises(InputError) as caught:
        parse_scenario(sheets(ENGLISH, policy=policy))
    err = caught.value
    assert (err.sheet, err.row, err.column, err.cell) == ("policy", 5, "value", "B5")
    assert err.message == "rate.training: must be a number, got 'half'"


def test_sheet_names_may_be_chinese_or_any_case() -> None:
    raw = sheets(ENGLISH, ["A", "", "startup", "南山区", 60, 1, 1, "", None])
    scenario = parse_scenario({"企业": raw["firms"], "Policy": raw["policy"]})
    assert len(scenario.firms) == 1


def test_empty_firms_sheet() -> None:
    with pytest.raises(InputError) as caught:
        parse_scenario({"firms": pd.DataFrame(), "policy": POLICY}, source="e.xlsx")
    assert str(caught.value) == "e.xlsx: sheet 'firms' is empty (it needs a header row)"


def _raw_firms(n: int) -> pd.DataFrame:
    """A raw 100,000-row sheet as calamine returns it: header strings, then mixed cells."""
    rng = np.random.default_rng(1)
    body = pd.DataFrame({
        0: [f"SZ{i:06d}" for i in range(n)],
        1: "深圳市测试科技有限公司",
        2: rng.choice(["startup", "small", "初创", "大型"], n),
        3: rng.choice(["南山区", "福田区"], n),
        4: np.round(rng.uniform(0, 100, n), 1),
        5: rng.integers(0, 10**6, n),
        6: [f"{v:,}" for v in rng.integers(0, 10**7, n)],  # text with separators
        7: rng.choice(["是", "否", ""], n),
        8: rng.choice(pd.date_range("2024-03-01", periods=200).to_pydatetime(), n),
    })  # fmt: skip
    return pd.concat([pd.DataFrame([ENGLISH]), body.astype(object)], ignore_index=True)


def test_parsing_100000_mixed_rows() -> None:
    raw = _raw_firms(100_000)
    scenario = parse_scenario({"firms": raw, "policy": POLICY})  # its speed: make bench
    assert len(scenario.firms) == 100_000
    assert scenario.firms["training_request"].iloc[0] == float(raw.iat[1, 6].replace(",", ""))
