"""Every way the policy refuses a key or value: a catalog code, rendered in either language."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path
from typing import Any

import pytest

import optimizer.policy
from optimizer.catalog import CATALOG, LANGS
from optimizer.policy import Policy, PolicyError

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")
BUDGETS: list[tuple[str, Any]] = [("budget.model", 100_000_000), ("budget.training", 500_000_000)]

#: (what is wrong, policy rows, key at fault, code), one or more for every raise site.
CASES: list[tuple[str, list[tuple[str, Any]], str, str]] = [
    ("unknown key", [*BUDGETS, ("budget_total", 1)], "budget_total", "policy.unknown"),
    ("twice", [*BUDGETS, ("objective", "impact"), ("objective", "maxmin")], "objective",
     "policy.twice"),
    ("not a number", [*BUDGETS, ("rate.model", "half")], "rate.model",
     "input.number.not_number"),
    ("a boolean", [*BUDGETS, ("large_cap", True)], "large_cap", "input.number.not_number"),
    ("not finite", [*BUDGETS, ("cap.total", "inf")], "cap.total", "input.number.not_finite"),
    ("out of range", [*BUDGETS, ("rate.model", 1.5)], "rate.model", "input.number.range"),
    ("below the least", [*BUDGETS, ("cap.model", -1)], "cap.model", "input.number.min"),
    ("yes/no", [*BUDGETS, ("leximin.districts", "maybe")], "leximin.districts",
     "policy.yes_no"),
    ("unknown size class", [*BUDGETS, ("min_score.huge", 50)], "min_score.huge",
     "policy.size_class"),
    ("tiers written badly", [*BUDGETS, ("returns.tiers", "0.5-1, 1:0.5")], "returns.tiers",
     "policy.tiers"),
    ("tier shares fall", [*BUDGETS, ("returns.tiers", "1:1, 0.5:0.5")], "returns.tiers",
     "policy.tier_rise"),
    ("tier weights rise", [*BUDGETS, ("returns.tiers", "0.5:0.5, 1:1")], "returns.tiers",
     "policy.tier_weights"),
    ("required budget", [BUDGETS[0]], "budget.training", "policy.required_budget"),
    ("program without budget", [*BUDGETS, ("rate.corpus", 0.5)], "rate.corpus",
     "policy.no_budget"),
    ("objective not allowed", [*BUDGETS, ("objective", "fastest")], "objective",
     "input.labels.bad"),
    ("required rate", [*BUDGETS, ("budget.corpus", 10_000_000)], "rate.corpus",
     "policy.required_rate"),
]


def _refusal(items: list[tuple[str, Any]]) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        Policy.from_items(items)
    return caught.value


def _codes_raised_in_source() -> set[str]:
    """The code of every ``raise PolicyError(key, code, ...)`` in optimizer/policy.py."""
    tree = ast.parse(Path(optimizer.policy.__file__).read_text(encoding="utf-8"))
    codes = set()
    for node in ast.walk(tree):
        call = node.exc if isinstance(node, ast.Raise) else None
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "PolicyError":
            code = call.args[1]
            assert isinstance(code, ast.Constant), ast.unparse(call)  # a literal code, always
            codes.add(code.value)
    return codes


def test_every_code_raised_is_in_the_catalog_and_triggered_here() -> None:
    raised = _codes_raised_in_source()
    assert raised <= set(CATALOG), raised - set(CATALOG)
    assert raised == {code for *_, code in CASES}


@pytest.mark.parametrize(("items", "key", "code"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_refusal_carries_its_code_and_renders_in_both_languages(
        items: list[tuple[str, Any]], key: str, code: str) -> None:
    err = _refusal(items)
    assert (err.key, err.code) == (key, code)
    assert all(isinstance(v, str) for v in err.fields.values())
    zh, en = (err.text(lang) for lang in LANGS)
    assert err.text() == zh and err.message == en and str(err) == f"{key}: {en}"
    data = list(err.fields.values())
    zh_words, en_words = (_without(said, data) for said in (zh, en))
    assert CJK.search(zh_words), zh
    assert not ENGLISH_RUN.search(zh_words), zh
    assert not CJK.search(en_words), en
    again = pickle.loads(pickle.dumps(err))
    assert (again.key, again.code, again.fields) == (err.key, err.code, err.fields)


def test_the_values_are_quoted_as_given() -> None:
    err = _refusal([*BUDGETS, ("returns.tiers", "0.5:0.5, 1:1")])
    assert err.text("zh") == "各档权重不应递增（收益递减），实际为 '0.5:0.5, 1:1'"
    err = _refusal([*BUDGETS, ("rate.model", 1.5)])
    assert err.text("en") == "must be between 0 and 1, got 1.5"
    assert err.text("zh") == "应在 0 到 1 之间，实际为 1.5"


def _without(said: str, data: list[str]) -> str:
    """The sentence without the values it quotes (a key or value may be in either language)."""
    for value in sorted(data, key=len, reverse=True):
        said = said.replace(value, "")
    return said
