"""State Senate and House districts (2021 plan): parsing a district from a link, labels, the towns a
district covers, its population check, and its map. Pure shaping over the query layer (no Streamlit).
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd

from . import links

CHAMBERS = {"senate": "Senate", "house": "House"}
CHAMBER_NOUNS = {"senate": "Senate districts", "house": "House districts"}
PREFIX = {"senate": "S", "house": "H"}
DEFAULT_DISTRICT = "S01"
ESTIMATE_SOURCE = ("ACS 2019-2023 estimates for the 2021-plan districts, published by the Census Bureau for State "
                   "Legislative Districts")
SHARES_NOTE = ("Town-district shares are the dashboard's estimates: ACS 2019-2023 tract populations spread over "
               "census blocks and summed with the General Assembly's block assignment files.")

_MAX = 200
_PATTERNS = [
    # S05, s5, H007, h 7
    re.compile(r"^(?P<c>[sh])\s*-?\s*0*(?P<n>\d{1,3})$"),
    # SD 5, HD-7, SD05
    re.compile(r"^(?P<c>[sh])d\s*-?\s*0*(?P<n>\d{1,3})$"),
    # State Senate District 5, Senate 5, House District No. 7, State House district #7,
    # House of Representatives District 7, Assembly District 7, State Representative District 7
    re.compile(r"^(?:ct\s+|connecticut\s+)?(?:state\s+)?(?P<c>senate|senator|house(?:\s+of\s+representatives)?|"
               r"assembly|representative|rep\.?)(?:\s+district)?\s*(?:no\.?|number|#)?\s*0*(?P<n>\d{1,3})$"),
]


def district_id(chamber: str, number: int) -> str:
    return f"S{number:02d}" if chamber == "senate" else f"H{number:03d}"


def parse_district(raw, known_ids, default: str = DEFAULT_DISTRICT) -> tuple[str, str | None]:
    """'S05', 's5', 'H007', 'SD 5', 'State Senate District 5', 'House District 7' -> an id in known_ids.
    Anything else -> (default, a plain notice)."""
    s = "" if raw is None else str(raw)[:_MAX]
    s = " ".join(s.replace("_", " ").replace("+", " ").split()).strip().lower()
    if not s:
        return default, None
    known = set(known_ids)
    for p in _PATTERNS:
        m = p.match(s)
        if not m:
            continue
        c = "senate" if m.group("c").startswith("s") else "house"
        n = int(m.group("n"))
        did = district_id(c, n)
        if did in known:
            return did, None
        top = max((int(k[1:]) for k in known if k.startswith(PREFIX[c])), default=0)
        return default, (f"Connecticut has {top} {CHAMBER_NOUNS[c]} (1 to {top}); the link asked for number {n}. "
                         f"Showing {label_short(default)} instead.")
    shown = links._show(raw)
    return default, (f"The link asked for a district called “{shown}”, which is not a Connecticut State Senate or "
                     f"House district. Showing {label_short(default)} instead.")


def label_short(did: str) -> str:
    return f"{'Senate' if did.startswith('S') else 'House'} District {int(did[1:])}"


def label(row) -> str:
    """'Senate 5 — Derek Slap (D)'."""
    party = f" ({row['party']})" if isinstance(row.get("party"), str) and row.get("party") else ""
    return f"{CHAMBERS[row['chamber']]} {int(row['number'])} — {row['member']}{party}"


def full_name(row) -> str:
    return f"State {CHAMBERS[row['chamber']]} District {int(row['number'])}"


# -- towns --------------------------------------------------------------------------

def towns_table(dt: pd.DataFrame) -> pd.DataFrame:
    """The towns a district covers: residents from each town, share of the district, share of the town."""
    d = dt.sort_values(["pop_share_of_district", "town"], ascending=[False, True])
    return pd.DataFrame({
        "Town": d["town"],
        "Residents in the district (estimate)": d["est_population"].round(-1).astype("Int64"),
        "Share of the district's residents": d["pop_share_of_district"].astype(float),
        "Share of the town's residents": d["pop_share_of_town"].astype(float),
    })


def towns_sentence(name: str, dt: pd.DataFrame) -> str:
    """'State Senate District 5 takes in all of Bloomfield and parts of 3 other towns; 48% of its residents
    live in West Hartford.'"""
    if dt.empty:
        return f"No town is recorded for {name}."
    whole = dt[dt["pop_share_of_town"] >= 0.995].sort_values("town")["town"].tolist()
    part = dt[dt["pop_share_of_town"] < 0.995].sort_values("town")["town"].tolist()
    bits = []
    if whole:
        bits.append("all of " + _join(whole) if len(whole) <= 4 else f"all of {len(whole)} towns")
    if part:
        word = "other " if whole else ""
        bits.append(f"part of {part[0]}" if len(part) == 1 and not whole
                    else f"parts of {len(part)} {word}town{'s' if len(part) > 1 else ''}")
    top = dt.sort_values("pop_share_of_district", ascending=False).iloc[0]
    s = f"{name} takes in {' and '.join(bits)}"
    if len(dt) == 1:
        return s + "."
    return s + f"; about {top['pop_share_of_district']:.0%} of its residents live in {top['town']}."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def coverage_note(ids) -> str:
    """Which publishers' figures exist for districts (from the registry), and what is kept by town only."""
    from .indicators import INDICATORS, SOURCES

    pubs = list(dict.fromkeys(SOURCES[INDICATORS[i].source].publisher for i in ids))
    return ("Figures published for legislative districts come from: " + "; ".join(pubs) + ". School, crime, "
            "affordable-housing and opportunity figures are kept by town: see each town's profile.")


