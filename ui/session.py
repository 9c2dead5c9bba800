"""One officer's session as one typed object: plain Python, no Streamlit.

The app keeps a single :class:`Session` under one key of ``st.session_state``
(:mod:`ui.state`). Widgets only *display* it: each widget's ``on_change``
callback copies its value into the session, and every page draws from the
session. Streamlit drops the state of a widget that is not drawn (leaving a
page, switching a tab); the session is not a widget, so nothing it holds can
be undone that way.

The session holds:

* the working scenario — the firms table *as typed* (it may hold invalid
  edits), the policy form's values, the name, where it came from and the
  problems the table and the form have now;
* results — the last solve, the last solve that found an allocation, and the
  solve before the last (for the changes shown beside the figures);
* saved what-ifs, each with the digest of its firm list;
* the last frontier sweep, with the rule it swept;
* the language and the page section on screen.

:func:`encode` / :func:`decode` turn the parts worth keeping (everything an
officer typed, the sweep) into compact bytes for the draft store: JSON with
typed columns, zlib-compressed. Floats go through ``repr`` in JSON, which
round-trips exactly.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from inputs import InputError
from inputs.firms import firms_problems, validate_firms
from inputs.store import VersionRef
from optimizer import Policy, PolicyError, Result, Scenario
from optimizer.analysis.frontier import Frontier, FrontierPoint
from optimizer.analysis.metrics import Metrics
from optimizer.result import Finding, Status
from ui.policy_values import canonical, form_values, policy_from

Lang = Literal["zh", "en"]
#: The sections of the scenario page (tabs), by code.
SECTIONS = ("policy", "firms", "files")
#: Bumped when the draft encoding changes; older drafts are read by :func:`decode`.
DRAFT_FORMAT = 1

NUMERIC_DTYPES = ("Int64", "Float64", "boolean")

Solver = Callable[[str, Scenario], Result]


# -- hashing ------------------------------------------------------------------------------


def table_hash(table: pd.DataFrame) -> str:
    """SHA-256 of a firms table's values and column names."""
    h = hashlib.sha256()
    h.update(repr(list(table.columns)).encode())
    h.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return h.hexdigest()


def scenario_key(table_digest: str, policy: Policy, name: str) -> str:
    """The cache key of a scenario: its table hash, its policy rows and its name."""
    text = f"{table_digest}|{policy.to_items()!r}|{name}"
    return hashlib.sha256(text.encode()).hexdigest()


# -- parts --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Solved:
    """One solve: the scenario that went in, the result, its cache key and the time taken."""

    scenario: Scenario
    result: Result
    key: str
    seconds: float
    firms_digest: str = ""

    @property
    def optimal(self) -> bool:
        return bool(self.result.optimal)


@dataclass(frozen=True)
class Source:
    """Where the working scenario came from, to tell whether it is still unchanged."""

    file: str
    sha256: str | None
    key: str  # cache key of the scenario as loaded


@dataclass(frozen=True, eq=False)
class WhatIf:
    """A saved what-if: its solve, the digest of its firm list and its id in the store."""

    name: str
    solved: Solved
    store_id: int | None = None

    @property
    def firms_digest(self) -> str:
        return self.solved.firms_digest


@dataclass(frozen=True, eq=False)
class Sweep:
    """The last frontier sweep: the rule it moved, on which solve, and its points."""

    rule: str
    solve_key: str
    frontier: Frontier


@dataclass(eq=False)
class RoundInputs:
    """The next-round page's inputs, kept while the officer moves between pages.

    Files are kept as uploaded, ``(name, bytes)``, and read again against the
    previous round on every run (:mod:`inputs.rounds`); ``errors`` holds the
    problem of a step's last upload (the file kept before it stays).
    """

    report: tuple[str, bytes] | None = None
    applicants: tuple[str, bytes] | None = None
    ledger: tuple[str, bytes] | None = None
    #: Program → share of its pool held for later rounds (0..1), as typed.
    reserves: dict[str, float] = field(default_factory=dict)
    errors: dict[str, InputError] = field(default_factory=dict)


