"""The next application round: earlier awards carried as commitments, new applicants added.

A round's input is its previous round's report workbook (the report holds the
scenario's own ``firms`` and ``policy`` sheets and an allocations sheet), the
new applicants (a firms CSV or workbook) and, optionally, a ledger of lapsed
vouchers. :func:`next_round` builds the next scenario:

- every earlier awardee that does not apply again is carried with
  ``fixed.P`` = its award in P less what lapsed (exactly that, this round);
- a firm applying again (same ``firm_id``) keeps one row: its request is the
  earlier request plus the new one, ``min.P`` is its commitment (award less
  lapsed) and ``max.P`` the commitment plus rate × the new request, so the
  new request competes for money on top of the commitment and is never
  counted twice;
- new applicants are added as they are;
- the pools and rules stay the previous round's (the year's pools: what was
  committed counts against them, and what lapsed is free again), with
  ``reserve.P`` set as asked.

Everything but reading bytes is pure: :func:`parse_awards` and
:func:`parse_ledger` take raw sheets.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from inputs.columns import find_sheet, normalise_header
from inputs.errors import InputError, column_letter
from inputs.firms import parse_firms_sheet
from inputs.scenario_io import CSV_SUFFIXES, decode_csv, parse_scenario
from optimizer.catalog import LANGS, Lang, has, text
from optimizer.money import yuan
from optimizer.overrides import NOTE, apply_overrides, override_column, read_overrides
from optimizer.policy import SIZE_CLASSES
from optimizer.scenario import PROGRAM_ZH, Scenario, request_column

#: The report's allocations sheet, as the report names it in each language.
AWARDS_SHEETS: tuple[str, ...] = tuple(text("report.sheet.allocations", lang) for lang in LANGS)
#: The report's firm-id header in each language.
AWARDS_ID_HEADERS: tuple[str, ...] = ("企业编号", "Firm id", "firm_id")
#: Yuan per 万元: the report shows awards in 万元.
WAN_YUAN = 1e4
#: Ledger columns: canonical name → accepted headers.
LEDGER_HEADERS: dict[str, tuple[str, ...]] = {
    "firm_id": ("firm_id", "企业编号"),
    "program": ("program", "券种"),
    "lapsed": ("lapsed", "失效金额"),
}
LEDGER_SHEET = "lapsed"


def award_headers(program: str) -> tuple[str, ...]:
    """The report's award column of ``program``, in Chinese and English.

    ``训力券分配（万元）`` / ``Training vouchers award (¥10k)``: the catalog's
    ``report.per_program`` of the program's glossary name and ``report.amount``,
    as the report writes them (a test reads back reports in both languages).
    """
    out = []
    for lang in LANGS:
        key = f"program.{program}"
        name = text(key, lang) if has(key) else program
        label = text("report.per_program", lang, program=name, what=text("report.amount", lang))
        out.append(label[:1].upper() + label[1:])
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Previous:
    """The previous round: its scenario and what each firm was awarded (yuan, firms × programs)."""

    scenario: Scenario
    awards: np.ndarray


def _read_sheets(data: bytes, filename: str) -> dict[str, pd.DataFrame]:
    try:
        sheets: dict[str, pd.DataFrame] = pd.read_excel(
            io.BytesIO(data), sheet_name=None, header=None, engine="calamine")
    except Exception as err:  # calamine raises its own types for corrupt files
        message = " ".join(str(err).split())[:200] or type(err).__name__
        raise InputError(f"cannot read the workbook: {message}", file=filename) from None
    return sheets


def read_previous(data: bytes, filename: str) -> Previous:
    """The previous round from the bytes of its report workbook."""
    sheets = _read_sheets(data, filename)
    scenario = parse_scenario(sheets, source=filename)
    return Previous(scenario, parse_awards(sheets, scenario, filename))


def parse_awards(sheets: Mapping[str, pd.DataFrame], scenario: Scenario,
                 file: str) -> np.ndarray:
    """Awards per firm and program (yuan) from a report's allocations sheet.

    Raises
    ------
    InputError
        When the workbook has no allocations sheet (not a report, or an
        infeasible one), lacks a column, or names a firm its firms sheet lacks.
    """
    names = {normalise_header(n): n for n in sheets}
    found = next((names[k] for k in map(normalise_header, AWARDS_SHEETS) if k in names), None)
    if found is None:
        raise InputError("has no allocations sheet (分配明细): it is not the report of a "
                         "solved round", file=file)
    raw = sheets[found]
    header = [normalise_header(h) for h in raw.iloc[0].tolist()] if len(raw) else []

    def position(accepted: tuple[str, ...], column: str) -> int:
        for name in accepted:
            if normalise_header(name) in header:
                return header.index(normalise_header(name))
        raise InputError(f"required column {column} is missing", file=file, sheet=found,
                         row=1, column=column)

    id_at = position(AWARDS_ID_HEADERS, "firm_id")
    body = raw.iloc[1:]
    ids = body.iloc[:, id_at].map(_id_text).to_numpy(dtype=object)
    row_of = {str(f): i for i, f in enumerate(scenario.firms["firm_id"].astype(str))}
    awards = np.zeros((len(scenario.firms), len(scenario.programs)))
    for j, program in enumerate(scenario.programs):
        at = position(award_headers(program), f"{program} award")
        values = pd.to_numeric(body.iloc[:, at], errors="coerce").to_numpy(dtype=float)
        for k, (firm, value) in enumerate(zip(ids, values, strict=True)):
            if firm is None:
                continue
            if firm not in row_of:
                raise InputError(f"firm {firm} is not in the firms sheet", file=file,
                                 sheet=found, row=k + 2, column="firm_id",
                                 cell=f"{column_letter(id_at)}{k + 2}")
            if not math.isfinite(value) or value < 0:
                raise InputError(f"must be a number ≥ 0, got {body.iat[k, at]!r}", file=file,
                                 sheet=found, row=k + 2, column=f"{program} award",
                                 cell=f"{column_letter(at)}{k + 2}")
            awards[row_of[firm], j] = round(value * WAN_YUAN, 2)
    return awards


def _id_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text_value = str(value).strip()
    return text_value or None


# -- the ledger of lapsed vouchers ------------------------------------------------------


def read_ledger(data: bytes, filename: str, previous: Previous) -> np.ndarray:
    """Lapsed yuan per firm and program of ``previous``, from a ledger CSV or workbook."""
    if Path(filename).suffix.lower() in CSV_SUFFIXES:
        raw = pd.read_csv(io.StringIO(decode_csv(data, filename)), header=None, dtype=str,
                          keep_default_na=False)
        return parse_ledger(raw, previous, filename, sheet=None)
    sheets = _read_sheets(data, filename)
    name = next((n for n in sheets if normalise_header(n) in ("lapsed", "失效")),
                next(iter(sheets)))
    return parse_ledger(sheets[name], previous, filename, sheet=name)


def parse_ledger(raw: pd.DataFrame, previous: Previous, file: str,
                 sheet: str | None = LEDGER_SHEET) -> np.ndarray:
    """Parse a ledger: one row per lapse, columns ``firm_id``, ``program``, ``lapsed`` (yuan).

    Rows for the same firm and program add up. A firm that had no award, a
    program the policy lacks, or more lapsed than was awarded is an error
    naming the row.
    """
    header = [normalise_header(h) for h in raw.iloc[0].tolist()] if len(raw) else []
    at: dict[str, int] = {}
    for column, names in LEDGER_HEADERS.items():
        hits = [header.index(normalise_header(n)) for n in names if normalise_header(n) in header]
        if not hits:
            raise InputError(f"required column {column} ({names[1]}) is missing", file=file,
                             sheet=sheet, row=1, column=column)
        at[column] = hits[0]
    programs = previous.scenario.programs
    program_of = {**{p: j for j, p in enumerate(programs)},
                  **{PROGRAM_ZH[p]: j for j, p in enumerate(programs) if p in PROGRAM_ZH}}
    ids = previous.scenario.firms["firm_id"].astype(str).tolist()
    row_of = {f: i for i, f in enumerate(ids)}
    lapsed = np.zeros_like(previous.awards)
    for k in range(1, len(raw)):
        cells = {c: raw.iat[k, j] for c, j in at.items()}
        if all(_id_text(v) is None for v in cells.values()):
            continue
        row = k + 1

        def fail(column: str, message: str, row: int = row) -> InputError:
            return InputError(message, file=file, sheet=sheet, row=row, column=column,
                              cell=f"{column_letter(at[column])}{row}")

        firm = _id_text(cells["firm_id"])
        if firm is None or firm not in row_of:
            raise fail("firm_id", f"{firm!r} had no award in the previous round")
        program = str(cells["program"]).strip()
        if program.lower() in program_of:
            program = program.lower()
        if program not in program_of:
            raise fail("program", f"must be one of {', '.join(programs)}, got {program!r}")
        amount = pd.to_numeric(str(cells["lapsed"]).replace(",", "").strip(), errors="coerce")
        if not math.isfinite(amount) or amount < 0:
            raise fail("lapsed", f"must be a number ≥ 0, got {cells['lapsed']!r}")
        i, j = row_of[firm], program_of[program]
        lapsed[i, j] += float(amount)
        if lapsed[i, j] > previous.awards[i, j] + 1.0:
            raise fail("lapsed", f"{yuan(lapsed[i, j])} lapsed in all, more than the "
                       f"{yuan(previous.awards[i, j])} awarded")
    return lapsed


# -- the next scenario --------------------------------------------------------------------


def read_applicants(data: bytes, filename: str, previous: Previous) -> pd.DataFrame:
    """The new applicants' firms table (CSV, or the ``firms`` sheet of a workbook)."""
    programs = previous.scenario.programs
    if Path(filename).suffix.lower() in CSV_SUFFIXES:
        raw = pd.read_csv(io.StringIO(decode_csv(data, filename)), header=None, dtype=str,
                          keep_default_na=False, skip_blank_lines=False)
        return parse_firms_sheet(raw, programs, file=filename)
    sheets = _read_sheets(data, filename)
    name = find_sheet(sheets, "firms")
    if name is None:
        raise InputError("is missing", file=filename, sheet="firms")
    return parse_firms_sheet(sheets[name], programs, file=filename)


