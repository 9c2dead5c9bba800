"""``solve`` with a redemption model: issued amounts above the pool, said in words and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inputs import save_scenario
from inputs.builtin import default_scenario
from ui.cli import main


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = default_scenario()
    sc = base.with_policy(base.policy.with_values(
        redemption=(("startup", 0.6), ("small", 0.7), ("medium", 0.8), ("large", 0.9)),
        redemption_sd=(("", 0.1),), redemption_samples=300))
    path = tmp_path_factory.mktemp("redemption") / "redemption.xlsx"
    save_scenario(sc, path)
    return path


def test_summary_says_issue_x_to_spend_y(workbook: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(workbook), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)["redemption"]
    assert main(["solve", str(workbook), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    training = figures["training"]
    assert (f"training: issue ¥{training['issued'] / 1e6:.1f}M to spend "
            f"¥{training['expected_spend'] / 1e6:.1f}M with "
            f"{training['p_overspend']:.1%} risk of overspending") in out
    assert set(training) == {"issued", "expected_spend", "p_overspend", "spend_p95",
                             "spend_p99"}
    assert training["issued"] > 5e8 > training["expected_spend"]


def test_risk_sweep_json_draws_the_frontier(workbook: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", str(workbook), "--rule", "overspend_risk", "--from", "0.02",
                 "--to", "0.1", "--step", "0.04", "--json"])
    assert code == 0
    points = json.loads(capsys.readouterr().out)["points"]
    assert [p["value"] for p in points] == [0.02, 0.06, 0.1]
    issued = [p["spend_total"] for p in points]
    assert issued == sorted(issued) and issued[0] < issued[-1]
