"""The store: scenarios with append-only versions, drafts, what-ifs and the decision log.

One :class:`Store` wraps a SQLAlchemy engine. Every write is one short
transaction: on SQLite ``BEGIN IMMEDIATE`` (one writer at a time, readers
never blocked thanks to WAL, waiting writers retry for up to 30 s), on
PostgreSQL the scenario's row is locked with ``SELECT … FOR UPDATE``. The
unique ``(scenario_id, version)`` constraint is the last guard: a save that
loses a race is retried with the next number, so concurrent saves of one name
get versions 1, 2, 3, … and none is lost.
"""

from __future__ import annotations

import getpass
import json
import math
import os
import sqlite3
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from inputs.store import codec, schema
from inputs.store.errors import StoreError
from inputs.store.records import LogEntry, ScenarioInfo, VersionInfo, VersionRef, WhatIf
from inputs.store.refs import check_name
from optimizer.diff import ScenarioDiff, diff_scenarios
from optimizer.scenario import Scenario

#: The environment variable that names the database (any SQLAlchemy URL).
URL_ENV = "VOUCHER_OPT_DB"
#: Seconds a SQLite writer waits for another before giving up.
BUSY_TIMEOUT = 30.0
#: Attempts of a save that loses a race for its version number.
SAVE_ATTEMPTS = 20
#: Key of the PostgreSQL advisory lock held while the schema is upgraded.
_MIGRATION_LOCK = 0x766F7563  # "vouc"

sv, sc, vt, dr, wi, lg = (schema.schema_version, schema.scenarios, schema.versions,
                          schema.drafts, schema.what_ifs, schema.decision_log)


def default_path() -> Path:
    """``$XDG_DATA_HOME/voucher-opt/store.db`` (``~/.local/share/…`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "voucher-opt" / "store.db"


def default_url() -> str:
    """``$VOUCHER_OPT_DB`` when set, else the SQLite file of :func:`default_path`."""
    return os.environ.get(URL_ENV) or f"sqlite:///{default_path()}"


_OPEN: dict[tuple[int, str], Store] = {}
_OPEN_LOCK = threading.Lock()


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default: :func:`default_url`), created and upgraded on first use.

    One :class:`Store` per URL and process is kept and handed out again.

    Raises
    ------
    StoreError
        ``store.unavailable`` when the database cannot be opened or created,
        ``store.newer_schema`` when a newer release has upgraded it.
    """
    url = url or default_url()
    key = (os.getpid(), url)
    with _OPEN_LOCK:
        store = _OPEN.get(key)
        if store is None:
            store = _OPEN[key] = Store(url)
        return store


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return None


def _dumps(value: Any) -> str:
    return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, sort_keys=True)


