"""The store's fixtures: every test runs on a SQLite file and on a real PostgreSQL 15.

PostgreSQL is started once per session by the suite itself: ``initdb`` on a
temporary directory (as the ``postgres`` OS user when the suite runs as root),
``pg_ctl`` on a free port with its unix socket in that directory, and stopped
at the end. Each test gets a database of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inputs.builtin import default_scenario
from inputs.store import Store, open_store
from optimizer import Scenario
from tests.store import pg
from tests.store.pg import Postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    if not pg.available():
        pytest.fail(f"PostgreSQL 15 is not installed ({pg.PG_BIN}/initdb is missing): "
                    "run scripts/install-system-deps.sh as root")
    with pg.temporary_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server: Postgres = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def shenzhen() -> Scenario:
    return default_scenario()


def drop_guards(store: Store, table: str) -> None:
    """Remove the triggers that refuse UPDATE and DELETE on ``table`` (as a database owner can).

    Tests that simulate damage done outside the app call this first.
    """
    import sqlalchemy as sa

    with store.engine.begin() as conn:
        if store.sqlite:
            names = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                         "AND tbl_name = :t"), {"t": table}).scalars().all()
            for name in names:
                conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
        else:
            conn.execute(sa.text(f'ALTER TABLE "{table}" DISABLE TRIGGER USER'))
