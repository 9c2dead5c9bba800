"""方案库 / Library: scenarios kept in the store, their versions, diffs and the decision log.

The officer saves the working scenario as a new version of a name, opens any
version back into the working copy, renames, duplicates and deletes a
scenario (delete is soft: it can be undone here), compares two versions
(policy keys changed; firms added, removed and changed cell by cell) and reads
the decision log (one record per solve).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from inputs.store import ScenarioInfo, VersionRef
from inputs.store.access import Action
from optimizer import Scenario
from optimizer.diff import ScenarioDiff
from ui import auth, drafts, fmt, state, widgets
from ui.errors import column_name
from ui.i18n import t

SS = st.session_state


def _note(kind: str, **fields: Any) -> None:
    """What the last action did, shown once on the next run."""
    SS["library_note"] = (kind, fields)


@auth.guarded(Action.SAVE)
def _save() -> None:
    session = state.session()
    scenario = session.working.scenario()
    name = str(SS.get("library_name") or session.working.name).strip()
    if scenario is None or not name:
        _note("blocked")
        return
    ref = auth.service().save_version(name, Scenario(scenario.firms, scenario.policy, name),
                                      note=str(SS.get("library_note_text") or ""))
    if ref.digest == scenario.digest:
        session.working.base = ref  # the work is now exactly this version
    _note("saved", name=ref.name, version=ref.version)


def _open(name: str, version: int) -> None:
    scenario = drafts.store().load_version(name, version)
    info = next(v for v in drafts.store().versions(name) if v.version == version)
    scenario_id = next(i.scenario_id for i in drafts.store().list_scenarios() if i.name == name)
    state.load(scenario, file=f"store:{name}@{version}", sha256=None,
               base=VersionRef(name, version, info.digest, scenario_id))
    state.session().section = "policy"
    _note("opened", name=name, version=version)


@auth.guarded(Action.SAVE)
def _rename(name: str) -> None:
    new = str(SS.get(f"rename.{name}") or "").strip()
    if new and new != name:
        drafts.store().rename(name, new)
        _note("renamed", name=name, new=new)


@auth.guarded(Action.SAVE)
def _duplicate(name: str) -> None:
    new = str(SS.get(f"rename.{name}") or "").strip() or t("library.copy_of", name=name)
    ref = drafts.store().duplicate(name, new)
    _note("duplicated", name=name, new=ref.name)


@auth.guarded(Action.SAVE)
def _delete(name: str) -> None:
    drafts.store().delete(name)
    _note("deleted", name=name)
    state.session().view["library_undo"] = name


@auth.guarded(Action.SAVE)
def _undelete(name: str) -> None:
    drafts.store().undelete(name)
    state.session().view.pop("library_undo", None)
    _note("restored", name=name)


def _show_note() -> None:
    view = state.session().view
    note = SS.pop("library_note", None)
    if note is None:
        return
    kind, fields = note
    if kind == "blocked":
        st.warning(t("library.blocked"), icon=":material/warning:")
        return
    st.success(t(f"library.{kind}", **fields), icon=":material/check_circle:")
    undo = view.get("library_undo")
    if kind == "deleted" and undo:
        st.button(t("library.undo", name=undo), key="library_undo", on_click=_undelete,
                  args=(undo,), icon=":material/undo:")


def _saved_at(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)


def versions_table(name: str) -> pd.DataFrame:
    return pd.DataFrame([{
        t("library.version"): v.version,
        t("library.saved_at"): _saved_at(v.saved_at),
        t("library.user"): v.user or "—",
        t("library.firms"): fmt.count(v.n_firms),
        t("library.note"): v.note or "",
        t("library.digest"): v.digest[:12],
    } for v in drafts.store().versions(name)])


def scenario_box(info: ScenarioInfo) -> None:
    with st.expander(t("library.item", name=info.name, n=info.versions,
                       saved_at=_saved_at(info.latest.saved_at)), expanded=False):
        st.dataframe(versions_table(info.name), hide_index=True, width="stretch")
        numbers = [v.version for v in drafts.store().versions(info.name)]
        a, b, c = st.columns([2, 1, 1], vertical_alignment="bottom")
        version = a.selectbox(t("library.version"), numbers[::-1], key=f"open_v.{info.name}")
        b.button(t("library.open"), key=f"open.{info.name}", on_click=_open,
                 args=(info.name, version), type="primary", width="stretch")
        c.button(t("library.delete"), key=f"delete.{info.name}", on_click=_delete,
                 args=(info.name,), width="stretch", icon=":material/delete:")
        a, b, c = st.columns([2, 1, 1], vertical_alignment="bottom")
        a.text_input(t("library.new_name"), key=f"rename.{info.name}")
        b.button(t("library.rename"), key=f"do_rename.{info.name}", on_click=_rename,
                 args=(info.name,), width="stretch")
        c.button(t("library.duplicate"), key=f"dup.{info.name}", on_click=_duplicate,
                 args=(info.name,), width="stretch")


def diff_section(infos: list[ScenarioInfo]) -> None:
    names = [i.name for i in infos]
    if not names:
        return
    st.subheader(t("library.diff"))
    a, b, c = st.columns([2, 1, 1])
    with a:
        name = widgets.choice("selectbox", t("library.scenario"), "diff_name", names, str)
    numbers = [v.version for v in drafts.store().versions(name)]
    va = b.selectbox(t("library.from"), numbers, index=max(0, len(numbers) - 2),
                     key=f"diff_a.{name}.{len(numbers)}")
    vb = c.selectbox(t("library.to"), numbers, index=len(numbers) - 1,
                     key=f"diff_b.{name}.{len(numbers)}")
    if va == vb:
        st.caption(t("library.diff.same"))
        return
    show_diff(drafts.store().diff(name, va, vb))


def show_diff(diff: ScenarioDiff) -> None:
    """Policy keys changed; firms added, removed and changed cell by cell."""
    policy, added, removed, cells = diff.policy, diff.added, diff.removed, diff.changed
    st.markdown(t("library.diff.summary", policy=len(policy), added=len(added),
                  removed=len(removed), cells=len(cells)))
    if policy:
        st.markdown(f"**{t('library.diff.policy')}**")
        st.dataframe(pd.DataFrame([{t("library.diff.key"): p.key, t("library.diff.before"):
                                    _value(p.before), t("library.diff.after"): _value(p.after)}
                                   for p in policy]), hide_index=True, width="stretch")
    if added or removed:
        st.markdown(f"**{t('library.diff.firms')}**")
        st.dataframe(pd.DataFrame(
            [{t("library.diff.firm"): f, t("library.diff.change"): t("library.diff.added")}
             for f in added]
            + [{t("library.diff.firm"): f, t("library.diff.change"): t("library.diff.removed")}
               for f in removed]), hide_index=True, width="stretch")
    if cells:
        st.markdown(f"**{t('library.diff.cells')}**")
        st.dataframe(pd.DataFrame([{
            t("library.diff.firm"): c.firm_id, t("library.diff.column"): column_name(c.column),
            t("library.diff.before"): _value(c.before), t("library.diff.after"): _value(c.after),
        } for c in cells]), hide_index=True, width="stretch")


def _value(value: Any) -> str:
    return "—" if value is None else str(value)


def log_section() -> None:
    st.subheader(t("library.log"))
    entries = drafts.store().log(limit=100)
    if not entries:
        st.caption(t("library.log.empty"))
        return
    st.dataframe(pd.DataFrame([drafts.log_row(e) for e in entries]), hide_index=True,
                 width="stretch")


session = state.session()
st.title(t("library.title"))
st.caption(t("library.intro"))
_show_note()
with st.container(border=True):
    a, b, c = st.columns([2, 2, 1.4], vertical_alignment="bottom")
    a.text_input(t("library.save_name"), key="library_name", placeholder=session.working.name)
    b.text_input(t("library.save_note"), key="library_note_text")
    c.button(t("library.save"), key="library_save", on_click=_save, type="primary",
             width="stretch", icon=":material/save:",
             disabled=session.working.scenario() is None or not auth.may(Action.SAVE))
    if session.working.scenario() is None:
        st.caption(t("library.blocked"))

infos = drafts.store().list_scenarios()
if not infos:
    st.info(t("library.empty"), icon=":material/folder_open:")
for info in infos:
    scenario_box(info)
deleted = [i for i in drafts.store().list_scenarios(include_deleted=True) if i.deleted]
if deleted:
    with st.expander(t("library.deleted.list", n=len(deleted))):
        for info in deleted:
            st.button(t("library.undo", name=info.name), key=f"undelete.{info.name}",
                      on_click=_undelete, args=(info.name,), icon=":material/undo:")
diff_section(infos)
log_section()
