"""The audit trail: an append-only log whose every entry holds the hash of the one before.

Sign-ins (successful and failed), saves, solves, submissions, approvals,
rejections, exports and user changes are appended here, each with who, when,
what and the digests involved, in the same transaction as the change itself.
Entry ``seq`` (1, 2, 3, …) stores ``prev_hash``, the hash of entry ``seq - 1``
(64 zeros for the first), and ``hash``, the SHA-256 of its own fields and
``prev_hash``. Editing, deleting or inserting a row anywhere breaks the chain
from that row on, and :func:`verify` names the first row that no longer fits.
(Cutting entries off the end leaves a shorter chain that is still whole: the
stamp of an approved decision records its entry's hash, which keeps such a cut
visible against the report.)

Database triggers refuse ``UPDATE`` and ``DELETE`` on the table; the chain is
what still tells when someone with the rights to drop a trigger has done so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from inputs.store import schema
from inputs.store.access import Actor

if TYPE_CHECKING:
    from inputs.store.db import Store

GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that queues appends to the chain.
_CHAIN_LOCK = 0x61756474  # "audt"
al = schema.audit_log


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the audit trail (``at`` in UTC)."""

    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    target: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at.isoformat(), "actor": self.actor,
                "role": self.role, "action": self.action, "target": self.target,
                "details": self.details, "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: the entries checked, and the first broken one if any."""

    count: int
    head: str
    broken: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


def entry_hash(seq: int, at: datetime, actor: str, role: str, action: str, target: str,
               details: str, prev_hash: str) -> str:
    """SHA-256 of one entry's fields (``at`` as UTC ISO 8601 to the microsecond)."""
    fields = [seq, _iso(at), actor, role, action, target, details, prev_hash]
    data = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _iso(at: datetime) -> str:
    from inputs.store.db import _utc

    return _utc(at).isoformat(timespec="microseconds")


def append(store: Store, conn: Connection, actor: Actor, action: str, target: str,
           details: dict[str, Any] | None = None, *, at: datetime | None = None) -> AuditEntry:
    """Append one entry inside the caller's write transaction ``conn``; return it."""
    from inputs.store.db import _dumps, _now, _utc

    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    last = conn.execute(sa.select(al.c.seq, al.c.hash).order_by(al.c.seq.desc()).limit(1)).first()
    seq, prev = (1, GENESIS) if last is None else (int(last.seq) + 1, str(last.hash))
    when = _utc(at or _now())
    text_details = _dumps({**(details or {}), "via": actor.via, "client": actor.client})
    digest = entry_hash(seq, when, actor.name, str(actor.role), action, target, text_details,
                        prev)
    conn.execute(al.insert().values(seq=seq, at=store._time(when), actor=actor.name,
                                    role=str(actor.role), action=action, target=target,
                                    details=text_details, prev_hash=prev, hash=digest))
    return AuditEntry(seq, when, actor.name, str(actor.role), action, target,
                      json.loads(text_details), prev, digest)


def record(store: Store, actor: Actor, action: str, target: str,
           details: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry in a transaction of its own."""
    with store._write() as conn:
        return append(store, conn, actor, action, target, details)


def entries(store: Store, *, actor: str | None = None, action: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            contains: str | None = None, limit: int | None = None) -> list[AuditEntry]:
    """Entries, newest first, filtered by actor, action, time range and a word in target."""
    from inputs.store.db import _utc

    query = sa.select(al).order_by(al.c.seq.desc())
    if actor:
        query = query.where(al.c.actor == actor)
    if action:
        query = query.where(al.c.action == action)
    if since is not None:
        query = query.where(al.c.at >= store._time(since))
    if until is not None:
        query = query.where(al.c.at < store._time(until))
    if contains:
        query = query.where(al.c.target.contains(contains, autoescape=True))
    if limit is not None:
        query = query.limit(limit)
    with store._read() as conn:
        rows = conn.execute(query).all()
    return [AuditEntry(int(r.seq), _utc(r.at), r.actor, r.role, r.action, r.target,
                       json.loads(r.details), r.prev_hash, r.hash) for r in rows]


def verify(store: Store, *, batch: int = 5000) -> Verification:
    """Check the whole chain, oldest first; name the first entry that does not fit.

    An entry is broken when its ``seq`` is not the next number (``missing``),
    its ``prev_hash`` is not the previous entry's hash (``prev_hash``), or its
    ``hash`` is not the hash of its fields (``hash``).
    """
    with store._read() as conn:
        return verify_in(conn, batch=batch)


def verify_in(conn: Connection, *, batch: int = 5000) -> Verification:
    """:func:`verify` inside an open transaction ``conn``."""
    prev, expected, count = GENESIS, 1, 0
    result = conn.execute(sa.select(al).order_by(al.c.seq),
                          execution_options={"yield_per": batch})
    for r in result:
        seq = int(r.seq)
        if seq != expected:
            return Verification(count, prev, expected, "missing")
        if r.prev_hash != prev:
            return Verification(count, prev, seq, "prev_hash")
        own = entry_hash(seq, r.at, r.actor, r.role, r.action, r.target, r.details, r.prev_hash)
        if own != r.hash:
            return Verification(count, prev, seq, "hash")
        prev, expected, count = r.hash, expected + 1, count + 1
    return Verification(count, prev)
