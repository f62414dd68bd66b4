"""Altair chart builders. Each returns a chart whose title states its finding; pages add the
source line, the alt text and the same numbers as a table."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .levels import LEVEL_COLORS, LEVELS

FONT = 15
# Axis and legend text: 8.9:1 on white (Streamlit's Vega theme uses #808495, 3.7:1, below WCAG AA's 4.5:1).
AXIS_TEXT = "#4a4a4a"


def wrap_title(text: str | list[str], width: int = 44) -> list[str] | str:
    """Vega titles do not wrap: split a long finding into lines so a phone shows all of it.
    A title already split into lines (methods.wrap) is kept as it is."""
    import textwrap

    if isinstance(text, (list, tuple)):
        return list(text) if len(text) > 1 else (text[0] if text else "")
    lines = textwrap.wrap(text, width)
    return lines if len(lines) > 1 else text


def _style(chart: alt.Chart, title: str, subtitle: str = "") -> alt.Chart:
    t = alt.TitleParams(wrap_title(title), subtitle=wrap_title(subtitle, 70) if subtitle else alt.Undefined,
                        anchor="start", fontSize=FONT + 3, subtitleFontSize=FONT - 1)
    return (chart.properties(title=t)
            .configure_axis(labelFontSize=FONT - 1, titleFontSize=FONT, labelColor=AXIS_TEXT, titleColor=AXIS_TEXT)
            .configure_legend(labelFontSize=FONT - 1, titleFontSize=FONT, labelColor=AXIS_TEXT,
                              titleColor=AXIS_TEXT))


def grouped_shares(df: pd.DataFrame, title: str, subtitle: str = "") -> alt.Chart:
    """df: columns group, place, share (fraction). Bars of shares by group, one colour per place."""
    places = list(dict.fromkeys(df["place"]))
    palette = ["#1b5e91", "#9e9e9e", "#e69f00", "#56b4e9", "#009e73", "#cc79a7"][: len(places)]
    c = alt.Chart(df).mark_bar().encode(
        y=alt.Y("group:N", title=None, sort=list(dict.fromkeys(df["group"]))),
        yOffset=alt.YOffset("place:N", sort=places),
        x=alt.X("share:Q", title="Share of residents", axis=alt.Axis(format="%", tickCount=5)),
        color=alt.Color("place:N", title=None, sort=places, scale=alt.Scale(domain=places, range=palette),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("place:N", title="Place"), alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    ).properties(height=alt.Step(14))
    return _style(c, title, subtitle)


def level_bars(df: pd.DataFrame, title: str, subtitle: str = "", y: str = "place") -> alt.Chart:
    """df: columns <y>, level, share. Horizontal 100% stacked bars in the five level colours."""
    order = {lv: i for i, lv in enumerate(LEVELS)}
    d = df.assign(order=df["level"].map(order))
    c = alt.Chart(d).mark_bar().encode(
        y=alt.Y(f"{y}:N", title=None, sort=list(dict.fromkeys(df[y]))),
        x=alt.X("share:Q", title="Share of residents", axis=alt.Axis(format="%"), stack="normalize"),
        color=alt.Color("level:N", title="Opportunity level", sort=list(LEVELS),
                        scale=alt.Scale(domain=list(LEVELS), range=[LEVEL_COLORS[lv] for lv in LEVELS]),
                        legend=alt.Legend(orient="top")),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip(f"{y}:N"), alt.Tooltip("level:N", title="Level"),
                 alt.Tooltip("share:Q", title="Share", format=".1%")],
    ).properties(height=alt.Step(34))
    return _style(c, title, subtitle)


def trend_line(df: pd.DataFrame, title: str, subtitle: str = "", fmt: str = "%",
               rule_at: float | None = None, rule_label: str = "") -> alt.Chart:
    """df: columns year, value, series. A line per series, with an optional threshold line."""
    series = list(dict.fromkeys(df["series"]))
    others = ["#1b5e91", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00"]
    colours, k = [], 0
    for s_ in series:  # Connecticut is always grey; places take the colour-blind-safe palette in order
        if s_ == "Connecticut":
            colours.append("#7a7a7a")
        else:
            colours.append(others[k % len(others)])
            k += 1
    base = alt.Chart(df).mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=fmt, tickCount=5)),
        color=alt.Color("series:N", title=None, sort=series, scale=alt.Scale(domain=series, range=colours),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("year:O"), alt.Tooltip("value:Q", format=".2" + fmt)],
    )
    layers = [base]
    if rule_at is not None:
        rule = alt.Chart(pd.DataFrame({"y": [rule_at], "label": [rule_label]}))
        layers += [rule.mark_rule(strokeDash=[6, 4], color="#b2182b").encode(y="y:Q"),
                   rule.mark_text(align="right", dx=-4, dy=-7, color="#b2182b", fontSize=FONT - 2)
                   .encode(y="y:Q", x=alt.value("width"), text="label:N")]
    return _style(alt.layer(*layers).properties(height=300), title, subtitle)


def dot_compare(df: pd.DataFrame, title: str, subtitle: str = "", fmt: str = "") -> alt.Chart:
    """df: columns place, value, low, high (optional margin). Places on one axis with error bars."""
    base = alt.Chart(df)
    dots = base.mark_circle(size=180, color="#1b5e91").encode(
        y=alt.Y("place:N", title=None, sort=list(df["place"])),
        x=alt.X("value:Q", title=None, axis=alt.Axis(format=fmt) if fmt else alt.Axis()),
        tooltip=[alt.Tooltip("place:N"), alt.Tooltip("text:N", title="Value")],
    )
    layers = [dots]
    if "low" in df and df["low"].notna().any():
        layers.insert(0, base.mark_rule(color="#7a7a7a", strokeWidth=2).encode(
            y=alt.Y("place:N", sort=list(df["place"])), x="low:Q", x2="high:Q"))
    return _style(alt.layer(*layers).properties(height=alt.Step(36)), title, subtitle)
