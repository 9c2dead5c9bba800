"""Parse and validate the firms table.

:func:`parse_firms_sheet` takes the raw cells of a ``firms`` sheet (read with
``header=None``: the first row is the header) and returns the canonical,
typed table that :class:`optimizer.scenario.Scenario` expects. Each column is
read by one typed cell parser (:mod:`inputs.cells`; ids by :mod:`inputs.ids`);
the first bad cell in reading order (row, then column) becomes one
:class:`~inputs.errors.InputError`. An amount column (a request, or an override
amount ``fixed.P``/``min.P``/``max.P``) whose header says ``（万元）`` is
multiplied by 10,000 and a warning says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from inputs.cells import (
    Cells,
    Problem,
    amount_cell,
    column_cells,
    date_cell,
    kept_rows,
    label_cell,
    show,
    text_cell,
)
from inputs.columns import (
    REQUIRED_COLUMNS,
    SIZE_CLASS_LABELS,
    SIZE_CLASSES_SHOWN,
    YES_NO_LABELS,
    both_names,
    closest_header,
    firm_columns,
    map_header,
)
from inputs.errors import InputError, InputWarning, column_letter
from inputs.guard import Unreadable
from inputs.ids import firm_id, id_key
from optimizer.overrides import EXCLUDE, KINDS, NOTE, override_column
from optimizer.scenario import APPLIED_ON, request_column
from optimizer.units import WAN


@dataclass(frozen=True)
class _Problem:
    """The first bad cell of one column: its position in the table and what is wrong."""

    position: int
    column: str
    problem: Problem


@dataclass(frozen=True)
class _Where:
    """Maps table positions to sheet rows and columns to sheet letters."""

    rows: np.ndarray
    letters: Mapping[str, str]
    order: Mapping[str, int]
    file: str | None
    sheet: str | None

    def error(self, found: _Problem) -> InputError:
        row = int(self.rows[found.position])
        letter = self.letters.get(found.column)
        return InputError(found.problem.code, file=self.file, sheet=self.sheet, row=row,
                          column=found.column, cell=f"{letter}{row}" if letter else None,
                          **found.problem.fields)


class _BlankCell:
    """Marks a blank cell while a column is read."""


_Blank = _BlankCell()


@dataclass(frozen=True)
class ParsedFirms:
    """The typed firms table and the warnings met while reading it."""

    firms: pd.DataFrame
    warnings: tuple[InputWarning, ...] = ()


def parse_firms_sheet(
    raw: pd.DataFrame,
    programs: Sequence[str],
    *,
    file: str | None = None,
    sheet: str = "firms",
    unreadable: Callable[[], Mapping[str, Unreadable]] | None = None,
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
    unreadable
        Gives, by reference, the cells read as blank that hold a formula with
        no saved value or an error value (see :class:`inputs.guard.WorkbookScan`);
        called only when the sheet has blank cells.

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
    return read_firms_sheet(raw, programs, file=file, sheet=sheet, unreadable=unreadable).firms


def read_firms_sheet(
    raw: pd.DataFrame,
    programs: Sequence[str],
    *,
    file: str | None = None,
    sheet: str = "firms",
    unreadable: Callable[[], Mapping[str, Unreadable]] | None = None,
) -> ParsedFirms:
    """:func:`parse_firms_sheet`, with the warnings (a request column in 万元)."""
    if raw.shape[0] == 0 or raw.shape[1] == 0:
        raise InputError("input.sheet.empty", file=file, sheet=sheet)
    header = map_header(raw.iloc[0].tolist(), programs, file=file, sheet=sheet)
    body = raw.iloc[1:].reset_index(drop=True)
    filled = np.zeros(len(body), dtype=bool)
    prepared = [column_cells(body.iloc[:, j].tolist()) for j in range(body.shape[1])]
    for _, blank, _ in prepared:
        filled |= ~blank
    some_blank = any(bool(blank[filled].any()) for _, blank, _ in prepared)
    hidden = unreadable() if unreadable and some_blank else {}
    if hidden:  # a row whose only cell is a formula with no value is still a row
        for ref in hidden:
            digits = "".join(ch for ch in ref if ch.isdigit())
            if digits and 2 <= int(digits) <= len(body) + 1:
                filled[int(digits) - 2] = True
    if not filled.any():
        raise InputError("input.sheet.no_rows", file=file, sheet=sheet)
    positions = header.positions
    kept = np.flatnonzero(filled)
    table = {column: kept_rows(prepared[j], kept) for column, j in positions.items()}
    rows = np.flatnonzero(filled) + 2  # header is row 1
    where = _Where(rows=rows, letters={c: column_letter(j) for c, j in positions.items()},
                   order=positions, file=file, sheet=sheet)
    firms = _validate(table, where, programs, hidden, header.wan)
    warnings = tuple(
        InputWarning("input.warn.wan_column", file=file, sheet=sheet, row=1, column=column,
                     cell=f"{column_letter(positions[column])}1", header=header.found[column])
        for column in header.wan)
    return ParsedFirms(firms, warnings)


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
        requests float, ``basic_research`` bool, ``applied_on`` datetime64[ns];
        then the override columns given (``fixed.P``/``min.P``/``max.P`` float,
        NaN when blank; ``exclude`` bool; ``note`` str, "" when blank).
    """
    missing = _missing_columns(table, programs, sheet)
    if missing:
        raise missing[0]
    return _validate(*_in_order(table, programs, file, sheet), programs, {}, frozenset())


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
    _, problems = _check(ordered, programs, where, {}, frozenset())
    return [where.error(p) for p in problems]


