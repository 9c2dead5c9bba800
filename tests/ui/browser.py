"""What every browser test shares: the served app, real Chromium, screenshots.

- :class:`Server` runs ``streamlit run ui/app.py`` on a free port of 127.0.0.1
  with its store under a temporary folder; subclasses serve through another
  command (``voucher-opt ui --address 0.0.0.0`` in the sign-in tests).
- :func:`chromium` launches Debian's Chromium through Playwright with the flags a
  headless machine needs.
- :func:`require_browser` skips a test when Chromium or Playwright is missing
  outside CI; under ``CI=true`` that is a failure.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
START_SECONDS = 90


def require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        message = f"browser test needs {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def screenshots(tmp_path: Path) -> Path:
    """Where screenshots go: ``$SCREENSHOT_DIR`` when set, else the test's folder."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def settle(page: Any, ms: int = 1_200) -> None:
    """Wait until the app has finished its run (no running indicator), then a little more."""
    page.wait_for_timeout(300)
    status = page.locator('[data-testid="stStatusWidget"]')
    for _ in range(100):
        if status.count() == 0 or not status.first.is_visible():
            break
        page.wait_for_timeout(200)
    page.wait_for_timeout(ms)


def download(page: Any, button: Any, timeout: int = 30_000) -> Any:
    """Click ``button`` and wait for its download; a click that lands while the page is
    redrawing is lost, so click again, as a person would (at most three clicks)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        try:
            with page.expect_download(timeout=timeout) as info:
                button.click()
            return info
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            settle(page)
    raise AssertionError("unreachable")


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium, closed on the way out."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Server:
    """``streamlit run ui/app.py`` on a free port of 127.0.0.1 with its store under ``home``.

    The server runs in its own process group, so that stopping it also stops any
    child it started.
    """

    host = "127.0.0.1"

    def __init__(self, home: Path, log: Path, port: int | None = None) -> None:
        self.home, self.log, self.port = home, log, port or free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("VOUCHER_OPT_SCENARIO", "VOUCHER_OPT_DB")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env["XDG_DATA_HOME"] = str(self.home)  # the store: a fresh SQLite file
        return env

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false"]

    def cwd(self) -> Path:
        return ROOT

    def start(self) -> Server:
        require_browser()
        with self.log.open("a") as out:
            self.process = subprocess.Popen(self.command(), env=self.env(), cwd=self.cwd(),
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the app did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.process = None


@contextmanager
def serving(folder: Path) -> Iterator[Server]:
    """The app served on a fresh store under ``folder``, stopped on the way out."""
    require_browser()
    running = Server(folder / "xdg", folder / "streamlit.log").start()
    try:
        yield running
    finally:
        running.stop()
