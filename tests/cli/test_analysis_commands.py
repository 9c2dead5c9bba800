"""``voucher-opt compare`` / ``sweep`` / ``explain``: the JSON shapes, texts and exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from inputs import save_scenario
from inputs.builtin import FAIR_SCENARIO_PATH
from optimizer.scenario import Scenario
from tests.factory import firm, scenario
from tests.optimizer.test_analysis_baselines import hand
from ui.cli import main

M = 1e6
FIGURES = {"objective", "startup_share", "gini", "jain", "firms_funded"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def saved(tmp_path: Path, name: str, sc: Scenario) -> str:
    path = tmp_path / f"{name}.xlsx"
    save_scenario(sc, path)
    return str(path)


# -- compare -------------------------------------------------------------------------------


def test_compare_json_has_scenarios_baselines_and_prices(capsys, tmp_path):
    # base: the four hand firms; what-if: a 50 % startup set-aside (costs 10M of 800M)
    base = saved(tmp_path, "base", hand())
    fair = saved(tmp_path, "fair", hand(startup_floor=0.5))
    code, out, err = run(capsys, "compare", base, fair, "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert [s["name"] for s in payload["scenarios"]] == ["base", "fair"]
    for entry in payload["scenarios"]:
        assert {"name", "status"} | FIGURES <= set(entry)
        assert entry["status"] == "optimal"
    assert payload["scenarios"][0]["objective"] == pytest.approx(800 * M)
    assert payload["scenarios"][1]["objective"] == pytest.approx(790 * M)
    assert [b["name"] for b in payload["baselines"] if b["scenario"] == "base"] == [
        "fcfs", "pro_rata", "rank_by_score", "equal_awards"]
    for entry in payload["baselines"]:
        assert {"name"} | FIGURES <= set(entry)
    pro_rata = next(b for b in payload["baselines"] if b["name"] == "pro_rata")
    assert pro_rata["objective"] == pytest.approx(710 * M)  # see test_analysis_baselines
    assert pro_rata["gini"] == pytest.approx(0.25)
    prices = payload["price_of_fairness"]
    assert [(p["scenario"], p["rule"]) for p in prices] == [("fair", "all"),
                                                           ("fair", "startup_floor")]
    assert {"rule", "impact_lost", "impact_lost_pct"} <= set(prices[1])
    assert prices[1]["impact_lost"] == pytest.approx(10 * M, rel=1e-6)
    assert prices[1]["impact_lost_pct"] == pytest.approx(1.25, rel=1e-6)


def test_compare_text_in_both_languages(capsys, tmp_path):
    fair = saved(tmp_path, "fair", hand(startup_floor=0.5))
    code, out, _ = run(capsys, "compare", fair, "--lang", "en")
    assert code == 0
    assert "rank by score" in out and "Gini" in out and "firms funded" in out
    assert "The 50% startup set-aside costs 1.2% of impact" in out
    code, out, _ = run(capsys, "compare", fair)
    assert code == 0 and "按得分排序" in out and "初创企业专项" in out


def test_compare_with_an_infeasible_scenario_exits_3(capsys, tmp_path):
    ok = saved(tmp_path, "ok", hand())
    bad = saved(tmp_path, "bad", hand(district_floor=1.0))
    code, out, _ = run(capsys, "compare", ok, bad, "--json")
    assert code == 3
    infeasible = json.loads(out)["scenarios"][1]
    assert infeasible["status"] == "infeasible" and infeasible["objective"] is None
    assert infeasible["diagnosis"][0].startswith("District floor 100%")


def test_compare_defaults_to_the_shipped_scenarios(capsys):
    code, out, _ = run(capsys, "compare", "--json")
    assert code == 0
    payload = json.loads(out)
    assert [s["name"] for s in payload["scenarios"]] == ["shenzhen-2024", "shenzhen-2024-fair"]
    rules = [p["rule"] for p in payload["price_of_fairness"]]
    assert rules[0] == "all" and "startup_floor" in rules
    assert all(p["impact_lost"] >= 0 for p in payload["price_of_fairness"])


def test_compare_out_writes_the_report(capsys, tmp_path):
    pytest.importorskip("ui.report")
    base = saved(tmp_path, "base", hand())
    fair = saved(tmp_path, "fair", hand(startup_floor=0.5))
    report = tmp_path / "report.xlsx"
    code, _, err = run(capsys, "compare", base, fair, "--out", str(report), "--lang", "en")
    assert code == 0, err
    names = openpyxl.load_workbook(report, read_only=True).sheetnames
    assert "firms" in names and "policy" in names and len(names) > 3


# -- sweep ---------------------------------------------------------------------------------


def test_sweep_json_on_the_default_scenario(capsys):
    code, out, err = run(capsys, "sweep", "--rule", "startup_floor", "--from", "0", "--to",
                         "0.6", "--step", "0.05", "--json")
    assert code == 0
    assert err == ""  # no progress bar off a terminal
    payload = json.loads(out)
    assert payload["rule"] == "startup_floor"
    points = payload["points"]
    assert [p["value"] for p in points] == [round(0.05 * k, 2) for k in range(13)]
    for p in points:
        assert {"value", "status", "objective", "startup_share", "gini"} <= set(p)
        assert p["status"] == "optimal"
        assert p["startup_share"] >= p["value"] - 1e-6  # the set-aside is met …
    impacts = [p["objective"] for p in points]
    assert impacts == sorted(impacts, reverse=True)  # … and costs more as it grows


def test_sweep_a_budget_with_text_output(capsys, tmp_path):
    # training pool 4M → 360M, 6M → 520M, 8M → 660M (A, C, then 2M of B)
    path = saved(tmp_path, "hand", hand())
    code, out, _ = run(capsys, "sweep", path, "--rule", "budget.training", "--from", "4e6",
                       "--to", "8e6", "--step", "2e6", "--lang", "en")
    assert code == 0
    assert "budget.training" in out and "¥4.0M" in out and "¥8.0M" in out
    assert "360,000,000" in out and "660,000,000" in out


def test_sweep_infeasible_points_are_reported_not_fatal(capsys, tmp_path):
    path = saved(tmp_path, "hand", hand())
    code, out, _ = run(capsys, "sweep", path, "--rule", "district_floor", "--from", "0.4",
                       "--to", "0.8", "--step", "0.2", "--json")
    assert code == 0
    points = json.loads(out)["points"]
    assert [p["status"] for p in points] == ["optimal", "infeasible", "infeasible"]
    assert points[2]["objective"] is None and points[2]["diagnosis"]
    code, out, _ = run(capsys, "sweep", path, "--rule", "district_floor", "--from", "0.8",
                       "--to", "0.8", "--step", "0.1", "--lang", "en")
    assert code == 0 and "infeasible" in out and "80%: District floor 80% needs" in out


@pytest.mark.parametrize("argv, message, message_zh", [
    (["--rule", "min_score.small", "--from", "0", "--to", "1", "--step", "0.5"], "cannot sweep",
     "不能扫描"),
    (["--rule", "startup_floor", "--from", "0", "--to", "1.5", "--step", "0.5"],
     "between 0 and 1", "应在 0 到 1 之间"),
    (["--rule", "startup_floor", "--from", "0", "--to", "0.5", "--step", "0"], "--step",
     "应大于 0"),
    (["--rule", "startup_floor", "--from", "0.5", "--to", "0.1", "--step", "0.1"], "--to",
     "不能小于"),
    (["--rule", "startup_floor", "--from", "0", "--to", "inf", "--step", "0.1"],
     "--to must be a finite number, got inf", "--to 应为有限的数字，实际为 inf"),
    (["--rule", "startup_floor", "--from", "nan", "--to", "1", "--step", "0.1"],
     "--from must be a finite number, got nan", "--from 应为有限的数字，实际为 nan"),
])
def test_sweep_bad_rule_or_range_exits_2(capsys, tmp_path, argv, message, message_zh):
    path = saved(tmp_path, "hand", hand())
    code, out, err = run(capsys, "sweep", path, *argv, "--json", "--lang", "en")
    assert code == 2
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert json.loads(out)["status"] == "invalid_input"
    code, out, err = run(capsys, "sweep", path, *argv)
    assert code == 2 and out == ""
    assert err.startswith("错误：") and message_zh in err and "Traceback" not in err


def test_sweep_shows_progress_on_a_terminal(capsys, tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    path = saved(tmp_path, "hand", hand())
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(["sweep", path, "--rule", "large_cap", "--from", "0", "--to", "1", "--step",
                 "0.25", "--json"])
    assert code == 0
    assert "5/5" in terminal.getvalue() and "0/5" in terminal.getvalue()
    assert json.loads(capsys.readouterr().out)["rule"] == "large_cap"  # stdout stays JSON


def test_sweep_json_stdout_is_pure_as_a_process(tmp_path):
    path = saved(tmp_path, "hand", hand())
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "sweep", path, "--rule", "budget.training", "--from",
         "0", "--to", "1e7", "--step", "5e6", "--json"],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["points"]) == 3


# -- explain -------------------------------------------------------------------------------


def test_explain_json_for_each_reason(capsys, tmp_path):
    # the set-aside case of test_analysis_explain: A cut off at 90, B raised by the set-aside
    path = saved(tmp_path, "hand", hand(startup_floor=0.5, district_floor=0.25))
    code, out, _ = run(capsys, "explain", path, "B", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["firm_id"] == "B" and payload["reason"] == "set_aside"
    assert payload["model"] == 0 and payload["training"] == pytest.approx(5 * M)
    assert payload["text_en"].startswith("Funded ¥5.0M of the ¥6.0M its rates allow")
    assert payload["text_zh"].startswith("获资助500万元")
    code, out, _ = run(capsys, "explain", path, "C", "--json")
    assert json.loads(out)["reason"] == "pool_cutoff"


def test_explain_json_names_every_route_with_its_cut_off(capsys):
    # the case: an unfunded startup of the fairness what-if is told the pool's
    # cut-off AND the startup set-aside's, which a funded startup (SZ2478, 73.3) reached
    code, out, _ = run(capsys, "explain", str(FAIR_SCENARIO_PATH), "SZ2434", "--json")
    assert code == 0
    routes = {r["route"]: r for r in json.loads(out)["routes"]}
    assert routes["general.training"]["cut_off"] == pytest.approx(88.2, abs=0.05)
    assert routes["startup_floor.training"]["cut_off"] == pytest.approx(73.3, abs=0.05)
    assert [name for name, r in routes.items() if r["closest"]] == ["startup_floor.training"]


def test_explain_text_in_both_languages(capsys, tmp_path):
    path = saved(tmp_path, "hand", hand())
    code, out, _ = run(capsys, "explain", path, "D")
    assert code == 0 and out.startswith("D [pool_cutoff]") and "资金池" in out
    code, out, _ = run(capsys, "explain", path, "D", "--lang", "en")
    assert code == 0 and "Not funded: the training pool ran out" in out


def test_explain_on_the_default_scenario(capsys):
    code, out, _ = run(capsys, "explain", "SZ0001", "--json")
    assert code == 0
    assert json.loads(out)["reason"] in {"ineligible", "rate_limit", "firm_cap", "pool_cutoff",
                                         "set_aside", "group_cap"}


def test_explain_unknown_firm_exits_2(capsys, tmp_path):
    path = saved(tmp_path, "hand", hand())
    code, out, err = run(capsys, "explain", path, "ZZ", "--json", "--lang", "en")
    assert code == 2 and "no firm with id 'ZZ'" in err
    assert json.loads(out)["status"] == "invalid_input"
    code, out, err = run(capsys, "explain", path, "ZZ")
    assert (code, err) == (2, "错误：hand 中没有编号为 'ZZ' 的企业\n")


def test_explain_infeasible_exits_3(capsys, tmp_path):
    path = saved(tmp_path, "bad", hand(district_floor=1.0))
    code, out, _ = run(capsys, "explain", path, "A", "--json")
    assert code == 3
    payload = json.loads(out)
    assert payload["status"] == "infeasible" and payload["diagnosis"]


def test_a_third_pool_from_the_policy_sheet_alone(capsys, tmp_path):
    # corpus ¥5M at 30 %, ¥2M a firm: X 2M (capped), Y 2M, Z the 1M left (see test_analysis_corpus)
    firms = [firm("X", "startup", 90, training=2 * M, corpus=10 * M),
             firm("Y", "small", 80, corpus=10 * M), firm("Z", "medium", 70, corpus=5 * M)]
    sc = scenario(firms, budget__model=1 * M, budget__training=10 * M, budget__corpus=5 * M,
                  rate__corpus=0.3, cap__corpus=2 * M)
    path = saved(tmp_path, "corpus", sc)
    code, out, _ = run(capsys, "explain", path, "Z", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["reason"] == "pool_cutoff" and payload["program"] == "corpus"
    assert payload["corpus"] == pytest.approx(1 * M)
    code, out, _ = run(capsys, "sweep", path, "--rule", "budget.corpus", "--from", "0", "--to",
                       "6e6", "--step", "3e6", "--json")
    assert code == 0 and len(json.loads(out)["points"]) == 3
    code, out, _ = run(capsys, "compare", path, "--json")
    assert code == 0 and json.loads(out)["scenarios"][0]["spend"]["corpus"] == pytest.approx(5 * M)
