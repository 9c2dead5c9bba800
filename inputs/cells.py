"""One cell parser for both sheets: a cell's value, typed by what its column holds.

A workbook cell arrives as calamine reads it (``float``, ``int``, ``str``,
``bool``, ``datetime.date``/``datetime``, ``time``, ``timedelta``; ``""`` when
blank) and a CSV cell as text. Each ``*_cell`` function returns the typed
value or a :class:`Problem` (a catalog code and its fields); the caller adds
the location. The same rules hold on the firms and the policy sheet:

- amounts may carry ``¥``/``￥``, ``元``, ``RMB``, spaces and thousands
  separators (``1,234,567``), and full-width digits (``１２３``);
- a comma that could be a decimal comma (``1500000,5``) or separators in the
  wrong places (``1,000,5``) are refused, never guessed;
- ``inf``, ``nan`` and friends are refused as not finite;
- a date, a time or TRUE/FALSE where a number is expected is named as such.

>>> amount_cell("¥1,500,000")
1500000.0
>>> amount_cell("１２３元")
123.0
>>> amount_cell("1500000,5").code
'input.number.decimal_comma'
>>> amount_cell("1,000,5").code
'input.number.grouping'
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from optimizer.catalog import Lang, text

#: A column's cells as plain Python values, which of them are blank, and the types held.
Cells = tuple[list[Any], np.ndarray, frozenset[type]]


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell: a catalog code and the fields of its sentence."""

    code: str
    fields: dict[str, str] = field(default_factory=dict)

    def what(self, lang: Lang = "en") -> str:
        return text(self.code, lang, **self.fields)


#: Currency signs and unit words an amount may carry (after NFKC: ￥ is ¥).
_CURRENCY = re.compile(r"^(?:¥|RMB|CNY|人民币)|(?:元|RMB|CNY|YUAN)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']+")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d{1,2}$")
_NOT_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "-nan", "+nan"}
_DATE_TEXT = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$")


def is_blank(value: Any) -> bool:
    """An empty cell: None, NaN, NaT, or text that is only spaces."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


def kind_of(value: Any) -> str:
    """The catalog key of what a cell holds: ``input.kind.date``, ``…time``, ``…bool``, ..."""
    if isinstance(value, bool):
        return "input.kind.bool"
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return "input.kind.date"
    if isinstance(value, dt.time | dt.timedelta):
        return "input.kind.time"
    if isinstance(value, int | float):
        return "input.kind.number"
    return "input.kind.text"


def show(value: Any) -> str:
    """A cell value as quoted in a message: numbers bare, dates ISO, text quoted."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
            return str(int(number))
        return repr(number)
    if isinstance(value, dt.datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    return repr(str(value).strip())


def mixed(value: Any, expected: str) -> Problem:
    """A cell of the wrong type: "must be a number, got a date 2024-01-05"."""
    return Problem("input.type.mixed", {"expected": expected, "kind": kind_of(value),
                                         "got": show(value)})


def _invisible_class() -> re.Pattern[str]:
    """Control, format (zero-width, bidi, BOM), private-use, surrogate and line-separator
    characters of the Basic Multilingual Plane, plus the astral tag and private-use planes."""
    hidden = [chr(c) for c in range(0x10000)
              if unicodedata.category(chr(c)) in {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}]
    ranges = "".join(re.escape(ch) for ch in hidden)
    return re.compile(f"[{ranges}\U000E0000-\U000E007F\U000F0000-\U0010FFFF]+")


_INVISIBLE = _invisible_class()


def normal_text(value: str) -> str:
    """NFKC (full-width letters and digits become ASCII), invisible characters (control,
    zero-width, NUL, BOM) removed, trimmed."""
    if value.isascii() and value.isprintable():
        return value.strip()
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value)).strip()


