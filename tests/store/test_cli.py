"""``voucher-opt store …`` and ``store:NAME[@N]`` refs, run as the officer runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from inputs import load_scenario, save_scenario
from inputs.shenzhen import generate
from inputs.store import open_store


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two versions of a 60-firm scenario, as workbooks."""
    root = tmp_path_factory.mktemp("cli")
    first = generate(60, seed=21)
    second = first.with_policy(first.policy.with_values(startup_floor=0.1))
    paths = {"v1": root / "v1.xlsx", "v2": root / "v2.xlsx"}
    save_scenario(first, paths["v1"])
    save_scenario(second, paths["v2"])
    return paths


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOUCHER_OPT_DB": url, "PYTHONPATH": os.getcwd()}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_save_list_export(store_url: str, files: dict[str, Path], tmp_path: Path) -> None:
    done = cli(store_url, "store", "save", str(files["v1"]), "--name", "深圳 试点")
    assert done.returncode == 0, done.stderr
    assert "深圳 试点 第 1 版" in done.stdout and "60 家企业" in done.stdout
    saved = as_json(cli(store_url, "store", "save", str(files["v2"]), "--name", "深圳 试点",
                        "--note", "初创保底", "--json"))
    v2 = load_scenario(files["v2"])
    assert saved == {"name": "深圳 试点", "version": 2, "digest": v2.digest,
                     "scenario_id": saved["scenario_id"], "n_firms": 60,
                     "ref": "store:深圳 试点@2"}
    listed = as_json(cli(store_url, "store", "list", "--json"))
    assert [(s["name"], s["versions"]) for s in listed] == [("深圳 试点", 2)]
    latest = listed[0]["latest"]
    assert (latest["version"], latest["digest"], latest["note"], latest["n_firms"]) == (
        2, v2.digest, "初创保底", 60)
    text = cli(store_url, "store", "list", "--lang", "en")
    assert text.returncode == 0 and "深圳 试点" in text.stdout and "versions" in text.stdout

    out = tmp_path / "exported.xlsx"
    done = cli(store_url, "store", "export", "store:深圳 试点@1", str(out))
    assert done.returncode == 0, done.stderr
    assert load_scenario(out).digest == load_scenario(files["v1"]).digest
    done = cli(store_url, "store", "export", "深圳 试点", str(out))  # the prefix may be left out
    assert done.returncode == 0 and load_scenario(out).digest == v2.digest


def test_solve_a_stored_version_writes_one_log_record(store_url: str,
                                                      files: dict[str, Path]) -> None:
    for path in ("v1", "v2"):
        assert cli(store_url, "store", "save", str(files[path]), "--name", "sz").returncode == 0
    assert as_json(cli(store_url, "store", "log", "--json")) == []
    result = as_json(cli(store_url, "solve", "store:sz@1", "--json"))
    assert result["scenario"] == "sz@1" and result["status"] == "optimal"
    [entry] = as_json(cli(store_url, "store", "log", "--json"))
    v1 = load_scenario(files["v1"])
    assert (entry["scenario"], entry["version"], entry["digest"]) == ("sz", 1, v1.digest)
    assert entry["objective"] == pytest.approx(result["objective"])
    assert entry["figures"]["firms_funded"] == result["firms_funded"]
    assert entry["status"] == "optimal" and "HiGHS" in entry["solver"] and entry["user"]

    assert cli(store_url, "solve", "store:sz").returncode == 0  # the latest: version 2
    assert cli(store_url, "solve", str(files["v1"])).returncode == 0  # a file: no version
    log = as_json(cli(store_url, "store", "log", "--json"))
    assert [(e["scenario"], e["version"]) for e in log] == [("v1", None), ("sz", 2), ("sz", 1)]
    text = cli(store_url, "store", "log")
    assert text.returncode == 0 and "@2" in text.stdout and "最优" in text.stdout


def test_unknown_names_exit_2_with_one_message(store_url: str, files: dict[str, Path],
                                               tmp_path: Path) -> None:
    assert cli(store_url, "store", "save", str(files["v1"]), "--name", "sz").returncode == 0
    done = cli(store_url, "solve", "store:没有这个")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == "error: 方案库中没有名为“没有这个”的方案"
    done = cli(store_url, "solve", "store:sz@3", "--lang", "en")
    assert done.returncode == 2
    assert done.stderr.strip() == "error: scenario 'sz' has no version 3 (it has 1)"
    done = cli(store_url, "solve", "store:sz@3", "--json")
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["code"] == (
        "store.unknown_version")
    done = cli(store_url, "store", "export", "nope@1", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2 and "nope" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.xlsx").exists()
    done = cli(store_url, "store", "save", str(tmp_path / "missing.xlsx"), "--name", "sz")
    assert done.returncode == 2 and "missing.xlsx" in done.stderr
    done = cli(store_url, "store", "save", str(files["v1"]), "--name", "a/b", "--lang", "en")
    assert done.returncode == 2 and "'/'" in done.stderr
    assert [s["versions"] for s in as_json(cli(store_url, "store", "list", "--json"))] == [1]


def test_every_command_takes_a_store_ref(store_url: str, files: dict[str, Path],
                                         tmp_path: Path) -> None:
    for path in ("v1", "v2"):
        assert cli(store_url, "store", "save", str(files[path]), "--name", "sz").returncode == 0
    store = open_store(store_url)
    firm_id = str(store.load_version("sz", 1).firms["firm_id"].iloc[0])
    store.close()
    compared = as_json(cli(store_url, "compare", "store:sz@1", "store:sz", "--json",
                           "--out", str(tmp_path / "compare.xlsx")))
    assert [s["name"] for s in compared["scenarios"]] == ["sz@1", "sz@2"]
    assert (tmp_path / "compare.xlsx").stat().st_size > 0
    explained = as_json(cli(store_url, "explain", "store:sz@2", firm_id, "--json"))
    assert explained["firm_id"] == firm_id and explained["scenario"] == "sz@2"
    swept = as_json(cli(store_url, "sweep", "store:sz@1", "--rule", "startup_floor",
                        "--from", "0", "--to", "0.1", "--step", "0.1", "--json"))
    assert len(swept["points"]) == 2
    done = cli(store_url, "solve", "store:sz@1", "--out", str(tmp_path / "report.xlsx"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report.xlsx").stat().st_size > 0
    done = cli(store_url, "explain", "store:gone", firm_id)
    assert done.returncode == 2 and "gone" in done.stderr
    done = cli(store_url, "ui", "store:gone", "--port", "1")  # refused before a server starts
    assert done.returncode == 2 and "gone" in done.stderr and "serving" not in done.stdout
