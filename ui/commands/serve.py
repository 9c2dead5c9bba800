"""``voucher-opt ui [--port N] [SCENARIO.xlsx]``: serve the Streamlit app."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from inputs import load_scenario

APP = Path(__file__).resolve().parent.parent / "app.py"
#: The app reads the scenario to open from this variable (empty: built-in default).
SCENARIO_ENV = "VOUCHER_OPT_SCENARIO"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ui", help="start the app in the browser")
    p.add_argument("scenario", nargs="?", help="scenario workbook to open (default: Shenzhen 2024)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="address to listen on")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.scenario:
        load_scenario(Path(args.scenario))  # a bad file is reported here, before the server starts
        ref = args.scenario.startswith("store:")  # the app loads store refs as they are
        env[SCENARIO_ENV] = args.scenario if ref else str(Path(args.scenario).resolve())
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(args.port), "--server.address", args.address,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
    ]
    print(f"voucher-opt: serving on http://{args.address}:{args.port}", flush=True)
    return subprocess.call(command, env=env)
