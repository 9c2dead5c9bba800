"""``make bench``: speed and memory, printed as figures (never asserted).

For generated Shenzhen-like scenarios of 2,887, 30,000 and 100,000 firms it
prints the seconds to load the workbook, build the LP, solve it and read the
allocation back, beside HiGHS on the same LP passed directly as sparse
matrices through highspy (the floor no modelling layer can beat). Further
sections time the analysis, the report and the app's re-solve, where present.
The input guards section gives what the guard (zip directory, unpacked sizes,
far-away cells) costs beside the whole load, and the time and peak memory of
reading hostile files (a 3 MB zip bomb of 3 GB, a stray cell at XFD1048576).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import highspy
import numpy as np

from inputs import load_scenario, save_scenario, write_scenario
from inputs.guard import guard_workbook
from inputs.shenzhen import generate
from optimizer import Scenario, solve
from optimizer.model import HIGHS_OPTIONS, SCALE
from optimizer.rules import make_context, rules_for
from optimizer.solve import tie_broken_scores

SIZES = (2_887, 30_000, 100_000)


def direct_highs(scenario: Scenario) -> tuple[float, float]:
    """Solve the impact LP through highspy with numpy arrays; return (seconds, objective)."""
    started = time.perf_counter()
    ctx = make_context(scenario)
    rows = [row for rule in rules_for(scenario) for row in rule.rows(ctx)]
    upper = ctx.limits.upper
    if scenario.policy.cap_total is not None:
        upper = np.minimum(upper, scenario.policy.cap_total)
    pair_firm, pair_program = np.nonzero(upper > 0)
    pair_of = np.full(upper.shape, -1, dtype=np.int64)
    pair_of[pair_firm, pair_program] = np.arange(len(pair_firm))
    weights = tie_broken_scores(scenario)

    starts, indices, lower, upper_rows = [0], [], [], []
    for row in rows:
        pairs = pair_of[row.firms, row.programs]
        pairs = pairs[pairs >= 0]
        indices.append(pairs)
        starts.append(starts[-1] + len(pairs))
        bound = row.rhs / SCALE
        lower.append(bound if str(row.sense) == ">=" else -highspy.kHighsInf)
        upper_rows.append(bound if str(row.sense) == "<=" else highspy.kHighsInf)
    index = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)

    lp = highspy.HighsLp()
    lp.num_col_ = len(pair_firm)
    lp.num_row_ = len(rows)
    lp.col_cost_ = weights[pair_firm]
    lp.col_lower_ = np.zeros(len(pair_firm))
    lp.col_upper_ = upper[pair_firm, pair_program] / SCALE
    lp.row_lower_ = np.array(lower)
    lp.row_upper_ = np.array(upper_rows)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = index.astype(np.int32)
    lp.a_matrix_.value_ = np.ones(len(index))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for option, value in HIGHS_OPTIONS.items():
        h.setOptionValue(option, value)
    h.passModel(lp)
    h.run()
    values = np.asarray(h.getSolution().col_value)
    amounts = np.zeros(upper.shape)
    amounts[pair_firm, pair_program] = values * SCALE
    seconds = time.perf_counter() - started
    impact = float((scenario.firms["score"].to_numpy(float) * amounts.sum(axis=1)).sum())
    return seconds, impact


def scaled(scenario: Scenario, n: int) -> Scenario:
    """Pools grown with the number of firms, so that larger cities compete as hard."""
    policy = scenario.policy
    factor = n / 2_887
    return scenario.with_policy(policy.with_values(
        budgets=tuple((p, b * factor) for p, b in policy.budgets)))


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def bench_engine(sizes: tuple[int, ...], fair: bool) -> None:
    label = "fairness rules on" if fair else "Shenzhen 2024 rules"
    print(f"\n## Engine ({label}): seconds")
    print(f"{'firms':>8} {'load':>6} {'build':>6} {'solve':>6} {'read':>6} {'total':>6}"
          f" {'floor':>6} {'ratio':>6}  objective check")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            scenario = scaled(generate(n, seed=2024, fair=fair), n)
            path = Path(tmp) / f"bench-{n}.xlsx"
            save_scenario(scenario, path)
            load_s, loaded = timed(lambda p=path: load_scenario(p))
            result = solve(loaded)
            t = result.timings
            floor_s, floor_impact = direct_highs(loaded)
            whole = t.get("total", 0.0)
            same = abs(result.objective - floor_impact) <= 1e-6 * abs(floor_impact) + 1
            print(f"{n:>8,} {load_s:6.2f} {t.get('build', 0):6.2f} {t.get('solve', 0):6.2f}"
                  f" {t.get('read', 0):6.2f} {whole:6.2f} {floor_s:6.2f} {whole / floor_s:6.2f}"
                  f"  {result.status} {'same optimum' if same else 'DIFFERENT optimum'}")


def bench_analysis() -> None:
    if importlib.util.find_spec("optimizer.analysis") is None:
        return
    from inputs.builtin import default_scenario, fair_scenario
    from optimizer.analysis import explain_all, price_of_fairness, sweep

    scenario = default_scenario()
    print("\n## Analysis on the default scenario: seconds")
    values = [round(0.05 * k, 2) for k in range(13)]
    seconds, _ = timed(lambda: sweep(scenario, "startup_floor", values))
    print(f"  sweep startup_floor 0 → 0.6 (13 points): {seconds:.2f}")
    fair = fair_scenario()
    result = solve(fair)
    seconds, prices = timed(lambda: price_of_fairness(fair, result))
    print(f"  price of fairness, {len(prices)} entries (fair what-if): {seconds:.2f}")
    for fair_rules, label in ((False, "Shenzhen rules"), (True, "fairness rules")):
        big = solve(scaled(generate(100_000, seed=2024, fair=fair_rules), 100_000))
        seconds, _ = timed(lambda big=big: explain_all(big))
        print(f"  reasons for 100,000 firms, {label:<14}: {seconds:.2f}")


def bench_report() -> None:
    if importlib.util.find_spec("ui.report") is None:
        return
    print("\n## Excel report: seconds to build, peak memory of the process (MiB)")
    for n in (2_887, 100_000):
        for fair in (False, True):
            # a fresh process each time, so that its peak RSS is this report's alone
            code = (
                "import resource, time\n"
                "from tests.bench import scaled\n"
                "from inputs.shenzhen import generate\n"
                "from optimizer import solve\n"
                "from ui.report import build_report\n"
                f"result = solve(scaled(generate({n}, seed=2024, fair={fair}), {n}))\n"
                "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
                "t = time.perf_counter(); data = build_report(result)\n"
                "seconds = time.perf_counter() - t\n"
                "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
                "print(seconds, before / 1024, after / 1024, len(data) / 2**20)\n"
            )
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True)
            seconds, before, after, size = map(float, done.stdout.split())
            label = "fairness rules" if fair else "Shenzhen rules"
            print(f"  {n:>7,} firms, {label:<14}: {seconds:6.2f} s, peak {after:6.0f} MiB "
                  f"({after - before:+.0f} for the report), {size:.1f} MiB file")


def bench_store() -> None:
    """Save and load one version through the store: SQLite file, and PostgreSQL when present."""
    from contextlib import ExitStack

    from inputs.store import open_store
    from tests.store import pg

    print("\n## Store: save / load one version (median of runs): seconds")
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        urls = [("SQLite", f"sqlite:///{tmp}/store.db")]
        if pg.available():
            server = stack.enter_context(pg.temporary_postgres())
            urls.append(("PostgreSQL", server.new_database()))
        for n in (2_887, 100_000):
            scenario = scaled(generate(n, seed=2024), n)
            for label, url in urls:
                store = open_store(url)
                runs = 7 if n < 10_000 else 3
                name = f"bench-{n}"
                saves = [timed(lambda s=store, k=name, sc=scenario: s.save_version(k, sc))[0]
                         for _ in range(runs)]
                loads = [timed(lambda s=store, k=name: s.load_version(k))[0]
                         for _ in range(runs)]
                store.close()
                print(f"  {n:>7,} firms, {label:<10}: save {sorted(saves)[runs // 2]:.3f}, "
                      f"load {sorted(loads)[runs // 2]:.3f}")


def bench_app() -> None:
    spec = importlib.util.find_spec("tests.ui.bench_app")
    if spec is None:
        return
    from tests.ui.bench_app import redraw_seconds

    print("\n## App: one rule changed, re-solve and redraw (AppTest): seconds")
    for line in redraw_seconds():
        print(f"  {line}")


def bench_guard(sizes: tuple[int, ...]) -> None:
    """The guard's cost beside the whole load (best of three each), and hostile files."""
    print("\n## Input guards: seconds (best of 3)")
    print(f"{'firms':>8} {'guard':>6} {'load':>6} {'share':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"guard-{n}.xlsx"
            save_scenario(scaled(generate(n, seed=2024), n), path)
            data = path.read_bytes()
            guard = min(timed(lambda d=data: guard_workbook(d, "b.xlsx"))[0] for _ in range(3))
            load = min(timed(lambda p=path: load_scenario(p))[0] for _ in range(3))
            print(f"{n:>8,} {guard:6.3f} {load:6.3f} {guard / load:6.1%}")
    hostile = (
        "import resource, sys, time\n"
        "from inputs import InputError, read_scenario, write_scenario\n"
        "from inputs.shenzhen import generate\n"
        "from tests.inputs.hostile import far_cell_workbook, zip_bomb\n"
        "kind = sys.argv[1]\n"
        "data = (zip_bomb(3 * 2**30, honest=kind == 'bomb') if kind.startswith('bomb') else\n"
        "        open(sys.argv[2], 'rb').read() if kind == 'xls' else\n"
        "        far_cell_workbook(write_scenario(generate(30, seed=7)), 'XFD1048576'))\n"
        "started = time.perf_counter()\n"
        "try:\n"
        "    read_scenario(data, 'hostile.xlsx')\n"
        "    code = 'ACCEPTED'\n"
        "except InputError as err:\n"
        "    code = err.code\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'{len(data) / 2**20:.1f} MB, refused in {time.perf_counter() - started:.2f} s, '\n"
        "      f'peak {peak:.0f} MiB (the process, with pandas loaded): {code}')\n"
    )
    labels = {"bomb": "zip bomb, honest directory", "bomb-lying": "zip bomb, lying directory",
              "far": "cell at XFD1048576", "xls": ".xls, cell at IV65536"}
    with tempfile.TemporaryDirectory() as tmp:
        xls = _far_xls(Path(tmp))
        for kind, label in labels.items():
            if kind == "xls" and xls is None:
                print(f"  {label:<27}: not measured (LibreOffice is not installed)")
                continue
            done = subprocess.run([sys.executable, "-c", hostile, kind, str(xls)],
                                  capture_output=True, text=True, check=False)
            print(f"  {label:<27}: {(done.stdout or done.stderr).strip()}")


def _far_xls(folder: Path) -> Path | None:
    """The small scenario with one cell at IV65536, saved as .xls by LibreOffice."""
    import shutil

    import openpyxl

    if shutil.which("soffice") is None:
        return None
    book = openpyxl.load_workbook(io.BytesIO(write_scenario(generate(30, seed=7))))
    book["firms"]["IV65536"] = 1
    book.save(folder / "far.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(folder),
                    str(folder / "far.xlsx")], check=True, capture_output=True, timeout=180)
    return folder / "far.xls"


