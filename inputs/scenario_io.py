"""Load, parse and write scenario workbooks and firms CSVs.

The parsers are pure: :func:`parse_scenario` takes the raw sheets as
DataFrames and :func:`parse_firms_csv_text` takes text. :func:`load_scenario`
and :func:`read_scenario` only read bytes and hand them over; the writers
build a workbook in memory with :func:`inputs.scenario_sheets.add_scenario_sheets`
and save it with :func:`inputs.xlsx_stream.save`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from inputs.columns import find_sheet, normalise_header, policy_header_aliases
from inputs.errors import InputError, column_letter
from inputs.firms import parse_firms_sheet
from inputs.policies import default_policy
from inputs.scenario_sheets import add_scenario_sheets
from inputs.xlsx_stream import save
from optimizer.policy import Policy, PolicyError
from optimizer.scenario import APPLIED_ON, FIRM_COLUMNS, Scenario, request_column

#: File types read as workbooks (through calamine) and as firms CSVs.
WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES: tuple[str, ...] = (".csv",)
#: Document date of every saved workbook, so equal scenarios give equal bytes.
FIXED_TIME = datetime(2024, 1, 1)


# -- parsing (pure) -----------------------------------------------------------------


def parse_scenario(
    sheets: Mapping[str, pd.DataFrame], source: str = "scenario", name: str | None = None
) -> Scenario:
    """Build a scenario from the raw ``firms`` and ``policy`` sheets.

    Parameters
    ----------
    sheets
        Sheet name → cells read with ``header=None`` (the first row is the header).
        Sheet names may be ``firms``/``企业`` and ``policy``/``政策``, in any case.
    source
        The file name, used in errors.
    name
        The scenario's name; by default the stem of ``source``.

    Raises
    ------
    InputError
        For a missing sheet, a bad policy row or a bad firms cell (see
        :func:`parse_policy_sheet` and :func:`inputs.firms.parse_firms_sheet`).
    """
    located = {}
    for canonical in ("policy", "firms"):
        actual = find_sheet(sheets, canonical)
        if actual is None:
            raise InputError("is missing", file=source, sheet=canonical)
        located[canonical] = sheets[actual]
    policy = parse_policy_sheet(located["policy"], file=source)
    firms = parse_firms_sheet(located["firms"], policy.programs, file=source)
    return Scenario(firms, policy, name or Path(source).stem)


def parse_policy_sheet(raw: pd.DataFrame, *, file: str | None = None) -> Policy:
    """Parse a ``policy`` sheet of ``key``/``value`` rows (a ``note`` column is ignored).

    Raises
    ------
    InputError
        With the row of the key at fault and the column ``value`` (or ``key``
        for an unknown, repeated or misplaced key); a key that is missing
        altogether is reported against the sheet.
    """
    sheet = "policy"
    aliases = policy_header_aliases()
    header = raw.iloc[0].tolist() if raw.shape[0] else []
    positions = {aliases[h]: j for j, h in enumerate(map(normalise_header, header)) if h in aliases}
    if "key" not in positions or "value" not in positions:
        raise InputError(
            "needs a header row with the columns key (键) and value (值)",
            file=file, sheet=sheet, row=1,
        )  # fmt: skip
    letters = {c: column_letter(positions[c]) for c in ("key", "value")}
    items: list[tuple[str, Any]] = []
    rows: list[int] = []
    for i in range(1, raw.shape[0]):
        key, value = (_cell(raw.iat[i, positions[c]]) for c in ("key", "value"))
        if key == "" and value == "":
            continue
        if key == "":
            raise InputError(
                "is blank but the row has a value", file=file, sheet=sheet,
                row=i + 1, column="key", cell=f"{letters['key']}{i + 1}",
            )  # fmt: skip
        items.append((str(key).strip(), value))
        rows.append(i + 1)
    try:
        return Policy.from_items(items)
    except PolicyError as err:
        found = [row for (key, _), row in zip(items, rows, strict=True) if key == err.key]
        if not found:
            raise InputError(f"{err.key}: {err.message}", file=file, sheet=sheet) from None
        repeated = err.message == "appears twice"
        about_key = repeated or err.message.startswith("unknown") or "has no budget." in err.message
        column = "key" if about_key else "value"
        row = found[1] if repeated and len(found) > 1 else found[0]
        raise InputError(
            f"{err.key}: {err.message}", file=file, sheet=sheet,
            row=row, column=column, cell=f"{letters[column]}{row}",
        ) from None  # fmt: skip


def parse_firms_csv_text(
    text: str,
    source: str = "firms.csv",
    name: str | None = None,
    policy: Policy | None = None,
) -> Scenario:
    """Build a scenario from the text of a firms CSV, under ``policy`` (default: Shenzhen).

    Errors name the sheet ``firms``; rows are CSV records, the header being row 1.
    """
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
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        message = " ".join(str(err).split()) or "no data"
        raise InputError(f"cannot read the CSV: {message}", file=source) from None
    policy = policy or default_policy()
    firms = parse_firms_sheet(raw, policy.programs, file=source)
    return Scenario(firms, policy, name or Path(source).stem)


def decode_csv(data: bytes, source: str = "firms.csv") -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("is neither UTF-8 nor GB18030 text", file=source)


def _cell(value: Any) -> Any:
    """A policy cell: "" for empty, stripped text, numbers as they are."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value.strip() if isinstance(value, str) else value


# -- loading ------------------------------------------------------------------------


def read_scenario(data: bytes, filename: str) -> Scenario:
    """Parse the bytes of an uploaded workbook or CSV named ``filename``.

    Raises
    ------
    InputError
        For an unsupported file type, an unreadable file, or invalid content.
    """
    suffix = Path(filename).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return parse_firms_csv_text(decode_csv(data, filename), filename)
    if suffix not in WORKBOOK_SUFFIXES:
        allowed = ", ".join((*WORKBOOK_SUFFIXES, *CSV_SUFFIXES))
        raise InputError(f"unsupported file type {suffix or '(none)'!r} (use {allowed})",
                         file=filename)  # fmt: skip
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, engine="calamine")
    except Exception as err:  # calamine raises its own types for corrupt files
        message = " ".join(str(err).split())[:200] or type(err).__name__
        raise InputError(f"cannot read the workbook: {message}", file=filename) from None
    return parse_scenario(sheets, source=filename)


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
    if str(path).startswith("store:"):
        from inputs.store import load_ref

        return load_ref(path)
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file ({path})", file=path.name) from None
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}", file=path.name) from None
    return read_scenario(data, path.name)


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
