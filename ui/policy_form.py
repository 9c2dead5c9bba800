"""The policy form: every pool, rate, cap, threshold, fairness rule and the objective.

Each field shows a one-line explanation under it. Values are typed in 万元,
percent and scores (:mod:`ui.policy_values`); a value the policy refuses is
shown under its field in the session's language (:meth:`PolicyError.text`), and so
is an infeasibility finding about its rule.
The session holds the form's values as typed; each widget's ``on_change``
copies its value there. Widget keys carry the working scenario's
``form_gen``, so loading a scenario gives fresh widgets holding its values.
The redemption section (兑付风险) shows the expected redemption rate per size
class and the overspend-risk slider ε; rates per program, the spreads per
class and the sampling sit in an expander below them (drawn on every run, so
their values stay).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from optimizer import Finding, Objective, Policy, PolicyError
from optimizer.catalog import text
from optimizer.policy import SIZE_CLASSES
from optimizer.units import WAN
from ui import fmt, state
from ui.i18n import lang, t
from ui.policy_values import SECTIONS, Field, fields, form_default

SS = st.session_state
COLUMNS = 3
#: The overspend-risk slider: ε in percent (a policy outside this range widens it).
RISK_RANGE, RISK_STEP, RISK_DEFAULT = (0.5, 50.0), 0.5, 5.0


def widget_key(field_key: str) -> str:
    """The widget of a policy field; choices also carry the language (their words change)."""
    working = state.session().working
    suffix = f".{lang()}" if field_key == "objective" else ""
    return f"pol{working.form_gen}.{field_key}{suffix}"


def current_values(programs: tuple[str, ...]) -> dict[str, Any]:
    """The form's values as typed (the session holds them; widgets only show them)."""
    form = state.session().working.form
    # a draft saved before the redemption section has none of its keys: show the defaults
    return {f.key: form[f.key] if f.key in form else form_default(f) for f in fields(programs)}


def read_policy(programs: tuple[str, ...]) -> tuple[Policy | None, PolicyError | None]:
    """The policy the form holds now, or the error that stops it."""
    working = state.session().working
    return working.policy, working.policy_error


def sync(programs: tuple[str, ...]) -> None:
    """Copy every drawn field's value into the session (before Solve: its own callback may
    run before a field's ``on_change`` when both arrive in one rerun)."""
    for field in fields(programs):
        key = widget_key(field.key)
        if key in SS:
            state.session().set_field(field.key, SS[key])


def _copy(field_key: str, key: str) -> None:
    """A widget's ``on_change``: its value goes into the session."""
    if key in SS:
        state.session().set_field(field_key, SS[key])


def label(field: Field) -> str:
    """The field's label, e.g. 训力券补贴比例（%）."""
    head, _, rest = field.key.partition(".")
    program, _, size_class = rest.partition(".")
    if head == "budget":
        return t("field.budget", program=fmt.program_short(program))
    if head == "reserve":
        return t("field.reserve", program=fmt.program_short(program))
    if head == "rate" and size_class:
        return t("field.rate_class", cls=fmt.size_class(size_class))
    if head == "rate":
        return t("field.rate", program=fmt.program_short(program))
    if field.key == "cap.total":
        return t("field.cap_total")
    if head == "cap":
        return t("field.cap", program=fmt.program_short(program))
    if head == "min_score":
        return t("field.min_score", cls=fmt.size_class(rest))
    if head == "redemption":
        return _redemption_text("field", field.key)
    return t(f"field.{field.key}")


def _redemption_text(kind: str, key: str) -> str:
    """Label or note of a ``redemption.CLASS``, ``redemption.P.CLASS`` or ``redemption.sd.CLASS``
    field; the others (``redemption.sd``, ``.samples``, ``.seed``) have their own words."""
    parts = key.split(".")[1:]
    if parts[-1] in SIZE_CLASSES:
        cls = fmt.size_class(parts[-1])
        if parts[0] == "sd":
            return t(f"{kind}.redemption_sd_class", cls=cls)
        if len(parts) == 2:
            return t(f"{kind}.redemption_program_class", program=fmt.program_short(parts[0]),
                     cls=cls)
        return t(f"{kind}.redemption_class", cls=cls)
    return t(f"{kind}.{key}")


