"""审批 / Approval: submit the solved version for approval; approve or reject submissions.

An analyst submits the solved scenario as a stored version (saved here first
when the work on screen is not one yet) with a note. An approver approves or
rejects someone else's submission with a comment; a decided decision is
frozen. Every button is guarded on the server (:func:`ui.auth.guarded`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from inputs.store.access import Action
from inputs.store.approvals import Decision, DecisionStatus
from inputs.store.errors import StoreError
from optimizer import Scenario
from ui import auth, state
from ui.i18n import lang
from ui.i18n import term as w

SS = st.session_state


def _note(message: str, ok: bool = True) -> None:
    SS["approval_note"] = (message, ok)


@auth.guarded(Action.SUBMIT)
def _submit() -> None:
    session = state.session()
    solved = session.solved
    if solved is None or not solved.optimal or session.is_stale():
        _note(w("auth.ui.submit.unsolved"), ok=False)
        return
    service = auth.service()
    base = session.working.base
    try:
        if base is None or base.digest != solved.scenario.digest:
            name = solved.scenario.name
            base = service.save_version(name, Scenario(solved.scenario.firms,
                                                       solved.scenario.policy, name))
            session.working.base = base
        decision = service.submit(base.name, base.version, solved.result,
                                  str(SS.get("approval_submit_note") or ""))
    except StoreError as err:
        _note(err.text(lang()), ok=False)
        return
    SS["approval_submit_note"] = ""
    _note(w("auth.ui.submitted", id=decision.id, name=decision.scenario_name,
            version=decision.version))


def _decide(decision_id: int, approve: bool) -> None:
    service = auth.service()
    comment = str(SS.get(f"approval_comment.{decision_id}") or "")
    try:
        done = (service.approve if approve else service.reject)(decision_id, comment)
    except StoreError as err:
        _note(err.text(lang()), ok=False)
        return
    _note(w("auth.ui.decided", id=done.id,
            status=w(f"decision.status.{done.status}")))


@auth.guarded(Action.APPROVE)
def _approve(decision_id: int) -> None:
    _decide(decision_id, True)


@auth.guarded(Action.REJECT)
def _reject(decision_id: int) -> None:
    _decide(decision_id, False)


def _row(d: Decision) -> dict[str, Any]:
    return {
        w("stamp.decision_id"): d.id,
        w("stamp.scenario"): f"{d.scenario_name} @{d.version}",
        w("stamp.status"): w(f"decision.status.{d.status}"),
        w("stamp.submitted_by"): d.submitted_by,
        w("stamp.submitted_at"): d.submitted_at.strftime("%Y-%m-%d %H:%M:%S"),
        w("stamp.note"): d.note,
        w("stamp.decided_by"): d.decided_by or "",
        w("stamp.decided_at"): d.decided_at.strftime("%Y-%m-%d %H:%M:%S")
        if d.decided_at else "",
        w("stamp.comment"): d.comment or "",
        w("stamp.result_digest"): d.result_digest[:16],
    }


session = state.session()
actor = auth.actor()
st.title(w("auth.ui.approval.title"))
note = SS.pop("approval_note", None)
if note:
    (st.success if note[1] else st.error)(note[0])

with st.container(border=True):
    st.subheader(w("auth.ui.submit.title"))
    solved = session.solved
    if solved is None or not solved.optimal or session.is_stale():
        st.info(w("auth.ui.submit.unsolved"), icon=":material/edit:")
    else:
        base = session.working.base
        if base is not None and base.digest == solved.scenario.digest:
            st.caption(w("auth.ui.submit.version", name=base.name, version=base.version))
        else:
            st.caption(w("auth.ui.submit.new_version", name=solved.scenario.name))
    st.text_area(w("auth.ui.submit.note"), key="approval_submit_note")
    st.button(w("auth.ui.submit.button"), key="approval_submit", on_click=_submit,
              type="primary", disabled=not auth.may(Action.SUBMIT),
              icon=":material/send:")

found = auth.service().decisions()
pending = [d for d in found if d.status is DecisionStatus.SUBMITTED]
st.subheader(w("auth.ui.pending.title"))
if not pending:
    st.caption(w("auth.ui.pending.none"))
for d in pending:
    with st.container(border=True):
        st.markdown(w("auth.ui.pending.item", id=d.id, name=d.scenario_name, version=d.version,
                      by=d.submitted_by, at=d.submitted_at.strftime("%Y-%m-%d %H:%M")))
        if d.note:
            st.caption(d.note)
        st.text_input(w("auth.ui.comment"), key=f"approval_comment.{d.id}")
        left, right = st.columns(2)
        can_decide = auth.may(Action.APPROVE) and d.submitted_by != actor.name
        left.button(w("auth.ui.approve"), key=f"approve.{d.id}", on_click=_approve,
                    args=(d.id,), type="primary", disabled=not can_decide,
                    icon=":material/check:")
        right.button(w("auth.ui.reject"), key=f"reject.{d.id}", on_click=_reject,
                     args=(d.id,), disabled=not can_decide, icon=":material/close:")

st.subheader(w("auth.ui.decisions.title"))
if found:
    st.dataframe(pd.DataFrame([_row(d) for d in found]), hide_index=True, width="stretch")
else:
    st.caption(w("auth.ui.decisions.none"))
