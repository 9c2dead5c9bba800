"""Local users kept in the store: argon2id password hashes, roles, and sign-in throttling.

A password is only ever handed to :func:`hash_password` and
:func:`authenticate`; neither keeps, logs nor returns it, and the audit log
records only that a sign-in succeeded or failed.

Throttling counts failures per user name and per client address. From the
:data:`THRESHOLD`-th failure on, each key is locked for a delay that doubles
with every further failure (:data:`BASE_DELAY`, ×2, … up to
:data:`MAX_DELAY`); while locked, no password is checked at all and the
message says how many seconds to wait. A successful sign-in clears the user's
and the client's count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Connection

from inputs.store import audit, schema
from inputs.store.access import Action, Actor, Role, parse_role, require
from inputs.store.errors import StoreError

if TYPE_CHECKING:
    from inputs.store.db import Store

#: Failures allowed before the first delay.
THRESHOLD = 5
#: The first delay, in seconds; it doubles with every further failure.
BASE_DELAY = 30.0
#: The longest delay, in seconds.
MAX_DELAY = 3600.0
#: Shortest password accepted.
MIN_PASSWORD = 8

_HASHER = PasswordHasher()
#: Checked against when the user does not exist, so an unknown name takes as long as a known one.
_DUMMY = _HASHER.hash("voucher-opt: no such user")

us, th = schema.users, schema.sign_in_throttle


@dataclass(frozen=True)
class User:
    """A local user (no password hash: it never leaves this module)."""

    name: str
    role: Role
    has_password: bool
    created_at: datetime
    changed_at: datetime


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (checked for length first).

    Raises
    ------
    StoreError
        ``auth.short_password`` when it has fewer than :data:`MIN_PASSWORD` characters.
    """
    if len(password) < MIN_PASSWORD:
        raise StoreError("auth.short_password", minimum=MIN_PASSWORD)
    return _HASHER.hash(password)


def check_user_name(name: str) -> str:
    """``name`` when it is a usable user name (1–200 characters, no spaces at the ends)."""
    if not name or name != name.strip() or len(name) > 200 or not name.isprintable():
        raise StoreError("auth.bad_user_name", name=name)
    return name


def _user(r: sa.Row[tuple[object, ...]]) -> User:
    from inputs.store.db import _utc

    return User(str(r.name), Role(str(r.role)), r.password_hash is not None,
                _utc(r.created_at), _utc(r.changed_at))


def list_users(store: Store) -> list[User]:
    """Every local user, by name."""
    with store._read() as conn:
        return [_user(r) for r in conn.execute(sa.select(us).order_by(us.c.name))]


def get_user(store: Store, name: str) -> User | None:
    """The user ``name``, or None."""
    with store._read() as conn:
        r = conn.execute(sa.select(us).where(us.c.name == name)).first()
    return None if r is None else _user(r)


def add_user(store: Store, by: Actor, name: str, role: str | Role,
             password: str | None) -> User:
    """Add user ``name`` with ``role`` (``password`` None: signs in through OIDC only)."""
    from inputs.store.db import _now

    require(by, Action.USER_ADD)
    check_user_name(name)
    role = parse_role(str(role))
    hashed = None if password is None else hash_password(password)
    now = _now()
    with store._write() as conn:
        if conn.execute(sa.select(us.c.name).where(us.c.name == name)).first() is not None:
            raise StoreError("auth.user_exists", name=name)
        conn.execute(us.insert().values(name=name, role=str(role), password_hash=hashed,
                                        created_at=store._time(now),
                                        changed_at=store._time(now)))
        audit.append(store, conn, by, Action.USER_ADD, name,
                     {"role": str(role), "password": password is not None})
    found = get_user(store, name)
    assert found is not None
    return found


def set_password(store: Store, by: Actor, name: str, password: str) -> None:
    """Give ``name`` a new password (and clear its sign-in throttle)."""
    from inputs.store.db import _now

    require(by, Action.USER_PASSWD)
    hashed = hash_password(password)
    with store._write() as conn:
        done = conn.execute(us.update().where(us.c.name == name).values(
            password_hash=hashed, changed_at=store._time(_now()))).rowcount
        if not done:
            raise StoreError("auth.unknown_user", name=name)
        conn.execute(th.delete().where(th.c.key == _user_key(name)))
        audit.append(store, conn, by, Action.USER_PASSWD, name)


