"""Numbers as an officer reads them: 万元/亿元, thousands separators, percentages."""

from __future__ import annotations

import math

from optimizer.money import share, yuan
from ui.i18n import has, has_term, lang, t, term


def money(amount: float | None) -> str:
    """Yuan as 万元/亿元 in Chinese, ¥k/¥M in English; ``—`` when unknown."""
    if amount is None or not math.isfinite(amount):
        return "—"
    return yuan(amount, lang())


def signed_money(amount: float) -> str:
    """Like :func:`money`, with a sign (for deltas): ``+`` or the minus sign U+2212."""
    text = money(abs(amount))
    return ("+" if amount >= 0 else "\u2212") + text


def ascii_sign(delta: str | None) -> str | None:
    """A signed text with its sign as ASCII, for ``st.metric``'s arrow and colour.

    ``st.metric`` reads a delta as negative only when it starts with ``-``; the
    typographic minus U+2212 would show a green up arrow on a loss.
    """
    if delta is None:
        return None
    return "-" + delta[1:] if delta.startswith("\u2212") else delta


def pct(fraction: float | None) -> str:
    """A fraction as a percentage; ``—`` when unknown."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return share(fraction)


def signed_pct(fraction: float) -> str:
    """A relative change with its sign: ``+3.2%``."""
    return f"{fraction * 100:+.1f}%"


def points(fraction: float) -> str:
    """A change of a share in percentage points: ``+1.2 pp`` / ``+1.2个百分点``."""
    return t("fmt.points", value=f"{fraction * 100:+.1f}")


def count(n: float) -> str:
    """A count with thousands separators."""
    return f"{int(n):,}"


def number(value: float | None, digits: int = 3) -> str:
    """A plain number (Gini, Jain's index) with ``digits`` decimals."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f}"


def impact(value: float | None) -> str:
    """Impact points (score × yuan): 亿 in Chinese, billions in English."""
    if value is None or not math.isfinite(value):
        return "—"
    if lang() == "zh":
        return f"{value / 1e8:,.1f}亿"
    return f"{value / 1e9:,.2f}bn"


def size_class(value: object) -> str:
    """初创/小型/中型/大型 or startup/small/... for a size class value."""
    key = f"class.{value}"
    return term(key) if has_term(key) else str(value)


def program(name: str) -> str:
    """模型券/训力券 or Model/Training vouchers."""
    key = f"program.{name}"
    return term(key) if has_term(key) else name


def program_short(name: str) -> str:
    """模型券/训力券 or Model/Training (for narrow labels)."""
    key = f"short.{name}"
    return t(key) if has(key) else name


def district(name: object) -> str:
    """District names are Chinese in the data; English adds nothing."""
    return str(name)
