"""Per-session state: the master firms table, the policy, the last solve and saved what-ifs.

Everything an officer edits lives in ``st.session_state``, which belongs to one
browser tab, so two officers never see each other's edits. The only shared
caches (:func:`solve_cached`, :func:`memo`) are keyed on the content of
immutable inputs: a hash of the firms table, the policy's items and the name.

The master firms table is replaced, never changed in place: a cached
:class:`~optimizer.Result` keeps a reference to the table it was solved on.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from inputs import InputError, load_scenario
from inputs.builtin import DEFAULT_SCENARIO_PATH, FAIR_SCENARIO_PATH
from inputs.firms import firms_problems, validate_firms
from optimizer import Policy, Result, Scenario, solve
from ui.policy_values import canonical

SS = st.session_state
#: The server passes the scenario to open in this variable (see ``ui/commands/serve.py``).
SCENARIO_ENV = "VOUCHER_OPT_SCENARIO"


@dataclass(frozen=True, eq=False)
class Solved:
    """One solve: the scenario that went in, the result, its cache key and the time taken."""

    scenario: Scenario
    result: Result
    key: str
    seconds: float


@dataclass(frozen=True)
class Source:
    """Where the loaded scenario came from, to tell whether it is still unchanged."""

    file: str
    sha256: str | None
    key: str  # cache key of the scenario as loaded


# -- caches shared by sessions, keyed on content ------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _read_file(path: str, mtime: float) -> tuple[Scenario, str]:
    data = Path(path).read_bytes()
    return load_scenario(Path(path)), hashlib.sha256(data).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=24)
def solve_cached(key: str, _scenario: Scenario) -> Result:
    """:func:`optimizer.solve`, once per distinct scenario content."""
    return solve(_scenario)


@st.cache_resource(show_spinner=False, max_entries=64)
def _memo(kind: str, key: str, _compute: Callable[[], Any]) -> Any:
    return _compute()


def memo[T](kind: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``(kind, key)``: analyses derived from a solved scenario."""
    value: T = _memo(kind, key, compute)
    return value


def table_hash(table: pd.DataFrame) -> str:
    """SHA-256 of a firms table's values and column names."""
    h = hashlib.sha256()
    h.update(repr(list(table.columns)).encode())
    h.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return h.hexdigest()


def scenario_key(table_digest: str, policy: Policy, name: str) -> str:
    """The cache key of a scenario: its table hash, its policy rows and its name."""
    text = f"{table_digest}|{policy.to_items()!r}|{name}"
    return hashlib.sha256(text.encode()).hexdigest()


# -- bootstrapping and loading -------------------------------------------------------


def bootstrap() -> None:
    """On a session's first run: load the scenario to open and solve it."""
    if "firms" in SS:
        return
    SS.saved = {}
    SS.previous = None
    SS.upload_error = None
    SS.boot_error = None
    SS.policy_gen = 0
    SS.firms_version = 0
    path = os.environ.get(SCENARIO_ENV, "")
    if path:
        try:
            open_file(Path(path))
            return
        except InputError as err:
            SS.boot_error = err
    open_file(DEFAULT_SCENARIO_PATH)


def open_file(path: Path) -> None:
    """Load a scenario file from disk (cached by path and time) and solve it."""
    scenario, sha = _read_file(str(path), path.stat().st_mtime if path.exists() else 0.0)
    load(scenario, file=path.name, sha256=sha)


def open_default() -> None:
    """Load the built-in Shenzhen 2024 scenario."""
    open_file(DEFAULT_SCENARIO_PATH)


def open_fair() -> None:
    """Load the shipped what-if with the study's fairness rules."""
    open_file(FAIR_SCENARIO_PATH)


def load(scenario: Scenario, *, file: str, sha256: str | None) -> None:
    """Make ``scenario`` the session's scenario (firms, policy, name) and solve it."""
    SS.scenario_name = scenario.name
    SS.policy = canonical(scenario.policy)
    SS.policy_gen = SS.get("policy_gen", 0) + 1
    SS.editor_page = 1
    SS.previous = None
    set_firms(scenario.firms)
    SS.source = Source(file, sha256, current_key() or "")
    solve_now()


# -- the master firms table -----------------------------------------------------------


