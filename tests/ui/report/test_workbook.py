"""What the report holds: sheets in both languages, formats, widths, tables and charts."""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from xml.etree import ElementTree

import numpy as np
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from inputs.xlsx_stream import sheet_parts
from optimizer import Result
from optimizer.analysis import Frontier, explain_all
from optimizer.money import Lang
from tests.ui.report.conftest import open_book
from ui.report import build_report, sheet_title
from ui.report.styles import shown

ZH_TITLES = ["摘要", "分配明细", "按企业规模", "按区", "规则", "基线对比", "方案对比", "前沿",
             "firms", "policy"]
EN_TITLES = ["Summary", "Allocations", "By size class", "By district", "Rules", "Baselines",
             "Comparison", "Frontier", "firms", "policy"]
#: Sheets written by the scenario's own writer (checked in tests/inputs).
SCENARIO_SHEETS = ("firms", "policy")


def test_sheet_titles_follow_the_language(report_zh: bytes, report_en: bytes) -> None:
    assert open_book(report_zh).sheetnames == ZH_TITLES
    assert open_book(report_en).sheetnames == EN_TITLES


def test_comparison_and_frontier_only_when_given(result: Result) -> None:
    names = open_book(build_report(result)).sheetnames
    assert names == [t for t in ZH_TITLES if t not in ("方案对比", "前沿")]


def test_bad_language_is_refused(result: Result) -> None:
    with pytest.raises(ValueError, match="lang"):
        build_report(result, lang="fr")  # type: ignore[arg-type]


