"""Issue 12 in the app: the next-round page builds what ``voucher-opt round next`` builds.

The previous round is the app's own solve of the built-in scenario; the new
applicants and a ledger are small files written here. The pool table must
show exactly what :func:`inputs.rounds.pool_status` says of the round that
:func:`inputs.rounds.next_round` builds, and "use this round" must make that
round the working scenario.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from inputs.rounds import Previous, next_round, pool_status, read_applicants, read_ledger
from optimizer.catalog import text
from optimizer.overrides import override_column
from optimizer.units import WAN
from tests.ui.helpers import S
from ui.i18n import LANGS

NEW_IDS = ("NEXT0001", "NEXT0002")


def _page(at: AppTest) -> AppTest:
    at.switch_page("views/rounds.py").run()
    assert not at.exception, at.exception
    return at


def _applicants(previous: Previous, again: int) -> bytes:
    """Two new firms and one earlier awardee (row ``again``) applying again, as a CSV."""
    firms = previous.scenario.firms
    rows = firms.iloc[[0, 1, again]].copy()
    rows["firm_id"] = [*NEW_IDS, firms["firm_id"].iloc[again]]
    rows["model_request"] = [300_000.0, 0.0, 0.0]
    rows["training_request"] = [800_000.0, 1_200_000.0, 2_000_000.0]
    rows["applied_on"] = pd.Timestamp("2024-09-01")
    return rows.to_csv(index=False).encode()


def _ledger(firm: str, amount: float) -> bytes:
    return f"firm_id,program,lapsed\n{firm},training,{amount:.2f}\n".encode()


def _upload(at: AppTest, step: str, name: str, data: bytes) -> None:
    at.file_uploader(key=f"round_{step}").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("lang", LANGS)
def test_the_next_round_from_the_current_solve(app: AppTest, lang: str) -> None:
    if lang != "zh":
        app.segmented_control(key="lang_pick").set_value(lang).run()
    solved = S(app).solved
    assert solved is not None and solved.optimal
    previous = Previous(solved.scenario, np.round(solved.result.amounts, 2))
    funded = np.flatnonzero(previous.awards[:, 1] > 0)
    ids = previous.scenario.firms["firm_id"].astype(str).to_numpy()
    again, lapser = int(funded[-1]), int(funded[0])
    applicants, ledger = _applicants(previous, again), _ledger(
        ids[lapser], previous.awards[lapser, 1] / 4)

    _page(app)
    assert not app.dataframe  # nothing to show before the applicants
    # a bad file: its problem in place, with file and cell; nothing kept from it
    bad = applicants.split(b"\n")
    header = bad[0].decode().split(",")
    cells = bad[1].decode().split(",")
    cells[header.index("score")] = "high"
    bad[1] = ",".join(cells).encode()
    _upload(app, "applicants", "bad.csv", b"\n".join(bad))
    assert any("bad.csv" in e.value and f"{chr(65 + header.index('score'))}2" in e.value
               for e in app.error), [e.value for e in app.error]
    assert S(app).round.applicants is None
    _upload(app, "applicants", "new.csv", applicants)
    assert S(app).round.applicants == ("new.csv", applicants)
    assert not app.error
    _upload(app, "ledger", "lapsed.csv", ledger)
    app.number_input(key="round_reserve.training").set_value(20.0).run()
    assert not app.exception, app.exception

    read = read_applicants(applicants, "new.csv", previous)
    lapsed = read_ledger(ledger, "lapsed.csv", previous)
    name = text("app.round.next_name", lang, name=previous.scenario.name)  # type: ignore[arg-type]
    built = next_round(previous, read, lapsed, {"model": 0.0, "training": 0.2}, name,
                       lang)  # type: ignore[arg-type]
    expected = pool_status(built, lapsed)
    table = app.dataframe[0].value
    assert len(table) == len(expected)
    for row, pool in zip(table.itertuples(), expected, strict=True):
        for field in ("budget", "committed", "lapsed", "available", "reserve"):
            assert getattr(row, field) == pytest.approx(getattr(pool, field) / WAN), field
    assert expected[1].lapsed == pytest.approx(previous.awards[lapser, 1] / 4)
    assert expected[1].reserve > 0 and expected[0].reserve == 0

    # the page survives leaving it: the uploads and the reserve are in the session
    app.switch_page("views/results.py").run()
    _page(app)
    assert app.number_input(key="round_reserve.training").value == 20.0
    assert app.dataframe[0].value.equals(table)

    app.button(key="round_use").click().run()
    assert not app.exception, app.exception
    assert app.success, "the page says the round is now the working scenario"
    working = S(app).working
    firms = working.firms.set_index(working.firms["firm_id"].astype(str))
    carried = ids[previous.awards.sum(axis=1) > 0]
    assert len(firms) == len(carried) + len(NEW_IDS)
    assert set(NEW_IDS) <= set(firms.index)
    fixed = override_column("fixed", "training")
    assert firms.at[ids[lapser], fixed] == pytest.approx(previous.awards[lapser, 1] * 3 / 4,
                                                         abs=0.01)
    others = [i for i in np.flatnonzero(previous.awards.sum(axis=1) > 0) if i not in
              (again, lapser)]
    np.testing.assert_allclose(firms.loc[ids[others], fixed].to_numpy(dtype=float),
                               previous.awards[others, 1])
    assert firms.loc[list(NEW_IDS), fixed].isna().all()
    # the firm applying again: one row, its commitment a minimum, its requests added
    assert firms.at[ids[again], override_column("min", "training")] == pytest.approx(
        previous.awards[again, 1])
    assert firms.at[ids[again], "training_request"] == pytest.approx(
        previous.scenario.firms["training_request"].iloc[again] + 2_000_000.0)
    assert working.policy is not None and working.policy.reserve("training") == 0.2
    assert working.name == name
    assert working.problem is None and working.policy_error is None, working.problem
    assert S(app).solved is not None and not S(app).is_stale()
    assert S(app).round.applicants is None  # the next round starts afresh


def test_the_previous_round_from_a_report_workbook(app: AppTest) -> None:
    """Step 1 from an uploaded report: the same round as from the solve it reports."""
    from ui.report import build_report

    solved = S(app).solved
    assert solved is not None
    previous = Previous(solved.scenario, np.round(solved.result.amounts, 2))
    applicants = _applicants(previous, int(np.flatnonzero(previous.awards[:, 1] > 0)[-1]))
    _page(app)
    _upload(app, "applicants", "new.csv", applicants)
    from_solve = app.dataframe[0].value
    app.radio(key="round_previous.zh").set_value("report").run()
    assert not app.dataframe  # no report yet: nothing built
    from inputs import write_scenario

    _upload(app, "report", "scenario.xlsx", write_scenario(solved.scenario))  # no awards sheet
    assert any("scenario.xlsx" in e.value for e in app.error)
    assert S(app).round.report is None
    _upload(app, "report", "round1.xlsx", build_report(solved.result, lang="en"))
    assert not app.error
    assert app.dataframe[0].value.equals(from_solve)
