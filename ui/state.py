"""The session in Streamlit: one :class:`~ui.session.Session` under one key, and shared caches.

Everything an officer edits lives in the session object stored at
``st.session_state["session"]``; it belongs to one browser tab, so two
officers never see each other's edits. The only shared caches
(:func:`solve_cached`, :func:`memo`) are keyed on the content of immutable
inputs. The draft store keeps a copy of every change (:func:`autosave`), and
the URL names that draft (``?draft=…``), so a reload or a restart comes back
to the same work.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from inputs import InputError, load_scenario
from inputs.builtin import DEFAULT_SCENARIO_PATH, FAIR_SCENARIO_PATH
from inputs.store import VersionRef, is_store_ref
from optimizer import Result, Scenario, solve
from ui import drafts
from ui.session import Session, Solved, WhatIf

SS = st.session_state
#: The one key of ``st.session_state`` the app's own data lives under.
SESSION_KEY = "session"
#: The server passes the scenario to open in this variable (see ``ui/commands/serve.py``).
SCENARIO_ENV = "VOUCHER_OPT_SCENARIO"
#: The URL query parameter naming the working draft.
DRAFT_PARAM = "draft"

__all__ = ["Session", "Solved", "WhatIf", "memo", "session", "solve_cached"]


# -- caches shared by sessions, keyed on content ------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _read_file(path: str, mtime: float) -> tuple[Scenario, str]:
    data = Path(path).read_bytes()
    return load_scenario(Path(path)), hashlib.sha256(data).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=24)
def _solve(key: str, _scenario: Scenario) -> Result:
    return solve(_scenario)


def solve_cached(key: str, scenario: Scenario) -> Result:
    """:func:`optimizer.solve`, once per distinct scenario content."""
    return _solve(key, scenario)


@st.cache_resource(show_spinner=False, max_entries=64)
def _memo(kind: str, key: str, _compute: Callable[[], Any]) -> Any:
    return _compute()


def memo[T](kind: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``(kind, key)``: analyses derived from a solved scenario."""
    value: T = _memo(kind, key, compute)
    return value


# -- the session ------------------------------------------------------------------------


def session() -> Session:
    """This tab's session (made on the first run: the draft in the URL, or a file)."""
    found: Session | None = SS.get(SESSION_KEY)
    if found is None:
        found = _bootstrap()
        SS[SESSION_KEY] = found
    return found


def read_file(path: Path) -> tuple[Scenario, str]:
    return _read_file(str(path), path.stat().st_mtime if path.exists() else 0.0)


def _from_file() -> Session:
    path = os.environ.get(SCENARIO_ENV, "")
    boot_error: InputError | None = None
    if path:
        try:
            if is_store_ref(path):  # `voucher-opt ui store:NAME[@N]`
                scenario, ref = drafts.open_ref(path)
                made = Session.open(Scenario(scenario.firms, scenario.policy, ref.name),
                                    file=f"store:{ref.name}@{ref.version}", sha256=None)
                made.working.base = ref
            else:
                scenario, sha = read_file(Path(path))
                made = Session.open(scenario, file=Path(path).name, sha256=sha)
            made.solve(solve_cached)
            drafts.log_solve(made)
            return made
        except InputError as err:
            boot_error = err
    scenario, sha = read_file(DEFAULT_SCENARIO_PATH)
    made = Session.open(scenario, file=DEFAULT_SCENARIO_PATH.name, sha256=sha)
    made.boot_error = boot_error
    made.solve(solve_cached)
    drafts.log_solve(made)
    return made


def _bootstrap() -> Session:
    draft_id = str(st.query_params.get(DRAFT_PARAM, "") or "")
    made = drafts.restore(draft_id, solve_cached) if draft_id else None
    if made is None:
        made = _from_file()
        made.draft_id = draft_id if drafts.valid_id(draft_id) else new_draft_id()
    st.query_params[DRAFT_PARAM] = made.draft_id
    return made


def new_draft_id() -> str:
    return secrets.token_urlsafe(9)


def open_file(path: Path) -> None:
    """Load a scenario file from disk (cached by path and time) and solve it."""
    scenario, sha = read_file(path)
    load(scenario, file=path.name, sha256=sha)


def open_default() -> None:
    open_file(DEFAULT_SCENARIO_PATH)


def open_fair() -> None:
    open_file(FAIR_SCENARIO_PATH)


def load(scenario: Scenario, *, file: str, sha256: str | None,
         base: VersionRef | None = None) -> None:
    """Make ``scenario`` the working one (its firms replace the table) and solve it."""
    s = session()
    s.load(scenario, file=file, sha256=sha256, base=base)
    s.solve(solve_cached)
    drafts.log_solve(s)


def solve_now() -> Solved | None:
    """Solve the working scenario and write the decision log (roles that may solve only)."""
    from inputs.store.access import Action
    from ui import auth

    auth.service().require(Action.SOLVE)
    s = session()
    solved = s.solve(solve_cached)
    if solved is not None:
        drafts.log_solve(s)
    return solved


