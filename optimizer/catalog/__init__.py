"""One catalog of words, Chinese first: ``text(key, lang, **fields)``.

Every text an officer reads — in the app, on the command line, in the Excel
report and in error messages — comes from here. The catalog is plain data with
no Streamlit dependency; each section lives in its own module
(:mod:`optimizer.catalog.terms` for the glossary, then one module per surface)
and holds ``key → (Chinese, English)`` pairs, so a text can never exist in one
language only. Errors and findings carry a code and fields and are rendered at
the edge with :func:`text`.

>>> text("class.startup", "zh")
'初创企业'
>>> text("class.startup", "en")
'startup'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from optimizer.catalog import terms

#: The two languages; Chinese is the default everywhere.
type Lang = Literal["zh", "en"]
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


#: key → (Chinese, English), all sections together.
CATALOG: dict[str, tuple[str, str]] = _merge(terms.TEXTS)


def register(section: Mapping[str, tuple[str, str]]) -> None:
    """Add a section's texts (each section module calls this once on import)."""
    for key, pair in section.items():
        if key in CATALOG and CATALOG[key] != pair:
            raise ValueError(f"catalog key {key!r} is defined twice")
        CATALOG[key] = pair


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
