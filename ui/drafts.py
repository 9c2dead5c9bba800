"""The app's side of the scenario store: drafts, what-ifs and the decision log.

Each browser session's working copy is a *draft* in the store, named by the
``draft`` query parameter of the URL. :func:`autosave` writes it after every
run that changed the session (one small compressed row), so a reload, a
server restart or a shared link comes back to the same work. Saved what-ifs
are rows of their own, kept with the draft's id; every solve writes one
record to the decision log.
"""

from __future__ import annotations

import getpass
import logging
import re
from typing import Any

import streamlit as st

from inputs.store import LogEntry, Store, VersionRef, log_entry, open_store
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


def valid_id(draft_id: str) -> bool:
    return bool(ID.match(draft_id or ""))


def restore(draft_id: str, solver: Solver) -> Session | None:
    """The session saved under ``draft_id`` with its what-ifs, or None when there is none."""
    if not valid_id(draft_id):
        return None
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


def autosave(session: Session) -> bool:
    """Write the draft when the session changed since it was last written."""
    if SS.get(SAVED_KEY) == session.revision or not session.draft_id:
        return False
    store().save_draft(session.draft_id, model.encode(session))
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
    store().log_solve(log_entry(solved.result, scenario_name=solved.scenario.name,
                                version=version, user=user()))


def log_row(entry: LogEntry) -> dict[str, Any]:
    """One decision-log record as a row of the library's table."""
    from ui import fmt
    from ui.i18n import t

    funded = entry.figures.get("firms_funded")
    return {
        t("library.log.time"): entry.at.strftime("%Y-%m-%d %H:%M:%S") if entry.at else "—",
        t("library.log.user"): entry.user or "—",
        t("library.log.scenario"): entry.scenario_name,
        t("library.log.version"): entry.version if entry.version is not None else "—",
        t("library.log.status"): t(f"status.{entry.status}") if entry.status in
        ("optimal", "infeasible", "error") else entry.status,
        t("library.log.objective"): fmt.impact(entry.objective),
        t("library.log.funded"): fmt.count(funded) if funded is not None else "—",
        t("library.log.digest"): entry.digest[:12],
    }
