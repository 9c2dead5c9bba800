"""Explanations of firms whose award an officer set: pinned, bounded or excluded.

Which override decided a firm is read from the allocation and the bounds:

- ``excluded``: the firm is excluded (it gets nothing);
- ``pinned``: a fixed award in at least one program (the sentence says when
  the award is above what the rates allow on the request: an announced award
  stands);
- ``bounded``: a ``max.P`` below the rule limit that the award reached, or a
  ``min.P`` the award sits on while short of its limit (the LP would have
  given less).

Every firm with a note gets it appended to its sentence, whatever decided it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.catalog import Lang, text
from optimizer.override_diagnosis import program_word
from optimizer.overrides import Overrides, read_overrides
from optimizer.result import Result
from optimizer.units import yuan

#: Yuan within which an award counts as at a bound.
AT_BOUND_YUAN = 1.0


@dataclass(frozen=True, eq=False)
class OverrideReasons:
    """Per firm: which override decided it, and in which program.

    ``excluded``, ``pinned`` and ``bounded`` are bool arrays (firms,);
    ``program`` is the program index of a bound (-1 for none); ``at_max``
    tells a maximum from a minimum.
    """

    overrides: Overrides
    excluded: np.ndarray
    pinned: np.ndarray
    bounded: np.ndarray
    program: np.ndarray
    at_max: np.ndarray


def override_reasons(result: Result) -> OverrideReasons:
    """Classify every firm of an optimal result by the override that decided it."""
    o = read_overrides(result.scenario)
    n = len(result.scenario.firms)
    amounts, limits = result.amounts, result.limits
    tol = AT_BOUND_YUAN + 1e-7 * np.abs(amounts)
    by_rule = limits.by_rule
    capped = np.isfinite(o.maximum) & (o.maximum < by_rule - tol) & (amounts >= o.maximum - tol)
    raised = (np.isfinite(o.minimum) & (o.minimum > tol) & (amounts <= o.minimum + tol)
              & (amounts < limits.upper - tol))
    free = ~o.pinned
    capped, raised = capped & free, raised & free
    excluded = o.excluded.copy()
    pinned = o.pinned.any(axis=1) & ~excluded
    bounded = (capped | raised).any(axis=1) & ~excluded & ~pinned
    either = capped | raised
    program = np.where(bounded, either.argmax(axis=1), -1) if n else np.zeros(0, dtype=int)
    at_max = capped[np.arange(n), np.maximum(program, 0)] if n else np.zeros(0, dtype=bool)
    return OverrideReasons(o, excluded, pinned, bounded, program, at_max)


def override_sentence(result: Result, reasons: OverrideReasons, i: int, lang: Lang) -> str:
    """The sentence of firm ``i``, decided by an override (excluded, pinned or bounded)."""
    o, limits = reasons.overrides, result.limits
    total = yuan(float(result.amounts[i].sum()), lang)
    if reasons.excluded[i]:
        return text("override.explain.excluded", lang)
    if reasons.pinned[i]:
        fixed = float(np.nansum(o.fixed[i]))
        by_rule = float(np.where(o.pinned[i], limits.by_rule[i], 0.0).sum())
        if fixed > by_rule + AT_BOUND_YUAN:
            return text("override.explain.pinned_above_rate", lang, fixed=yuan(fixed, lang),
                        total=total, limit=yuan(by_rule, lang))
        return text("override.explain.pinned", lang, fixed=yuan(fixed, lang), total=total)
    j = int(reasons.program[i])
    program = program_word(result.programs[j], lang)
    if reasons.at_max[i]:
        return text("override.explain.at_max", lang, total=total, program=program,
                    bound=yuan(float(o.maximum[i, j]), lang),
                    limit=yuan(float(limits.by_rule[i, j]), lang))
    return text("override.explain.at_min", lang, total=total, program=program,
                bound=yuan(float(o.minimum[i, j]), lang))


def with_note(sentence: str, note: str, lang: Lang) -> str:
    """The sentence followed by the firm's note, if it has one."""
    if not note.strip():
        return sentence
    gap = "" if lang == "zh" else " "
    return f"{sentence}{gap}{text('override.explain.note', lang, note=note)}"
