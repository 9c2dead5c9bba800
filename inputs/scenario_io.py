"""Load, parse and write scenario workbooks and firms CSVs.

The parsers are pure: :func:`parse_scenario` takes the raw sheets as
DataFrames and :func:`parse_firms_csv_text` takes text. :func:`load_scenario`
and :func:`read_scenario` only read bytes and hand them over; the writers
build a workbook in memory with :func:`inputs.scenario_sheets.add_scenario_sheets`
and save it with :func:`inputs.xlsx_stream.save`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from python_calamine import (
    CalamineWorkbook,
    PasswordError,
    WorksheetNotFound,
    XmlError,
    ZipError,
)

from inputs.columns import find_sheet
from inputs.encodings import decode_text
from inputs.errors import InputError, InputWarning
from inputs.firms import read_firms_sheet
from inputs.guard import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    WorkbookScan,
    check_size,
    guard_workbook,
)
from inputs.policies import default_policy, parse_policy_sheet
from inputs.sanity import scenario_warnings
from inputs.scenario_sheets import add_scenario_sheets
from inputs.xlsx_stream import save
from optimizer.policy import Policy
from optimizer.scenario import APPLIED_ON, FIRM_COLUMNS, Scenario, request_column

#: File types read as workbooks (through calamine) and as firms CSVs.
WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES: tuple[str, ...] = (".csv",)
#: Document date of every saved workbook, so equal scenarios give equal bytes.
FIXED_TIME = datetime(2024, 1, 1)


# -- parsing (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """A scenario read from a file, and the warnings an officer should see with it.

    ``warnings`` holds :class:`~inputs.errors.InputWarning`: amounts read in
    万元, and pools or requests whose size suggests the wrong unit
    (:func:`inputs.sanity.scenario_warnings`).
    """

    scenario: Scenario
    warnings: tuple[InputWarning, ...] = ()


def parse_scenario(
    sheets: Mapping[str, pd.DataFrame], source: str = "scenario", name: str | None = None
) -> Scenario:
    """Build a scenario from the raw ``firms`` and ``policy`` sheets.

    Parameters
    ----------
    sheets
        Sheet name → cells read with ``header=None`` (the first row is the header).
        Sheet names may be ``firms``/``企业`` and ``policy``/``政策``, in any case;
        two sheets that could both be one of them are an error.
    source
        The file name, used in errors.
    name
        The scenario's name; by default the stem of ``source``.

    Raises
    ------
    InputError
        For a missing or ambiguous sheet, a bad policy row or a bad firms cell (see
        :func:`inputs.policies.parse_policy_sheet` and :func:`inputs.firms.parse_firms_sheet`).
    """
    return parse_scenario_checked(sheets, source, name).scenario


def parse_scenario_checked(
    sheets: Mapping[str, pd.DataFrame],
    source: str = "scenario",
    name: str | None = None,
    scan: WorkbookScan | None = None,
) -> Loaded:
    """:func:`parse_scenario`, with the warnings; ``scan`` names formula and error cells."""
    located = locate_sheets(list(sheets), source)
    policy = parse_policy_sheet(sheets[located["policy"]], file=source)
    firms_sheet = located["firms"]
    parsed = read_firms_sheet(sheets[firms_sheet], policy.programs, file=source,
                              unreadable=(lambda: scan.unreadable(firms_sheet)) if scan else None)
    scenario = Scenario(parsed.firms, policy, name or Path(source).stem)
    return Loaded(scenario, (*parsed.warnings, *scenario_warnings(scenario, file=source)))


def locate_sheets(names: list[str], source: str) -> dict[str, str]:
    """The actual names of the ``policy`` and ``firms`` sheets among ``names``.

    Raises
    ------
    InputError
        ``input.sheet.missing`` (naming the sheets found) or ``input.sheet.ambiguous``.
    """
    located = {}
    for canonical in ("policy", "firms"):
        actual = find_sheet(names, canonical, file=source)
        if actual is None:
            raise InputError("input.sheet.missing", file=source, sheet=canonical,
                             found=", ".join(names) or "-")
        located[canonical] = actual
    return located


def parse_firms_csv_text(
    text: str,
    source: str = "firms.csv",
    name: str | None = None,
    policy: Policy | None = None,
) -> Scenario:
    """Build a scenario from the text of a firms CSV, under ``policy`` (default: Shenzhen).

    Errors name the sheet ``firms``; rows are CSV records, the header being row 1.
    """
    return parse_firms_csv_checked(text, source, name, policy).scenario


def parse_firms_csv_checked(
    text: str,
    source: str = "firms.csv",
    name: str | None = None,
    policy: Policy | None = None,
) -> Loaded:
    """:func:`parse_firms_csv_text`, with the warnings."""
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", "\t", ";") if d in first_line), ",")
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        message = " ".join(str(err).split()) or "no data"
        raise InputError("input.file.csv_unreadable", file=source, detail=message) from None
    check_table_size(raw.shape, source, "firms")
    policy = policy or default_policy()
    parsed = read_firms_sheet(raw, policy.programs, file=source)
    scenario = Scenario(parsed.firms, policy, name or Path(source).stem)
    return Loaded(scenario, (*parsed.warnings, *scenario_warnings(scenario, file=source)))


def check_table_size(shape: tuple[int, int], source: str, sheet: str) -> None:
    """Refuse a table of more than :data:`~inputs.guard.MAX_ROWS` rows,
    :data:`~inputs.guard.MAX_COLUMNS` columns or :data:`~inputs.guard.MAX_CELLS` cells."""
    rows, columns = shape
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise InputError("input.guard.table", file=source, sheet=sheet, rows=f"{rows:,}",
                         columns=f"{columns:,}", limit_rows=f"{MAX_ROWS:,}",
                         limit_columns=f"{MAX_COLUMNS}", limit_cells=f"{MAX_CELLS:,}")


def decode_csv(data: bytes, source: str = "firms.csv") -> str:
    """CSV bytes as text (see :func:`inputs.encodings.decode_text`)."""
    check_size(len(data), source)
    return decode_text(data, source)


# -- loading ------------------------------------------------------------------------


def read_scenario(data: bytes, filename: str) -> Scenario:
    """Parse the bytes of an uploaded workbook or CSV named ``filename``.

    Raises
    ------
    InputError
        For an unsupported file type, a file over a limit, an unreadable
        file, or invalid content.
    """
    return read_scenario_checked(data, filename).scenario


def read_scenario_checked(data: bytes, filename: str) -> Loaded:
    """:func:`read_scenario`, with the warnings the officer should see."""
    suffix = Path(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return parse_firms_csv_checked(decode_csv(data, filename), filename)
    if suffix not in WORKBOOK_SUFFIXES:
        allowed = ", ".join((*WORKBOOK_SUFFIXES, *CSV_SUFFIXES))
        raise InputError("input.file.type", file=filename, suffix=repr(suffix or "(none)"),
                         allowed=allowed)
    scan = guard_workbook(data, filename)
    sheets = read_sheets(data, filename)
    return parse_scenario_checked(sheets, source=filename, scan=scan)


def read_sheets(data: bytes, filename: str) -> dict[str, pd.DataFrame]:
    """The raw cells of the ``policy`` and ``firms`` sheets (guarded bytes only).

    Other sheets are not read. Position ``(i, j)`` is cell row ``i + 1``, column ``j + 1``.
    """
    return read_workbook_sheets(data, filename,
                                lambda names: list(locate_sheets(names, filename).values()))


#: How calamine words a cell address that is not letters then digits (``r="B&#53;"``).
_BAD_ADDRESS = "Expecting alphanumeric character"
#: How calamine words a file that is no workbook it knows (text, an image, a PDF).
_NOT_A_WORKBOOK = "Cannot detect file format"


def read_workbook_sheets(data: bytes, filename: str,
                         pick: Callable[[list[str]], list[str]]) -> dict[str, pd.DataFrame]:
    """The raw cells of the sheets ``pick`` chooses among the workbook's sheet names
    (bytes already passed by :func:`inputs.guard.guard_workbook`); each is size-checked."""
    reading: str | None = None  # the sheet being read, to name in a message
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        sheets = {}
        for name in pick(names):
            reading = name
            sheet = book.get_sheet_by_name(name)
            end = sheet.end  # checked before any Python object is made (.xls has no zip)
            if end is not None:
                check_table_size((end[0] + 1, end[1] + 1), filename, name)
            rows = sheet.to_python(skip_empty_area=False)
            frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
            check_table_size(frame.shape, filename, name)
            sheets[name] = frame
        return sheets
    except InputError:
        raise
    except PasswordError:
        raise InputError("input.file.encrypted", file=filename) from None
    except WorksheetNotFound:  # listed in the workbook, its part missing from the zip
        raise InputError("input.file.sheet_missing", file=filename, sheet=reading) from None
    except ZipError:  # e.g. a zip whose first header is broken, which the guard cannot open
        raise InputError("input.file.damaged", file=filename) from None
    except XmlError:  # calamine names only the element it stopped in ('t', 'worksheet')
        if reading is None:  # the workbook's own parts: shared strings, styles
            raise InputError("input.file.damaged", file=filename) from None
        raise InputError("input.file.sheet_damaged", file=filename, sheet=reading) from None
    except Exception as err:  # calamine raises its own types for corrupt files
        message = " ".join(str(err).split())[:200] or type(err).__name__
        if "password" in message.lower() or "encrypt" in message.lower():
            raise InputError("input.file.encrypted", file=filename) from None
        if message.startswith(_NOT_A_WORKBOOK):
            raise InputError("input.file.not_workbook", file=filename) from None
        if message.startswith(_BAD_ADDRESS) and reading is not None:
            raise InputError("input.file.bad_address", file=filename, sheet=reading) from None
        raise InputError("input.file.workbook_unreadable", file=filename,
                         detail=message) from None


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario workbook (.xlsx) or firms CSV from disk; its name is the file stem.

    ``store:NAME`` and ``store:NAME@N`` load a version from the scenario store
    instead (named ``NAME@N``; see :mod:`inputs.store`).

    Raises
    ------
    InputError
        Naming the file when it is missing, unreadable, of the wrong type or invalid
        (a :class:`~inputs.store.StoreError` for an unknown store name or version).
    """
    return load_scenario_checked(path).scenario


