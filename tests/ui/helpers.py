"""Driving the app in tests: open a session, use the policy form, solve, edit the firms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from ui.session import Session

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
TIMEOUT = 120


def open_app() -> AppTest:
    """A new session of the app, after its first run."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def S(at: AppTest) -> Session:
    """The app's session object (the one key of ``st.session_state`` it keeps)."""
    found: Session = at.session_state["session"]
    return found


def show(at: AppTest, section: str) -> AppTest:
    """Open a section of the scenario page (``policy``, ``firms``, ``files``), as a tab click."""
    if S(at).section != section:
        S(at).set_section(section)
        at.run()
        assert not at.exception, at.exception
    return at


def policy_input(at: AppTest, key: str) -> Any:
    """The policy form's widget for a policy key (e.g. ``startup_floor``)."""
    show(at, "policy")
    gen = S(at).working.form_gen
    return at.number_input(key=f"pol{gen}.{key}")


def solve(at: AppTest) -> AppTest:
    """Click Solve and rerun; the run must not raise."""
    at.button(key="solve").click().run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> Any:
    """The first metric card with this label."""
    return next(m for m in at.metric if m.label == label)


def edit_firms(at: AppTest, edited: dict[int, dict[str, Any]] | None = None,
               added: list[dict[str, Any]] | None = None,
               deleted: list[int] | None = None) -> AppTest:
    """Edit the firms table as the browser's editor would, then rerun.

    AppTest cannot type into ``st.data_editor``; its edit state is seeded in
    session state under the editor's key instead. Like the browser's, the state
    is cumulative while the editor stays mounted: these edits join earlier ones.
    Positions are rows of the page shown.
    """
    show(at, "firms")
    key = at.data_editor[0].key
    state = dict(at.session_state[key]) if key in at.session_state else {}
    rows = {int(k): dict(v) for k, v in state.get("edited_rows", {}).items()}
    for position, changes in (edited or {}).items():
        rows.setdefault(position, {}).update(changes)
    at.session_state[key] = {
        "edited_rows": rows,
        "added_rows": [*state.get("added_rows", []), *(added or [])],
        "deleted_rows": [*state.get("deleted_rows", []), *(deleted or [])],
    }
    at.run()
    assert not at.exception, at.exception
    return at
