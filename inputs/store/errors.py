"""The store's error: a code from the catalog (``store.*``) and its fields.

A :class:`StoreError` is an :class:`~inputs.errors.InputError` (a scenario
reference the user gave that cannot be used), so every edge that reports bad
input reports it too: the command line exits 2, the app shows it in place.
Its words come from :mod:`optimizer.catalog.store` in either language.
"""

from __future__ import annotations

from typing import Any

from inputs.errors import InputError
from optimizer.catalog import Lang, text


class StoreError(InputError):
    """A store operation that cannot be done, and why.

    Parameters
    ----------
    code
        The catalog key, e.g. ``"store.unknown_name"``.
    fields
        The values its text names, e.g. ``{"name": "深圳 2025"}``.

    Examples
    --------
    >>> err = StoreError("store.unknown_name", name="x")
    >>> err.text("en")
    "the store has no scenario named 'x'"
    >>> err.message_zh
    '方案库中没有名为“x”的方案'
    """

    def __init__(self, code: str, **fields: Any) -> None:
        # A store error has no place in a file: every field (even one called
        # ``column``) is a value its sentence names, not a location.
        super().__init__(code)
        self.fields = dict(fields)  # values keep their types
        self.args = (self.what("en"),)

    def what(self, lang: Lang = "zh") -> str:
        """What is wrong, in ``lang``."""
        return text(self.code, lang, **self.fields)

    def text(self, lang: Lang = "zh") -> str:
        """The message in ``lang`` (Chinese by default)."""
        return self.render(lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, self.fields))


def _rebuild(code: str, fields: dict[str, Any]) -> StoreError:
    return StoreError(code, **fields)
