"""The app's side of the scenario store: drafts, what-ifs and the decision log.

Each browser session's working copy is a *draft* in the store, named by the
``draft`` query parameter of the URL. :func:`autosave` writes it after every
run that changed the session (one small compressed row), so a reload, a
server restart or a shared link comes back to the same work. Saved what-ifs
are rows of their own, kept with the draft's id; every solve writes one
record to the decision log.
"""

from __future__ import annotations

import atexit
import getpass
import logging
import re
import threading
import time
from typing import Any

import streamlit as st

from inputs.store import (
    LogEntry,
    Store,
    StoreError,
    VersionRef,
    open_store,
    parse_ref,
)
from optimizer import Scenario
from ui import session as model
from ui.session import Session, Solver

LOG = logging.getLogger(__name__)
SS = st.session_state
SAVED_KEY = "draft_saved_revision"
ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The store (``VOUCHER_OPT_DB``, else the SQLite file under ``$XDG_DATA_HOME``)."""
    return open_store()


def open_ref(text: str) -> tuple[Scenario, VersionRef]:
    """The stored version ``store:NAME[@N]`` names (the latest without ``@N``), and its ref.

    Raises
    ------
    inputs.store.StoreError
        For a malformed reference, an unknown or deleted name or an unknown version.
    """
    ref = parse_ref(text)
    if ref is None:
        raise StoreError("store.bad_ref", ref=text)
    return store().load(ref.name, ref.version)


def valid_id(draft_id: str) -> bool:
    return bool(ID.match(draft_id or ""))


def restore(draft_id: str, solver: Solver) -> Session | None:
    """The session saved under ``draft_id`` with its what-ifs, or None when there is none."""
    if not valid_id(draft_id):
        return None
    writer().flush(draft_id)  # a reload right after an edit reads that edit
    data = store().load_draft(draft_id)
    if data is None:
        return None
    try:
        made = model.decode(data, solver, draft_id=draft_id)
    except (ValueError, KeyError, TypeError) as err:
        LOG.warning("draft %s could not be read: %s", draft_id, err)
        return None
    for saved in store().what_ifs(draft_id):
        result = solver(f"what-if|{saved.id}|{saved.saved_at}", saved.scenario)
        digest = model.table_hash(saved.scenario.firms)
        key = model.scenario_key(digest, saved.scenario.policy, saved.scenario.name)
        made.what_ifs[saved.name] = model.WhatIf(
            saved.name, model.Solved(saved.scenario, result, key, 0.0, digest), saved.id)
    SS[SAVED_KEY] = made.revision
    return made


class Writer:
    """Writes drafts off the script run: the newest snapshot of each draft wins.

    A run only takes a snapshot (references, microseconds); encoding and the
    database write happen in this thread, so autosave adds next to nothing to
    the time from a cell edit to the redrawn page. :meth:`flush` waits for a
    draft's pending write (before it is read back, and at exit).
    """

    #: Seconds a draft waits for further changes before it is written: the page is
    #: redrawn first, and a burst of edits makes one write.
    DELAY = 0.25

    def __init__(self) -> None:
        self._pending: dict[str, dict[str, Any]] = {}
        self._since: dict[str, float] = {}
        self._lock = threading.Condition()
        self._busy: set[str] = set()
        self._hurry = False
        #: draft id → why its last write failed (cleared by the next good write)
        self.failed: dict[str, str] = {}
        self._thread = threading.Thread(target=self._run, name="draft-writer", daemon=True)
        self._thread.start()
        atexit.register(self.flush)

    def put(self, draft_id: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self._pending[draft_id] = doc
            self._since[draft_id] = time.monotonic()
            self._lock.notify_all()

    def flush(self, draft_id: str | None = None, timeout: float = 30.0) -> None:
        """Wait until ``draft_id``'s (or every) pending draft is written."""
        def done() -> bool:
            if draft_id is None:
                return not self._pending and not self._busy
            return draft_id not in self._pending and draft_id not in self._busy
        with self._lock:
            self._hurry = True
            self._lock.notify_all()
            self._lock.wait_for(done, timeout=timeout)
            self._hurry = False

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: bool(self._pending))
                draft_id = min(self._pending, key=lambda d: self._since[d])
                wait = self._since[draft_id] + self.DELAY - time.monotonic()
                if wait > 0 and not self._hurry:
                    self._lock.wait(timeout=wait)
                    continue
                doc = self._pending.pop(draft_id)
                self._busy.add(draft_id)
            try:
                store().save_draft(draft_id, model.to_bytes(doc))
                self.failed.pop(draft_id, None)
            except Exception as err:  # shown in the sidebar; the next change tries again
                LOG.exception("draft %s could not be saved", draft_id)
                self.failed[draft_id] = f"{type(err).__name__}: {err}"
            finally:
                with self._lock:
                    self._busy.discard(draft_id)
                    self._lock.notify_all()


