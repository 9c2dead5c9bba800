"""The 审批 and 审计日志 pages on loopback (one person, the OS user, with every role)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from inputs.store import approvals
from inputs.store.access import VIA_OS, Role
from inputs.store.approvals import DecisionStatus
from ui import drafts


@pytest.fixture
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A store of this test's own: what it submits stays out of the other tests' library."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    drafts.store.clear()
    yield
    drafts.writer().flush()
    drafts.store.clear()


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def test_submit_then_own_approval_is_not_offered(own_store: None, app: AppTest) -> None:
    actor = app.session_state["actor"]
    assert (actor.role, actor.via) == (Role.APPROVER, VIA_OS)
    at = _page(app, "approval")
    at.text_area(key="approval_submit_note").input("请审批")
    at.button(key="approval_submit").click().run()
    assert not at.exception, at.exception
    assert any("已提交：决定" in s.value for s in at.success)
    decision = approvals.decisions(drafts.store())[0]
    assert (decision.status, decision.note, decision.submitted_by) == (
        DecisionStatus.SUBMITTED, "请审批", actor.name)
    assert at.button(key=f"approve.{decision.id}").disabled  # four eyes: not one's own


def test_audit_page_verifies_and_lists(own_store: None, app: AppTest) -> None:
    at = _page(app, "audit")
    assert any("审计日志完整" in s.value for s in at.success)
    assert len(at.dataframe) == 1
