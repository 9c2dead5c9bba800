"""下一批次 / Next round: the guided step of ``voucher-opt round next``.

Step 1 names the previous round: the current scenario's solve (its awards) or
an uploaded report workbook. Step 2 takes the new applicants, step 3 an
optional ledger of lapsed vouchers, step 4 the reserve of each pool. The page
then shows each pool's committed, lapsed and returned, available and reserved
money (万元) and, on a click, makes the built round the working scenario (its
firms replace the table, as an upload does).

Everything is done by :mod:`inputs.rounds`, the functions the command calls;
this page only keeps the uploads (in the session, so leaving the page loses
nothing) and shows each file's problem in place, with its file, sheet and cell.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from inputs import InputError
from inputs.guard import check_size
from inputs.rounds import (
    Previous,
    next_round,
    pool_status,
    read_applicants,
    read_ledger,
    read_previous,
)
from optimizer import Scenario
from optimizer.units import WAN
from ui import fmt, state, widgets
from ui.errors import show_input_error
from ui.i18n import lang, t
from ui.session import RoundInputs

SS = st.session_state
STEPS = ("report", "applicants", "ledger")
TYPES = {"report": ["xlsx", "xlsm"], "applicants": ["xlsx", "xlsm", "xls", "ods", "csv"],
         "ledger": ["xlsx", "xlsm", "xls", "ods", "csv"]}
NOTE_KEY = "round_note"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _previous_of(inputs: RoundInputs, source: str) -> tuple[Previous, str] | None:
    """The previous round and its cache key, or None (no solve, no report, a bad report)."""
    session = state.session()
    if source == "solved":
        solved = session.feasible_view()
        if solved is None:
            return None
        return Previous(solved.scenario, np.round(solved.result.amounts, 2)), solved.key
    if inputs.report is None:
        return None
    name, data = inputs.report
    key = _sha(data)
    return state.memo("round_previous", key, lambda: read_previous(data, name)), key


def _read(step: str, name: str, data: bytes, previous: Previous | None, key: str) -> object:
    """One uploaded file read as the command reads it (cached on its content)."""
    check_size(len(data), name)
    if step == "report":
        return state.memo("round_previous", _sha(data), lambda: read_previous(data, name))
    if previous is None:
        return None
    read = read_applicants if step == "applicants" else read_ledger
    return state.memo(f"round_{step}", f"{key}|{_sha(data)}|{name}",
                      lambda: read(data, name, previous))


def _uploaded(step: str) -> None:
    """Keep an uploaded file once it reads; else keep its problem and the file before it."""
    upload = SS.get(f"round_{step}")
    if upload is None:
        return
    session = state.session()
    inputs = session.round
    name, data = upload.name, upload.getvalue()
    try:
        found = _previous_of(inputs, session.view.get("round_previous", "solved"))
        _read(step, name, data, *(found or (None, "")))
    except InputError as err:
        inputs.errors[step] = err
        return
    setattr(inputs, step, (name, data))
    inputs.errors.pop(step, None)
    session.changed()


def _remove(step: str) -> None:
    inputs = state.session().round
    setattr(inputs, step, None)
    inputs.errors.pop(step, None)
    state.session().changed()


def _reserve_typed(program: str) -> None:
    value = SS.get(f"round_reserve.{program}")
    if value is not None:
        state.session().round.reserves[program] = float(value) / 100
        state.session().changed()


def _use(scenario: Scenario, source: str) -> None:
    """Make the built round the working scenario (and solve it); start the next step afresh."""
    session = state.session()
    state.load(scenario, file=source, sha256=None)
    session.round = RoundInputs()
    SS[NOTE_KEY] = (scenario.name, len(scenario.firms))


def _upload_step(step: str, label: str, help_: str) -> None:
    """The uploader of a step, the file in use with its remove button, and its problem."""
    inputs = state.session().round
    st.file_uploader(label, type=TYPES[step], key=f"round_{step}", help=help_,
                     on_change=_uploaded, args=(step,))
    kept = getattr(inputs, step)
    error = inputs.errors.get(step)
    if kept is not None or error is not None:
        left, right = st.columns([5, 1], vertical_alignment="center")
        if kept is not None:
            left.caption(t("round.kept", file=kept[0]))
        right.button(t("round.remove"), key=f"round_remove.{step}", on_click=_remove,
                     args=(step,), icon=":material/close:")
    if error is not None:
        show_input_error(error)


def _parsed(step: str, previous: Previous | None, key: str) -> object:
    """A kept file read against the previous round; its problem shown in place."""
    kept = getattr(state.session().round, step)
    if kept is None:
        return None
    try:
        return _read(step, kept[0], kept[1], previous, key)
    except InputError as err:
        if state.session().round.errors.get(step) is None:
            show_input_error(err)
        return False


session = state.session()
inputs = session.round
st.title(t("round.title"))
st.caption(t("round.intro"))
if NOTE_KEY in SS:
    name, firms = SS.pop(NOTE_KEY)
    st.success(t("round.used", name=name, firms=fmt.count(firms)),
               icon=":material/check_circle:")
    st.page_link("views/scenario.py", label=t("round.to_scenario"), icon=":material/edit_note:")

previous: Previous | None = None
previous_key = ""
with st.container(border=True):
    st.subheader(t("round.step1"))
    source = widgets.choice("radio", t("round.previous.pick"), "round_previous",
                            ["solved", "report"], lambda c: t(f"round.previous.{c}"),
                            horizontal=True)
    if source == "report":
        _upload_step("report", t("round.report.upload"), t("round.report.help"))
        read = _parsed("report", None, "")
        if isinstance(read, Previous) and inputs.report is not None:
            previous, previous_key = read, _sha(inputs.report[1])
        elif inputs.report is None and "report" not in inputs.errors:
            st.info(t("round.report.none"), icon=":material/upload_file:")
    else:
        found = _previous_of(inputs, source)
        if found is None:
            st.info(t("round.previous.none"), icon=":material/edit:")
        else:
            previous, previous_key = found
            if session.is_stale():
                st.info(t("round.previous.stale", name=previous.scenario.name),
                        icon=":material/history:")
    if previous is not None:
        awards = previous.awards
        st.caption(t("round.previous.summary", name=previous.scenario.name,
                     funded=fmt.count(int((awards.sum(axis=1) > 0).sum())),
                     total=fmt.money(float(awards.sum()))))

with st.container(border=True):
    st.subheader(t("round.step2"))
    _upload_step("applicants", t("round.applicants.upload"), t("round.applicants.help"))
    applicants = _parsed("applicants", previous, previous_key)
    if inputs.applicants is None and "applicants" not in inputs.errors:
        st.info(t("round.applicants.none"), icon=":material/upload_file:")

with st.container(border=True):
    st.subheader(t("round.step3"))
    _upload_step("ledger", t("round.ledger.upload"), t("round.ledger.help"))
    lapsed = _parsed("ledger", previous, previous_key)
    if inputs.ledger is None:
        st.caption(t("round.ledger.none"))

reserves: dict[str, float] = {}
with st.container(border=True):
    st.subheader(t("round.step4"))
    if previous is not None:
        policy = previous.scenario.policy
        columns = st.columns(max(len(policy.programs), 1))
        for column, program in zip(columns, policy.programs, strict=True):
            share = inputs.reserves.get(program, policy.reserve(program))
            reserves[program] = share
            key = f"round_reserve.{program}"
            if key in SS and SS[key] != round(share * 100, 4):
                del SS[key]  # the session changed the reserve: show it
            column.number_input(t("round.reserve", program=fmt.program(program)),
                                min_value=0.0, max_value=100.0, step=5.0, format="%.1f",
                                value=round(share * 100, 4), key=key, on_change=_reserve_typed,
                                args=(program,), help=t("round.reserve.help"))

ready = (previous is not None and isinstance(applicants, pd.DataFrame)
         and lapsed is not False)
if ready:
    assert previous is not None and isinstance(applicants, pd.DataFrame)
    ledger = lapsed if isinstance(lapsed, np.ndarray) else None
    name = t("round.next_name", name=previous.scenario.name)
    files = "|".join(_sha(f[1]) for f in (inputs.applicants, inputs.ledger) if f is not None)
    key = f"{previous_key}|{files}|{sorted(reserves.items())!r}|{name}|{lang()}"
    built: Scenario = state.memo("round_next", key, lambda: next_round(
        previous, applicants, ledger, reserves, name, lang()))
    pools = pool_status(built, ledger)
    st.subheader(t("round.pools"))
    table = pd.DataFrame({
        "program": [fmt.program(p.program) for p in pools],
        **{field: [getattr(p, field) / WAN for p in pools]
           for field in ("budget", "committed", "lapsed", "available", "reserve")},
    })
    cc = st.column_config
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "program": cc.TextColumn(t("round.col.program")),
        **{field: cc.NumberColumn(t(f"round.col.{field}"), format="%,.2f")
           for field in ("budget", "committed", "lapsed", "available", "reserve")},
    })
    carried = int((previous.awards.sum(axis=1) > 0).sum())
    new = len(built.firms) - carried
    st.caption(t("round.firms", firms=fmt.count(len(built.firms)), carried=fmt.count(carried),
                 again=fmt.count(len(applicants) - new), new=fmt.count(new)))
    assert inputs.applicants is not None
    st.button(t("round.use"), type="primary", key="round_use", on_click=_use,
              args=(built, inputs.applicants[0]), icon=":material/event_repeat:",
              help=t("round.use.help"))
