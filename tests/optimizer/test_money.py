"""Money as officers write it: the examples in optimizer.units' docstrings, and more."""

from __future__ import annotations

import doctest

import optimizer.units as units
from optimizer.units import share, yuan


def test_docstring_examples():
    outcome = doctest.testmod(units)
    assert outcome.attempted >= 5 and outcome.failed == 0


def test_units_switch_at_wan_and_yi():
    assert yuan(9_999, "zh") == "9,999元"
    assert yuan(10_000, "zh") == "1万元"
    assert yuan(100_000_000, "zh") == "1亿元"
    assert yuan(150_000_000, "zh") == "1.5亿元"
    assert yuan(500_000_000, "en") == "¥500.0M"
    assert share(0.35) == "35%" and share(0.351) == "35.1%"
