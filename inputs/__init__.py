"""Scenario files: read, validate and write workbooks and firms CSVs.

Flow: :func:`load_scenario` (or :func:`read_scenario` for uploaded bytes) first
guards the bytes (:mod:`inputs.guard`: size, zip bomb, far-away cells,
password), then reads the raw sheets and hands them to :func:`parse_scenario`,
which maps Chinese and English headers, reads every cell with one typed
parser (:mod:`inputs.cells`) and raises :class:`InputError` (a catalog code,
and the file, sheet, row, column and cell) for the first problem. The
``*_checked`` variants also return the warnings an officer should see.
"""

from inputs.errors import InputError, InputWarning
from inputs.sanity import scenario_warnings
from inputs.scenario_io import (
    Loaded,
    load_scenario,
    load_scenario_checked,
    parse_firms_csv_text,
    parse_scenario,
    read_scenario,
    read_scenario_checked,
    save_scenario,
    write_scenario,
    write_template,
)

__all__ = [
    "InputError",
    "InputWarning",
    "Loaded",
    "load_scenario",
    "load_scenario_checked",
    "parse_firms_csv_text",
    "parse_scenario",
    "read_scenario",
    "read_scenario_checked",
    "save_scenario",
    "scenario_warnings",
    "write_scenario",
    "write_template",
]
