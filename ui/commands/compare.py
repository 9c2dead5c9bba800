"""``voucher-opt compare [A.xlsx B.xlsx ...] [--json] [--out REPORT.xlsx]``.

Solves each scenario and shows them side by side with the offices' baselines
(first come first served, pro-rata, rank by score, equal awards) and the price
of each scenario's fairness rules. With no file it compares the built-in
Shenzhen default with its fairness what-if. ``--out`` writes the report of the
first scenario with the others on its comparison sheet. Exit codes: 0 every
scenario optimal; 3 some scenario infeasible (it is still shown, with its
diagnosis); 1 a solver failure.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inputs.builtin import DEFAULT_SCENARIO_PATH, FAIR_SCENARIO_PATH
from inputs.store.resolve import source_sha256
from optimizer import Result, Scenario, Status, solve
from optimizer.analysis import Metrics, compare_baselines, measure, price_of_fairness
from optimizer.analysis.baselines import Baseline
from optimizer.catalog import as_lang, text
from optimizer.money import share
from ui.commands.common import (
    EXIT_ERROR,
    EXIT_INFEASIBLE,
    EXIT_OK,
    add_lang,
    check_out,
    print_json,
    scenario_from,
    write_out,
)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("compare", help="scenarios and baselines side by side, with the price "
                                       "of fairness")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                   help="scenario workbooks (default: Shenzhen 2024 and its fairness what-if)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_lang(p)
    p.add_argument("--out", help="write the Excel report (first scenario, others compared)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = check_out(args.out)
    paths = [Path(p) for p in args.scenarios] or [DEFAULT_SCENARIO_PATH, FAIR_SCENARIO_PATH]
    scenarios = [scenario_from(str(p), args.lang) for p in paths]
    results = [solve(sc) for sc in scenarios]
    payload = compare_json(scenarios, results)
    if out:
        from ui.report import build_report

        digest = source_sha256(paths[0])
        write_out(out, build_report(results[0], lang=args.lang, source_sha256=digest,
                                    compared=results[1:]))
    if args.json:
        print_json(payload)
    else:
        print(table(payload, args.lang))
        if out:
            print(text("cli.report_written", args.lang, path=args.out))
    statuses = {r.status for r in results}
    if statuses <= {Status.OPTIMAL}:
        return EXIT_OK
    return EXIT_INFEASIBLE if Status.ERROR not in statuses else EXIT_ERROR


def figures(m: Metrics | None) -> dict[str, Any]:
    """The headline figures of one allocation (None when there is none)."""
    if m is None:
        return {"objective": None, "startup_share": None, "gini": None, "jain": None,
                "firms_funded": None, "spend_total": None, "min_class_coverage": None,
                "coverage_by_class": {}, "coverage_by_district": {}}
    return {**m.summary(), "spend": m.spend, "coverage_by_class": m.coverage_by_class,
            "coverage_by_district": m.coverage_by_district}


def compare_json(scenarios: list[Scenario], results: list[Result]) -> dict[str, Any]:
    """The ``compare --json`` object of the README: scenarios, baselines, price of fairness.

    Baselines and prices are given for every scenario; each entry names its ``scenario``.
    """
    rows: list[dict[str, Any]] = []
    baselines: list[dict[str, Any]] = []
    prices: list[dict[str, Any]] = []
    for sc, result in zip(scenarios, results, strict=True):
        metrics = measure(sc, result.amounts, result.limits) if result.optimal else None
        own_prices = [
            {"scenario": sc.name, "rule": p.rule, "parameter": p.parameter,
             "impact_lost": p.impact_lost, "impact_lost_pct": p.impact_lost_pct,
             "moved": p.moved, "moved_by_class": p.moved_by_class,
             "moved_by_district": p.moved_by_district, "text_zh": p.text_zh,
             "text_en": p.text_en}
            for p in price_of_fairness(sc, result)
        ]
        prices += own_prices
        rows.append({"name": sc.name, "status": str(result.status), **figures(metrics),
                     "diagnosis": [f.text_en for f in result.diagnosis],
                     "diagnosis_zh": [f.text_zh for f in result.diagnosis],
                     "price_of_fairness": own_prices})
        baselines += [{"name": name, "scenario": sc.name, "status": "optimal", **figures(m)}
                      for name, m in compare_baselines(sc, result) if name != "optimized"]
    return {"scenarios": rows, "baselines": baselines, "price_of_fairness": prices}


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "share":
        return share(value)
    if kind == "ratio":
        return f"{value:.3f}"
    return f"{value:,.0f}"


def table(payload: dict[str, Any], language: str) -> str:
    """Scenarios and the first scenario's baselines as columns, figures as rows; then prices."""
    lang = as_lang(language)
    zh = lang == "zh"
    first = payload["scenarios"][0]["name"]
    columns = [(s["name"], s) for s in payload["scenarios"]]
    columns += [(Baseline(b["name"]).label(lang), b)
                for b in payload["baselines"] if b["scenario"] == first]
    rows = [("status", "text"), ("objective", "int"), ("spend_total", "int"),
            ("firms_funded", "int"), ("startup_share", "share"),
            ("min_class_coverage", "share"), ("gini", "ratio"), ("jain", "ratio")]
    grid = [["", *(name for name, _ in columns)]]
    for key, kind in rows:
        cells = [Status(c[key]).label(lang) if kind == "text" else _cell(c.get(key), kind)
                 for _, c in columns]
        name = "impact" if key == "objective" else key
        grid.append([text(f"cli.table.{name}", lang), *cells])
    widths = [max(len(r[k]) for r in grid) for k in range(len(grid[0]))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in grid]
    if len(payload["scenarios"]) > 1:
        lines.append(text("cli.baselines_of", lang, name=first))
    for s in payload["scenarios"]:
        for reason in s["diagnosis_zh" if zh else "diagnosis"]:
            lines.append(f"{s['name']}: {reason}")
        for p in s["price_of_fairness"]:
            lines.append(f"{s['name']}: {p['text_zh' if zh else 'text_en']}")
    return "\n".join(lines)