@dataclass(eq=False)
class Working:
    """The scenario being edited, exactly as typed."""

    firms: pd.DataFrame
    form: dict[str, Any]
    programs: tuple[str, ...]
    name: str
    source: Source | None = None
    #: The stored version the work started from (opened from the library), if any.
    base: VersionRef | None = None
    #: Bumped whenever the firms table is replaced from outside the editor (new editor).
    firms_gen: int = 0
    #: Bumped whenever the form is refilled from a policy (new widgets).
    form_gen: int = 0
    # derived by :meth:`check`
    typed: pd.DataFrame | None = None
    digest: str | None = None
    problem: InputError | None = None
    more_problems: list[InputError] = field(default_factory=list)
    policy: Policy | None = None
    policy_error: PolicyError | None = None

    def check(self, *, firms: bool = True) -> None:
        """Recompute what the table and the form are worth: typed table, policy, problems."""
        try:
            self.policy, self.policy_error = policy_from(self.form, self.programs), None
        except PolicyError as err:
            self.policy, self.policy_error = None, err
        if not firms:
            return
        table = self.firms
        try:
            typed = validate_firms(table, self.programs, sheet="firms")
            self.typed, self.problem, self.more_problems = typed, None, []
            self.firms = typed
            self.digest = table_hash(typed)
        except InputError as err:
            self.typed, self.problem, self.digest = None, err, None
            self.more_problems = firms_problems(table, self.programs, sheet="firms")[1:]

    def key(self) -> str | None:
        """Cache key of the working scenario, or None while it has a problem."""
        if self.digest is None or self.policy is None:
            return None
        return scenario_key(self.digest, self.policy, self.name)

    def scenario(self) -> Scenario | None:
        """The working scenario, or None while the table or the form has a problem."""
        if self.typed is None or self.policy is None:
            return None
        return Scenario(self.typed, self.policy, self.name)


@dataclass(eq=False)
class Session:
    """Everything one browser tab works on."""

    working: Working
    draft_id: str = ""
    lang: Lang = "zh"
    section: str = "policy"
    solved: Solved | None = None
    last_feasible: Solved | None = None
    previous: Solved | None = None
    what_ifs: dict[str, WhatIf] = field(default_factory=dict)
    sweep: Sweep | None = None
    upload_error: InputError | None = None
    boot_error: InputError | None = None
    #: Bumped on every change worth saving; the draft store keeps the revision it saved.
    revision: int = 0
    #: Choices of the pages' select boxes and radios, by code (e.g. ``alloc_sort → total``).
    view: dict[str, str] = field(default_factory=dict)
    #: The next-round page's uploads and reserves (not part of the draft).
    round: RoundInputs = field(default_factory=RoundInputs)

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def open(cls, scenario: Scenario, *, file: str, sha256: str | None,
             draft_id: str = "") -> Session:
        session = cls(Working(pd.DataFrame(), {}, scenario.programs, scenario.name),
                      draft_id=draft_id)
        session.load(scenario, file=file, sha256=sha256)
        return session

    def load(self, scenario: Scenario, *, file: str, sha256: str | None,
             base: VersionRef | None = None) -> None:
        """Make ``scenario`` the working one: its firms *replace* the table, its policy the form."""
        old = self.working
        policy = canonical(scenario.policy)
        self.working = Working(scenario.firms.reset_index(drop=True), form_values(policy),
                               policy.programs, scenario.name,
                               firms_gen=old.firms_gen + 1, form_gen=old.form_gen + 1)
        self.working.check()
        self.working.source = Source(file, sha256, self.working.key() or "")
        self.working.base = base
        # the last solve was of another scenario: no changes are shown against it
        self.solved = None
        self.previous = None
        self.upload_error = None
        self.changed()

    # -- edits -----------------------------------------------------------------------------

    def set_firms(self, table: pd.DataFrame, *, from_editor: bool = True) -> None:
        """Replace the firms table (from the editor: keep the editor mounted)."""
        self.working.firms = table.reset_index(drop=True) if not from_editor else table
        if not from_editor:
            self.working.firms_gen += 1
        self.working.check()
        self.changed()

    def set_field(self, key: str, value: Any) -> None:
        """One policy-form value, as typed (万元, %, a score, an objective code...)."""
        if self.working.form.get(key) == value:
            return
        self.working.form = {**self.working.form, key: value}
        self.working.check(firms=False)
        self.changed()

    def set_lang(self, lang: str) -> None:
        self.lang = "en" if lang == "en" else "zh"
        self.changed()

    def set_section(self, section: str) -> None:
        if section in SECTIONS:
            self.section = section

    def changed(self) -> None:
        self.revision += 1

    # -- solving ---------------------------------------------------------------------------

    def solve(self, solver: Solver) -> Solved | None:
        """Solve the working scenario; None when its table or form has a problem."""
        scenario, key = self.working.scenario(), self.working.key()
        if scenario is None or key is None:
            return None
        started = time.perf_counter()
        result = solver(key, scenario)
        solved = Solved(scenario, result, key, time.perf_counter() - started,
                        self.working.digest or "")
        if self.solved is not None and self.solved.key != key:
            self.previous = self.solved
        self.solved = solved
        if solved.optimal:
            self.last_feasible = solved
        return solved

    def is_stale(self) -> bool:
        """Whether what is on screen differs from the last solve (or was never solved)."""
        key = self.working.key()
        return self.solved is None or key is None or key != self.solved.key

    def feasible_view(self) -> Solved | None:
        """The solve whose allocation the pages show: the last one, or the last feasible one."""
        if self.solved is not None and self.solved.optimal:
            return self.solved
        return self.last_feasible

    def showing_previous(self) -> bool:
        """Whether the allocation shown is an earlier solve (the last one found none)."""
        return (self.solved is not None and not self.solved.optimal
                and self.last_feasible is not None)

    def unchanged_source(self) -> Source | None:
        source = self.working.source
        key = self.solved.key if self.solved else None
        return source if source is not None and source.key == key else None

    # -- what-ifs and sweeps -----------------------------------------------------------------

    def save_what_if(self, name: str, solver: Solver) -> WhatIf | str:
        """Save what is on screen as a what-if; solve it first when it is not solved.

        Returns the what-if, or the reason it could not be saved: ``"blocked"``
        (the table or the form has a problem) or ``"infeasible"``.
        """
        if self.is_stale() and self.solve(solver) is None:
            return "blocked"
        assert self.solved is not None
        if not self.solved.optimal:
            return "infeasible"
        current = self.solved
        scenario = Scenario(current.scenario.firms, current.scenario.policy, name)
        key = hashlib.sha256(f"{current.key}|what-if|{name}".encode()).hexdigest()
        result = solver(key, scenario)
        what_if = WhatIf(name, Solved(scenario, result, key, current.seconds,
                                      current.firms_digest))
        self.what_ifs = {**{k: v for k, v in self.what_ifs.items() if k != name},
                         name: what_if}
        self.changed()
        return what_if

    def forget(self, name: str) -> WhatIf | None:
        gone = self.what_ifs.get(name)
        self.what_ifs = {k: v for k, v in self.what_ifs.items() if k != name}
        self.changed()
        return gone

    def same_firms(self, what_if: WhatIf) -> bool:
        """Whether ``what_if`` was saved on the firm list of the last solve."""
        current = self.solved.firms_digest if self.solved else self.working.digest
        return what_if.firms_digest == current

    def set_sweep(self, frontier: Frontier, solve_key: str) -> None:
        self.sweep = Sweep(frontier.rule, solve_key, frontier)
        self.changed()


