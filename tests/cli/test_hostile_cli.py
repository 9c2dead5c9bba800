"""The command line with bad paths, bad numbers and hostile files: exit 2 with one message
in the chosen language (Chinese by default), never a traceback; ``ui`` stops its server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from inputs import save_scenario
from inputs.builtin import default_scenario
from tests.inputs.hostile import far_cell_workbook, zip_bomb
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "good.xlsx"
    save_scenario(default_scenario(), path)
    return path


@pytest.mark.parametrize("command", ["solve", "compare", "sweep", "template"])
def test_out_into_a_missing_folder_exits_2(capsys, tmp_path, good, command):
    target = tmp_path / "no" / "such" / "report.xlsx"
    argv = {"solve": ["solve", str(good), "--out", str(target)],
            "compare": ["compare", str(good), "--out", str(target)],
            "sweep": ["sweep", str(good), "--rule", "large_cap", "--from", "0.2", "--to", "0.2",
                      "--step", "0.1", "--out", str(target)],
            "template": ["template", str(target)]}[command]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("错误：无法写入") and "不存在" in err and "Traceback" not in err
    code, _, err = run(capsys, *argv, "--lang", "en")
    assert code == 2
    assert err.startswith(f"error: cannot write {target}: the folder {target.parent} does not")
    assert not target.parent.exists()


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_ui_port_out_of_range_exits_2(capsys, port):
    code, out, err = run(capsys, "ui", "--port", port)
    assert (code, out) == (2, "")
    assert err == f"错误：端口应在 1 到 65535 之间，实际为 {port}\n"
    code, _, err = run(capsys, "ui", "--port", port, "--lang", "en")
    assert err == f"error: the port must be between 1 and 65535, got {port}\n"


def test_usage_errors_are_said_in_the_chosen_language(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["solve", "--no-such-option"])
    assert stop.value.code == 2
    assert "命令用法有误" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["solve", "--no-such-option", "--lang", "en"])
    assert "usage error: unrecognized arguments" in capsys.readouterr().err


@pytest.mark.parametrize("build", [
    lambda good: zip_bomb(3 * 2**30),
    lambda good: far_cell_workbook(good.read_bytes(), "XFD1048576"),
])  # fmt: skip
def test_hostile_files_exit_2_with_a_located_message(capsys, tmp_path, good, build):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(build(good))
    code, out, err = run(capsys, "solve", str(path), "--json", "--lang", "en")
    assert code == 2 and "Traceback" not in err
    assert '"status": "invalid_input"' in out
    assert err.startswith("error: hostile.xlsx: ")
    code, _, err = run(capsys, "solve", str(path))
    assert code == 2 and err.startswith("错误：hostile.xlsx：")


def test_warnings_are_printed_on_stderr_and_the_solve_goes_on(capsys, tmp_path):
    scenario = default_scenario()
    small = scenario.with_policy(scenario.policy.with_values(
        budgets=(("model", 5_000.0), ("training", 500_000_000.0))))
    path = tmp_path / "small.xlsx"
    save_scenario(small, path)
    code, out, err = run(capsys, "solve", str(path))
    assert code == 0 and out
    assert err.startswith("注意：small.xlsx：工作表“policy”budget.model：资金池只有 5,000 元")
    code, _, err = run(capsys, "solve", str(path), "--lang", "en")
    assert err.startswith("warning: small.xlsx: sheet 'policy' budget.model: the pool is only")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_stopping_ui_by_its_pid_stops_the_server_and_frees_the_port():
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "ui.cli", "ui", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 90
        while not _listening(port):
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        family = [server.pid, *(c.pid for c in psutil.Process(server.pid).children(True))]
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        time.sleep(0.5)
        assert not _listening(port), "the port is still held"
        alive = [pid for pid in family if psutil.pid_exists(pid)
                 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        assert alive == [], f"left running: {alive}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
