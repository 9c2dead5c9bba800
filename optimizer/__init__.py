"""The allocation model: scenario in, optimal and explained allocation out.

Pure: no files, no Streamlit. :mod:`inputs` reads scenarios; the app, the
report and the command line only show what this package returns.
"""

from optimizer.check import check_allocation
from optimizer.policy import Objective, Policy, PolicyError
from optimizer.result import Finding, Result, RowReport, Status
from optimizer.scenario import Scenario, SizeClass
from optimizer.solve import solve

__all__ = [
    "Finding",
    "Objective",
    "Policy",
    "PolicyError",
    "Result",
    "RowReport",
    "Scenario",
    "SizeClass",
    "Status",
    "check_allocation",
    "solve",
]
