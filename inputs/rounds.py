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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inputs.cells import Problem, amount_cell, is_blank, label_cell
from inputs.columns import LEDGER_HEADERS, both_names, closest_header, find_sheet, normalise_header
from inputs.errors import InputError, column_letter
from inputs.firms import parse_firms_sheet
from inputs.guard import guard_workbook
from inputs.ids import firm_id, id_key
from inputs.scenario_io import (
    CSV_SUFFIXES,
    WORKBOOK_SUFFIXES,
    decode_csv,
    locate_sheets,
    parse_firms_csv_checked,
    parse_scenario_checked,
    read_workbook_sheets,
)
from optimizer.catalog import LANGS, Lang, has, text
from optimizer.money import yuan
from optimizer.overrides import NOTE, apply_overrides, override_column, read_overrides
from optimizer.policy import SIZE_CLASSES
from optimizer.scenario import PROGRAM_ZH, Scenario, request_column
from optimizer.units import WAN

#: The report's allocations sheet, as the report names it in each language.
AWARDS_SHEETS: tuple[str, ...] = tuple(text("report.sheet.allocations", lang) for lang in LANGS)
#: The report's firm-id header in each language.
AWARDS_ID_HEADERS: tuple[str, ...] = ("企业编号", "Firm id", "firm_id")
#: The ledger's sheet in a workbook (else its first sheet).
LEDGER_SHEETS: tuple[str, ...] = ("lapsed", "失效")


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


def _is_awards_sheet(name: str) -> bool:
    return normalise_header(name) in {normalise_header(n) for n in AWARDS_SHEETS}


def _workbook(data: bytes, filename: str,
              pick: Callable[[list[str]], list[str]]) -> dict[str, pd.DataFrame]:
    """The sheets ``pick`` chooses, read through the same guard as a scenario workbook."""
    suffix = Path(filename).suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        allowed = ", ".join((*WORKBOOK_SUFFIXES, *CSV_SUFFIXES))
        raise InputError("input.file.type", file=filename, suffix=repr(suffix or "(none)"),
                         allowed=allowed)
    guard_workbook(data, filename)
    return read_workbook_sheets(data, filename, pick)


def read_previous(data: bytes, filename: str) -> Previous:
    """The previous round from the bytes of its report workbook."""
    def pick(names: list[str]) -> list[str]:
        awards = [n for n in names if _is_awards_sheet(n)]
        if not awards:
            raise InputError("input.round.no_awards", file=filename,
                             sheets=" / ".join(AWARDS_SHEETS))
        return [*locate_sheets(names, filename).values(), awards[0]]

    sheets = _workbook(data, filename, pick)
    scenario = parse_scenario_checked(
        {n: v for n, v in sheets.items() if not _is_awards_sheet(n)}, source=filename).scenario
    return Previous(scenario, parse_awards(sheets, scenario, filename))


def _header(raw: pd.DataFrame) -> list[str]:
    return [normalise_header(h) for h in raw.iloc[0].tolist()] if len(raw) else []


def _shown(raw: pd.DataFrame) -> list[str]:
    return [str(h).strip() for h in (raw.iloc[0].tolist() if len(raw) else []) if not is_blank(h)]


def _position(raw: pd.DataFrame, accepted: tuple[str, ...], column: str | None, wanted: str,
              file: str, sheet: str | None) -> int:
    """Where the first of the ``accepted`` headers is, or ``input.header.missing``."""
    header = _header(raw)
    for name in accepted:
        if normalise_header(name) in header:
            return header.index(normalise_header(name))
    shown = _shown(raw)
    closest = next((c for c in (closest_header(n, shown) for n in accepted) if c != "-"), "-")
    raise InputError("input.header.missing", file=file, sheet=sheet, row=1, column=column,
                     wanted=wanted, found=", ".join(shown) or "-", closest=closest)


def _located(problem: Problem, file: str, sheet: str | None, row: int, column: str | None,
             at: int) -> InputError:
    return InputError(problem.code, file=file, sheet=sheet, row=row, column=column,
                      cell=f"{column_letter(at)}{row}", **problem.fields)


def parse_awards(sheets: Mapping[str, pd.DataFrame], scenario: Scenario,
                 file: str) -> np.ndarray:
    """Awards per firm and program (yuan) from a report's allocations sheet.

    Firm ids are read and matched in their normal form (:mod:`inputs.ids`);
    awards (万元, as the report shows them) by the one cell parser.

    Raises
    ------
    InputError
        ``input.round.no_awards`` when the workbook has no allocations sheet (not
        a report, or an infeasible one), ``input.header.missing`` for a missing
        column, ``input.round.unknown_firm`` for a firm its firms sheet lacks, or
        the cell's own code for a bad id or award.
    """
    found = next((n for n in sheets if _is_awards_sheet(n)), None)
    if found is None:
        raise InputError("input.round.no_awards", file=file, sheets=" / ".join(AWARDS_SHEETS))
    raw = sheets[found]
    id_at = _position(raw, AWARDS_ID_HEADERS, "firm_id", both_names("firm_id"), file, found)
    row_of = {id_key(str(f)): i for i, f in enumerate(scenario.firms["firm_id"].astype(str))}
    awards = np.zeros((len(scenario.firms), len(scenario.programs)))
    columns = [_position(raw, award_headers(p), None, " / ".join(award_headers(p)), file, found)
               for p in scenario.programs]
    for k in range(1, len(raw)):
        row = k + 1
        cell = raw.iat[k, id_at]
        if is_blank(cell):
            continue
        firm = firm_id(cell)
        if isinstance(firm, Problem):
            raise _located(firm, file, found, row, "firm_id", id_at)
        if id_key(firm) not in row_of:
            raise _located(Problem("input.round.unknown_firm", {"got": firm}), file, found, row,
                           "firm_id", id_at)
        for j, at in enumerate(columns):
            value = raw.iat[k, at]
            amount = (Problem("input.blank.required") if is_blank(value)
                      else amount_cell(value))
            if not isinstance(amount, Problem) and amount < 0:
                amount = Problem("input.number.min", {"low": "0", "got": f"{amount:g}"})
            if isinstance(amount, Problem):
                raise InputError(amount.code, file=file, sheet=found, row=row,
                                 cell=f"{column_letter(at)}{row}", **amount.fields)
            awards[row_of[id_key(firm)], j] = round(amount * WAN, 2)
    return awards