def firms() -> pd.DataFrame:
    """The master firms table (canonical columns; may hold invalid edits)."""
    table: pd.DataFrame = SS.firms
    return table


def set_firms(table: pd.DataFrame, *, remount: bool = True) -> None:
    """Replace the master table and check it.

    ``remount`` gives the firms editor a fresh key (and so the new table as its
    input); edits made in the editor itself keep it (see :mod:`ui.editing`).
    """
    table = table.reset_index(drop=True)
    try:
        typed = validate_firms(table, SS.policy.programs, sheet="firms")
        SS.firms, SS.firms_problem, SS.firms_typed = typed, None, typed
        SS.firms_digest = table_hash(typed)
    except InputError as err:
        SS.firms, SS.firms_problem, SS.firms_typed = table, err, None
        SS.firms_more_problems = firms_problems(table, SS.policy.programs, sheet="firms")[1:]
        SS.firms_digest = None
    if remount:
        SS.firms_version = SS.get("firms_version", 0) + 1


def firms_problem() -> InputError | None:
    """The first problem of the master table (duplicate id, blank cell, ...), or None."""
    problem: InputError | None = SS.get("firms_problem")
    return problem


def more_firms_problems() -> list[InputError]:
    """The first problem of each further column at fault, when the table has any."""
    if SS.get("firms_problem") is None:
        return []
    more: list[InputError] = SS.get("firms_more_problems", [])
    return more


# -- the policy -----------------------------------------------------------------------


def policy() -> Policy:
    """The policy as the form last held it (valid)."""
    value: Policy = SS.policy
    return value


def set_policy(value: Policy) -> None:
    SS.policy = canonical(value)


# -- solving ------------------------------------------------------------------------------


def current_key() -> str | None:
    """Cache key of the scenario on screen, or None while the table has a problem."""
    if SS.get("firms_digest") is None:
        return None
    return scenario_key(SS.firms_digest, SS.policy, SS.scenario_name)


def current_scenario() -> Scenario | None:
    """The scenario on screen, or None while the table has a problem."""
    if SS.get("firms_typed") is None:
        return None
    return Scenario(SS.firms_typed, SS.policy, SS.scenario_name)


def solve_now() -> Solved | None:
    """Solve the scenario on screen (cached); the previous solve becomes the reference."""
    scenario, key = current_scenario(), current_key()
    if scenario is None or key is None:
        return None
    started = time.perf_counter()
    result = solve_cached(key, scenario)
    solved = Solved(scenario, result, key, time.perf_counter() - started)
    old = SS.get("solved")
    if old is not None and old.key != key:
        SS.previous = old
    SS.solved = solved
    return solved


def solved() -> Solved:
    """The last solve (there is always one after :func:`bootstrap`)."""
    value: Solved = SS.solved
    return value


def previous() -> Solved | None:
    """The solve before the last, for deltas (None after loading a scenario)."""
    value: Solved | None = SS.get("previous")
    return value


def is_stale(policy: Policy | None = None) -> bool:
    """Whether the table, or ``policy`` (default: the session's), differs from the last solve."""
    if SS.get("firms_digest") is None:
        return True
    key = scenario_key(SS.firms_digest, canonical(policy or SS.policy), SS.scenario_name)
    return key != solved().key


def unchanged_source() -> Source | None:
    """The source file, while the scenario on screen is still exactly what it held."""
    source: Source | None = SS.get("source")
    return source if source is not None and source.key == solved().key else None


# -- saved what-ifs -------------------------------------------------------------------------


def saved() -> dict[str, Solved]:
    """What-ifs saved in this session, by name, in saving order."""
    value: dict[str, Solved] = SS.saved
    return value


def save_as(name: str) -> None:
    """Save the last solve as a what-if called ``name`` (replacing one of that name).

    The scenario is renamed, so the name shows in comparisons and the report;
    the solve itself comes from the cache when the name was used before.
    """
    current = solved()
    scenario = Scenario(current.scenario.firms, current.scenario.policy, name)
    key = hashlib.sha256(f"{current.key}|what-if|{name}".encode()).hexdigest()
    started = time.perf_counter()
    result = solve_cached(key, scenario)
    SS.saved = {**saved(), name: Solved(scenario, result, key, time.perf_counter() - started)}


def forget(name: str) -> None:
    SS.saved = {k: v for k, v in saved().items() if k != name}
