"""``voucher-opt round next PREVIOUS NEW [--lapsed LEDGER] [--reserve.P X] --out NEXT.xlsx``.

Builds the next application round's scenario workbook (see :mod:`inputs.rounds`):
earlier awards carried as commitments less what lapsed, new applicants added,
a firm applying again kept once. ``PREVIOUS`` is the previous round's report
workbook (``voucher-opt solve … --out REPORT.xlsx``). Prints each pool's
committed, lapsed, available and reserved money. Exit codes: 0 written; 2
invalid input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inputs import InputError, write_scenario
from inputs.rounds import next_round, pool_status, read_applicants, read_ledger, read_previous
from optimizer.catalog import as_lang, text
from optimizer.money import yuan
from optimizer.override_diagnosis import program_word
from ui.commands.common import EXIT_OK, print_json

#: Programs that get their own ``--reserve.P`` option; any program also takes ``--reserve P=X``.
RESERVE_OPTIONS: tuple[str, ...] = ("model", "training", "corpus")
STORE_PREFIX = "store:"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("round", help="application rounds: build the next round's scenario")
    rounds = p.add_subparsers(dest="round_command", required=True, metavar="ACTION")
    n = rounds.add_parser("next", help="carry earlier awards as commitments and add new "
                                       "applicants")
    n.add_argument("previous", help="the previous round's report workbook (.xlsx)")
    n.add_argument("applicants", help="the new applicants: a firms CSV or a workbook")
    n.add_argument("--lapsed", metavar="LEDGER",
                   help="CSV or workbook of lapsed vouchers: firm_id, program, lapsed (yuan)")
    for program in RESERVE_OPTIONS:
        n.add_argument(f"--reserve.{program}", dest=f"reserve_{program}", type=_share,
                       metavar="X", help=f"share of the {program} pool held for later rounds")
    n.add_argument("--reserve", action="append", default=[], metavar="P=X",
                   help="reserve for any program, e.g. --reserve corpus=0.2")
    n.add_argument("--out", required=True, help="where to write the next round's .xlsx")
    n.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    n.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the output")
    n.set_defaults(run=run)


def _share(value: str) -> float:
    text = value.strip()
    scale = 0.01 if text.endswith("%") else 1.0
    try:
        share = float(text.rstrip("%")) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a share such as 0.2 or 20%, got {value!r}") from None
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value!r}")
    return share


def _reserves(args: argparse.Namespace) -> dict[str, float]:
    out = {p: getattr(args, f"reserve_{p}") for p in RESERVE_OPTIONS
           if getattr(args, f"reserve_{p}") is not None}
    for item in args.reserve:
        program, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--reserve takes P=X, got {item!r}")
        try:
            out[program.strip()] = _share(value)
        except argparse.ArgumentTypeError as err:
            raise InputError(f"--reserve {program.strip()}: {err}") from None
    return out


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file ({path})", file=Path(path).name) from None


def run(args: argparse.Namespace) -> int:
    if args.previous.startswith(STORE_PREFIX):
        raise InputError("the scenario store is not available in this version; pass the "
                         "previous round's report workbook", file=args.previous)
    previous = read_previous(_read(args.previous), Path(args.previous).name)
    applicants = read_applicants(_read(args.applicants), Path(args.applicants).name, previous)
    lapsed = None
    if args.lapsed:
        lapsed = read_ledger(_read(args.lapsed), Path(args.lapsed).name, previous)
    reserves = _reserves(args)
    if unknown := sorted(set(reserves) - set(previous.scenario.programs)):
        raise InputError(f"--reserve: program {unknown[0]!r} has no pool in the previous round")
    lang = as_lang(args.lang)
    scenario = next_round(previous, applicants, lapsed, reserves, Path(args.out).stem, lang)
    Path(args.out).write_bytes(write_scenario(scenario))
    pools = pool_status(scenario, lapsed)
    if args.json:
        print_json({"status": "written", "out": args.out, "firms": len(scenario.firms),
                    "pools": [vars(p) for p in pools]})
        return EXIT_OK
    for pool in pools:
        print(text("override.round.pool", lang, program=program_word(pool.program, lang),
                   **{k: yuan(getattr(pool, k), lang) for k in
                      ("budget", "committed", "lapsed", "available", "reserve")}))
    print(text("override.round.written", lang, out=args.out, firms=len(scenario.firms)))
    return EXIT_OK
