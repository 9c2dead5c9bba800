"""Decisions: an analyst submits a solved scenario version, an approver approves or rejects it.

A decision is tied to one version of one scenario and to the result solved
from it (kept with the decision, with its digest). Once approved or rejected
it never changes: the store refuses, and a database trigger refuses too. A
new version of the scenario starts a new decision. An approver does not
decide on their own submission (four eyes).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from inputs.store import audit, schema
from inputs.store.access import Action, Actor, require
from inputs.store.errors import StoreError
from optimizer.result import Result

if TYPE_CHECKING:
    from inputs.store.db import Store

ds, sc, vt, al = schema.decisions, schema.scenarios, schema.versions, schema.audit_log


class DecisionStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Decision:
    """A submitted decision and, once decided, who decided and how."""

    id: int
    scenario_name: str
    version: int
    scenario_digest: str
    result_digest: str
    figures: dict[str, Any]
    note: str
    submitted_by: str
    submitted_at: datetime
    status: DecisionStatus
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    audit_hash: str | None = None

    @property
    def frozen(self) -> bool:
        return self.status is not DecisionStatus.SUBMITTED

    def matches(self, result: Result) -> bool:
        """Whether ``result`` is the very result this decision was submitted with."""
        return result_digest(result) == self.result_digest

    def stamp(self) -> dict[str, str]:
        """The approval stamp a report carries (empty strings for what is not decided yet)."""
        return {
            "decision": str(self.id),
            "status": str(self.status),
            "scenario": f"{self.scenario_name} @{self.version}",
            "scenario_digest": self.scenario_digest,
            "result_digest": self.result_digest,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat(timespec="seconds"),
            "note": self.note,
            "decided_by": self.decided_by or "",
            "decided_at": self.decided_at.isoformat(timespec="seconds") if self.decided_at else "",
            "comment": self.comment or "",
            "audit_hash": self.audit_hash or "",
        }


def result_payload(result: Result) -> str:
    """The result as canonical JSON: status, objective and every award to the fen."""
    from inputs.store.db import _finite

    amounts = [[round(float(v), 2) for v in row] for row in result.amounts.tolist()]
    data = {"scenario_digest": result.scenario.digest, "status": str(result.status),
            "objective": _finite(round(float(result.objective), 6)),
            "programs": list(result.programs), "amounts": amounts}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def result_digest(result: Result) -> str:
    """SHA-256 of :func:`result_payload`."""
    return hashlib.sha256(result_payload(result).encode("utf-8")).hexdigest()


def submit(store: Store, by: Actor, name: str, version: int, result: Result,
           note: str) -> Decision:
    """Submit version ``version`` of ``name``, solved as ``result``, for approval.

    Raises
    ------
    StoreError
        ``auth.forbidden`` for a viewer; ``decision.not_solved`` when the
        result is not optimal or not of this version; ``decision.pending`` or
        ``decision.already_approved`` when the version already has one.
    """
    from inputs.store.db import _dumps, _now
    from inputs.store.decisions import figures

    require(by, Action.SUBMIT)
    if not result.optimal:
        raise StoreError("decision.not_solved", name=name, version=version)
    payload = result_payload(result)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    with store._write() as conn:
        scenario = store._scenario(conn, name)
        row = store._version_row(conn, name, version)
        if row.digest != result.scenario.digest:
            raise StoreError("decision.not_solved", name=name, version=version)
        taken = conn.execute(sa.select(ds.c.id, ds.c.status).where(
            (ds.c.scenario_id == scenario.id) & (ds.c.version == version)
            & (ds.c.status != str(DecisionStatus.REJECTED)))).first()
        if taken is not None:
            code = ("decision.already_approved" if taken.status == DecisionStatus.APPROVED
                    else "decision.pending")
            raise StoreError(code, name=name, version=version, id=int(taken.id))
        now = _now()
        new = conn.execute(ds.insert().values(
            scenario_id=scenario.id, version=version, scenario_digest=row.digest,
            result_digest=digest, result_data=payload, figures=_dumps(figures(result)),
            note=note, submitted_by=by.name, submitted_at=store._time(now),
            status=str(DecisionStatus.SUBMITTED)))
        key = new.inserted_primary_key
        assert key is not None
        decision_id = int(key[0])
        entry = audit.append(store, conn, by, Action.SUBMIT, f"decision:{decision_id}",
                             {"scenario": name, "version": version,
                              "scenario_digest": row.digest, "result_digest": digest,
                              "note": note}, at=now)
        conn.execute(ds.update().where(ds.c.id == decision_id).values(audit_seq=entry.seq))
    return get(store, decision_id)


def approve(store: Store, by: Actor, decision_id: int, comment: str) -> Decision:
    """Approve a submitted decision: from now on it is frozen."""
    return _decide(store, by, decision_id, DecisionStatus.APPROVED, comment)


def reject(store: Store, by: Actor, decision_id: int, comment: str) -> Decision:
    """Reject a submitted decision (the analyst may submit the version again)."""
    return _decide(store, by, decision_id, DecisionStatus.REJECTED, comment)


def _decide(store: Store, by: Actor, decision_id: int, status: DecisionStatus,
            comment: str) -> Decision:
    from inputs.store.db import _now

    action = Action.APPROVE if status is DecisionStatus.APPROVED else Action.REJECT
    require(by, action)
    if status is DecisionStatus.REJECTED and not comment.strip():
        raise StoreError("decision.comment_needed")
    with store._write() as conn:
        row = conn.execute(sa.select(ds).where(ds.c.id == decision_id)
                           .with_for_update()).first()
        if row is None:
            raise StoreError("decision.unknown", id=decision_id)
        if row.status != DecisionStatus.SUBMITTED:
            raise StoreError("decision.frozen", id=decision_id, status=row.status)
        if row.submitted_by == by.name:
            raise StoreError("decision.own_submission", id=decision_id)
        now = _now()
        entry = audit.append(store, conn, by, action, f"decision:{decision_id}",
                             {"scenario_digest": row.scenario_digest,
                              "result_digest": row.result_digest, "comment": comment,
                              "submitted_by": row.submitted_by}, at=now)
        conn.execute(ds.update().where(ds.c.id == decision_id).values(
            status=str(status), decided_by=by.name, decided_at=store._time(now),
            comment=comment, audit_seq=entry.seq))
    return get(store, decision_id)


def _query() -> sa.Select[Any]:
    return (sa.select(ds, sc.c.name.label("scenario_name"), al.c.hash.label("audit_hash"))
            .join(sc, sc.c.id == ds.c.scenario_id)
            .join(al, al.c.seq == ds.c.audit_seq, isouter=True))


def _decision(r: Any) -> Decision:
    from inputs.store.db import _utc

    return Decision(int(r.id), r.scenario_name, int(r.version), r.scenario_digest,
                    r.result_digest, json.loads(r.figures), r.note, r.submitted_by,
                    _utc(r.submitted_at), DecisionStatus(r.status), r.decided_by,
                    _utc(r.decided_at) if r.decided_at is not None else None, r.comment,
                    r.audit_hash)


def get(store: Store, decision_id: int) -> Decision:
    """Decision ``decision_id``.

    Raises
    ------
    StoreError
        ``decision.unknown`` when there is none; ``decision.corrupt`` when its
        kept result no longer gives its digest.
    """
    with store._read() as conn:
        r = conn.execute(_query().where(ds.c.id == decision_id)).first()
    if r is None:
        raise StoreError("decision.unknown", id=decision_id)
    if hashlib.sha256(r.result_data.encode("utf-8")).hexdigest() != r.result_digest:
        raise StoreError("decision.corrupt", id=decision_id)
    return _decision(r)


def decisions(store: Store, *, name: str | None = None,
              status: DecisionStatus | None = None) -> list[Decision]:
    """Decisions, newest first (of scenario ``name`` / with ``status`` only, when given)."""
    query = _query().order_by(ds.c.id.desc())
    if name is not None:
        query = query.where(sc.c.name == name)
    if status is not None:
        query = query.where(ds.c.status == str(status))
    with store._read() as conn:
        return [_decision(r) for r in conn.execute(query)]


def for_version(store: Store, name: str, version: int) -> Decision | None:
    """The approved or pending decision of ``name`` @``version``, else the latest rejected one."""
    found = [d for d in decisions(store, name=name) if d.version == version]
    for d in found:
        if d.status is not DecisionStatus.REJECTED:
            return d
    return found[0] if found else None
