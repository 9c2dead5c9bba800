"""The shipped scenarios: where they live and how to load them.

``inputs/data/shenzhen-2024.xlsx`` holds the built-in Shenzhen scenario under
the 2024 policy, ``shenzhen-2024-fair.xlsx`` the same firms under the study's
fairness rules, and ``template.xlsx`` a blank workbook to fill in. All three
are written by ``python -m inputs.shenzhen`` (``make scenarios``).
"""

from __future__ import annotations

from pathlib import Path

from inputs.scenario_io import load_scenario
from optimizer.scenario import Scenario

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SCENARIO_PATH = DATA_DIR / "shenzhen-2024.xlsx"
FAIR_SCENARIO_PATH = DATA_DIR / "shenzhen-2024-fair.xlsx"
TEMPLATE_PATH = DATA_DIR / "template.xlsx"


def default_scenario() -> Scenario:
    """The built-in Shenzhen scenario (2,887 firms, the 2024 policy), named ``shenzhen-2024``."""
    return load_scenario(DEFAULT_SCENARIO_PATH)


def fair_scenario() -> Scenario:
    """The same firms under the study's fairness rules, named ``shenzhen-2024-fair``."""
    return load_scenario(FAIR_SCENARIO_PATH)
