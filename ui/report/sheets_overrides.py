"""The Overrides / 调整与承诺 sheet: every firm an officer pinned, bounded or excluded.

One row per firm with an override (:mod:`optimizer.overrides`): its fixed
awards, minimums and maximums per program (万元), whether it is excluded, its
award, the reason code and its note. Written only when the scenario has
overrides.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optimizer.catalog import text
from optimizer.overrides import KINDS, read_overrides
from ui.report.figures import Figures
from ui.report.labels import program_label, reason_code_label
from ui.report.styles import Grid, txt, wan


def has_overrides(figures: Figures) -> bool:
    """Whether the sheet is written: some firm has an override."""
    return read_overrides(figures.result.scenario).any


def write_overrides(ws: Any, figures: Figures) -> None:
    """Fill the overrides sheet (an optimal result with overrides)."""
    lang = figures.lang
    result = figures.result
    firms = result.scenario.firms
    programs = result.programs
    o = read_overrides(result.scenario)
    values = {"fixed": o.fixed, "min": o.minimum, "max": o.maximum}
    reasons = figures.reasons
    grid = Grid()
    grid.add(txt(f"{text('report.sheet.overrides', lang)} — {result.scenario.name}", "title",
                 spill=True))
    grid.add(txt(text("report.overrides_intro", lang), spill=True))
    grid.blank()
    headers = [text("report.firm_id", lang), text("report.name", lang)]
    for kind in KINDS:
        for p in programs:
            label = text("report.override_column", lang, program=program_label(p, lang),
                         kind=text(f"report.override.{kind}", lang))
            headers.append(label[:1].upper() + label[1:])
    headers += [text("report.override.exclude", lang), text("report.total", lang),
                text("report.reason", lang), text("report.override.note", lang)]
    grid.add(*(txt(h, "header") for h in headers))
    yes, no = text("report.yes", lang), text("report.no", lang)
    for i in np.flatnonzero(o.overridden()):
        cells = [txt(str(firms["firm_id"].iloc[i])), txt(str(firms["name"].iloc[i]))]
        for kind in KINDS:
            for j in range(len(programs)):
                value = float(values[kind][i, j])
                cells.append(wan(None if np.isnan(value) else value))
        reason = "" if reasons is None else str(reasons["reason"].iloc[i])
        cells += [txt(yes if o.excluded[i] else no), wan(float(result.amounts[i].sum())),
                  txt(reason_code_label(reason, lang) if reason else ""),
                  txt(str(o.notes[i]), wrap=True)]
        grid.add(*cells)
    grid.write(ws)
