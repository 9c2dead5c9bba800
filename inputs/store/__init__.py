"""The scenario store (方案库): a database under the app and the command line.

It keeps named scenarios with append-only versions, each browser session's
draft, saved what-ifs and the decision log (one record per solve). The
default database is a SQLite file at ``$XDG_DATA_HOME/voucher-opt/store.db``
(``~/.local/share/voucher-opt/`` when the variable is unset); ``VOUCHER_OPT_DB``
takes any SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/db``.

>>> from inputs.store import open_store            # doctest: +SKIP
>>> store = open_store()                           # doctest: +SKIP
>>> ref = store.save_version("深圳 2025", scenario) # doctest: +SKIP
>>> store.load_version("深圳 2025", ref.version)    # doctest: +SKIP

Importing this package is cheap: the database layer (SQLAlchemy) is imported
the first time :class:`Store`, :func:`open_store` or :func:`load_ref` is used,
so commands that never touch the store do not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inputs.store.errors import StoreError
from inputs.store.records import LogEntry, ScenarioInfo, VersionInfo, VersionRef, WhatIf
from inputs.store.refs import StoreRef, check_name, is_store_ref, parse_ref

if TYPE_CHECKING:
    from inputs.store.db import Store, default_path, default_url, open_store
    from inputs.store.decisions import log_entry, record_solve
    from inputs.store.resolve import load_ref, source_sha256

_LAZY = {
    "Store": "inputs.store.db", "open_store": "inputs.store.db",
    "default_path": "inputs.store.db", "default_url": "inputs.store.db",
    "log_entry": "inputs.store.decisions", "record_solve": "inputs.store.decisions",
    "load_ref": "inputs.store.resolve", "source_sha256": "inputs.store.resolve",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "LogEntry",
    "ScenarioInfo",
    "Store",
    "StoreError",
    "StoreRef",
    "VersionInfo",
    "VersionRef",
    "WhatIf",
    "check_name",
    "default_path",
    "default_url",
    "is_store_ref",
    "load_ref",
    "log_entry",
    "open_store",
    "parse_ref",
    "record_solve",
    "source_sha256",
]
