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

from inputs import write_scenario
from inputs.cells import Problem, amount_cell
from inputs.rounds import next_round, pool_status, read_applicants, read_ledger, read_previous
from inputs.scenario_io import read_input_file
from optimizer.catalog import text
from optimizer.money import yuan
from optimizer.override_diagnosis import program_word
from ui.commands.common import (
    EXIT_OK,
    CliError,
    add_lang,
    check_out,
    lang_of,
    print_json,
    write_out,
)

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
        n.add_argument(f"--reserve.{program}", dest=f"reserve_{program}", metavar="X",
                       help=f"share of the {program} pool held for later rounds (0.2 or 20%%)")
    n.add_argument("--reserve", action="append", default=[], metavar="P=X",
                   help="reserve for any program, e.g. --reserve corpus=0.2")
    n.add_argument("--out", required=True, help="where to write the next round's .xlsx")
    n.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_lang(n)
    n.set_defaults(run=run)


def _share(value: str, option: str) -> float:
    """A share of a pool, ``0.2`` or ``20%``, read by the cell parser; else exit 2."""
    share = amount_cell(value, percent=True)
    if isinstance(share, Problem) or not 0 <= share <= 1:
        raise CliError("cli.round_reserve", option=option, got=value)
    return share


def _reserves(args: argparse.Namespace) -> dict[str, float]:
    out = {p: _share(getattr(args, f"reserve_{p}"), f"--reserve.{p}") for p in RESERVE_OPTIONS
           if getattr(args, f"reserve_{p}") is not None}
    for item in args.reserve:
        program, sep, value = item.partition("=")
        if not sep or not program.strip():
            raise CliError("cli.round_reserve_form", got=item)
        out[program.strip()] = _share(value, f"--reserve {program.strip()}")
    return out


def run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    if args.previous.startswith(STORE_PREFIX):
        raise CliError("cli.round_store", ref=args.previous)
    reserves = _reserves(args)
    out = check_out(args.out)
    assert out is not None  # --out is required
    previous = read_previous(read_input_file(args.previous), Path(args.previous).name)
    if unknown := sorted(set(reserves) - set(previous.scenario.programs)):
        raise CliError("cli.round_reserve_program", program=unknown[0],
                       programs=", ".join(previous.scenario.programs))
    applicants = read_applicants(read_input_file(args.applicants), Path(args.applicants).name,
                                 previous)
    lapsed = None
    if args.lapsed:
        lapsed = read_ledger(read_input_file(args.lapsed), Path(args.lapsed).name, previous)
    scenario = next_round(previous, applicants, lapsed, reserves, out.stem, lang)
    write_out(out, write_scenario(scenario))
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
