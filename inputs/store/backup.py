"""Backups of the whole store, portable between SQLite and PostgreSQL.

A backup is a zip file: ``manifest.json`` (format, schema version, the row
count and SHA-256 of each table's file, the audit chain's head) and one
``tables/NAME.jsonl`` per table, a JSON object per row. Bytes are base64,
times UTC ISO 8601 to the microsecond, so a backup of a SQLite store restores
into PostgreSQL and back with every row, digest and audit hash intact.

:func:`restore` writes into an empty store only (of the same schema version),
checks each table file's digest first, keeps every id, and then checks the
audit chain.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from inputs.store import audit, schema
from inputs.store.access import Action, Actor, require
from inputs.store.errors import StoreError

if TYPE_CHECKING:
    from inputs.store.db import Store

FORMAT = "voucher-opt-backup"
FORMAT_VERSION = 1
#: Tables copied, parents before children (``schema_version`` is written by the store itself).
TABLES: tuple[sa.Table, ...] = tuple(t for t in schema.METADATA.sorted_tables
                                     if t.name != "schema_version")


def _encode(table: sa.Table, row: sa.Row[Any]) -> dict[str, Any]:
    from inputs.store.db import _utc

    out: dict[str, Any] = {}
    for column in table.columns:
        value = getattr(row, column.name)
        if value is None:
            out[column.name] = None
        elif isinstance(column.type, sa.LargeBinary):
            out[column.name] = base64.b64encode(bytes(value)).decode("ascii")
        elif isinstance(column.type, sa.DateTime):
            out[column.name] = _utc(value).isoformat(timespec="microseconds")
        else:
            out[column.name] = value
    return out


def _decode(store: Store, table: sa.Table, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = data.get(column.name)
        if value is not None and isinstance(column.type, sa.LargeBinary):
            value = base64.b64decode(value)
        elif value is not None and isinstance(column.type, sa.DateTime):
            value = store._time(datetime.fromisoformat(value))
        out[column.name] = value
    return out


def backup(store: Store, path: Path) -> dict[str, Any]:
    """Write every table of ``store`` to the zip file ``path``; return its manifest."""
    from inputs.store.db import _now

    counts: dict[str, int] = {}
    digests: dict[str, str] = {}
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf, \
            store._read() as conn:  # one transaction: a consistent snapshot of every table
        for table in TABLES:
            h, n = hashlib.sha256(), 0
            with zf.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as out:
                query = sa.select(table).order_by(*table.primary_key.columns)
                for row in conn.execute(query, execution_options={"yield_per": 500}):
                    line = (json.dumps(_encode(table, row), ensure_ascii=False,
                                       sort_keys=True) + "\n").encode("utf-8")
                    out.write(line)
                    h.update(line)
                    n += 1
            counts[table.name], digests[table.name] = n, h.hexdigest()
        head = conn.execute(sa.select(schema.audit_log.c.hash)
                            .order_by(schema.audit_log.c.seq.desc()).limit(1)).scalar()
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                    "schema_version": store.schema_version, "created_at": _now().isoformat(),
                    "source": store.engine.dialect.name, "rows": counts, "sha256": digests,
                    "audit_head": head}
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    partial.replace(path)
    return manifest


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of backup ``path``, checked to be one.

    Raises
    ------
    StoreError
        ``backup.not_a_backup`` for a file that is not one of ours.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        raise StoreError("backup.not_a_backup", path=str(path)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StoreError("backup.not_a_backup", path=str(path))
    return manifest


def _rows(zf: zipfile.ZipFile, name: str, expected: str, path: Path) -> Iterator[dict[str, Any]]:
    data = zf.read(f"tables/{name}.jsonl")
    if hashlib.sha256(data).hexdigest() != expected:
        raise StoreError("backup.damaged", path=str(path), table=name)
    for line in io.BytesIO(data):
        yield json.loads(line)


def restore(store: Store, by: Actor, path: Path) -> dict[str, Any]:
    """Copy backup ``path`` into ``store``, which must be empty; return the manifest.

    Raises
    ------
    StoreError
        ``backup.not_a_backup``, ``backup.damaged`` (a table file whose digest
        differs), ``backup.schema`` (made by another schema version),
        ``backup.not_empty`` (the target already holds data), or
        ``backup.chain_broken`` when the restored audit chain does not verify
        (nothing is kept then).
    """
    require(by, Action.RESTORE)
    manifest = read_manifest(path)
    if manifest.get("schema_version") != store.schema_version:
        raise StoreError("backup.schema", path=str(path), found=manifest.get("schema_version"),
                         known=store.schema_version)
    with zipfile.ZipFile(path) as zf, store._write() as conn:
        for table in TABLES:
            if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                raise StoreError("backup.not_empty", url=store.shown_url, table=table.name)
        for table in TABLES:
            if table.name not in manifest["sha256"]:
                continue  # a table newer than the backup's release (same schema: none)
            batch: list[dict[str, Any]] = []
            for data in _rows(zf, table.name, manifest["sha256"][table.name], path):
                batch.append(_decode(store, table, data))
                if len(batch) >= 500:
                    conn.execute(table.insert(), batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
        if conn.dialect.name == "postgresql":
            for table in TABLES:
                key = table.c.get("id")
                if key is not None and key.autoincrement is not False:
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
        check = audit.verify_in(conn)
        if not check.ok:
            raise StoreError("backup.chain_broken", path=str(path), seq=check.broken)
        audit.append(store, conn, by, Action.RESTORE, path.name,
                     {"audit_head": manifest.get("audit_head"), "rows": manifest["rows"],
                      "created_at": manifest.get("created_at")})
    return manifest

