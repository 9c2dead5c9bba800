"""What the commands share: loading a scenario, printing JSON, exit codes."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from inputs import load_scenario
from inputs.builtin import default_scenario
from optimizer import Scenario, Status

EXIT_OK, EXIT_ERROR, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3


def scenario_from(path: str | None) -> Scenario:
    """The scenario in ``path``, or the built-in Shenzhen default when None."""
    return default_scenario() if path is None else load_scenario(Path(path))


def exit_code(status: Status) -> int:
    return {Status.OPTIMAL: EXIT_OK, Status.INFEASIBLE: EXIT_INFEASIBLE}.get(status, EXIT_ERROR)


def clean(value: Any) -> Any:
    """NaN and infinities become null; numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def print_json(payload: dict[str, Any]) -> None:
    """One JSON object on stdout, nothing else."""
    sys.stdout.write(json.dumps(clean(payload), ensure_ascii=False, allow_nan=False))
    sys.stdout.write("\n")
    sys.stdout.flush()
