"""The map page's pure logic: colour classes, legends, findings, features, the deck spec, clicks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from oca_dash import deck_json
from oca_dash import map_view as mv
from oca_dash import moe, profile, views
from oca_dash.levels import INDEX_NAMES, LEVEL_COLORS, LEVELS


@pytest.fixture(scope="module")
def towns(db):
    return db.towns()


# -- colour classes -------------------------------------------------------------------

def test_quantile_classes_are_fifths_with_ties_together_and_nan_kept():
    v = pd.Series(list(range(100)) + [np.nan])
    c = mv.quantile_classes(v)
    assert c.iloc[:100].value_counts().sort_index().tolist() == [20] * 5
    assert c.iloc[:100].is_monotonic_increasing and np.isnan(c.iloc[100])
    ties = pd.Series([0] * 45 + list(range(1, 56)))
    ct = mv.quantile_classes(ties)
    assert ct[ties == 0].nunique() == 1  # equal values share a class
    assert sorted(ct.unique()) == list(range(int(ct.max()) + 1))  # consecutive, none empty
    assert ct.max() < 4  # the tie swallowed a class
    assert mv.quantile_classes(pd.Series([np.nan, np.nan])).isna().all()


def test_top_coded_values_are_capped_so_they_tie():
    v = mv.capped("median_hh_income", pd.Series([250001.0, 260000.0, 100000.0]))
    assert v.tolist() == [250001.0, 250001.0, 100000.0]


def test_palettes_are_colorbrewer_and_no_data_grey_is_in_neither_scale():
    for n in range(1, 6):
        assert len(mv.palette(n)) == n
    assert mv.NO_DATA_COLOR not in mv.YLGNBU[5] and mv.NO_DATA_COLOR not in LEVEL_COLORS.values()
    assert mv.hex_to_rgba("#1b7837", 200) == [27, 120, 55, 200]


# -- options -----------------------------------------------------------------------

def test_options_cover_every_town_indicator_with_distinct_labels():
    ids = profile.indicators_for("town")
    opts = mv.indicator_options(ids)
    assert sorted(opts) == sorted(ids)
    labels = mv.option_labels(opts)
    assert len(set(labels.values())) == len(labels)  # duplicated short labels were disambiguated
    assert labels["median_hh_income"] == "Income and poverty · Median income"
    assert "2014 Connecticut Opportunity Index" in labels["oca2014_share_low"]


# -- tables, legends, findings on the real database -----------------------------------

@pytest.mark.parametrize("idx", INDEX_NAMES)
def test_town_levels_match_views_level_of_score(db, towns, idx):
    to = db.tract_opportunity(idx)
    t = mv.level_table(db.area_opportunity(idx, "town"), towns, to)
    assert len(t) == 169
    for s, lv in zip(t["weighted_index"], t["level"]):
        assert views.level_of_score(s, to) == lv
    leg = mv.level_legend(t["level"])
    assert [r["label"] for r in leg["rows"][:5]] == list(reversed(LEVELS))
    assert sum(r["count"] for r in leg["rows"]) == 169


def test_level_finding_is_computed_from_residents_of_very_low_tracts(db, towns):
    t = mv.level_table(db.area_opportunity("oca2025", "town"), towns, db.tract_opportunity("oca2025"))
    d = db.df("SELECT t.town, a.population_rated * a.share_very_low AS p FROM area_opportunity a "
              "JOIN towns t ON t.town_id = a.geo_id WHERE a.index_name = 'oca2025' AND a.geo_type = 'town' "
              "ORDER BY p DESC NULLS LAST")
    top3 = d["town"].head(3).tolist()
    share = d["p"].head(3).sum() / d["p"].sum()
    s = mv.level_finding(t)
    assert s.startswith(mv.join_names(top3)) and f"{share:.0%}" in s
    assert f"{int((d['p'] > 0).sum())} of the 169 towns" in s


def test_indicator_table_ranks_ties_top_codes_and_flags_unreliable(db, towns):
    t = mv.indicator_table("median_hh_income", db.ranked("median_hh_income", "town"), towns)
    assert len(t) == 169
    top = t[t["top_coded"]]
    assert len(top) >= 1 and set(top["rank_high"]) == {1}
    assert set(top["value_text"]) == {"$250,000+"} and (top["moe_text"] == "").all()
    hartford = t.set_index("town").loc["Hartford"]
    raw = db.values(["median_hh_income"], "town", [hartford["town_id"]]).iloc[0]
    assert hartford["estimate"] == raw["estimate"]
    p = mv.indicator_table("poverty_rate", db.ranked("poverty_rate", "town"), towns)
    expected = moe.is_unreliable(p["estimate"].to_numpy(), p["moe"].to_numpy())
    assert (p["unreliable"].to_numpy() == expected).all()


def test_indicator_legend_and_finding(db, towns):
    ind = "median_hh_income"
    t = mv.indicator_table(ind, db.ranked(ind, "town"), towns)
    leg = mv.indicator_legend(t, ind)
    assert sum(r["count"] for r in leg["rows"]) == 169
    assert leg["rows"][0]["label"].endswith("$250,000+")  # highest class first
    assert leg["rows"][0]["color"] == mv.YLGNBU[5][-1]  # darker = higher
    assert "Darker = higher" in leg["note"] and "higher is better" in leg["note"]
    low = db.df("SELECT t.town FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id WHERE "
                "v.geo_type = 'town' AND v.indicator = ? ORDER BY v.estimate LIMIT 1", [ind]).iloc[0, 0]
    s = mv.indicator_finding(t, ind, 93760.0)
    assert f"in {low} to $250,000+ in" in s and "(Connecticut: $93,760)" in s
    pov = mv.indicator_table("poverty_rate", db.ranked("poverty_rate", "town"), towns)
    assert "higher is worse" in mv.indicator_legend(pov, "poverty_rate")["note"]
    g = mv.indicator_table("grad_rate_4yr", db.ranked("grad_rate_4yr", "town"), towns)
    missing = int(g["estimate"].isna().sum())
    gl = mv.indicator_legend(g, "grad_rate_4yr")
    assert gl["rows"][-1] == {"color": mv.NO_DATA_COLOR, "label": "No data", "count": missing}
    assert f"no figure for {missing} towns" in mv.indicator_finding(g, "grad_rate_4yr")


def test_tooltips_carry_value_margin_rank_and_missing_reason(db, towns):
    t = mv.indicator_table("median_hh_income", db.ranked("median_hh_income", "town"), towns)
    props = mv.indicator_properties(t, "median_hh_income")
    h = props[t.set_index("town").loc["Hartford", "town_id"]]
    assert h["line1"].startswith("Median income: $45,300 (±$") and h["line2"] == "Lowest of 169 towns"
    top_id = t[t["top_coded"]]["town_id"].iloc[0]
    assert "$250,000+" in props[top_id]["line1"] and "top-coded" in props[top_id]["line2"]
    g = mv.indicator_table("grad_rate_4yr", db.ranked("grad_rate_4yr", "town"), towns)
    gp = mv.indicator_properties(g, "grad_rate_4yr")
    miss = g[g["estimate"].isna()].iloc[0]
    assert gp[miss["town_id"]]["line1"].endswith("no data") and gp[miss["town_id"]]["line2"]
    assert gp[miss["town_id"]]["fill"] == mv.hex_to_rgba(mv.NO_DATA_COLOR, 255)
    for p in list(props.values()) + list(gp.values()):
        assert set(p) == {"name", "town", "fill", "line1", "line2", "line3"}  # every tooltip key present


def test_tract_properties_cover_every_tract_shape(db):
    to = db.tract_opportunity("oca2025")
    tp = mv.tract_properties(to, db.tracts())
    shapes = db.shapes("tract")
    assert set(shapes["tract_id"]) <= set(tp)
    scored = to.dropna(subset=["level"]).set_index("tract_id")["level"]
    for tid, lv in scored.items():
        assert tp[tid]["fill"][:3] == mv.hex_to_rgba(LEVEL_COLORS[lv])[:3]
    unscored = [k for k in tp if k not in scored.index]
    assert unscored and all(tp[k]["line1"].startswith("No score") for k in unscored)


# -- spec, view, clicks ---------------------------------------------------------------

def test_deck_json_is_compact_valid_and_draws_no_basemap(db, towns):
    t = mv.level_table(db.area_opportunity("oca2025", "town"), towns, db.tract_opportunity("oca2025"))
    props = mv.level_properties(t)
    fc = mv.feature_collection(db.shapes("town_fill"), "town_id", props)
    state = mv.feature_collection(db.shapes("state"), "state_id", {"09": {}})
    view = mv.fit_view((-73.73, 40.98, -71.79, 42.05), 800, 560)
    text = mv.deck_json(view, fc, state_fc=state)
    assert len(text.encode()) <= 300_000
    spec = json.loads(text)
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec
    # the state in the border colour under the shrunken towns; no layer draws lines (no line shader)
    assert [lyr["id"] for lyr in spec["layers"]] == ["state", "towns"]
    under, layer = spec["layers"]
    assert not under["pickable"] and under["getFillColor"] == mv.TOWN_BORDER
    assert not any(lyr["stroked"] for lyr in spec["layers"])
    assert layer["pickable"] and len(layer["data"]["features"]) == 169
    assert spec["initialViewState"]["pitch"] == 0
    assert spec["initialViewState"]["maxZoom"] == pytest.approx(view["zoom"] + 2)
    with pytest.raises(ValueError):
        mv.deck_json(view, fc)
    tfc = mv.feature_collection(db.shapes("tract"), "tract_id", mv.tract_properties(db.tract_opportunity("oca2025"),
                                                                                      db.tracts()))
    outlines = mv.feature_collection(db.shapes("town"), "town_id", props)
    spec2 = json.loads(mv.deck_json(view, outlines, tract_fc=tfc))
    assert [lyr["id"] for lyr in spec2["layers"]] == ["tracts", "towns"]
    assert spec2["layers"][0]["pickable"] and not spec2["layers"][1]["pickable"]
    assert not spec2["layers"][1]["filled"] and spec2["layers"][1]["stroked"]  # outlines only, drawn on top
    assert len(spec2["layers"][0]["data"]["features"]) == len(db.shapes("tract"))
    deck = deck_json.FrozenDeck(text, mv.tooltip())
    assert deck.to_json() is text and deck._tooltip["html"] == mv.TOOLTIP_HTML


def test_fit_view_fits_the_bounds_in_the_box():
    b = (-73.72777, 40.98014, -71.78725, 42.05051)
    for w, h in [(800, 560), (350, 258), (1200, 400)]:
        v = mv.fit_view(b, w, h)
        px = 512 * 2 ** v["zoom"]
        width = px * (b[2] - b[0]) / 360
        height = px * (mv._merc_y(b[1]) - mv._merc_y(b[3]))
        assert width <= w * 0.93 and height <= h * 0.93
        assert width >= w * 0.85 or height >= h * 0.85  # and fills the box in one direction
        assert b[0] < v["longitude"] < b[2] and b[1] < v["latitude"] < b[3]
    assert abs(mv.fit_height(b, 350) - 350 * (mv._merc_y(b[1]) - mv._merc_y(b[3])) * 360 / (b[2] - b[0])) < 1


def test_town_from_selection_accepts_only_known_towns():
    names = ["Hartford", "New Haven"]
    sel = {"indices": {"towns": [3]}, "objects": {"towns": [{"properties": {"town": "Hartford"}}]}}
    assert mv.town_from_selection(sel, names) == "Hartford"
    tract = {"objects": {"tracts": [{"type": "Feature", "properties": {"town": "New Haven", "name": "Tract 1"}}]}}
    assert mv.town_from_selection(tract, names) == "New Haven"
    for bad in (None, {}, {"objects": {}}, {"objects": {"towns": [{"properties": {"town": "Gotham"}}]}},
                {"objects": {"towns": ["x", 3, None]}}, {"objects": {"towns": [{"properties": {"town": 5}}]}}):
        assert mv.town_from_selection(bad, names) is None


def test_text_is_escaped_in_markdown_and_legend():
    assert mv.md_text("Connecticut's") == "Connecticut's"
    assert "<script>" not in mv.md_text("<script>") and "\\[x\\]\\(y\\)" in mv.md_text("[x](y)")
    html = mv.legend_html("<b>t</b>", {"rows": [{"color": "red;x", "label": "<img src=x>", "count": 2}]},
                          notes=["<i>n</i>"], subtitle="<u>s</u>")
    assert "<img" not in html and "<b>t" not in html and "<i>n" not in html and "<u>s" not in html
    assert "red;x" not in html  # only our own hex colours are written into style


def test_is_mobile():
    assert mv.is_mobile("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1")
    assert not mv.is_mobile("Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36")
    assert not mv.is_mobile(None)


def test_signed_uses_a_true_minus():
    assert mv._signed(-1.234) == "−1.23" and mv._signed(0.5) == "+0.50"


def test_table_number_formats_match_the_registry_formats(db, towns):
    assert mv.number_format("poverty_rate") == ("%.1f%%", 100.0)
    assert mv.number_format("median_gross_rent")[0] == "$%,.0f"
    assert mv.number_format("population") == ("%,.0f", 1.0)
    t = mv.indicator_table("poverty_rate", db.ranked("poverty_rate", "town"), towns)
    assert not mv.needs_styler("poverty_rate", t)  # every town has a value, none top-coded
    g = mv.indicator_table("grad_rate_4yr", db.ranked("grad_rate_4yr", "town"), towns)
    assert mv.needs_styler("grad_rate_4yr", g)  # missing values must read "—"
    assert mv.needs_styler("median_hh_income", t)  # top-coded
    assert "Note" not in mv.indicator_display(t, "poverty_rate").columns or (t["note"] != "").any()


def test_csv_downloads_hold_raw_values_text_and_source(db, towns):
    import io

    t = mv.indicator_table("median_hh_income", db.ranked("median_hh_income", "town"), towns)
    d = pd.read_csv(io.StringIO(mv.indicator_csv(t, "median_hh_income", "ACS")))
    assert len(d) == 169 and set(d["value_text"][d["top_coded"]]) == {"$250,000+"}
    assert (d["rank_highest_first"][d["top_coded"]] == 1).all() and (d["source"] == "ACS").all()
    lv = mv.level_table(db.area_opportunity("coi3", "town"), towns, db.tract_opportunity("coi3"))
    d2 = pd.read_csv(io.StringIO(mv.level_csv(lv, "coi3", "COI")))
    assert len(d2) == 169 and set(d2["level"]) <= set(LEVELS) and (d2["index_name"] == "coi3").all()
    shares = d2[["share_very_low", "share_low", "share_moderate", "share_high", "share_very_high"]].sum(axis=1)
    assert np.allclose(shares, 1.0, atol=1e-6)


def test_district_map_draws_without_a_basemap():
    """No tiles from the internet: the deck spec carries pydeck's 'no map style' marker.
    (``map_style=None`` would make Streamlit fetch a CARTO basemap.)"""
    import json

    from oca_dash import district_view as D
    from oca_dash.query import DB

    db = DB()
    dt = db.district_towns("H007")
    dshape, tshapes = D.load_map(db, "H007", dt["town_id"].tolist())
    spec = json.loads(deck_json.freeze(D.deck(dshape, tshapes, "State House District 7")).to_json())
    assert spec["mapStyle"] == "__MAP_STYLE__"
