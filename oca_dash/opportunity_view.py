"""Opportunity and race, statewide: who lives in each opportunity level, and where.

Pure shaping over the query layer (no Streamlit). The shares come from the database view
``opportunity_by_race``; this module adds approximate margins of error (the Census
Bureau's formulas for sums and proportions applied to the ACS tract counts), the headline
sentences, the caveats that apply to each index, and the data for the tract map.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from . import moe as M
from .levels import LEVEL_COLORS, LEVELS

# URL value -> (label, column of tract_race_counts, registry count indicator with tract MOEs)
GROUPS = {
    "black": ("Black", "black_nh", "pop_black_nh"),
    "latino": ("Latino", "hispanic", "pop_hispanic"),
    "asian": ("Asian", "asian_nh", "pop_asian_nh"),
    "white": ("White", "white_nh", "pop_white_nh"),
}
DEFAULT_GROUP = "black"
ALL = "All residents"
RACE_ORDER = ["Black", "Latino", "Asian", "White", ALL]
RACE_COL = {lab: col for lab, col, _ in GROUPS.values()} | {ALL: "all"}
RACE_MOE_IND = {lab: ind for lab, _, ind in GROUPS.values()} | {ALL: "population"}
GROUP_NOTE = ("Black, Asian and White mean non-Hispanic residents of that race alone; Latino means Hispanic or "
              "Latino residents of any race.")
NO_LEVEL = "No score"
NO_LEVEL_COLOR = "#8c8c8c"  # the map page's no-data grey, well apart from Moderate


# -- loading -------------------------------------------------------------------------

def load_by_race(db, index_name: str) -> pd.DataFrame:
    """The view's rows for one index (race, level, population, share)."""
    return db.opportunity_by_race(index_name)


def load_tracts(db, index_name: str) -> pd.DataFrame:
    """Every tract with its level on the index, its residents by group, the tract MOEs of those
    counts (ACS 2019-2023), and its label point."""
    moe_cols = ", ".join(f"max(moe) FILTER (WHERE indicator = '{ind}') AS \"moe_{RACE_COL[lab]}\""
                         for lab, ind in RACE_MOE_IND.items())
    return db.df(
        "SELECT t.tract_id, t.tract_name, t.town, o.level, o.index_value, o.note, "
        "r.\"all\", r.hispanic, r.white_nh, r.black_nh, r.asian_nh, "
        + ", ".join(f"m.\"moe_{c}\"" for c in RACE_COL.values()) +
        ", s.centroid_lon, s.centroid_lat "
        "FROM tracts t JOIN tract_race_counts r USING (tract_id) "
        "LEFT JOIN tract_opportunity o ON o.tract_id = t.tract_id AND o.index_name = ? "
        "LEFT JOIN tract_shapes s ON s.tract_id = t.tract_id "
        f"LEFT JOIN (SELECT geo_id, {moe_cols} FROM indicator_values WHERE geo_type = 'tract' "
        "  AND list_contains(?, indicator) GROUP BY geo_id) m ON m.geo_id = t.tract_id "
        "ORDER BY t.tract_id",
        [index_name, list(RACE_MOE_IND.values())])


def load_inputs(db) -> pd.DataFrame:
    return db.df("SELECT * FROM opportunity_inputs ORDER BY index_name, domain, indicator")


def load_tract_geojson(db) -> dict[str, dict]:
    """tract_id -> GeoJSON geometry (parsed once; callers cache it)."""
    d = db.df("SELECT tract_id, geojson FROM tract_shapes ORDER BY tract_id")
    return {t: json.loads(g) for t, g in zip(d["tract_id"], d["geojson"])}


def load_level_agreement(db) -> pd.DataFrame:
    """Pairs of indices: tracts rated by both, same level, within one level."""
    return db.df(
        "SELECT a.index_name AS a, b.index_name AS b, count(*) AS tracts, "
        "sum((a.level_rank = b.level_rank)::INT) AS same, "
        "sum((abs(a.level_rank - b.level_rank) <= 1)::INT) AS within_one "
        "FROM tract_opportunity a JOIN tract_opportunity b USING (tract_id) "
        "WHERE a.index_name < b.index_name AND a.level_rank IS NOT NULL AND b.level_rank IS NOT NULL "
        "GROUP BY 1, 2 ORDER BY 1, 2")