# -- the ledger of lapsed vouchers ------------------------------------------------------


def read_ledger(data: bytes, filename: str, previous: Previous) -> np.ndarray:
    """Lapsed yuan per firm and program of ``previous``, from a ledger CSV or workbook."""
    if Path(filename).suffix.lower() in CSV_SUFFIXES:
        text_ = decode_csv(data, filename)
        first_line = text_.split("\n", 1)[0]
        delimiter = next((d for d in (",", "\t", ";") if d in first_line), ",")
        try:
            raw = pd.read_csv(io.StringIO(text_), sep=delimiter, header=None, dtype=str,
                              keep_default_na=False, skip_blank_lines=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
            raise InputError("input.file.csv_unreadable", file=filename,
                             detail=" ".join(str(err).split()) or "no data") from None
        return parse_ledger(raw, previous, filename, sheet=None)

    def pick(names: list[str]) -> list[str]:
        wanted = {normalise_header(n) for n in LEDGER_SHEETS}
        return [next((n for n in names if normalise_header(n) in wanted), names[0])]

    sheets = _workbook(data, filename, pick)
    name, raw = next(iter(sheets.items()))
    return parse_ledger(raw, previous, filename, sheet=name)


def parse_ledger(raw: pd.DataFrame, previous: Previous, file: str,
                 sheet: str | None = LEDGER_SHEETS[0]) -> np.ndarray:
    """Parse a ledger: one row per lapse, columns ``firm_id``, ``program``, ``lapsed`` (yuan).

    Cells are read by the one cell parser (ids in their normal form, amounts
    with ``¥``/separators, programs in English or Chinese). Rows for the same
    firm and program add up. A firm that had no award, a program the policy
    lacks, or more lapsed than was awarded is an error naming the row and cell.
    """
    at = {column: _position(raw, names, column, both_names(column), file, sheet)
          for column, names in LEDGER_HEADERS.items()}
    programs = previous.scenario.programs
    labels: dict[str, Any] = {p: p for p in programs}
    labels.update({PROGRAM_ZH[p]: p for p in programs if p in PROGRAM_ZH})
    allowed = ", ".join(programs)
    if any(p in PROGRAM_ZH for p in programs):
        allowed += f" ({', '.join(PROGRAM_ZH.get(p, p) for p in programs)})"
    program_of = {p: j for j, p in enumerate(programs)}
    ids = previous.scenario.firms["firm_id"].astype(str).tolist()
    row_of = {id_key(f): i for i, f in enumerate(ids)}
    awarded = previous.awards.sum(axis=1) > 0
    lapsed = np.zeros_like(previous.awards)
    for k in range(1, len(raw)):
        cells = {c: raw.iat[k, j] for c, j in at.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        row = k + 1

        def fail(column: str, problem: Problem, row: int = row) -> InputError:
            return _located(problem, file, sheet, row, column, at[column])

        firm = (Problem("input.blank.required") if is_blank(cells["firm_id"])
                else firm_id(cells["firm_id"]))
        if isinstance(firm, Problem):
            raise fail("firm_id", firm)
        if id_key(firm) not in row_of or not awarded[row_of[id_key(firm)]]:
            raise fail("firm_id", Problem("input.round.not_awarded", {"got": firm}))
        program = (Problem("input.blank.required") if is_blank(cells["program"])
                   else label_cell(cells["program"], labels, allowed))
        if isinstance(program, Problem):
            raise fail("program", program)
        amount = (Problem("input.blank.required") if is_blank(cells["lapsed"])
                  else amount_cell(cells["lapsed"]))
        if not isinstance(amount, Problem) and amount < 0:
            amount = Problem("input.number.min", {"low": "0", "got": f"{amount:g}"})
        if isinstance(amount, Problem):
            raise fail("lapsed", amount)
        i, j = row_of[id_key(firm)], program_of[program]
        lapsed[i, j] += float(amount)
        if lapsed[i, j] > previous.awards[i, j] + 1.0:
            raise fail("lapsed", Problem("input.round.lapsed_too_much", {
                "lapsed": f"{lapsed[i, j]:,.2f}", "awarded": f"{previous.awards[i, j]:,.2f}"}))
    return lapsed


# -- the next scenario --------------------------------------------------------------------


def read_applicants(data: bytes, filename: str, previous: Previous) -> pd.DataFrame:
    """The new applicants' firms table (a CSV, or the ``firms`` sheet of a workbook), read
    exactly as a scenario's firms are, under the previous round's programs."""
    if Path(filename).suffix.lower() in CSV_SUFFIXES:
        policy = previous.scenario.policy
        return parse_firms_csv_checked(decode_csv(data, filename), filename,
                                       policy=policy).scenario.firms

    def pick(names: list[str]) -> list[str]:
        name = find_sheet(names, "firms", file=filename)
        if name is None:
            raise InputError("input.sheet.missing", file=filename, sheet="firms",
                             found=", ".join(names) or "-")
        return [name]

    sheets = _workbook(data, filename, pick)
    name, raw = next(iter(sheets.items()))
    return parse_firms_sheet(raw, previous.scenario.programs, file=filename, sheet=name)


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
