"""Cell styles, number formats, column widths and a small-sheet writer.

Every sheet of the report is write-only (see :mod:`ui.report`), so a
sheet's column widths must be known before its first row. :class:`Grid`
collects the rows of a small sheet as :class:`Out` cells, sizes each column
from what it will show, and then writes the rows in one go.

Two rules hold for every cell written here:

* text is always a text cell, even when it starts with ``=``, ``+``, ``-`` or
  ``@`` (so a hostile firm name can never become a formula);
* a number always carries a number format (no raw floats on screen).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from inputs.xlsx_stream import ILLEGAL
from optimizer.units import WAN as WAN_YUAN  # yuan per 万元

# -- number formats ---------------------------------------------------------------
#: 万元 (yuan / 10,000) with thousands separators and two decimals (¥100 steps).
WAN_AMOUNT = "#,##0.00"
#: Whole numbers: counts, yuan, impact points.
COUNT = "#,##0"
PERCENT = "0.0%"
#: Small shares such as a price of fairness of 0.04%.
PERCENT_FINE = "0.00%"
SCORE = "0.0"
#: Indices and marginal values (Gini, Jain, impact per yuan).
INDEX = "0.000"
#: Signed deltas.
WAN_DELTA = "+#,##0.00;-#,##0.00;0.00"
COUNT_DELTA = "+#,##0;-#,##0;0"
PERCENT_DELTA = "+0.0%;-0.0%;0.0%"
INDEX_DELTA = "+0.000;-0.000;0.000"

# -- fonts and fills ----------------------------------------------------------------
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="BFBFBF")
HEADER_BORDER = Border(bottom=THIN)
#: The workbook's body font (openpyxl's default); CJK text falls back to the system's CJK font.
FONT_NAME = "Calibri"
FONTS: dict[str, Font] = {
    "title": Font(name=FONT_NAME, bold=True, size=14),
    "section": Font(name=FONT_NAME, bold=True, size=12),
    "header": Font(name=FONT_NAME, bold=True),
    "bold": Font(name=FONT_NAME, bold=True),
    "note": Font(name=FONT_NAME, italic=True, color="595959"),
    "warn": Font(name=FONT_NAME, bold=True, color="C00000"),
}
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_ALIGN = Alignment(vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center")
TOP = Alignment(vertical="top")

#: Widest column the content may ask for; longer text is clipped at the cell edge.
MAX_WIDTH = 60.0
MIN_WIDTH = 6.0
#: Width of a column of wrapped sentences.
WRAP_WIDTH = 48.0
#: Widest a header makes its column; longer headers wrap.
HEADER_WIDTH = 18.0
#: Share of a column's width that wrapped text fills on average (fonts differ per program).
WRAP_FILL = 0.85
#: Points per line of wrapped 11-point text.
LINE_HEIGHT = 15.0


def clean_text(value: object) -> str:
    """``value`` as text a workbook can hold (control characters dropped)."""
    return ILLEGAL.sub("", str(value))


def text_width(value: str) -> float:
    """Display width of text in character units: CJK and other wide characters count 2."""
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value))


def shown(value: float, number_format: str) -> str:
    """Roughly what a spreadsheet shows for ``value`` under ``number_format``."""
    fmt = number_format.split(";")[0]
    sign = "+" if fmt.startswith("+") else ""
    decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
    scaled = value * 100 if fmt.endswith("%") else value
    grouped = "," if "," in fmt else ""
    body = f"{scaled:{sign}{grouped}.{decimals}f}"
    return body + ("%" if fmt.endswith("%") else "")


@dataclass(frozen=True)
class Out:
    """One cell to write.

    Parameters
    ----------
    value
        Text, a number or None (an empty cell).
    number_format
        Required for numbers (one of the formats above), ignored for text.
    style
        A key of :data:`FONTS`, ``"body"`` or ``"header"`` (bold on a fill).
    spill
        Long text that may run over the empty cells to its right: it does not
        widen its column.
    wrap
        Long text wrapped within its column, which is at most :data:`WRAP_WIDTH` wide.
    """

    value: str | float | int | None
    number_format: str | None = None
    style: str = "body"
    spill: bool = False
    wrap: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.value, int | float) and self.number_format is None:
            raise ValueError(f"number {self.value!r} needs a number format")

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float) and not isinstance(self.value, bool)

    def width(self) -> float:
        """Characters this cell needs to show in full (0 for spilling text)."""
        if self.value is None or self.spill:
            return 0.0
        if self.is_number:
            assert self.number_format is not None
            value = float(self.value)
            return float(len(shown(value, self.number_format))) + 2
        factor = 1.1 if self.style in ("title", "section") else 1.0
        width = text_width(clean_text(self.value)) * factor + 2
        if self.style == "header":
            return min(width, HEADER_WIDTH)
        return min(width, WRAP_WIDTH) if self.wrap else width


def num(value: float | int | None, number_format: str, style: str = "body") -> Out:
    """A number cell (None, NaN and infinities give an empty cell)."""
    if value is None or not math.isfinite(float(value)):
        return Out(None)
    return Out(float(value) if isinstance(value, float) else int(value), number_format, style)


def wan(amount_yuan: float | None, style: str = "body") -> Out:
    """Yuan shown as 万元."""
    return num(None if amount_yuan is None else amount_yuan / WAN_YUAN, WAN_AMOUNT, style)


def txt(value: object, style: str = "body", spill: bool = False, wrap: bool = False) -> Out:
    """A text cell."""
    return Out(None if value is None else clean_text(value), None, style, spill, wrap)


def make_cell(ws: Any, out: Out) -> WriteOnlyCell:
    """The openpyxl cell for ``out``; text is forced to a text cell."""
    cell = WriteOnlyCell(ws, value=out.value)
    if isinstance(out.value, str):
        cell.data_type = "s"  # never a formula, whatever the first character
    elif out.number_format is not None:
        cell.number_format = out.number_format
    if out.style == "header":
        cell.font = FONTS["header"]
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = HEADER_ALIGN
    elif out.style == "section":
        cell.font = FONTS["section"]
        cell.fill = SECTION_FILL
    elif out.style in FONTS:
        cell.font = FONTS[out.style]
    if out.wrap:
        cell.alignment = WRAP_ALIGN
    elif out.style != "header":
        cell.alignment = TOP  # level with the first line of wrapped neighbours
    return cell


class Grid:
    """The rows of one small sheet, written at once with widths that fit the content.

    Row numbers are 1-based and known while building (:attr:`next_row`), so
    charts can reference ranges before the sheet is written.
    """

    def __init__(self) -> None:
        self.rows: list[list[Out]] = []

    @property
    def next_row(self) -> int:
        """The row number the next :meth:`add` writes to."""
        return len(self.rows) + 1

    def add(self, *cells: Out | None) -> int:
        """Append one row; return its row number."""
        self.rows.append([c if c is not None else Out(None) for c in cells])
        return len(self.rows)

    def extend(self, rows: Iterable[Sequence[Out | None]]) -> None:
        for row in rows:
            self.add(*row)

    def blank(self) -> None:
        self.rows.append([])

    def widths(self, minimum: Sequence[float] = ()) -> list[float]:
        """Column widths: the widest cell of each column, within the limits."""
        count = max((len(r) for r in self.rows), default=0)
        widths = [MIN_WIDTH] * max(count, len(minimum))
        for j, low in enumerate(minimum):
            widths[j] = max(widths[j], low)
        for row in self.rows:
            for j, out in enumerate(row):
                widths[j] = max(widths[j], min(out.width(), MAX_WIDTH))
        return [round(w, 1) for w in widths]

    def write(self, ws: Any, minimum: Sequence[float] = ()) -> None:
        """Set column widths and page set-up, then write every row into ``ws``.

        A write-only sheet writes its column widths and page properties before
        its first row, so both are set here, first.
        """
        landscape(ws)
        widths = self.widths(minimum)
        for j, width in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = width
        for number, row in enumerate(self.rows, 1):
            lines = max((_lines(out, widths[j]) for j, out in enumerate(row)
                         if out.wrap or out.style == "header"), default=1)
            if lines > 1:
                ws.row_dimensions[number].height = LINE_HEIGHT * lines + 2
            ws.append([make_cell(ws, out) if out.value is not None or out.style == "header"
                       else None for out in row])


def _lines(out: Out, width: float) -> int:
    """Lines a wrapped text cell takes in a column ``width`` characters wide."""
    if not isinstance(out.value, str):
        return 1
    usable = max((width - 1) * WRAP_FILL, 1.0)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in out.value.split("\n"))


def landscape(ws: Any, fit_width: bool = True) -> None:
    """Print ``ws`` landscape on A4, fitted to one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
