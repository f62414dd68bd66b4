"""The Map page (the landing page) through Streamlit's AppTest: links seed the view, the numbers
match the database, garbage links give notices, and a rerun is fast."""

from __future__ import annotations

import json

import pytest

from .conftest import DB_PATH, ROOT

pytestmark = pytest.mark.skipif(not DB_PATH.is_file(), reason="database not built")

PAGE = "pages/map.py"


def _open(params: dict | None = None, switch: bool = True):
    """The map is the default page: the first run shows it with the link's parameters; a switch
    to it (as from the navigation) keeps them."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    first = at
    notices = [i.value for i in at.info]
    if switch:
        at.switch_page(PAGE)
        at.run()
    return first, notices


def _spec(at) -> dict:
    (chart,) = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


def _towns(spec: dict) -> dict:
    """The pickable towns layer (drawn over the state, whose colour shows through as the borders)."""
    (layer,) = [lyr for lyr in spec["layers"] if lyr["id"] == "towns"]
    return layer


def _finding(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("## "))


def _plain(md: str) -> str:
    return md.replace("\\", "").replace("&amp;", "&")


def test_default_view_is_opportunity_levels_with_a_computed_finding(db):
    at, notices = _open()
    assert not at.exception and not notices
    assert at.title[0].value == "Opportunity level by town"
    spec = _spec(at)
    assert [lyr["id"] for lyr in spec["layers"]] == ["state", "towns"]
    feats = _towns(spec)["data"]["features"]
    assert len(feats) == 169 and spec["mapStyle"] == "__MAP_STYLE__"
    d = db.df("SELECT t.town, a.population_rated * a.share_very_low AS p FROM area_opportunity a JOIN towns t "
              "ON t.town_id = a.geo_id WHERE index_name = 'oca2025' AND geo_type = 'town' ORDER BY p DESC")
    top = d["town"].head(3).tolist()
    share = d["p"].head(3).sum() / d["p"].sum()
    f = _plain(_finding(at))
    assert f"{top[0]}, {top[1]} and {top[2]} are home to {share:.0%}" in f
    assert at.query_params["ind"] == "level" and at.query_params["idx"] == "oca2025"
    assert at.query_params["v"] == db.vintage
    hartford = next(x for x in feats if x["properties"]["town"] == "Hartford")["properties"]
    assert hartford["line1"].startswith("Very Low opportunity range")
    table = at.dataframe[0].value
    assert len(table) == 169 and "Weighted score" in table.columns
    w = db.df("SELECT weighted_index FROM area_opportunity a JOIN towns t ON t.town_id = a.geo_id "
              "WHERE index_name = 'oca2025' AND geo_type = 'town' AND t.town = 'Hartford'").iloc[0, 0]
    assert table.set_index("Town").loc["Hartford", "Weighted score"] == pytest.approx(w)
    assert at.get("download_button")


def test_indicator_link_shows_values_ranks_and_margins_from_the_database(db):
    at, notices = _open({"ind": "median_hh_income", "idx": "coi3"})
    assert not at.exception and not notices
    assert at.title[0].value == "Median household income, by town"
    r = db.ranked("median_hh_income").merge(db.towns(), left_on="geo_id", right_on="town_id")
    low = r.sort_values("estimate").iloc[0]
    f = _plain(_finding(at))
    assert f"from ${low['estimate']:,.0f} in {low['town']} to $250,000+ in" in f
    table = at.dataframe[0].value.set_index("Town")
    assert len(table) == 169
    for _, row in r.iterrows():
        assert table.loc[row["town"], "Rank (1 = highest)"] == row["rank_high"]
    top = r[r["top_coded"]]
    assert (table.loc[top["town"], "Rank (1 = highest)"] == 1).all()  # top codes tie, never ranked as numbers
    feats = {x["properties"]["town"]: x["properties"] for x in _towns(_spec(at))["data"]["features"]}
    h = r.set_index("town").loc["Hartford"]
    assert feats["Hartford"]["line1"] == f"Median income: ${h['estimate']:,.0f} (±${h['moe']:,.0f})"
    assert feats[top["town"].iloc[0]]["line1"] == "Median income: $250,000+"
    assert at.query_params["ind"] == "median_hh_income" and at.query_params["idx"] == "coi3"


def test_tract_layer_link(db):
    at, notices = _open({"ind": "level", "idx": "oca2014", "tracts": "1"})
    assert not at.exception and not notices
    spec = _spec(at)
    assert [lyr["id"] for lyr in spec["layers"]] == ["tracts", "towns"]
    n_tracts = int(db.df("SELECT count(*) FROM tract_shapes").iloc[0, 0])
    assert len(spec["layers"][0]["data"]["features"]) == n_tracts
    assert at.query_params["tracts"] == "1" and at.query_params["idx"] == "oca2014"
    assert any("Census tracts by opportunity level" in m.value for m in at.markdown)


def test_tracts_are_ignored_for_an_indicator():
    at, _ = _open({"ind": "poverty_rate", "tracts": "1"})
    assert not at.exception
    assert [lyr["id"] for lyr in _spec(at)["layers"]] == ["state", "towns"]
    assert "tracts" not in at.query_params


@pytest.mark.parametrize("params", [
    {"ind": "<script>alert(1)</script>"},
    {"ind": "median_hh_income; DROP TABLE towns"},
    {"idx": "x' OR 1=1 --"},
    {"tracts": "yes please"},
    {"ind": "A" * 100_000, "idx": "B" * 5000},
    {"ind": "town_wide", "idx": "", "tracts": "2"},
])
def test_garbage_links_give_a_notice_and_the_default_view(params):
    at, notices = _open(params)
    assert not at.exception
    bad = [k for k, v in params.items() if v]
    assert len(notices) == len(bad) and all("showing the default instead" in n for n in notices)
    assert all("<script>" not in n for n in notices)
    assert at.query_params["ind"] == "level" and at.query_params["idx"] == "oca2025"
    assert "tracts" not in at.query_params
    assert len(_towns(_spec(at))["data"]["features"]) == 169


def test_presentation_mode_hides_controls_and_fits_a_bigger_map():
    at, _ = _open({"present": "1"})
    normal, _ = _open()
    assert not at.exception
    assert at.query_params["present"] == "1"
    assert _spec(at)["initialViewState"]["zoom"] > _spec(normal)["initialViewState"]["zoom"]


def test_every_indicator_renders():
    """Every town indicator in the registry can be mapped (one app, switching by widget)."""
    from oca_dash import profile

    at, _ = _open(switch=False)
    box = at.selectbox[0]
    for ind in profile.indicators_for("town"):
        box.set_value(ind).run()
        assert not at.exception, ind
        assert len(_towns(_spec(at))["data"]["features"]) == 169
        box = at.selectbox[0]


def test_choosing_a_town_opens_its_profile():
    """The keyboard path to a town profile (the map click does the same with the clicked town)."""
    at, _ = _open({"idx": "coi3"}, switch=False)
    at.selectbox(key="open_town").set_value("West Hartford").run()
    assert not at.exception
    assert at.title[0].value == "West Hartford"
    assert at.query_params["town"] == "West Hartford" and at.query_params["idx"] == "coi3"
