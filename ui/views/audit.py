"""审计日志 / Audit log: approvers read, filter and export the audit trail.

The chain is checked each time the page is drawn; a break names its entry.
The export is an Excel workbook of the entries shown (and is itself an
audited export).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
import streamlit as st
from openpyxl import Workbook

from inputs.store.access import Action, Forbidden
from inputs.store.audit import AuditEntry
from ui import auth
from ui.i18n import lang
from ui.i18n import term as w

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("seq", "at", "actor", "role", "action", "target", "details", "hash")


def rows(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        action = f"auth.action.{e.action}"
        out.append({
            "seq": e.seq, "at": e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            "actor": e.actor, "role": w(f"auth.role.{e.role}"),
            "action": w(action), "target": e.target,
            "details": json.dumps(e.details, ensure_ascii=False, sort_keys=True),
            "hash": e.hash,
        })
    return out


def workbook(entries: list[AuditEntry]) -> bytes:
    """The entries as one sheet (headers in the session's language) plus the full hashes."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(w("auth.ui.audit.sheet"))
    sheet.append([w(f"auth.ui.audit.col.{c}") for c in COLUMNS] + [w("auth.ui.audit.col.prev")])
    for e, r in zip(entries, rows(entries), strict=True):
        sheet.append([r[c] for c in COLUMNS] + [e.prev_hash])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


service = auth.service()
st.title(w("auth.ui.audit.title"))
try:
    check = service.verify()
except Forbidden as err:
    st.error(err.text(lang()), icon=":material/block:")
    st.stop()
if check.ok:
    st.success(w("audit.verified", count=check.count, head=check.head[:16]),
               icon=":material/verified:")
else:
    st.error(w(f"audit.broken.{check.reason}", seq=check.broken, count=check.count),
             icon=":material/gpp_bad:")

actions = ["", *[a.value for a in Action if a not in (Action.READ, Action.READ_AUDIT)]]
c1, c2, c3, c4 = st.columns(4)
who = c1.text_input(w("auth.ui.audit.col.actor"), key="audit_actor").strip()
action = c2.selectbox(w("auth.ui.audit.col.action"), actions, key="audit_action",
                      format_func=lambda a: w(f"auth.action.{a}") if a
                      else w("auth.ui.audit.any"))
today = date.today()
span = c3.date_input(w("auth.ui.audit.dates"), value=(today - timedelta(days=30), today),
                     key="audit_dates")
contains = c4.text_input(w("auth.ui.audit.col.target"), key="audit_target").strip()
since = until = None
if isinstance(span, tuple | list) and len(span) == 2:
    since = datetime.combine(span[0], time.min).astimezone(UTC)
    until = datetime.combine(span[1] + timedelta(days=1), time.min).astimezone(UTC)
entries = service.audit_entries(actor=who or None, action=action or None, since=since,
                                until=until, contains=contains or None, limit=5000)
st.caption(w("auth.ui.audit.count", n=len(entries)))
table = pd.DataFrame(rows(entries), columns=list(COLUMNS))
table.columns = [w(f"auth.ui.audit.col.{c}") for c in COLUMNS]
st.dataframe(table, hide_index=True, width="stretch")


def _export() -> bytes:
    data = workbook(entries)
    service.exported("audit_log", "audit_log", entries=len(entries))
    return data


st.download_button(w("auth.ui.audit.export"), data=_export, mime=XLSX_MIME,
                   file_name=f"audit-log-{today.isoformat()}.xlsx", key="audit_export",
                   icon=":material/download:")
