"""One catalog of words, Chinese first: ``text(key, lang, **fields)``.

Every text an officer reads — in the app, on the command line, in the Excel
report and in error messages — comes from here. The catalog is plain data with
no Streamlit dependency; each section lives in its own module
(:mod:`optimizer.catalog.terms` for the glossary, then one module per surface,
each with a ``TEXTS`` table; every module of the package is read) and holds
``key → (Chinese, English)`` pairs, so a text can never exist in one
language only. Errors and findings carry a code and fields and are rendered at
the edge with :func:`text`.

>>> text("class.startup", "zh")
'初创企业'
>>> text("class.startup", "en")
'startup'
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Any, Literal

#: The two languages; Chinese is the default everywhere.
Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"


def _merge(*sections: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for section in sections:
        for key, pair in section.items():
            if key in merged:
                raise ValueError(f"catalog key {key!r} is defined twice")
            merged[key] = pair
    return merged


def _sections() -> list[Mapping[str, tuple[str, str]]]:
    """The ``TEXTS`` table of every module of this package, in name order."""
    found = sorted(m.name for m in pkgutil.iter_modules(__path__))
    return [importlib.import_module(f"{__name__}.{name}").TEXTS for name in found]


#: key → (Chinese, English), all sections together (a key defined twice is an error).
CATALOG: dict[str, tuple[str, str]] = _merge(*_sections())


def as_lang(value: object) -> Lang:
    """``"en"`` for English, Chinese for anything else (the default)."""
    return "en" if value == "en" else "zh"


def text(key: str, lang: Lang = DEFAULT_LANG, /, **fields: Any) -> str:
    """The text ``key`` in ``lang`` with its ``{field}`` slots filled in.

    A missing key is a bug and raises :class:`KeyError` (a test checks that
    every key the code uses exists in both languages with the same fields).
    """
    pair = CATALOG[key]
    template = pair[1] if lang == "en" else pair[0]
    return template.format(**fields) if fields else template


def has(key: str) -> bool:
    """Whether ``key`` is in the catalog (for labels built from data)."""
    return key in CATALOG