def note(field: Field) -> str:
    """The field's one-line explanation."""
    head, _, rest = field.key.partition(".")
    program, _, size_class = rest.partition(".")
    if head == "budget":
        return t("note.budget")
    if head == "reserve":
        return t("note.reserve")
    if head == "rate" and size_class:
        return t("note.rate_class", program=fmt.program_short(program))
    if head == "rate":
        return t("note.rate")
    if field.key == "cap.total":
        return t("note.cap_total")
    if head == "cap":
        return t("note.cap")
    if head == "min_score":
        return t("note.min_score", cls=fmt.size_class(rest))
    if head == "redemption":
        return _redemption_text("note", field.key)
    return t(f"note.{field.key}")


def _widget(field: Field, value: Any) -> Any:
    key, text, hint = widget_key(field.key), label(field), note(field)
    copy: dict[str, Any] = {"on_change": _copy, "args": (field.key, key)}
    if field.kind in ("wan", "wan_opt"):
        return st.number_input(text, min_value=0.0, value=value, step=100.0, format="%.0f",
                               key=key, help=hint, **copy,
                               placeholder=t("field.none") if field.kind == "wan_opt" else None)
    if field.kind in ("pct", "pct_opt"):
        return st.number_input(text, min_value=0.0, max_value=100.0, value=value, step=1.0,
                               format="%.1f", key=key, help=hint, **copy,
                               placeholder=t("field.inherit") if field.kind == "pct_opt" else None)
    if field.kind in ("pct_full", "pct_zero"):
        return st.number_input(text, min_value=0.0, max_value=100.0, value=value, step=1.0,
                               format="%.1f", key=key, help=hint, **copy)
    if field.kind == "risk":
        shown = RISK_DEFAULT if value is None else float(value)
        return st.slider(text, min_value=min(RISK_RANGE[0], shown),
                         max_value=max(RISK_RANGE[1], shown), value=shown, step=RISK_STEP,
                         format="%.1f%%", key=key, help=hint, **copy)
    if field.kind == "count":
        return st.number_input(text, min_value=1, value=value, step=100, format="%d",
                               key=key, help=hint, **copy)
    if field.kind == "seed":
        return st.text_input(text, value=value or "", key=key, help=hint, **copy)
    if field.kind == "score":
        return st.number_input(text, min_value=0.0, max_value=100.0, value=value, step=1.0,
                               format="%.0f", key=key, help=hint, **copy)
    if field.kind == "objective":
        options = [str(o) for o in Objective]
        chosen = value if value in options else str(Objective.IMPACT)
        return st.radio(text, options, index=options.index(chosen), key=key,
                        format_func=lambda o: t(f"objective.{o}"), help=hint, **copy)
    if field.kind == "tiers":
        return st.text_input(text, value=value or "", key=key, help=hint, **copy,
                             placeholder="0.5:1, 1:0.5")
    return st.checkbox(text, value=bool(value), key=key, help=hint, **copy)


def _findings_for(field: Field, findings: Sequence[Finding]) -> list[Finding]:
    if field.section == "redemption":  # about the risk rule as a whole: shown at ε
        return [f for f in findings if "redemption" in f.rules] \
            if field.key == "overspend_risk" else []
    rule = "budget" if field.section == "pools" else field.key
    if field.section == "pools" and field.key != f"budget.{_first_program()}":
        return []  # pool findings are about all pools: show them once
    return [f for f in findings if rule in f.rules]


def _first_program() -> str:
    return state.session().working.programs[0]


def _field(field: Field, value: Any) -> Any:
    new = _widget(field, value)
    shown = note(field)
    if field.kind in ("wan", "wan_opt") and new is not None:
        shown = t("field.equals", value=fmt.money(float(new) * WAN), note=shown)
    st.caption(shown)
    return new


