"""What the commands share: loading a scenario, writing files, printing JSON, exit codes."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from inputs import load_scenario_checked
from inputs.builtin import default_scenario
from optimizer import Scenario, Status
from optimizer.catalog import Lang, as_lang, text

EXIT_OK, EXIT_ERROR, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3


class CliError(Exception):
    """A bad argument (a path, a number, a port): a catalog code and its fields; exit 2."""

    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.fields = {k: str(v) for k, v in fields.items()}
        super().__init__(self.render("en"))

    def render(self, lang: Lang) -> str:
        return text(self.code, lang, **self.fields)


def lang_of(args: Any) -> Lang:
    """The language the command was asked to speak (Chinese by default)."""
    return as_lang(getattr(args, "lang", "zh"))


def add_lang(parser: Any) -> None:
    """The ``--lang`` option every command has."""
    parser.add_argument("--lang", choices=["zh", "en"], default="zh",
                        help="language of the output and of messages (default: zh)")


def scenario_from(path: str | None, lang: Lang = "zh") -> Scenario:
    """The scenario in ``path``, or the built-in Shenzhen default when None.

    Warnings (amounts in 万元, a pool in the wrong unit) are printed on stderr.
    """
    if path is None:
        return default_scenario()
    loaded = load_scenario_checked(Path(path))
    for warning in loaded.warnings:
        print(text("cli.warning", lang, message=warning.render(lang)), file=sys.stderr)
    return loaded.scenario


def check_out(path: str | None) -> Path | None:
    """The ``--out`` path, checked before any work: its folder must exist."""
    if path is None:
        return None
    out = Path(path)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CliError("cli.out_folder_missing", path=path, folder=str(folder))
    if out.is_dir():
        raise CliError("cli.out_unwritable", path=path, detail="is a folder")
    return out


def write_out(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``; a failure is an argument error (exit 2), not a traceback."""
    try:
        path.write_bytes(data)
    except OSError as err:
        raise CliError("cli.out_unwritable", path=str(path),
                       detail=err.strerror or type(err).__name__) from None


def finite(value: float, option: str) -> float:
    """``value`` if it is a finite number (``--to inf`` and ``nan`` are refused)."""
    if not math.isfinite(value):
        raise CliError("cli.not_finite", option=option, got=value)
    return value


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
