"""The map page's logic: colour classes, legends, tooltips, findings, tables and the deck.gl spec.

Pure functions over query results (no Streamlit). The deck.gl spec is built as one compact JSON
string: town and tract geometries are stored as GeoJSON text in the database and are spliced
into the spec as they are (never parsed, never pretty-printed), so a page can cache the string
and send it unchanged on every rerun.

Colour decisions (stated in the legend):
- opportunity levels use LEVEL_COLORS, the same five colours as everywhere else;
- an indicator uses ColorBrewer YlGnBu (colour-blind safe, prints in grey), in quantile classes
  (fifths of the towns with a value, ties kept together); darker always means a higher value,
  and the legend says whether higher is better or worse for that figure;
- no data is a mid grey that is in neither scale.
"""

from __future__ import annotations

import html
import json
import math

import numpy as np
import pandas as pd

from .format import fmt_moe, fmt_value
from .format import md_escape
from .indicators import INDICATORS
from .levels import LEVEL_COLORS, LEVELS
from .moe import CV_UNRELIABLE
from .profile import DOMAIN_TITLES, SECTION_ORDER, rank_text

LEVEL_MODE = "level"

# ColorBrewer YlGnBu, by number of classes (Cynthia Brewer, colorbrewer2.org; colour-blind safe).
YLGNBU = {
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
}
N_CLASSES = 5
NO_DATA_COLOR = "#8c8c8c"
TOWN_BORDER = [60, 60, 60, 255]  # the state drawn under the shrunken towns: the borders
TRACT_LINE = [255, 255, 255, 150]
TOWN_OUTLINE_ON_TRACTS = [25, 25, 25, 255]
HIGHLIGHT = [255, 140, 0, 170]
MAX_REASON_CHARS = 110

TOOLTIP_HTML = "<b>{name}</b><br/>{line1}<br/>{line2}<br/>{line3}"
TOOLTIP_STYLE = {"backgroundColor": "#ffffff", "color": "#1a1a1a", "fontSize": "15px", "lineHeight": "1.35",
                 "border": "1px solid #8c8c8c", "borderRadius": "4px", "padding": "8px 10px", "maxWidth": "340px",
                 "whiteSpace": "normal", "boxShadow": "0 2px 6px rgba(0,0,0,.25)"}


# -- colours -------------------------------------------------------------------------

