"""Appeal sentences agree with the allocation where set-asides and floors bind.

For every eligible firm short of its limit, the routes it is told (the general
pool of each program it is short in, and each route of a group it belongs to)
must hold against the allocation: no firm of a group the firm belongs to was
funded through that group's route below the cut-off the firm is told, and no
firm was funded through the general pool below the general cut-off told.
Group membership and who was funded below the pool's margin are re-derived
here from the firms table, the amounts and the duals, not from the routes.
Money held by an officer's fixed award or minimum (read here from the firm's
own ``fixed.P``/``min.P`` cells) goes through the override's route only: it
sets no cut-off and is told to no one.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from inputs.scenario_io import load_scenario
from optimizer import Result, Scenario, solve
from optimizer.analysis import appeal_routes, explain_firm
from optimizer.rows import RowKey
from optimizer.solve import tie_broken_scores
from tests.factory import firm, scenario
from tests.strategies import scenarios

FAIR = Path(__file__).resolve().parents[2] / "inputs" / "data" / "shenzhen-2024-fair.xlsx"


def member(result: Result, key: RowKey) -> np.ndarray:
    """The firms of a route's group, from the firms table (not from the rule classes)."""
    firms = result.scenario.firms
    if key.rule == "startup_floor":
        return firms["size_class"].astype(str).to_numpy() == "startup"
    if key.rule == "district_floor":
        return firms["district"].astype(str).to_numpy() == key.group
    if key.rule == "basic_research_floor":
        return firms["basic_research"].to_numpy(dtype=bool)
    kind, _, name = key.group.partition(".")
    assert key.rule == "objective", key
    column = "size_class" if kind == "class" else "district"
    return firms[column].astype(str).to_numpy() == name


def override_floor(sc: Scenario, i: int, program: str) -> float:
    """Firm ``i``'s fixed award in ``program``, else its minimum, else 0, from its own cells."""
    row = sc.firms.iloc[i]
    for kind in ("fixed", "min"):
        value = row.get(f"{kind}.{program}")
        if value is not None and not pd.isna(value):
            return float(value)
    return 0.0


def check_appeals(result: Result) -> int:
    """Assert the appeal property on one optimal result; return how many firms were checked."""
    assert result.optimal and result.decided is not None
    sc = result.scenario
    assert not sc.policy.tiers  # cut-offs are plain scores here
    programs = list(sc.programs)
    scores = sc.firms["score"].to_numpy(dtype=float)
    ids = sc.firms["firm_id"].astype(str).to_numpy()
    amounts, upper = result.amounts, result.limits.upper
    funded = amounts > 1.0
    short = upper - amounts > 1.0 + 1e-7 * upper
    marginals = {r.name: r.marginal for r in result.rows}
    weights = tie_broken_scores(sc)

    # which route funded each pair, and each route's lowest funded score, from `decided`
    lowest: dict[int, float] = {}
    for i, j in zip(*np.nonzero(funded), strict=True):
        k = int(result.decided[i, j])
        assert k >= 0, (ids[i], programs[j])  # every funded pair has a route
        lowest[k] = min(lowest.get(k, np.inf), scores[i])
        route = result.routes[k]
        pool = max(marginals[f"budget.{programs[j]}"], 0.0)
        if route.override:  # an officer's fixed award or minimum holds it, at that amount
            floor = override_floor(sc, i, programs[j])
            assert floor > 1.0 and amounts[i, j] <= floor + 1.0, (ids[i], programs[j])
        elif route.key is None:
            assert route.program == programs[j]
        else:  # funded through a group: the firm is in it, and the row binds
            assert member(result, route.key)[i], (ids[i], route.key)
            assert programs[j] in route.programs
            assert marginals.get(str(route.key), -1.0) < 0 or route.key.rule == "objective"
        if weights[i] < pool - 1e-6:  # below the pool's margin: never the general pool
            assert route.key is not None, (ids[i], programs[j], weights[i], pool)

    told = appeal_routes(result)
    checked = 0
    for i in np.flatnonzero(result.limits.eligible & short.any(axis=1)):
        offers = {o.route: o for o in told.get(str(ids[i]), ())}
        short_programs = {programs[j] for j in np.flatnonzero(short[i])}
        for k, route in enumerate(result.routes):
            if not short_programs.intersection(route.programs):
                continue
            if route.override:  # an officer's pin is no route another firm could take
                assert str(route.key) not in offers, ids[i]
                continue
            if route.key is None:
                name = f"general.{route.program}"
            elif member(result, route.key)[i]:
                name = str(route.key)
            else:
                continue
            # every route of the firm's groups (and of its programs' pools) is told …
            assert name in offers, (ids[i], name, sorted(offers))
            # … with a cut-off no firm funded through that route falls below
            assert lowest[k] >= offers[name].cut_off - 1e-9, (ids[i], name)
        if offers:
            gaps = [o.gap for o in offers.values()]
            assert [o.closest for o in offers.values()].count(True) == 1
            assert next(o for o in offers.values() if o.closest).gap == min(gaps)
        checked += 1
    return checked