# -- margins ---------------------------------------------------------------------------

def moe_of_sum(estimates, moes) -> float:
    """MOE of a sum of ACS estimates: root of summed squares, counting the MOE of zero estimates
    once (the largest of them), as the Census Bureau advises for aggregates with zeros."""
    e = np.asarray(estimates, float)
    m = np.nan_to_num(np.asarray(moes, float))
    zero = e == 0
    total = float(np.sum(np.square(m[~zero])))
    if zero.any():
        total += float(np.max(m[zero])) ** 2
    return float(np.sqrt(total))


def level_table(by_race: pd.DataFrame, tracts: pd.DataFrame) -> pd.DataFrame:
    """One row per (race, level): residents and share (from the view) with approximate margins."""
    rated = tracts[tracts["level"].notna()]
    rows = []
    for race in RACE_ORDER:
        col, mcol = RACE_COL[race], f"moe_{RACE_COL[race]}"
        tot = float(rated[col].sum())
        tot_moe = moe_of_sum(rated[col], rated[mcol])
        view = by_race[by_race["race"] == race].set_index("level")
        for lv in LEVELS:
            t = rated[rated["level"] == lv]
            pop = float(view["population"].get(lv, np.nan))
            share = float(view["share"].get(lv, np.nan))
            pm = moe_of_sum(t[col], t[mcol])
            sm = float(M.moe_proportion(pop, tot, pm, tot_moe)) if tot > 0 else np.nan
            rows.append({"race": race, "level": lv, "population": pop, "population_moe": pm,
                         "share": share, "share_moe": sm, "group_total": tot})
    return pd.DataFrame(rows)


def chart_data(levels: pd.DataFrame) -> pd.DataFrame:
    """Long frame group, level, share for charts.level_bars(y="group")."""
    return levels.rename(columns={"race": "group"})[["group", "level", "share"]]


def wide_table(levels: pd.DataFrame) -> pd.DataFrame:
    """Groups as rows, the five levels as columns ('43.3% ±1.1'), and residents in rated tracts."""
    out = []
    for race in RACE_ORDER:
        d = levels[levels["race"] == race].set_index("level")
        row = {"Group": race}
        for lv in LEVELS:
            s, m = d.loc[lv, "share"], d.loc[lv, "share_moe"]
            row[lv] = "—" if pd.isna(s) else f"{s:.1%}" + ("" if pd.isna(m) else f" ±{m * 100:.1f}")
        row["Residents in rated tracts"] = f"{d['group_total'].iloc[0]:,.0f}"
        out.append(row)
    return pd.DataFrame(out)


def csv_table(levels: pd.DataFrame, index_name: str) -> pd.DataFrame:
    return levels.assign(index_name=index_name)[
        ["index_name", "race", "level", "population", "population_moe", "share", "share_moe", "group_total"]]


# -- sentences -----------------------------------------------------------------------

def _share(levels: pd.DataFrame, race: str, lvls) -> tuple[float, float]:
    """Share of a group in a set of levels, and its approximate MOE (counts summed, then proportion)."""
    full = levels[levels["race"] == race]
    d = full[full["level"].isin(lvls)]
    if d.empty:
        return np.nan, np.nan
    pop, tot = d["population"].sum(), d["group_total"].iloc[0]
    pm = float(M.moe_sum(*d["population_moe"].tolist()))
    tot_moe = float(M.moe_sum(*full["population_moe"].tolist()))
    if not tot:
        return np.nan, np.nan
    return float(pop / tot), float(M.moe_proportion(pop, tot, pm, tot_moe))


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def headline(levels: pd.DataFrame) -> str:
    """'43% of Black residents and 41% of Latino residents live in Very Low opportunity tracts,
    against 8% of White residents' (or a neutral listing when the pattern does not hold)."""
    v = {r: _share(levels, r, ["Very Low"])[0] for r in RACE_ORDER}
    if any(pd.isna(x) for x in v.values()):
        return "Share of each group living in Very Low opportunity tracts"
    b, lat, w = v["Black"], v["Latino"], v["White"]
    if b > w and lat > w:
        return (f"{pct(b)} of Black residents and {pct(lat)} of Latino residents live in Very Low opportunity "
                f"tracts, against {pct(w)} of White residents")
    return ("Share living in Very Low opportunity tracts: " +
            ", ".join(f"{r} residents {pct(v[r])}" for r in RACE_ORDER[:4]))