def load_scenario_checked(path: str | Path) -> Loaded:
    """:func:`load_scenario`, with the warnings the officer should see."""
    if str(path).startswith("store:"):
        from inputs.store import load_ref

        scenario = load_ref(path)
        return Loaded(scenario, scenario_warnings(scenario))
    path = Path(path)
    return read_scenario_checked(read_input_file(path), path.name)


def read_input_file(path: str | Path) -> bytes:
    """The bytes of an input file, its size checked before it is read.

    Raises
    ------
    InputError
        ``input.file.missing``, ``input.file.unreadable`` (a folder, no permission)
        or ``input.guard.file_size``.
    """
    path = Path(path)
    try:
        check_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("input.file.missing", file=path.name, path=str(path)) from None
    except IsADirectoryError:
        raise InputError("input.file.unreadable", file=path.name,
                         detail=f"{path} is a folder") from None
    except OSError as err:
        raise InputError("input.file.unreadable", file=path.name,
                         detail=str(err.strerror or err)) from None


# -- writing ------------------------------------------------------------------------


def write_scenario(scenario: Scenario) -> bytes:
    """The scenario as .xlsx bytes (sheets ``firms`` and ``policy``); loads back equal.

    Equal scenarios give equal bytes: zip entry times and document dates are
    fixed. The firms rows are streamed (see :mod:`inputs.xlsx_stream`), so
    100,000 firms take a second or two.
    """
    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    return save(workbook, add_scenario_sheets(workbook, scenario))


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write the scenario to ``path`` as .xlsx."""
    Path(path).write_bytes(write_scenario(scenario))


def write_template(policy: Policy | None = None) -> bytes:
    """A blank scenario workbook: the firms header (with Chinese notes), no firm rows,
    and the policy sheet holding ``policy`` (default: Shenzhen) with notes.

    Loading it as it is fails with "has no firm rows", as it should.
    """
    policy = policy or default_policy()
    columns = [*FIRM_COLUMNS, APPLIED_ON, *(request_column(p) for p in policy.programs)]
    firms = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return write_scenario(Scenario(firms, policy, "template"))