def test_the_fairness_what_if_tells_a_startup_of_the_startup_set_aside():
    result = solve(load_scenario(FAIR))
    assert check_appeals(result) > 100
    e = explain_firm(result, "SZ2434")  # a startup, 73.0: the pool ran out at 88.2 …
    routes = {o.route: o for o in e.routes}
    assert routes["general.training"].cut_off == pytest.approx(88.2, abs=0.05)
    startup = routes["startup_floor.training"]  # … but SZ2478 (73.3) got in as a startup
    assert startup.cut_off == pytest.approx(73.3) and startup.closest
    assert "startup set-aside on training funded scores down to 73.3" in e.text_en
    assert "经训力券初创企业专项获资助的最低得分为73.3分" in e.text_zh
    assert explain_firm(result, "SZ2478").row == "startup_floor.training"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(fairness=True, objective=True))
def test_appeals_agree_with_random_allocations(sc):
    result = solve(sc)
    if result.optimal:
        check_appeals(result)


M = 1e6


def test_a_pin_below_the_pool_is_not_the_pools_cut_off():
    # One training pool of 15M, rate 0.5: A 90 (limit 10M), B 80 (4M), C 70 (3M), D 60
    # (2M). D is pinned at 1M: A 10M + B 4M + D 1M fill the pool, C gets nothing. The pool
    # funded scores down to 80 (B); D's 60 was funded by its pin, not by the pool, so C (70)
    # is told 80 — not "the pool funded scores down to 60", which no firm could appeal to.
    sc = scenario([
        firm("A", "large", 90, training=20 * M),
        firm("B", "medium", 80, training=8 * M),
        firm("C", "small", 70, training=6 * M),
        {**firm("D", "small", 60, training=4 * M), "fixed.training": 1 * M},
    ], budget__model=0, budget__training=15 * M)
    result = solve(sc)
    assert [round(a / M, 3) for a in result.amounts[:, 1]] == [10, 4, 0, 1]
    check_appeals(result)
    general = next(r for r in result.routes if r.general and r.program == "training")
    assert general.cut_off == 80 and general.funded == 2
    pinned = next(r for r in result.routes if r.override)
    assert pinned.funded == 1 and result.routes[int(result.decided[3, 1])] is pinned
    c = explain_firm(result, "C")
    assert c.reason == "pool_cutoff"
    assert [(o.route, o.cut_off) for o in c.routes] == [("general.training", 80.0)]
    assert "80.0" in c.text_en and "60" not in c.text_en
    assert explain_firm(result, "D").reason == "pinned"


def test_pins_on_the_fairness_what_if_leave_the_route_cut_offs_alone():
    # Low scorers pinned or given a minimum: a startup at 50.0 (below every route's
    # cut-off), a small firm and a medium firm. None of them is funded through the pool
    # or a set-aside, so no route's cut-off falls to their scores.
    sc = load_scenario(FAIR)
    firms = sc.firms.copy()
    firms["fixed.training"] = np.nan
    firms["min.model"] = np.nan
    ids = firms["firm_id"].astype(str)
    firms.loc[ids == "SZ0233", "fixed.training"] = 0.5 * M  # startup, 50.0
    scores = firms["score"].to_numpy(dtype=float)
    classes = firms["size_class"].astype(str).to_numpy()
    small = firms[(classes == "small") & (scores < 65) & (firms["training_request"] > 2 * M)]
    medium = firms[(classes == "medium") & (scores < 70) & (firms["model_request"] > 1 * M)]
    firms.loc[small.index[0], "fixed.training"] = 1 * M
    firms.loc[medium.index[0], "min.model"] = 0.2 * M
    pinned = Scenario(firms, sc.policy, sc.name)
    result = solve(pinned)
    assert check_appeals(result) > 100
    override = next(r for r in result.routes if r.override)
    assert override.funded == 3 and set(override.programs) == {"model", "training"}
    lowest_pinned = min(scores[ids == "SZ0233"][0], scores[small.index[0]],
                        scores[medium.index[0]])
    for route in result.routes:
        if not route.override:
            assert route.cut_off > lowest_pinned + 1e-9, route
    # the startup SZ2434 is told the same routes as without the pins, at cut-offs that
    # are the lowest scores funded through them
    routes = {o.route: o for o in explain_firm(result, "SZ2434").routes}
    assert "override" not in routes
    assert routes["general.training"].cut_off > 80
    assert routes["startup_floor.training"].cut_off > 70
    assert not math.isclose(routes["startup_floor.training"].cut_off, 50.0)