def times_words(r: float) -> str:
    """A ratio in words: 'about twice', 'about 2.5 times', 'about 5 times'."""
    if r < 1.15:
        return "about as"
    if r < 1.75:
        return f"about {r:.1f} times as"
    if r < 2.25:
        return "about twice as"
    if r < 4:
        return f"about {round(r * 2) / 2:g} times as"
    return f"about {round(r):d} times as"


def likelihood(levels: pd.DataFrame, group: str, ref: str, lvls, what: str) -> str | None:
    """'Black residents are about 5 times as likely as White residents to live in <what> (43% against 8%).'

    Stated only when the two shares differ by more than their combined margins and the ratio is at
    least 1.15; the ratio is rounded ('about')."""
    a, am = _share(levels, group, lvls)
    b, bm = _share(levels, ref, lvls)
    if pd.isna(a) or pd.isna(b) or b <= 0 or a <= 0:
        return None
    if not bool(M.significantly_different(a, am, b, bm)):
        return None
    hi, lo, hig, log = (a, b, group, ref) if a >= b else (b, a, ref, group)
    r = hi / lo
    if r < 1.15:
        return None
    return (f"{hig} residents are {times_words(r)} likely as {log} residents to live in {what} "
            f"({pct(hi)} against {pct(lo)}).")


def likelihood_points(levels: pd.DataFrame) -> list[str]:
    out = []
    for g in ("Black", "Latino"):
        s = likelihood(levels, g, "White", ["Very Low"], "a Very Low opportunity tract")
        if s:
            out.append(s)
    s = likelihood(levels, "White", "Black", ["High", "Very High"], "a High or Very High opportunity tract")
    if s:
        out.append(s)
    s = likelihood(levels, "White", "Latino", ["High", "Very High"], "a High or Very High opportunity tract")
    if s:
        out.append(s)
    return out


def all_residents_note(levels: pd.DataFrame) -> str:
    """Quintiles are of tracts, not people: say how far the all-residents shares are from 20%."""
    d = levels[levels["race"] == ALL].set_index("level")["share"]
    lo, hi = d.min(), d.max()
    return (f"Each level holds a fifth of the rated tracts, not a fifth of the people: tracts differ in size, so "
            f"the share of all residents in a level ranges from {lo:.0%} to {hi:.0%}.")


# -- caveats -------------------------------------------------------------------------

