"""Answers an officer can defend, as plain data for the app, the report and the CLI.

- :mod:`~optimizer.analysis.metrics`: impact, spend, reach and equality of any allocation;
- :mod:`~optimizer.analysis.baselines`: first come first served, pro-rata, rank by
  score and constrained equal awards on the same scenario;
- :mod:`~optimizer.analysis.fairness`: the price of fairness, rule by rule;
- :mod:`~optimizer.analysis.shadow`: shadow prices of pools and rules in words;
- :mod:`~optimizer.analysis.explain`: why each firm got its amount;
- :mod:`~optimizer.analysis.frontier`: sweeps of one rule's parameter.

Pure, like the rest of :mod:`optimizer`: no files, no Streamlit, no :mod:`pulp`.
"""

from optimizer.analysis.baselines import Baseline, compare_baselines, run_baseline
from optimizer.analysis.explain import (
    Explanation,
    Reason,
    RouteOffer,
    appeal_routes,
    explain_all,
    explain_firm,
)
from optimizer.analysis.fairness import PriceOfFairness, price_of_fairness
from optimizer.analysis.frontier import Frontier, FrontierPoint, sweep, sweepable
from optimizer.analysis.metrics import Metrics, gini, jain, measure
from optimizer.analysis.shadow import ShadowPrice, shadow_prices

__all__ = [
    "Baseline",
    "Explanation",
    "Frontier",
    "FrontierPoint",
    "Metrics",
    "PriceOfFairness",
    "Reason",
    "RouteOffer",
    "ShadowPrice",
    "appeal_routes",
    "compare_baselines",
    "explain_all",
    "explain_firm",
    "gini",
    "jain",
    "measure",
    "price_of_fairness",
    "run_baseline",
    "shadow_prices",
    "sweep",
    "sweepable",
]
