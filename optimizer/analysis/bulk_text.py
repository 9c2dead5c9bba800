"""Catalog texts for many firms at once: render a template once, fill in each firm's numbers.

Firms that share a reason, a program and a set of routes share every word of
their sentence but a few numbers. :func:`fill` renders the catalog text of
such a group once, with :data:`SLOT` marking each per-firm field, and puts the
numbers in for all its firms at once (numpy arrays of Python strings).
:func:`groups` finds the groups, :func:`formatted` formats each distinct
number once. A shared field that holds the marker itself (a district named
so) makes :func:`fill` render the group's texts one by one instead.

>>> fill("explain.rate_limit", "en", 2, {"got": np.array(["¥1.0M", "¥2.0M"], dtype=object)})
... # doctest: +NORMALIZE_WHITESPACE
array(['Funded in full: ¥1.0M, the most its subsidy rates allow on its requests.',
       'Funded in full: ¥2.0M, the most its subsidy rates allow on its requests.'],
      dtype=object)
>>> [g.tolist() for g in groups(np.array(["a", "b", "a"]), np.array([1, 1, 1]))]
[[0, 2], [1]]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from optimizer.catalog import Lang, text

#: Marks a per-firm field in a rendered template (a character no catalog text holds).
SLOT = "\x00"


def fill(key: str, lang: Lang, n: int, slots: dict[str, np.ndarray | str],
         **shared: str) -> np.ndarray:
    """``text(key, lang, **shared, **slots)`` for ``n`` firms.

    A slot holds one value per firm, or one text for all of them (words already
    rendered, put in as they are).
    """
    if any(SLOT in value for value in shared.values()):
        return np.array([text(key, lang, **shared, **{
            k: v if isinstance(v, str) else v[m] for k, v in slots.items()})
            for m in range(n)], dtype=object)
    template = text(key, lang, **shared, **{k: f"{SLOT}{k}{SLOT}" for k in slots})
    parts = template.split(SLOT)
    out: np.ndarray | None = None
    words = parts[0]  # the words since the last per-firm value
    for k in range(1, len(parts), 2):
        value = slots[parts[k]]
        if isinstance(value, str):
            words += value
        else:
            out = (words + value if out is None else out + words + value) if words else (
                value if out is None else out + value)
            words = ""
        words += parts[k + 1]
    if out is None:
        return np.full(n, words, dtype=object)
    return out + words if words else out


def formatted(values: np.ndarray, form: Callable[[float], str]) -> np.ndarray:
    """``form`` of each value, worked out once per distinct value (bit for bit)."""
    bits = np.ascontiguousarray(values, dtype=float).view(np.int64)
    distinct, inverse = np.unique(bits, return_inverse=True)
    words = np.array([form(v) for v in distinct.view(float).tolist()], dtype=object)
    return words[inverse.reshape(-1)] if len(distinct) else np.zeros(0, dtype=object)


def groups(*keys: np.ndarray) -> list[np.ndarray]:
    """Positions of the rows that agree on every key, one array per distinct combination."""
    code = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        distinct, inverse = np.unique(key, return_inverse=True)
        code = code * len(distinct) + inverse.reshape(-1)
        code = np.unique(code, return_inverse=True)[1].reshape(-1)
    order = np.argsort(code, kind="stable")
    bounds = np.flatnonzero(np.diff(code[order])) + 1
    return [part for part in np.split(order, bounds) if len(part)]


def signature(mask: np.ndarray) -> np.ndarray:
    """One comparable value per row of a boolean matrix (its bits packed)."""
    packed = np.ascontiguousarray(np.packbits(mask, axis=1))
    if not packed.shape[1]:  # no routes at all
        return np.zeros(len(mask), dtype=np.int64)
    return packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)


