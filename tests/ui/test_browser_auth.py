"""Sign-in, roles and approval in real Chromium, against ``voucher-opt ui --address 0.0.0.0``.

The app is served by the real command on every address of this machine (its
store a SQLite file, then a PostgreSQL database) and
browsed at ``http://127.0.0.2:PORT`` (not the loopback address it would treat
as one person's; the traffic stays on this machine). The store is a fresh
SQLite file with three users. The tests run in order: nothing shows before
sign-in; a viewer cannot solve, and a forged click on the disabled button
(a websocket message the page never sent, rewritten in flight) is refused by
the server; an analyst submits and cannot approve, not even by a forged
click; an approver approves, which freezes the decision; the downloaded
report carries the stamp; throttling after five wrong passwords (last: it
locks the client). Screenshots go to ``$SCREENSHOT_DIR`` when set.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from inputs.store import audit, open_store, users
from inputs.store.access import Role
from inputs.store.approvals import DecisionStatus, decisions
from inputs.store.service import command_line_actor
from tests.store.pg import temporary_postgres
from tests.ui.browser import Server, chromium, download, free_port, require_browser

pytestmark = pytest.mark.browser
WAIT = 60_000
PASSWORDS = {"vera": "vera-reads-only", "ana": "ana-analyses-it", "abe": "abe-approves-it"}
ROLES = {"vera": Role.VIEWER, "ana": Role.ANALYST, "abe": Role.APPROVER}


class Served(Server):
    """``voucher-opt ui --address 0.0.0.0`` (the real command), browsed at 127.0.0.2."""

    host = "127.0.0.2"

    def __init__(self, folder: Path, db: str | None = None) -> None:
        super().__init__(folder / "xdg", folder / "serve.log")
        self.folder = folder
        self.db = db or f"sqlite:///{folder / 'store.db'}"
        self.shots = Path(os.environ.get("SCREENSHOT_DIR") or folder / "shots")
        self.shots.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        env = super().env()
        env["VOUCHER_OPT_DB"] = self.db
        return env

    def command(self) -> list[str]:
        return [sys.executable, "-m", "ui.cli", "ui", "--address", "0.0.0.0",
                "--port", str(self.port)]

    def cwd(self) -> Path:
        return self.folder


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app on a fresh store (a SQLite file, or a database of a suite-started PostgreSQL)."""
    require_browser()
    with ExitStack() as stack:
        db = None
        if request.param == "postgresql":
            db = stack.enter_context(temporary_postgres()).new_database()
        server = Served(tmp_path_factory.mktemp(f"auth-{request.param}"), db)
        store = open_store(server.db)
        stack.callback(store.close)
        for name, password in PASSWORDS.items():
            users.add_user(store, command_line_actor(), name, ROLES[name], password)
        server.start()
        stack.callback(server.stop)
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Forger:
    """Sits on the page's websocket: learns widget ids, and can send a click the page never made.

    Streamlit's page sends a ``rerun_script`` message with the widgets' states
    when someone clicks. :meth:`click` copies the last one, adds a trigger for
    the widget whose key ends in ``key`` (a button drawn disabled) and sends it
    to the server: what a user editing the page's traffic would do.
    """

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.last: Any = None
        self.server: Any = None

    def attach(self, page: Any) -> None:
        page.route_web_socket("**/_stcore/stream", self._route)

    def _route(self, ws: Any) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            if isinstance(message, bytes):
                back = BackMsg()
                back.ParseFromString(message)
                if back.WhichOneof("type") == "rerun_script":
                    self.last = back
            self.server.send(message)

        def from_server(message: str | bytes) -> None:
            if isinstance(message, bytes):
                forward = ForwardMsg()
                forward.ParseFromString(message)
                if forward.WhichOneof("type") == "delta" and \
                        forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    kind = element.WhichOneof("type")
                    widget = getattr(element, kind, None) if kind else None
                    widget_id = getattr(widget, "id", "")
                    if widget_id:
                        self.ids[widget_id.rsplit("-", 1)[-1]] = widget_id
            ws.send(message)

        ws.on_message(from_page)
        self.server.on_message(from_server)

    def click(self, key: str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        assert self.last is not None, "the page has not run the script yet"
        assert key in self.ids, f"no widget with key {key!r} was drawn: {sorted(self.ids)}"
        forged = BackMsg()
        forged.CopyFrom(self.last)
        states = forged.rerun_script.widget_states.widgets
        kept = [s for s in states if s.id != self.ids[key]]
        del states[:]
        states.extend(kept)
        states.append(WidgetState(id=self.ids[key], trigger_value=True))
        self.server.send(forged.SerializeToString())


def open_page(browser: Any, served: Served, path: str = "") -> tuple[Any, Any, Forger]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    page = context.new_page()
    forger = Forger()
    forger.attach(page)
    page.goto(f"{served.url}/{path}")
    return context, page, forger


def settle(page: Any, ms: int = 1_500) -> None:
    page.wait_for_timeout(ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT)


def sign_in(page: Any, name: str, password: str) -> None:
    page.get_by_role("button", name="登录").wait_for(timeout=WAIT)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settle(page, 2_500)


def nav(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    settle(page)


def test_nothing_shows_before_sign_in(browser: Any, served: Served) -> None:
    for path in ("", "results", "report", "library", "audit", "approval"):
        context, page, _ = open_page(browser, served, path)
        page.get_by_role("button", name="登录").wait_for(timeout=WAIT)
        settle(page)
        body = page.inner_text("body")
        assert "用户名" in body and "密码" in body
        for secret in ("shenzhen", "2,887", "方案库", "万元", "企业"):
            assert secret not in body, (path, secret)
        assert page.get_by_test_id("stSidebarNav").count() == 0
        assert page.get_by_test_id("stDownloadButton").count() == 0
        if path == "results":
            page.screenshot(path=str(served.shots / "auth-01-before-sign-in.png"))
        context.close()
    # the language switch works on the form
    context, page, _ = open_page(browser, served)
    page.get_by_role("button", name="登录").wait_for(timeout=WAIT)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=WAIT)
    assert "User name" in page.inner_text("body")
    context.close()


def test_a_viewer_reads_but_cannot_solve_even_by_a_forged_click(browser: Any,
                                                                  served: Served) -> None:
    from playwright.sync_api import expect

    context, page, forger = open_page(browser, served)
    sign_in(page, "vera", PASSWORDS["vera"])
    expect(page.get_by_text("当前用户：vera（查看者）")).to_be_visible(timeout=WAIT)
    solve = page.get_by_role("button", name="求解")
    expect(solve).to_be_disabled()
    assert page.get_by_test_id("stSidebarNav").get_by_text("审计日志").count() == 0
    nav(page, "结果")
    assert "获资助企业" in page.inner_text("body")  # a viewer reads results
    nav(page, "方案")
    store = open_store(served.db)
    before = len(audit.entries(store))
    # a forged click on the disabled Solve button: Streamlit's server drops a disabled
    # widget's trigger, and the callback's role check would refuse it anyway
    forger.click("solve")
    settle(page, 3_000)
    # an upload (the widget is live for everyone) solves a new firm list: refused by the role
    page.get_by_role("tab", name="文件").click()
    settle(page)
    page.locator("input[type=file]").first.set_input_files(files=[{
        "name": "firms.csv", "mimeType": "text/csv",
        "buffer": "firm_id,name,size_class,district,score,model_request,training_request\n"
                  "F1,甲,startup,南山区,80,100000,0\n".encode()}])
    settle(page, 3_000)
    expect(page.get_by_text("用户 vera 的角色是查看者，无权求解")).to_be_visible(timeout=WAIT)
    assert "2,887 家申报企业" in page.inner_text("body")  # the firm list was not replaced
    page.screenshot(path=str(served.shots / "auth-02-viewer-refused.png"))
    # a viewer may download (export) the scenario, and the export is audited
    download(page, page.get_by_role("button", name="下载当前方案"), WAIT)
    settle(page)
    exported = audit.entries(store, action="export", actor="vera")
    assert [e.details["kind"] for e in exported] == ["scenario"]
    # saving in the library: the button is disabled, a forged click changes nothing
    nav(page, "方案库")
    expect(page.get_by_role("button", name="保存新版本")).to_be_disabled(timeout=WAIT)
    forger.click("library_save")
    settle(page, 2_000)
    entries = audit.entries(store)
    new = entries[: len(entries) - before]
    assert [e for e in new if e.actor == "vera" and e.action in ("solve", "save")] == []
    assert [e for e in store.log(limit=100) if e.user == "vera"] == []
    assert store.list_scenarios() == []
    context.close()


def test_an_analyst_submits_and_cannot_approve(browser: Any, served: Served) -> None:
    from playwright.sync_api import expect

    context, page, forger = open_page(browser, served)
    sign_in(page, "ana", PASSWORDS["ana"])
    expect(page.get_by_role("button", name="求解")).to_be_enabled(timeout=WAIT)
    nav(page, "审批")
    page.get_by_label("提交说明").fill("2024 年度分配方案，请审批")
    page.get_by_text("全部决定").click()  # leave the text area: its value reaches the server
    settle(page)
    # a click sent by the forger on an enabled button goes through (so its refusals below
    # are the server's doing, not a message that never arrived)
    forger.click("approval_submit")
    settle(page, 3_000)
    expect(page.get_by_text("已提交：决定 1")).to_be_visible(timeout=WAIT)
    approve = page.get_by_role("button", name="批准")
    expect(approve).to_be_disabled()
    page.screenshot(path=str(served.shots / "auth-03-analyst-submitted.png"), full_page=True)
    forger.click("approve.1")  # dropped by the server (disabled), and refused by the role
    settle(page, 3_000)
    store = open_store(served.db)
    assert audit.entries(store, action="approve") == []
    assert [d.status for d in decisions(store)] == [DecisionStatus.SUBMITTED]
    context.close()


def test_approval_freezes_and_the_report_carries_the_stamp(browser: Any, served: Served,
                                                           tmp_path: Path) -> None:
    from playwright.sync_api import expect

    context, page, _ = open_page(browser, served)
    sign_in(page, "abe", PASSWORDS["abe"])
    nav(page, "审批")
    expect(page.get_by_text("决定 1", exact=False).first).to_be_visible(timeout=WAIT)
    page.get_by_label("审批意见").fill("同意")
    page.get_by_role("button", name="批准").click()
    settle(page, 3_000)
    expect(page.get_by_text("决定 1：已批准")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("没有待审批的决定")).to_be_visible()
    page.screenshot(path=str(served.shots / "auth-04-approved.png"), full_page=True)
    nav(page, "审计日志")
    expect(page.get_by_text("审计日志完整")).to_be_visible(timeout=WAIT)
    got = download(page, page.get_by_role("button", name="导出为 Excel"), WAIT)
    exported = tmp_path / "audit.xlsx"
    got.value.save_as(exported)
    ws = load_workbook(exported).active
    actions = [row[4] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "批准" in actions and "提交审批" in actions and "登录" in actions
    page.screenshot(path=str(served.shots / "auth-05-audit-log.png"), full_page=True)
    context.close()

    store = open_store(served.db)
    decision = decisions(store)[0]
    assert decision.status is DecisionStatus.APPROVED and decision.frozen

    # the analyst: the same version cannot be submitted again; her report has the stamp
    context, page, _ = open_page(browser, served)
    sign_in(page, "ana", PASSWORDS["ana"])
    _open_version(page, decision.scenario_name)
    nav(page, "审批")
    expect(page.get_by_text(f"将提交：方案“{decision.scenario_name}”第 {decision.version} 版",
                            exact=False)).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="提交审批").click()
    settle(page, 3_000)
    expect(page.get_by_text("已获批准（决定 1）")).to_be_visible(timeout=WAIT)
    nav(page, "报告")
    expect(page.get_by_text("已批准：ana")).to_be_visible(timeout=WAIT)
    got = download(page, page.get_by_role("button", name="下载 Excel 报告"), WAIT)
    report = tmp_path / "report.xlsx"
    got.value.save_as(report)
    page.screenshot(path=str(served.shots / "auth-06-report-stamp.png"))
    context.close()
    summary = load_workbook(report).worksheets[0]
    cells = [str(c) for row in summary.iter_rows(values_only=True) for c in row if c is not None]
    line = next(c for c in cells if c.startswith("已批准："))
    assert "ana" in line and "abe" in line and "决定 1" in line
    assert decision.result_digest in cells and decision.scenario_digest in cells
    assert decision.audit_hash in cells
    assert "审批人" in cells and "abe" in cells


def _open_version(page: Any, name: str) -> None:
    """Open the latest stored version of ``name`` from the library (the work becomes it),
    and wait for the page to say so, as an officer would before going on."""
    from playwright.sync_api import expect

    nav(page, "方案库")
    page.get_by_test_id("stExpander").filter(has_text=name).first.locator("summary").click()
    page.get_by_role("button", name="打开").first.click()
    expect(page.get_by_text(re.compile(f"已打开“{re.escape(name)}”第 \\d+ 版"))).to_be_visible(
        timeout=WAIT)
    settle(page, 1_000)


def test_throttling_after_five_failures(browser: Any, served: Served) -> None:
    from playwright.sync_api import expect

    context, page, _ = open_page(browser, served)
    for _ in range(5):
        sign_in(page, "abe", "not the password")
        expect(page.get_by_text("用户名或密码错误")).to_be_visible(timeout=WAIT)
    sign_in(page, "abe", PASSWORDS["abe"])  # right, but too soon
    expect(page.get_by_text("登录失败次数过多，请等待")).to_be_visible(timeout=WAIT)
    page.screenshot(path=str(served.shots / "auth-07-throttled.png"))
    assert page.get_by_test_id("stSidebarNav").count() == 0
    context.close()
    store = open_store(served.db)
    failed = audit.entries(store, action="sign_in_failed", actor="abe")
    assert len(failed) == 6 and failed[0].details["reason"] == "throttled"
    assert audit.verify(store).ok


class FakeProvider:
    """An OIDC provider's discovery document on this machine (nothing leaves it)."""

    def __init__(self) -> None:
        import http.server
        import json
        import threading

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        document = json.dumps({
            "issuer": self.base, "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token", "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = document if self.path.startswith("/.well-known/") else b"authorize"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()


def test_single_sign_on_through_st_login(browser: Any,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    """With ``[auth]`` and no local users the app serves, and 登录 goes to the provider."""
    import authlib

    assert authlib.__version__ == "1.9.10"  # the version pinned in pyproject.toml
    provider = FakeProvider()
    server = Served(tmp_path_factory.mktemp("oidc"))
    secrets = server.folder / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{server.url}/oauth2callback"\n'
        'cookie_secret = "a-long-random-secret-for-the-test-only-0123456789"\n'
        'client_id = "voucher-opt"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider.base}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    server.start()
    try:
        context, page, _ = open_page(browser, server)
        button = page.get_by_role("button", name="使用单位统一身份认证登录")
        button.wait_for(timeout=WAIT)
        page.screenshot(path=str(server.shots / "auth-08-sso.png"))
        with page.expect_request(lambda r: r.url.startswith(f"{provider.base}/authorize"),
                                 timeout=WAIT) as went:
            button.click()
        url = went.value.url
        assert "client_id=voucher-opt" in url and "response_type=code" in url
        assert "oauth2callback" in url
        context.close()
    finally:
        server.stop()
        provider.stop()
