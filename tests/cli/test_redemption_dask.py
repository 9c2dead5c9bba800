"""Monte Carlo and sweeps on a real Dask LocalCluster give the local results, byte for byte."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from inputs import save_scenario  # noqa: E402
from inputs.builtin import default_scenario  # noqa: E402
from optimizer.redemption import BLOCK, model_of, sample_rates, simulate  # noqa: E402
from ui.cli import main  # noqa: E402
from ui.executors import DASK_ENV, dask_address, executor_for  # noqa: E402

RATES = (("startup", 0.6), ("small", 0.7), ("medium", 0.8), ("large", 0.9))


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A small real cluster: one worker process-free, two threads."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_monte_carlo_on_dask_equals_local(scheduler: str) -> None:
    model = model_of([("training", c, m, 0.1) for c, m in RATES])
    issued = np.array([5e6, 8e6, 20e6, 30e6])
    n = 3 * BLOCK + 17
    here = simulate(model, issued, [("training", 55e6)], seed=11, draws=n)
    with executor_for(scheduler) as executor:
        assert sample_rates(model, n, 11, executor=executor).tobytes() == \
            sample_rates(model, n, 11).tobytes()
        there = simulate(model, issued, [("training", 55e6)], seed=11, draws=n,
                         executor=executor)
    assert there == here


def test_solve_json_on_dask_equals_local(scheduler: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    base = default_scenario()
    sc = base.with_policy(base.policy.with_values(
        redemption=RATES, redemption_sd=(("", 0.1),), redemption_seed=5))
    path = tmp_path / "redemption.xlsx"
    save_scenario(sc, path)
    assert main(["solve", str(path), "--json"]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main(["solve", str(path), "--json", "--dask", scheduler]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert remote == local
    for program, risk in local["redemption"].items():
        assert risk["issued"] > sc.policy.budget(program)  # issued above the pool
        assert risk["p_overspend"] <= 0.05


def test_the_environment_names_the_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DASK_ENV, "tcp://10.0.0.5:8786")
    assert dask_address(None) == "tcp://10.0.0.5:8786"
    assert dask_address("tcp://other:8786") == "tcp://other:8786"
    monkeypatch.delenv(DASK_ENV)
    assert dask_address(None) is None


def test_risk_sweep_on_dask_equals_serial(scheduler: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from optimizer.analysis import sweep

    base = default_scenario()
    sc = base.with_policy(base.policy.with_values(
        redemption=RATES, redemption_sd=(("", 0.1),), redemption_samples=200))
    values = [0.02, 0.1, 0.3]
    serial = sweep(sc, "overspend_risk", values)
    with executor_for(scheduler) as executor:
        remote = sweep(sc, "overspend_risk", values, executor=executor)
    assert [p.to_dict() for p in remote.points] == [p.to_dict() for p in serial.points]
    issued = [p.metrics.spend_total for p in serial.points if p.metrics]
    assert issued == sorted(issued) and issued[0] < issued[-1]  # more risk, more issued


def test_risk_sweep_needs_a_redemption_model(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", "--rule", "overspend_risk", "--from", "0.01", "--to", "0.05",
                 "--step", "0.02", "--json"])
    assert code == 2
    payload = json.loads(capsys.readouterr().out)
    # without a redemption model the rule is not among the sweepable ones
    assert payload["code"] == "cli.sweep_rule"
    assert "overspend_risk" not in payload["fields"]["allowed"]


def test_risk_sweep_values_must_be_probabilities(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    base = default_scenario()
    path = tmp_path / "redemption.xlsx"
    save_scenario(base.with_policy(base.policy.with_values(redemption=RATES)), path)
    code = main(["sweep", str(path), "--rule", "overspend_risk", "--from", "0", "--to", "0.1",
                 "--step", "0.05", "--json", "--lang", "en"])
    assert code == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["code"] == "redemption.error.sweep_risk"
    assert payload["message"] == "overspend_risk values must be above 0 and below 1, got 0"


def test_an_unreachable_scheduler_is_one_clear_message(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import ui.executors

    monkeypatch.setattr(ui.executors, "CONNECT_SECONDS", 1)
    code = main(["solve", "--json", "--lang", "en", "--dask", "tcp://127.0.0.1:9"])
    captured = capsys.readouterr()
    assert code == 2
    payload = json.loads(captured.out)
    assert payload["error"]["code"] == "redemption.error.unreachable"
    assert payload["message"].startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in captured.err
