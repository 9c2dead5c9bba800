"""Scenario files: read, validate and write workbooks and firms CSVs.

Flow: :func:`load_scenario` (or :func:`read_scenario` for uploaded bytes) reads
a file and hands the raw sheets to :func:`parse_scenario`, which maps Chinese
and English headers, validates every cell and raises :class:`InputError` with
the file, sheet, row, column and cell of the first problem.
"""

from inputs.errors import InputError
from inputs.scenario_io import (
    load_scenario,
    parse_firms_csv_text,
    parse_scenario,
    read_scenario,
    save_scenario,
    write_scenario,
    write_template,
)

__all__ = [
    "InputError",
    "load_scenario",
    "parse_firms_csv_text",
    "parse_scenario",
    "read_scenario",
    "save_scenario",
    "write_scenario",
    "write_template",
]
