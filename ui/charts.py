"""Altair charts of the app: groups, Lorenz curve, money moved, the frontier.

Charts take small tidy tables (one row per bar or point) that the pages build
from the analysis results; nothing here computes a metric.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
HEIGHT = 260
GAIN, LOSS = "#2e7d32", "#c62828"
LORENZ_POINTS = 400


def _style(chart: alt.Chart) -> alt.Chart:
    return chart.configure(font=FONT).configure_axis(labelFont=FONT, titleFont=FONT) \
        .configure_legend(labelFont=FONT, titleFont=FONT, orient="bottom", labelLimit=0) \
        .configure_view(strokeWidth=0)


def group_bars(data: pd.DataFrame, *, group: str, value: str, series: str, value_title: str,
               percent: bool = False, tooltip: list[str] | None = None) -> alt.Chart:
    """Bars per group, one colour per series (side by side): e.g. coverage and share."""
    axis = alt.Axis(format=".0%") if percent else alt.Axis(format=",.0f")
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{group}:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False)),
        x=alt.X(f"{value}:Q", title=value_title or None, axis=axis),
        color=alt.Color(f"{series}:N", title=None),
        yOffset=alt.YOffset(f"{series}:N"),
        tooltip=tooltip or [group, series, alt.Tooltip(value, format=".1%" if percent else ",.1f")],
    ).properties(height=max(HEIGHT, 34 * data[group].nunique()))
    return _style(chart)


def lorenz(totals: np.ndarray, *, x_title: str, y_title: str, curve: str,
           equality: str) -> alt.Chart:
    """The Lorenz curve of firm totals (sorted, cumulative), against the line of equality."""
    x = np.sort(np.asarray(totals, dtype=float))
    n = len(x)
    total = float(x.sum())
    if n == 0 or total <= 0:
        people, money = np.array([0.0, 1.0]), np.array([0.0, 0.0])
    else:
        step = max(1, n // LORENZ_POINTS)
        index = np.unique(np.append(np.arange(0, n, step), n - 1))
        people = np.concatenate([[0.0], (index + 1) / n])
        money = np.concatenate([[0.0], np.cumsum(x)[index] / total])
    data = pd.concat([
        pd.DataFrame({"firms": people, "money": money, "line": curve}),
        pd.DataFrame({"firms": [0.0, 1.0], "money": [0.0, 1.0], "line": equality}),
    ])
    chart = alt.Chart(data).mark_line().encode(
        x=alt.X("firms:Q", title=x_title, axis=alt.Axis(format=".0%")),
        y=alt.Y("money:Q", title=y_title, axis=alt.Axis(format=".0%")),
        color=alt.Color("line:N", title=None, sort=[curve, equality],
                        scale=alt.Scale(domain=[curve, equality], range=["#1565c0", "#9e9e9e"])),
        strokeDash=alt.StrokeDash("line:N", title=None, sort=[curve, equality],
                                  scale=alt.Scale(domain=[curve, equality],
                                                  range=[[1, 0], [5, 4]])),
    ).properties(height=HEIGHT)
    return _style(chart)


def moved(data: pd.DataFrame, *, group: str, value: str, series: str,
          value_title: str) -> alt.Chart:
    """Money gained (right) or lost (left) per group.

    With one series, gains are green and losses red; with several, each series
    (a compared scenario) has its own colour and a legend.
    """
    several = data[series].nunique() > 1
    if several:
        color = alt.Color(f"{series}:N", title=None)
    else:
        data = data.assign(sign=np.where(data[value] >= 0, "gain", "loss"))
        color = alt.Color("sign:N", legend=None,
                          scale=alt.Scale(domain=["gain", "loss"], range=[GAIN, LOSS]))
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{group}:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False)),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=",.0f")),
        color=color,
        yOffset=alt.YOffset(f"{series}:N"),
        tooltip=[group, series, alt.Tooltip(value, format=",.1f")],
    ).properties(height=max(HEIGHT, 18 * len(data)))
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#616161").encode(x="x:Q")
    return _style(alt.layer(chart, rule))


def frontier(data: pd.DataFrame, current: pd.DataFrame, *, x: str, y: str, x_title: str,
             y_title: str, label: str, order: str, x_percent: bool = False) -> alt.Chart:
    """The efficiency–fairness curve of a sweep (points joined in ``order``), with the
    scenario on screen marked by a red diamond."""
    x_axis = alt.Axis(format=".1%" if x_percent else ",.3f", tickCount=6)
    y_axis = alt.Axis(format=",.0f", tickCount=6)
    line = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=x_axis, scale=alt.Scale(zero=False, padding=24)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=y_axis, scale=alt.Scale(zero=False, padding=24)),
        order=alt.Order(f"{order}:Q"),
        tooltip=[alt.Tooltip(label, title=" "), alt.Tooltip(x, format=",.3f"),
                 alt.Tooltip(y, format=",.1f")],
    )
    labels = alt.Chart(data).mark_text(dy=-10, fontSize=11, color="#455a64").encode(
        x=f"{x}:Q", y=f"{y}:Q", text=f"{label}:N")
    layers = [line, labels]
    if not current.empty:
        layers.append(alt.Chart(current).mark_point(size=220, shape="diamond", filled=True,
                                                    color="#d62728")
                      .encode(x=f"{x}:Q", y=f"{y}:Q", tooltip=[label]))
        layers.append(alt.Chart(current).mark_text(dx=10, dy=18, align="left", color="#d62728",
                                                   fontWeight="bold")
                      .encode(x=f"{x}:Q", y=f"{y}:Q", text=f"{label}:N"))
    return _style(alt.layer(*layers).properties(height=HEIGHT + 80))


def spending(data: pd.DataFrame, pool: float, *, x_title: str, y_title: str, pool_label: str,
             within: str, beyond: str) -> alt.Chart:
    """A histogram of simulated spending (bars ``low``–``high`` in 万元, ``count`` draws,
    ``side`` within or beyond the pool), with the pool marked by a red rule."""
    bars = alt.Chart(data).mark_bar(binSpacing=0).encode(
        x=alt.X("low:Q", bin="binned", title=x_title, axis=alt.Axis(format=",.0f"),
                scale=alt.Scale(domain=[min(float(data["low"].min()), pool),
                                        max(float(data["high"].max()), pool)], nice=False)),
        x2="high:Q",
        y=alt.Y("count:Q", title=y_title, axis=alt.Axis(format=",.0f")),
        color=alt.Color("side:N", title=None, sort=[within, beyond],
                        scale=alt.Scale(domain=[within, beyond], range=["#90a4ae", LOSS])),
        tooltip=[alt.Tooltip("low:Q", format=",.0f", title=x_title),
                 alt.Tooltip("count:Q", format=",", title=y_title)],
    )
    mark = pd.DataFrame({"pool": [pool], "label": [pool_label]})
    rule = alt.Chart(mark).mark_rule(color=LOSS, strokeWidth=2, strokeDash=[5, 3]) \
        .encode(x="pool:Q")
    label = alt.Chart(mark).mark_text(align="left", dx=4, dy=-4, color=LOSS, fontWeight="bold") \
        .encode(x="pool:Q", y=alt.value(8), text="label:N")
    return _style(alt.layer(bars, rule, label).properties(height=HEIGHT - 40))