def set_role(store: Store, by: Actor, name: str, role: str | Role) -> None:
    """Change the role of ``name``."""
    from inputs.store.db import _now

    require(by, Action.USER_ROLE)
    role = parse_role(str(role))
    with store._write() as conn:
        done = conn.execute(us.update().where(us.c.name == name).values(
            role=str(role), changed_at=store._time(_now()))).rowcount
        if not done:
            raise StoreError("auth.unknown_user", name=name)
        audit.append(store, conn, by, Action.USER_ROLE, name, {"role": str(role)})


def remove_user(store: Store, by: Actor, name: str) -> None:
    """Remove ``name`` (what they did stays in the audit log under their name)."""
    require(by, Action.USER_REMOVE)
    with store._write() as conn:
        if not conn.execute(us.delete().where(us.c.name == name)).rowcount:
            raise StoreError("auth.unknown_user", name=name)
        audit.append(store, conn, by, Action.USER_REMOVE, name)


# -- signing in ---------------------------------------------------------------------------


def _user_key(name: str) -> str:
    return f"user:{name}"


def _client_key(client: str) -> str:
    return f"client:{client}"


def delay_after(failures: int) -> float:
    """Seconds a key stays locked after its ``failures``-th failure in a row.

    >>> [delay_after(n) for n in (4, 5, 6, 7)]
    [0.0, 30.0, 60.0, 120.0]
    """
    if failures < THRESHOLD:
        return 0.0
    return min(MAX_DELAY, BASE_DELAY * 2.0 ** (failures - THRESHOLD))


def wait_seconds(store: Store, name: str, client: str | None,
                 now: datetime | None = None) -> int:
    """Whole seconds before ``name`` from ``client`` may try again (0: now)."""
    with store._read() as conn:
        return _wait(store, conn, _keys(name, client), now)


def _keys(name: str, client: str | None) -> list[str]:
    return [_user_key(name)] + ([_client_key(client)] if client else [])


def _wait(store: Store, conn: Connection, keys: list[str], now: datetime | None) -> int:
    from inputs.store.db import _now, _utc

    now = _utc(now or _now())
    longest = 0.0
    for r in conn.execute(sa.select(th).where(th.c.key.in_(keys))):
        until = _utc(r.last_failure_at) + timedelta(seconds=delay_after(int(r.failures)))
        longest = max(longest, (until - now).total_seconds())
    return math.ceil(longest) if longest > 0 else 0


def authenticate(store: Store, name: str, password: str, *, client: str | None = None,
                 now: datetime | None = None) -> Actor:
    """The actor ``name`` signs in as, when ``password`` is theirs.

    Every attempt is written to the audit log (``sign_in`` or
    ``sign_in_failed``, with the client's address), never the password.

    Raises
    ------
    StoreError
        ``auth.throttled`` (with ``seconds``) while the user or the client is
        locked after repeated failures; ``auth.bad_credentials`` when the name
        or password is wrong (the message does not say which).
    """
    from inputs.store.db import _now

    now = now or _now()
    keys = _keys(name, client)
    with store._read() as conn:
        wait = _wait(store, conn, keys, now)
        r = conn.execute(sa.select(us).where(us.c.name == name)).first()
    attempt = Actor(name, Role(str(r.role)) if r is not None else Role.VIEWER, client=client)
    if wait:
        with store._write() as conn:
            audit.append(store, conn, attempt, Action.SIGN_IN_FAILED, name,
                         {"reason": "throttled", "wait": wait}, at=now)
        raise StoreError("auth.throttled", seconds=wait)
    stored = r.password_hash if r is not None else None
    good = _check(stored or _DUMMY, password) and stored is not None
    with store._write() as conn:
        if good:
            conn.execute(th.delete().where(th.c.key.in_(keys)))
            audit.append(store, conn, attempt, Action.SIGN_IN, name, at=now)
        else:
            failures = _count_failure(store, conn, keys, now)
            audit.append(store, conn, attempt, Action.SIGN_IN_FAILED, name,
                         {"reason": "bad_credentials", "failures": failures}, at=now)
    if not good:
        raise StoreError("auth.bad_credentials")
    return attempt


def _check(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _count_failure(store: Store, conn: Connection, keys: list[str], now: datetime) -> int:
    """Add one failure to each key (an upsert: concurrent failures all count); return the most."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = sqlite.insert if store.sqlite else postgresql.insert
    when = store._time(now)
    for key in keys:
        conn.execute(insert(th).values(key=key, failures=1, last_failure_at=when)
                     .on_conflict_do_update(index_elements=[th.c.key],
                                            set_={"failures": th.c.failures + 1,
                                                  "last_failure_at": when}))
    found = conn.execute(sa.select(sa.func.max(th.c.failures)).where(th.c.key.in_(keys)))
    return int(found.scalar() or 0)
