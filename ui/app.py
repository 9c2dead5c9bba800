"""The Streamlit app: ``streamlit run ui/app.py`` (or ``voucher-opt ui``).

Opens in Chinese on the draft named in the URL (``?draft=…``), else on the
scenario named by ``VOUCHER_OPT_SCENARIO`` (the built-in Shenzhen 2024
scenario when empty), already solved. The sidebar holds the language switch
and the state of the last solve; the pages live in ``ui/views/``, one file
each (not ``pages/``: Streamlit would take that folder for an old-style
multipage app). After every run that changed the session the draft is saved
to the store.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` puts only ui/ on the path
    sys.path.insert(0, str(ROOT))

from ui import drafts, fmt, state  # noqa: E402
from ui.i18n import LANG_NAMES, LANGS, t  # noqa: E402

PAGES = Path(__file__).resolve().parent / "views"
#: A local icon: an office without internet must not wait for a favicon.
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"

# Officers never see a traceback or developer menus; the server log keeps the details.
st.set_option("client.showErrorDetails", "none")
st.set_option("client.toolbarMode", "viewer")
st.set_page_config(page_title="算力券 · Voucher allocation", page_icon=str(ICON), layout="wide")
session = state.session()
if state.DRAFT_PARAM not in st.query_params:  # e.g. after following a page link
    st.query_params[state.DRAFT_PARAM] = session.draft_id


def _pick_lang() -> None:
    session.set_lang(st.session_state.get("lang_pick") or session.lang)


with st.sidebar:
    if st.session_state.get("lang_pick") != session.lang:
        st.session_state["lang_pick"] = session.lang
    st.segmented_control(t("app.language"), LANGS, key="lang_pick", format_func=LANG_NAMES.get,
                         required=True, on_change=_pick_lang)

NAV = (  # (page, icon): the file in ui/views/ and its URL path share the name
    ("scenario", ":material/edit_note:"),
    ("results", ":material/bar_chart:"),
    ("compare", ":material/balance:"),
    ("frontier", ":material/show_chart:"),
    ("report", ":material/download:"),
    ("rounds", ":material/event_repeat:"),
    ("library", ":material/folder_open:"),
)
pages = [st.Page(PAGES / f"{name}.py", title=t(f"nav.{name}"), icon=icon, url_path=name,
                 default=name == "scenario") for name, icon in NAV]
page = st.navigation(pages)

with st.sidebar:
    st.markdown(f"**{t('app.title')}**")
    st.caption(t("app.scenario", name=session.working.name))
    solved = session.solved
    if solved is None:
        st.caption(t("app.unsolved"))
    elif solved.optimal:
        st.caption(t("app.solved", funded=fmt.count(solved.result.firms_funded),
                     firms=fmt.count(len(solved.scenario.firms))))
    else:
        st.caption(t("app.infeasible"))
    if session.is_stale():
        st.caption(t("app.stale"))
    if session.what_ifs:
        st.caption(t("app.saved", n=len(session.what_ifs)))
    st.caption(t("app.draft", draft=session.draft_id))
    failed = drafts.writer().failed.get(session.draft_id)
    if failed:
        st.warning(t("app.draft_failed", error=failed), icon=":material/sync_problem:")

try:
    page.run()
finally:  # also after st.stop() or st.rerun() in a page
    drafts.autosave(session)
