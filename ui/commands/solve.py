"""``voucher-opt solve [SCENARIO.xlsx] [--out REPORT.xlsx] [--json] [--lang zh|en]``."""

from __future__ import annotations

import argparse
from typing import Any

from inputs.builtin import DEFAULT_SCENARIO_PATH
from inputs.store.decisions import record_solve
from inputs.store.resolve import source_sha256
from optimizer import Result, solve
from optimizer.analysis.risk import pool_risks
from optimizer.catalog import text
from optimizer.money import Lang, share, yuan
from optimizer.rules import group_label, program_label, rule_name
from ui.commands.common import add_lang, check_out, exit_code, print_json, scenario_from, write_out
from ui.executors import dask_address, executor_for


def add_parser(sub: Any) -> None:
    p = sub.add_parser("solve", help="solve a scenario (default: the built-in Shenzhen 2024)")
    p.add_argument("scenario", nargs="?", help="scenario workbook (.xlsx) or firms table (.csv)")
    p.add_argument("--out", help="write the Excel report to this file")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_lang(p)
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run the redemption Monte Carlo on this Dask scheduler "
                        "(default: $VOUCHER_OPT_DASK, else local processes)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = check_out(args.out)
    scenario = scenario_from(args.scenario, args.lang)
    result = solve(scenario)
    record_solve(args.scenario, result)  # one decision-log record per solve
    if out:
        from ui.report import build_report

        digest = source_sha256(args.scenario or DEFAULT_SCENARIO_PATH)
        write_out(out, build_report(result, lang=args.lang, source_sha256=digest))
    if args.json:
        payload = result_json(result)
        if result.optimal:
            payload["redemption"] = redemption_json(result, dask_address(args.dask))
        print_json(payload)
    else:
        print(summary(result, args.lang))
        if result.optimal and result.scenario.policy.redemption_model().active:
            print(redemption_lines(result, args.lang, dask_address(args.dask)))
        if out:
            print(text("cli.report_written", args.lang, path=args.out))
    return exit_code(result.status)


def redemption_json(result: Result, address: str | None) -> dict[str, Any]:
    """``redemption: {P: {issued, expected_spend, p_overspend, spend_p95, spend_p99}}``."""
    with executor_for(address) as executor:
        return {p: risk.to_dict() for p, risk in pool_risks(result, executor=executor).items()}


def redemption_lines(result: Result, lang: Lang, address: str | None) -> str:
    """"Issue ¥X to spend ¥Y with Z% risk", one line per pool (the amounts above are issued)."""
    with executor_for(address) as executor:
        risks = pool_risks(result, executor=executor)
    return "\n".join("  " + text("redemption.summary", lang, program=program_label(p, lang),
                                  issued=yuan(r.issued, lang), spend=yuan(r.expected_spend, lang),
                                  risk=share(r.p_overspend)) for p, r in risks.items())


def result_json(result: Result) -> dict[str, Any]:
    """The ``solve --json`` object of the README's contract."""
    programs = result.programs
    table = result.allocations
    allocations = [
        {"firm_id": str(firm_id), "size_class": cls, "district": district,
         **{p: float(v) for p, v in zip(programs, amounts, strict=True)}, "total": float(total)}
        for firm_id, cls, district, amounts, total in zip(
            table["firm_id"], table["size_class"], table["district"],
            result.amounts.tolist(), table["total"], strict=True)
    ]
    return {
        "scenario": result.scenario.name,
        "status": str(result.status),
        "objective": result.objective,
        "min_class_coverage": result.min_class_coverage if result.optimal else None,
        "level": result.level,
        "budgets": dict(result.scenario.policy.budgets),
        "spend": {p: result.spend(p) for p in programs},
        "firms_funded": result.firms_funded,
        "coverage_by_size_class": result.coverage_by("size_class") if result.optimal else {},
        "binding": [
            {"rule": r.rule, "row": r.name, "marginal": r.marginal, "rhs": r.rhs}
            for r in result.binding_rows()
        ],
        "allocations": allocations,
        "diagnosis": [f.text_en for f in result.diagnosis],
        "diagnosis_zh": [f.text_zh for f in result.diagnosis],
    }


def summary(result: Result, lang: Lang) -> str:
    """A few lines an officer can read in a terminal."""
    lines = [text("cli.solve.head", lang, name=result.scenario.name,
                  status=result.status.label(lang))]
    if not result.optimal:
        lines += [f"  - {f.text(lang)}" for f in result.diagnosis]
        return "\n".join(lines)
    for p in result.programs:
        budget = result.scenario.policy.budget(p)
        label = program_label(p, lang)
        lines.append("  " + text("cli.solve.pool", lang, program=label,
                                 spent=yuan(result.spend(p), lang), budget=yuan(budget, lang)))
    lines.append("  " + text("cli.solve.funded", lang, count=f"{result.firms_funded:,}"))
    coverage = result.coverage_by("size_class")
    shown = ", ".join(f"{text(f'class.{c}', lang)} {share(v)}" for c, v in coverage.items())
    lines.append("  " + text("cli.solve.coverage", lang, shown=shown))
    lines.append("  " + text("cli.solve.impact", lang, impact=f"{result.objective:,.0f}"))
    for row in result.binding_rows():
        lines.append("  " + text("cli.solve.binding", lang,
                                 group=group_label(row.rule, row.group, lang),
                                 rule=rule_name(row.rule, lang), marginal=f"{row.marginal:+.2f}"))
    return "\n".join(lines)
