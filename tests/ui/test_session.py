"""The session model alone, without Streamlit: edits, solves, what-ifs and the draft encoding."""

from __future__ import annotations

import pandas as pd
import pytest

from inputs import load_scenario
from inputs.builtin import DEFAULT_SCENARIO_PATH
from optimizer import Result, Scenario, solve
from optimizer.analysis.frontier import sweep
from ui import session as model
from ui.session import Session

SOLVES: dict[str, Result] = {}


def solver(key: str, scenario: Scenario) -> Result:
    if key not in SOLVES:
        SOLVES[key] = solve(scenario)
    return SOLVES[key]


@pytest.fixture(scope="module")
def shenzhen() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO_PATH)


@pytest.fixture
def session(shenzhen: Scenario) -> Session:
    made = Session.open(shenzhen, file="shenzhen.xlsx", sha256="abc", draft_id="draft-1")
    made.solve(solver)
    return made


def small(shenzhen: Scenario, n: int = 3) -> Scenario:
    return Scenario(shenzhen.firms.head(n).reset_index(drop=True), shenzhen.policy, "csv_gbk")


def test_an_edit_is_the_session_s_and_marks_it_unsolved(session: Session) -> None:
    table = session.working.firms.copy()
    table.loc[0, "score"] = 12.5
    session.set_firms(table)
    assert session.working.firms.loc[0, "score"] == 12.5
    assert session.is_stale()
    session.solve(solver)
    assert not session.is_stale()
    assert session.solved is not None and session.solved.scenario.firms.loc[0, "score"] == 12.5


def test_an_invalid_edit_is_kept_as_typed_and_blocks_solving(session: Session) -> None:
    table = session.working.firms.astype({"score": object})
    table.loc[3, "score"] = "abc"
    session.set_firms(table)
    assert session.working.problem is not None
    assert session.working.firms.loc[3, "score"] == "abc"
    assert session.solve(solver) is None
    assert session.save_what_if("x", solver) == "blocked"


def test_an_upload_replaces_the_firm_list_entirely(session: Session, shenzhen: Scenario) -> None:
    table = session.working.firms.copy()
    table.loc[0, "score"] = 1.0
    session.set_firms(table)
    gen = session.working.firms_gen
    session.load(small(shenzhen), file="firms.csv", sha256=None)
    assert len(session.working.firms) == 3 and session.working.name == "csv_gbk"
    assert session.working.firms_gen > gen  # the editor is mounted afresh
    assert session.solved is None  # the old solve was of other firms
    solved = session.solve(solver)
    assert solved is not None and len(solved.scenario.firms) == 3
    assert session.previous is None  # so no change is shown against it


def test_save_what_if_saves_what_is_on_screen(session: Session) -> None:
    session.set_field("startup_floor", 20.0)
    assert session.is_stale()
    saved = session.save_what_if("floor 20", solver)
    assert isinstance(saved, model.WhatIf)
    assert saved.solved.scenario.policy.startup_floor == pytest.approx(0.20)
    assert not session.is_stale()


def test_infeasible_keeps_the_last_feasible_result(session: Session) -> None:
    feasible = session.solved
    session.set_field("startup_floor", 100.0)
    session.set_field("large_cap", 0.0)
    session.set_field("basic_research_floor", 100.0)
    session.solve(solver)
    assert session.solved is not None and not session.solved.optimal
    assert session.showing_previous()
    assert session.feasible_view() is feasible
    assert session.save_what_if("bad", solver) == "infeasible"


def test_what_ifs_of_another_firm_list_are_told_apart(session: Session,
                                                      shenzhen: Scenario) -> None:
    saved = session.save_what_if("all firms", solver)
    assert isinstance(saved, model.WhatIf) and session.same_firms(saved)
    session.load(small(shenzhen, 40), file="firms.csv", sha256=None)
    session.solve(solver)
    assert not session.same_firms(saved)


def test_the_draft_round_trips_exactly_with_invalid_cells(session: Session) -> None:
    table = session.working.firms.astype({"score": object, "name": object})
    table.loc[0, "score"] = "abc"
    table.loc[1, "score"] = None
    table.loc[2, "name"] = 7
    table.loc[4, "score"] = float("nan")
    session.set_firms(table)
    session.set_field("objective", "maxmin")
    session.set_lang("en")
    session.view["alloc_sort"] = "score"
    back = model.decode(model.encode(session), solver, draft_id="draft-1")
    got, want = back.working.firms, session.working.firms
    assert list(got.columns) == list(want.columns)
    assert list(got.dtypes) == list(want.dtypes)
    for column in want.columns:
        for a, b in zip(got[column].tolist(), want[column].tolist(), strict=True):
            assert (a is b) or (a == b) or (pd.isna(a) and pd.isna(b)), (column, a, b)
            assert type(a) is type(b) or (pd.isna(a) and pd.isna(b)), (column, a, b)
    assert back.working.form == session.working.form
    assert back.lang == "en" and back.view["alloc_sort"] == "score"
    assert back.working.problem is not None and back.solved is None


def test_the_draft_keeps_a_valid_table_bit_for_bit_and_solves_it(session: Session) -> None:
    back = model.decode(model.encode(session), solver)
    assert model.table_hash(back.working.firms) == session.working.digest
    assert back.solved is not None and back.solved.key == session.solved.key  # type: ignore[union-attr]
    assert back.unchanged_source() is not None


def test_the_draft_keeps_the_sweep_with_its_rule(session: Session) -> None:
    assert session.solved is not None
    frontier = sweep(session.solved.scenario, "startup_floor", [0.0, 0.3])
    session.set_sweep(frontier, session.solved.key)
    back = model.decode(model.encode(session), solver)
    assert back.sweep is not None and back.sweep.rule == "startup_floor"
    got = [(p.value, p.status, p.metrics) for p in back.sweep.frontier.points]
    assert got == [(p.value, p.status, p.metrics) for p in frontier.points]


def test_a_draft_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError):
        model.decode(b"not a draft", solver)


def test_the_draft_is_compact(session: Session) -> None:
    data = model.encode(session)
    assert len(data) < len(session.working.firms) * 100  # well under 100 bytes a firm
