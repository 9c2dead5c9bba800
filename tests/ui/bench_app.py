"""Time the app's answer to one rule change: re-solve plus redraw, measured with AppTest.

``make bench`` prints :func:`redraw_seconds`. Each measurement changes the
startup set-aside to a value not solved before (so the solve cache misses),
clicks Solve and times that script run: the solve, the key figures with their
changes, and the whole Scenario page. The Results page is timed too. AppTest
runs the script as the server does but draws nothing, so a browser adds its
own paint time (the browser test prints that end to end).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
SCENARIO_ENV = "VOUCHER_OPT_SCENARIO"
VALUES = (5.0, 10.0, 15.0, 20.0, 25.0, 30.0)


def _open(path: str = "") -> AppTest:
    previous = os.environ.get(SCENARIO_ENV)
    os.environ[SCENARIO_ENV] = path
    try:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
    finally:
        if previous is None:
            os.environ.pop(SCENARIO_ENV, None)
        else:
            os.environ[SCENARIO_ENV] = previous
    return at


def _timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(f"the app raised: {at.exception}")
    return time.perf_counter() - started


def rule_change(at: AppTest, values: Sequence[float] = VALUES) -> tuple[list[float], list[float]]:
    """Seconds of (Solve run on the Scenario page, Results page run) per startup set-aside value."""
    solve_runs, result_runs = [], []
    for value in values:
        at.switch_page("views/scenario.py").run()
        gen = at.session_state["policy_gen"]
        at.number_input(key=f"pol{gen}.startup_floor").set_value(value)
        at.run()
        at.button(key="solve").click()
        solve_runs.append(_timed(at))
        at.switch_page("views/results.py")
        result_runs.append(_timed(at))
    return solve_runs, result_runs


def _line(label: str, seconds: list[float]) -> str:
    return (f"{label}: median {statistics.median(seconds):.2f} s, "
            f"max {max(seconds):.2f} s over {len(seconds)} changes")


def redraw_seconds(big: int = 30_000) -> list[str]:
    """Lines for ``make bench``: the default scenario, then one of ``big`` firms."""
    lines = []
    at = _open()
    solves, results = rule_change(at)
    lines.append(_line("default (2,887 firms), Solve + Scenario page", solves))
    lines.append(_line("default (2,887 firms), Results page", results))
    if big:
        from inputs import write_scenario
        from inputs.shenzhen import generate
        from optimizer import Scenario

        scenario = generate(big, seed=7)
        factor = big / 2_887
        policy = scenario.policy.with_values(
            budgets=tuple((p, b * factor) for p, b in scenario.policy.budgets))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "big.xlsx"
            path.write_bytes(write_scenario(Scenario(scenario.firms, policy, "big")))
            at = _open(str(path))
        solves, results = rule_change(at, VALUES[:3])
        lines.append(_line(f"{big:,} firms, Solve + Scenario page", solves))
        lines.append(_line(f"{big:,} firms, Results page", results))
    return lines


if __name__ == "__main__":
    for text in redraw_seconds():
        print(text)
