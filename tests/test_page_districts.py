"""Districts: link parsing, town shares and the map helpers, and the page through AppTest."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oca_dash import deck_json
from oca_dash import district_view as D
from oca_dash.format import fmt_value
from tests.apptest_util import open_link
from tests.db_util import sql as q

IDS = [f"S{n:02d}" for n in range(1, 37)] + [f"H{n:03d}" for n in range(1, 152)]


def run_page(params: dict) -> AppTest:
    return open_link("pages/districts.py", params)


# -- parsing --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,want", [
    ("S05", "S05"), ("s5", "S05"), ("S 5", "S05"), ("H007", "H007"), ("h7", "H007"), ("H151", "H151"),
    ("SD 5", "S05"), ("HD-7", "H007"), ("State Senate District 5", "S05"), ("state senate district 05", "S05"),
    ("Senate 36", "S36"), ("House District 7", "H007"), ("State House District No. 12", "H012"),
    ("House of Representatives District 100", "H100"), ("State_Senate_District_5", "S05"),
    ("State+Senate+District+5", "S05"), ("  senate   district   5 ", "S05"),
])
def test_district_forms_are_accepted(raw, want):
    assert D.parse_district(raw, IDS) == (want, None)


def test_empty_gives_the_default_quietly():
    assert D.parse_district(None, IDS) == ("S01", None)
    assert D.parse_district("", IDS) == ("S01", None)


@pytest.mark.parametrize("raw", ["S37", "Senate 0", "H152", "House District 999"])
def test_out_of_range_numbers_say_how_many_there_are(raw):
    did, note = D.parse_district(raw, IDS)
    assert did == "S01" and ("36 Senate districts" in note or "151 House districts" in note)


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "S05'; DROP TABLE districts;--", "x" * 100_000,
                                 "Hartford", "S5x", "1e9"])
def test_garbage_gives_a_short_notice(raw):
    did, note = D.parse_district(raw, IDS)
    assert did == "S01" and "not a Connecticut State Senate or House district" in note and len(note) < 250


def test_labels():
    row = pd.Series({"chamber": "senate", "number": 5, "member": "A Member", "party": "D"})
    assert D.label(row) == "Senate 5 — A Member (D)"
    assert D.full_name(row) == "State Senate District 5"
    assert D.label_short("H007") == "House District 7"


# -- towns and checks ------------------------------------------------------------------------

def test_towns_table_shares_sum_to_one(db):
    for did in ("S05", "H007", "S01"):
        t = D.towns_table(db.district_towns(did))
        assert t["Share of the district's residents"].sum() == pytest.approx(1.0)
        assert (t["Share of the town's residents"] <= 1.0000001).all()


def test_towns_sentence():
    dt = pd.DataFrame({"town": ["A", "B", "C"], "pop_share_of_town": [1.0, 0.4, 0.2],
                       "pop_share_of_district": [0.5, 0.3, 0.2]})
    assert D.towns_sentence("District X", dt) == ("District X takes in all of A and parts of 2 other towns; "
                                                  "about 50% of its residents live in A.")
    one = pd.DataFrame({"town": ["Hartford"], "pop_share_of_town": [0.17], "pop_share_of_district": [1.0]})
    assert D.towns_sentence("House 1", one) == "House 1 takes in part of Hartford."


def test_population_check_sentence(db):
    pop, _ = D.load_checks(db, "S05")
    s = D.population_check_sentence(pop)
    acs = q("SELECT acs_population FROM district_population_check WHERE district_id = 'S05'").iloc[0, 0]
    assert f"{acs:,.0f}" in s


def test_zoom_fits_smaller_boxes_closer():
    big = D.zoom_for(-73.7, 41.0, -71.8, 42.05)
    small = D.zoom_for(-72.8, 41.7, -72.7, 41.8)
    assert 6 <= big < small <= 14


def test_map_has_the_district_and_its_towns(db):
    dt = db.district_towns("S05")
    d, t = D.load_map(db, "S05", dt["town_id"].tolist())
    assert len(d) == 1 and sorted(t["town"]) == sorted(dt["town"])
    spec = deck_json.freeze(D.deck(d, t, "State Senate District 5")).to_json()
    assert spec.count('"GeoJsonLayer"') == 2 and '"TextLayer"' in spec


# -- the page --------------------------------------------------------------------------------

@pytest.mark.parametrize("param,did", [("H007", "H007"), ("State Senate District 5", "S05"), ("s36", "S36")])
def test_link_seeds_the_district_and_numbers_match_the_database(param, did):
    at = run_page({"district": param})
    assert not at.exception and not at.info
    chamber = "senate" if did.startswith("S") else "house"
    row = q("SELECT * FROM districts WHERE district_id = ?", [did]).iloc[0]
    assert at.title[0].value == f"State {'Senate' if chamber == 'senate' else 'House'} District {row['number']}"
    assert at.radio[0].value == chamber and at.selectbox[0].value == did
    assert at.query_params["district"] == did
    vals = q("SELECT indicator, estimate FROM indicator_values WHERE geo_type = ? AND geo_id = ?",
             [chamber, did]).set_index("indicator")["estimate"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Population"] == fmt_value("population", vals["population"])
    assert metrics["Poverty"] == fmt_value("poverty_rate", vals["poverty_rate"])
    text = " ".join(m.value for m in at.markdown)
    assert row["member"] in text.replace("\\", "")
    towns = [df.value for df in at.dataframe if "Town" in df.value.columns][0]
    dt = q("SELECT t.town, d.pop_share_of_district FROM district_towns d JOIN towns t USING (town_id) "
           "WHERE district_id = ?", [did])
    assert sorted(towns["Town"]) == sorted(dt["town"])
    assert len(at.get("deck_gl_json_chart")) == 1
    captions = " ".join(c.value for c in at.caption)
    assert "ACS 2019-2023 estimates for the 2021-plan districts" in captions
    assert "block assignment files" in captions


def test_ranks_are_among_districts_of_the_chamber():
    at = run_page({"district": "H007"})
    every = [df.value for df in at.dataframe if "Rank" in df.value.columns]
    ranks = " ".join(" ".join(df["Rank"].astype(str)) for df in every)
    assert "of 151 House districts" in ranks and "towns" not in ranks


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "S99", "'; DROP TABLE districts;--", "z" * 5000])
def test_garbage_district_gives_notice_and_default(bad):
    at = run_page({"district": bad, "v": "1999"})
    assert not at.exception
    assert at.title[0].value == "State Senate District 1"
    notes = " ".join(i.value for i in at.info)
    assert "vintage" in notes and ("district" in notes)
