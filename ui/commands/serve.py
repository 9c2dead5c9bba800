"""``voucher-opt ui [--port N] [--address A] [SCENARIO.xlsx]``: serve the Streamlit app.

The command checks its arguments and the scenario, then *becomes* the
Streamlit server (``os.execve``): the process keeps its id, so stopping
``voucher-opt ui`` (Ctrl+C, ``kill PID``, ``make run`` ending) stops the
server and frees the port; no child is left behind. The server's upload
limit is the file size limit of :mod:`inputs.guard`.

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
import sys
import tomllib
from pathlib import Path
from typing import Any

from inputs import load_scenario_checked
from inputs.guard import MAX_FILE_BYTES, MIB
from optimizer.catalog import text
from ui.commands.common import EXIT_INPUT, CliError, add_lang
from ui.commands.users import ADD_COMMAND

APP = Path(__file__).resolve().parent.parent / "app.py"
#: The app reads the scenario to open from this variable (empty: built-in default).
SCENARIO_ENV = "VOUCHER_OPT_SCENARIO"
#: Streamlit's upload limit in megabytes (MiB), the same as the file size limit.
UPLOAD_LIMIT_MB = MAX_FILE_BYTES // MIB
#: Tells the app whether everyone signs in (``required``) or not (``local``); see ui/auth.py.
AUTH_ENV = "VOUCHER_OPT_AUTH"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ui", help="start the app in the browser")
    p.add_argument("scenario", nargs="?", help="scenario workbook to open (default: Shenzhen 2024)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (1-65535)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (not loopback: everyone signs in)")
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
    if not 1 <= args.port <= 65535:
        raise CliError("cli.port_range", got=args.port)
    env = dict(os.environ)
    if is_loopback(args.address):
        env[AUTH_ENV] = "local"
    else:
        if not sign_in_ready():
            print(text("auth.serve.no_sign_in", args.lang, address=args.address,
                       command=ADD_COMMAND, secrets=str(secrets_files()[0])), file=sys.stderr)
            return EXIT_INPUT
        env[AUTH_ENV] = "required"
    if args.scenario:
        load_scenario_checked(args.scenario)  # a bad file or ref is reported before the server
        ref = args.scenario.startswith("store:")  # the app loads store refs as they are
        env[SCENARIO_ENV] = args.scenario if ref else str(Path(args.scenario).resolve())
    command = server_command(args.port, args.address)
    print(text("cli.serving", args.lang, address=args.address, port=args.port), flush=True)
    sys.stderr.flush()
    os.execve(command[0], command, env)  # never returns: this process becomes the server