def next_round(previous: Previous, applicants: pd.DataFrame, lapsed: np.ndarray | None = None,
               reserves: Mapping[str, float] | None = None, name: str = "next",
               lang: Lang = "zh") -> Scenario:
    """The next round's scenario (see the module docstring for the rules)."""
    before = previous.scenario
    policy, programs = before.policy, before.programs
    lapsed = np.zeros_like(previous.awards) if lapsed is None else lapsed
    commitment = np.round(previous.awards - lapsed, 2)
    awarded = previous.awards.sum(axis=1) > 0
    old = before.firms[awarded].reset_index(drop=True)
    held, gone = commitment[awarded], lapsed[awarded]
    new = applicants.reset_index(drop=True)
    again = old["firm_id"].astype(str).isin(set(new["firm_id"].astype(str))).to_numpy()
    new_row = {f: k for k, f in enumerate(new["firm_id"].astype(str))}

    carried = old.copy()
    for column in [c for c in carried.columns if c.partition(".")[0] in ("fixed", "min", "max")]:
        carried[column] = np.nan  # earlier overrides are now inside the award
    notes = []
    for i in range(len(carried)):
        note = text("override.round.carried", lang, amount=yuan(float(held[i].sum()), lang),
                    lapsed=yuan(float(gone[i].sum()), lang))
        earlier = str(carried.at[i, NOTE]) if NOTE in carried.columns else ""
        notes.append(f"{earlier} {note}".strip() if earlier and earlier != "nan" else note)
    carried[NOTE] = notes
    rates = _new_limits(before, new)
    for j, p in enumerate(programs):
        fixed, low, high = (override_column(k, p) for k in ("fixed", "min", "max"))
        carried[fixed] = np.where(again, np.nan, held[:, j])
        carried[low] = np.where(again, held[:, j], np.nan)
        top = [held[i, j] + rates[new_row[f], j] if again[i] else np.nan
               for i, f in enumerate(carried["firm_id"].astype(str))]
        carried[high] = top
        request = request_column(p)
        requested = new[request].to_numpy(dtype=float)
        more = [requested[new_row[f]] if again[i] else 0.0
                for i, f in enumerate(carried["firm_id"].astype(str))]
        carried[request] = carried[request].to_numpy(dtype=float) + np.array(more)
    if "exclude" in carried.columns:
        carried["exclude"] = False
    fresh = new[~new["firm_id"].astype(str).isin(set(old["firm_id"].astype(str)))]
    firms = pd.concat([carried, fresh], ignore_index=True)
    kept = policy.with_values(reserves=tuple(
        (p, float(v)) for p, v in {**dict(policy.reserves), **(reserves or {})}.items() if v > 0))
    return Scenario(firms, kept, name)


