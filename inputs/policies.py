"""The built-in Shenzhen policies, as the key/value rows of a policy sheet.

``SHENZHEN_POLICY`` follows the 2024 rules (深工信规〔2024〕13号 for 训力券):
a ¥100M 模型券 pool at 30% up to ¥1M a firm, a ¥500M 训力券 pool at 50%
(60% for startups) up to ¥10M a firm, and a review score of 60 for everyone.
``FAIR_POLICY`` adds the fairness rules the study asks for. A firms CSV,
which has no policy sheet, is read under the default policy.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise
from typing import Any

import pandas as pd

from inputs.cells import Problem, amount_cell, is_blank, label_cell, normal_text, show
from inputs.columns import YES_NO_LABELS, normalise_header, policy_header_aliases
from inputs.errors import InputError, column_letter
from optimizer.overrides import EXCLUDE, NOTE
from optimizer.policy import DEFAULT_RATES, SIZE_CLASSES, Objective, Policy, PolicyError
from optimizer.scenario import APPLIED_ON, FIRM_COLUMNS

SHENZHEN_POLICY: tuple[tuple[str, Any], ...] = (
    ("budget.model", 100_000_000),
    ("budget.training", 500_000_000),
    ("rate.model", 0.3),
    ("rate.training", 0.5),
    ("rate.training.startup", 0.6),
    ("cap.model", 1_000_000),
    ("cap.training", 10_000_000),
    *((f"min_score.{size_class}", 60) for size_class in SIZE_CLASSES),
    ("objective", "impact"),
)

#: κ of the district floor. Under the fair policy the built-in firms are eligible
#: for about ¥7.0bn over both programs, so κ = 3% asks ≈ ¥211M of the ¥600M in
#: the pools (feasible), while the score-ranked optimum without fairness rules
#: leaves 盐田区, 深汕特别合作区 and 光明区 under 3% (so the floor binds).
FAIR_DISTRICT_FLOOR = 0.03

#: The study's fairness rules on top of the default policy.
FAIR_RULES: tuple[tuple[str, Any], ...] = (
    ("min_score.startup", 50),
    ("startup_floor", 0.35),
    ("large_cap", 0.25),
    ("district_floor", FAIR_DISTRICT_FLOOR),
    ("basic_research_floor", 0.05),
)


def default_policy() -> Policy:
    """The Shenzhen 2024 policy, without fairness rules."""
    return Policy.from_items(SHENZHEN_POLICY)


def fair_policy() -> Policy:
    """The Shenzhen 2024 policy with the study's fairness rules."""
    fair = dict(FAIR_RULES)
    items = [(k, fair.pop(k, v)) for k, v in SHENZHEN_POLICY]
    return Policy.from_items([*items, *fair.items()])


# -- the policy sheet ---------------------------------------------------------------

#: Program names a policy may not use: they would collide with a firms or result column
#: (``budget.score`` would overwrite the scores; ``cap.total`` is the whole-firm cap;
#: ``budget.note`` would put money in the firms' notes). The per-program override
#: columns (``fixed.P``, ``min.P``, ``max.P``) and ``reserve.P`` take any other name:
#: a program name has no dot, so ``fixed.P`` never reads as another column.
RESERVED_PROGRAMS: frozenset[str] = frozenset(
    {"total", "score", *FIRM_COLUMNS, APPLIED_ON, EXCLUDE, NOTE, "upper", "amount", "limit"})
_PROGRAM = re.compile(r"^[a-z][a-z0-9_]*$")
_SHARES = ("startup_floor", "large_cap", "district_floor", "basic_research_floor")
_CLASS_WORDS = {**{c: c for c in SIZE_CLASSES}, "初创": "startup", "小型": "small",
                "中型": "medium", "大型": "large"}


def parse_policy_sheet(raw: pd.DataFrame, *, file: str | None = None) -> Policy:
    """Parse a ``policy`` sheet of ``key``/``value`` rows (a ``note`` column is ignored).

    Values are read by the same cell parser as the firms sheet (``¥500,000,000``
    is a number on both); every key is checked here, so errors carry a code.

    Raises
    ------
    InputError
        With the row of the key at fault and the column ``value`` (or ``key``
        for an unknown, repeated, reserved or misplaced key); a key that is
        missing altogether is reported against the sheet.
    """
    sheet = "policy"
    aliases = policy_header_aliases()
    header = raw.iloc[0].tolist() if raw.shape[0] else []
    positions = {aliases[h]: j for j, h in enumerate(map(normalise_header, header)) if h in aliases}
    if "key" not in positions or "value" not in positions:
        raise InputError("input.policy.header", file=file, sheet=sheet, row=1)
    letters = {c: column_letter(positions[c]) for c in ("key", "value")}

    def error(code: str, key: str, row: int | None, column: str = "value",
              **fields: str) -> InputError:
        said: dict[str, Any] = dict(fields)
        if row is None:
            return InputError(code, file=file, sheet=sheet, key=key, **said)
        return InputError(code, file=file, sheet=sheet, row=row, column=column,
                          cell=f"{letters[column]}{row}", key=key, **said)

    rows: dict[str, int] = {}
    values: dict[str, Any] = {}
    for i in range(1, raw.shape[0]):
        key_cell, value = (raw.iat[i, positions[c]] for c in ("key", "value"))
        key = normal_text(key_cell) if isinstance(key_cell, str) else key_cell
        if is_blank(key) and is_blank(value):
            continue
        if is_blank(key):
            raise InputError("input.policy.key_blank", file=file, sheet=sheet, row=i + 1,
                             column="key", cell=f"{letters['key']}{i + 1}")
        key = str(key)
        if key in rows:
            raise error("input.policy.twice", key, i + 1, "key", first=str(rows[key]))
        rows[key] = i + 1
        values[key] = "" if is_blank(value) else value
    programs = {k.removeprefix("budget."): k for k in values if k.startswith("budget.")}
    for program, key in programs.items():
        if program in RESERVED_PROGRAMS:
            raise error("input.policy.reserved", key, rows[key], "key", program=program,
                        reserved=", ".join(sorted(RESERVED_PROGRAMS)))
        if not _PROGRAM.match(program):
            raise error("input.policy.program_name", key, rows[key], "key", program=program)
    for required in ("model", "training"):
        if required not in programs:
            raise error("policy.required_budget", f"budget.{required}", None)
    items: list[tuple[str, Any]] = []
    for key, value in values.items():
        parsed = _policy_value(key, value, set(programs))
        if isinstance(parsed, Problem):
            column = "key" if parsed.code in _KEY_PROBLEMS else "value"
            raise error(parsed.code, key, rows[key], column, **parsed.fields)
        items.append((key, parsed))
    for program in programs:
        if program not in DEFAULT_RATES and f"rate.{program}" not in values:
            raise error("policy.required_rate", f"rate.{program}", None, program=program)
    try:
        return Policy.from_items(items)
    except PolicyError as err:  # a rule this layer does not check itself: its own code, located
        column = "key" if err.code in _KEY_PROBLEMS else "value"
        raise error(err.code, err.key, rows.get(err.key), column, **err.fields) from None


