"""``voucher-opt ui [--port N] [SCENARIO.xlsx]``: serve the Streamlit app.

The command checks its arguments and the scenario, then *becomes* the
Streamlit server (``os.execve``): the process keeps its id, so stopping
``voucher-opt ui`` (Ctrl+C, ``kill PID``, ``make run`` ending) stops the
server and frees the port; no child is left behind. The server's upload
limit is the file size limit of :mod:`inputs.guard`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from inputs import load_scenario_checked
from inputs.guard import MAX_FILE_BYTES, MIB
from optimizer.catalog import text
from ui.commands.common import CliError, add_lang

APP = Path(__file__).resolve().parent.parent / "app.py"
#: The app reads the scenario to open from this variable (empty: built-in default).
SCENARIO_ENV = "VOUCHER_OPT_SCENARIO"
#: Streamlit's upload limit in megabytes (MiB), the same as the file size limit.
UPLOAD_LIMIT_MB = MAX_FILE_BYTES // MIB


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ui", help="start the app in the browser")
    p.add_argument("scenario", nargs="?", help="scenario workbook to open (default: Shenzhen 2024)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (1-65535)")
    p.add_argument("--address", default="127.0.0.1", help="address to listen on")
    add_lang(p)
    p.set_defaults(run=run)


def server_command(port: int, address: str) -> list[str]:
    """The Streamlit command line that serves the app."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port), "--server.address", address,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--server.maxUploadSize", str(UPLOAD_LIMIT_MB),
    ]  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise CliError("cli.port_range", got=args.port)
    env = dict(os.environ)
    if args.scenario:
        load_scenario_checked(args.scenario)  # a bad file or ref is reported before the server
        ref = args.scenario.startswith("store:")  # the app loads store refs as they are
        env[SCENARIO_ENV] = args.scenario if ref else str(Path(args.scenario).resolve())
    command = server_command(args.port, args.address)
    print(text("cli.serving", args.lang, address=args.address, port=args.port), flush=True)
    sys.stderr.flush()
    os.execve(command[0], command, env)  # never returns: this process becomes the server