def _missing_columns(table: pd.DataFrame, programs: Sequence[str],
                     sheet: str | None) -> list[InputError]:
    required = (*REQUIRED_COLUMNS, *(request_column(p) for p in programs))
    found = [str(c) for c in table.columns]
    return [InputError("input.header.missing", sheet=sheet, column=c, wanted=both_names(c),
                       found=", ".join(found) or "-", closest=closest_header(c, found))
            for c in required if c not in table.columns]


def _in_order(table: pd.DataFrame, programs: Sequence[str], file: str | None,
              sheet: str | None) -> tuple[pd.DataFrame, _Where]:
    """The table's known columns in sheet order, and where its rows are (row i: sheet row i+2)."""
    table = table.reset_index(drop=True)
    expected = firm_columns(programs)
    order = {c: i for i, c in enumerate(c for c in expected if c in table.columns)}
    where = _Where(np.arange(len(table)) + 2, {}, order, file, sheet)
    return table[list(order)].astype(object), where


# -- cells --------------------------------------------------------------------------


class _Column:
    """Reads one column cell by cell (each distinct value once) and keeps its first problem."""

    def __init__(self, table: Mapping[str, Any] | pd.DataFrame, column: str, required: bool,
                 where: _Where, unreadable: Mapping[str, Unreadable]) -> None:
        self.column = column
        given = table[column]
        cells: Cells = column_cells(given.tolist()) if isinstance(given, pd.Series) else given
        self.values, self.blank, self.types = cells
        self.problem: _Problem | None = None
        letter = where.letters.get(column)
        if letter and unreadable and self.blank.any():
            for position in np.flatnonzero(self.blank):
                found = unreadable.get(f"{letter}{int(where.rows[position])}")
                if found is not None:
                    code = "input.cell.formula" if found.kind == "formula" else "input.cell.error"
                    self.flag(int(position), Problem(code, {"got": found.detail}))
                    break
        if required:
            blank = np.flatnonzero(self.blank)
            if blank.size:
                self.flag(int(blank[0]), Problem("input.blank.required"))

    def flag(self, position: int, problem: Problem) -> None:
        """Record ``problem`` at ``position`` if it comes before the problem so far."""
        if self.problem is None or position < self.problem.position:
            self.problem = _Problem(position, self.column, problem)

    def read(self, parse: Callable[[Any], Any], empty: Any) -> list[Any]:
        """Each cell parsed (``empty`` when blank); the first failure is flagged.

        Each distinct value is parsed once; values are told apart by type too
        (``True``, ``1`` and ``1.0`` are equal keys in a dict).
        """
        one_type = len(self.types) == 1
        keys = self.values if one_type else [(type(v), v) for v in self.values]
        try:
            distinct = dict.fromkeys(keys)
        except TypeError:  # an unhashable cell value: parse cell by cell
            keys = list(range(len(keys)))
            distinct = dict.fromkeys(keys)
        for position, key in enumerate(keys):
            if distinct[key] is None:
                value = self.values[position]
                distinct[key] = _Blank if self.blank[position] else parse(value)
        out = [distinct[k] for k in keys]
        bad = [i for i, v in enumerate(out) if v is _Blank or isinstance(v, Problem)]
        for position in bad:
            problem = out[position]
            if isinstance(problem, Problem):
                self.flag(position, problem)
                break
        for position in bad:
            out[position] = empty
        return out

    def numbers(self, low: float, high: float = np.inf, scale: float = 1.0) -> np.ndarray:
        if self.types <= {float, int}:
            values = np.asarray(self.values, dtype=float)  # the fast path: a numeric column
            bad = ~np.isfinite(values) & ~self.blank  # NaN is a blank cell, flagged if required
            if bad.any():
                position = int(np.flatnonzero(bad)[0])
                self.flag(position, Problem("input.number.not_finite",
                                            {"got": show(self.values[position])}))
        else:
            values = np.asarray(self.read(amount_cell, np.nan), dtype=float)
        values = values * scale
        out_of_range = np.isfinite(values) & ((values < low) | (values > high))
        if out_of_range.any():
            position = int(np.flatnonzero(out_of_range)[0])
            if high < np.inf:
                problem = Problem("input.number.range", {"low": f"{low:g}", "high": f"{high:g}",
                                                         "got": show(self.values[position])})
            else:
                problem = Problem("input.number.min",
                                  {"low": f"{low:g}", "got": show(self.values[position])})
            self.flag(position, problem)
        return values

    def texts(self) -> list[Any]:
        return self.read(text_cell, None)

    def labels(self, mapping: Mapping[str, Any], allowed: str) -> list[Any]:
        return self.read(lambda v: label_cell(v, dict(mapping), allowed), None)

    def dates(self) -> pd.Series:
        return pd.Series(self.read(date_cell, pd.NaT), dtype="datetime64[ns]")


