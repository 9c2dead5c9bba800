"""Users, roles, throttling, decisions and the audit chain, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from inputs.store import Store, StoreError, audit, schema, users
from inputs.store.access import Actor, Forbidden, Role
from inputs.store.approvals import DecisionStatus
from inputs.store.service import Service
from optimizer import Scenario, solve
from tests.factory import firm, scenario
from tests.store.conftest import drop_guards

ADMIN = Actor("root", Role.APPROVER, via="cli", admin=True)
PASSWORD = "correct horse battery"


def three_firms(budget: float = 800_000) -> Scenario:
    return scenario([firm("A", "startup", 90, model=400_000), firm("B", "sme", 70, model=300_000),
                     firm("C", "large", 50, model=500_000)], budget__model=budget,
                    budget__training=0)


@pytest.fixture
def small() -> Scenario:
    return three_firms()


@pytest.fixture
def people(store: Store) -> dict[str, Service]:
    for name, role in [("vera", "viewer"), ("ana", "analyst"), ("abe", "approver"),
                       ("amy", "approver")]:
        users.add_user(store, ADMIN, name, role, PASSWORD)
    return {name: Service(store, users.authenticate(store, name, PASSWORD, client="10.0.0.9"))
            for name in ("vera", "ana", "abe", "amy")}


def test_passwords_are_argon2_hashes_and_never_kept_in_clear(store: Store) -> None:
    users.add_user(store, ADMIN, "ana", "analyst", PASSWORD)
    with store.engine.connect() as conn:
        dump = "\n".join(str(tuple(r)) for t in ("users", "audit_log", "sign_in_throttle")
                         for r in conn.execute(sa.text(f"SELECT * FROM {t}")))
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar()
    assert PASSWORD not in dump
    assert stored.startswith("$argon2id$")
    assert users.authenticate(store, "ana", PASSWORD).role is Role.ANALYST
    with pytest.raises(StoreError) as err:
        users.authenticate(store, "ana", PASSWORD + "x")
    assert err.value.code == "auth.bad_credentials"
    with pytest.raises(StoreError) as err:
        users.authenticate(store, "nobody", PASSWORD)
    assert err.value.code == "auth.bad_credentials"  # the same words: no hint which was wrong


def test_user_changes(store: Store) -> None:
    users.add_user(store, ADMIN, "ana", "analyst", PASSWORD)
    with pytest.raises(StoreError, match="already exists"):
        users.add_user(store, ADMIN, "ana", "viewer", PASSWORD)
    with pytest.raises(StoreError, match="at least 8"):
        users.add_user(store, ADMIN, "bob", "viewer", "short")
    with pytest.raises(StoreError, match="not a role"):
        users.add_user(store, ADMIN, "bob", "boss", PASSWORD)
    users.set_password(store, ADMIN, "ana", "another long one")
    with pytest.raises(StoreError):
        users.authenticate(store, "ana", PASSWORD)
    assert users.authenticate(store, "ana", "another long one").name == "ana"
    users.set_role(store, ADMIN, "ana", "approver")
    assert users.get_user(store, "ana").role is Role.APPROVER  # type: ignore[union-attr]
    users.remove_user(store, ADMIN, "ana")
    assert users.list_users(store) == []
    with pytest.raises(StoreError, match="no user"):
        users.remove_user(store, ADMIN, "ana")
    actions = [e.action for e in audit.entries(store)][::-1]
    assert actions == ["user_add", "user_passwd", "sign_in_failed", "sign_in", "user_role",
                       "user_remove"]
    with pytest.raises(Forbidden):  # only the administrator manages users
        users.add_user(store, Actor("abe", Role.APPROVER), "eve", "approver", PASSWORD)


def test_throttling_per_user_and_per_client(store: Store) -> None:
    users.add_user(store, ADMIN, "ana", "analyst", PASSWORD)
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for k in range(5):
        with pytest.raises(StoreError) as err:
            users.authenticate(store, "ana", "wrong password", client="10.0.0.1",
                               now=t0 + timedelta(seconds=k))
        assert err.value.code == "auth.bad_credentials"
    # the sixth try, even with the right password, is told to wait 30 s
    with pytest.raises(StoreError) as err:
        users.authenticate(store, "ana", PASSWORD, client="10.0.0.2", now=t0 + timedelta(seconds=5))
    assert err.value.code == "auth.throttled" and err.value.fields["seconds"] == 29
    assert "29 秒" in err.value.text("zh")
    # the lock ends, another failure doubles it
    t1 = t0 + timedelta(seconds=40)
    with pytest.raises(StoreError):
        users.authenticate(store, "ana", "wrong again", client="10.0.0.2", now=t1)
    assert users.wait_seconds(store, "ana", None, now=t1) == 60
    assert users.wait_seconds(store, "ana", None, now=t1 + timedelta(seconds=61)) == 0
    # client 10.0.0.1 failed five times: it is locked for every user name
    users.add_user(store, ADMIN, "abe", "approver", PASSWORD)
    assert users.wait_seconds(store, "abe", "10.0.0.1", now=t0 + timedelta(seconds=10)) > 0
    assert users.wait_seconds(store, "abe", "10.0.0.3", now=t0 + timedelta(seconds=10)) == 0
    # success clears the user's count
    t2 = t1 + timedelta(seconds=61)
    assert users.authenticate(store, "ana", PASSWORD, client="10.0.0.2", now=t2).name == "ana"
    with pytest.raises(StoreError) as err:
        users.authenticate(store, "ana", "wrong", client="10.0.0.2", now=t2)
    assert err.value.code == "auth.bad_credentials"


def test_every_action_checks_the_role(store: Store, people: dict[str, Service],
                                      small: Scenario) -> None:
    vera, ana, abe = people["vera"], people["ana"], people["abe"]
    with pytest.raises(Forbidden) as err:
        vera.save_version("s", small)
    assert err.value.text("zh") == "用户 vera 的角色是查看者，无权保存方案"
    with pytest.raises(Forbidden):
        vera.solve(small, solve)
    ref = ana.save_version("s", small, note="first")
    result = ana.solve(small, solve)
    ana.record_solve(result, "s", ref.version)
    with pytest.raises(Forbidden):
        vera.submit("s", ref.version, result, "no")
    with pytest.raises(Forbidden):
        ana.audit_entries()
    decision = ana.submit("s", ref.version, result, "请审批")
    with pytest.raises(Forbidden):
        ana.approve(decision.id, "ok")
    with pytest.raises(Forbidden):
        vera.reject(decision.id, "no")
    assert [e.action for e in abe.audit_entries(limit=3)] == ["submit", "solve", "save"]


def test_approval_freezes_the_decision(store: Store, people: dict[str, Service],
                                       small: Scenario) -> None:
    ana, abe, amy = people["ana"], people["abe"], people["amy"]
    ref = ana.save_version("s", small)
    result = solve(small)
    decision = ana.submit("s", ref.version, result, "预算方案")
    with pytest.raises(StoreError) as err:
        ana.submit("s", ref.version, result, "again")
    assert err.value.code == "decision.pending"
    own = abe.submit("t", abe.save_version("t", small).version, result, "mine")
    with pytest.raises(StoreError) as err:
        abe.approve(own.id, "ok")
    assert err.value.code == "decision.own_submission"

    approved = abe.approve(decision.id, "同意")
    assert approved.status is DecisionStatus.APPROVED and approved.frozen
    assert approved.decided_by == "abe" and approved.matches(result)
    stamp = approved.stamp()
    assert stamp["submitted_by"] == "ana" and stamp["decided_by"] == "abe"
    assert stamp["audit_hash"] == audit.entries(store, action="approve")[0].hash
    for act in (lambda: amy.reject(decision.id, "too late"),
                lambda: amy.approve(decision.id, "twice")):
        with pytest.raises(StoreError) as err:
            act()
        assert err.value.code == "decision.frozen"
    with pytest.raises(StoreError) as err:
        ana.submit("s", ref.version, result, "again")
    assert err.value.code == "decision.already_approved"
    # the database refuses too, even SQL typed by hand
    for sql in ("UPDATE decisions SET comment = 'x' WHERE id = :id",
                "UPDATE decisions SET status = 'submitted' WHERE id = :id",
                "DELETE FROM decisions WHERE id = :id"):
        with pytest.raises(DBAPIError), store.engine.begin() as conn:
            conn.execute(sa.text(sql), {"id": decision.id})
    with pytest.raises(DBAPIError), store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE versions SET note = 'x'"))
    assert ana.decision(decision.id) == approved
    # a new version starts a new decision
    changed = three_firms(700_000)
    ref2 = ana.save_version("s", changed, note="v2")
    assert ana.submit("s", ref2.version, solve(changed), "v2").status is DecisionStatus.SUBMITTED


def test_a_rejected_version_may_be_submitted_again(people: dict[str, Service],
                                                   small: Scenario) -> None:
    ana, abe = people["ana"], people["abe"]
    ref = ana.save_version("s", small)
    result = solve(small)
    first = ana.submit("s", ref.version, result, "a")
    with pytest.raises(StoreError, match="needs a comment"):
        abe.reject(first.id, " ")
    abe.reject(first.id, "补充说明")
    second = ana.submit("s", ref.version, result, "b")
    assert second.id != first.id
    other = three_firms(600_000)
    with pytest.raises(StoreError) as err:  # a result of another scenario
        ana.submit("s", ref.version, solve(other), "c")
    assert err.value.code == "decision.not_solved"


def test_the_chain_verifies_and_names_the_first_edited_row(store: Store,
                                                           people: dict[str, Service],
                                                           small: Scenario) -> None:
    ana = people["ana"]
    for k in range(3):
        ana.save_version("s", small, note=f"n{k}")
    check = audit.verify(store)
    assert check.ok and check.count == len(audit.entries(store)) == 4 + 4 + 3
    target = 6
    with pytest.raises(DBAPIError), store.engine.begin() as conn:  # the trigger refuses
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory' WHERE seq = :s"),
                     {"s": target})
    assert audit.verify(store).ok
    _drop_audit_guard(store)
    with store.engine.begin() as conn:  # someone with the rights to drop the trigger
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory' WHERE seq = :s"),
                     {"s": target})
    check = audit.verify(store)
    assert not check.ok and check.broken == target and check.reason == "hash"
    assert check.count == target - 1


def test_a_deleted_or_rehashed_row_is_found(store: Store, people: dict[str, Service]) -> None:
    _drop_audit_guard(store)
    with store.engine.begin() as conn:
        row = conn.execute(sa.select(schema.audit_log).where(schema.audit_log.c.seq == 3)
                           ).mappings().one()
        forged = audit.entry_hash(3, row["at"], "mallory", row["role"], row["action"],
                                  row["target"], row["details"], row["prev_hash"])
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory', hash = :h WHERE seq = 3"),
                     {"h": forged})
    check = audit.verify(store)  # a consistent forgery of 3 breaks the link from 4
    assert (check.broken, check.reason) == (4, "prev_hash")
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 2"))
    assert (audit.verify(store).broken, audit.verify(store).reason) == (2, "missing")


def _drop_audit_guard(store: Store) -> None:
    drop_guards(store, "audit_log")
