"""Fixtures: a small scenario with hostile text, its results and its reports."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl
import pytest

from inputs.shenzhen import generate
from optimizer import Result, Scenario, solve
from optimizer.analysis import Frontier, sweep
from ui.report import build_report

#: Text a spreadsheet would run as a formula if it were written carelessly.
HOSTILE = ('=HYPERLINK("http://x","click")', "+cmd", "-2+3", "@SUM(A1)")
RUN_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def hostile(scenario: Scenario) -> Scenario:
    """``scenario`` with formula-like firm names, ids and one district."""
    firms = scenario.firms.copy()
    for k, text in enumerate(HOSTILE):
        firms.loc[k, "name"] = text
        firms.loc[len(HOSTILE) + k, "firm_id"] = text
    firms.loc[firms.index[-3:], "district"] = HOSTILE[3]
    return Scenario(firms, scenario.policy, "hostile")


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """40 generated firms under the study's fairness rules, with hostile text."""
    return hostile(generate(40, seed=7, fair=True))


@pytest.fixture(scope="session")
def result(scenario: Scenario) -> Result:
    solved = solve(scenario)
    assert solved.optimal
    return solved


@pytest.fixture(scope="session")
def what_if(scenario: Scenario) -> Result:
    """The same firms under the 2024 policy without fairness rules."""
    plain = generate(40, seed=7).policy
    return solve(scenario.with_policy(plain))


@pytest.fixture(scope="session")
def frontier(scenario: Scenario) -> Frontier:
    return sweep(scenario, "startup_floor", [0.0, 0.2, 0.4])


@pytest.fixture(scope="session")
def report_zh(result: Result, what_if: Result, frontier: Frontier) -> bytes:
    return build_report(result, compared=[what_if], frontier=frontier, run_at=RUN_AT,
                        source_sha256="0" * 64)


@pytest.fixture(scope="session")
def report_en(result: Result, what_if: Result, frontier: Frontier) -> bytes:
    return build_report(result, lang="en", compared=[what_if], frontier=frontier,
                        run_at=RUN_AT)


def open_book(data: bytes) -> openpyxl.Workbook:
    """A report read back with openpyxl (formulas as written, not computed)."""
    return openpyxl.load_workbook(io.BytesIO(data))
