"""``voucher-opt ui [--port N] [--address A] [SCENARIO.xlsx]``: serve the Streamlit app.

On a loopback address (``127.0.0.1``, the default) the app is one person's,
recorded as the OS user. On any other address everyone signs in
(:mod:`ui.auth`); with no local user in the store and no ``[auth]`` section
in ``.streamlit/secrets.toml`` the command refuses to start and says how to
set sign-in up (exit 2).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from inputs import load_scenario
from optimizer.catalog import as_lang, text
from ui.commands.common import EXIT_INPUT
from ui.commands.users import ADD_COMMAND

APP = Path(__file__).resolve().parent.parent / "app.py"
#: The app reads the scenario to open from this variable (empty: built-in default).
SCENARIO_ENV = "VOUCHER_OPT_SCENARIO"
#: Tells the app whether everyone signs in (``required``) or not (``local``); see ui/auth.py.
AUTH_ENV = "VOUCHER_OPT_AUTH"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ui", help="start the app in the browser")
    p.add_argument("scenario", nargs="?", help="scenario workbook to open (default: Shenzhen 2024)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (not loopback: everyone signs in)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh",
                   help="language of the messages")
    p.set_defaults(run=run)


def is_loopback(address: str) -> bool:
    """Whether ``address`` reaches this machine only (``127.0.0.0/8``, ``::1``, ``localhost``).

    >>> [is_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "10.1.2.3")]
    [True, True, True, False, False]
    """
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def secrets_files() -> list[Path]:
    """Where Streamlit reads secrets: the working directory's, then the user's."""
    return [Path.cwd() / ".streamlit" / "secrets.toml",
            Path.home() / ".streamlit" / "secrets.toml"]


def oidc_configured() -> bool:
    """Whether a secrets file Streamlit reads has an ``[auth]`` section."""
    for path in secrets_files():
        try:
            if "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
    return False


def sign_in_ready() -> bool:
    """Whether anyone could sign in: a local user with a password, or OIDC."""
    from inputs.store import open_store, users

    if oidc_configured():
        return True
    return any(u.has_password for u in users.list_users(open_store()))


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if is_loopback(args.address):
        env[AUTH_ENV] = "local"
    else:
        if not sign_in_ready():
            print(text("auth.serve.no_sign_in", as_lang(getattr(args, "lang", "zh")),
                       address=args.address, command=ADD_COMMAND,
                       secrets=str(secrets_files()[0])), file=sys.stderr)
            return EXIT_INPUT
        env[AUTH_ENV] = "required"
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
