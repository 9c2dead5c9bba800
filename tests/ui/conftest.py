"""Fixtures for the app's tests: a fresh AppTest session and captured deferred downloads."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import open_app


@pytest.fixture(scope="session", autouse=True)
def store_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every app session of the tests keeps its drafts in a fresh SQLite file."""
    from ui import drafts

    home = tmp_path_factory.mktemp("xdg")
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "VOUCHER_OPT_DB")}
    os.environ["XDG_DATA_HOME"] = str(home)
    os.environ.pop("VOUCHER_OPT_DB", None)
    drafts.store.clear()
    yield home / "voucher-opt" / "store.db"
    drafts.store.clear()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app on the built-in scenario, as a fresh browser tab sees it."""
    monkeypatch.delenv("VOUCHER_OPT_SCENARIO", raising=False)
    return open_app()


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """File name → the callable a deferred download button would run on click.

    AppTest's runtime lives only during a run, so the callables are captured
    as the buttons register them and called by the test afterwards.
    """
    captured: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self: MediaFileManager, data_callable: Callable[[], Any],
                     mimetype: str | None, coordinates: str, file_name: str | None = None,
                     **kwargs: Any) -> str:
        captured[file_name or coordinates] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name,
                        **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return captured
