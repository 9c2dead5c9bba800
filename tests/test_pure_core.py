"""The core ``optimizer/`` stays pure: no file formats, no files, no clock, no platform.

Every module of the package is parsed (not imported) and its imports and calls
are checked, so a workbook writer, a ``datetime.now()`` or an ``open()`` that
creeps back into the core fails here with the file and line. Timing a step with
``time.perf_counter`` is allowed: it measures, it does not date anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "optimizer"

#: Top-level modules the core must not import (file formats, file system, platform, app).
FORBIDDEN_MODULES = frozenset({
    "openpyxl", "zipfile", "lxml", "xlsxwriter", "platform", "streamlit",
    "os", "shutil", "tempfile", "pathlib", "io", "importlib.metadata",
})

#: Calls the core must not make: the clock, files and the interpreter's streams.
FORBIDDEN_CALLS = frozenset({
    "open", "datetime.now", "datetime.today", "datetime.utcnow", "date.today",
    "datetime.datetime.now", "datetime.date.today", "time.time", "time.time_ns",
    "time.localtime", "time.gmtime", "os.dup", "os.dup2", "sys.stdout.flush",
    "platform.python_version",
})


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for an attribute chain of names, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _forbidden_module(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES)


def violations(source: str) -> list[str]:
    """Each forbidden import or call in ``source``, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if _forbidden_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(_forbidden_module(name) for name in names):
                found.append(f"{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in FORBIDDEN_CALLS:
                found.append(f"{node.lineno}: {name}()")
    return found


MODULES = [pytest.param(path, id=str(path.relative_to(CORE)))
           for path in sorted(CORE.rglob("*.py"))]


@pytest.mark.parametrize("path", MODULES)
def test_the_core_module_is_pure(path: Path) -> None:
    found = violations(path.read_text(encoding="utf-8"))
    assert not found, f"optimizer/{path.relative_to(CORE)} is not pure: " + "; ".join(found)


def test_the_core_has_no_workbook_or_report_package() -> None:
    assert not (CORE / "report").exists(), "the report belongs in ui/report/"
    assert not (CORE / "xlsx_stream.py").exists(), "workbook writing belongs in inputs/"
    assert not (CORE / "scenario_sheets.py").exists(), "workbook writing belongs in inputs/"


@pytest.mark.parametrize("source", [
    "import openpyxl",
    "from zipfile import ZipFile",
    "from lxml import etree",
    "import platform",
    "from importlib import metadata",
    "import os.path",
    "from datetime import datetime\nx = datetime.now()",
    "import time\nx = time.time()",
    "with open('f') as f: pass",
])
def test_the_check_catches(source: str) -> None:
    assert violations(source), source


def test_the_check_allows_timing_and_plain_code() -> None:
    assert violations("import time\nx = time.perf_counter()\nimport numpy as np") == []
