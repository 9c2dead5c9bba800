"""Header and label maps: the Chinese and English names a scenario file may use.

English names are canonical. Chinese headers and labels come from
:mod:`inputs.scenario_sheets` (which writes them as header comments), so
the two directions cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inputs.scenario_sheets import COLUMN_LABELS, OVERRIDE_LABELS, column_label
from optimizer.overrides import override_columns
from optimizer.scenario import APPLIED_ON, FIRM_COLUMNS, PROGRAM_ZH, SIZE_CLASS_ZH, request_column

#: Sheet names accepted for the two sheets (after stripping and lower-casing).
SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "firms": ("firms", "企业"),
    "policy": ("policy", "政策"),
}

#: Firms columns that must be present (request columns are required per program).
REQUIRED_COLUMNS: tuple[str, ...] = ("firm_id", "size_class", "district", "score")
#: Firms columns that may be left out: name (""), basic_research (no), applied_on.
#: The override columns (``fixed.P``, ``min.P``, ``max.P``, ``exclude``, ``note``)
#: are optional too (:func:`optimizer.overrides.override_columns`).
OPTIONAL_COLUMNS: tuple[str, ...] = ("name", "basic_research", APPLIED_ON)

#: Policy sheet headers: canonical → accepted names. ``note`` is read and ignored.
POLICY_HEADERS: dict[str, tuple[str, ...]] = {
    "key": ("key", "键", "参数"),
    "value": ("value", "值"),
    "note": ("note", "说明", "备注"),
}

#: Size-class labels (normalised) → canonical size class.
SIZE_CLASS_LABELS: dict[str, str] = {
    **{str(c): str(c) for c in SIZE_CLASS_ZH},
    **{zh: str(c) for c, zh in SIZE_CLASS_ZH.items()},
    **{f"{zh}企业": str(c) for c, zh in SIZE_CLASS_ZH.items()},
}
SIZE_CLASSES_SHOWN = "startup, small, medium, large (初创, 小型, 中型, 大型)"

#: Yes/no labels (normalised; blank is handled separately as no).
YES_NO_LABELS: dict[str, bool] = {
    "yes": True, "y": True, "true": True, "1": True, "是": True,
    "no": False, "n": False, "false": False, "0": False, "否": False,
}  # fmt: skip


def normalise_header(value: Any) -> str:
    """Header text as compared: stripped, lower-case, spaces and hyphens as ``_``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip().lower()
    return "_".join(text.replace("-", " ").split())


def firm_columns(programs: Iterable[str]) -> tuple[str, ...]:
    """Every canonical firms column a scenario with ``programs`` can use."""
    programs = tuple(programs)
    return (*FIRM_COLUMNS, APPLIED_ON, *(request_column(p) for p in programs),
            *override_columns(programs))


def zh_name(column: str) -> str | None:
    """The Chinese header of a canonical firms column, or None (generic programs)."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column][0]
    if column.partition(".")[0] in OVERRIDE_LABELS:
        return column_label(column)[0]
    program = column.removesuffix("_request")
    if program != column and program in PROGRAM_ZH:
        return f"{PROGRAM_ZH[program]}申请额"
    return None


def both_names(column: str) -> str:
    """``"score (评审得分)"``: the canonical name and, if there is one, the Chinese."""
    zh = zh_name(column)
    return f"{column} ({zh})" if zh else column


def firm_header_aliases(programs: Iterable[str]) -> dict[str, str]:
    """Normalised header → canonical firms column, for a policy with ``programs``."""
    aliases: dict[str, str] = {}
    for column in firm_columns(programs):
        aliases[normalise_header(column)] = column
        zh = zh_name(column)
        if zh:
            aliases[normalise_header(zh)] = column
        kind, dot, program = column.partition(".")
        if dot and kind in OVERRIDE_LABELS:  # 固定额.training as well as 固定额.训力券
            aliases[normalise_header(f"{OVERRIDE_LABELS[kind]}.{program}")] = column
    return aliases


def policy_header_aliases() -> dict[str, str]:
    """Normalised policy-sheet header → ``key``, ``value`` or ``note``."""
    return {normalise_header(a): k for k, names in POLICY_HEADERS.items() for a in names}


def find_sheet(names: Iterable[str], canonical: str) -> str | None:
    """The actual name of sheet ``canonical`` among ``names`` (aliases, any case)."""
    accepted = {normalise_header(a) for a in SHEET_ALIASES[canonical]}
    for name in names:
        if normalise_header(name) in accepted:
            return name
    return None