def _validate(table: Mapping[str, Any] | pd.DataFrame, where: _Where, programs: Sequence[str],
              unreadable: Mapping[str, Unreadable], wan: frozenset[str]) -> pd.DataFrame:
    out, problems = _check(table, programs, where, unreadable, wan)
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


def _check(table: Mapping[str, Any] | pd.DataFrame, programs: Sequence[str], where: _Where,
           unreadable: Mapping[str, Unreadable],
           wan: frozenset[str]) -> tuple[dict[str, Any], list[_Problem]]:
    """The typed columns, and the first bad cell of each column in reading order."""
    required = {*REQUIRED_COLUMNS, *(request_column(p) for p in programs)}
    checks = {str(c): _Column(table, str(c), str(c) in required, where, unreadable)
              for c in table}
    out: dict[str, Any] = {}

    ids = checks["firm_id"].read(firm_id, None)
    _flag_repeated_ids(checks["firm_id"], ids, where)
    out["firm_id"] = ids
    rows = len(where.rows)
    out["name"] = ([t or "" for t in checks["name"].texts()] if "name" in checks
                   else [""] * rows)
    out["size_class"] = checks["size_class"].labels(SIZE_CLASS_LABELS, SIZE_CLASSES_SHOWN)
    out["district"] = checks["district"].texts()
    out["score"] = checks["score"].numbers(0, 100)
    if "basic_research" in checks:
        flags = checks["basic_research"].labels(YES_NO_LABELS, "yes or no (是/否)")
        out["basic_research"] = [bool(f) for f in flags]
    else:
        out["basic_research"] = [False] * rows
    if APPLIED_ON in checks:
        out[APPLIED_ON] = checks[APPLIED_ON].dates()
    for program in programs:
        column = request_column(program)
        out[column] = checks[column].numbers(0, scale=WAN if column in wan else 1.0)
    _check_overrides(checks, out, programs, wan)

    problems = [c.problem for c in checks.values() if c.problem is not None]
    problems.sort(key=lambda p: (p.position, where.order.get(p.column, 0)))
    return out, problems


def _flag_repeated_ids(check: _Column, ids: list[Any], where: _Where) -> None:
    """Flag the first id whose key (see :func:`inputs.ids.id_key`) an earlier row holds."""
    first: dict[str, int] = {}
    for position, normal in enumerate(ids):
        if normal is None:
            continue
        key = id_key(normal)
        earlier = first.setdefault(key, position)
        if earlier != position:
            row = int(where.rows[earlier])
            same = ids[earlier] == normal
            code = "input.id.duplicate" if same else "input.id.same_key"
            check.flag(position, Problem(code, {"got": show(check.values[position]),
                                                "first": show(check.values[earlier]),
                                                "first_row": str(row), "id_key": key}))
            return


def _check_overrides(checks: Mapping[str, _Column], out: dict[str, Any],
                     programs: Sequence[str], wan: frozenset[str]) -> None:
    """The optional override columns, read by the same cell parser as the rest.

    Amounts (``fixed.P``, ``min.P``, ``max.P``) like requests: ≥ 0, ``¥``/``元``/
    thousands separators/full-width digits accepted, ambiguous numbers refused,
    a ``（万元）`` header scaled (blank: no override); ``exclude`` yes/no (blank:
    no); ``note`` text, trimmed like names ("" when blank). Only columns present
    in the sheet come out, so a table without them is exactly as before.
    Whether the overrides fit the rules is the optimizer's pre-check
    (:mod:`optimizer.override_diagnosis`), not a cell error.
    """
    for kind in KINDS:
        for program in programs:
            column = override_column(kind, program)
            if column in checks:
                out[column] = checks[column].numbers(0, scale=WAN if column in wan else 1.0)
    if EXCLUDE in checks:
        out[EXCLUDE] = [bool(f) for f in checks[EXCLUDE].labels(YES_NO_LABELS,
                                                               "yes or no (是/否)")]
    if NOTE in checks:
        out[NOTE] = [t or "" for t in checks[NOTE].texts()]