#: The redemption rates of the bench's default scenario (UK Help to Grow redeemed ≈60 %).
REDEMPTION = (("startup", 0.6), ("small", 0.7), ("medium", 0.8), ("large", 0.9))


def with_redemption(scenario: Scenario, sd: float = 0.1, **changes: Any) -> Scenario:
    """``scenario`` with the bench's redemption rates (every class, sd ``sd``)."""
    return scenario.with_policy(scenario.policy.with_values(
        redemption=REDEMPTION, redemption_sd=(("", sd),), **changes))


def _phases(timings: dict[str, float]) -> str:
    """``build 0.02, solve 0.04, read 0.00`` of a result's timings."""
    return ", ".join(f"{k} {timings[k]:.3f}" for k in ("build", "solve", "read") if k in timings)


def bench_redemption() -> None:
    from inputs.builtin import default_scenario
    from optimizer.analysis import sweep
    from optimizer.analysis.frontier import RISK_RUN
    from optimizer.analysis.risk import pool_risks
    from optimizer.redemption import BLOCK, model_of, simulate
    from ui.executors import executor_for

    rates = ", ".join(f"{c} {m:.0%}" for c, m in REDEMPTION)
    print(f"\n## Redemption (rates {rates}, ε 5 %): seconds")
    base = default_scenario()
    for samples in (1000, 2000, 4000):
        seconds, result = timed(lambda n=samples: solve(with_redemption(
            base, redemption_samples=n)))
        print(f"  default scenario, {samples:,} samples: {seconds:.2f} s ({result.status}; "
              f"{_phases(result.timings)})")
    big = with_redemption(scaled(generate(100_000, seed=2024), 100_000))
    seconds, result = timed(lambda: solve(big))
    print(f"  100,000 firms, 1,000 samples: {seconds:.2f} s ({result.status}; "
          f"{_phases(result.timings)})")
    model = model_of([("training", c, m, 0.1) for c, m in REDEMPTION])
    issued = np.array([20e6, 60e6, 220e6, 210e6])
    seconds, _ = timed(lambda: simulate(model, issued, [("training", 5e8)], 1, 1_000_000))
    print(f"  10⁶ out-of-sample draws, here: {seconds:.2f} s ({-(-1_000_000 // BLOCK)} blocks)")
    with executor_for(None) as pool:
        seconds, _ = timed(lambda: simulate(model, issued, [("training", 5e8)], 1, 1_000_000,
                                            executor=pool))
        print(f"  10⁶ out-of-sample draws, local processes (with their start): {seconds:.2f} s")
    scenario = with_redemption(base)
    values = [round(0.01 * k, 2) for k in range(1, 22)]
    seconds, _ = timed(lambda: sweep(scenario, "overspend_risk", values))
    print(f"  risk sweep 1 % → 21 % (21 points, runs of {RISK_RUN} on one model, warm), "
          f"here: {seconds:.2f} s")
    seconds, _ = timed(lambda: [solve(scenario.with_policy(scenario.policy.with_values(
        overspend_risk=v))) for v in values])
    print(f"  the same 21 points as fresh solves, for comparison: {seconds:.2f} s")
    with executor_for(None) as pool:
        seconds, _ = timed(lambda: sweep(scenario, "overspend_risk", values, executor=pool))
        print(f"  risk sweep, local processes (with their start): {seconds:.2f} s")

    print("\n## Redemption: achieved risk on fresh draws (10⁶) against ε, default scenario")
    print(f"  {'sd':>4} {'ε':>5} {'pool':>9} {'issued':>12} {'expected':>12} {'/ pool':>7}"
          f" {'P(over)':>8} {'p95':>12} {'p99':>12}")
    for sd in (0.0, 0.05, 0.1, 0.15):
        for epsilon in (0.01, 0.05, 0.1):
            result = solve(with_redemption(base, sd, overspend_risk=epsilon))
            for program, risk in pool_risks(result, draws=1_000_000).items():
                print(f"  {sd:4.2f} {epsilon:5.0%} {program:>9} {risk.issued / 1e6:10.1f}M "
                      f"{risk.expected_spend / 1e6:10.1f}M {risk.expected_spend / risk.budget:7.1%}"
                      f" {risk.p_overspend:8.2%} {risk.spend_p95 / 1e6:10.1f}M "
                      f"{risk.spend_p99 / 1e6:10.1f}M")

    from inputs.builtin import fair_scenario

    print("\n## Redemption: expected spending against the pool, per scenario (sd 0.1, ε 5 %)")
    scenarios = [("default", base), ("fairness what-if", fair_scenario()),
                 ("30,000 firms", scaled(generate(30_000, seed=7), 30_000)),
                 ("100,000 firms", scaled(generate(100_000, seed=2024), 100_000))]
    for name, scenario in scenarios:
        result = solve(with_redemption(scenario))
        if not result.optimal:
            print(f"  {name:<17} {result.status}")
            continue
        shown = ", ".join(
            f"{program} {risk.expected_spend / risk.budget:.1%} (P(over) {risk.p_overspend:.2%})"
            for program, risk in pool_risks(result, draws=200_000).items())
        print(f"  {name:<17} {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--engine-only", action="store_true")
    parser.add_argument("--store-only", action="store_true", help="only the store's figures")
    parser.add_argument("--redemption-only", action="store_true",
                        help="only the redemption figures")
    args = parser.parse_args()
    sizes = tuple(args.sizes)
    if args.store_only:
        bench_store()
        return
    if args.redemption_only:
        bench_redemption()
        return
    bench_engine(sizes, fair=False)
    bench_engine(sizes, fair=True)
    bench_guard(sizes)
    if not args.engine_only:
        bench_analysis()
        bench_report()
        bench_store()
        bench_app()
        bench_redemption()


if __name__ == "__main__":
    main()