#: Codes about the key itself (the ``key`` column is at fault, not the ``value``).
_KEY_PROBLEMS = {"policy.unknown", "policy.no_budget", "policy.size_class"}


def _policy_value(key: str, value: Any, programs: set[str]) -> Any:
    """The value of one policy row, checked and typed (a float, text or bool), or a Problem."""
    head, _, rest = key.partition(".")
    if head == "budget" and rest:
        return _number(value, 0.0)
    if head in ("rate", "cap") and rest and key != "cap.total":
        program, _, size_class = rest.partition(".")
        if program not in programs:
            return Problem("policy.no_budget", {"program": program})
        if size_class and (head == "cap" or size_class not in _CLASS_WORDS):
            return Problem("policy.size_class", {"got": show(size_class),
                                                       "allowed": ", ".join(SIZE_CLASSES)})
        return _number(value, 0.0, 1.0, percent=True) if head == "rate" else _number(value, 0.0)
    if key == "cap.total":
        return _number(value, 0.0)
    if head == "min_score" and rest:
        if rest not in _CLASS_WORDS:
            return Problem("policy.size_class", {"got": show(rest),
                                                       "allowed": ", ".join(SIZE_CLASSES)})
        return _number(value, 0.0, 100.0)
    if key in _SHARES:
        return _number(value, 0.0, 1.0, percent=True)
    if head == "reserve" and rest:
        if rest not in programs:  # reserve.total, reserve.note: no such pool
            return Problem("policy.no_budget", {"program": rest})
        return _number(value, 0.0, 1.0, percent=True)
    if key == "objective":
        choice = str(value).strip().lower() if isinstance(value, str) else None
        allowed = ", ".join(Objective)
        if choice not in set(Objective):
            return Problem("input.labels.bad", {"allowed": allowed, "got": show(value)})
        return choice
    if key == "returns.tiers":
        return _tiers(value)
    if key == "leximin.districts":
        if value == "":
            return "no"
        flag = label_cell(value, YES_NO_LABELS, "")  # its own sentence: policy.yes_no
        if isinstance(flag, Problem):
            return Problem("policy.yes_no", {"got": show(value)})
        return "yes" if flag else "no"
    if head == "redemption" or key == "overspend_risk":  # ranges and forms checked by Policy
        return _number(value, 0.0, percent=True)
    return Problem("policy.unknown", {})


def _number(value: Any, low: float, high: float = math.inf, *,
            percent: bool = False) -> float | Problem:
    if is_blank(value):
        return Problem("input.blank.required")
    number = amount_cell(value, percent=percent)
    if isinstance(number, Problem):
        return number
    if not low <= number <= high:
        if high < math.inf:
            return Problem("input.number.range", {"low": f"{low:g}", "high": f"{high:g}",
                                                  "got": show(value)})
        return Problem("input.number.min", {"low": f"{low:g}", "got": show(value)})
    return number


def _tiers(value: Any) -> str | Problem:
    """``"0.5:1, 1:0.5"``: shares rising to 1, weights not rising (returns diminish)."""
    if not isinstance(value, str):
        return "" if is_blank(value) else Problem("policy.tiers", {"got": show(value)})
    text = normal_text(value)
    if not text:
        return ""
    shares: list[float] = []
    weights: list[float] = []
    for part in text.replace(";", ",").split(","):
        share_text, sep, weight_text = part.partition(":")
        share, weight = _number(share_text, 0.0, 1.0), _number(weight_text, 0.0)
        if not sep or isinstance(share, Problem) or isinstance(weight, Problem):
            return Problem("policy.tiers", {"got": show(text)})
        shares.append(share)
        weights.append(weight)
    if any(b <= a for a, b in pairwise(shares)) or shares[-1] != 1:
        return Problem("policy.tier_rise", {"got": show(text)})
    if any(b > a for a, b in pairwise(weights)):
        return Problem("policy.tier_weights", {"got": show(text)})
    return text
