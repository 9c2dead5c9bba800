"""``voucher-opt template FILE``: write a blank scenario workbook to fill in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inputs import write_template
from ui.commands.common import EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("template", help="write a blank scenario workbook (firms + policy sheets)")
    p.add_argument("file", help="where to write the .xlsx")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    Path(args.file).write_bytes(write_template())
    print(f"template written to {args.file}")
    return EXIT_OK
