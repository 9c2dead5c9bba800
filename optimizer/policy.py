"""The policy: pools, rates, caps, thresholds, fairness rules and the objective.

A :class:`Policy` is immutable and hashable. It converts to and from the
``key``/``value`` rows of a scenario's ``policy`` sheet (the contract in the
README); :func:`Policy.from_items` raises :class:`PolicyError` naming the key
that is wrong, with a catalog code and fields (rendered at the edge with
:meth:`PolicyError.text`), and :mod:`inputs` adds the sheet and row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import pairwise
from typing import Any

from optimizer import catalog
from optimizer.catalog import Lang

#: Default subsidy rates of the two Shenzhen programs (other programs need ``rate.P``).
DEFAULT_RATES: dict[str, float] = {"model": 0.3, "training": 0.5}
SIZE_CLASSES: tuple[str, ...] = ("startup", "small", "medium", "large")
_CLASS_ALIASES: dict[str, str] = {
    "初创": "startup", "小型": "small", "中型": "medium", "大型": "large"}


#: Policy keys that are one word (or a fixed pair of words), with no program or size class.
SINGLE_KEYS: tuple[str, ...] = (
    "cap.total", "startup_floor", "large_cap", "district_floor", "basic_research_floor",
    "objective", "returns.tiers", "leximin.districts",
)
#: Kinds of key that name a program (``budget.P``, ``cap.P``; ``rate.P`` and ``rate.P.CLASS``).
PROGRAM_KINDS: tuple[str, ...] = ("budget", "rate", "cap")


@dataclass(frozen=True, order=True)
class PolicyKey:
    """One key of the policy sheet: its kind, and the program and size class it is about.

    >>> PolicyKey.parse("rate.training.startup")
    PolicyKey(kind='rate', program='training', size_class='startup')
    >>> str(PolicyKey.parse("rate.training.初创"))
    'rate.training.startup'
    >>> str(PolicyKey("budget", "model")), str(PolicyKey("min_score", size_class="large"))
    ('budget.model', 'min_score.large')
    >>> PolicyKey.parse("cap.total").kind
    'cap.total'
    """

    kind: str
    program: str | None = None
    size_class: str | None = None

    @classmethod
    def parse(cls, text: str) -> PolicyKey:
        """Read a key as written in a policy sheet (size classes in Chinese too).

        Raises
        ------
        PolicyError
            On a key of no known form.
        """
        key = str(text).strip()
        if key in SINGLE_KEYS:
            return cls(key)
        head, _, rest = key.partition(".")
        if head in ("budget", "cap") and rest and "." not in rest:
            return cls(head, program=rest)
        if head == "rate" and rest:
            program, _, size_class = rest.partition(".")
            if program:
                return cls(head, program, _size_class(key, size_class) if size_class else None)
        if head == "min_score" and rest:
            return cls(head, size_class=_size_class(key, rest))
        raise PolicyError(key, "policy.unknown")

    def __str__(self) -> str:
        parts = [self.kind, self.program, self.size_class]
        return ".".join(p for p in parts if p)


class Objective(StrEnum):
    """What the allocation maximises."""

    IMPACT = "impact"  # Σ score × yuan
    MAXMIN = "maxmin"  # the smallest size-class coverage, then impact
    LEXIMIN = "leximin"  # maxmin repeated: the smallest, then the next smallest, ...


class PolicyError(ValueError):
    """A policy key or value that is not allowed: the key, a catalog code and its fields.

    Parameters
    ----------
    key
        The policy key at fault (as written, or the key that is missing).
    code
        The catalog key of what is wrong, e.g. ``"policy.tier_rise"``.
    **fields
        The values the sentence names (``got``, ``program``, ...), already shown as text.

    Examples
    --------
    >>> err = PolicyError("rate.corpus", "policy.required_rate", program="corpus")
    >>> str(err)
    'rate.corpus: is required for program corpus'
    >>> err.text("zh")
    '券种 corpus 必须设置此项'
    """

    def __init__(self, key: str, code: str, **fields: str) -> None:
        self.key = key
        self.code = code
        self.fields: dict[str, str] = dict(fields)
        super().__init__(f"{key}: {self.message}")

    def text(self, lang: Lang = "zh") -> str:
        """What is wrong (without the key), in ``lang``."""
        return catalog.text(self.code, lang, **self.fields)

    @property
    def message(self) -> str:
        """What is wrong, in English (for callers that predate the codes)."""
        return self.text("en")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_policy_error, (self.key, self.code, self.fields))


def _policy_error(key: str, code: str, fields: dict[str, str]) -> PolicyError:
    return PolicyError(key, code, **fields)


@dataclass(frozen=True)
class Policy:
    """Every number that decides an allocation apart from the firms themselves.

    Money is in yuan; rates, floors and caps on shares are fractions in [0, 1].
    Mapping-like fields are tuples of pairs so that a policy hashes (it is a
    cache key in the app); use the accessor methods to read them.
    """

    budgets: tuple[tuple[str, float], ...]
    rates: tuple[tuple[str, float], ...] = ()
    caps: tuple[tuple[str, float], ...] = ()
    cap_total: float | None = None
    min_scores: tuple[tuple[str, float], ...] = ()
    startup_floor: float = 0.0
    large_cap: float = 1.0
    district_floor: float = 0.0
    basic_research_floor: float = 0.0
    objective: Objective = Objective.IMPACT
    #: Diminishing returns: ``(share of the firm's limit, benefit weight)`` tiers,
    #: shares rising to 1 and weights falling. Empty: linear benefit.
    tiers: tuple[tuple[float, float], ...] = ()
    #: Leximin over districts as well as size classes.
    leximin_districts: bool = False

    # -- reading ---------------------------------------------------------------
    @property
    def programs(self) -> tuple[str, ...]:
        """Programs in policy order: each ``budget.P`` key makes one."""
        return tuple(p for p, _ in self.budgets)

    def budget(self, program: str) -> float:
        """Yuan in ``program``'s pool."""
        return dict(self.budgets)[program]

    @property
    def total_budget(self) -> float:
        """Yuan in all pools together."""
        return math.fsum(b for _, b in self.budgets)

    def rate(self, program: str, size_class: str) -> float:
        """Largest share of a ``size_class`` firm's request that ``program`` pays."""
        rates = dict(self.rates)
        specific = rates.get(f"{program}.{size_class}")
        if specific is not None:
            return specific
        return rates.get(program, DEFAULT_RATES.get(program, 0.0))

    def cap(self, program: str) -> float | None:
        """Per-firm cap in yuan for ``program``, or None."""
        return dict(self.caps).get(program)

    def min_score(self, size_class: str) -> float:
        """Score a ``size_class`` firm needs to be eligible at all."""
        return dict(self.min_scores).get(size_class, 0.0)

    def with_values(self, **changes: Any) -> Policy:
        """A copy with some fields changed (a what-if)."""
        return replace(self, **changes)

    # -- the policy sheet --------------------------------------------------------
    def to_items(self) -> list[tuple[str, Any]]:
        """The ``key``/``value`` rows of the policy sheet, defaults left out."""
        items: list[tuple[str, Any]] = [(str(PolicyKey("budget", p)), b) for p, b in self.budgets]
        for name, v in self.rates:
            program, _, size_class = name.partition(".")
            items.append((str(PolicyKey("rate", program, size_class or None)), v))
        items += [(str(PolicyKey("cap", p)), v) for p, v in self.caps]
        if self.cap_total is not None:
            items.append(("cap.total", self.cap_total))
        items += [(str(PolicyKey("min_score", size_class=c)), v) for c, v in self.min_scores]
        for key, default in (
            ("startup_floor", 0.0),
            ("large_cap", 1.0),
            ("district_floor", 0.0),
            ("basic_research_floor", 0.0),
        ):
            if getattr(self, key) != default:
                items.append((key, getattr(self, key)))
        items.append(("objective", str(self.objective)))
        if self.tiers:
            items.append(("returns.tiers", format_tiers(self.tiers)))
        if self.leximin_districts:
            items.append(("leximin.districts", "yes"))
        return items

    @classmethod
    def from_items(cls, items: Iterable[tuple[str, Any]]) -> Policy:
        """Build a policy from ``key``/``value`` rows.

        Raises
        ------
        PolicyError
            On an unknown or repeated key, a value out of range, a rate or cap
            for a program that has no budget, or a missing required budget.
        """
        seen: dict[str, Any] = {}
        for raw_key, value in items:
            key = str(raw_key).strip()
            if key in seen:
                raise PolicyError(key, "policy.twice")
            seen[key] = value
        return _parse(seen)


