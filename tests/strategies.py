"""Hypothesis strategies: random small scenarios under random rules."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.factory import firm, scenario

M = 1e6
CLASSES = ["startup", "small", "medium", "large"]
DISTRICTS = ["南山区", "宝安区", "龙华区"]


@st.composite
def firms(draw: st.DrawFn, min_size: int = 2, max_size: int = 10) -> list[dict[str, Any]]:
    n = draw(st.integers(min_size, max_size))
    money = st.sampled_from([0, 0.5, 1, 2, 3, 5, 8, 13, 21]).map(lambda x: x * M)
    return [
        firm(f"F{i}", draw(st.sampled_from(CLASSES)), draw(st.integers(40, 100)),
             model=draw(money), training=draw(money), district=draw(st.sampled_from(DISTRICTS)),
             basic_research=draw(st.booleans()))
        for i in range(n)
    ]


@st.composite
def policies(draw: st.DrawFn, fairness: bool = True, objective: bool = True) -> dict[str, Any]:
    policy: dict[str, Any] = {
        "budget__model": draw(st.sampled_from([0, 1, 2, 5])) * M,
        "budget__training": draw(st.sampled_from([1, 5, 10, 30])) * M,
        "rate__training__startup": draw(st.sampled_from([0.5, 0.6, 0.8])),
        "cap__model": 1 * M,
        "cap__training": draw(st.sampled_from([5, 10])) * M,
        "min_score__startup": draw(st.sampled_from([0, 50, 60])),
        "min_score__large": draw(st.sampled_from([0, 60, 70])),
    }
    if draw(st.booleans()):
        policy["cap__total"] = draw(st.sampled_from([2, 6])) * M
    if fairness:
        policy["startup_floor"] = draw(st.sampled_from([0, 0.2, 0.35]))
        policy["large_cap"] = draw(st.sampled_from([1, 0.5, 0.25]))
        policy["district_floor"] = draw(st.sampled_from([0, 0.05, 0.2, 0.6]))
        policy["basic_research_floor"] = draw(st.sampled_from([0, 0.05, 0.3]))
    if objective:
        policy["objective"] = draw(st.sampled_from(["impact", "impact", "maxmin"]))
    return policy


@st.composite
def scenarios(draw: st.DrawFn, fairness: bool = True, objective: bool = True) -> Any:
    return scenario(draw(firms()), **draw(policies(fairness, objective)))