def index_caveats(index_name: str, tracts: pd.DataFrame, inputs: pd.DataFrame | None = None,
                  labels: dict[str, str] | None = None) -> list[str]:
    """Caveats for the chosen index, with counts computed from the tracts (and, for the current
    index, the inputs measured only by town, from ``opportunity_inputs``)."""
    out = []
    populated = tracts[tracts["all"] > 0]
    unrated = populated[populated["level"].isna()]
    notes = tracts["note"].fillna("")
    if index_name == "coi3":
        n = int(notes.str.contains("shrank").sum())
        out.append(f"Child Opportunity Index: {n} of {len(populated)} populated tracts were split or redrawn "
                   "since 2010, and the source's areal interpolation pulled their values toward 0 (the national "
                   "average), so some may sit in a level nearer the middle than they belong in. The tract table "
                   "flags them.")
    if index_name == "oca2014":
        n = int(notes.str.contains("2010 tract redrawn").sum())
        out.append(f"2014 index: computed on 2010 census tracts with 2008-2013 data. {n} of today's "
                   f"{len(populated)} populated tracts have no 2010 twin and take the area-weighted mean of the "
                   "2010 tracts they overlap; residents are counted with 2019-2023 populations, so this shows "
                   "where people live now against opportunity as it was measured then.")
    if index_name == "oca2025" and inputs is not None and len(inputs):
        town = inputs[inputs["level_used"].str.startswith("town")]["indicator"].tolist()
        names = [(labels or {}).get(i, i) for i in town]
        if names:
            out.append("Current index: " + _join(names) + " are measured by town and repeated for every tract "
                       "in the town, so tracts within one town differ only on the tract-level inputs. This is "
                       "the project's application of the coalition's method, not an official map of the coalition.")
    if len(unrated):
        out.append(f"{len(unrated)} populated tract(s) with {unrated['all'].sum():,.0f} residents have no score on "
                   "this index and are left out of the shares.")
    out.append("Levels are statewide quintiles of census tracts (Very Low = the fifth of tracts with the lowest "
               "scores), not of people, and they rank tracts against each other within Connecticut.")
    out.append("Residents by race are ACS 2019-2023 tract estimates; the ± figures are approximate 90% margins "
               "(the Census Bureau's formulas for sums and proportions, which ignore correlation between tracts).")
    return out


