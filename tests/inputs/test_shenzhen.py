"""The built-in Shenzhen scenario follows the study, and the fair one is feasible yet binding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inputs.builtin import (
    DEFAULT_SCENARIO_PATH,
    FAIR_SCENARIO_PATH,
    TEMPLATE_PATH,
    default_scenario,
    fair_scenario,
)
from inputs.policies import default_policy, fair_policy
from inputs.scenario_io import write_template
from inputs.shenzhen import generate, generate_shenzhen
from optimizer.scenario import Scenario

OUTER = ["罗湖区", "光明区", "坪山区", "盐田区", "深汕特别合作区"]


@pytest.fixture(scope="module")
def shenzhen() -> Scenario:
    return generate_shenzhen()


def test_study_figures(shenzhen: Scenario) -> None:
    firms = shenzhen.firms
    assert len(firms) == 2887
    share = firms["district"].value_counts(normalize=True)
    assert share["南山区"] == pytest.approx(682 / 2267, abs=0.005)
    assert share["南山区"] == pytest.approx(0.301, abs=0.005)
    counts = firms["district"].value_counts()
    big_five = ["南山区", "宝安区", "龙华区", "福田区", "龙岗区"]
    assert counts[big_five].tolist() == sorted(counts[big_five], reverse=True)
    assert counts[OUTER].sum() == pytest.approx(534 / 2267 * 2887, abs=2)
    assert counts[OUTER].tolist() == sorted(counts[OUTER], reverse=True)
    assert counts[OUTER].max() < counts["龙岗区"]
    assert set(firms["district"]) == {*big_five, *OUTER}


def test_size_mix_big_middle_small_ends(shenzhen: Scenario) -> None:
    share = shenzhen.firms["size_class"].value_counts(normalize=True)
    assert share["startup"] + share["small"] > 0.80
    expected = {"startup": 0.45, "small": 0.37, "medium": 0.13, "large": 0.05}
    for size_class, target in expected.items():
        assert share[size_class] == pytest.approx(target, abs=0.005)


def test_requests_scores_research_and_dates(shenzhen: Scenario) -> None:
    firms = shenzhen.firms
    by_size = firms.groupby("size_class")
    order = ["startup", "small", "medium", "large"]
    for column in ("training_request", "model_request", "score"):
        means = by_size[column].mean()[order]
        assert means.is_monotonic_increasing, column
    assert by_size["score"].mean()["large"] == pytest.approx(76, abs=2.5)
    assert by_size["score"].mean()["startup"] == pytest.approx(62, abs=1.5)
    assert firms["score"].between(0, 100).all()
    assert (firms["score"] * 10 == (firms["score"] * 10).round()).all()
    requests = firms[["model_request", "training_request"]]
    assert (requests % 100 == 0).all().all() and (requests >= 0).all().all()
    one_program = (requests == 0).sum(axis=1) == 1
    assert one_program.mean() == pytest.approx(0.20, abs=0.03)
    assert not ((requests == 0).all(axis=1)).any()
    assert firms["basic_research"].mean() == pytest.approx(0.08, abs=0.015)
    research = by_size["basic_research"].mean()
    assert research[["medium", "large"]].mean() > research[["startup", "small"]].mean()
    dates = firms["applied_on"]
    assert dates.min() >= pd.Timestamp("2024-01-01") and dates.max() <= pd.Timestamp("2024-12-31")
    mean_dates = by_size["applied_on"].mean()
    assert mean_dates["large"] < mean_dates["medium"] < mean_dates["small"] < mean_dates["startup"]


def test_ids_and_names(shenzhen: Scenario) -> None:
    firms = shenzhen.firms
    assert firms["firm_id"].iloc[0] == "SZ0001" and firms["firm_id"].iloc[-1] == "SZ2887"
    assert firms["firm_id"].is_unique
    assert firms["name"].str.match(r"^深圳市\w+有限公司$").all()
    assert firms["name"].nunique() > 2000


def test_deterministic_per_seed() -> None:
    a, b = generate(500, seed=11), generate(500, seed=11)
    pd.testing.assert_frame_equal(a.firms, b.firms)
    assert a.digest == b.digest
    assert generate(500, seed=12).digest != a.digest


def test_large_sizes_scale() -> None:
    big = generate(30_000, seed=2024, fair=True)
    assert len(big.firms) == 30_000 and big.firms["firm_id"].is_unique
    assert big.policy == fair_policy()
    assert big.firms["district"].value_counts(normalize=True)["南山区"] == pytest.approx(
        0.301, abs=0.002
    )


def test_shipped_workbooks_match_the_generator(shenzhen: Scenario) -> None:
    default, fair = default_scenario(), fair_scenario()
    assert (default.name, fair.name) == ("shenzhen-2024", "shenzhen-2024-fair")
    assert default.digest == shenzhen.digest
    assert default.policy == default_policy()
    assert fair.policy == fair_policy()
    assert fair.digest == shenzhen.with_policy(fair_policy()).digest
    assert DEFAULT_SCENARIO_PATH.exists() and FAIR_SCENARIO_PATH.exists()
    assert TEMPLATE_PATH.read_bytes() == write_template()


def test_default_policy_is_the_2024_rules() -> None:
    items = dict(default_policy().to_items())
    assert items == {
        "budget.model": 100_000_000, "budget.training": 500_000_000,
        "rate.model": 0.3, "rate.training": 0.5, "rate.training.startup": 0.6,
        "cap.model": 1_000_000, "cap.training": 10_000_000,
        "min_score.startup": 60, "min_score.small": 60, "min_score.medium": 60,
        "min_score.large": 60, "objective": "impact",
    }  # fmt: skip


# -- the fair scenario: arithmetic checks -----------------------------------------


def _upper(scenario: Scenario) -> pd.DataFrame:
    """upper[i,p] = min(rate × request, cap) if score ≥ min_score, else 0 (from the contract)."""
    policy, firms = scenario.policy, scenario.firms
    out = {}
    for program in scenario.programs:
        rate = firms["size_class"].map(lambda c, p=program: policy.rate(p, c))
        amount = (rate * firms[f"{program}_request"]).clip(upper=policy.cap(program))
        eligible = firms["score"] >= firms["size_class"].map(policy.min_score)
        out[program] = amount.where(eligible, 0.0)
    return pd.DataFrame(out)


def test_fair_rules_are_feasible_and_the_district_floor_binds(shenzhen: Scenario) -> None:
    fair = shenzhen.with_policy(fair_policy())
    policy = fair.policy
    assert (policy.startup_floor, policy.large_cap, policy.basic_research_floor) == (
        0.35, 0.25, 0.05
    )  # fmt: skip
    assert policy.min_score("startup") == 50 and policy.min_score("large") == 60
    upper = _upper(fair)
    total_budget = policy.total_budget
    assert total_budget == 600_000_000
    floor_yuan = policy.district_floor * upper.to_numpy().sum()
    assert 0 < floor_yuan < 0.5 * total_budget  # well under the ¥600M

    # The impact optimum without fairness rules: per program, money in score order.
    allocation = pd.DataFrame(0.0, index=upper.index, columns=upper.columns)
    order = fair.firms["score"].sort_values(ascending=False, kind="stable").index
    for program in fair.programs:
        ranked = upper.loc[order, program]
        before = ranked.cumsum() - ranked
        allocation.loc[order, program] = np.clip(policy.budget(program) - before, 0, ranked)
    by_district = pd.DataFrame({
        "upper": upper.sum(axis=1), "given": allocation.sum(axis=1),
        "district": fair.firms["district"],
    }).groupby("district").sum()  # fmt: skip
    coverage = by_district["given"] / by_district["upper"]
    assert allocation.sum().sum() == pytest.approx(total_budget)
    assert coverage.min() < policy.district_floor  # so the floor binds for some district
    assert (coverage < policy.district_floor).sum() < len(coverage)

    # The set-asides can be met from eligible firms.
    startups = fair.firms["size_class"] == "startup"
    for program in fair.programs:
        assert upper.loc[startups, program].sum() >= policy.startup_floor * policy.budget(program)
    research = fair.firms["basic_research"]
    assert upper[research].to_numpy().sum() >= policy.basic_research_floor * total_budget
