"""Money and share formatting for explanations: 万元/亿元 in Chinese, ¥M in English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]


def yuan(amount: float, lang: Lang = "en") -> str:
    """Format yuan as an officer writes it.

    >>> yuan(612_400_000, "en")
    '¥612.4M'
    >>> yuan(612_400_000, "zh")
    '6.12亿元'
    >>> yuan(24_294_800, "zh")
    '2,429.5万元'
    >>> yuan(85_000, "zh")
    '8.5万元'
    """
    if lang == "zh":
        if abs(amount) >= 1e8:
            return f"{_trim(f'{amount / 1e8:,.2f}')}亿元"
        if abs(amount) >= 1e4:
            return f"{_trim(f'{amount / 1e4:,.1f}')}万元"
        return f"{amount:,.0f}元"
    if abs(amount) >= 1e6:
        return f"¥{amount / 1e6:,.1f}M"
    if abs(amount) >= 1e3:
        return f"¥{amount / 1e3:,.1f}k"
    return f"¥{amount:,.0f}"


def _trim(number: str) -> str:
    """Drop trailing zeros after the decimal point: '5.00' → '5', '1.50' → '1.5'."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def share(fraction: float) -> str:
    """Format a fraction as a percentage: ``share(0.351) == '35.1%'``."""
    return f"{fraction * 100:.1f}%".replace(".0%", "%")
