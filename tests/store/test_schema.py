"""The schema upgrades itself; the default database; damaged and unreachable stores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from inputs.shenzhen import generate
from inputs.store import StoreError, codec, default_url, open_store, schema
from inputs.store.db import Store
from tests.store.conftest import drop_guards


def test_a_version_1_database_is_upgraded_and_keeps_its_data(store_url: str) -> None:
    scenario = generate(25, seed=3)
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        assert schema.upgrade(conn, target=1) == 1
        assert schema.current_version(conn) == 1
        conn.execute(sa.text("INSERT INTO scenarios (name, created_at) VALUES ('旧方案', :t)"),
                     {"t": "2025-05-01 08:00:00"})
        scenario_id = conn.execute(sa.text("SELECT id FROM scenarios")).scalar()
        conn.execute(sa.text(
            "INSERT INTO versions (scenario_id, version, digest, saved_at, user_name, encoding,"
            " data) VALUES (:s, 1, :d, :t, 'old-user', 'vos1', :data)"),
            {"s": scenario_id, "d": scenario.digest, "t": "2025-05-01 08:00:00",
             "data": codec.encode_scenario(scenario)})
        columns = {c["name"] for c in sa.inspect(conn).get_columns("versions")}
        assert "note" not in columns and not sa.inspect(conn).has_table("decision_log")
    engine.dispose()

    store = open_store(store_url)
    try:
        assert store.schema_version == schema.CURRENT == 4
        [info] = store.versions("旧方案")
        assert (info.version, info.user, info.note, info.n_firms) == (1, "old-user", "", 25)
        assert info.saved_at == datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
        assert store.load_version("旧方案").digest == scenario.digest
        assert store.save_version("旧方案", scenario).version == 2
        store.delete("旧方案")
        store.undelete("旧方案")
        assert store.save_what_if("tab", "w", scenario) > 0
        assert store.log() == []
    finally:
        store.close()


def test_a_newer_schema_is_refused(store_url: str) -> None:
    open_store(store_url).close()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(StoreError) as err:
        open_store(store_url)
    assert err.value.code == "store.newer_schema"
    assert err.value.fields["found"] == 99


def test_a_damaged_version_is_reported_not_returned(store_url: str) -> None:
    store = open_store(store_url)
    try:
        scenario = generate(25, seed=3)
        store.save_version("sz", scenario)
        drop_guards(store, "versions")  # damage from outside: the triggers would refuse it
        other = codec.encode_scenario(scenario.with_policy(
            scenario.policy.with_values(large_cap=0.5)))
        with store.engine.begin() as conn:
            conn.execute(schema.versions.update().values(data=other))
        with pytest.raises(StoreError) as err:
            store.load_version("sz")
        assert err.value.code == "store.corrupt"
        with store.engine.begin() as conn:
            conn.execute(schema.versions.update().values(data=b"VOS1 not zlib"))
        with pytest.raises(StoreError, match="damaged"):
            store.load_version("sz", 1)
    finally:
        store.close()


def test_the_default_store_is_a_sqlite_file_in_xdg_data_home(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("VOUCHER_OPT_DB", raising=False)
    path = tmp_path / "data" / "voucher-opt" / "store.db"
    assert default_url() == f"sqlite:///{path}"
    store = open_store()
    try:
        assert path.exists()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        store.close()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_url() == f"sqlite:///{tmp_path / 'home/.local/share/voucher-opt/store.db'}"


def test_voucher_opt_db_names_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           store_url: str) -> None:
    monkeypatch.setenv("VOUCHER_OPT_DB", store_url)
    assert default_url() == store_url
    store = open_store()
    try:
        assert store.url == store_url
        store.save_version("x", generate(5, seed=1))
        assert [s.name for s in Store(store_url).list_scenarios()] == ["x"]
    finally:
        store.close()


def test_an_unreachable_database_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")
    assert err.value.code == "store.unavailable"
    assert "secret" not in str(err.value) and "postgresql+psycopg" in str(err.value)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{blocker}/store.db")
    assert err.value.code == "store.unavailable"
