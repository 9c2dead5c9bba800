"""Fixtures for the app's tests: a fresh AppTest session and captured deferred downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.ui.helpers import open_app


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
