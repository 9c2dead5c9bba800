"""方案 / Scenario: the policy form, the firms table, files, and the Solve button.

Beside the form, a narrow panel holds the Solve button, the key figures with
their change against the previous solve, and who gained and lost, so one rule
change is answered on the same screen. The section on screen (政策规则,
企业名单, 文件) is kept in the session by code, so an edit that changes a
tab's label never sends the officer to another section.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from inputs.store.access import Action
from ui import auth, editing, figures, files_panel, firms_editor, fmt, policy_form, state
from ui.i18n import lang, t
from ui.session import SECTIONS

SS = st.session_state


@auth.guarded(Action.SOLVE)
def _solve_clicked() -> None:
    policy_form.sync(state.session().working.programs)
    editing.absorb_live()
    working = state.session().working
    if working.scenario() is None:
        return
    state.solve_now()


def _status(blocked: list[str]) -> None:
    session = state.session()
    for reason in blocked:
        st.warning(reason, icon=":material/warning:")
    if session.is_stale() and not blocked:
        st.info(t("solve.stale"), icon=":material/edit:")
    solved = session.solved
    if solved is None:
        return
    result = solved.result
    if result.optimal:
        st.success(t("solve.done", seconds=f"{solved.seconds:.2f}",
                     firms=fmt.count(len(solved.scenario.firms))), icon=":material/check_circle:")
        figures.cards(solved, session.previous, per_row=1, border=False)
        figures.gains_compact(solved, session.previous)
        st.page_link("views/results.py", label=t("scenario.to_results"),
                     icon=":material/bar_chart:")
    else:
        st.error(t("solve.infeasible"), icon=":material/block:")
        for finding in result.diagnosis:
            st.markdown(f"- {finding.text(lang())}")
        if not result.diagnosis:
            st.markdown(f"- {t('solve.failed', status=result.solver_status)}")
        if session.last_feasible is not None:
            st.page_link("views/results.py", label=t("scenario.to_previous"),
                         icon=":material/history:")


def _tab_changed(key: str, codes: dict[str, str]) -> None:
    code = codes.get(str(SS.get(key)))
    if code is not None:
        state.session().set_section(code)


editing.absorb_live()  # edits whose callback did not run (e.g. state set by a test)
session = state.session()
working = session.working
programs = working.programs
source = working.source

st.title(t("scenario.title", name=working.name))
st.caption(t("scenario.caption", firms=fmt.count(len(working.firms)),
             file=source.file if source else "—"))
if session.boot_error is not None:
    st.error(t("boot.error", error=str(session.boot_error)), icon=":material/warning:")
main, side = st.columns([5, 2], gap="medium")

solved = session.solved
findings = solved.result.diagnosis if solved is not None and not solved.optimal else ()
problem = working.problem
labels = {
    "policy": t("tab.policy") + (" :material/warning:" if working.policy_error else ""),
    "firms": t("tab.firms", n=fmt.count(len(working.firms)))
    + (" :material/warning:" if problem else ""),
    "files": t("tab.files"),
}
codes = {label: code for code, label in labels.items()}
tabs_key = "scenario_tabs." + hashlib.sha1("|".join(labels.values()).encode()).hexdigest()[:10]
if tabs_key in SS and SS[tabs_key] != labels[session.section]:
    del SS[tabs_key]  # the session moved to another section (e.g. a scenario was opened)
tabs = main.tabs([labels[c] for c in SECTIONS], key=tabs_key,
                 default=labels[session.section], on_change=_tab_changed,
                 args=(tabs_key, codes))
tab_policy, tab_firms, tab_files = tabs
if tab_policy.open:
    with tab_policy:
        policy_form.render(programs, findings)
if tab_firms.open:
    with tab_firms:
        if problem is not None:
            firms_editor.show_problem(problem)
        firms_editor.render(programs)
if tab_files.open:
    with tab_files:
        files_panel.render()

with side:
    blocked = []
    if working.problem is not None:  # read again: the editor may have just absorbed an edit
        blocked.append(t("solve.blocked.table"))
    if working.policy_error is not None:
        blocked.append(t("solve.blocked.policy", key=working.policy_error.key))
    st.button(t("solve.button"), type="primary", key="solve",
              disabled=bool(blocked) or not auth.may(Action.SOLVE),
              on_click=_solve_clicked, icon=":material/calculate:", width="stretch")
    st.caption(t("solve.note"))
    _status(blocked)
