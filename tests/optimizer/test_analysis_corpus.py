"""A third pool (语料券 corpus) comes from the policy sheet alone: no code change anywhere."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer import Policy, Scenario, check_allocation, solve
from optimizer.analysis import (
    Baseline,
    compare_baselines,
    explain_all,
    explain_firm,
    measure,
    price_of_fairness,
    run_baseline,
    shadow_prices,
    sweep,
)
from tests.factory import firm

M = 1e6

# corpus: ¥5M pool, 30 % of the corpus bought, ¥2M a firm.
#   X startup 90: corpus 0.3 × 10M = 3M → capped 2M;  training 0.5 × 2M = 1M
#   Y small   80: corpus 0.3 × 10M = 3M → capped 2M
#   Z medium  70: corpus 0.3 × 5M = 1.5M
# Σ corpus claims 5.5M > 5M: by score X 2M, Y 2M, Z the 1M left (cut-off 70).
FIRMS = [firm("X", "startup", 90, training=2 * M, corpus=10 * M),
         firm("Y", "small", 80, corpus=10 * M, district="宝安区"),
         firm("Z", "medium", 70, corpus=5 * M)]
ITEMS = [("budget.model", 1 * M), ("budget.training", 10 * M), ("budget.corpus", 5 * M),
         ("rate.corpus", 0.3), ("cap.corpus", 2 * M)]


def corpus_scenario(*extra: tuple[str, object]) -> Scenario:
    return Scenario(pd.DataFrame(FIRMS), Policy.from_items([*ITEMS, *extra]), name="corpus")


def test_third_pool_is_solved_checked_and_analysed():
    sc = corpus_scenario()
    assert sc.programs == ("model", "training", "corpus")
    result = solve(sc)
    assert result.optimal and check_allocation(sc, result.amounts) == []
    assert result.amounts.tolist() == [[0, 1 * M, 2 * M], [0, 0, 2 * M], [0, 0, 1 * M]]

    metrics = measure(sc, result.amounts)
    assert metrics.spend == {"model": 0, "training": 1 * M, "corpus": 5 * M}
    assert metrics.impact == pytest.approx((90 * 3 + 80 * 2 + 70 * 1) * M)

    prices = {p.row: p for p in shadow_prices(result)}
    assert prices["budget.corpus"].marginal == pytest.approx(70, abs=1.01e-3)
    assert prices["budget.corpus"].text_en.startswith("¥1.0M more in the corpus pool")
    assert "语料券资金池" in prices["budget.corpus"].text_zh

    z = explain_firm(result, "Z")
    assert z.reason == "pool_cutoff" and z.program == "corpus"
    assert z.amounts == {"model": 0, "training": 0, "corpus": 1 * M}
    assert explain_firm(result, "X").reason == "firm_cap"  # corpus capped at 2M, training full
    assert len(explain_all(result)) == 3

    for kind in Baseline:
        amounts = run_baseline(sc, kind)
        assert amounts.shape == (3, 3) and check_allocation(sc, amounts) == []
    assert compare_baselines(sc, result)[0][0] == "optimized"


def test_third_pool_under_fairness_rules_and_sweeps():
    # startup set-aside 60 % of each pool; corpus: startups (X) can get 2M < 3M → need 2M
    sc = corpus_scenario(("startup_floor", 0.6))
    result = solve(sc)
    assert result.optimal and check_allocation(sc, result.amounts) == []
    assert {r.name for r in result.rows} >= {"startup_floor.corpus", "budget.corpus"}
    assert [p.rule for p in price_of_fairness(sc, result)] == ["all", "startup_floor"]
    frontier = sweep(sc, "budget.corpus", [0.0, 2 * M, 5 * M, 8 * M])
    # the pool fills by score until every claim (5.5M) is met
    assert [p.metrics.spend["corpus"] for p in frontier.points] == pytest.approx(
        [0, 2 * M, 5 * M, 5.5 * M])
