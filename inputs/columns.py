"""Header and label maps: the Chinese and English names a scenario file may use.

English names are canonical. Chinese headers and labels come from
:mod:`inputs.scenario_sheets` (which writes them as header comments), so
the two directions cannot drift apart.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from inputs.errors import InputError, column_letter
from inputs.scenario_sheets import COLUMN_LABELS, OVERRIDE_LABELS, column_label
from optimizer.overrides import KINDS, override_columns
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

#: Columns of a ledger of lapsed vouchers (``voucher-opt round next --lapsed``):
#: canonical name → accepted headers (English, Chinese).
LEDGER_HEADERS: dict[str, tuple[str, ...]] = {
    "firm_id": ("firm_id", "企业编号"),
    "program": ("program", "券种"),
    "lapsed": ("lapsed", "失效金额"),
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


#: A unit suffix of a header: ``（元）``, ``(yuan)``, ``（万元）`` (ASCII brackets after NFKC).
_UNIT = re.compile(r"\s*\(\s*(元|yuan|rmb|cny|¥|万元|10k_?yuan)\s*\)$", re.IGNORECASE)
_WAN_UNITS = {"万元", "10k_yuan", "10kyuan"}


def normalise_header(value: Any) -> str:
    """Header text as compared: NFKC, stripped, lower-case, spaces and hyphens as ``_``,
    without a unit suffix such as ``（元）`` (see :func:`header_unit`)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = _UNIT.sub("", text)
    return "_".join(text.replace("-", " ").split())


#: The first part of an override amount header, in English or Chinese (``fixed``, ``固定额``).
_OVERRIDE_KINDS: frozenset[str] = frozenset(
    {*KINDS, *(normalise_header(zh) for zh in OVERRIDE_LABELS.values())})


def header_unit(value: Any) -> str | None:
    """The unit suffix of a header (``"元"``, ``"万元"``, ...), or None.

    >>> header_unit("模型券申请额（万元）"), header_unit("score")
    ('万元', None)
    """
    if not isinstance(value, str):
        return None
    match = _UNIT.search(unicodedata.normalize("NFKC", value).strip().lower())
    return match.group(1) if match else None


@dataclass(frozen=True)
class HeaderMap:
    """Where each canonical firms column is (0-based), the headers as found, and the
    amount columns (requests, override amounts) are in 万元 (multiplied by 10,000 when read)."""

    positions: dict[str, int]
    found: dict[str, str]
    wan: frozenset[str]


def closest_header(column: str, found: Sequence[str]) -> str:
    """The header among ``found`` closest to ``column`` (English or Chinese name), or "-"."""
    wanted = [normalise_header(column), normalise_header(zh_name(column) or column)]
    normal = {normalise_header(h): h for h in found if str(h).strip()}
    best: tuple[float, str] = (0.0, "-")
    for name in wanted:
        for match in difflib.get_close_matches(name, list(normal), n=1, cutoff=0.5):
            ratio = difflib.SequenceMatcher(None, name, match).ratio()
            best = max(best, (ratio, normal[match]))
    return best[1]


def map_header(header: list[Any], programs: Sequence[str], *, file: str | None,
               sheet: str) -> HeaderMap:
    """Map a firms header row to canonical columns.

    Raises
    ------
    InputError
        ``input.header.twice`` for a column given twice, ``input.header.missing``
        (naming the headers found and the closest) for a required column missing.
    """
    aliases = firm_header_aliases(programs)
    positions: dict[str, int] = {}
    found: dict[str, str] = {}
    wan: set[str] = set()
    for j, cell in enumerate(header):
        column = aliases.get(normalise_header(cell))
        if column is None:
            stray = _stray_override(cell, aliases, programs)
            if stray is not None:  # a commitment must never be dropped as an unknown column
                raise InputError("input.header.override_program", file=file, sheet=sheet, row=1,
                                 cell=f"{column_letter(j)}1", header=str(cell).strip(),
                                 programs=", ".join(programs), closest=stray)
            continue  # unknown extra columns are allowed and ignored
        if column in positions:
            raise InputError("input.header.twice", file=file, sheet=sheet, row=1, column=column,
                             cell=f"{column_letter(j)}1", first=column_letter(positions[column]),
                             name=both_names(column))
        positions[column] = j
        found[column] = str(cell).strip()
        if header_unit(cell) in _WAN_UNITS:
            if not is_amount_column(column):
                raise InputError("input.header.wan_not_money", file=file, sheet=sheet, row=1,
                                 column=column, cell=f"{column_letter(j)}1", header=found[column])
            wan.add(column)
    shown = [str(h).strip() for h in header if not _empty(h)]
    required = [*(request_column(p) for p in programs), *REQUIRED_COLUMNS]
    for column in required:
        if column not in positions:
            program = column.removesuffix("_request") if column.endswith("_request") else ""
            raise InputError("input.header.missing_program" if program else "input.header.missing",
                             file=file, sheet=sheet, row=1, column=column,
                             wanted=both_names(column),
                             program=program, found=", ".join(shown) or "-",
                             closest=closest_header(column, shown))
    return HeaderMap(positions, found, frozenset(wan))


def _stray_override(cell: Any, aliases: dict[str, str], programs: Sequence[str]) -> str | None:
    """For a header shaped like an override amount (``fixed.P``, ``固定额.P``) whose program
    the policy lacks: the closest override column (``"-"`` if none); otherwise None."""
    normal = normalise_header(cell)
    kind, dot, program = normal.partition(".")
    if not (dot and program and kind in _OVERRIDE_KINDS):
        return None
    known = [h for h, c in aliases.items() if c.partition(".")[0] in KINDS]
    match = difflib.get_close_matches(normal, known, n=1, cutoff=0.5)
    return both_names(aliases[match[0]]) if match else "-"


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def is_amount_column(column: str) -> bool:
    """Whether a canonical firms column holds yuan: a request or an override amount
    (``fixed.P``, ``min.P``, ``max.P``), so that a ``（万元）`` header scales it."""
    return column.endswith("_request") or column.partition(".")[0] in KINDS


def firm_columns(programs: Iterable[str]) -> tuple[str, ...]:
    """Every canonical firms column a scenario with ``programs`` can use."""
    programs = tuple(programs)
    return (*FIRM_COLUMNS, APPLIED_ON, *(request_column(p) for p in programs),
            *override_columns(programs))


def zh_name(column: str) -> str | None:
    """The Chinese header of a canonical firms column, or None (generic programs)."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column][0]
    if column in LEDGER_HEADERS:  # the ledger's own columns, named in its errors
        return LEDGER_HEADERS[column][1]
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


def find_sheet(names: Iterable[str], canonical: str, *, file: str | None = None) -> str | None:
    """The actual name of sheet ``canonical`` among ``names`` (aliases, any case).

    Raises
    ------
    InputError
        ``input.sheet.ambiguous`` when two sheets could both be it (``firms`` and ``企业``).
    """
    accepted = {normalise_header(a) for a in SHEET_ALIASES[canonical]}
    matches = [name for name in names if normalise_header(name) in accepted]
    if len(matches) > 1:
        raise InputError("input.sheet.ambiguous", file=file, sheet=canonical,
                         first=repr(matches[0]), second=repr(matches[1]))
    return matches[0] if matches else None
