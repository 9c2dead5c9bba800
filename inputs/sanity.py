"""Sanity warnings: figures that are allowed but probably in the wrong unit.

A pool under ¥10,000 was probably typed in 万元 (or 亿元); a pool or a request
of 10¹² yuan (a trillion) or more was probably typed in fen, or with extra
zeros. These are warnings, not errors: the scenario still loads, and the
command line (on stderr) and the app show them.
"""

from __future__ import annotations

import numpy as np

from inputs.errors import InputWarning, column_letter
from optimizer.scenario import Scenario, request_column

#: A pool below this many yuan is probably in the wrong unit.
SMALL_POOL = 1e4
#: A pool or a request of this many yuan or more is probably in the wrong unit.
HUGE_AMOUNT = 1e12


def scenario_warnings(scenario: Scenario, *, file: str | None = None) -> tuple[InputWarning, ...]:
    """The pools and the first request per program whose size suggests the wrong unit."""
    found: list[InputWarning] = []
    for program, budget in scenario.policy.budgets:
        key = f"budget.{program}"
        if 0 < budget < SMALL_POOL:
            found.append(InputWarning("input.warn.small_pool", file=file, sheet="policy", key=key,
                                      amount=f"{budget:,.0f}"))
        elif budget >= HUGE_AMOUNT:
            found.append(InputWarning("input.warn.huge_pool", file=file, sheet="policy", key=key,
                                      amount=f"{budget:,.0f}"))
    columns = list(scenario.firms.columns)
    for program in scenario.policy.programs:
        column = request_column(program)
        values = scenario.firms[column].to_numpy(float)
        huge = np.flatnonzero(values >= HUGE_AMOUNT)
        if huge.size:
            row = int(huge[0]) + 2
            found.append(InputWarning(
                "input.warn.huge_request", file=file, sheet="firms", row=row, column=column,
                cell=f"{column_letter(columns.index(column))}{row}", count=str(huge.size),
                amount=f"{float(values[huge[0]]):,.0f}"))
    return tuple(found)
