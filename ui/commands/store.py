"""``voucher-opt store save|list|log|export``: the scenario store from the command line.

- ``store save FILE --name NAME [--note TEXT] [--json]``: a new version of NAME.
- ``store list [--all] [--json]``: scenarios, each with its count of versions and latest.
- ``store log [--limit N] [--name NAME] [--json]``: the decision log, newest first.
- ``store export REF OUT.xlsx``: a stored version as a scenario workbook.
- ``store verify [--json]``: check the audit log's hash chain; name the first
  broken entry and exit 1 when it is broken.
- ``store backup FILE``: every table into one zip file (portable between
  SQLite and PostgreSQL).
- ``store restore FILE``: a backup into an empty store (e.g. a new
  ``VOUCHER_OPT_DB``); the audit chain is checked before anything is kept.

REF is ``store:NAME`` (the latest version) or ``store:NAME@N`` (version N,
from 1); the ``store:`` prefix may be left out here. The database is the
default SQLite file or ``VOUCHER_OPT_DB``. Exit codes: 0 done; 2 invalid
input (a bad file, an unknown name or version: one message, Chinese unless
``--lang en``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inputs import load_scenario, write_scenario
from inputs.store import LogEntry, ScenarioInfo, VersionInfo, parse_ref
from inputs.store.refs import PREFIX
from optimizer import Status
from optimizer.catalog import as_lang, text
from ui.commands.common import EXIT_ERROR, EXIT_OK, clean, print_json

if TYPE_CHECKING:
    from inputs.store import Store


def add_parser(sub: Any) -> None:
    p = sub.add_parser("store", help="the scenario store: save, list, log, export")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    def common(q: argparse.ArgumentParser, as_json: bool = True) -> None:
        if as_json:
            q.add_argument("--json", action="store_true", help="print JSON on stdout")
        q.add_argument("--lang", choices=["zh", "en"], default="zh",
                       help="language of the output")

    q = actions.add_parser("save", help="save a scenario file as a new version of NAME")
    q.add_argument("file", help="scenario workbook (.xlsx), firms CSV, or store:NAME[@N]")
    q.add_argument("--name", required=True, help="the scenario's name in the store")
    q.add_argument("--note", default="", help="a note kept with the version")
    common(q)
    q.set_defaults(run=run_save)

    q = actions.add_parser("list", help="scenarios in the store, with their versions")
    q.add_argument("--all", action="store_true", help="include deleted scenarios")
    common(q)
    q.set_defaults(run=run_list)

    q = actions.add_parser("log", help="the decision log (one record per solve), newest first")
    q.add_argument("--limit", type=int, default=100, help="at most this many records")
    q.add_argument("--name", help="only the solves of this scenario")
    common(q)
    q.set_defaults(run=run_log)

    q = actions.add_parser("export", help="write a stored version as a scenario workbook")
    q.add_argument("ref", help="store:NAME (latest) or store:NAME@N")
    q.add_argument("out", help="the .xlsx to write")
    common(q, as_json=False)
    q.set_defaults(run=run_export)

    q = actions.add_parser("verify", help="check the audit log's hash chain")
    common(q)
    q.set_defaults(run=run_verify)

    q = actions.add_parser("backup", help="write the whole store to a zip file")
    q.add_argument("file", help="the backup to write (.zip)")
    common(q)
    q.set_defaults(run=run_backup)

    q = actions.add_parser("restore", help="restore a backup into an empty store")
    q.add_argument("file", help="a backup written by store backup")
    common(q)
    q.set_defaults(run=run_restore)


def run_save(args: argparse.Namespace) -> int:
    from inputs.store.service import Service
    from ui.commands.users import admin

    scenario = load_scenario(args.file)
    ref = Service(_store(), admin()).save_version(args.name, scenario, note=args.note)
    if args.json:
        print_json({"name": ref.name, "version": ref.version, "digest": ref.digest,
                    "scenario_id": ref.scenario_id, "n_firms": len(scenario.firms),
                    "ref": ref.ref})
    else:
        print(text("store.saved", as_lang(args.lang), name=ref.name, version=ref.version,
                   n_firms=f"{len(scenario.firms):,}", digest=ref.digest[:12]))
    return EXIT_OK


def version_json(v: VersionInfo) -> dict[str, Any]:
    return {"version": v.version, "digest": v.digest, "saved_at": v.saved_at.isoformat(),
            "user": v.user, "note": v.note, "n_firms": v.n_firms}


def scenario_json(s: ScenarioInfo) -> dict[str, Any]:
    return {"name": s.name, "versions": s.versions, "latest": version_json(s.latest),
            "deleted": s.deleted, "scenario_id": s.scenario_id}


def run_list(args: argparse.Namespace) -> int:
    found = _store().list_scenarios(include_deleted=args.all)
    lang = as_lang(args.lang)
    if args.json:
        print_list([scenario_json(s) for s in found])
        return EXIT_OK
    if not found:
        print(text("store.empty", lang))
        return EXIT_OK
    head = [text(f"store.head.{k}", lang)
            for k in ("name", "versions", "latest", "saved_at", "user", "firms")]
    rows = [[s.name + (" ×" if s.deleted else ""), str(s.versions), f"@{s.latest.version}",
             s.latest.saved_at.strftime("%Y-%m-%d %H:%M"), s.latest.user or "-",
             f"{s.latest.n_firms:,}"] for s in found]
    print(grid([head, *rows]))
    return EXIT_OK


def entry_json(e: LogEntry) -> dict[str, Any]:
    return e.to_dict()


def run_log(args: argparse.Namespace) -> int:
    entries = _store().log(limit=args.limit, name=args.name)
    lang = as_lang(args.lang)
    if args.json:
        print_list([entry_json(e) for e in entries])
        return EXIT_OK
    if not entries:
        print(text("store.log_empty", lang))
        return EXIT_OK
    head = [text(f"store.head.{k}", lang)
            for k in ("at", "name", "version", "status", "objective", "user")]
    rows = [[e.at.strftime("%Y-%m-%d %H:%M:%S") if e.at else "-", e.scenario_name,
             "-" if e.version is None else f"@{e.version}", Status.words(e.status, lang),
             "-" if e.objective is None else f"{e.objective:,.0f}", e.user or "-"]
            for e in entries]
    print(grid([head, *rows]))
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    source = args.ref if args.ref.startswith(PREFIX) else PREFIX + args.ref
    ref = parse_ref(source)
    assert ref is not None
    scenario = _store().load_version(ref.name, ref.version)
    Path(args.out).write_bytes(write_scenario(scenario))
    print(text("store.exported", as_lang(args.lang), ref=str(ref), path=args.out))
    return EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    from inputs.store import audit

    check = audit.verify(_store())
    lang = as_lang(args.lang)
    if args.json:
        print_json({"ok": check.ok, "count": check.count, "head": check.head,
                    "broken": check.broken, "reason": check.reason or None})
    elif check.ok:
        print(text("audit.verified", lang, count=check.count, head=check.head))
    else:
        print(text(f"audit.broken.{check.reason}", lang, seq=check.broken, count=check.count),
              file=sys.stderr)
    return EXIT_OK if check.ok else EXIT_ERROR


def run_backup(args: argparse.Namespace) -> int:
    from inputs.store import backup

    manifest = backup.backup(_store(), Path(args.file))
    rows = sum(manifest["rows"].values())
    if args.json:
        print_json({"path": args.file, **manifest})
    else:
        print(text("backup.written", as_lang(args.lang), path=args.file, rows=f"{rows:,}",
                   head=(manifest["audit_head"] or "-")[:16]))
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    from inputs.store import backup
    from ui.commands.users import admin

    manifest = backup.restore(_store(), admin(), Path(args.file))
    rows = sum(manifest["rows"].values())
    if args.json:
        print_json({"path": args.file, **manifest})
    else:
        print(text("backup.restored", as_lang(args.lang), path=args.file, rows=f"{rows:,}"))
    return EXIT_OK


def _store() -> Store:
    """The store (imported here: commands that do not use it never load SQLAlchemy)."""
    from inputs.store import open_store

    return open_store()


def print_list(items: list[dict[str, Any]]) -> None:
    """One JSON array on stdout, nothing else."""
    sys.stdout.write(json.dumps(clean(items), ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()


def grid(rows: list[list[str]]) -> str:
    """Rows as left-aligned columns (wide characters count double)."""
    def width(cell: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in cell)

    widths = [max(width(r[k]) for r in rows) for k in range(len(rows[0]))]
    return "\n".join("  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True))
                     .rstrip() for r in rows)
