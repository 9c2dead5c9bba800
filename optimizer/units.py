"""Units an officer thinks in: yuan, 万元 and 亿元; one place for the factors and their formats.

>>> WAN, YI
(10000.0, 100000000.0)
>>> yuan(612_400_000, "en")
'¥612.4M'
>>> yuan(612_400_000, "zh")
'6.12亿元'
>>> yuan(24_294_800, "zh")
'2,429.5万元'
>>> yuan(85_000, "zh")
'8.5万元'
>>> share(0.351)
'35.1%'
"""

from __future__ import annotations

from optimizer.catalog import Lang

#: Yuan in one 万元 and in one 亿元.
WAN = 1e4
YI = 1e8
#: Yuan in one million (the English ¥M).
MILLION = 1e6


def yuan(amount: float, lang: Lang = "en") -> str:
    """Format yuan as an officer writes it: 万元/亿元 in Chinese, ¥k/¥M in English."""
    if lang == "zh":
        if abs(amount) >= YI:
            return f"{_trim(f'{amount / YI:,.2f}')}亿元"
        if abs(amount) >= WAN:
            return f"{_trim(f'{amount / WAN:,.1f}')}万元"
        return f"{amount:,.0f}元"
    if abs(amount) >= MILLION:
        return f"¥{amount / MILLION:,.1f}M"
    if abs(amount) >= 1e3:
        return f"¥{amount / 1e3:,.1f}k"
    return f"¥{amount:,.0f}"


def _trim(number: str) -> str:
    """Drop trailing zeros after the decimal point: '5.00' → '5', '1.50' → '1.5'."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def share(fraction: float) -> str:
    """Format a fraction as a percentage: ``share(0.351) == '35.1%'``."""
    return f"{fraction * 100:.1f}%".replace(".0%", "%")
