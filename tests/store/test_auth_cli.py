"""``voucher-opt users …`` and ``store verify|backup|restore`` through the real command line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from inputs.store import Store, audit, backup, open_store, schema, users
from inputs.store.service import Service, command_line_actor
from optimizer import Scenario, solve
from ui.cli import main

PASSWORD = "a long enough secret"


def run(monkeypatch: pytest.MonkeyPatch, url: str, *argv: str, stdin: str = "") -> int:
    monkeypatch.setenv("VOUCHER_OPT_DB", url)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def test_users_commands(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                        store: Store) -> None:
    url = store.url
    assert run(monkeypatch, url, "users", "add", "王芳", "--role", "analyst",
               "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert "已添加用户 王芳（分析员）" in capsys.readouterr().out
    assert run(monkeypatch, url, "users", "add", "li", "--role", "boss",
               "--password-stdin", stdin=PASSWORD) == 2
    assert "不是角色" in capsys.readouterr().err
    assert run(monkeypatch, url, "users", "add", "li", "--role", "viewer",
               "--password-stdin", stdin="") == 2
    assert "--password-stdin" in capsys.readouterr().err
    assert run(monkeypatch, url, "users", "add", "zhou", "--role", "approver",
               "--no-password") == 0
    capsys.readouterr()
    assert run(monkeypatch, url, "users", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"], u["password"]) for u in listed] == [
        ("zhou", "approver", False), ("王芳", "analyst", True)]
    assert users.authenticate(store, "王芳", PASSWORD).name == "王芳"
    assert run(monkeypatch, url, "users", "passwd", "王芳", "--password-stdin",
               stdin="the new secret\n") == 0
    assert users.authenticate(store, "王芳", "the new secret").name == "王芳"
    assert run(monkeypatch, url, "users", "remove", "zhou") == 0
    assert run(monkeypatch, url, "users", "remove", "zhou") == 2
    assert "没有用户“zhou”" in capsys.readouterr().err
    assert run(monkeypatch, url, "users", "list") == 0
    out = capsys.readouterr().out
    assert "王芳" in out and "zhou" not in out and "argon2" not in out
    entries = audit.entries(store)
    assert [e.action for e in entries][::-1] == [
        "user_add", "user_add", "sign_in", "user_passwd", "sign_in", "user_remove"]
    assert all(PASSWORD not in json.dumps(e.to_dict()) for e in entries)


def test_verify_names_the_edited_entry(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str], store: Store,
                                       shenzhen: Scenario) -> None:
    url = store.url
    service = Service(store, command_line_actor())
    for k in range(4):
        service.save_version("深圳", shenzhen, note=f"v{k}")
    assert run(monkeypatch, url, "store", "verify") == 0
    assert "审计日志完整：共 4 条" in capsys.readouterr().out
    with store.engine.begin() as conn:  # an owner of the database drops the guard and edits
        if store.sqlite:
            conn.execute(sa.text("DROP TRIGGER guard_audit_update"))
        else:
            conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER guard_audit"))
        conn.execute(sa.text("UPDATE audit_log SET details = replace(details, 'v2', 'v9') "
                             "WHERE seq = 3"))
    assert run(monkeypatch, url, "store", "verify") == 1
    assert "审计日志在第 3 条断开：该条内容已被改动" in capsys.readouterr().err
    assert run(monkeypatch, url, "store", "verify", "--json") == 1
    found = json.loads(capsys.readouterr().out)
    assert (found["ok"], found["broken"], found["reason"], found["count"]) == (
        False, 3, "hash", 2)


def _tables(store: Store) -> dict[str, list[dict[str, object]]]:
    out = {}
    with store._read() as conn:
        for table in backup.TABLES:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            out[table.name] = [backup._encode(table, r) for r in rows]
    return out


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_backup_and_restore_round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       store: Store, shenzhen: Scenario, target: str,
                                       request: pytest.FixtureRequest) -> None:
    """Every table and every audit hash survives a trip to the other (and the same) database."""
    admin = command_line_actor()
    service = Service(store, admin)
    users.add_user(store, admin, "ana", "analyst", PASSWORD)
    users.add_user(store, admin, "abe", "approver", PASSWORD)
    ana = Service(store, users.authenticate(store, "ana", PASSWORD, client="10.1.1.1"))
    abe = Service(store, users.authenticate(store, "abe", PASSWORD))
    with pytest.raises(Exception):  # noqa: B017 - one failure, to carry a throttle row
        users.authenticate(store, "abe", "wrong!", client="10.1.1.2")
    ref = ana.save_version("深圳", shenzhen, note="年度")
    result = solve(shenzhen)
    ana.record_solve(result, "深圳", ref.version)
    abe.approve(ana.submit("深圳", ref.version, result, "请审批").id, "同意")
    store.save_draft("d1", b"\x00\x01draft")
    store.save_what_if("d1", "多给初创", shenzhen, base=ref, result_summary={"x": 1.5})
    service.save_version("另一个", shenzhen)
    before = _tables(store)

    path = tmp_path / "store.zip"
    assert run(monkeypatch, store.url, "store", "backup", str(path)) == 0
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["rows"]["audit_log"] == len(before["audit_log"])
    assert manifest["schema_version"] == schema.CURRENT

    if target == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    assert run(monkeypatch, url, "store", "restore", str(path)) == 0
    restored = open_store(url)
    after = _tables(restored)
    assert after["audit_log"][-1]["action"] == "restore"
    after["audit_log"].pop()
    assert after == before
    assert audit.verify(restored).ok
    assert restored.load_version("深圳", 1).digest == shenzhen.digest
    assert users.authenticate(restored, "ana", PASSWORD).name == "ana"
    # ids go on after the restored ones
    assert Service(restored, admin).save_version("深圳", shenzhen).version == 2
    # and a second restore into the same store is refused
    assert run(monkeypatch, url, "store", "restore", str(path)) == 2
    restored.close()


def test_a_damaged_backup_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str], store: Store,
                                     shenzhen: Scenario) -> None:
    Service(store, command_line_actor()).save_version("深圳", shenzhen)
    good = tmp_path / "good.zip"
    backup.backup(store, good)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "tables/audit_log.jsonl":
                data = data.replace(b'"actor": "', b'"actor": "x')
            zout.writestr(item, data)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert run(monkeypatch, url, "store", "restore", str(bad)) == 2
    assert "表 audit_log 的校验值不符" in capsys.readouterr().err
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    assert run(monkeypatch, url, "store", "restore", str(tmp_path / "junk.zip")) == 2
    assert "不是 voucher-opt 的备份文件" in capsys.readouterr().err
    assert audit.entries(open_store(url)) == []


def test_ui_off_loopback_refuses_without_sign_in(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.streamlit/secrets.toml either
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run(monkeypatch, url, "ui", "--address", "0.0.0.0", "--port", "1") == 2
    err = capsys.readouterr().err
    assert "不能在 0.0.0.0 上提供服务" in err
    assert "voucher-opt users add NAME --role ROLE --password-stdin" in err
    assert "[auth]" in err
    # a user without a password (single sign-on only) does not make sign-in possible
    users.add_user(open_store(url), command_line_actor(), "zhou", "approver", None)
    assert run(monkeypatch, url, "ui", "--address", "192.0.2.2", "--port", "1") == 2