def _finite(value: Any) -> Any:
    """JSON-ready: NaN and infinities become null, numpy scalars Python numbers."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Store:
    """A scenario store in the database at ``url`` (see the module text)."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = sa.make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.sqlite = parsed.get_backend_name() == "sqlite"
        self.shown_url = parsed.render_as_string(hide_password=True)
        try:
            if self.sqlite:
                self.engine = self._sqlite_engine(parsed)
            else:
                self.engine = sa.create_engine(parsed, pool_pre_ping=True)
            self.schema_version = self._upgrade()
        except DBAPIError as err:
            reason = " ".join(str(err.orig).split())[:300]
            raise StoreError("store.unavailable", url=self.shown_url, reason=reason) from None
        except OSError as err:
            raise StoreError("store.unavailable", url=self.shown_url,
                             reason=err.strerror or str(err)) from None

    # -- connection ---------------------------------------------------------------------

    def _sqlite_engine(self, url: sa.URL) -> Engine:
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
            _wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("voucher_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (SQLite: taken immediately, so writers queue rather than fail)."""
        with self._reachable(), self.engine.connect() as conn:
            conn.execution_options(voucher_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._reachable(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """A lost server or a lock held past the busy timeout is ``store.unavailable``."""
        try:
            yield
        except OperationalError as err:
            reason = " ".join(str(err.orig).split())[:300]
            raise StoreError("store.unavailable", url=self.shown_url, reason=reason) from err

    def _time(self, value: datetime) -> datetime:
        """A UTC time as the database keeps it (SQLite: naive UTC text)."""
        return _utc(value).replace(tzinfo=None) if self.sqlite else _utc(value)

    def _upgrade(self, target: int = schema.CURRENT) -> int:
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            found = schema.current_version(conn)
            if found > schema.CURRENT:
                raise StoreError("store.newer_schema", url=self.shown_url, found=found,
                                 known=schema.CURRENT)
            return schema.upgrade(conn, target)

    def close(self) -> None:
        """Release the database connections; :func:`open_store` will open it afresh."""
        with _OPEN_LOCK:
            if _OPEN.get((os.getpid(), self.url)) is self:
                del _OPEN[(os.getpid(), self.url)]
        self.engine.dispose()

    # -- scenarios and versions ------------------------------------------------------------

    def save_version(self, name: str, scenario: Scenario, *, user: str | None = None,
                     note: str = "") -> VersionRef:
        """Append ``scenario`` as the next version of ``name`` (new: created; deleted: restored).

        Raises
        ------
        StoreError
            ``store.bad_name.*`` for a name the store does not accept, or
            ``store.unsupported_column`` for a firms column it cannot keep exactly.
        """
        check_name(name)
        data = codec.encode_scenario(scenario)
        digest = scenario.digest
        row = {"digest": digest, "user_name": user if user is not None else _os_user(),
               "encoding": codec.ENCODING, "data": data, "note": note,
               "n_firms": len(scenario.firms)}
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._write() as conn:
                    scenario_id = self._scenario_for_save(conn, name)
                    latest = conn.execute(sa.select(sa.func.max(vt.c.version))
                                          .where(vt.c.scenario_id == scenario_id)).scalar()
                    version = int(latest or 0) + 1
                    conn.execute(vt.insert().values(scenario_id=scenario_id, version=version,
                                                    saved_at=self._time(_now()), **row))
                return VersionRef(name, version, digest, scenario_id)
            except IntegrityError:
                if attempt == SAVE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _scenario_for_save(self, conn: Connection, name: str) -> int:
        """The id of scenario ``name``, locked for this transaction; created when new."""
        query = sa.select(sc.c.id, sc.c.deleted_at).where(sc.c.name == name).with_for_update()
        found = conn.execute(query).first()
        if found is None:
            try:
                with conn.begin_nested():
                    conn.execute(sc.insert().values(name=name, created_at=self._time(_now())))
            except IntegrityError:  # created by another writer since our select
                pass
            found = conn.execute(query).one()
        if found.deleted_at is not None:
            conn.execute(sc.update().where(sc.c.id == found.id).values(deleted_at=None))
        return int(found.id)

    def _scenario(self, conn: Connection, name: str, *, deleted_ok: bool = False) -> Any:
        found = conn.execute(sa.select(sc).where(sc.c.name == name)).first()
        if found is None:
            raise StoreError("store.unknown_name", name=name)
        if found.deleted_at is not None and not deleted_ok:
            raise StoreError("store.deleted", name=name)
        return found

    def _version_row(self, conn: Connection, name: str, version: int | None,
                     *, columns: tuple[Any, ...] = ()) -> Any:
        scenario = self._scenario(conn, name)
        query = sa.select(vt.c.version, vt.c.digest, vt.c.data, *columns).where(
            vt.c.scenario_id == scenario.id)
        if version is None:
            query = query.order_by(vt.c.version.desc()).limit(1)
        else:
            query = query.where(vt.c.version == version)
        found = conn.execute(query).first()
        if found is None:
            count = conn.execute(sa.select(sa.func.count()).select_from(vt)
                                 .where(vt.c.scenario_id == scenario.id)).scalar()
            raise StoreError("store.unknown_version", name=name, version=version, count=count)
        return found

    def load_version(self, name: str, version: int | None = None) -> Scenario:
        """Version ``version`` (from 1; None: the latest) of ``name``, named ``name``.

        Raises
        ------
        StoreError
            ``store.unknown_name``, ``store.deleted``, ``store.unknown_version``, or
            ``store.corrupt`` when the stored bytes no longer give their digest.
        """
        return self.load(name, version)[0]

    def load(self, name: str, version: int | None = None) -> tuple[Scenario, VersionRef]:
        """Like :meth:`load_version`, with the reference of the version it resolved to."""
        with self._read() as conn:
            scenario_id = self._scenario(conn, name).id
            row = self._version_row(conn, name, version)
        scenario = self._decode(bytes(row.data), name, row.digest, row.version)
        return scenario, VersionRef(name, int(row.version), row.digest, int(scenario_id))

    def _decode(self, data: bytes, name: str, digest: str, version: int) -> Scenario:
        try:
            scenario = codec.decode_scenario(data, name)
        except (ValueError, KeyError, TypeError, IndexError, zlib.error, struct.error) as err:
            raise StoreError("store.corrupt", name=name, version=version) from err
        if scenario.digest != digest:
            raise StoreError("store.corrupt", name=name, version=version)
        return scenario

    def list_scenarios(self, *, include_deleted: bool = False) -> list[ScenarioInfo]:
        """Every scenario with its latest version, the most recently saved first."""
        counts = (sa.select(vt.c.scenario_id, sa.func.max(vt.c.version).label("latest"),
                            sa.func.count().label("n"))
                  .group_by(vt.c.scenario_id).subquery())
        query = (sa.select(sc.c.id, sc.c.name, sc.c.deleted_at, counts.c.n, vt.c.version,
                           vt.c.digest, vt.c.saved_at, vt.c.user_name, vt.c.note, vt.c.n_firms)
                 .join(counts, counts.c.scenario_id == sc.c.id)
                 .join(vt, (vt.c.scenario_id == sc.c.id) & (vt.c.version == counts.c.latest))
                 .order_by(vt.c.saved_at.desc(), sc.c.name))
        if not include_deleted:
            query = query.where(sc.c.deleted_at.is_(None))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [ScenarioInfo(r.name, int(r.id), int(r.n), _info(r), r.deleted_at is not None)
                for r in rows]

    def versions(self, name: str) -> list[VersionInfo]:
        """The versions of ``name`` (deleted or not), oldest first."""
        with self._read() as conn:
            scenario = self._scenario(conn, name, deleted_ok=True)
            rows = conn.execute(
                sa.select(vt.c.version, vt.c.digest, vt.c.saved_at, vt.c.user_name, vt.c.note,
                          vt.c.n_firms)
                .where(vt.c.scenario_id == scenario.id).order_by(vt.c.version)).all()
        return [_info(r) for r in rows]

    def rename(self, name: str, new_name: str) -> None:
        """Give scenario ``name`` (and all its versions) the name ``new_name``.

        Raises
        ------
        StoreError
            ``store.unknown_name``; ``store.name_taken`` when ``new_name`` is used
            (by a deleted scenario too); ``store.bad_name.*``.
        """
        check_name(new_name)
        try:
            with self._write() as conn:
                scenario = self._scenario(conn, name, deleted_ok=True)
                self._check_free(conn, new_name)
                conn.execute(sc.update().where(sc.c.id == scenario.id).values(name=new_name))
        except IntegrityError:
            raise StoreError("store.name_taken", name=new_name) from None

    def _check_free(self, conn: Connection, name: str) -> None:
        if conn.execute(sa.select(sc.c.id).where(sc.c.name == name)).first() is not None:
            raise StoreError("store.name_taken", name=name)

    def duplicate(self, name: str, new_name: str) -> VersionRef:
        """A new scenario ``new_name`` whose version 1 is the latest version of ``name``."""
        check_name(new_name)
        try:
            with self._write() as conn:
                source = self._version_row(conn, name, None,
                                           columns=(vt.c.n_firms, vt.c.encoding))
                self._check_free(conn, new_name)
                new_id = _new_id(conn.execute(sc.insert().values(
                    name=new_name, created_at=self._time(_now()))))
                conn.execute(vt.insert().values(
                    scenario_id=new_id, version=1, digest=source.digest,
                    saved_at=self._time(_now()), user_name=_os_user(),
                    encoding=source.encoding, data=source.data, n_firms=source.n_firms,
                    note=f"{name}@{source.version}"))
        except IntegrityError:
            raise StoreError("store.name_taken", name=new_name) from None
        return VersionRef(new_name, 1, source.digest, int(new_id))

    def delete(self, name: str) -> None:
        """Hide ``name`` from the library (its versions are kept; :meth:`undelete` restores it)."""
        with self._write() as conn:
            scenario = self._scenario(conn, name, deleted_ok=True)
            if scenario.deleted_at is None:
                conn.execute(sc.update().where(sc.c.id == scenario.id)
                             .values(deleted_at=self._time(_now())))

    def undelete(self, name: str) -> None:
        """Bring a deleted scenario back to the library."""
        with self._write() as conn:
            scenario = self._scenario(conn, name, deleted_ok=True)
            conn.execute(sc.update().where(sc.c.id == scenario.id).values(deleted_at=None))

    def diff(self, name: str, va: int, vb: int) -> ScenarioDiff:
        """What changed from version ``va`` to version ``vb`` of ``name``."""
        return diff_scenarios(self.load_version(name, va), self.load_version(name, vb))

    def find_version(self, name: str, digest: str) -> int | None:
        """The latest version of ``name`` with this digest, or None."""
        with self._read() as conn:
            scenario = self._scenario(conn, name, deleted_ok=True)
            found = conn.execute(sa.select(sa.func.max(vt.c.version)).where(
                (vt.c.scenario_id == scenario.id) & (vt.c.digest == digest))).scalar()
        return None if found is None else int(found)

    # -- drafts ---------------------------------------------------------------------------

    def save_draft(self, draft_id: str, data: bytes) -> None:
        """Keep ``data`` as the working copy of browser session ``draft_id`` (replacing it)."""
        values = {"draft_id": draft_id, "data": data, "saved_at": self._time(_now())}
        with self._write() as conn:
            if conn.dialect.name in ("sqlite", "postgresql"):
                insert = (sqlite.insert(dr) if self.sqlite
                          else postgresql.insert(dr))
                conn.execute(insert.values(**values).on_conflict_do_update(
                    index_elements=[dr.c.draft_id],
                    set_={"data": values["data"], "saved_at": values["saved_at"]}))
                return
            updated = conn.execute(dr.update().where(dr.c.draft_id == draft_id)
                                   .values(data=data, saved_at=values["saved_at"]))
            if updated.rowcount == 0:
                conn.execute(dr.insert().values(**values))

    def load_draft(self, draft_id: str) -> bytes | None:
        """The working copy of ``draft_id``, or None when it has none."""
        with self._read() as conn:
            data = conn.execute(sa.select(dr.c.data).where(dr.c.draft_id == draft_id)).scalar()
        return None if data is None else bytes(data)

    def delete_draft(self, draft_id: str) -> None:
        """Forget the working copy of ``draft_id`` (its what-ifs stay)."""
        with self._write() as conn:
            conn.execute(dr.delete().where(dr.c.draft_id == draft_id))

    # -- what-ifs -------------------------------------------------------------------------

    def save_what_if(self, draft_id: str, name: str, scenario: Scenario, *,
                     base: VersionRef | None = None,
                     result_summary: dict[str, Any] | None = None) -> int:
        """Keep a what-if of browser session ``draft_id``; return its id."""
        values = {
            "draft_id": draft_id, "name": name, "digest": scenario.digest,
            "encoding": codec.ENCODING, "data": codec.encode_scenario(scenario),
            "base_scenario_id": base.scenario_id if base else None,
            "base_version": base.version if base else None,
            "base_digest": base.digest if base else None,
            "result_summary": None if result_summary is None else _dumps(result_summary),
            "saved_at": self._time(_now()),
        }
        with self._write() as conn:
            return _new_id(conn.execute(wi.insert().values(**values)))

    def what_ifs(self, draft_id: str) -> list[WhatIf]:
        """The what-ifs of ``draft_id``, oldest first."""
        query = (sa.select(wi, sc.c.name.label("base_name"))
                 .join(sc, sc.c.id == wi.c.base_scenario_id, isouter=True)
                 .where(wi.c.draft_id == draft_id).order_by(wi.c.id))
        with self._read() as conn:
            rows = conn.execute(query).all()
        found = []
        for r in rows:
            base = (VersionRef(r.base_name, int(r.base_version), r.base_digest,
                               int(r.base_scenario_id))
                    if r.base_scenario_id is not None else None)
            scenario = self._decode(bytes(r.data), r.name, r.digest, 0)
            summary = None if r.result_summary is None else json.loads(r.result_summary)
            found.append(WhatIf(int(r.id), r.name, scenario, base, _utc(r.saved_at), summary))
        return found

    def delete_what_if(self, what_if_id: int) -> None:
        """Delete one what-if.

        Raises
        ------
        StoreError
            ``store.unknown_what_if`` when there is none with this id.
        """
        with self._write() as conn:
            gone = conn.execute(wi.delete().where(wi.c.id == what_if_id)).rowcount
        if not gone:
            raise StoreError("store.unknown_what_if", id=what_if_id)

    # -- the decision log ---------------------------------------------------------------------

    def log_solve(self, entry: LogEntry) -> None:
        """Append one solve to the decision log (time and user filled in when None)."""
        values = {
            "at": self._time(entry.at or _now()),
            "user_name": entry.user if entry.user is not None else _os_user(),
            "scenario_name": entry.scenario_name, "version": entry.version,
            "digest": entry.digest, "status": entry.status,
            "objective": _finite(entry.objective), "figures": _dumps(entry.figures),
            "solver": entry.solver, "package_versions": _dumps(entry.versions),
        }
        with self._write() as conn:
            conn.execute(lg.insert().values(**values))

    def log(self, limit: int = 100, name: str | None = None) -> list[LogEntry]:
        """The latest ``limit`` solves (of scenario ``name`` only, when given), newest first."""
        query = sa.select(lg).order_by(lg.c.at.desc(), lg.c.id.desc()).limit(limit)
        if name is not None:
            query = query.where(lg.c.scenario_name == name)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [LogEntry(_utc(r.at), r.user_name, r.scenario_name, r.version, r.digest,
                         r.status, r.objective, json.loads(r.figures), r.solver,
                         json.loads(r.package_versions)) for r in rows]


def _new_id(inserted: sa.CursorResult[Any]) -> int:
    key = inserted.inserted_primary_key
    assert key is not None
    return int(key[0])


def _info(r: Any) -> VersionInfo:
    return VersionInfo(int(r.version), r.digest, _utc(r.saved_at), r.user_name, r.note or "",
                       int(r.n_firms))


def _wal(cursor: Any) -> None:
    """Put the database in WAL mode (once; the mode is kept in the file).

    Switching a new database to WAL needs it to itself for a moment, and SQLite
    answers "database is locked" at once, without its busy handler, while
    another process is creating the same store. So the switch is retried, for
    as long as the busy timeout, until it takes.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT
    delay = 0.02
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