def _new_limits(scenario: Scenario, applicants: pd.DataFrame) -> np.ndarray:
    """rate(p, class) × request of each applicant, under ``scenario``'s policy, capped at cap.P."""
    policy = scenario.policy
    out = np.zeros((len(applicants), len(scenario.programs)))
    classes = applicants["size_class"].astype(str)
    for j, p in enumerate(scenario.programs):
        rates = classes.map({c: policy.rate(p, c) for c in SIZE_CLASSES}).to_numpy(dtype=float)
        out[:, j] = rates * applicants[request_column(p)].to_numpy(dtype=float)
        cap = policy.cap(p)
        if cap is not None:
            out[:, j] = np.minimum(out[:, j], cap)
    return out


@dataclass(frozen=True)
class PoolStatus:
    """One pool at the start of a round (yuan).

    ``committed``: promised by earlier rounds (fixed awards and minimums);
    ``lapsed``: returned by the ledger; ``reserve``: held back for later
    rounds; ``available``: what this round may award on top of commitments.
    """

    program: str
    budget: float
    committed: float
    lapsed: float
    available: float
    reserve: float


def pool_status(scenario: Scenario, lapsed: np.ndarray | None = None) -> list[PoolStatus]:
    """Each pool's committed, lapsed, available and reserved money for ``scenario``'s round."""
    overrides = read_overrides(scenario)
    policy = scenario.policy
    limits = np.full((len(scenario.firms), len(scenario.programs)), np.inf)
    lower, _ = apply_overrides(overrides, limits)
    out = []
    for j, (p, budget) in enumerate(policy.budgets):
        promised = float(lower[:, j].sum())
        left = max(budget - promised, 0.0)
        reserve = policy.reserve(p) * left
        out.append(PoolStatus(p, budget, promised,
                              0.0 if lapsed is None else float(lapsed[:, j].sum()),
                              left - reserve, reserve))
    return out
