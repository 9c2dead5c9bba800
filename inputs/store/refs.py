"""Store references: ``store:NAME`` (the latest version) and ``store:NAME@N``.

Parsing a reference needs no database, so the command line can tell a
reference from a file name without importing the store.

>>> parse_ref("store:深圳 2025@2")
StoreRef(name='深圳 2025', version=2)
>>> parse_ref("store:深圳 2025")
StoreRef(name='深圳 2025', version=None)
>>> parse_ref("scenario.xlsx") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inputs.store.errors import StoreError

PREFIX = "store:"
_VERSION = re.compile(r"^(.*)@([0-9]+)$", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f/]")
MAX_NAME = 200


@dataclass(frozen=True)
class StoreRef:
    """A scenario in the store: its name and a version (1-based; None: the latest)."""

    name: str
    version: int | None = None

    def __str__(self) -> str:
        return PREFIX + self.name + ("" if self.version is None else f"@{self.version}")


def is_store_ref(source: object) -> bool:
    """Whether ``source`` (a path or text) is written as a store reference."""
    return str(source).startswith(PREFIX)


def parse_ref(source: object) -> StoreRef | None:
    """The reference written in ``source``, or None when it is not one.

    Raises
    ------
    StoreError
        ``store.bad_ref`` for ``store:`` with no name or version 0,
        ``store.bad_name`` for a name the store never accepts.
    """
    text = str(source)
    if not text.startswith(PREFIX):
        return None
    body = text[len(PREFIX):]
    version: int | None = None
    match = _VERSION.match(body)
    if match:
        body, version = match.group(1), int(match.group(2))
        if version < 1:
            raise StoreError("store.bad_ref", ref=text)
    if not body:
        raise StoreError("store.bad_ref", ref=text)
    check_name(body)
    return StoreRef(body, version)


def check_name(name: str) -> str:
    """``name`` when the store accepts it as a scenario name.

    Raises
    ------
    StoreError
        ``store.bad_name``: empty, spaces around it, a ``/`` or a control
        character, or longer than 200 characters.
    """
    reason = None
    if not name:
        reason = "empty"
    elif name != name.strip():
        reason = "spaces"
    elif _CONTROL.search(name):
        reason = "slash"
    elif len(name) > MAX_NAME:
        reason = "long"
    if reason is not None:
        raise StoreError(f"store.bad_name.{reason}", name=name)
    return name
