"""Everything the report shows, computed once before any sheet is written.

The figures come from :mod:`optimizer.analysis` (metrics, baselines, price of
fairness, shadow prices, reasons); this module only calls it and bundles the
answers with the settings of one report.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from optimizer.analysis.baselines import compare_baselines
from optimizer.analysis.explain import explain_all
from optimizer.analysis.fairness import PriceOfFairness, price_of_fairness
from optimizer.analysis.frontier import Frontier
from optimizer.analysis.metrics import Metrics, measure
from optimizer.analysis.shadow import ShadowPrice, shadow_prices
from optimizer.money import Lang
from optimizer.result import Result

#: Distributions whose versions the audit block lists, in order.
PACKAGES: tuple[str, ...] = ("pulp", "highspy", "openpyxl", "pandas", "numpy", "voucher-opt")
SOLVER = "HiGHS (highspy) via PuLP"


@dataclass(frozen=True, eq=False)
class Figures:
    """The inputs and computed figures of one report.

    Attributes
    ----------
    result
        The allocation reported on.
    lang
        ``"zh"`` or ``"en"``.
    metrics
        Figures of the allocation; None when there is none (infeasible).
    baselines
        ``(method, metrics)`` for the optimized allocation and each baseline.
    fairness
        The price of all fairness rules (``"all"``) and of each in turn.
    shadow
        Marginal value of every pool and rule row.
    reasons
        One row per firm: ``reason``, ``text_zh``, ``text_en`` (None when infeasible).
    compared
        Further results shown beside ``result`` with their metrics (None: no allocation).
    frontier
        A sweep to show, or None.
    run_at
        When the report was made.
    source_sha256
        SHA-256 of the input file, when the caller knows it.
    stamp
        The approval stamp of the decision this result is (see
        :meth:`inputs.store.approvals.Decision.stamp`), or None.
    """

    result: Result
    lang: Lang
    metrics: Metrics | None
    baselines: list[tuple[str, Metrics]]
    fairness: list[PriceOfFairness]
    shadow: list[ShadowPrice]
    reasons: pd.DataFrame | None
    compared: list[tuple[Result, Metrics | None]]
    frontier: Frontier | None
    run_at: datetime
    source_sha256: str | None
    stamp: Mapping[str, str] | None = None

    @property
    def optimal(self) -> bool:
        return self.result.optimal


def _measured(result: Result) -> Metrics | None:
    return measure(result.scenario, result.amounts, result.limits) if result.optimal else None


def gather(result: Result, *, lang: Lang, source_sha256: str | None,
           compared: Sequence[Result], frontier: Frontier | None, run_at: datetime,
           stamp: Mapping[str, str] | None = None) -> Figures:
    """Run the analyses the report needs on ``result`` (and the compared results)."""
    optimal = result.optimal
    baselines = compare_baselines(result.scenario, result) if optimal else []
    # compare_baselines measures the optimized allocation first; reuse it
    metrics = baselines[0][1] if baselines and baselines[0][0] == "optimized" else None
    return Figures(
        result=result,
        lang=lang,
        metrics=metrics if metrics is not None else _measured(result),
        baselines=baselines,
        fairness=price_of_fairness(result.scenario, result) if optimal else [],
        shadow=shadow_prices(result),
        reasons=explain_all(result) if optimal else None,
        compared=[(other, _measured(other)) for other in compared],
        frontier=frontier,
        run_at=run_at,
        source_sha256=source_sha256,
        stamp=stamp,
    )


def versions() -> list[tuple[str, str]]:
    """``(software, version)`` for Python and :data:`PACKAGES` (``unknown`` if not installed)."""
    out = [("python", platform.python_version())]
    for package in PACKAGES:
        try:
            out.append((package, importlib.metadata.version(package)))
        except importlib.metadata.PackageNotFoundError:
            out.append((package, "unknown (not installed)"))
    return out
