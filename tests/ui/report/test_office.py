"""The report opens in a real spreadsheet program: LibreOffice converts it to PDF.

Skipped only where LibreOffice is missing on a developer's machine; under CI
(``CI=true``) a missing ``soffice`` fails, since the project's set-up installs it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.office

#: Seconds LibreOffice may take for one small report (its first start is slow).
TIMEOUT = 180


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("soffice is missing under CI; `make system-deps` installs LibreOffice")
    pytest.skip("LibreOffice (soffice) is not installed")


def convert(data: bytes, tmp_path: Path, name: str) -> Path:
    """Write ``data`` as ``name``.xlsx and convert it to PDF with a private LibreOffice profile."""
    soffice = _soffice()
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    completed = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )
    pdf = out / f"{name}.pdf"
    assert completed.returncode == 0, completed.stderr
    assert pdf.exists(), f"no PDF: {completed.stdout} {completed.stderr}"
    return pdf


@pytest.mark.parametrize("fixture", ["report_zh", "report_en"])
def test_libreoffice_converts_the_report(fixture: str, tmp_path: Path,
                                         request: pytest.FixtureRequest) -> None:
    data: bytes = request.getfixturevalue(fixture)
    charts = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
              if n.startswith("xl/charts/")]
    assert len(charts) == 7  # 2 + 2 group charts, baselines, comparison, frontier
    pdf = convert(data, tmp_path, fixture)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert content.count(b"/Type /Page") + content.count(b"/Type/Page") > 5
