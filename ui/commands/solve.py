"""``voucher-opt solve [SCENARIO.xlsx] [--out REPORT.xlsx] [--json] [--lang zh|en]``."""

from __future__ import annotations

import argparse
from typing import Any

from inputs.builtin import DEFAULT_SCENARIO_PATH
from inputs.store.decisions import record_solve
from inputs.store.resolve import source_sha256
from optimizer import Result, solve
from optimizer.catalog import text
from optimizer.money import Lang, share, yuan
from optimizer.rules import group_label, program_label, rule_name
from ui.commands.common import add_lang, check_out, exit_code, print_json, scenario_from, write_out

STATUS_ZH = {"optimal": "最优", "infeasible": "不可行", "error": "求解失败"}
CLASS_ZH = {"startup": "初创", "small": "小型", "medium": "中型", "large": "大型"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser("solve", help="solve a scenario (default: the built-in Shenzhen 2024)")
    p.add_argument("scenario", nargs="?", help="scenario workbook (.xlsx) or firms table (.csv)")
    p.add_argument("--out", help="write the Excel report to this file")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_lang(p)
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
        print_json(result_json(result))
    else:
        print(summary(result, args.lang))
        if out:
            print(text("cli.report_written", args.lang, path=args.out))
    return exit_code(result.status)


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
    zh = lang == "zh"
    status = str(result.status)
    lines = [f"{result.scenario.name}: " + (STATUS_ZH[status] if zh else status)]
    if not result.optimal:
        lines += [f"  - {f.text(lang)}" for f in result.diagnosis]
        return "\n".join(lines)
    for p in result.programs:
        budget = result.scenario.policy.budget(p)
        label = program_label(p, lang)
        lines.append(f"  {label}: {yuan(result.spend(p), lang)} / {yuan(budget, lang)}")
    lines.append(("  获资助企业：" if zh else "  firms funded: ") + f"{result.firms_funded:,}")
    coverage = result.coverage_by("size_class")
    shown = ", ".join(f"{CLASS_ZH[c] if zh else c} {share(v)}" for c, v in coverage.items())
    lines.append(("  各规模覆盖率：" if zh else "  coverage by size class: ") + shown)
    lines.append(("  影响力（评分×元）：" if zh else "  impact (score × yuan): ")
                 + f"{result.objective:,.0f}")
    for row in result.binding_rows():
        group, rule = group_label(row.rule, row.group, lang), rule_name(row.rule, lang)
        if zh:
            lines.append(f"  起约束作用：{group}{rule}（每元 {row.marginal:+.2f} 影响力）")
        else:
            lines.append(f"  binding: {group} {rule} ({row.marginal:+.2f} impact per yuan)")
    return "\n".join(lines)
