"""``voucher-opt users add|list|passwd|remove``: the store's local users.

- ``users add NAME --role ROLE [--password-stdin | --no-password]``: a new user
  (``--no-password``: signs in through single sign-on only).
- ``users list [--json]``: users with their roles (never a password or hash).
- ``users passwd NAME --password-stdin``: a new password.
- ``users role NAME ROLE``: a new role.
- ``users remove NAME``: remove a user (the audit log keeps what they did).

Whoever can open the database (the server's administrator) runs these; each
change is written to the audit log under the OS user's name. A password is
read from the first line of standard input, never from the command line
(where ``ps`` and the shell history would show it). Exit codes: 0 done; 2
invalid input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from inputs.store.access import Actor, parse_role
from inputs.store.errors import StoreError
from optimizer.catalog import as_lang, text
from ui.commands.common import EXIT_OK
from ui.commands.store import _store, grid

#: How to add the first user (named in messages).
ADD_COMMAND = "voucher-opt users add NAME --role ROLE --password-stdin"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("users", help="local users of the app: add, list, passwd, role, remove")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    def lang(q: argparse.ArgumentParser) -> None:
        q.add_argument("--lang", choices=["zh", "en"], default="zh",
                       help="language of the output")

    q = actions.add_parser("add", help="add a user")
    q.add_argument("name")
    q.add_argument("--role", required=True, help="viewer, analyst or approver")
    how = q.add_mutually_exclusive_group(required=True)
    how.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    how.add_argument("--no-password", action="store_true",
                     help="no password: the user signs in through single sign-on (OIDC)")
    lang(q)
    q.set_defaults(run=run_add)

    q = actions.add_parser("list", help="list users and their roles")
    q.add_argument("--json", action="store_true", help="print JSON on stdout")
    lang(q)
    q.set_defaults(run=run_list)

    q = actions.add_parser("passwd", help="set a user's password")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", required=True,
                   help="read the password from the first line of standard input")
    lang(q)
    q.set_defaults(run=run_passwd)

    q = actions.add_parser("role", help="change a user's role")
    q.add_argument("name")
    q.add_argument("role", help="viewer, analyst or approver")
    lang(q)
    q.set_defaults(run=run_role)

    q = actions.add_parser("remove", help="remove a user")
    q.add_argument("name")
    lang(q)
    q.set_defaults(run=run_remove)


def admin() -> Actor:
    """The administrator at the command line, named by the OS user."""
    from inputs.store.service import command_line_actor

    return command_line_actor()


def read_password() -> str:
    """The first line of standard input, without its line end."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise StoreError("auth.no_password")
    return line


def run_add(args: argparse.Namespace) -> int:
    from inputs.store import users

    parse_role(args.role)  # a wrong role is said before a password is asked for
    password = None if args.no_password else read_password()
    user = users.add_user(_store(), admin(), args.name, args.role, password)
    lang = as_lang(args.lang)
    print(text("users.added", lang, name=user.name,
               role=text(f"auth.role.{user.role}", lang)))
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    from inputs.store import users

    found = users.list_users(_store())
    lang = as_lang(args.lang)
    if args.json:
        print(json.dumps([{"name": u.name, "role": str(u.role), "password": u.has_password,
                           "created_at": u.created_at.isoformat(),
                           "changed_at": u.changed_at.isoformat()} for u in found],
                         ensure_ascii=False))
        return EXIT_OK
    if not found:
        print(text("users.empty", lang, command=ADD_COMMAND))
        return EXIT_OK
    head = [text(f"users.head.{k}", lang) for k in ("name", "role", "password", "changed")]
    rows = [[u.name, text(f"auth.role.{u.role}", lang),
             text("users.password.yes" if u.has_password else "users.password.no", lang),
             u.changed_at.strftime("%Y-%m-%d %H:%M")] for u in found]
    print(grid([head, *rows]))
    return EXIT_OK


def run_passwd(args: argparse.Namespace) -> int:
    from inputs.store import users

    users.set_password(_store(), admin(), args.name, read_password())
    print(text("users.changed", as_lang(args.lang), name=args.name))
    return EXIT_OK


def run_role(args: argparse.Namespace) -> int:
    from inputs.store import users

    users.set_role(_store(), admin(), args.name, args.role)
    lang = as_lang(args.lang)
    print(text("users.role_changed", lang, name=args.name,
               role=text(f"auth.role.{parse_role(args.role)}", lang)))
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    from inputs.store import users

    users.remove_user(_store(), admin(), args.name)
    print(text("users.removed", as_lang(args.lang), name=args.name))
    return EXIT_OK
