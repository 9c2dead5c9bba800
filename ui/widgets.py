"""Choice widgets keyed by stable codes, whose value lives in the session.

A select box, radio or segmented control holds a *code* (``impact``,
``total``, ``class``); its words come from ``format_func`` only. The widget's
key carries the language, so switching language draws a fresh widget showing
the same code in the other language; its ``on_change`` copies the code into
the session, which is the only truth (a widget Streamlit dropped comes back
with the session's value).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from ui import state
from ui.i18n import lang

SS = st.session_state


def widget_key(code: str) -> str:
    """The key of the widget for the choice ``code`` in the session's language."""
    return f"{code}.{lang()}"


def picked(code: str, options: Sequence[str], default: str | None = None) -> str:
    """The session's value of choice ``code`` (the default or the first option when unset)."""
    value = state.session().view.get(code)
    if value in options:
        return str(value)
    if default is not None and default in options:
        return default
    return options[0]


def _copy(code: str, key: str, options: Sequence[str],
          on_pick: Callable[[str], None] | None) -> None:
    value = SS.get(key)
    if value is None or value not in options:
        return
    state.session().view[code] = value
    state.session().changed()
    if on_pick is not None:
        on_pick(value)


def choice(kind: str, label: str, code: str, options: Sequence[str],
           format_func: Callable[[Any], str], *, default: str | None = None,
           on_pick: Callable[[str], None] | None = None, **kwargs: Any) -> str:
    """Draw a ``selectbox``, ``radio`` or ``segmented_control`` of codes; return the code."""
    options = list(options)
    value = picked(code, options, default)
    key = widget_key(code)
    common = {"key": key, "format_func": format_func, "on_change": _copy,
              "args": (code, key, options, on_pick), **kwargs}
    if key in SS and SS[key] != value:
        del SS[key]  # the session changed the choice (e.g. a loaded scenario): show it
    if kind == "segmented":
        st.segmented_control(label, options, default=value, required=True, **common)
    elif kind == "radio":
        st.radio(label, options, index=options.index(value), **common)
    else:
        st.selectbox(label, options, index=options.index(value), **common)
    state.session().view[code] = value
    return value
