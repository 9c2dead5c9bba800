"""The store's library API, on SQLite and on PostgreSQL."""

from __future__ import annotations

import getpass
import math
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from inputs.store import LogEntry, Store, StoreError, VersionRef, log_entry
from optimizer import Scenario, solve


def same_scenario(a: Scenario, b: Scenario) -> None:
    pd.testing.assert_frame_equal(a.firms, b.firms, check_exact=True)
    assert list(a.firms.dtypes) == list(b.firms.dtypes)
    assert a.policy == b.policy
    assert a.digest == b.digest


def test_a_version_loads_back_exactly(store: Store, shenzhen: Scenario) -> None:
    ref = store.save_version("深圳 2025", shenzhen, note="初稿")
    assert ref == VersionRef("深圳 2025", 1, shenzhen.digest, ref.scenario_id)
    loaded = store.load_version("深圳 2025")
    same_scenario(loaded, shenzhen)
    assert loaded.name == "深圳 2025"


def test_versions_are_appended_and_each_stays_loadable(store: Store, shenzhen: Scenario) -> None:
    fair = shenzhen.with_policy(shenzhen.policy.with_values(startup_floor=0.15))
    edited = shenzhen.firms.copy()
    edited.loc[3, "score"] = 99.5
    third = Scenario(edited, shenzhen.policy)
    refs = [store.save_version("sz", s) for s in (shenzhen, fair, third)]
    assert [r.version for r in refs] == [1, 2, 3]
    assert len({r.scenario_id for r in refs}) == 1
    same_scenario(store.load_version("sz", 1), shenzhen)
    same_scenario(store.load_version("sz", 2), fair)
    same_scenario(store.load_version("sz"), third)
    diff = store.diff("sz", 1, 3)
    assert [(c.firm_id, c.column, c.after) for c in diff.changed] == [
        (str(shenzhen.firms.loc[3, "firm_id"]), "score", 99.5)]
    assert [c.key for c in store.diff("sz", 1, 2).policy] == ["startup_floor"]


def test_library_lists_scenarios_and_versions(store: Store, shenzhen: Scenario) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    store.save_version("a", shenzhen, note="第一版")
    store.save_version("a", shenzhen, user="王科长")
    small = Scenario(shenzhen.firms.head(10).copy(), shenzhen.policy)
    store.save_version("b", small)
    listed = {s.name: s for s in store.list_scenarios()}
    assert set(listed) == {"a", "b"}
    assert listed["a"].versions == 2 and listed["a"].latest.version == 2
    assert listed["a"].latest.user == "王科长"
    assert listed["b"].latest.n_firms == 10 and not listed["b"].deleted
    history = store.versions("a")
    assert [v.version for v in history] == [1, 2]
    assert history[0].note == "第一版" and history[0].user == getpass.getuser()
    assert history[0].n_firms == len(shenzhen.firms)
    for v in history:
        assert v.saved_at.tzinfo is not None and v.saved_at.utcoffset() == timedelta(0)
        assert before <= v.saved_at <= datetime.now(UTC) + timedelta(seconds=5)


def test_unknown_names_and_versions_are_store_errors(store: Store, shenzhen: Scenario) -> None:
    store.save_version("sz", shenzhen)
    with pytest.raises(StoreError) as err:
        store.load_version("nope")
    assert err.value.code == "store.unknown_name" and err.value.fields == {"name": "nope"}
    assert "nope" in err.value.text("zh") and "方案库" in err.value.text("zh")
    with pytest.raises(StoreError) as err:
        store.load_version("sz", 2)
    assert err.value.code == "store.unknown_version"
    assert err.value.fields == {"name": "sz", "version": 2, "count": 1}
    with pytest.raises(StoreError) as err:
        store.versions("nope")
    assert err.value.code == "store.unknown_name"


@pytest.mark.parametrize("bad", ["", " sz", "a/b", "x\ny", "长" * 201])
def test_names_the_store_refuses(store: Store, shenzhen: Scenario, bad: str) -> None:
    with pytest.raises(StoreError) as err:
        store.save_version(bad, shenzhen)
    assert err.value.code.startswith("store.bad_name.")
    assert store.list_scenarios(include_deleted=True) == []


