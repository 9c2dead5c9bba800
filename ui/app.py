"""The Streamlit app: ``streamlit run ui/app.py`` (or ``voucher-opt ui``).

Opens in Chinese on the scenario named by ``VOUCHER_OPT_SCENARIO`` (the
built-in Shenzhen 2024 scenario when empty), already solved. The sidebar holds
the language switch and the state of the last solve; the pages live in
``ui/views/``, one file each (not ``pages/``: Streamlit would take that
folder for an old-style multipage app).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` puts only ui/ on the path
    sys.path.insert(0, str(ROOT))

from ui import fmt, state  # noqa: E402
from ui.i18n import LANG_KEY, LANGS, t  # noqa: E402

PAGES = Path(__file__).resolve().parent / "views"
LANG_NAMES = {"zh": "中文", "en": "English"}

# Officers never see a traceback or developer menus; the server log keeps the details.
st.set_option("client.showErrorDetails", "none")
st.set_option("client.toolbarMode", "viewer")
st.set_page_config(page_title="算力券 · Voucher allocation", page_icon=":material/calculate:",
                   layout="wide")
if LANG_KEY not in st.session_state:
    st.session_state[LANG_KEY] = "zh"
state.bootstrap()

with st.sidebar:
    st.segmented_control(t("app.language"), LANGS, key=LANG_KEY, format_func=LANG_NAMES.get,
                         required=True)

NAV = (  # (page, icon): the file in ui/views/ and its URL path share the name
    ("scenario", ":material/edit_note:"),
    ("results", ":material/bar_chart:"),
    ("compare", ":material/balance:"),
    ("frontier", ":material/show_chart:"),
    ("report", ":material/download:"),
)
pages = [st.Page(PAGES / f"{name}.py", title=t(f"nav.{name}"), icon=icon, url_path=name,
                 default=name == "scenario") for name, icon in NAV]
page = st.navigation(pages)

with st.sidebar:
    solved = state.solved()
    st.markdown(f"**{t('app.title')}**")
    st.caption(t("app.scenario", name=st.session_state.scenario_name))
    if solved.result.optimal:
        st.caption(t("app.solved", funded=fmt.count(solved.result.firms_funded),
                     firms=fmt.count(len(solved.scenario.firms))))
    else:
        st.caption(t("app.infeasible"))
    if state.saved():
        st.caption(t("app.saved", n=len(state.saved())))

page.run()
