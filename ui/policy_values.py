"""The policy form's fields and their values in the units an officer types.

Pools and caps are typed in 万元, rates and shares in percent, thresholds as
scores. The redemption section types expected redemption rates, their
standard deviation and the overspend risk ε in percent as well; a field left
at its default (100% redeemed, sd 0) writes no policy row, so a policy without
a redemption model stays exactly as it was. :func:`form_values` turns a
:class:`~optimizer.Policy` into these values and :func:`policy_from` turns them
back into policy-sheet rows, which :meth:`Policy.from_items` checks (the app
never re-validates a policy itself). No Streamlit here, so the round trip is tested directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from optimizer.policy import DEFAULT_RATES, SIZE_CLASSES, Objective, Policy, format_tiers
from optimizer.units import WAN


@dataclass(frozen=True)
class Field:
    """One input of the policy form.

    Attributes
    ----------
    key
        The policy key it sets, e.g. ``"budget.model"`` or ``"rate.training.startup"``.
    kind
        ``wan`` (万元, required), ``wan_opt`` (万元, blank = none), ``pct`` (%),
        ``pct_opt`` (%, blank = inherit), ``pct_full`` (%, 100 = no row),
        ``pct_zero`` (%, 0 = no row), ``risk`` (ε in %, a slider), ``count``
        (a whole number), ``seed`` (a whole number typed as text), ``score``
        (0–100), ``objective``, ``tiers`` (text) or ``flag`` (yes/no).
    section
        ``pools``, ``rates``, ``caps``, ``thresholds``, ``fairness``, ``redemption``
        or ``objective``.
    """

    key: str
    kind: str
    section: str


SECTIONS: tuple[str, ...] = (
    "pools", "rates", "caps", "thresholds", "fairness", "redemption", "objective",
)  # fmt: skip
FAIRNESS_KEYS: tuple[str, ...] = (
    "startup_floor", "large_cap", "district_floor", "basic_research_floor",
)  # fmt: skip


def fields(programs: tuple[str, ...]) -> list[Field]:
    """Every field of the form for a policy with ``programs``, in display order."""
    out = [Field(f"budget.{p}", "wan", "pools") for p in programs]
    out += [Field(f"reserve.{p}", "pct", "pools") for p in programs]
    for p in programs:
        out.append(Field(f"rate.{p}", "pct", "rates"))
        out += [Field(f"rate.{p}.{c}", "pct_opt", "rates") for c in SIZE_CLASSES]
    out += [Field(f"cap.{p}", "wan_opt", "caps") for p in programs]
    out.append(Field("cap.total", "wan_opt", "caps"))
    out += [Field(f"min_score.{c}", "score", "thresholds") for c in SIZE_CLASSES]
    out += [Field(k, "pct", "fairness") for k in FAIRNESS_KEYS]
    out += redemption_fields(programs)
    out += [
        Field("objective", "objective", "objective"),
        Field("returns.tiers", "tiers", "objective"),
        Field("leximin.districts", "flag", "objective"),
    ]
    return out


def redemption_fields(programs: tuple[str, ...]) -> list[Field]:
    """The redemption section: rates per class (and per program), sds, ε and the sampling."""
    out = [Field(f"redemption.{c}", "pct_full", "redemption") for c in SIZE_CLASSES]
    out += [Field("overspend_risk", "risk", "redemption"),
            Field("redemption.sd", "pct_zero", "redemption")]
    for p in programs:
        out += [Field(f"redemption.{p}.{c}", "pct_opt", "redemption") for c in SIZE_CLASSES]
    out += [Field(f"redemption.sd.{c}", "pct_opt", "redemption") for c in SIZE_CLASSES]
    out += [Field("redemption.samples", "count", "redemption"),
            Field("redemption.seed", "seed", "redemption")]
    return out


def form_values(policy: Policy) -> dict[str, Any]:
    """The form's value for every field of ``policy`` (万元, percent, scores, text)."""
    rates = dict(policy.rates)
    values: dict[str, Any] = {}
    for p in policy.programs:
        values[f"budget.{p}"] = _round(policy.budget(p) / WAN)
        values[f"reserve.{p}"] = _round(100 * policy.reserve(p))
        values[f"rate.{p}"] = _round(100 * rates.get(p, DEFAULT_RATES.get(p, 0.0)))
        for c in SIZE_CLASSES:
            specific = rates.get(f"{p}.{c}")
            values[f"rate.{p}.{c}"] = None if specific is None else _round(100 * specific)
        cap = policy.cap(p)
        values[f"cap.{p}"] = None if cap is None else _round(cap / WAN)
    values["cap.total"] = None if policy.cap_total is None else _round(policy.cap_total / WAN)
    for c in SIZE_CLASSES:
        values[f"min_score.{c}"] = _round(policy.min_score(c))
    for key in FAIRNESS_KEYS:
        values[key] = _round(100 * getattr(policy, key))
    values["objective"] = str(policy.objective)
    values["returns.tiers"] = format_tiers(policy.tiers)
    values["leximin.districts"] = policy.leximin_districts
    return values | _redemption_values(policy)


