"""HiGHS: every model status has a name of ours, solves run in threads, fd 1 is left alone."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import highspy
import numpy as np
import pytest

import optimizer.model as model_module
from optimizer import Status, solve
from optimizer.highs_bulk import HIGHS_STATUS
from tests.factory import firm, hand, scenario

M = 1e6


def test_every_highs_model_status_is_mapped():
    statuses = set(highspy.HighsModelStatus.__members__.values())
    assert statuses <= HIGHS_STATUS.keys(), statuses - HIGHS_STATUS.keys()
    assert {ours for _, ours in HIGHS_STATUS.values()} <= set(Status)


@pytest.mark.parametrize(("option", "value", "status"), [
    ("time_limit", 0.0, Status.TIME_LIMIT),
    ("ipm_iteration_limit", 0, Status.ITERATION_LIMIT),
])
def test_a_stopped_solve_says_why(monkeypatch, option, value, status):
    # a real HiGHS option that stops the solve before the optimum
    monkeypatch.setitem(model_module.HIGHS_OPTIONS, option, value)
    result = solve(hand(startup_floor=0.3))
    assert result.status is status
    assert not result.optimal and result.amounts.sum() == 0


def small(k: int):
    """Sixteen different small scenarios: the pool and one score move with k."""
    firms = [firm("A", "small", 60 + k, training=8 * M), firm("B", "startup", 70, training=10 * M),
             firm("C", "medium", 80 - k, training=4 * M, district="宝安区")]
    return scenario(firms, budget__model=0, budget__training=(2 + k / 2) * M,
                    startup_floor=0.2 if k % 2 else 0)


def test_concurrent_solves_each_return_their_own_answer(capsys):
    before = os.fstat(1)
    expected = [solve(small(k)).amounts for k in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda k: solve(small(k)).amounts, range(16)))
    for k in range(16):
        assert np.array_equal(got[k], expected[k]), k
    assert len({a.tobytes() for a in expected}) > 8  # the scenarios really differ
    after = os.fstat(1)
    assert (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino)
    print("still captured")
    assert capsys.readouterr().out == "still captured\n"  # nothing else reached stdout


def test_every_status_has_words_in_both_languages():
    assert Status.TIME_LIMIT.label("zh") == "达到时间上限"
    assert Status.INFEASIBLE.label("en") == "infeasible"
    assert all(s.label("zh") and s.label("en") for s in Status)
