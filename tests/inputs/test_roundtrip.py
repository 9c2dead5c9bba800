"""Writing: write → load gives an equal scenario; text never becomes a formula."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from inputs import InputError, load_scenario, read_scenario, save_scenario, write_template
from inputs.policies import fair_policy
from inputs.scenario_io import write_scenario
from inputs.scenario_sheets import add_scenario_sheets, firms_columns
from inputs.shenzhen import generate
from inputs.xlsx_stream import save, sheet_parts
from optimizer.scenario import Scenario


def test_write_then_load_is_equal(tmp_path: Path, small) -> None:
    path = tmp_path / "round.xlsx"
    save_scenario(small, path)
    loaded = load_scenario(path)
    assert loaded.digest == small.digest
    pd.testing.assert_frame_equal(loaded.firms, small.firms)
    assert loaded.policy == small.policy


def test_fair_policy_and_extra_program_round_trip(small) -> None:
    items = [
        *fair_policy().to_items(),
        ("budget.corpus", 5e7),
        ("rate.corpus", 0.3),
        ("cap.corpus", 2e6),
        ("returns.tiers", "0.5:1, 1:0.5"),
        ("leximin.districts", "yes"),
    ]
    policy = type(small.policy).from_items(items)
    firms = small.firms.assign(corpus_request=np.arange(len(small.firms)) * 1000.0)
    scenario = Scenario(firms, policy, "x")
    loaded = read_scenario(write_scenario(scenario), "x.xlsx")
    assert loaded.policy == policy
    assert loaded.digest == scenario.digest
    assert loaded.firms.columns[-1] == "corpus_request"


def test_equal_scenarios_give_equal_bytes(small) -> None:
    assert write_scenario(small) == write_scenario(generate(30, seed=7))


DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "=1"]


def _dangerous_scenario(small) -> Scenario:
    firms = small.firms.head(5).copy()
    firms["name"] = DANGEROUS
    firms["district"] = DANGEROUS[::-1]
    firms["firm_id"] = [f"-{i}" if i % 2 else f"={i}" for i in range(5)]
    return Scenario(firms, small.policy, "danger")


@pytest.mark.parametrize("write_only", [True, False])
def test_text_is_never_written_as_a_formula(small, write_only: bool) -> None:
    scenario = _dangerous_scenario(small)
    workbook = openpyxl.Workbook(write_only=write_only)
    data = save(workbook, add_scenario_sheets(workbook, scenario))
    reread = openpyxl.load_workbook(io.BytesIO(data))
    ws = reread["firms"]
    for i, expected in enumerate(DANGEROUS, start=2):
        for ref, value in ((f"B{i}", expected), (f"D{i}", DANGEROUS[::-1][i - 2])):
            assert ws[ref].data_type == "s", ref
            assert ws[ref].value == value
        assert ws[f"A{i}"].data_type == "s"
    assert read_scenario(data, "danger.xlsx").digest == scenario.digest
    package = zipfile.ZipFile(io.BytesIO(data))
    firms_xml = package.read(sheet_parts(package)["firms"])
    assert not re.search(rb"<f[ >/]", firms_xml)
    if not write_only:  # a normal sheet states its used range: it must cover the rows
        assert b'<dimension ref="A1:I6"/>' in firms_xml


def test_cells_money_format_blanks_and_header_notes(small) -> None:
    firms = small.firms.head(3).copy()
    firms.loc[1, "score"] = np.nan
    firms.loc[2, "name"] = ""
    workbook = openpyxl.Workbook(write_only=True)
    data = save(workbook, add_scenario_sheets(workbook, Scenario(firms, small.policy, "x")))
    ws = openpyxl.load_workbook(io.BytesIO(data))["firms"]
    header = [c.value for c in ws[1]]
    assert header == ["firm_id", "name", "size_class", "district", "score", "basic_research",
                      "applied_on", "model_request", "training_request"]  # fmt: skip
    assert ws["E3"].value is None  # NaN → empty cell
    assert ws["B4"].value is None  # "" → empty cell
    assert ws["H2"].number_format == "#,##0" and ws["I2"].number_format == "#,##0"
    assert ws["H2"].value == firms["model_request"].iloc[0]
    assert ws["F2"].value in {"yes", "no"}
    assert ws["E1"].comment.text.startswith("评审得分")
    assert ws["A1"].comment.text.startswith("企业编号")
    assert ws["G2"].number_format == "yyyy-mm-dd" and ws["G2"].is_date
    assert ws["G2"].value == firms["applied_on"].iloc[0].to_pydatetime()


def test_policy_sheet_has_key_value_note() -> None:
    ws = openpyxl.load_workbook(io.BytesIO(write_template()))["policy"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("key", "value", "note")
    assert rows[1][:2] == ("budget.model", 100_000_000)
    assert ws["B2"].number_format == "#,##0"
    notes = {key: note for key, _, note in rows[1:]}
    assert notes["rate.training.startup"].startswith("初创企业训力券补贴比例")
    assert all(note for note in notes.values())


def test_template_has_the_header_and_no_firms() -> None:
    data = write_template()
    ws = openpyxl.load_workbook(io.BytesIO(data))["firms"]
    assert ws.max_row == 1
    assert ws["A1"].value == "firm_id" and ws["G1"].value == "applied_on"
    with pytest.raises(InputError) as caught:
        read_scenario(data, "template.xlsx")
    assert str(caught.value) == "template.xlsx: sheet 'firms' has no firm rows"


def test_write_only_workbook_handles_many_rows() -> None:
    scenario = generate(5_000, seed=3)
    loaded = read_scenario(write_scenario(scenario), "many.xlsx")
    assert len(loaded.firms) == 5_000
    assert loaded.digest == scenario.digest


def test_markup_and_illegal_characters_are_escaped_or_dropped(small) -> None:
    firms = small.firms.head(6).copy()
    names = ["A&B <C>", "x\x01y", 'say "hi" & \'bye\'', "  spaced  ", "a\r\nb",
             "]]> &amp; \ud800\ufffe"]  # a lone surrogate needs an object column
    firms["name"] = pd.Series(names, index=firms.index, dtype=object)
    firms.loc[0, "district"] = "<district>"
    scenario = Scenario(firms, small.policy, "markup")
    loaded = read_scenario(write_scenario(scenario), "markup.xlsx")
    assert loaded.firms["name"].tolist() == [
        "A&B <C>", "xy", 'say "hi" & \'bye\'', "spaced", "a\r\nb", "]]> &amp;"]
    assert loaded.firms.loc[0, "district"] == "<district>"
    ws = openpyxl.load_workbook(io.BytesIO(write_scenario(scenario)))["firms"]
    assert [ws[f"B{r}"].value for r in range(2, 8)] == [
        "A&B <C>", "xy", 'say "hi" & \'bye\'', "  spaced  ", "a\r\nb", "]]> &amp; "]
    assert all(ws[f"B{r}"].data_type == "s" for r in range(2, 8))


def test_dates_are_excel_serials_as_openpyxl_writes_them(small) -> None:
    from openpyxl.utils.datetime import to_excel

    stamps = [dt.datetime(2024, 3, 15), dt.datetime(1900, 2, 28), dt.datetime(1900, 3, 1),
              dt.datetime(1899, 12, 29, 12), dt.datetime(2024, 3, 15, 6, 30, 15), None]
    firms = small.firms.head(6).copy()
    firms["applied_on"] = pd.to_datetime(pd.Series(stamps, index=firms.index))
    columns = {c.header: c for c in firms_columns(Scenario(firms, small.policy, "d"))}
    serials = list(columns["applied_on"].values)
    assert serials[:5] == pytest.approx([to_excel(s) for s in stamps[:5]], abs=1e-9)
    assert np.isnan(serials[5])


def test_non_text_values_in_a_text_column_become_text(small) -> None:
    firms = small.firms.head(3).copy()
    firms["firm_id"] = pd.Series([1001, 12.5, "X7"], index=firms.index, dtype=object)
    loaded = read_scenario(write_scenario(Scenario(firms, small.policy, "ids")), "ids.xlsx")
    assert loaded.firms["firm_id"].tolist() == ["1001", "12.5", "X7"]
