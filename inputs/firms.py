"""Parse and validate the firms table.

:func:`parse_firms_sheet` takes the raw cells of a ``firms`` sheet (read with
``header=None``: the first row is the header) and returns the canonical,
typed table that :class:`optimizer.scenario.Scenario` expects. Every check is
a pandas mask over a whole column; the first bad cell in reading order (row,
then column) becomes one :class:`~inputs.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from inputs.columns import (
    REQUIRED_COLUMNS,
    SIZE_CLASS_LABELS,
    SIZE_CLASSES_SHOWN,
    YES_NO_LABELS,
    both_names,
    firm_columns,
    firm_header_aliases,
    normalise_header,
)
from inputs.errors import InputError, column_letter
from optimizer.overrides import EXCLUDE, KINDS, NOTE, override_column
from optimizer.scenario import APPLIED_ON, request_column

_TEXT_KINDS = {"string", "mixed", "mixed-integer", "empty"}
_NUMBER_NOISE = r"[,，\s¥￥]"  # thousands separators, spaces and currency signs


@dataclass(frozen=True)
class _Problem:
    """The first bad cell of one column: its position in the table and what is wrong."""

    position: int
    column: str
    message: str


@dataclass(frozen=True)
class _Where:
    """Maps table positions to sheet rows and columns to sheet letters."""

    rows: np.ndarray
    letters: Mapping[str, str]
    order: Mapping[str, int]
    file: str | None
    sheet: str | None

    def error(self, problem: _Problem) -> InputError:
        row = int(self.rows[problem.position])
        letter = self.letters.get(problem.column)
        return InputError(
            problem.message,
            file=self.file,
            sheet=self.sheet,
            row=row,
            column=problem.column,
            cell=f"{letter}{row}" if letter else None,
        )


def parse_firms_sheet(
    raw: pd.DataFrame,
    programs: Sequence[str],
    *,
    file: str | None = None,
    sheet: str = "firms",
) -> pd.DataFrame:
    """Parse the raw cells of a firms sheet into the canonical firms table.

    Parameters
    ----------
    raw
        The sheet as read with ``header=None``; row 0 is the header, and
        position ``i`` is spreadsheet row ``i + 1``.
    programs
        The policy's programs; each needs a ``{program}_request`` column.
    file, sheet
        Named in errors.

    Returns
    -------
    pandas.DataFrame
        See :func:`validate_firms`.

    Raises
    ------
    InputError
        For the first problem found: a missing or repeated column, no firm
        rows, or the first bad cell.
    """
    if raw.shape[0] == 0 or raw.shape[1] == 0:
        raise InputError("is empty (it needs a header row)", file=file, sheet=sheet)
    positions = _map_header(raw.iloc[0].tolist(), programs, file, sheet)
    body = raw.iloc[1:].reset_index(drop=True).infer_objects()
    blank = pd.concat([_blank(body.iloc[:, j]) for j in range(body.shape[1])], axis=1)
    filled = ~blank.all(axis=1).to_numpy()
    if not filled.any():
        raise InputError("has no firm rows", file=file, sheet=sheet)
    table = pd.DataFrame(
        {column: body.iloc[filled, j].reset_index(drop=True) for column, j in positions.items()}
    )
    rows = np.flatnonzero(filled) + 2  # header is row 1
    where = _Where(
        rows=rows,
        letters={c: column_letter(j) for c, j in positions.items()},
        order=positions,
        file=file,
        sheet=sheet,
    )
    return _validate(table, where, programs)


def validate_firms(
    table: pd.DataFrame,
    programs: Sequence[str],
    *,
    file: str | None = None,
    sheet: str | None = "firms",
) -> pd.DataFrame:
    """Check and type a firms table that already has canonical column names.

    Row ``i`` of ``table`` is reported as sheet row ``i + 2`` (below a header).

    Returns
    -------
    pandas.DataFrame
        Columns ``FIRM_COLUMNS``, then ``applied_on`` if given, then one
        ``{program}_request`` per program; ``firm_id``, ``name`` and ``district``
        str (``name`` "" when blank), ``size_class`` canonical str, ``score`` and
        requests float, ``basic_research`` bool, ``applied_on`` datetime64[ns].
    """
    missing = _missing_columns(table, programs, sheet)
    if missing:
        raise missing[0]
    return _validate(*_in_order(table, programs, file, sheet), programs)


def firms_problems(
    table: pd.DataFrame,
    programs: Sequence[str],
    *,
    file: str | None = None,
    sheet: str | None = "firms",
) -> list[InputError]:
    """Every column's first bad cell, in reading order (empty: the table is valid).

    :func:`validate_firms` raises the first of these; an editor can show them all,
    so that an officer fixes a table in one pass.
    """
    missing = _missing_columns(table, programs, sheet)
    if missing:
        return missing
    ordered, where = _in_order(table, programs, file, sheet)
    _, problems = _check(ordered, programs, where)
    return [where.error(p) for p in problems]


def _missing_columns(table: pd.DataFrame, programs: Sequence[str],
                     sheet: str | None) -> list[InputError]:
    required = (*REQUIRED_COLUMNS, *(request_column(p) for p in programs))
    return [InputError(f"required column {both_names(c)} is missing", sheet=sheet)
            for c in required if c not in table.columns]


def _in_order(table: pd.DataFrame, programs: Sequence[str], file: str | None,
              sheet: str | None) -> tuple[pd.DataFrame, _Where]:
    """The table's known columns in sheet order, and where its rows are (row i: sheet row i+2)."""
    table = table.reset_index(drop=True)
    expected = firm_columns(programs)
    order = {c: i for i, c in enumerate(c for c in expected if c in table.columns)}
    where = _Where(np.arange(len(table)) + 2, {}, order, file, sheet)
    return table[list(order)].astype(object).infer_objects(), where