# -- the draft encoding ---------------------------------------------------------------------


def encode_table(table: pd.DataFrame) -> dict[str, Any]:
    """A table as JSON-ready columns, exact: each column keeps its dtype and every cell."""
    columns = []
    for name in table.columns:
        series = table[name]
        dtype = str(series.dtype)
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            values: list[Any] = [None if pd.isna(v) else v.isoformat() for v in series]
        elif pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(
                series.dtype):
            values = [_number(v) for v in series.tolist()]
        else:  # object, string: cells keep their own types
            values = [_cell(v) for v in series]
        columns.append([str(name), dtype, values])
    return {"index": [int(i) for i in table.index], "columns": columns}


def decode_table(data: Mapping[str, Any]) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    index = pd.Index(data["index"])
    for name, dtype, values in data["columns"]:
        if dtype.startswith("datetime64"):
            out[name] = pd.Series(pd.to_datetime(values), index=index).astype(dtype)
        elif dtype in NUMERIC_DTYPES or dtype.startswith(("int", "float", "uint", "bool")):
            out[name] = pd.Series([_unnumber(v) for v in values], index=index).astype(dtype)
        else:
            cells = pd.Series([_uncell(v) for v in values], index=index, dtype=object)
            out[name] = cells if dtype == "object" else cells.astype(dtype)
    return pd.DataFrame(out, index=index)


def _number(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)  # "nan", "inf", "-inf"
    return v


def _unnumber(v: Any) -> Any:
    return float(v) if isinstance(v, str) else v


