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


def solved(sc: Scenario) -> Result:
    """Solve, and fail the test unless the result is optimal and passes the independent check."""
    result = solve(sc)
    assert result.optimal, result.diagnosis
    assert check_allocation(sc, result.amounts) == []
    return result