# -- the header ---------------------------------------------------------------------


def _map_header(
    header: list[Any], programs: Sequence[str], file: str | None, sheet: str
) -> dict[str, int]:
    aliases = firm_header_aliases(programs)
    positions: dict[str, int] = {}
    for j, cell in enumerate(header):
        column = aliases.get(normalise_header(cell))
        if column is None:
            continue  # unknown extra columns are allowed and ignored
        if column in positions:
            first = column_letter(positions[column])
            raise InputError(
                f"column {both_names(column)} is given twice (also in column {first})",
                file=file, sheet=sheet, row=1, column=column, cell=f"{column_letter(j)}1",
            )  # fmt: skip
        positions[column] = j
    for program in programs:
        column = request_column(program)
        if column not in positions:
            raise InputError(
                f"required column {both_names(column)} is missing "
                f"(the policy has budget.{program})",
                file=file, sheet=sheet, row=1, column=column,
            )  # fmt: skip
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            raise InputError(
                f"required column {both_names(column)} is missing",
                file=file, sheet=sheet, row=1, column=column,
            )  # fmt: skip
    return positions


# -- cells --------------------------------------------------------------------------


def _strings(s: pd.Series) -> pd.Series:
    """Stripped text where the cell holds text, NaN elsewhere."""
    if pd.api.types.is_string_dtype(s) and s.dtype != object:
        return s.str.strip().astype(object)
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in _TEXT_KINDS:
        return s.str.strip()
    return pd.Series(np.nan, index=s.index, dtype=object)


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | _strings(s).eq("")


