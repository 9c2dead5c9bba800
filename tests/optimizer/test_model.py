"""The bulk hand-over to HiGHS gives what PuLP's own hand-over gives."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pulp
import pytest
from hypothesis import HealthCheck, given, settings

import optimizer.model as model_module
from optimizer.model import AllocationModel
from optimizer.rules import make_context, rules_for
from optimizer.solve import level_groups, tie_broken_scores
from tests.strategies import scenarios


def solve_with(solver_class, sc, objective: str):
    ctx = make_context(sc)
    rows = [row for rule in rules_for(sc) for row in rule.rows(ctx)]
    groups = level_groups(ctx) if objective == "level" else []
    model = AllocationModel(ctx, rows, tie_broken_scores(sc), groups=groups)
    with patch.object(model_module, "BulkHiGHS", solver_class):
        return model.maximize_level() if groups else model.maximize_impact()


@pytest.mark.parametrize("objective", ["impact", "level"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios())
def test_bulk_and_stock_hand_over_agree(sc, objective):
    stock = solve_with(pulp.HiGHS, sc, objective)
    bulk = solve_with(model_module.BulkHiGHS, sc, objective)
    assert bulk.optimal == stock.optimal
    if stock.optimal:
        assert bulk.objective == pytest.approx(stock.objective, rel=1e-9, abs=1e-9)
        assert np.allclose(bulk.amounts, stock.amounts, atol=1e-3)
        assert bulk.marginals.keys() == stock.marginals.keys()
        for name, value in stock.marginals.items():
            assert bulk.marginals[name] == pytest.approx(value, abs=1e-7), name
