"""Who may do what: roles, the actions they allow, and the signed-in actor.

Every action of the app and the command line goes through
:class:`inputs.store.service.Service`, which asks :func:`require` before it
touches the store, so a button hidden in the page is never the only guard.

>>> require(Actor("li", Role.VIEWER), Action.SOLVE)
Traceback (most recent call last):
...
inputs.store.access.Forbidden: li (viewer) may not solve
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from inputs.store.errors import StoreError
from optimizer.catalog import Lang, text


class Role(StrEnum):
    """A user's role: each allows everything the one before it does, and more."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    APPROVER = "approver"


class Action(StrEnum):
    """What someone may do, and what the audit log records they did."""

    READ = "read"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SAVE = "save"
    SOLVE = "solve"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    EXPORT = "export"
    READ_AUDIT = "read_audit"
    USER_ADD = "user_add"
    USER_PASSWD = "user_passwd"
    USER_ROLE = "user_role"
    USER_REMOVE = "user_remove"
    RESTORE = "restore"


#: The actions each role allows.
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ, Action.EXPORT}),
    Role.ANALYST: frozenset({Action.READ, Action.EXPORT, Action.SAVE, Action.SOLVE,
                             Action.SUBMIT}),
    Role.APPROVER: frozenset({Action.READ, Action.EXPORT, Action.SAVE, Action.SOLVE,
                              Action.SUBMIT, Action.APPROVE, Action.REJECT,
                              Action.READ_AUDIT}),
}

#: How an actor proved who they are.
VIA_LOCAL, VIA_OIDC, VIA_OS, VIA_CLI = "password", "oidc", "os", "cli"


@dataclass(frozen=True)
class Actor:
    """Someone acting: a name, a role, how they signed in and from where.

    ``ADMIN`` actors are the command line run by whoever can open the
    database (the server's administrator): they manage users and restore
    backups. The app never makes one.
    """

    name: str
    role: Role
    via: str = VIA_LOCAL
    client: str | None = None
    admin: bool = False

    def may(self, action: Action) -> bool:
        """Whether this actor's role allows ``action``."""
        return self.admin or action in ALLOWED[self.role]


def parse_role(value: str) -> Role:
    """The role named ``value`` (``viewer``, ``analyst``, ``approver``).

    Raises
    ------
    StoreError
        ``auth.bad_role`` for any other word.
    """
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise StoreError("auth.bad_role", role=value,
                         roles=", ".join(r.value for r in Role)) from None


class Forbidden(StoreError):
    """An action the actor's role does not allow; role and action named in the user's words."""

    def __init__(self, user: str, role: str, action: str) -> None:
        super().__init__("auth.forbidden", user=user, role=role, action=action)

    def what(self, lang: Lang = "zh") -> str:
        if "role" not in self.fields:  # still being built (the base class asks first)
            return super().what(lang)
        role = text(f"auth.role.{self.fields['role']}", lang)
        action = text(f"auth.action.{self.fields['action']}", lang)
        return text(self.code, lang, user=self.fields["user"], role=role, action=action)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Forbidden, (self.fields["user"], self.fields["role"], self.fields["action"]))


def require(actor: Actor, action: Action) -> None:
    """Do nothing when ``actor`` may do ``action``; else raise :class:`Forbidden`."""
    if not actor.may(action):
        raise Forbidden(actor.name, str(actor.role), str(action))