def format_tiers(tiers: Iterable[tuple[float, float]]) -> str:
    """``((0.5, 1.0), (1.0, 0.5))`` as ``"0.5:1, 1:0.5"``."""
    return ", ".join(f"{share:g}:{weight:g}" for share, weight in tiers)


def _shown(value: Any) -> str:
    """A value as quoted in a message."""
    return repr(value)


def _number(key: str, value: Any, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool):
        raise PolicyError(key, "input.number.not_number", got=_shown(value))
    text = str(value).strip().replace(",", "")
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    try:
        number = float(text) * scale
    except ValueError:
        raise PolicyError(key, "input.number.not_number", got=_shown(value)) from None
    if not math.isfinite(number):
        raise PolicyError(key, "input.number.not_finite", got=_shown(value))
    if not low <= number <= high:
        if high < math.inf:
            raise PolicyError(key, "input.number.range", low=f"{low:g}", high=f"{high:g}",
                              got=_shown(value))
        raise PolicyError(key, "input.number.min", low=f"{low:g}", got=_shown(value))
    return number


def _yes_no(key: str, value: Any) -> bool:
    text = str(value).strip().lower()
    if text in {"yes", "y", "true", "1", "是"}:
        return True
    if text in {"no", "n", "false", "0", "否", ""}:
        return False
    raise PolicyError(key, "policy.yes_no", got=_shown(value))


