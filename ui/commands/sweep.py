"""``voucher-opt sweep [SCENARIO.xlsx] --rule R --from A --to B --step S [--json] [--out F]``.

Solves the scenario at each value of one rule's parameter (a share for
``startup_floor``, ``large_cap``, ``district_floor``, ``basic_research_floor``;
yuan for ``budget.P``) and prints impact and fairness along the sweep. On a
terminal a progress bar runs on stderr. Exit codes: 0 swept (points may be
infeasible: they are part of the answer); 2 invalid input (a bad rule or range).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inputs.builtin import DEFAULT_SCENARIO_PATH
from inputs.store.resolve import source_sha256
from optimizer import solve
from optimizer.analysis import Frontier, sweep
from optimizer.analysis.frontier import RISK, SHARE_RULES, sweepable
from optimizer.catalog import as_lang, text
from optimizer.money import share, yuan
from ui.commands.common import (
    EXIT_OK,
    CliError,
    add_lang,
    check_out,
    finite,
    print_json,
    scenario_from,
    write_out,
)
from ui.executors import dask_address, executor_for

#: Most points a sweep may have (a typo in --step must not start 10⁶ solves).
MAX_POINTS = 1000


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sweep", help="solve along one rule's parameter (a frontier)")
    p.add_argument("scenario", nargs="?", help="scenario workbook (default: Shenzhen 2024)")
    p.add_argument("--rule", required=True,
                   help="startup_floor, large_cap, district_floor, basic_research_floor "
                        "or budget.P (e.g. budget.training)")
    p.add_argument("--from", dest="start", type=float, required=True, help="first value")
    p.add_argument("--to", dest="stop", type=float, required=True, help="last value")
    p.add_argument("--step", type=float, required=True, help="step between values (> 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_lang(p)
    p.add_argument("--out", help="write the Excel report with the frontier sheet to this file")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="solve the points of an overspend_risk sweep on this Dask scheduler "
                        "(default: $VOUCHER_OPT_DASK, else local processes)")
    p.set_defaults(run=run)


def sweep_values(start: float, stop: float, step: float) -> list[float]:
    """``start, start + step, …`` up to ``stop`` inclusive, free of float drift.

    Raises
    ------
    CliError
        When a bound is not finite, the step is not positive, the range runs
        backwards or has too many points.
    """
    finite(start, "--from")
    finite(stop, "--to")
    finite(step, "--step")
    if not step > 0:
        raise CliError("cli.step_positive", got=f"{step:g}")
    if stop < start:
        raise CliError("cli.range_backwards", start=f"{start:g}", stop=f"{stop:g}")
    count = int((stop - start) / step + 1e-9) + 1
    if count > MAX_POINTS:
        raise CliError("cli.too_many_points", count=f"{count:,}", limit=MAX_POINTS)
    return [round(start + k * step, 10) for k in range(count)]


def check_rule(rule: str, rules: list[str], values: list[float]) -> None:
    """Refuse a rule that cannot be swept, or values outside its range, before any solve."""
    if rule not in rules:
        raise CliError("cli.sweep_rule", rule=repr(rule), allowed=", ".join(rules))
    for value in values:
        if rule in SHARE_RULES and not 0 <= value <= 1:
            raise CliError("cli.sweep_share", rule=rule, got=f"{value:g}")
        if rule.startswith("budget.") and value < 0:
            raise CliError("cli.sweep_budget", rule=rule, got=f"{value:g}")


def run(args: argparse.Namespace) -> int:
    values = sweep_values(args.start, args.stop, args.step)
    out = check_out(args.out)
    scenario = scenario_from(args.scenario, args.lang)
    check_rule(args.rule, sweepable(scenario), values)
    bar = _progress if sys.stderr.isatty() else None
    if args.rule == RISK:  # independent fresh solves: on an executor
        if not all(0 < v < 1 for v in values):
            raise CliError("redemption.error.sweep_risk", rule=RISK,
                           got=", ".join(f"{v:g}" for v in values if not 0 < v < 1))
        with executor_for(dask_address(args.dask)) as executor:
            frontier = sweep(scenario, args.rule, values, progress=bar, executor=executor)
    else:
        frontier = sweep(scenario, args.rule, values, progress=bar)
    if bar:
        sys.stderr.write("\n")
    if out:
        from ui.report import build_report

        digest = source_sha256(args.scenario or DEFAULT_SCENARIO_PATH)
        data = build_report(solve(scenario), lang=args.lang, source_sha256=digest,
                            frontier=frontier)
        write_out(out, data)
    if args.json:
        print_json(frontier.to_dict())
    else:
        print(table(frontier, args.lang))
    return EXIT_OK


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def table(frontier: Frontier, language: str) -> str:
    """The sweep as aligned text columns."""
    lang = as_lang(language)
    head = [text(f"cli.table.{name}", lang) for name in (
        "value", "status", "impact", "startup_share", "gini", "jain", "firms_funded")]
    money = frontier.rule.startswith("budget.")
    rows = [head]
    for p in frontier.points:
        value = yuan(p.value, lang) if money else share(p.value)
        m = p.metrics
        rows.append([value, p.status.label(lang),
                     f"{p.objective:,.0f}" if p.objective is not None else "-",
                     share(m.startup_share) if m else "-", f"{m.gini:.3f}" if m else "-",
                     f"{m.jain:.3f}" if m else "-", f"{m.firms_funded:,}" if m else "-"])
    widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
    lines = [f"{frontier.rule} ({frontier.scenario_name}, {frontier.seconds:.2f} s)"]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    for p, label in zip(frontier.points, rows[1:], strict=True):
        lines += [f"{label[0]}: {f.text(lang)}" for f in p.diagnosis]
    return "\n".join(lines)