def _join(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def agreement_sentences(agree: pd.DataFrame, labels: dict[str, str], chosen: str) -> list[str]:
    out = []
    for r in agree.itertuples():
        if chosen not in (r.a, r.b):
            continue
        other = r.b if r.a == chosen else r.a
        out.append(f"Of the {r.tracts} tracts rated on both the {labels.get(chosen, chosen)} and the "
                   f"{labels.get(other, other)}, {r.same / r.tracts:.0%} are in the same level on both and "
                   f"{r.within_one / r.tracts:.0%} within one level.")
    return out


# -- the map -------------------------------------------------------------------------

def concentration(tracts: pd.DataFrame, group: str) -> dict:
    """How few tracts hold half of a group's residents, and how many of those are Low or Very Low."""
    lab, col, _ = GROUPS[group]
    d = tracts[tracts[col] > 0].sort_values(col, ascending=False)
    total = d[col].sum()
    cum = d[col].cumsum()
    n_half = int((cum < total / 2).sum()) + 1
    top = d.head(n_half)
    low = int(top["level"].isin(["Very Low", "Low"]).sum())
    return {"group": lab, "total": float(total), "n_half": n_half, "n_tracts": int((tracts["all"] > 0).sum()),
            "low_in_half": low, "share_top": float(top[col].sum() / total) if total else np.nan}


def map_title(c: dict) -> str:
    return (f"Half of Connecticut's {c['group']} residents live in {c['n_half']} of its {c['n_tracts']} census "
            f"tracts; {c['low_in_half']} of those are rated Low or Very Low opportunity")


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def tract_features(tracts: pd.DataFrame, geoms: dict[str, dict], group: str) -> dict:
    """A GeoJSON FeatureCollection of tracts coloured by level, with tooltip properties."""
    lab, col, _ = GROUPS[group]
    feats = []
    for r in tracts.itertuples(index=False):
        g = geoms.get(r.tract_id)
        if g is None:
            continue
        lv = r.level if isinstance(r.level, str) else NO_LEVEL
        n, tot = getattr(r, col), getattr(r, "all")
        feats.append({"type": "Feature", "geometry": g, "properties": {
            "tract": f"Tract {r.tract_name}", "town": r.town, "level": lv,
            "fill": _rgb(LEVEL_COLORS.get(lv, NO_LEVEL_COLOR), 235),
            "who": f"{n:,.0f} {lab} residents ({n / tot:.0%} of {tot:,.0f})" if tot > 0 else "no residents",
        }})
    return {"type": "FeatureCollection", "features": feats}


MAX_RADIUS_M = 2800.0


def dot_data(tracts: pd.DataFrame, group: str, max_radius_m: float = MAX_RADIUS_M) -> pd.DataFrame:
    """One circle per tract at its label point, area proportional to the group's residents."""
    lab, col, _ = GROUPS[group]
    d = tracts[(tracts[col] > 0) & tracts["centroid_lon"].notna()].copy()
    top = d[col].max() if len(d) else 1
    d["radius"] = max_radius_m * np.sqrt(d[col] / top)
    d["lon"], d["lat"] = d["centroid_lon"], d["centroid_lat"]
    d["level"] = d["level"].fillna(NO_LEVEL)
    d["tract"] = "Tract " + d["tract_name"].astype(str)
    d["who"] = [f"{n:,.0f} {lab} residents ({n / t:.0%} of {t:,.0f})" for n, t in zip(d[col], d["all"])]
    return d[["lon", "lat", "radius", "tract", "town", "level", "who", col]].sort_values(col, ascending=False)


def deck(features: dict, dots: pd.DataFrame, group: str):
    import pydeck as pdk

    tracts = pdk.Layer("GeoJsonLayer", features, id="tracts", pickable=True, stroked=True, filled=True,
                       get_fill_color="properties.fill", get_line_color=[255, 255, 255, 160],
                       line_width_min_pixels=0.4)
    circles = pdk.Layer("ScatterplotLayer", dots.drop(columns=[c for c in dots.columns if c not in
                                                               ("lon", "lat", "radius", "tract", "town", "level",
                                                                "who")]),
                        id="residents", pickable=True, get_position=["lon", "lat"], get_radius="radius",
                        radius_min_pixels=1, stroked=True, filled=True,
                        get_fill_color=[255, 190, 30, 140], get_line_color=[30, 30, 30, 230],
                        line_width_min_pixels=1)
    view = pdk.ViewState(longitude=-72.70, latitude=41.50, zoom=8.1, min_zoom=6.5, max_zoom=13)
    tip = {"html": "<b>{tract}</b>, {town}<br/>Opportunity: {level}<br/>{who}",
           "style": {"fontSize": "15px"}}
    return pdk.Deck(layers=[tracts, circles], initial_view_state=view, map_provider=None,  # no basemap: works offline
                    tooltip=tip)


def legend_html() -> str:
    """The five level colours (and 'No score') as a one-line HTML legend: fixed text only."""
    sw = ('<span style="display:inline-block;width:1em;height:1em;background:{c};border:1px solid #777;'
          'vertical-align:middle"></span>&nbsp;{t}')
    items = [sw.format(c=LEVEL_COLORS[lv], t=lv) for lv in LEVELS] + [sw.format(c=NO_LEVEL_COLOR, t=NO_LEVEL)]
    return '<div style="line-height:2">' + "&emsp;".join(items) + "</div>"


def circle_note(biggest: pd.DataFrame, group: str, esc) -> str:
    """How to read the circles, naming the largest (``esc`` makes data text safe for Markdown)."""
    lab, col, _ = GROUPS[group]
    r = biggest.iloc[0]
    return (f"Each circle is one census tract; its area is proportional to the tract's {lab} residents (the "
            f"largest is {int(r[col]):,} residents, in tract {esc(str(r['tract']).replace('Tract ', ''))}, "
            f"{esc(r['town'])}). Hover a tract for its figures; scroll or pinch to zoom.")


def tract_table(tracts: pd.DataFrame, group: str) -> pd.DataFrame:
    lab, col, _ = GROUPS[group]
    d = tracts[tracts["all"] > 0].sort_values(col, ascending=False)
    return pd.DataFrame({
        "Tract": d["tract_name"].astype(str), "Town": d["town"], "Opportunity level": d["level"].fillna(NO_LEVEL),
        f"{lab} residents": d[col].round().astype(int),
        f"{lab} share of residents": (d[col] / d["all"]).round(3),
        "All residents": d["all"].round().astype(int), "Note": d["note"].fillna(""),
    })
