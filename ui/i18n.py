"""Every label of the app in Chinese and English: ``t(key)`` picks the session's language.

The texts live in :mod:`ui.texts` as ``key → (zh, en)`` pairs, so a label can
never exist in one language only. The language is the session's ``lang``
(``"zh"`` by default), set by the switch in the sidebar.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from optimizer.money import Lang
from ui.texts import TEXTS

LANGS: tuple[Lang, ...] = ("zh", "en")
LANG_KEY = "lang"


#: The language of the last script run in this process. Only read outside a run,
#: where there is no session (a test harness formatting a widget's options).
_last: list[Lang] = ["zh"]


def lang() -> Lang:
    """The session's language."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return _last[0]
    value: Lang = "en" if st.session_state.get(LANG_KEY, "zh") == "en" else "zh"
    _last[0] = value
    return value


def t(key: str, /, **values: Any) -> str:
    """The label ``key`` in the session's language, with ``{name}`` fields filled in.

    An unknown key shows as itself, so a missing text is visible but never a crash.
    """
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang() == "zh" else pair[1]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """Whether ``key`` has a text (for labels built from data, e.g. ``class.startup``)."""
    return key in TEXTS
