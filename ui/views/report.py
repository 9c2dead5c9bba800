"""报告 / Report: download the Excel report of the last solve in the chosen language.

The workbook is built when the officer clicks download (a deferred download),
so opening this page costs nothing. It can carry saved what-ifs for comparison
and the last frontier sweep.
"""

from __future__ import annotations

import re

import streamlit as st

from ui import state
from ui.i18n import LANGS, lang, t
from ui.report import build_report

SS = st.session_state
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANG_NAMES = {"zh": "中文", "en": "English"}


def file_name(name: str, report_lang: str) -> str:
    safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", name).strip("_") or "scenario"
    return f"{safe}-report-{report_lang}.xlsx"


solved = state.solved()
st.title(t("report.title"))
st.caption(t("report.intro"))
if state.is_stale():
    st.info(t("report.stale"), icon=":material/edit:")
if not solved.result.optimal:
    st.warning(t("report.infeasible"), icon=":material/block:")

with st.container(border=True):
    report_lang = st.segmented_control(t("report.lang"), LANGS, default=lang(),
                                       format_func=LANG_NAMES.get, key="report_lang",
                                       required=True) or lang()
    names = st.multiselect(t("report.compared"), list(state.saved()), key="report_compared",
                           placeholder=t("report.compared.placeholder"))
    kept = SS.get("frontier")
    with_frontier = st.checkbox(t("report.frontier"), value=kept is not None,
                                disabled=kept is None, key="report_frontier")
    source = state.unchanged_source()
    if source is not None and source.sha256:
        st.caption(t("report.source", sha=source.sha256))
    else:
        st.caption(t("report.edited"))

    compared = tuple(state.saved()[name].result for name in names)
    frontier = kept[1] if (kept is not None and with_frontier) else None
    sha = source.sha256 if source is not None else None
    result = solved.result

    def build() -> bytes:
        return build_report(result, lang=report_lang, source_sha256=sha, compared=compared,
                            frontier=frontier)

    st.download_button(t("report.download"), data=build, mime=XLSX_MIME, type="primary",
                       file_name=file_name(solved.scenario.name, report_lang),
                       icon=":material/download:", key="download_report")