def _redemption_values(policy: Policy) -> dict[str, Any]:
    means, sds = dict(policy.redemption), dict(policy.redemption_sd)
    values: dict[str, Any] = {}
    for c in SIZE_CLASSES:
        values[f"redemption.{c}"] = _round(100 * means.get(c, 1.0))
        specific = sds.get(c)
        values[f"redemption.sd.{c}"] = None if specific is None else _round(100 * specific)
        for p in policy.programs:
            mean = means.get(f"{p}.{c}")
            values[f"redemption.{p}.{c}"] = None if mean is None else _round(100 * mean)
    values["redemption.sd"] = _round(100 * sds.get("", 0.0))
    values["overspend_risk"] = _round(100 * policy.overspend_risk)
    values["redemption.samples"] = policy.redemption_samples
    values["redemption.seed"] = str(policy.redemption_seed)
    return values


def form_default(field: Field) -> Any:
    """The value a redemption field has when the policy says nothing of it (None: blank)."""
    return _redemption_values(Policy(budgets=())).get(field.key)


def items_from(values: Mapping[str, Any], programs: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Policy-sheet rows (yuan and fractions) from form values; blank optional fields left out."""
    items: list[tuple[str, Any]] = []
    for field in fields(programs):
        value = values.get(field.key)
        if field.kind in ("wan", "wan_opt"):
            if value is None and field.kind == "wan_opt":
                continue
            items.append((field.key, round(float(value if value is not None else 0) * WAN, 2)))
        elif field.kind in ("pct", "pct_opt"):
            if value is None and field.kind == "pct_opt":
                continue
            items.append((field.key, round(float(value if value is not None else 0) / 100, 10)))
        elif field.kind in ("pct_full", "pct_zero", "risk"):
            default = {"pct_full": 100.0, "pct_zero": 0.0}.get(field.kind)
            if value is not None and float(value) != default:
                items.append((field.key, round(float(value) / 100, 10)))
        elif field.kind in ("count", "seed"):
            if str(value if value is not None else "").strip():
                items.append((field.key, value))
        elif field.kind == "score":
            items.append((field.key, float(value if value is not None else 0)))
        elif field.kind == "objective":
            items.append((field.key, str(value or Objective.IMPACT)))
        elif field.kind == "tiers":
            if str(value or "").strip():
                items.append((field.key, str(value)))
        elif field.kind == "flag" and value:
            items.append((field.key, "yes"))
    return items


def policy_from(values: Mapping[str, Any], programs: tuple[str, ...]) -> Policy:
    """The policy the form's values describe.

    Raises
    ------
    optimizer.PolicyError
        Naming the key whose value is not allowed (e.g. tiers that rise), with a
        catalog code: the form shows it with ``error.text(lang)``, never ``message``.
    """
    return Policy.from_items(items_from(values, programs))


def canonical(policy: Policy) -> Policy:
    """``policy`` rebuilt through the form, so equal rules give equal (hashable) policies."""
    return policy_from(form_values(policy), policy.programs)


def _round(value: float) -> float:
    return round(float(value), 6)