# -- checks -------------------------------------------------------------------------

def load_checks(db, did: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    pop = db.df("SELECT * FROM district_population_check WHERE district_id = ?", [did])
    lst = db.df("SELECT town, note FROM district_town_list_check WHERE district_id = ? ORDER BY town", [did])
    return pop, lst


def population_check_sentence(pop: pd.DataFrame) -> str | None:
    if pop.empty:
        return None
    r = pop.iloc[0]
    agree = "within" if bool(r["within_moe"]) else "outside"
    return (f"Check: the block-based estimates add up to {r['est_population']:,.0f} residents; the Census Bureau's "
            f"estimate for the district is {r['acs_population']:,.0f} ± {r['acs_moe']:,.0f} "
            f"({r['relative_error']:+.1%}, {agree} its margin of error).")


# -- map ----------------------------------------------------------------------------

def load_map(db, did: str, town_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    d = db.df("SELECT * FROM district_shapes WHERE district_id = ?", [did])
    t = db.df("SELECT s.*, t.town FROM town_shapes s JOIN towns t USING (town_id) WHERE list_contains(?, town_id)",
              [list(town_ids)])
    return d, t


def zoom_for(min_lon, min_lat, max_lon, max_lat, width_px: int = 340, height_px: int = 380) -> float:
    """A web-Mercator zoom that fits a bounding box in a width x height viewport (with a margin).
    deck.gl's zoom 0 shows the world 512 px wide."""
    dlon = max(max_lon - min_lon, 1e-4)
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    dy = max(abs(y(max_lat) - y(min_lat)), 1e-6)
    zx = math.log2(width_px * 360 / (512 * dlon))
    zy = math.log2(height_px * 2 * math.pi / (512 * dy))
    return float(np.clip(min(zx, zy) - 0.2, 5, 13))


def deck(district: pd.DataFrame, towns: pd.DataFrame, name: str):
    import pydeck as pdk

    r = district.iloc[0]
    dist_geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(r["geojson"]), "properties": {"name": name}}]}
    town_geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(g), "properties": {"name": t}}
        for g, t in zip(towns["geojson"], towns["town"])]}
    labels = pd.DataFrame({"lon": towns["centroid_lon"], "lat": towns["centroid_lat"], "name": towns["town"]})
    layers = [
        pdk.Layer("GeoJsonLayer", town_geo, id="towns", stroked=True, filled=True, pickable=True,
                  get_fill_color=[241, 244, 247, 255], get_line_color=[120, 120, 120, 255], line_width_min_pixels=1),
        pdk.Layer("GeoJsonLayer", dist_geo, id="district", stroked=True, filled=True, pickable=False,
                  get_fill_color=[27, 94, 145, 110], get_line_color=[27, 94, 145, 255], line_width_min_pixels=3),
        pdk.Layer("TextLayer", labels, id="labels", get_position=["lon", "lat"], get_text="name", get_size=15,
                  get_color=[20, 20, 20, 255], get_text_anchor="'middle'", get_alignment_baseline="'center'",
                  font_family="'Source Sans Pro, Helvetica, Arial, sans-serif'", font_weight=600,
                  outline_width=4, outline_color=[255, 255, 255, 255], font_settings={"sdf": True}),
    ]
    lon0 = min(r["min_lon"], towns["min_lon"].min()) if len(towns) else r["min_lon"]
    lon1 = max(r["max_lon"], towns["max_lon"].max()) if len(towns) else r["max_lon"]
    lat0 = min(r["min_lat"], towns["min_lat"].min()) if len(towns) else r["min_lat"]
    lat1 = max(r["max_lat"], towns["max_lat"].max()) if len(towns) else r["max_lat"]
    view = pdk.ViewState(longitude=(lon0 + lon1) / 2, latitude=(lat0 + lat1) / 2,
                         zoom=zoom_for(lon0, lat0, lon1, lat1))
    return pdk.Deck(layers=layers, initial_view_state=view, map_provider=None,  # no basemap: works offline
                    tooltip={"text": "{name}", "style": {"fontSize": "15px"}})
