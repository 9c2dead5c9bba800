"""The app's words: ``t(key)`` is the catalog's ``app.<key>`` in the session's language.

The texts live in :mod:`optimizer.catalog.app` (glossary words in
:mod:`optimizer.catalog.terms`), so a label can never exist in one language
only. The language is the session's (:class:`ui.session.Session`), set by
the switch in the sidebar; Chinese by default.
"""

from __future__ import annotations

from typing import Any

from streamlit.runtime.scriptrunner import get_script_run_ctx

from optimizer.catalog import CATALOG, Lang, text
from optimizer.catalog import has as catalog_has

LANGS: tuple[Lang, ...] = ("zh", "en")
LANG_NAMES = {"zh": "中文", "en": "English"}

#: The language of the last script run in this process. Only read outside a run,
#: where there is no session (a test harness formatting a widget's options).
_last: list[Lang] = ["zh"]


def lang() -> Lang:
    """The session's language."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return _last[0]
    from ui import state

    value: Lang = "en" if state.session().lang == "en" else "zh"
    _last[0] = value
    return value


def t(key: str, /, **values: Any) -> str:
    """The app text ``key`` (catalog key ``app.<key>``) in the session's language.

    An English label that begins with a glossary word (``{program} paid``,
    ``{cls} (%)``) starts with a capital letter.
    """
    language = lang()
    out = text(f"app.{key}", language, **values)
    if language == "en" and CATALOG[f"app.{key}"][1].startswith(("{program}", "{cls}")):
        out = out[:1].upper() + out[1:]
    return out


def term(key: str, /, **values: Any) -> str:
    """A glossary or other catalog text by its full key (``class.startup``, ``term.pool``)."""
    return text(key, lang(), **values)


def has(key: str) -> bool:
    """Whether the app text ``key`` exists."""
    return catalog_has(f"app.{key}")


def has_term(key: str) -> bool:
    """Whether the full catalog key exists (for labels built from data)."""
    return catalog_has(key)
