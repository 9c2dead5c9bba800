"""Key-figure cards and "who gains, who loses" between two solves.

The figures come from :func:`optimizer.analysis.metrics.measure`, computed once
per solved scenario (:func:`ui.state.memo`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from optimizer.analysis.metrics import Metrics, measure
from optimizer.units import WAN
from ui import charts, fmt, state
from ui.i18n import t
from ui.session import Solved


def metrics(solved: Solved) -> Metrics:
    """The metrics of one solve (cached on its key)."""
    result = solved.result
    return state.memo("metrics", solved.key,
                      lambda: measure(solved.scenario, result.amounts, result.limits))


def _comparable(previous: Solved | None) -> Solved | None:
    return previous if previous is not None and previous.result.optimal else None


def cards(solved: Solved, previous: Solved | None = None, *, per_row: int = 3,
          border: bool = True) -> None:
    """Cards of spend per pool, firms funded, startup share, Gini and impact.

    Each card shows its change against ``previous`` when that solve has an allocation.
    """
    m = metrics(solved)
    before = metrics(p) if (p := _comparable(previous)) else None
    policy = solved.scenario.policy
    items: list[tuple[str, str, str | None, str, str]] = []
    for program in solved.scenario.programs:
        spend, budget = m.spend[program], policy.budget(program)
        change = spend - before.spend[program] if before else 0.0
        delta = fmt.ascii_sign(fmt.signed_money(change)) if abs(change) >= 0.5 else None
        items.append((t("card.spend", program=fmt.program(program)), fmt.money(spend), delta,
                      "normal", t("card.spend.help", budget=fmt.money(budget),
                                  share=fmt.pct(spend / budget if budget else 0))))
    funded = m.firms_funded - before.firms_funded if before else 0
    items.append((t("card.funded"), fmt.count(m.firms_funded),
                  f"{funded:+,}" if funded else None, "normal", t("card.funded.help")))
    items.append((t("card.startup"), fmt.pct(m.startup_share),
                  fmt.points(m.startup_share - before.startup_share) if before else None,
                  "normal", t("card.startup.help")))
    items.append((t("card.gini"), fmt.number(m.gini),
                  f"{m.gini - before.gini:+.3f}" if before else None, "inverse",
                  t("card.gini.help", jain=fmt.number(m.jain))))
    items.append((t("card.impact"), fmt.impact(m.impact),
                  fmt.signed_pct((m.impact - before.impact) / before.impact)
                  if before and before.impact else None, "normal", t("card.impact.help")))
    for start in range(0, len(items), per_row):
        row = items[start:start + per_row]
        for column, (label, value, delta, colour, hint) in zip(
                st.columns(per_row), row, strict=False):
            column.metric(label, value, delta, delta_color=colour,  # type: ignore[arg-type]
                          help=hint, border=border)


def group_money(m: Metrics, by: str) -> dict[str, float]:
    """Yuan per group (``class`` or ``district``) from the metrics' shares of the money paid."""
    shares = m.share_by_class if by == "class" else m.share_by_district
    return {k: v * m.spend_total for k, v in shares.items()}


def moved_table(after: Metrics, before: Metrics, by: str) -> pd.DataFrame:
    """Per group: yuan before, after and the change (groups in either allocation)."""
    a, b = group_money(after, by), group_money(before, by)
    groups = list(dict.fromkeys([*b, *a]))
    label = fmt.size_class if by == "class" else fmt.district
    return pd.DataFrame({
        "group": [label(g) for g in groups],
        "before": [b.get(g, 0.0) / WAN for g in groups],
        "after": [a.get(g, 0.0) / WAN for g in groups],
        "delta": [(a.get(g, 0.0) - b.get(g, 0.0)) / WAN for g in groups],
    })


def firm_changes(solved: Solved, previous: Solved, top: int = 8) -> pd.DataFrame | None:
    """The firms whose totals changed most, when both solves have the same firms."""
    new, old = solved.scenario.firms, previous.scenario.firms
    if len(new) != len(old) or not np.array_equal(new["firm_id"].to_numpy(),
                                                   old["firm_id"].to_numpy()):
        return None
    delta = solved.result.totals - previous.result.totals
    order = np.argsort(-np.abs(delta), kind="stable")[:top]
    order = order[np.abs(delta[order]) >= 1.0]
    if not len(order):
        return None
    return pd.DataFrame({
        t("col.firm_id"): new["firm_id"].to_numpy()[order],
        t("col.name"): new["name"].to_numpy()[order],
        t("col.size_class"): [fmt.size_class(c) for c in new["size_class"].to_numpy()[order]],
        t("col.before_wan"): previous.result.totals[order] / WAN,
        t("col.after_wan"): solved.result.totals[order] / WAN,
        t("col.delta_wan"): delta[order] / WAN,
    })


def gains_compact(solved: Solved, previous: Solved | None) -> None:
    """A narrow table of the change per size class and district (for a side panel)."""
    before = _comparable(previous)
    if before is None or not solved.result.optimal:
        return
    after_m, before_m = metrics(solved), metrics(before)
    districts = moved_table(after_m, before_m, "district").sort_values("delta", ascending=False)
    tables = [moved_table(after_m, before_m, "class"), districts]
    table = pd.concat(tables, ignore_index=True)
    table = table[table["delta"].abs() >= 0.05]
    st.markdown(f"**{t('moved.title_short')}**")
    if table.empty:
        st.caption(t("moved.none"))
        return
    st.dataframe(table[["group", "delta"]], hide_index=True, width="stretch",
                 height=35 * (len(table) + 1) + 3, column_config={
        "group": st.column_config.TextColumn(t("moved.group"), width="small"),
        "delta": st.column_config.NumberColumn(t("moved.delta"), format="%+,.0f"),
    })


def gains_and_losses(solved: Solved, previous: Solved | None) -> None:
    """Who gains and who loses against the previous solve: size classes, districts, firms."""
    before = _comparable(previous)
    if before is None or not solved.result.optimal:
        return
    after_m, before_m = metrics(solved), metrics(before)
    left, right = st.columns(2)
    for column, by, title in ((left, "class", t("moved.by_class")),
                              (right, "district", t("moved.by_district"))):
        table = moved_table(after_m, before_m, by)
        with column:
            st.markdown(f"**{title}**")
            if (table["delta"].abs() < 0.005).all():
                st.caption(t("moved.none"))
                continue
            data = table.assign(series=t("moved.series"))
            st.altair_chart(charts.moved(data, group="group", value="delta", series="series",
                                         value_title=t("moved.axis")), width="stretch")
    firms = firm_changes(solved, before)
    if firms is not None:
        st.markdown(f"**{t('moved.firms')}**")
        money = {c: st.column_config.NumberColumn(format="%,.1f")
                 for c in (t("col.before_wan"), t("col.after_wan"), t("col.delta_wan"))}
        st.dataframe(firms, hide_index=True, column_config=money, width="stretch")
