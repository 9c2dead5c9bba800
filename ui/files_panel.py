"""Scenario files: upload a workbook or firms CSV, download the scenario or the template."""

from __future__ import annotations

import functools
import hashlib

import streamlit as st

from inputs import InputError, parse_firms_csv_text, read_scenario, write_scenario, write_template
from inputs.scenario_io import decode_csv
from inputs.store.access import Action
from inputs.store.service import Service
from optimizer import Scenario
from ui import auth, state
from ui.errors import show_input_error
from ui.i18n import t

SS = st.session_state
UPLOAD_KEY = "upload"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_upload(data: bytes, file: str) -> Scenario:
    """A scenario from uploaded bytes; a firms CSV keeps the policy on screen."""
    if file.lower().endswith(".csv"):
        session = state.session()
        policy = session.working.policy
        if policy is None and session.solved is not None:
            policy = session.solved.scenario.policy  # the form has an error: the last solved
        return parse_firms_csv_text(decode_csv(data, file), file, policy=policy)
    return read_scenario(data, file)


@auth.guarded(Action.SOLVE)
def _on_upload() -> None:
    upload = SS.get(UPLOAD_KEY)
    if upload is None:
        return
    data = upload.getvalue()
    try:
        scenario = read_upload(data, upload.name)
    except InputError as err:
        state.session().upload_error = err
        return
    state.load(scenario, file=upload.name, sha256=hashlib.sha256(data).hexdigest())


def _scenario_bytes(scenario: Scenario, service: Service | None = None) -> bytes:
    data = write_scenario(scenario)
    if service is not None:  # the download is an export: it goes into the audit log
        service.exported("scenario", scenario.name, scenario_digest=scenario.digest,
                         sha256=hashlib.sha256(data).hexdigest())
    return data


def render() -> None:
    """The upload box (with its error in place) and the two downloads."""
    left, right = st.columns([3, 2])
    with left:
        st.file_uploader(t("files.upload"), type=["xlsx", "xlsm", "xls", "ods", "csv"],
                         key=UPLOAD_KEY, on_change=_on_upload, help=t("files.upload.help"))
        st.caption(t("files.upload.note"))
        error: InputError | None = state.session().upload_error
        if error is not None:
            show_input_error(error)
    with right:
        scenario = state.session().working.scenario()
        name = f"{state.session().working.name}.xlsx"
        # the service is taken now: the download runs outside this script run
        service = auth.service() if auth.current() is not None else None
        st.download_button(
            t("files.download"),
            data=functools.partial(_scenario_bytes, scenario, service) if scenario else b"",
            file_name=name, mime=XLSX_MIME, disabled=scenario is None, key="download_scenario",
            icon=":material/download:", width="stretch", help=t("files.download.help"))
        st.download_button(
            t("files.template"), data=lambda: write_template(), file_name="template.xlsx",
            mime=XLSX_MIME, key="download_template", icon=":material/description:",
            width="stretch", help=t("files.template.help"))
        st.button(t("files.default"), on_click=state.open_default, key="load_default",
                  width="stretch", help=t("files.default.help"))
        st.button(t("files.fair"), on_click=state.open_fair, key="load_fair", width="stretch",
                  help=t("files.fair.help"))
