"""A throw-away PostgreSQL 15 server for the tests and ``make bench``.

``initdb`` on a temporary directory (as the ``postgres`` OS user when run as
root: PostgreSQL refuses root), ``pg_ctl`` on a free port with its unix socket
in that directory and no TCP listener; stopped and removed on exit.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("VOUCHER_OPT_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    """A running server: :meth:`new_database` gives the URL of a fresh database."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.socket_dir = root / "sock"
        self._count = itertools.count(1)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres",
                               dbname="postgres", autocommit=True)

    def new_database(self) -> str:
        name = f"store_test_{next(self._count)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, database: str) -> str:
        return (f"postgresql+psycopg://postgres@/{database}"
                f"?host={self.socket_dir}&port={self.port}")


def available() -> bool:
    return (PG_BIN / "initdb").exists()


@contextmanager
def temporary_postgres() -> Iterator[Postgres]:
    """Start a server, yield it, stop it and remove its files."""
    root = Path(tempfile.mkdtemp(prefix="voucher-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
    server = Postgres(root, _free_port())
    try:
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--no-locale"]),
                       check=True, capture_output=True)
        options = f"-p {server.port} -k {sock} -c listen_addresses='' -c max_connections=200"
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options,
                                     "-l", str(root / "server.log"), "-w", "start"]),
                       check=True, capture_output=True)
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast",
                                         "-w", "stop"]), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
