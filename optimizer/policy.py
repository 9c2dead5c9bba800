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
from optimizer.redemption import RedemptionModel, beta_parameters, model_of

#: Default subsidy rates of the two Shenzhen programs (other programs need ``rate.P``).
DEFAULT_RATES: dict[str, float] = {"model": 0.3, "training": 0.5}
SIZE_CLASSES: tuple[str, ...] = ("startup", "small", "medium", "large")
#: Most CVaR samples per pool (each adds one row to the LP).
MAX_SAMPLES = 20_000
_CLASS_ALIASES: dict[str, str] = {
    "初创": "startup", "小型": "small", "中型": "medium", "大型": "large"}


#: Policy keys that are one word (or a fixed pair of words), with no program or size class.
SINGLE_KEYS: tuple[str, ...] = (
    "cap.total", "startup_floor", "large_cap", "district_floor", "basic_research_floor",
    "objective", "returns.tiers", "leximin.districts", "overspend_risk",
)
#: Kinds of key of the redemption model (``redemption.CLASS``, ``redemption.P.CLASS``,
#: ``redemption.sd``, ``redemption.sd.CLASS``, ``redemption.samples``, ``redemption.seed``).
REDEMPTION_KINDS: tuple[str, ...] = (
    "redemption", "redemption.sd", "redemption.samples", "redemption.seed", "overspend_risk")
#: Kinds of key that name a program (``budget.P``, ``cap.P``, ``reserve.P``; ``rate.P`` and
#: ``rate.P.CLASS``).
PROGRAM_KINDS: tuple[str, ...] = ("budget", "rate", "cap", "reserve")


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
    >>> PolicyKey.parse("reserve.training")
    PolicyKey(kind='reserve', program='training', size_class=None)
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
        if head in ("budget", "cap", "reserve") and rest and "." not in rest:
            return cls(head, program=rest)
        if head == "rate" and rest:
            program, _, size_class = rest.partition(".")
            if program:
                return cls(head, program, _size_class(key, size_class) if size_class else None)
        if head == "min_score" and rest:
            return cls(head, size_class=_size_class(key, rest))
        if head == "redemption" and rest:
            parts = rest.split(".")
            if rest in ("samples", "seed"):
                return cls(key)
            if parts[0] == "sd" and len(parts) <= 2:
                return cls("redemption.sd",
                           size_class=_size_class(key, parts[1]) if len(parts) == 2 else None)
            if len(parts) <= 2 and all(parts):
                return cls(head, parts[0] if len(parts) == 2 else None,
                           _size_class(key, parts[-1]))
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
    #: Redemption means ``("CLASS" | "P.CLASS", share)``; a group not listed redeems 1.
    redemption: tuple[tuple[str, float], ...] = ()
    #: Redemption sds ``("" | "CLASS", sd)``; ``""`` is ``redemption.sd``.
    redemption_sd: tuple[tuple[str, float], ...] = ()
    #: ε: the allowed probability that a pool's spending exceeds it.
    overspend_risk: float = 0.05
    redemption_samples: int = 1000
    redemption_seed: int = 0
    #: ``(program, share)``: the share of what a pool has left after commitments
    #: (fixed awards) that this round holds back for later rounds.
    reserves: tuple[tuple[str, float], ...] = ()

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

    def redemption_rate(self, program: str, size_class: str) -> tuple[float, float]:
        """``(mean, sd)`` of the share of issued yuan a group redeems.

        ``redemption.sd`` applies to groups whose mean is below 1 (a group that
        redeems in full has no spread); ``redemption.sd.CLASS`` to its class.
        """
        means, sds = dict(self.redemption), dict(self.redemption_sd)
        mean = means.get(f"{program}.{size_class}", means.get(size_class, 1.0))
        sd = sds.get(size_class, sds.get("", 0.0) if mean < 1 else 0.0)
        return mean, sd

    def redemption_model(self) -> RedemptionModel:
        """Every (program, size class) group's redemption rate."""
        return model_of((p, c, *self.redemption_rate(p, c))
                        for p in self.programs for c in SIZE_CLASSES)
    def reserve(self, program: str) -> float:
        """Share of ``program``'s pool, after commitments, held back for later rounds."""
        return dict(self.reserves).get(program, 0.0)

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
        items += [(f"redemption.{k}", v) for k, v in self.redemption]
        items += [("redemption.sd" + (f".{k}" if k else ""), v) for k, v in self.redemption_sd]
        for key, field, default in (("overspend_risk", "overspend_risk", 0.05),
                                    ("redemption.samples", "redemption_samples", 1000),
                                    ("redemption.seed", "redemption_seed", 0)):
            if getattr(self, field) != default:
                items.append((key, getattr(self, field)))
        items += [(str(PolicyKey("reserve", p)), v) for p, v in self.reserves]
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
    reserves: list[tuple[str, float]] = []
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
        elif k.kind == "reserve":
            reserves.append((program_of(key, k.program), _number(key, value, 0, 1)))
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
        elif k.kind in REDEMPTION_KINDS:
            _redemption_key(key, k, value, program_of, fields)
        else:  # leximin.districts
            fields["leximin_districts"] = _yes_no(key, value)
    for program in programs:
        if program not in DEFAULT_RATES and program not in dict(rates):
            raise PolicyError(f"rate.{program}", "policy.required_rate", program=program)
    policy = Policy(
        budgets=tuple(budgets),
        rates=tuple(rates),
        caps=tuple(caps),
        min_scores=tuple(min_scores),
        reserves=tuple(r for r in reserves if r[1] > 0),
        **fields,
    )
    _check_redemption(policy)
    return policy


def _redemption_key(key: str, k: PolicyKey, value: Any, program_of: Any,
                    fields: dict[str, Any]) -> None:
    """One ``redemption.*`` or ``overspend_risk`` key into ``fields``."""
    if k.kind == "overspend_risk":
        risk = _number(key, value, 0, 1)
        if not 0 < risk < 1:
            raise PolicyError(key, "policy.open_share", got=_shown(value))
        fields["overspend_risk"] = risk
    elif k.kind in ("redemption.samples", "redemption.seed"):
        samples = k.kind == "redemption.samples"
        number = _number(key, value, 1 if samples else 0, MAX_SAMPLES if samples else 2**63 - 1)
        if number != int(number):
            raise PolicyError(key, "policy.whole_number", got=_shown(value))
        fields[k.kind.replace(".", "_")] = int(number)
    elif k.kind == "redemption.sd":
        fields.setdefault("redemption_sd", ())
        fields["redemption_sd"] += ((k.size_class or "", _number(key, value, 0, 0.5)),)
    else:
        name = str(k.size_class)
        if k.program is not None:
            name = f"{program_of(key, k.program)}.{name}"
        mean = _number(key, value, 0, 1)
        if mean == 0:
            raise PolicyError(key, "policy.redemption_zero")
        fields.setdefault("redemption", ())
        fields["redemption"] += ((name, mean),)


def _check_redemption(policy: Policy) -> None:
    """Every group's (mean, sd) must describe a Beta distribution."""
    for program in policy.programs:
        for size_class in SIZE_CLASSES:
            mean, sd = policy.redemption_rate(program, size_class)
            try:
                beta_parameters(mean, sd)
            except ValueError:  # means and sds are in range here: only the spread can fail
                sds = dict(policy.redemption_sd)
                key = "redemption.sd" + (f".{size_class}" if size_class in sds else "")
                raise PolicyError(key, "policy.redemption_spread", program=program,
                                  size_class=size_class, sd=f"{sd:g}", mean=f"{mean:g}",
                                  spread=f"{mean * (1 - mean):g}") from None
