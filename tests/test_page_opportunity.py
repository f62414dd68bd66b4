"""Opportunity and race: the shaping module on the real database and on small frames, and the page
through Streamlit's AppTest."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oca_dash import deck_json
from oca_dash import opportunity_view as O
from oca_dash.levels import LEVELS
from tests.apptest_util import open_link
from tests.db_util import sql


def view_rows(index_name):
    return sql("SELECT race, level, population, share FROM opportunity_by_race WHERE index_name = ?", [index_name])


def run_page(params: dict) -> AppTest:
    return open_link("pages/opportunity.py", params)


# -- the module on the real database ----------------------------------------------------

@pytest.mark.parametrize("idx", ["oca2025", "coi3", "oca2014"])
def test_level_table_carries_the_view_and_its_totals(db, idx):
    tracts = O.load_tracts(db, idx)
    lv = O.level_table(O.load_by_race(db, idx), tracts)
    v = view_rows(idx).set_index(["race", "level"])
    assert len(lv) == 25
    for r in lv.itertuples():
        assert r.share == pytest.approx(v.loc[(r.race, r.level), "share"])
        assert r.population == pytest.approx(v.loc[(r.race, r.level), "population"])
    # the group totals are the view's populations summed, and the shares sum to 1
    for race, d in lv.groupby("race"):
        assert d["population"].sum() == pytest.approx(d["group_total"].iloc[0])
        assert d["share"].sum() == pytest.approx(1.0)
    # margins are small positive numbers (statewide sums of hundreds of tracts)
    assert (lv["share_moe"] > 0).all() and (lv["share_moe"] < 0.03).all()


def test_headline_quotes_the_database(db):
    lv = O.level_table(O.load_by_race(db, "oca2025"), O.load_tracts(db, "oca2025"))
    v = view_rows("oca2025")
    vl = v[v["level"] == "Very Low"].set_index("race")["share"]
    h = O.headline(lv)
    assert h == (f"{vl['Black'] * 100:.0f}% of Black residents and {vl['Latino'] * 100:.0f}% of Latino residents "
                 f"live in Very Low opportunity tracts, against {vl['White'] * 100:.0f}% of White residents")
    pts = O.likelihood_points(lv)
    ratio = vl["Black"] / vl["White"]
    assert pts[0].startswith(f"Black residents are {O.times_words(ratio)} likely as White residents")


def test_map_data_covers_every_tract(db):
    tracts = O.load_tracts(db, "oca2025")
    geoms = O.load_tract_geojson(db)
    f = O.tract_features(tracts, geoms, "latino")
    assert len(f["features"]) == len(tracts)
    levels = {ft["properties"]["level"] for ft in f["features"]}
    assert set(LEVELS) <= levels
    dots = O.dot_data(tracts, "latino")
    assert dots["radius"].max() == pytest.approx(O.MAX_RADIUS_M)
    assert dots["hispanic"].sum() == pytest.approx(tracts["hispanic"].sum())
    frozen = deck_json.freeze(O.deck(f, dots, "latino"))
    assert '"GeoJsonLayer"' in frozen.to_json() and frozen._tooltip["html"].startswith("<b>{tract}")


def test_concentration_is_consistent(db):
    tracts = O.load_tracts(db, "oca2025")
    c = O.concentration(tracts, "black")
    d = tracts.sort_values("black_nh", ascending=False)
    assert d["black_nh"].head(c["n_half"]).sum() >= c["total"] / 2 > d["black_nh"].head(c["n_half"] - 1).sum()
    assert str(c["n_half"]) in O.map_title(c)


def test_caveats_count_flagged_tracts(db):
    t = O.load_tracts(db, "coi3")
    n = int(t["note"].fillna("").str.contains("shrank").sum())
    assert n > 0 and any(f"{n} of" in c for c in O.index_caveats("coi3", t))
    cur = O.index_caveats("oca2025", O.load_tracts(db, "oca2025"), O.load_inputs(db),
                          {"unemployment_rate": "Unemployment"})
    assert any("Unemployment" in c for c in cur)


# -- the module on small frames -------------------------------------------------------------

def test_moe_of_sum_counts_zero_estimates_once():
    assert O.moe_of_sum([10, 0, 0], [3, 4, 5]) == pytest.approx(np.sqrt(9 + 25))
    assert O.moe_of_sum([1, 2], [3, 4]) == pytest.approx(5)


@pytest.mark.parametrize("r,words", [(1.0, "about as"), (1.5, "about 1.5 times as"), (2.1, "about twice as"),
                                     (2.6, "about 2.5 times as"), (5.3, "about 5 times as")])
def test_times_words(r, words):
    assert O.times_words(r) == words


def _levels(shares: dict, moe: float):
    rows = []
    for race, s in shares.items():
        for lv, x in zip(LEVELS, s):
            rows.append({"race": race, "level": lv, "population": x * 1000, "population_moe": moe,
                         "share": x, "share_moe": 0.0, "group_total": 1000.0})
    return pd.DataFrame(rows)


def test_likelihood_is_not_stated_when_within_the_margins():
    even = [0.2] * 5
    close = _levels({"Black": [0.22, 0.2, 0.2, 0.2, 0.18], "White": [0.2, 0.2, 0.2, 0.2, 0.2],
                     "Latino": even, "Asian": even, "All residents": even}, moe=60)
    assert O.likelihood(close, "Black", "White", ["Very Low"], "x") is None
    clear = _levels({"Black": [0.5, 0.2, 0.1, 0.1, 0.1], "White": [0.1, 0.2, 0.2, 0.2, 0.3],
                     "Latino": even, "Asian": even, "All residents": even}, moe=5)
    assert O.likelihood(clear, "Black", "White", ["Very Low"], "x") == (
        "Black residents are about 5 times as likely as White residents to live in x (50% against 10%).")


def test_headline_falls_back_when_the_pattern_does_not_hold():
    even = [0.2] * 5
    lv = _levels({"Black": [0.05, 0.2, 0.25, 0.25, 0.25], "White": [0.3, 0.2, 0.2, 0.2, 0.1],
                  "Latino": even, "Asian": even, "All residents": even}, moe=5)
    assert O.headline(lv).startswith("Share living in Very Low opportunity tracts: Black residents 5%")


def test_wrap_keeps_every_word():
    from oca_dash.methods import wrap

    t = "43% of Black residents and 41% of Latino residents live in Very Low opportunity tracts"
    lines = wrap(t, 30)
    assert len(lines) > 1 and " ".join(lines) == t and max(map(len, lines)) <= 30


# -- the page ---------------------------------------------------------------------------------

def test_default_view_is_the_current_index_and_black_residents():
    at = run_page({})
    assert not at.exception
    assert at.selectbox[0].value == "oca2025"
    assert at.radio[0].value == "black"
    assert at.query_params["idx"] == "oca2025" and at.query_params["group"] == "black"


def test_link_seeds_index_and_group_and_table_matches_the_view():
    at = run_page({"idx": "coi3", "group": "latino"})
    assert not at.exception and not at.info
    assert at.selectbox[0].value == "coi3" and at.radio[0].value == "latino"
    table = at.dataframe[0].value.set_index("Group")
    v = view_rows("coi3").set_index(["race", "level"])["share"]
    for race in O.RACE_ORDER:
        for lv in LEVELS:
            assert table.loc[race, lv].startswith(f"{v[(race, lv)]:.1%}")
    text = " ".join(m.value for m in at.markdown)
    assert "Child Opportunity Index" in text and "split or redrawn" in text
    tract_table = at.dataframe[1].value
    assert "Latino residents" in tract_table.columns
    assert len(at.get("deck_gl_json_chart")) == 1


@pytest.mark.parametrize("idx,group", [("<script>alert(1)</script>", "black"), ("coi3'; DROP TABLE towns;--", "x"),
                                       ("x" * 5000, "<b>white</b>"), ("oca2014", "y" * 3000)])
def test_garbage_params_give_a_notice_and_defaults(idx, group):
    at = run_page({"idx": idx, "group": group, "v": "1999"})
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "vintage" in notes
    if idx != "oca2014":
        assert "unknown opportunity index" in notes and at.selectbox[0].value == "oca2025"
    if group != "black":
        assert "unknown group" in notes and at.radio[0].value == "black"
    assert all(len(i.value) < 400 for i in at.info)


def test_presentation_mode_hides_the_group_control_but_keeps_the_link():
    at = run_page({"group": "asian", "present": "1"})
    assert not at.exception
    assert len(at.radio) == 0
    assert any("Asian residents" in m.value for m in at.markdown)


def test_frozen_deck_matches_pydeck_and_pickles():
    import json
    import pickle

    import pydeck as pdk

    d = pdk.Deck(layers=[pdk.Layer("ScatterplotLayer", [{"lon": 1.0, "lat": 2.0}], get_position=["lon", "lat"])],
                 map_style=None, tooltip={"text": "{lon}"})
    expect = json.loads(d.to_json())
    f = deck_json.freeze(d)
    assert json.loads(f.to_json()) == expect and f._tooltip == {"text": "{lon}"}
    assert "\n" not in f.to_json()  # compact
    assert pickle.loads(pickle.dumps(f)).to_json() == f.to_json()


def test_legend_and_circle_note():
    from oca_dash.levels import LEVEL_COLORS
    from oca_dash.methods import md

    html = O.legend_html()
    assert all(c in html for c in LEVEL_COLORS.values()) and O.NO_LEVEL in html
    biggest = pd.DataFrame({"tract": ["Tract 1415"], "town": ["New *Haven*"], "black_nh": [5006.0]})
    note = O.circle_note(biggest, "black", md)
    assert "5,006 residents, in tract 1415" in note and "New \\*Haven\\*" in note