def amount_text(raw: str, *, percent: bool = False) -> float | Problem:
    """Parse the text of an amount (see the module's rules); ``percent`` allows ``30%``."""
    cleaned = _SPACES.sub("", normal_text(raw))
    scale = 1.0
    if percent and cleaned.endswith("%"):
        cleaned, scale = cleaned[:-1], 0.01
    for _ in range(2):  # "¥500元" carries a sign and a unit
        cleaned = _CURRENCY.sub("", cleaned)
    if "," in cleaned and _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if _PLAIN.match(cleaned):
        number = float(cleaned) * scale
        if math.isfinite(number):
            return number
        return Problem("input.number.not_finite", {"got": show(raw)})
    if cleaned.lower() in _NOT_FINITE:
        return Problem("input.number.not_finite", {"got": show(raw)})
    if _DECIMAL_COMMA.match(cleaned):
        whole, decimals = cleaned.split(",")
        return Problem("input.number.decimal_comma",
                       {"got": show(raw), "point": f"{whole}.{decimals}"})
    if "," in cleaned:
        return Problem("input.number.grouping", {"got": show(raw)})
    return Problem("input.number.not_number", {"got": show(raw)})


def amount_cell(value: Any, *, percent: bool = False) -> float | Problem:
    """A number cell (not blank): a number, or amount text; other types are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return mixed(value, "input.kind.number")
    if isinstance(value, str):
        return amount_text(value, percent=percent)
    number = float(value)
    if not math.isfinite(number):
        return Problem("input.number.not_finite", {"got": show(value)})
    return number


def text_cell(value: Any) -> str | Problem:
    """A text cell (not blank): text as typed (trimmed), or a whole number as digits."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return mixed(value, "input.kind.text")
    return show(value)


def date_cell(value: Any) -> pd.Timestamp | Problem:
    """A date cell (not blank): a date, or text such as 2024-03-15, 2024/3/15, 2024年3月15日."""
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp) and not isinstance(value, bool):
        return pd.Timestamp(value)
    if not isinstance(value, str):
        return mixed(value, "input.kind.date")
    cleaned = normal_text(value)
    if _DATE_TEXT.match(cleaned):
        iso = re.sub(r"[/.年月]", "-", cleaned).replace("日", "")
        try:
            return pd.Timestamp(dt.date(*map(int, iso.split("-"))))
        except ValueError:
            pass
    return Problem("input.date.bad", {"got": show(value)})


def label_cell(value: Any, labels: dict[str, Any], allowed: str) -> Any:
    """A label cell (not blank), looked up without case; TRUE/FALSE are yes and no."""
    if isinstance(value, bool):
        key = "true" if value else "false"
    elif isinstance(value, str):
        key = normal_text(value).lower()
    elif isinstance(value, int | float):
        key = show(value)
    else:
        return mixed(value, "input.kind.text")
    if key in labels:
        return labels[key]
    return Problem("input.labels.bad", {"allowed": allowed, "got": show(value)})


# -- whole columns ------------------------------------------------------------------


def plain_value(value: Any) -> Any:
    """numpy scalars as Python values; NaT and NaN as None."""
    if value is pd.NaT or value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


NAT_TYPE = type(pd.NaT)


def column_cells(values: list[Any]) -> Cells:
    """The cells as plain Python values, which are blank, and the types they hold.

    Homogeneous columns (all numbers, all text) take a fast path.
    """
    types = frozenset(map(type, values))
    if types <= {float, int}:
        return values, np.isnan(np.asarray(values, dtype=float)), types
    if any(issubclass(t, np.generic) or t is NAT_TYPE for t in types):
        values = [plain_value(v) for v in values]
        types = frozenset(map(type, values))
    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    blank = pd.isna(cells) | (cells == "")
    if str in types:  # text of spaces only is blank too
        for i in [i for i, v in enumerate(values) if type(v) is str and v and v.isspace()]:
            blank[i] = True
    return values, blank, types


def kept_rows(cells: Cells, kept: np.ndarray) -> Cells:
    """The cells of the rows that are kept (rows left wholly blank are dropped)."""
    values, blank, types = cells
    if kept.size == len(values):
        return cells
    return [values[i] for i in kept.tolist()], blank[kept], types
