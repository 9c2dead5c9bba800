"""Small scenarios built in code, for golden and property tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer import Policy, Result, Scenario, check_allocation, solve


def firm(firm_id: str, size_class: str, score: float, model: float = 0.0,
         training: float = 0.0, district: str = "南山区", basic_research: bool = False,
         **requests: float) -> dict[str, Any]:
    """One firms-table row; extra programs as ``corpus=...`` keyword arguments."""
    row = {"firm_id": firm_id, "name": f"企业{firm_id}", "size_class": size_class,
           "district": district, "score": float(score), "basic_research": basic_research,
           "model_request": float(model), "training_request": float(training)}
    row.update({f"{p}_request": float(v) for p, v in requests.items()})
    return row


def scenario(firms: list[dict[str, Any]], **policy: Any) -> Scenario:
    """A scenario from rows and policy-sheet keys (``budget__model`` means ``budget.model``)."""
    items = [(key.replace("__", "."), value) for key, value in policy.items()]
    return Scenario(pd.DataFrame(firms), Policy.from_items(items), name="test")


M = 1e6

#: The hand-worked scenario many analysis tests share. Training only (model
#: requests 0). Claims = upper = rate × request:
#   A small   score 90  8M × 0.5 = 4M   applied 03-05   南山区
#   B startup score 70 10M × 0.6 = 6M   applied 03-01   宝安区
#   C medium  score 80  4M × 0.5 = 2M   applied 03-03   南山区
#   D large   score 60 16M × 0.5 = 8M   applied 03-02   坪山区
# Σ claims 20M against a 10M pool.
HAND_FIRMS = [
    firm("A", "small", 90, training=8 * M, district="南山区"),
    firm("B", "startup", 70, training=10 * M, district="宝安区"),
    firm("C", "medium", 80, training=4 * M, district="南山区"),
    firm("D", "large", 60, training=16 * M, district="坪山区"),
]
HAND_POLICY = {"budget__model": 1 * M, "budget__training": 10 * M,
               "rate__training__startup": 0.6, "cap__training": 10 * M}


def hand(**changes: object) -> Scenario:
    """The hand-worked scenario, with policy keys changed (``startup_floor=0.5`` …)."""
    return scenario(HAND_FIRMS, **{**HAND_POLICY, **changes})


def solved(sc: Scenario) -> Result:
    """Solve, and fail the test unless the result is optimal and passes the independent check."""
    result = solve(sc)
    assert result.optimal, result.diagnosis
    assert check_allocation(sc, result.amounts) == []
    return result