def _size_class(key: str, name: str) -> str:
    name = _CLASS_ALIASES.get(name, name)
    if name not in SIZE_CLASSES:
        raise PolicyError(key, "policy.size_class", got=_shown(name),
                          allowed=", ".join(SIZE_CLASSES))
    return name


def parse_tiers(key: str, value: Any) -> tuple[tuple[float, float], ...]:
    """Parse ``"0.5:1, 1:0.5"`` into tiers, checking shares rise to 1 and weights fall."""
    text = str(value).strip()
    if not text:
        return ()
    tiers: list[tuple[float, float]] = []
    for part in text.replace(";", ",").split(","):
        share_text, sep, weight_text = part.partition(":")
        if not sep:
            raise PolicyError(key, "policy.tiers", got=_shown(text))
        tiers.append((_number(key, share_text, 0, 1), _number(key, weight_text, 0)))
    shares = [s for s, _ in tiers]
    weights = [w for _, w in tiers]
    if any(b <= a for a, b in pairwise(shares)) or shares[-1] != 1:
        raise PolicyError(key, "policy.tier_rise", got=_shown(text))
    if any(b > a for a, b in pairwise(weights)):
        raise PolicyError(key, "policy.tier_weights", got=_shown(text))
    return tuple(tiers)


def _parse(values: Mapping[str, Any]) -> Policy:
    keys = {key: PolicyKey.parse(key) for key in values}
    budgets = [(str(k.program), _number(key, values[key], 0))
               for key, k in keys.items() if k.kind == "budget"]
    programs = {p for p, _ in budgets}
    for required in ("model", "training"):
        if required not in programs:
            raise PolicyError(str(PolicyKey("budget", required)), "policy.required_budget")

    def program_of(key: str, program: str | None) -> str:
        if program not in programs:
            raise PolicyError(key, "policy.no_budget", program=str(program))
        return program

    rates: list[tuple[str, float]] = []
    caps: list[tuple[str, float]] = []
    min_scores: list[tuple[str, float]] = []
    fields: dict[str, Any] = {}
    for key, k in keys.items():
        value = values[key]
        if k.kind == "budget":
            continue
        if k.kind == "rate":
            name = program_of(key, k.program)
            if k.size_class:
                name += "." + k.size_class
            rates.append((name, _number(key, value, 0, 1)))
        elif k.kind == "cap.total":
            fields["cap_total"] = _number(key, value, 0)
        elif k.kind == "cap":
            caps.append((program_of(key, k.program), _number(key, value, 0)))
        elif k.kind == "min_score":
            min_scores.append((str(k.size_class), _number(key, value, 0, 100)))
        elif k.kind in ("startup_floor", "large_cap", "district_floor", "basic_research_floor"):
            fields[k.kind] = _number(key, value, 0, 1)
        elif k.kind == "objective":
            text = str(value).strip().lower()
            if text not in set(Objective):
                raise PolicyError(key, "input.labels.bad", allowed=", ".join(Objective),
                                  got=_shown(value))
            fields["objective"] = Objective(text)
        elif k.kind == "returns.tiers":
            fields["tiers"] = parse_tiers(key, value)
        else:  # leximin.districts
            fields["leximin_districts"] = _yes_no(key, value)
    for program in programs:
        if program not in DEFAULT_RATES and program not in dict(rates):
            raise PolicyError(f"rate.{program}", "policy.required_rate", program=program)
    return Policy(
        budgets=tuple(budgets),
        rates=tuple(rates),
        caps=tuple(caps),
        min_scores=tuple(min_scores),
        **fields,
    )
