"""``voucher-opt template FILE``: write a blank scenario workbook to fill in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inputs import write_template
from optimizer.catalog import text
from ui.commands.common import EXIT_OK, add_lang, check_out, write_out


def add_parser(sub: Any) -> None:
    p = sub.add_parser("template", help="write a blank scenario workbook (firms + policy sheets)")
    p.add_argument("file", help="where to write the .xlsx")
    add_lang(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = check_out(args.file) or Path(args.file)
    write_out(out, write_template())
    print(text("cli.template_written", args.lang, path=args.file))
    return EXIT_OK
