"""The ``voucher-opt`` command line.

Exit codes: 0 optimal; 1 solver failure; 2 invalid input (one message naming
file, sheet, row and column); 3 infeasible (the diagnosis names the rules).
Each subcommand lives in :mod:`ui.commands` as a module with ``add_parser``
and ``run``; this file only wires them together.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from inputs import InputError
from inputs.store import StoreError
from ui.commands import COMMANDS
from ui.commands.common import EXIT_INPUT, print_json


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voucher-opt",
        description="Allocate compute-subsidy vouchers (模型券 / 训力券) with a linear program.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (also used as the process's)."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except StoreError as err:  # an unknown store name or version: in the user's language
        message = err.text("en" if getattr(args, "lang", "zh") == "en" else "zh")
        print(f"error: {message}", file=sys.stderr)
        if getattr(args, "json", False):
            print_json({"status": "invalid_input", "error": err.to_dict(), "message": message})
        return EXIT_INPUT
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        if getattr(args, "json", False):
            print_json({"status": "invalid_input", "error": err.to_dict(), "message": str(err)})
        return EXIT_INPUT
    return code


if __name__ == "__main__":
    sys.exit(main())