def _header(ws: Worksheet) -> list[str]:
    return [c.value for c in ws[1]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_allocations_rows_in_wan_with_reasons(result: Result, lang: Lang, report_zh: bytes,
                                              report_en: bytes) -> None:
    ws = open_book(report_zh if lang == "zh" else report_en)[sheet_title("allocations", lang)]
    header = _header(ws)
    firms = result.scenario.firms
    assert ws.max_row == len(firms) + 1
    reasons = explain_all(result)
    total_col = header.index("合计分配（万元）" if lang == "zh" else "Total award (¥10k)") + 1
    text_col = header.index("说明" if lang == "zh" else "Explanation") + 1
    for i in range(len(firms)):
        row = i + 2
        assert ws.cell(row, 1).value == firms["firm_id"].iloc[i]
        total = ws.cell(row, total_col)
        assert isinstance(total.value, float)  # a number, not text
        assert total.number_format == "#,##0.00"
        assert total.value == pytest.approx(result.totals[i] / 1e4, abs=1e-9)
        assert ws.cell(row, text_col).value == reasons[f"text_{lang}"].iloc[i]
    training = "训力券分配（万元）" if lang == "zh" else "Training vouchers award (¥10k)"
    program_col = header.index(training)
    awards = [ws.cell(r, program_col + 1).value for r in range(2, len(firms) + 2)]
    j = result.programs.index("training")
    assert np.allclose(awards, result.amounts[:, j] / 1e4)


def test_allocations_frozen_filtered_and_coloured(report_zh: bytes) -> None:
    ws = open_book(report_zh)["分配明细"]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    coverage = _header(ws).index("覆盖率") + 1
    letter = ws.cell(1, coverage).column_letter
    ranges = {str(r.sqref): r.rules for r in ws.conditional_formatting}
    assert f"{letter}2:{letter}{ws.max_row}" in ranges
    assert ranges[f"{letter}2:{letter}{ws.max_row}"][0].type == "dataBar"
    assert ws.cell(2, coverage).number_format == "0.0%"


def _report_sheets(data: bytes) -> list[Worksheet]:
    book = open_book(data)
    return [book[name] for name in book.sheetnames if name not in SCENARIO_SHEETS]


@pytest.mark.parametrize("fixture", ["report_zh", "report_en"])
def test_every_number_has_a_format_and_fits_its_column(fixture: str,
                                                       request: pytest.FixtureRequest) -> None:
    """No raw floats and no ##### : each number is formatted and its column is wide enough."""
    for ws in _report_sheets(request.getfixturevalue(fixture)):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
                    continue
                assert cell.number_format != "General", f"{ws.title}!{cell.coordinate}"
                assert math.isfinite(cell.value)
                width = ws.column_dimensions[cell.column_letter].width
                text = shown(float(cell.value), cell.number_format)
                assert len(text) + 1 <= width, f"{ws.title}!{cell.coordinate} {text!r} > {width}"


def test_summary_holds_figures_policy_status_and_audit(result: Result, report_zh: bytes,
                                                       report_en: bytes) -> None:
    summary = open_book(report_zh)["摘要"]
    labels = {row[0].value: row[1] for row in summary.iter_rows() if row[0].value}
    assert labels["求解状态"].value == "最优"
    assert labels["获资助企业数"].value == result.firms_funded
    assert labels["模型券预算"].value == pytest.approx(result.scenario.policy.budget("model") / 1e4)
    for key in ("基尼系数", "初创企业资金占比", "初创企业覆盖率", "影响力（评审得分×元）",
                "公平代价（全部公平规则）", "输入文件 SHA-256", "方案内容摘要 SHA-256",
                "求解器", "运行时间", "目标值（影响力）", "python", "pulp", "highspy", "openpyxl"):
        assert key in labels, key
    assert labels["输入文件 SHA-256"].value == "0" * 64
    assert labels["方案内容摘要 SHA-256"].value == result.scenario.digest
    assert labels["运行时间"].value == "2025-03-01 09:30:00+00:00"
    assert labels["目标值（影响力）"].value == pytest.approx(result.objective)
    text = " ".join(str(c.value) for row in summary.iter_rows() for c in row if c.value)
    assert "初创企业专项：每个券种至少35%" in text
    en = " ".join(str(c.value) for row in open_book(report_en)["Summary"].iter_rows()
                  for c in row if c.value)
    assert "Startup set-aside: at least 35% of each pool goes to startups" in en
    assert "optimal" in en and "Key figures" in en


def test_rules_sheet_lists_each_rule_with_binding_shadow_and_price(report_en: bytes) -> None:
    ws = open_book(report_en)["Rules"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    for name in ("pool", "startup set-aside", "large-firm cap", "district floor",
                 "basic-research set-aside", "Price of fairness (all fairness rules)"):
        assert name in rows, name
    startup = rows["startup set-aside"]
    assert startup[1].value.startswith("Startup set-aside")
    assert "Price of fairness, in words" in startup[1].value
    assert startup[2].value in ("yes", "no")
    assert rows["budget.training"][1].value  # a row's shadow price in words


def test_group_sheets_tables_match_the_result(result: Result, report_zh: bytes) -> None:
    book = open_book(report_zh)
    ws = book["按企业规模"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    startups = result.scenario.firms["size_class"].astype(str) == "startup"
    assert rows["初创企业"][1].value == int(startups.sum())
    total = rows["合计"]
    assert total[1].value == len(result.scenario.firms)
    header = [c.value for c in rows["企业规模"]]
    awarded = header.index("获得资金（万元）")
    assert total[awarded].value == pytest.approx(result.totals.sum() / 1e4)
    district = {r[0].value for r in book["按区"].iter_rows() if r[0].value}
    assert set(result.scenario.firms["district"]) <= district


def _targets(package: zipfile.ZipFile, part: str, kind: str) -> list[str]:
    """Paths of the parts of ``kind`` (``drawing``, ``chart``) that ``part`` refers to."""
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in package.namelist():
        return []
    out = []
    for rel in ElementTree.fromstring(package.read(rels)):
        target = rel.get("Target", "")
        if rel.get("Type", "").endswith("/" + kind):
            out.append(target.lstrip("/") if target.startswith("/")
                       else posixpath.normpath(f"{folder}/{target}"))
    return out


def _charts_by_sheet(data: bytes) -> dict[str, list[str]]:
    """Sheet title → chart kinds (``barChart``, ``lineChart``) drawn on it."""
    package = zipfile.ZipFile(io.BytesIO(data))
    out: dict[str, list[str]] = {}
    for title, part in sheet_parts(package).items():
        kinds: list[str] = []
        for drawing in _targets(package, part, "drawing"):
            for chart in _targets(package, drawing, "chart"):
                kinds += re.findall(r"<(?:c:)?(barChart|lineChart)>", package.read(chart).decode())
        out[title] = kinds
    return out


def test_native_charts_on_the_group_comparison_and_frontier_sheets(report_zh: bytes) -> None:
    charts = _charts_by_sheet(report_zh)
    assert charts["按企业规模"] == ["barChart", "barChart"]
    assert charts["按区"] == ["barChart", "barChart"]
    assert charts["基线对比"] == ["barChart"]
    assert charts["方案对比"] == ["barChart"]
    assert charts["前沿"] == ["lineChart"]
    assert charts["分配明细"] == []


def test_comparison_shows_deltas_against_the_first(result: Result, what_if: Result,
                                                   report_en: bytes) -> None:
    ws = open_book(report_en)["Comparison"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    header = [c.value for c in rows["Figure"]]
    assert header[1:] == ["hostile", "hostile", "Δ hostile"]
    funded = rows["Firms funded"]
    assert funded[1].value == result.firms_funded
    assert funded[2].value == what_if.firms_funded
    assert funded[3].value == what_if.firms_funded - result.firms_funded
    assert funded[3].number_format.startswith("+")


def test_frontier_table_has_one_row_per_point(frontier: Frontier, report_en: bytes) -> None:
    ws = open_book(report_en)["Frontier"]
    points = [r for r in ws.iter_rows() if r[1].value in ("optimal", "infeasible")]
    assert [r[0].value for r in points] == [p.value for p in frontier.points]
    assert all(r[0].number_format == "0.0%" for r in points)
    impacts = [r[2].value for r in points]
    assert impacts == pytest.approx([p.objective for p in frontier.points])


#: Synonyms the glossary (optimizer/catalog/terms.py) replaced: one word per idea.
SYNONYMS = ("不符合资格", "等额分配（受限）", "预留份额", "评分", "按评分排序", "初创企业预留")


def _texts(data: bytes) -> dict[str, str]:
    """``sheet!cell`` → text, for every text cell of a report."""
    return {f"{ws.title}!{c.coordinate}": c.value for ws in open_book(data).worksheets
            for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_the_report_speaks_the_glossary(result: Result, report_zh: bytes,
                                        report_en: bytes) -> None:
    zh = _texts(report_zh)
    for where, value in zh.items():
        assert not any(word in value for word in SYNONYMS), f"{where}: {value!r}"
    baselines = {v for k, v in zh.items() if k.startswith("基线对比!")}
    assert {"受限平均分配", "按得分排序", "按比例分配", "先到先得", "优化分配"} <= baselines
    en = _texts(report_en)
    assert "Constrained equal awards" not in en.values()  # the glossary's words, as written
    assert "constrained equal awards" in {v for k, v in en.items() if k.startswith("Baselines!")}
    reasons = {v for k, v in zh.items() if k.startswith("分配明细!")}
    assert (~result.limits.eligible).any()  # the fixture has firms below their threshold
    assert "未达门槛" in reasons
    headers = {v for k, v in zh.items() if re.fullmatch(r"分配明细![A-Z]+1", k)}
    assert {"评审得分", "达到门槛"} <= headers