def _messages(row: Sequence[Field], error: PolicyError | None,
              findings: Sequence[Finding]) -> None:
    """Under a row of fields, across its width: what is wrong with any of them."""
    for field in row:
        if error is not None and error.key == field.key:
            st.error(text("input.line.key", lang(), key=label(field), what=error.text(lang())),
                     icon=":material/warning:")
        for finding in _findings_for(field, findings):
            st.error(finding.text(lang()), icon=":material/block:")


def _row(row: Sequence[Field], values: dict[str, Any], columns: int,
         error: PolicyError | None, findings: Sequence[Finding]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, field in zip(st.columns(columns), row, strict=False):
        with column:
            out[field.key] = _field(field, values[field.key])
    _messages(row, error, findings)
    return out


def _grid(items: Sequence[Field], values: dict[str, Any], error: PolicyError | None,
          findings: Sequence[Finding]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    per_row = 4 if len(items) == 4 else COLUMNS
    for start in range(0, len(items), per_row):
        out |= _row(items[start:start + per_row], values, per_row, error, findings)
    return out


def _rates(programs: tuple[str, ...], chosen: Sequence[Field], values: dict[str, Any],
           error: PolicyError | None, findings: Sequence[Finding]) -> dict[str, Any]:
    """One row per program: its rate, then an optional rate per size class."""
    out: dict[str, Any] = {}
    for p in programs:
        row = [f for f in chosen if f.key == f"rate.{p}" or f.key.startswith(f"rate.{p}.")]
        out |= _row(row, values, 1 + len(SIZE_CLASSES), error, findings)
    return out


def _redemption(programs: tuple[str, ...], chosen: Sequence[Field], values: dict[str, Any],
                error: PolicyError | None, findings: Sequence[Finding]) -> dict[str, Any]:
    """Rates per size class, then ε and the spread; per program, per class sds and the
    sampling in an expander (drawn every run, only folded)."""
    by_key = {f.key: f for f in chosen}
    out = _row([by_key[f"redemption.{c}"] for c in SIZE_CLASSES], values, len(SIZE_CLASSES),
               error, findings)
    risk, sd = by_key["overspend_risk"], by_key["redemption.sd"]
    for column, field in zip(st.columns([2, 1]), (risk, sd), strict=True):
        with column:
            out[field.key] = _field(field, values[field.key])
    _messages((risk, sd), error, findings)
    more = [f for f in chosen if f.key not in out]
    detailed = any(values[f.key] not in (None, "", form_default(f)) for f in more)
    with st.expander(t("redemption.more"), expanded=detailed):
        for p in programs:
            out |= _row([by_key[f"redemption.{p}.{c}"] for c in SIZE_CLASSES], values,
                        len(SIZE_CLASSES), error, findings)
        out |= _row([by_key[f"redemption.sd.{c}"] for c in SIZE_CLASSES], values,
                    len(SIZE_CLASSES), error, findings)
        out |= _row([by_key["redemption.samples"], by_key["redemption.seed"]], values,
                    len(SIZE_CLASSES), error, findings)
    return out


def render(programs: tuple[str, ...], findings: Sequence[Finding] = ()) -> PolicyError | None:
    """Draw the form; store its values; return the error that stops the policy, if any."""
    values = current_values(programs)
    _, error = read_policy(programs)
    all_fields = fields(programs)
    new: dict[str, Any] = {}
    for section in SECTIONS:
        with st.container(border=True):
            st.markdown(f"**{t(f'section.{section}')}** · {t(f'section.{section}.note')}")
            chosen = [f for f in all_fields if f.section == section]
            if section == "rates":
                new |= _rates(programs, chosen, values, error, findings)
            elif section == "redemption":
                new |= _redemption(programs, chosen, values, error, findings)
            elif section == "objective":
                for column, field in zip(st.columns([3, 3, 2]), chosen, strict=True):
                    with column:
                        new[field.key] = _field(field, values[field.key])
                _messages(chosen, error, findings)
            else:
                new |= _grid(chosen, values, error, findings)
    if error is not None and error.key not in new:
        st.error(text("input.line.key", lang(), key=error.key, what=error.text(lang())),
                 icon=":material/warning:")
    return error
