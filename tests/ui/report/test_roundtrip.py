"""A report is a scenario; the same input gives the same cells; infeasible still reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from inputs import read_scenario
from inputs.builtin import default_scenario
from optimizer import Result, Scenario, solve
from optimizer.money import Lang
from tests.ui.report.conftest import RUN_AT, open_book
from ui.report import build_report


def _cells(data: bytes) -> dict[tuple[str, str], Any]:
    """(sheet, coordinate) → value for every non-empty cell."""
    book = open_book(data)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets
            for row in ws.iter_rows() for c in row if c.value is not None}


def test_report_loads_back_as_the_same_scenario(scenario: Scenario, report_zh: bytes,
                                                report_en: bytes) -> None:
    for data in (report_zh, report_en):
        loaded = read_scenario(data, "report.xlsx")
        assert loaded.digest == scenario.digest
        assert loaded.policy == scenario.policy


def test_default_scenario_report_round_trips() -> None:
    scenario = default_scenario()
    data = build_report(solve(scenario), source_sha256="f" * 64)
    assert read_scenario(data, "shenzhen-2024-report.xlsx").digest == scenario.digest


def test_same_input_same_cells_apart_from_the_run_time(result: Result, what_if: Result) -> None:
    first = _cells(build_report(result, compared=[what_if], run_at=RUN_AT))
    again = _cells(build_report(result, compared=[what_if], run_at=RUN_AT))
    assert first == again
    later = _cells(build_report(result, compared=[what_if],
                                run_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))
    differ = {key for key in first.keys() | later.keys() if first.get(key) != later.get(key)}
    assert len(differ) == 1
    (sheet, _), = differ
    assert sheet == "摘要"
    assert later[differ.pop()] == "2026-01-02 03:04:05+00:00"


def test_same_scenario_solved_twice_gives_the_same_cells(scenario: Scenario) -> None:
    assert _cells(build_report(solve(scenario), run_at=RUN_AT)) == \
        _cells(build_report(solve(scenario), run_at=RUN_AT))


@pytest.fixture(scope="module")
def infeasible(scenario: Scenario) -> Result:
    """Pools far too small for a 90% district floor."""
    policy = scenario.policy.with_values(budgets=(("model", 1e5), ("training", 1e5)),
                                         district_floor=0.9)
    solved = solve(scenario.with_policy(policy))
    assert not solved.optimal and solved.diagnosis
    return solved


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_infeasible_result_reports_the_diagnosis_without_tables(infeasible: Result,
                                                                lang: Lang) -> None:
    data = build_report(infeasible, lang=lang)
    book = open_book(data)
    summary = "摘要" if lang == "zh" else "Summary"
    assert book.sheetnames == [summary, "firms", "policy"]
    text = [str(c.value) for row in book[summary].iter_rows() for c in row if c.value]
    assert ("不可行" if lang == "zh" else "infeasible") in text
    for finding in infeasible.diagnosis:
        assert any(finding.text(lang) in line for line in text)
    assert read_scenario(data, "infeasible.xlsx").digest == infeasible.scenario.digest


def test_infeasible_what_if_in_a_comparison(result: Result, infeasible: Result) -> None:
    ws = open_book(build_report(result, compared=[infeasible], lang="en"))["Comparison"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    assert [c.value for c in rows["Solver status"][1:4]] == ["optimal", "infeasible", None]
    assert rows["Firms funded"][2].value is None  # no figures pretending to be answers


def test_same_input_same_bytes(result: Result) -> None:
    assert build_report(result, run_at=RUN_AT) == build_report(result, run_at=RUN_AT)


def test_firms_sheet_keeps_header_notes_formats_and_every_row(scenario: Scenario,
                                                              report_zh: bytes) -> None:
    ws = open_book(report_zh)["firms"]
    assert ws.max_row == len(scenario.firms) + 1
    assert ws["A1"].comment.text.startswith("企业编号")
    assert ws["H2"].number_format == "#,##0" and ws["G2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].value == scenario.firms["name"].iloc[0] and ws["B2"].data_type == "s"
    assert ws.freeze_panes == "A2"
