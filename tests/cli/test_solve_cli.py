"""``voucher-opt solve`` / ``template``: output and every exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from inputs import save_scenario
from inputs.builtin import default_scenario
from ui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_scenario_solves_to_pure_json(capsys):
    code, out, _ = run(capsys, "solve", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["status"] == "optimal"
    assert len(payload["allocations"]) == 2887
    assert payload["diagnosis"] == []
    assert payload["objective"] > 0
    assert 0 <= payload["min_class_coverage"] <= 1
    first = payload["allocations"][0]
    assert {"firm_id", "model", "training"} <= set(first)
    assert sum(a["training"] for a in payload["allocations"]) <= 500_000_000 + 1


def test_json_stdout_is_pure_when_run_as_a_process():
    # the solver prints a banner on stdout unless silenced at the file-descriptor level
    done = subprocess.run([sys.executable, "-m", "ui.cli", "solve", "--json"],
                          capture_output=True, text=True, check=False,
                          cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "optimal"


def test_text_summary_in_both_languages(capsys):
    code, out, _ = run(capsys, "solve")
    assert code == 0 and "训力券" in out and "获资助企业" in out
    code, out, _ = run(capsys, "solve", "--lang", "en")
    assert code == 0 and "firms funded" in out and "training" in out


def broken(tmp_path: Path, row: int, column: str, value: object) -> Path:
    path = tmp_path / "bad.xlsx"
    save_scenario(default_scenario(), path)
    book = openpyxl.load_workbook(path)
    sheet = book["firms"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=row, column=header.index(column) + 1, value=value)
    book.save(path)
    return path


def test_invalid_input_exits_2_with_one_located_message(capsys, tmp_path):
    path = broken(tmp_path, 18, "training_request", -5000)
    code, out, err = run(capsys, "solve", str(path), "--lang", "en")
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        "error: bad.xlsx: firms!I18 training_request: must be ≥ 0, got -5000"]  # 9th column
    code, out, err = run(capsys, "solve", str(path))  # Chinese by default
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        "错误：bad.xlsx：firms!I18 训力券申请额：应 ≥ 0，实际为 -5000"]


def test_invalid_input_with_json_still_prints_json(capsys, tmp_path):
    path = broken(tmp_path, 5, "size_class", "huge")
    code, out, err = run(capsys, "solve", str(path), "--json")
    assert code == 2
    payload = json.loads(out)
    assert payload["status"] == "invalid_input"
    assert payload["error"]["row"] == 5 and payload["error"]["column"] == "size_class"
    assert "Traceback" not in err


def test_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "solve", str(tmp_path / "nope.xlsx"))
    assert code == 2
    assert "nope.xlsx" in err and "Traceback" not in err


def test_infeasible_exits_3_and_names_the_rules(capsys, tmp_path):
    scenario = default_scenario()
    path = tmp_path / "tight.xlsx"
    save_scenario(scenario.with_policy(scenario.policy.with_values(district_floor=0.95)), path)
    code, out, _ = run(capsys, "solve", str(path), "--json")
    assert code == 3
    payload = json.loads(out)
    assert payload["status"] == "infeasible"
    [reason] = payload["diagnosis"]
    assert reason.startswith("District floor 95% needs at least ¥")
    assert reason.endswith("but the two pools hold ¥600.0M together.")
    code, out, _ = run(capsys, "solve", str(path))
    assert code == 3 and "区域保底95%" in out


def test_template_writes_a_blank_scenario(capsys, tmp_path):
    path = tmp_path / "blank.xlsx"
    code, _, _ = run(capsys, "template", str(path))
    assert code == 0
    assert openpyxl.load_workbook(path).sheetnames[:2] == ["firms", "policy"]
    code, _, err = run(capsys, "solve", str(path))
    assert code == 2 and "没有企业数据行" in err
    code, _, err = run(capsys, "solve", str(path), "--lang", "en")
    assert code == 2 and "no firm rows" in err


def test_unknown_command_is_a_usage_error():
    with pytest.raises(SystemExit) as exit_info:
        main(["allocate"])
    assert exit_info.value.code == 2