def test_rename_duplicate_delete_undelete(store: Store, shenzhen: Scenario) -> None:
    store.save_version("sz", shenzhen)
    v2 = store.save_version("sz", shenzhen.with_policy(
        shenzhen.policy.with_values(large_cap=0.4)))
    store.rename("sz", "深圳")
    assert [s.name for s in store.list_scenarios()] == ["深圳"]
    with pytest.raises(StoreError, match="no scenario named 'sz'"):
        store.load_version("sz")
    copy = store.duplicate("深圳", "深圳-副本")
    assert (copy.name, copy.version, copy.digest) == ("深圳-副本", 1, v2.digest)
    same_scenario(store.load_version("深圳-副本"), store.load_version("深圳", 2))
    with pytest.raises(StoreError) as err:
        store.rename("深圳", "深圳-副本")
    assert err.value.code == "store.name_taken"
    store.delete("深圳")
    assert [s.name for s in store.list_scenarios()] == ["深圳-副本"]
    assert {s.name: s.deleted for s in store.list_scenarios(include_deleted=True)} == {
        "深圳": True, "深圳-副本": False}
    with pytest.raises(StoreError) as err:
        store.load_version("深圳")
    assert err.value.code == "store.deleted"
    assert [v.version for v in store.versions("深圳")] == [1, 2]  # nothing was removed
    with pytest.raises(StoreError) as err:
        store.duplicate("深圳-副本", "深圳")  # a deleted scenario keeps its name
    assert err.value.code == "store.name_taken"
    store.undelete("深圳")
    same_scenario(store.load_version("深圳", 1), shenzhen)


def test_saving_under_a_deleted_name_restores_it_and_appends(store: Store,
                                                            shenzhen: Scenario) -> None:
    store.save_version("sz", shenzhen)
    store.delete("sz")
    ref = store.save_version("sz", shenzhen)
    assert ref.version == 2
    assert [s.name for s in store.list_scenarios()] == ["sz"]


def test_drafts_are_one_working_copy_per_session(store: Store) -> None:
    assert store.load_draft("tab-1") is None
    store.save_draft("tab-1", b"first")
    store.save_draft("tab-2", b"other")
    store.save_draft("tab-1", b"second" * 1000)
    assert store.load_draft("tab-1") == b"second" * 1000
    assert store.load_draft("tab-2") == b"other"
    store.delete_draft("tab-2")
    assert store.load_draft("tab-2") is None


def test_what_ifs_keep_their_base_through_a_rename(store: Store, shenzhen: Scenario) -> None:
    base = store.save_version("sz", shenzhen)
    fair = shenzhen.with_policy(shenzhen.policy.with_values(startup_floor=0.2))
    first = store.save_what_if("tab-1", "初创保底 20%", fair, base=base,
                               result_summary={"objective": 1.5e10, "gini": math.nan})
    second = store.save_what_if("tab-1", "原样", shenzhen)
    store.save_what_if("tab-2", "别的会话", shenzhen)
    store.rename("sz", "深圳")
    found = store.what_ifs("tab-1")
    assert [w.id for w in found] == [first, second]
    assert found[0].name == "初创保底 20%"
    same_scenario(found[0].scenario, fair)
    assert found[0].base == VersionRef("深圳", 1, base.digest, base.scenario_id)
    assert found[0].result_summary == {"objective": 1.5e10, "gini": None}
    assert found[1].base is None and found[1].result_summary is None
    store.delete_what_if(first)
    assert [w.id for w in store.what_ifs("tab-1")] == [second]
    with pytest.raises(StoreError) as err:
        store.delete_what_if(first)
    assert err.value.code == "store.unknown_what_if"


def test_the_decision_log_is_newest_first(store: Store, shenzhen: Scenario) -> None:
    result = solve(shenzhen)
    entry = log_entry(result, scenario_name="sz", version=1)
    assert entry.status == "optimal" and entry.objective == result.objective
    assert entry.figures["firms_funded"] == result.firms_funded
    assert "highspy" in entry.versions and "HiGHS" in entry.solver
    t0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    for k, name in enumerate(["sz", "other", "sz"]):
        store.log_solve(LogEntry(t0 + timedelta(minutes=k), "tester", name, k + 1,
                                 entry.digest, "optimal", float(k), {"nan": math.nan},
                                 entry.solver, entry.versions))
    store.log_solve(entry)  # time and user filled in by the store
    log = store.log()
    assert [e.version for e in log] == [1, 3, 2, 1]
    assert log[0].at is not None and log[0].at > t0 and log[0].user == getpass.getuser()
    assert log[0].figures == entry.figures and log[0].versions == entry.versions
    assert log[1].figures == {"nan": None} and log[1].at == t0 + timedelta(minutes=2)
    assert [e.version for e in store.log(name="sz")] == [1, 3, 1]
    assert [e.version for e in store.log(limit=2)] == [1, 3]
