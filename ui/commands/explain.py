"""``voucher-opt explain [SCENARIO.xlsx] FIRM_ID [--json] [--lang zh|en]``.

Why one firm got its amount: a reason code and a sentence in zh or en. With no
scenario it explains a firm of the built-in Shenzhen default. Exit
codes: 0 explained; 2 invalid input or an unknown firm id; 3 infeasible (the
diagnosis is printed instead).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from optimizer import solve
from optimizer.analysis import Explanation, explain_firm
from optimizer.catalog import text
from optimizer.money import yuan
from optimizer.rules import program_label
from ui.commands.common import (
    EXIT_INPUT,
    EXIT_OK,
    add_lang,
    exit_code,
    print_json,
    scenario_from,
)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("explain", help="why one firm got its amount (reason code and sentence)")
    p.add_argument("scenario", nargs="?", help="scenario workbook (default: Shenzhen 2024)")
    p.add_argument("firm_id", help="the firm's id (firm_id / 企业编号)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_lang(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenario = scenario_from(args.scenario, args.lang)
    result = solve(scenario)
    if not result.optimal:
        if args.json:
            print_json({"status": str(result.status), "firm_id": args.firm_id,
                        "diagnosis": [f.text_en for f in result.diagnosis],
                        "diagnosis_zh": [f.text_zh for f in result.diagnosis]})
        else:
            print("\n".join(f.text(args.lang) for f in result.diagnosis) or str(result.status))
        return exit_code(result.status)
    try:
        explanation = explain_firm(result, args.firm_id)
    except KeyError:
        fields = {"firm_id": repr(args.firm_id), "scenario": scenario.name}
        message = text("cli.unknown_firm", args.lang, **fields)
        print(text("cli.error", args.lang, message=message), file=sys.stderr)
        if args.json:
            print_json({"status": "invalid_input", "code": "cli.unknown_firm",
                        "message": text("cli.unknown_firm", "en", **fields),
                        "message_zh": text("cli.unknown_firm", "zh", **fields)})
        return EXIT_INPUT
    if args.json:
        print_json(explanation_json(explanation, scenario.name))
    else:
        print(summary(explanation, args.lang))
    return EXIT_OK


def explanation_json(e: Explanation, scenario: str) -> dict[str, Any]:
    """The ``explain --json`` object: firm_id, reason, yuan per program, both sentences,
    and every route by which the firm could have been funded, with its cut-off."""
    return {
        "firm_id": e.firm_id,
        "reason": str(e.reason),
        **e.amounts,
        "text_zh": e.text_zh,
        "text_en": e.text_en,
        "status": "optimal",
        "scenario": scenario,
        "total": sum(e.amounts.values()),
        "upper": e.upper,
        "program": e.program,
        "cutoff": e.cutoff,
        "row": e.row,
        "score": e.score,
        "threshold": e.threshold,
        "routes": [offer.to_dict() for offer in e.routes],
    }


def summary(e: Explanation, lang: str) -> str:
    """The firm, its amounts and the sentence, in one language."""
    zh = lang == "zh"
    amounts = ", ".join(
        f"{program_label(p, 'zh' if zh else 'en')} {yuan(v, 'zh' if zh else 'en')}"
        for p, v in e.amounts.items())
    return f"{e.firm_id} [{e.reason}] {amounts}\n{e.text_zh if zh else e.text_en}"