def _cell(v: Any) -> Any:
    """An object cell, tagged when JSON would not give it back as it was."""
    if v is None or isinstance(v, (str, bool)):
        return v
    if isinstance(v, (int, np.integer)):
        return {"i": int(v)}
    if isinstance(v, (float, np.floating)):
        return {"f": _number(float(v))}
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return {"t": v.isoformat()}
    if v is pd.NaT:
        return {"nat": 1}
    return {"s": str(v)}


def _uncell(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    if "i" in v:
        return int(v["i"])
    if "f" in v:
        return float(v["f"])
    if "t" in v:
        return pd.Timestamp(v["t"])
    if "nat" in v:
        return pd.NaT
    return v.get("s")


def _frontier(frontier: Frontier) -> dict[str, Any]:
    return {
        "rule": frontier.rule, "seconds": frontier.seconds, "name": frontier.scenario_name,
        "points": [{
            "value": p.value, "status": str(p.status), "objective": p.objective,
            "metrics": asdict(p.metrics) if p.metrics is not None else None,
            "diagnosis": [[list(f.rules), f.text_zh, f.text_en, f.shortfall]
                          for f in p.diagnosis],
        } for p in frontier.points],
    }


def _unfrontier(data: Mapping[str, Any]) -> Frontier:
    points = tuple(FrontierPoint(
        value=p["value"], status=Status(p["status"]), objective=p["objective"],
        metrics=Metrics(**p["metrics"]) if p["metrics"] is not None else None,
        diagnosis=tuple(Finding(tuple(r), zh, en, s) for r, zh, en, s in p["diagnosis"]),
    ) for p in data["points"])
    return Frontier(data["rule"], points, data["seconds"], data["name"])


def snapshot(session: Session) -> dict[str, Any]:
    """What the draft keeps, taken cheaply: references to the parts the session replaces
    (never changes in place) and copies of the small ones. :func:`to_bytes` encodes it."""
    w = session.working
    source = w.source
    return {
        "format": DRAFT_FORMAT,
        "lang": session.lang,
        "section": session.section,
        "view": dict(session.view),
        "name": w.name,
        "programs": list(w.programs),
        "form": dict(w.form),
        "firms": w.firms,
        "source": [source.file, source.sha256, source.key] if source else None,
        "base": ([w.base.name, w.base.version, w.base.digest, w.base.scenario_id]
                 if w.base else None),
        "solved": session.solved is not None and not session.is_stale(),
        "sweep": ({"solve_key": session.sweep.solve_key, "frontier": session.sweep.frontier}
                  if session.sweep else None),
    }


def to_bytes(doc: Mapping[str, Any]) -> bytes:
    """A :func:`snapshot` as compact bytes: JSON with typed columns, zlib-compressed."""
    out = {**doc, "firms": encode_table(doc["firms"])}
    if doc["sweep"] is not None:
        out["sweep"] = {"solve_key": doc["sweep"]["solve_key"],
                        "frontier": _frontier(doc["sweep"]["frontier"])}
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode(), 6)


def encode(session: Session) -> bytes:
    """The draft: everything the officer typed and the last sweep, as compact bytes."""
    return to_bytes(snapshot(session))


def decode(data: bytes, solver: Solver, *, draft_id: str = "") -> Session:
    """A session from a draft: the working scenario as it was typed, re-solved if it was.

    Raises
    ------
    ValueError
        When the bytes are not a draft this version can read.
    """
    try:
        doc = json.loads(zlib.decompress(data))
    except (zlib.error, ValueError) as err:
        raise ValueError(f"not a draft: {err}") from err
    if not isinstance(doc, dict) or doc.get("format") != DRAFT_FORMAT:
        raise ValueError("unknown draft format")
    working = Working(decode_table(doc["firms"]), dict(doc["form"]), tuple(doc["programs"]),
                      str(doc["name"]), firms_gen=1, form_gen=1)
    working.check()
    if doc.get("source"):
        file, sha, key = doc["source"]
        working.source = Source(str(file), sha, str(key))
    if doc.get("base"):
        name, version, digest, scenario_id = doc["base"]
        working.base = VersionRef(str(name), int(version), str(digest), int(scenario_id))
    session = Session(working, draft_id=draft_id, lang="en" if doc.get("lang") == "en" else "zh",
                      section=doc.get("section") or "policy",
                      view={str(k): str(v) for k, v in (doc.get("view") or {}).items()})
    if doc.get("solved"):
        session.solve(solver)
    sweep = doc.get("sweep")
    if sweep:
        frontier = _unfrontier(sweep["frontier"])
        session.sweep = Sweep(frontier.rule, sweep["solve_key"], frontier)
    return session