def hex_to_rgba(color: str, alpha: int = 255) -> list[int]:
    c = color.lstrip("#")
    return [int(c[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def palette(n: int) -> list[str]:
    """A YlGnBu palette of n classes (1 to 5)."""
    if n <= 0:
        return []
    if n in YLGNBU:
        return YLGNBU[n]
    return YLGNBU[3][1:1 + n] if n < 3 else YLGNBU[5]


def capped(indicator_id: str, values: pd.Series) -> pd.Series:
    """Values with top-coded ones set to the top code, so '250,000+' ties rather than ranks."""
    ind = INDICATORS[indicator_id]
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return v.clip(upper=ind.top_coded) if ind.top_coded is not None else v


def quantile_classes(values: pd.Series, k: int = N_CLASSES) -> pd.Series:
    """Class 0..m-1 for each value (NaN stays NaN): fifths (k-iles) of the values by rank,
    with tied values always in the same class; empty classes are dropped, so classes are
    consecutive and each holds at least one value."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    ok = v.notna()
    out = pd.Series(np.nan, index=v.index)
    n = int(ok.sum())
    if n == 0:
        return out
    r = v[ok].rank(method="min")
    raw = np.minimum(k - 1, np.floor((r - 1) * k / n)).astype(int)
    used = sorted(raw.unique())
    remap = {c: i for i, c in enumerate(used)}
    out[ok] = raw.map(remap).astype(float)
    return out


# -- option labels -------------------------------------------------------------------

def indicator_options(ids: list[str]) -> list[str]:
    """Indicator ids ordered by section (as on the town profile), registry order within."""
    order = {d: i for i, d in enumerate(SECTION_ORDER)}
    return sorted(ids, key=lambda i: (order.get(INDICATORS[i].domain, 99), ids.index(i)))


def option_labels(ids: list[str]) -> dict[str, str]:
    """id -> 'Section · short label'; a short label used twice is replaced by the full label."""
    counts: dict[str, int] = {}
    for i in ids:
        counts[INDICATORS[i].short_label] = counts.get(INDICATORS[i].short_label, 0) + 1
    out = {}
    for i in ids:
        ind = INDICATORS[i]
        name = ind.short_label if counts[ind.short_label] == 1 else ind.label
        out[i] = f"{DOMAIN_TITLES.get(ind.domain, ind.domain)} · {name}"
    return out


# -- tables ------------------------------------------------------------------------

def _short(text, n: int = MAX_REASON_CHARS) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"


def _cuts(tract_opp: pd.DataFrame) -> list[float]:
    """Score cut points between the levels (as views.level_of_score computes them)."""
    t = tract_opp.dropna(subset=["index_value", "level"])
    rng = t.groupby("level")["index_value"].agg(["min", "max"]).reindex(list(LEVELS))
    return [(rng["max"].iloc[i] + rng["min"].iloc[i + 1]) / 2 for i in range(4)]


def levels_of_scores(scores: pd.Series, tract_opp: pd.DataFrame) -> pd.Series:
    """Vectorised views.level_of_score: the level whose range of tract scores holds each score."""
    cuts = _cuts(tract_opp)
    s = pd.to_numeric(scores, errors="coerce")
    idx = np.searchsorted(cuts, s.fillna(0).to_numpy(), side="right")
    return pd.Series([LEVELS[i] if ok else None for i, ok in zip(idx, s.notna())], index=s.index, dtype=object)


def level_table(area: pd.DataFrame, towns: pd.DataFrame, tract_opp: pd.DataFrame) -> pd.DataFrame:
    """One row per town: population-weighted score, its level, shares of residents by level, rank."""
    a = towns[["town", "town_id", "region"]].merge(area, left_on="town_id", right_on="geo_id", how="left")
    a["level"] = levels_of_scores(a["weighted_index"], tract_opp)
    a["share_low_or_very_low"] = a["share_very_low"] + a["share_low"]
    a["share_high_or_very_high"] = a["share_high"] + a["share_very_high"]
    ok = a["weighted_index"].notna()
    a["rank_high"] = a["weighted_index"].rank(method="min", ascending=False)
    a["rank_low"] = a["weighted_index"].rank(method="min", ascending=True)
    a["n"] = int(ok.sum())
    a["rank_text"] = [rank_text(h, lo, n) for h, lo, n in zip(a["rank_high"], a["rank_low"], a["n"])]
    return a.sort_values("town").reset_index(drop=True)


def indicator_table(indicator_id: str, ranked: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    """One row per town: value, margin, reliability, rank (top codes tied), text for people."""
    d = towns[["town", "town_id", "region"]].merge(ranked, left_on="town_id", right_on="geo_id", how="left")
    top = d["top_coded"].fillna(False).astype(bool)
    d["top_coded"] = top
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = (d["moe"] / 1.645) / d["estimate"].abs()
    d["unreliable"] = (cv > CV_UNRELIABLE).fillna(False) & ~top
    d["value_text"] = [fmt_value(indicator_id, v) for v in d["estimate"]]
    d["moe_text"] = ["" if t else fmt_moe(indicator_id, m) for m, t in zip(d["moe"], top)]
    d["rank_text"] = [rank_text(h, lo, n, t) for h, lo, n, t in zip(d["rank_high"], d["rank_low"], d["n"], top)]
    notes = []
    for r in d.itertuples():
        n = []
        if pd.isna(r.estimate):
            n.append(f"Missing: {r.missing_reason}" if isinstance(r.missing_reason, str) and r.missing_reason
                     else "Missing")
        if r.top_coded:
            n.append("Top-coded by the Census Bureau: the true value is at least this")
        if r.unreliable:
            n.append("Unreliable: margin of error is large (CV above 30%)")
        notes.append("; ".join(n))
    d["note"] = notes
    d["class"] = quantile_classes(capped(indicator_id, d["estimate"]))
    return d.sort_values("town").reset_index(drop=True)


def number_format(indicator_id: str) -> tuple[str, float]:
    """(printf format, scale) for a numeric table column, matching fmt_value: shares are shown
    multiplied by 100. (NumberColumn's 'percent' with a step truncates rather than rounds, so
    77.6% would read 77%; printf rounds.) See needs_styler for what the grid cannot show."""
    f = INDICATORS[indicator_id].fmt
    return {"pct1": ("%.1f%%", 100.0), "pct0": ("%.0f%%", 100.0), "dollars": ("$%,.0f", 1.0),
            "int": ("%,.0f", 1.0), "dec0": ("%,.0f", 1.0), "dec1": ("%,.1f", 1.0),
            "dec2": ("%,.2f", 1.0)}.get(f, ("%,.1f", 1.0))


def needs_styler(indicator_id: str, t: pd.DataFrame) -> bool:
    """A table needs pandas Styler formatting (slower) when a value must read as text the grid
    cannot show: a top-coded '$250,000+', or a missing value as '—' (the grid shows 'None')."""
    return INDICATORS[indicator_id].top_coded is not None or bool(t["estimate"].isna().any())


def indicator_display(t: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The sortable table people read (numeric columns; the page formats them)."""
    ind = INDICATORS[indicator_id]
    out = pd.DataFrame({"Town": t["town"], ind.short_label: t["estimate"]})
    if ind.has_moe:
        out["Margin of error (90%)"] = [m + (" ⚠" if u else "") for m, u in zip(t["moe_text"], t["unreliable"])]
    out["Rank (1 = highest)"] = t["rank_high"].astype("Int64")
    if (t["note"] != "").any():
        out["Note"] = t["note"]
    return out


def level_display(t: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"Town": t["town"], "Level (by weighted score)": t["level"],
                        "Weighted score": t["weighted_index"]})
    for lv in LEVELS:
        out[f"% {lv}"] = t["share_" + lv.lower().replace(" ", "_")]
    out["Rank (1 = highest score)"] = t["rank_high"].astype("Int64")
    return out


def indicator_csv(t: pd.DataFrame, indicator_id: str, source: str) -> str:
    ind = INDICATORS[indicator_id]
    out = pd.DataFrame({
        "town": t["town"], "town_id": t["town_id"], "indicator": indicator_id, "label": ind.label,
        "value": t["estimate"], "value_text": t["value_text"], "moe_90": t["moe"], "top_coded": t["top_coded"],
        "unreliable_cv_over_30pct": t["unreliable"], "rank_highest_first": t["rank_high"].astype("Int64"),
        "towns_ranked": t["n"].astype("Int64"), "missing_reason": t["missing_reason"],
        "unit": ind.unit + (" (fraction 0-1)" if ind.unit == "share" else ""), "vintage": ind.vintage,
        "source": source})
    return out.to_csv(index=False)


def level_csv(t: pd.DataFrame, index_name: str, source: str) -> str:
    cols = ["town", "town_id", "weighted_index", "level", "share_very_low", "share_low", "share_moderate",
            "share_high", "share_very_high", "population_rated", "tracts", "tracts_rated", "rank_high", "n"]
    out = t[cols].rename(columns={"weighted_index": "weighted_score", "rank_high": "rank_highest_first",
                                  "n": "towns_ranked"}).assign(index_name=index_name, source=source)
    out["rank_highest_first"] = out["rank_highest_first"].astype("Int64")
    return out.to_csv(index=False)


# -- legends ----------------------------------------------------------------------

def indicator_legend(t: pd.DataFrame, indicator_id: str) -> dict:
    """{'rows': [{color, label, count}], 'note': str} for an indicator_table."""
    ind = INDICATORS[indicator_id]
    v = capped(indicator_id, t["estimate"])
    classes = t["class"]
    m = int(classes.max()) + 1 if classes.notna().any() else 0
    cols = palette(m)
    rows = []
    for c in range(m):
        sel = v[classes == c]
        lo, hi = sel.min(), sel.max()
        lo_t, hi_t = fmt_value(indicator_id, lo), fmt_value(indicator_id, hi)
        lab = lo_t if lo_t == hi_t else f"{lo_t} to {hi_t}"
        rows.append({"color": cols[c], "label": lab, "count": int(len(sel))})
    rows.reverse()  # highest first, as people read a legend top-down
    missing = int(v.isna().sum())
    if missing:
        rows.append({"color": NO_DATA_COLOR, "label": "No data", "count": missing})
    direction = {True: " Here higher is better.", False: " Here higher is worse.", None: ""}[ind.higher_is_better]
    n = int(v.notna().sum())
    if m == N_CLASSES:
        how = f"Classes are fifths of the {n} towns with a value."
    else:
        how = (f"{m} classes: fifths of the {n} towns with a value, with towns of equal value kept in one class.")
    note = f"Darker = higher.{direction} {how}"
    return {"rows": rows, "note": note}


def level_legend(levels: pd.Series, unit: str = "towns", no_data_label: str = "No score") -> dict:
    counts = levels.value_counts()
    rows = [{"color": LEVEL_COLORS[lv], "label": lv, "count": int(counts.get(lv, 0))} for lv in reversed(LEVELS)]
    missing = int(levels.isna().sum())
    if missing:
        rows.append({"color": NO_DATA_COLOR, "label": no_data_label, "count": missing})
    return {"rows": rows, "unit": unit}


LEGEND_CSS = """<style>
.oca-legend { line-height: 1.5; }
.oca-legend .oca-lg-title { font-weight: 600; font-size: 1.1em; }
.oca-legend .oca-lg-sub { color: #444; margin-bottom: .4rem; }
.oca-legend .oca-lg-row { display: flex; align-items: center; gap: .55rem; margin: .2rem 0; }
.oca-legend .oca-sw { flex: 0 0 auto; width: 1.6em; height: 1.1em; border: 1px solid #555; border-radius: 2px; }
.oca-legend .oca-lg-text { flex: 1 1 auto; display: flex; flex-wrap: wrap; column-gap: .5rem; }
.oca-legend .oca-n { color: #555; margin-left: auto; white-space: nowrap; }
.oca-legend .oca-lg-note { color: #333; font-size: .9em; margin-top: .5rem; }
</style>"""


def legend_html(title: str, legend: dict, unit: str = "towns", notes: list[str] | tuple = (),
                subtitle: str = "") -> str:
    """The legend as HTML. Every text is escaped here; colours come only from our own scales."""
    e = html.escape
    rows = []
    for r in legend["rows"]:
        color = r["color"] if str(r["color"]).startswith("#") and len(str(r["color"])) == 7 else NO_DATA_COLOR
        n = r["count"]
        rows.append(f'<div class="oca-lg-row" role="listitem"><span class="oca-sw" style="background:{e(color)}">'
                    f'</span><span class="oca-lg-text"><span>{e(r["label"])}</span><span class="oca-n">{n} '
                    f'{e(unit if n != 1 else unit[:-1])}</span></span></div>')
    foot = "".join(f'<div class="oca-lg-note">{e(n)}</div>' for n in notes if n)
    sub = f'<div class="oca-lg-sub">{e(subtitle)}</div>' if subtitle else ""
    return (LEGEND_CSS + f'<div class="oca-legend"><div class="oca-lg-title">{e(title)}</div>{sub}'
            f'<div role="list" aria-label="{e(title)}">' + "".join(rows) + "</div>" + foot + "</div>")


def md_text(text) -> str:
    """Data text made inert for st.markdown (see format.md_escape)."""
    return md_escape(text)


# -- findings ----------------------------------------------------------------------

def join_names(names: list[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _group(names: list[str], most: int = 4) -> str:
    return join_names(names) if len(names) <= most else f"{len(names)} towns"


def level_finding(t: pd.DataFrame, level: str = "Very Low") -> str:
    """Where the residents of the lowest-opportunity tracts live, in one sentence."""
    col = "share_" + level.lower().replace(" ", "_")
    people = (t["population_rated"] * t[col]).fillna(0)
    total = float(people.sum())
    if total <= 0:
        return f"No town has residents in {level} opportunity tracts."
    top = t.assign(p=people).sort_values("p", ascending=False).head(3)
    n_any = int((people > 0).sum())
    share = float(top["p"].sum()) / total
    return (f"{join_names(top['town'].tolist())} are home to {share:.0%} of Connecticut's residents of "
            f"{level} opportunity tracts; {n_any} of the {len(t)} towns have any.")


def indicator_finding(t: pd.DataFrame, indicator_id: str, state_value=None) -> str:
    """'<label> ranges from <low> in <towns> to <high> in <towns> (Connecticut: x).'"""
    ind = INDICATORS[indicator_id]
    v = capped(indicator_id, t["estimate"])
    ok = v.notna()
    if not ok.any():
        return f"No town has a value for {ind.label.lower()}."
    lo, hi = v[ok].min(), v[ok].max()
    lo_names = t.loc[ok & (v == lo), "town"].tolist()
    hi_names = t.loc[ok & (v == hi), "town"].tolist()
    lo_raw = t.loc[ok & (v == lo), "estimate"].iloc[0]
    hi_raw = t.loc[ok & (v == hi), "estimate"].iloc[0]
    label = ind.label if ind.vintage in ind.label else f"{ind.label} ({ind.vintage})"
    s = (f"{label} ranges from {fmt_value(indicator_id, lo_raw)} in {_group(lo_names)} "
         f"to {fmt_value(indicator_id, hi_raw)} in {_group(hi_names)}")
    if state_value is not None and not pd.isna(state_value):
        s += f" (Connecticut: {fmt_value(indicator_id, state_value)})"
    missing = int((~ok).sum())
    if missing:
        s += f"; no figure for {missing} town{'s' if missing != 1 else ''}"
    return s + "."


# -- features and tooltips -----------------------------------------------------------

def _signed(x: float) -> str:
    return f"{x:+.2f}".replace("-", "−")


def level_properties(t: pd.DataFrame) -> dict[str, dict]:
    """town_id -> feature properties for the opportunity-level map."""
    out = {}
    for r in t.itertuples():
        if pd.isna(r.weighted_index):
            out[r.town_id] = {"name": r.town, "town": r.town, "fill": hex_to_rgba(NO_DATA_COLOR, 255),
                              "line1": "No census tract here has a score", "line2": "", "line3": ""}
            continue
        out[r.town_id] = {
            "name": r.town, "town": r.town, "fill": hex_to_rgba(LEVEL_COLORS[r.level], 255),
            "line1": f"{r.level} opportunity range (weighted score {_signed(r.weighted_index)})",
            "line2": (f"{r.share_low_or_very_low:.0%} of residents in Low or Very Low opportunity tracts, "
                      f"{r.share_high_or_very_high:.0%} in High or Very High"),
            "line3": f"Its score is the {r.rank_text}",
        }
    return out


def indicator_properties(t: pd.DataFrame, indicator_id: str) -> dict[str, dict]:
    ind = INDICATORS[indicator_id]
    m = int(t["class"].max()) + 1 if t["class"].notna().any() else 0
    cols = palette(m)
    out = {}
    for r, cls in zip(t.itertuples(), t["class"]):
        if pd.isna(r.estimate):
            reason = r.missing_reason if isinstance(r.missing_reason, str) and r.missing_reason else ""
            out[r.town_id] = {"name": r.town, "town": r.town, "fill": hex_to_rgba(NO_DATA_COLOR, 255),
                              "line1": f"{ind.short_label}: no data", "line2": _short(reason), "line3": ""}
            continue
        val = r.value_text + (f" ({r.moe_text})" if r.moe_text else "") + (" ⚠ unreliable" if r.unreliable else "")
        out[r.town_id] = {
            "name": r.town, "town": r.town, "fill": hex_to_rgba(cols[int(cls)], 255),
            "line1": f"{ind.short_label}: {val}",
            "line2": r.rank_text[:1].upper() + r.rank_text[1:] if r.rank_text else "",
            "line3": ind.vintage,
        }
    return out


def tract_properties(tract_opp: pd.DataFrame, tracts: pd.DataFrame) -> dict[str, dict]:
    """tract_id -> feature properties for the tract layer (every tract with a shape)."""
    o = tract_opp.set_index("tract_id")
    out = {}
    for r in tracts.itertuples():
        name = f"Tract {r.tract_name}, {r.town}"
        if r.tract_id in o.index and isinstance(o.at[r.tract_id, "level"], str):
            lv, score, note = o.at[r.tract_id, "level"], o.at[r.tract_id, "index_value"], o.at[r.tract_id, "note"]
            out[r.tract_id] = {
                "name": name, "town": r.town, "fill": hex_to_rgba(LEVEL_COLORS[lv], 240),
                "line1": f"{lv} opportunity (score {_signed(score)})",
                "line2": f"{r.population:,.0f} residents" if not pd.isna(r.population) else "",
                "line3": _short(note) if isinstance(note, str) and note else "",
            }
        else:
            why = "no residents" if not pd.isna(r.population) and r.population == 0 else "not scored"
            out[r.tract_id] = {"name": name, "town": r.town, "fill": hex_to_rgba(NO_DATA_COLOR, 230),
                               "line1": f"No score ({why})", "line2": "", "line3": ""}
    return out


def feature_collection(shapes: pd.DataFrame, id_col: str, props: dict[str, dict]) -> str:
    """A GeoJSON FeatureCollection as compact text; geometry text is spliced in unparsed."""
    parts = []
    for gid, geom in zip(shapes[id_col], shapes["geojson"]):
        p = props.get(gid)
        if p is None or not isinstance(geom, str):
            continue
        parts.append('{"type":"Feature","geometry":' + geom + ',"properties":'
                     + json.dumps(p, separators=(",", ":"), ensure_ascii=False) + "}")
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


# -- view and deck -------------------------------------------------------------------

def _merc_y(lat: float) -> float:
    return (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2


def _inv_merc_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp((1 - 2 * y) * math.pi)) - math.pi / 2)


def bounds_of(shapes: pd.DataFrame) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) around every shape of a ``shapes()`` table."""
    return (float(shapes["min_lon"].min()), float(shapes["min_lat"].min()),
            float(shapes["max_lon"].max()), float(shapes["max_lat"].max()))


def fit_view(bounds: tuple[float, float, float, float], width: int, height: int, padding: float = 0.04) -> dict:
    """The centre and zoom that fit (min_lon, min_lat, max_lon, max_lat) in width x height pixels
    (Web Mercator, 512-pixel world at zoom 0, as deck.gl uses); pitch and bearing 0."""
    min_lon, min_lat, max_lon, max_lat = bounds
    dx = (max_lon - min_lon) / 360
    y0, y1 = _merc_y(max_lat), _merc_y(min_lat)
    dy = y1 - y0
    scale = min(width * (1 - 2 * padding) / dx, height * (1 - 2 * padding) / dy) / 512
    return {"longitude": round(float(min_lon + max_lon) / 2, 5), "latitude": round(_inv_merc_y((y0 + y1) / 2), 5),
            "zoom": round(math.log2(scale), 2), "pitch": 0, "bearing": 0, "minZoom": 6, "maxZoom": 13}


def fit_height(bounds: tuple[float, float, float, float], width: int, padding: float = 0.04) -> int:
    """The height in pixels that the bounds need when fitted to a width (so no band is left blank)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    dx = (max_lon - min_lon) / 360
    dy = _merc_y(min_lat) - _merc_y(max_lat)
    return int(math.ceil(width * dy / dx))


def is_mobile(user_agent: str | None) -> bool:
    ua = user_agent or ""
    return "Mobi" in ua or "Android" in ua or "iPhone" in ua


def _geo_layer(layer_id: str, *, pickable: bool, filled: bool, line_color, line_px: float) -> dict:
    layer = {"@@type": "GeoJsonLayer", "id": layer_id, "data": f"__DATA_{layer_id}__", "pickable": pickable,
             "stroked": line_px > 0, "filled": filled}
    if line_px > 0:
        layer.update({"lineWidthUnits": "pixels", "lineWidthMinPixels": line_px, "getLineWidth": line_px,
                      "getLineColor": line_color})
    if filled:
        layer["getFillColor"] = "@@=properties.fill"
    if pickable:
        layer.update({"autoHighlight": True, "highlightColor": HIGHLIGHT})
    return layer


def deck_json(view: dict, towns_fc: str, state_fc: str | None = None, tract_fc: str | None = None) -> str:
    """The deck.gl JSON spec, with no basemap (so nothing is fetched from the internet).

    Towns alone: ``towns_fc`` holds the shrunken town fills (``shapes("town_fill")``) and ``state_fc``
    the state (``shapes("state")``), drawn dark under them, so the gaps are the town borders. One
    polygon layer type and no line layer: a line layer costs about 0.8 s more to first draw in a
    browser without a GPU. Zoom stops two levels in, where the borders are about 6 px wide.
    With ``tract_fc``: tracts filled and pickable under town outlines (``towns_fc`` = ``shapes("town")``).
    """
    if tract_fc is None:
        if state_fc is None:
            raise ValueError("the towns map needs the state outline under the town fills")
        layers = [_geo_layer("state", pickable=False, filled=True, line_color=None, line_px=0),
                  _geo_layer("towns", pickable=True, filled=True, line_color=None, line_px=0)]
        layers[0]["getFillColor"] = TOWN_BORDER
        data = {"state": state_fc, "towns": towns_fc}
        view = {**view, "maxZoom": round(view["zoom"] + 2, 2)}
    else:
        # Tracts unstroked: adjacent tracts of one level read as one area, and picking (hover, click)
        # stays fast in browsers without a GPU (strokes tripled the picking time under SwiftShader).
        layers = [_geo_layer("tracts", pickable=True, filled=True, line_color=TRACT_LINE, line_px=0),
                  _geo_layer("towns", pickable=False, filled=False, line_color=TOWN_OUTLINE_ON_TRACTS, line_px=1.6)]
        data = {"tracts": tract_fc, "towns": towns_fc}
    controller = {"scrollZoom": tract_fc is not None, "doubleClickZoom": False, "dragRotate": False,
                  "touchRotate": False, "keyboard": True}
    spec = {
        "initialViewState": view,
        "layers": layers,
        # pydeck's "no map style given" sentinel: Streamlit then draws no basemap. (With no mapStyle
        # at all, Streamlit would fetch a CARTO basemap from the internet.)
        "mapStyle": "__MAP_STYLE__",
        "views": [{"@@type": "MapView", "controller": controller}],
    }
    text = json.dumps(spec, separators=(",", ":"))
    for layer_id, fc in data.items():
        text = text.replace(f'"__DATA_{layer_id}__"', fc, 1)
    return text


def towns_map_json(view: dict, fills: pd.DataFrame, state: pd.DataFrame, props: dict[str, dict]) -> str:
    """The towns map's spec from ``shapes("town_fill")`` (with each town's properties) and ``shapes("state")``."""
    return deck_json(view, feature_collection(fills, "town_id", props),
                     state_fc=feature_collection(state, "state_id", {sid: {} for sid in state["state_id"]}))


def tooltip() -> dict:
    return {"html": TOOLTIP_HTML, "style": dict(TOOLTIP_STYLE)}


# -- clicks ------------------------------------------------------------------------

def town_from_selection(selection, towns: list[str]) -> str | None:
    """The town named by a pydeck selection (either layer), if it is one of the known towns."""
    if not selection:
        return None
    try:
        objects = selection.get("objects", {}) if hasattr(selection, "get") else {}
    except Exception:  # noqa: BLE001 - a malformed selection is simply no click
        return None
    known = set(towns)
    for objs in (objects or {}).values():
        for o in objs or []:
            if not isinstance(o, dict):
                continue
            props = o.get("properties") if isinstance(o.get("properties"), dict) else o
            name = props.get("town")
            if isinstance(name, str) and name in known:
                return name
    return None
