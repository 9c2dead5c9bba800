"""报告 / Report: download the Excel report of the last solve in the chosen language.

The workbook is built when the officer clicks download (a deferred download),
so opening this page costs nothing. It can carry saved what-ifs for comparison
and the last frontier sweep.
"""

from __future__ import annotations

import hashlib
import re

import streamlit as st

from inputs.store import VersionRef
from inputs.store.approvals import Decision
from optimizer import Result
from ui import auth, state, widgets
from ui.i18n import LANG_NAMES, LANGS, lang, t, term
from ui.report import build_report

SS = st.session_state
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _decision_of(base: VersionRef | None, result: Result) -> Decision | None:
    """The decision on the stored version this result was solved from, when it is that result."""
    if base is None or base.digest != result.scenario.digest:
        return None
    from inputs.store.approvals import for_version

    found = for_version(auth.service().store, base.name, base.version)
    return found if found is not None and found.matches(result) else None


def file_name(name: str, report_lang: str) -> str:
    safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", name).strip("_") or "scenario"
    return f"{safe}-report-{report_lang}.xlsx"


session = state.session()
st.title(t("report.title"))
st.caption(t("report.intro"))
if session.is_stale():
    st.info(t("report.stale"), icon=":material/edit:")
last = session.solved
if last is None:
    st.info(t("report.unsolved"), icon=":material/edit:")
    st.stop()
solved = last
if session.showing_previous():
    assert session.last_feasible is not None
    st.warning(t("report.infeasible"), icon=":material/block:")
    which = widgets.choice("radio", t("report.which"), "report_which", ["last", "previous"],
                           lambda w: t(f"report.which.{w}",
                                       name=session.last_feasible.scenario.name
                                       if session.last_feasible else ""))
    if which == "previous":
        solved = session.last_feasible
elif not last.optimal:
    st.warning(t("report.infeasible"), icon=":material/block:")

with st.container(border=True):
    report_lang = widgets.choice("segmented", t("report.lang"), "report_lang", list(LANGS),
                                 LANG_NAMES.get, default=lang())
    names = st.multiselect(t("report.compared"), list(session.what_ifs), key="report_compared",
                           placeholder=t("report.compared.placeholder"))
    kept = session.sweep
    with_frontier = st.checkbox(t("report.frontier"), value=kept is not None,
                                disabled=kept is None, key="report_frontier")
    source = session.unchanged_source() if solved is last else None
    if source is not None and source.sha256:
        st.caption(t("report.source", sha=source.sha256))
    else:
        st.caption(t("report.edited"))

    compared = tuple(session.what_ifs[name].solved.result for name in names
                     if name in session.what_ifs)
    frontier = kept.frontier if (kept is not None and with_frontier) else None
    sha = source.sha256 if source is not None else None
    result = solved.result
    suffix = "-previous" if solved is not last else ""

    decision = _decision_of(session.working.base, result)
    if decision is not None:
        st.caption(term(f"stamp.line.{decision.status}", **decision.stamp()))

    service = auth.service()  # taken now: the download runs outside this script run

    def build() -> bytes:
        data = build_report(result, lang=report_lang, source_sha256=sha, compared=compared,
                            frontier=frontier,
                            stamp=decision.stamp() if decision is not None else None)
        service.exported("report", solved.scenario.name,
                                scenario_digest=result.scenario.digest,
                                decision=decision.id if decision is not None else None,
                                sha256=hashlib.sha256(data).hexdigest())
        return data

    st.download_button(t("report.download"), data=build, mime=XLSX_MIME, type="primary",
                       file_name=file_name(solved.scenario.name + suffix, report_lang),
                       icon=":material/download:", key="download_report")
