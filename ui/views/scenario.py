"""方案 / Scenario: the policy form, the firms table, files, and the Solve button.

Beside the form, a narrow panel holds the Solve button, the key figures with
their change against the previous solve, and who gained and lost, so one rule
change is answered on the same screen.
"""

from __future__ import annotations

import streamlit as st

from ui import editing, figures, files_panel, firms_editor, fmt, policy_form, state
from ui.i18n import lang, t

SS = st.session_state


def _solve_clicked() -> None:
    programs = state.policy().programs
    policy, error = policy_form.read_policy(programs)
    if policy is None or error is not None or state.firms_problem() is not None:
        return
    state.set_policy(policy)
    state.solve_now()


def _status(blocked: list[str], stale: bool) -> None:
    solved = state.solved()
    result = solved.result
    for reason in blocked:
        st.warning(reason, icon=":material/warning:")
    if stale and not blocked:
        st.info(t("solve.stale"), icon=":material/edit:")
    if result.optimal:
        st.success(t("solve.done", seconds=f"{solved.seconds:.2f}",
                     firms=fmt.count(len(solved.scenario.firms))), icon=":material/check_circle:")
        figures.cards(solved, state.previous(), per_row=1, border=False)
        figures.gains_compact(solved, state.previous())
        st.page_link("views/results.py", label=t("scenario.to_results"),
                     icon=":material/bar_chart:")
    else:
        st.error(t("solve.infeasible"), icon=":material/block:")
        for finding in result.diagnosis:
            st.markdown(f"- {finding.text(lang())}")
        if not result.diagnosis:
            st.markdown(f"- {t('solve.failed', status=result.solver_status)}")


editing.absorb()  # edits whose callback did not run yet (e.g. state seeded by a test)
programs = state.policy().programs
solved = state.solved()
source = SS.get("source")

st.title(t("scenario.title", name=SS.scenario_name))
st.caption(t("scenario.caption", firms=fmt.count(len(state.firms())),
             file=source.file if source else "—"))
boot_error = SS.get("boot_error")
if boot_error is not None:
    st.error(t("boot.error", error=str(boot_error)), icon=":material/warning:")
main, side = st.columns([5, 2], gap="medium")

findings = solved.result.diagnosis if not solved.result.optimal else ()
problem = state.firms_problem()
tab_policy, tab_firms, tab_files = main.tabs([
    t("tab.policy"),
    t("tab.firms", n=fmt.count(len(state.firms()))) + (" :material/warning:" if problem else ""),
    t("tab.files"),
])
with tab_policy:
    policy_error = policy_form.render(programs, findings)
with tab_firms:
    if problem is not None:
        firms_editor.show_problem(problem)
    firms_editor.render(programs)
with tab_files:
    files_panel.render()

with side:
    policy, policy_error = policy_form.read_policy(programs)
    blocked = []
    if problem is not None:
        blocked.append(t("solve.blocked.table"))
    if policy_error is not None:
        blocked.append(t("solve.blocked.policy", key=policy_error.key))
    stale = bool(policy is not None and state.is_stale(policy))
    st.button(t("solve.button"), type="primary", disabled=bool(blocked), key="solve",
              on_click=_solve_clicked, icon=":material/calculate:", width="stretch")
    st.caption(t("solve.note"))
    _status(blocked, stale)