@st.cache_resource(show_spinner=False)
def writer() -> Writer:
    return Writer()


def autosave(session: Session) -> bool:
    """Queue the draft for writing when the session changed since it was last queued."""
    if SS.get(SAVED_KEY) == session.revision or not session.draft_id:
        return False
    from inputs.store.access import Action
    from ui import auth

    signed_in = auth.current()
    if signed_in is not None and not signed_in.may(Action.SAVE):
        return False  # a viewer's tab never writes a draft (nor overwrites a shared one)
    writer().put(session.draft_id, model.snapshot(session))
    SS[SAVED_KEY] = session.revision
    return True


def save_what_if(session: Session, what_if: model.WhatIf) -> model.WhatIf:
    """Keep a what-if in the store (replacing an earlier one of that name in this draft)."""
    old = [w for w in store().what_ifs(session.draft_id) if w.name == what_if.name]
    for w in old:
        store().delete_what_if(w.id)
    summary = _summary(what_if.solved)
    new_id = store().save_what_if(session.draft_id, what_if.name, what_if.solved.scenario,
                                  base=session.working.base, result_summary=summary)
    kept = model.WhatIf(what_if.name, what_if.solved, new_id)
    session.what_ifs[what_if.name] = kept
    return kept


def forget_what_if(what_if: model.WhatIf) -> None:
    if what_if.store_id is not None:
        store().delete_what_if(what_if.store_id)


def _summary(solved: model.Solved) -> dict[str, Any]:
    result = solved.result
    return {"status": str(result.status), "objective": result.objective,
            "firms_funded": int(result.firms_funded) if result.optimal else 0}


def user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def log_solve(session: Session) -> None:
    """One decision-log record for the solve just made.

    It names the stored version the scenario came from while the solved
    scenario is still exactly that version (same digest); else no version.
    """
    solved = session.solved
    if solved is None:
        return
    base: VersionRef | None = session.working.base
    version = base.version if base is not None and base.digest == solved.scenario.digest \
        else None
    from inputs.store.access import Action
    from ui import auth

    if auth.may(Action.SOLVE):  # a viewer opening a stored version reads it: no decision
        auth.service().record_solve(solved.result, solved.scenario.name, version)


def log_row(entry: LogEntry) -> dict[str, Any]:
    """One decision-log record as a row of the library's table."""
    from optimizer import Status
    from ui import fmt
    from ui.i18n import lang, t

    funded = entry.figures.get("firms_funded")
    return {
        t("library.log.time"): entry.at.strftime("%Y-%m-%d %H:%M:%S") if entry.at else "—",
        t("library.log.user"): entry.user or "—",
        t("library.log.scenario"): entry.scenario_name,
        t("library.log.version"): str(entry.version) if entry.version is not None else "—",
        t("library.log.status"): Status.words(entry.status, lang()),
        t("library.log.objective"): fmt.impact(entry.objective),
        t("library.log.funded"): fmt.count(funded) if funded is not None else "—",
        t("library.log.digest"): entry.digest[:12],
    }