def _is_bool(s: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(s):
        return pd.Series(True, index=s.index)
    if s.dtype != object:
        return pd.Series(False, index=s.index)
    return s.map(type).isin((bool, np.bool_))


def _integral_text(numbers: pd.Series) -> pd.Series:
    """Numbers as text, whole numbers without ``.0`` (Excel's 1001.0 → "1001")."""
    values = numbers.astype(float)
    whole = np.isfinite(values) & (values == np.floor(values)) & (values.abs() < 2**53)
    text = values.astype(str).astype(object)
    text[whole] = values[whole].astype(np.int64).astype(str)
    return text.where(values.notna())


def _as_text(s: pd.Series) -> pd.Series:
    """Each cell as stripped text (NaN for empty cells)."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype(str).astype(object)
    if pd.api.types.is_numeric_dtype(s):
        return _integral_text(s)
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").astype(object)
    text = _strings(s)
    others = s.notna() & text.isna()
    if others.any():
        numeric = others & s.map(type).isin((int, float, np.int64, np.float64))
        text[numeric] = _integral_text(s[numeric])
        rest = others & ~numeric
        text[rest] = s[rest].astype(str)
    return text.where(text.ne(""))


def _show(value: Any) -> str:
    """A cell value as quoted in a message: numbers bare, text quoted."""
    if isinstance(value, bool | np.bool_):
        return repr(bool(value))
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
            return str(int(number))
        return repr(number)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return repr(str(value))
    return repr(str(value).strip())


def _first(mask: pd.Series | np.ndarray) -> int | None:
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(hits[0]) if hits.size else None


class _Column:
    """Checks one column and remembers its first problem (in row order)."""

    def __init__(self, table: pd.DataFrame, column: str, required: bool) -> None:
        self.column = column
        self.raw: pd.Series = table[column]
        self.blank = _blank(self.raw)
        self.problem: _Problem | None = None
        if required:
            self.flag(self.blank, lambda _: "is blank; a value is required")

    def flag(self, mask: pd.Series | np.ndarray, message: Any) -> None:
        """Record the first row of ``mask`` if it comes before the problem so far."""
        position = _first(mask)
        if position is None or (self.problem and self.problem.position <= position):
            return
        self.problem = _Problem(position, self.column, message(self.raw.iloc[position]))

    def text(self) -> pd.Series:
        return _as_text(self.raw)

    def numbers(self, low: float, high: float = math.inf) -> pd.Series:
        raw = self.raw
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            values = raw.astype(float)
        else:
            text = _strings(raw)
            cleaned = text.str.replace(_NUMBER_NOISE, "", regex=True)
            from_text = pd.to_numeric(cleaned.where(cleaned.ne("")), errors="coerce")
            others = raw.where(text.isna() & ~_is_bool(raw))
            from_others = pd.to_numeric(others, errors="coerce")
            values = from_text.where(text.notna(), from_others).astype(float)
        present = ~self.blank
        self.flag(present & values.isna(), lambda v: f"must be a number, got {_show(v)}")
        infinite = present & values.notna() & ~np.isfinite(values.fillna(0))
        self.flag(infinite, lambda v: f"must be a finite number, got {_show(v)}")
        out_of_range = present & np.isfinite(values.fillna(0)) & ((values < low) | (values > high))
        shown = f"between {low:g} and {high:g}" if high < math.inf else f"≥ {low:g}"
        self.flag(out_of_range, lambda v: f"must be {shown}, got {_show(v)}")
        return values

    def labels(self, mapping: Mapping[str, Any], allowed: str) -> pd.Series:
        values = self.text().str.lower().map(mapping)
        bad = ~self.blank & values.isna()
        self.flag(bad, lambda v: f"must be one of {allowed}, got {_show(v)}")
        return values

    def dates(self) -> pd.Series:
        raw = self.raw
        if pd.api.types.is_datetime64_any_dtype(raw):
            values = pd.to_datetime(raw)
        else:
            text = _strings(raw)
            iso = text.str.replace(r"[/.年月]", "-", regex=True).str.replace("日", "")
            from_text = pd.to_datetime(iso, format="ISO8601", errors="coerce")
            stamps = raw.where(text.isna() & raw.map(type).isin((dt.datetime, pd.Timestamp)))
            from_stamps = pd.to_datetime(stamps, errors="coerce")
            values = from_text.where(text.notna(), from_stamps)
        bad = ~self.blank & values.isna()
        self.flag(bad, lambda v: f"must be a date such as 2024-03-15, got {_show(v)}")
        return values.astype("datetime64[ns]")


def _validate(table: pd.DataFrame, where: _Where, programs: Sequence[str]) -> pd.DataFrame:
    out, problems = _check(table, programs, where)
    if problems:
        raise where.error(problems[0])
    firms = pd.DataFrame(out)
    for column in ("firm_id", "name", "size_class", "district"):
        firms[column] = firms[column].astype(str)
    for column in ("score", *(request_column(p) for p in programs)):
        firms[column] = firms[column].astype(float)
    if NOTE in firms.columns:
        firms[NOTE] = firms[NOTE].astype(str)
    return firms


def _check(table: pd.DataFrame, programs: Sequence[str],
           where: _Where) -> tuple[dict[str, pd.Series], list[_Problem]]:
    """The typed columns, and the first bad cell of each column in reading order."""
    required = {*REQUIRED_COLUMNS, *(request_column(p) for p in programs)}
    checks = {c: _Column(table, c, c in required) for c in table.columns}
    out: dict[str, pd.Series] = {}

    ids = checks["firm_id"].text()
    repeated = ids.notna() & ids.duplicated(keep="first")
    position = _first(repeated)
    if position is not None:
        earlier = _first(ids.eq(ids.iloc[position]))
        row = int(where.rows[earlier]) if earlier is not None else None
        checks["firm_id"].flag(repeated, lambda v: f"{_show(v)} is already used in row {row}")
    out["firm_id"] = ids
    out["name"] = checks["name"].text().fillna("") if "name" in checks else _empty(table, "")
    out["size_class"] = checks["size_class"].labels(SIZE_CLASS_LABELS, SIZE_CLASSES_SHOWN)
    out["district"] = checks["district"].text()
    out["score"] = checks["score"].numbers(0, 100)
    if "basic_research" in checks:
        flags = checks["basic_research"].labels(YES_NO_LABELS, "yes or no (是/否)")
        out["basic_research"] = flags.where(flags.notna(), False).astype(bool)
    else:
        out["basic_research"] = _empty(table, False)
    if APPLIED_ON in checks:
        out[APPLIED_ON] = checks[APPLIED_ON].dates()
    for program in programs:
        column = request_column(program)
        out[column] = checks[column].numbers(0)
    _check_overrides(checks, out, programs)

    problems = [c.problem for c in checks.values() if c.problem is not None]
    problems.sort(key=lambda p: (p.position, where.order.get(p.column, 0)))
    return out, problems


def _empty(table: pd.DataFrame, value: Any) -> pd.Series:
    return pd.Series([value] * len(table), index=table.index, dtype=object)


def _check_overrides(checks: Mapping[str, _Column], out: dict[str, pd.Series],
                     programs: Sequence[str]) -> None:
    """The optional override columns: amounts ≥ 0 (blank: none), exclude yes/no, a note.

    Only columns present in the sheet come out, so a table without them is
    exactly as before. Whether the overrides fit the rules is the optimizer's
    pre-check (:mod:`optimizer.override_diagnosis`), not a cell error.
    """
    for kind in KINDS:
        for program in programs:
            column = override_column(kind, program)
            if column in checks:
                out[column] = checks[column].numbers(0)
    if EXCLUDE in checks:
        flags = checks[EXCLUDE].labels(YES_NO_LABELS, "yes or no (是/否)")
        out[EXCLUDE] = flags.where(flags.notna(), False).astype(bool)
    if NOTE in checks:
        out[NOTE] = checks[NOTE].text().fillna("")
