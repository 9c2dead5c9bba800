"""Suite-wide: no test writes to the officer's own scenario store.

Every solve writes a decision-log record and the app saves drafts, so the
default store (``$XDG_DATA_HOME/voucher-opt/store.db``) is pointed at a
temporary directory for the whole session, and ``VOUCHER_OPT_DB`` is unset.
Child processes (the CLI, the served app) inherit both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "VOUCHER_OPT_DB")}
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    os.environ.pop("VOUCHER_OPT_DB", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
