"""The Redemption risk sheet: the Monte Carlo's figures, and a native histogram per pool."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from inputs.builtin import default_scenario
from optimizer import Result, solve
from optimizer.analysis.risk import pool_risks
from optimizer.money import Lang
from ui.report import build_report

RATES = (("startup", 0.6), ("small", 0.7), ("medium", 0.8), ("large", 0.9))


@pytest.fixture(scope="module")
def result() -> Result:
    base = default_scenario()
    return solve(base.with_policy(base.policy.with_values(
        redemption=RATES, redemption_sd=(("", 0.1),), redemption_samples=300)))


@pytest.mark.parametrize(("lang", "title"), [("zh", "兑付风险"), ("en", "Redemption risk")])
def test_sheet_shows_the_simulated_figures(result: Result, lang: Lang, title: str) -> None:
    data = build_report(result, lang=lang, run_at=datetime(2026, 1, 1))
    ws = openpyxl.load_workbook(io.BytesIO(data))[title]
    risks = pool_risks(result)
    rows = list(ws.iter_rows(values_only=True))
    for k, risk in enumerate(risks.values()):
        _, budget, issued, expected, p_over, p95, p99, draws = rows[3 + k]
        assert (budget, issued, expected) == pytest.approx(
            (risk.budget / 1e4, risk.issued / 1e4, risk.expected_spend / 1e4))
        assert (p_over, p95, p99, draws) == pytest.approx(
            (risk.p_overspend, risk.spend_p95 / 1e4, risk.spend_p99 / 1e4, risk.draws))
        assert issued > budget  # issued above the pool, spending within it
    # every draw lands in one bar of its pool's histogram
    bars = [r for r in rows if isinstance(r[0], float) and isinstance(r[1], int)]
    assert sum(r[1] + r[2] for r in bars) == sum(r.draws for r in risks.values())
    assert len(ws._charts) == len(risks)


def test_no_sheet_without_a_redemption_model() -> None:
    data = build_report(solve(default_scenario()), lang="en", run_at=datetime(2026, 1, 1))
    assert "Redemption risk" not in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
