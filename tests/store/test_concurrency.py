"""Writers at the same moment lose nothing: threads, processes and the command line."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from inputs import save_scenario
from inputs.shenzhen import generate
from inputs.store import Store, open_store
from optimizer import Scenario
from tests.store.workers import save_after_barrier

WRITERS = 6


@pytest.fixture(scope="module")
def variants() -> list[Scenario]:
    """Six scenarios with six different digests (the startup floor differs)."""
    base = generate(40, seed=11)
    return [base.with_policy(base.policy.with_values(startup_floor=0.01 * k))
            for k in range(WRITERS)]


def check_versions(store: Store, name: str, digests: list[str]) -> None:
    history = store.versions(name)
    assert [v.version for v in history] == list(range(1, len(digests) + 1))
    assert sorted(v.digest for v in history) == sorted(digests)


def test_six_threads_saving_one_name(store: Store, variants: list[Scenario]) -> None:
    barrier = threading.Barrier(WRITERS)
    refs = []
    errors: list[BaseException] = []

    def save(scenario: Scenario) -> None:
        try:
            barrier.wait(timeout=30)
            refs.append(store.save_version("并发", scenario))
        except BaseException as err:  # reported below, so a failing thread fails the test
            errors.append(err)

    threads = [threading.Thread(target=save, args=(s,)) for s in variants]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(r.version for r in refs) == list(range(1, WRITERS + 1))
    check_versions(store, "并发", [s.digest for s in variants])


def test_six_processes_saving_one_name_in_a_new_database(store_url: str,
                                                          variants: list[Scenario]) -> None:
    """Six processes open an empty database and save one name at once: the schema is
    created once and the versions are 1..6."""
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(WRITERS), ctx.Queue()
    processes = [ctx.Process(target=save_after_barrier,
                             args=(store_url, "并发", s, barrier, queue)) for s in variants]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=180)
    assert [p.exitcode for p in processes] == [0] * WRITERS
    saved = [queue.get(timeout=5) for _ in processes]
    assert sorted(v for v, _ in saved) == list(range(1, WRITERS + 1))
    store = open_store(store_url)
    check_versions(store, "并发", [s.digest for s in variants])
    store.close()


def test_two_sessions_and_the_command_line_at_once(store: Store, store_url: str,
                                                   variants: list[Scenario],
                                                   tmp_path: Path) -> None:
    """Two browser sessions (drafts, what-ifs, versions) write while a CLI process saves."""
    cli_scenario = variants[5]
    path = tmp_path / "cli.xlsx"
    save_scenario(cli_scenario, path)
    env = {**os.environ, "VOUCHER_OPT_DB": store_url, "PYTHONPATH": os.getcwd()}
    cli = subprocess.Popen([sys.executable, "-m", "ui.cli", "store", "save", str(path),
                            "--name", "共享", "--json"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    saved: dict[str, list[str]] = {"tab-1": [], "tab-2": []}
    errors: list[BaseException] = []

    def session(tab: str, scenario: Scenario) -> None:
        try:
            k = 0
            while cli.poll() is None or k < 3:
                store.save_draft(tab, f"{tab}:{k}".encode())
                store.save_what_if(tab, f"{tab} 假设 {k}", scenario)
                saved[tab].append(store.save_version("共享", scenario).digest)
                k += 1
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=session, args=(tab, variants[j]))
               for j, tab in enumerate(saved)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    out, err = cli.communicate(timeout=60)
    assert cli.returncode == 0, err
    assert json.loads(out)["digest"] == cli_scenario.digest
    assert errors == []
    check_versions(store, "共享", [*saved["tab-1"], *saved["tab-2"], cli_scenario.digest])
    for tab, digests in saved.items():
        assert store.load_draft(tab) == f"{tab}:{len(digests) - 1}".encode()
        assert [w.name for w in store.what_ifs(tab)] == [
            f"{tab} 假设 {k}" for k in range(len(digests))]
