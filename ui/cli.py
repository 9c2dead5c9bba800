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
from typing import NoReturn

from inputs import InputError
from inputs.store import StoreError
from optimizer.catalog import Lang, text
from ui.commands import COMMANDS
from ui.commands.common import EXIT_INPUT, CliError, lang_of, print_json


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors said in the chosen language (exit 2)."""

    lang: Lang = "zh"

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, text("cli.usage", self.lang, detail=message) + "\n")


def requested_lang(argv: Sequence[str]) -> Lang:
    """``en`` when the arguments ask for ``--lang en`` (read before argparse speaks)."""
    words = list(argv)
    for i, word in enumerate(words):
        if word == "--lang=en" or (word == "--lang" and words[i + 1:i + 2] == ["en"]):
            return "en"
    return "zh"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="voucher-opt",
        description="Allocate compute-subsidy vouchers (模型券 / 训力券) with a linear program.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (also used as the process's)."""
    words = list(sys.argv[1:] if argv is None else argv)
    Parser.lang = requested_lang(words)
    args = build_parser().parse_args(words)
    lang = lang_of(args)
    try:
        code: int = args.run(args)
    except StoreError as err:  # an unknown store name or version: in the user's language
        message = err.text("en" if getattr(args, "lang", "zh") == "en" else "zh")
        print(f"error: {message}", file=sys.stderr)
        if getattr(args, "json", False):
            print_json({"status": "invalid_input", "error": err.to_dict(), "message": message})
        return EXIT_INPUT
    except InputError as err:
        print(text("cli.error", lang, message=err.render(lang)), file=sys.stderr)
        if getattr(args, "json", False):
            print_json({"status": "invalid_input", "error": err.to_dict(),
                        "message": err.render(lang)})
        return EXIT_INPUT
    except CliError as err:
        print(text("cli.error", lang, message=err.render(lang)), file=sys.stderr)
        if getattr(args, "json", False):
            print_json({"status": "invalid_input", "code": err.code, "fields": err.fields,
                        "message": err.render(lang)})
        return EXIT_INPUT
    return code


if __name__ == "__main__":
    sys.exit(main())
