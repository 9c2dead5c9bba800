"""Firm ids: one normal form, compared by one key, and the 统一社会信用代码 check digit.

An id is kept as typed after NFKC normalisation (full-width ``Ｆ１`` is ``F1``),
with invisible and control characters (zero-width spaces, NUL, BOM) removed
and spaces trimmed. Two ids are the same firm when their *keys* are equal: the
key is the id in upper case, and an id of digits only is compared without
leading zeros (``00123`` is ``123``). Booleans and dates are not ids.

An 18-character id that looks like a unified social credit code (GB 32100-2015)
must carry the right check digit; a wrong one is reported as a typo.

>>> firm_id("  ｆ１\\u200b")
'f1'
>>> id_key("f1"), id_key("00123")
('F1', '123')
>>> firm_id("91350100M000100Y43")
'91350100M000100Y43'
>>> firm_id("91350100M000100Y44").code
'input.id.check_digit'
"""

from __future__ import annotations

import math
import re
from typing import Any

from inputs.cells import Problem, kind_of, mixed, normal_text, show

#: The 31 characters of a credit code, in the order of their values (no I, O, S, V, Z).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[1-9ANY][1-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_digit(code: str) -> str:
    """The 18th character GB 32100-2015 requires after the first 17."""
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def firm_id(value: Any) -> str | Problem:
    """The id of a (non-blank) cell in normal form, or why it cannot be an id."""
    if type(value) is str:
        return _text_id(value)
    if isinstance(value, bool) or kind_of(value) in {"input.kind.date", "input.kind.time"}:
        return Problem("input.id.kind", {"kind": kind_of(value), "got": show(value)})
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number) or not number.is_integer():
            return Problem("input.id.kind", {"kind": kind_of(value), "got": show(value)})
        if abs(number) >= 2**53 or abs(number) >= 1e15:
            return Problem("input.id.precision", {"got": show(value)})
        return str(int(number))
    if not isinstance(value, str):
        return mixed(value, "input.kind.text")
    return _text_id(value)


def _text_id(value: str) -> str | Problem:
    normal = normal_text(value)
    if not normal:
        return Problem("input.blank.required")
    upper = normal.upper()
    if len(upper) == 18 and _USCC_SHAPE.match(upper):
        expected = uscc_check_digit(upper)
        if upper[17] != expected:
            return Problem("input.id.check_digit",
                           {"got": show(normal), "expected": expected, "actual": upper[17]})
    return normal


def id_key(normal: str) -> str:
    """What two ids are compared by: upper case; digits only without leading zeros."""
    key = normal.upper()
    if key.isdigit():
        return key.lstrip("0") or "0"
    return key
