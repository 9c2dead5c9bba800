"""Errors that say where: file, sheet, row, column and cell of a bad input.

The command line prints ``str(err)`` and exits 2; the app shows the same line
next to the table, or uses :meth:`InputError.to_dict` to highlight the cell.
"""

from __future__ import annotations

from typing import Any


def column_letter(position: int) -> str:
    """The spreadsheet letters of a 0-based column position (0 → "A", 27 → "AB")."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class InputError(Exception):
    """A scenario file, sheet, row or cell that cannot be used, and why.

    Parameters
    ----------
    message
        What is wrong, in plain words (one line).
    file
        The file name as the user knows it, e.g. ``"shenzhen.xlsx"``.
    sheet
        The sheet, e.g. ``"firms"`` or ``"policy"``.
    row
        The spreadsheet row number, 1-based; the header is row 1.
    column
        The canonical column name, e.g. ``"training_request"``.
    cell
        The cell reference such as ``"F18"``, when the column's position is known.

    Examples
    --------
    >>> str(InputError("must be ≥ 0, got -5000", file="sz.xlsx", sheet="firms",
    ...                row=18, column="training_request", cell="F18"))
    'sz.xlsx: firms!F18 training_request: must be ≥ 0, got -5000'
    >>> str(InputError("is missing", file="x.xlsx", sheet="policy"))
    "x.xlsx: sheet 'policy' is missing"
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.message = " ".join(str(message).split())
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.cell = cell
        super().__init__(self.message)

    def with_file(self, file: str) -> InputError:
        """The same error, naming ``file``."""
        return InputError(
            self.message,
            file=file,
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            cell=self.cell,
        )

    @property
    def location(self) -> str:
        """Where, without the file: ``"firms!F18 training_request"``, or ``""``."""
        if self.sheet and self.cell:
            where = f"{self.sheet}!{self.cell}"
        elif self.sheet and self.row is not None:
            where = f"{self.sheet} row {self.row}"
        elif self.sheet:
            where = f"sheet '{self.sheet}'"
        elif self.cell:
            where = self.cell
        elif self.row is not None:
            where = f"row {self.row}"
        else:
            where = ""
        return " ".join(part for part in (where, self.column or "") if part)

    def __str__(self) -> str:
        where = self.location
        if self.sheet and not (self.cell or self.row is not None or self.column):
            text = f"{where} {self.message}"  # "sheet 'policy' is missing"
        elif where:
            text = f"{where}: {self.message}"
        else:
            text = self.message
        return f"{self.file}: {text}" if self.file else text

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (self.file, self.sheet, self.row, self.column, self.cell)
        return (_rebuild, (self.message, *fields))

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-ready fields, plus ``text`` (the one-line ``str``)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "message": self.message,
            "text": str(self),
        }


def _rebuild(
    message: str,
    file: str | None,
    sheet: str | None,
    row: int | None,
    column: str | None,
    cell: str | None,
) -> InputError:
    return InputError(message, file=file, sheet=sheet, row=row, column=column, cell=cell)
