"""Time the app's answer to one rule change: re-solve plus redraw, measured with AppTest.

``make bench`` prints :func:`redraw_seconds`. Each measurement changes the
startup set-aside to a value not solved before (so the solve cache misses),
clicks Solve and times that script run: the solve, the key figures with their
changes, and the whole Scenario page. The Results page is timed too. AppTest
runs the script as the server does but draws nothing, so a browser adds its
own paint time (the browser test prints that end to end).
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
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
        at.session_state["session"].set_section("policy")
        at.run()
        gen = at.session_state["session"].working.form_gen
        at.number_input(key=f"pol{gen}.startup_floor").set_value(value)
        at.run()
        at.button(key="solve").click()
        solve_runs.append(_timed(at))
        at.switch_page("views/results.py")
        result_runs.append(_timed(at))
    return solve_runs, result_runs


def cell_edits(at: AppTest, n: int = 8, *, autosave: bool = True) -> list[float]:
    """Seconds of the script run after each of ``n`` cell edits (edit to redrawn page).

    Each edit changes one firm's score in the firms editor, as the browser's
    editor would report it; the run absorbs the edit, checks the table, redraws
    the Scenario page and (``autosave``) queues the draft, which a background
    thread encodes and writes. ``autosave=False`` replaces the autosave with
    nothing, for the figure before it.
    """
    from ui import drafts

    real = drafts.autosave
    if not autosave:
        drafts.autosave = lambda session: False  # type: ignore[assignment]
    try:
        at.switch_page("views/scenario.py").run()
        at.session_state["session"].set_section("firms")
        at.run()
        runs = []
        for i in range(n):
            key = at.data_editor[0].key
            state = dict(at.session_state[key]) if key in at.session_state else {}
            rows = {int(k): dict(v) for k, v in state.get("edited_rows", {}).items()}
            rows.setdefault(i, {})["score"] = 50.0 + i + (0.5 if autosave else 0.0)
            at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
            runs.append(_timed(at))
            drafts.writer().flush()  # the next edit starts with the writer idle
        return runs
    finally:
        drafts.autosave = real


def draft_write(at: AppTest, n: int = 8) -> list[float]:
    """Seconds to encode and write the session's draft (what the writer thread does)."""
    from ui import drafts
    from ui import session as model

    session = at.session_state["session"]
    times = []
    for _ in range(n):
        started = time.perf_counter()
        drafts.store().save_draft(session.draft_id, model.encode(session))
        times.append(time.perf_counter() - started)
    return times


def _ms(label: str, seconds: list[float]) -> str:
    return (f"{label}: median {1000 * statistics.median(seconds):.0f} ms, "
            f"max {1000 * max(seconds):.0f} ms over {len(seconds)} edits")


def _line(label: str, seconds: list[float]) -> str:
    return (f"{label}: median {statistics.median(seconds):.2f} s, "
            f"max {max(seconds):.2f} s over {len(seconds)} changes")


def redraw_seconds(big: int = 30_000) -> list[str]:
    """Lines for ``make bench``: the default scenario, then one of ``big`` firms.

    AppTest makes the app script the process's ``__main__``, which a later pool of
    local processes would preload (and run) in every worker: the bench's own
    ``__main__`` is put back. Its session-state writes from outside a script run
    (the edits below) would log a warning each: those are silenced.
    """
    main = sys.modules["__main__"]
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    def only_errors(record: logging.LogRecord) -> bool:  # streamlit resets levels each run
        return record.levelno >= logging.ERROR

    quiet.addFilter(only_errors)
    try:
        return _redraw_lines(big)
    finally:
        sys.modules["__main__"] = main
        quiet.removeFilter(only_errors)


def _redraw_lines(big: int) -> list[str]:
    lines = []
    os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="voucher-opt-bench-"))
    at = _open()
    cell_edits(at, 4)  # warm the caches
    before: list[float] = []
    after: list[float] = []
    for _ in range(4):  # interleaved, so that load on the machine falls on both alike
        before += cell_edits(at, autosave=False)
        after += cell_edits(at, autosave=True)
    lines.append(_ms("default (2,887 firms), cell edit to redraw, no autosave", before))
    lines.append(_ms("default (2,887 firms), cell edit to redraw, with autosave", after))
    lines.append(_ms("default (2,887 firms), draft encode + write (writer thread)",
                     draft_write(at)))
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
