"""The town filter (oca_dash.find): URL parsing, applying, words, CSV and map, on the real database."""

import io
import json

import pandas as pd
import pytest

from oca_dash import find as F
from oca_dash.find import Filter
from tests.db_util import sql

REGIONS = {"09110": "Capitol Planning Region", "09170": "South Central Connecticut Planning Region"}


@pytest.fixture(scope="module")
def frame(db):
    return F.load_towns(db, "oca2025")


def test_parse_reads_every_filter():
    f, notes = F.parse({"idx": ["coi3"], "levels": ["high,Very-High"], "high_min": ["50"], "poc_max": ["20"],
                        "black_min": ["1"], "ahal_max": ["10"],
                        "region": ["09110,South Central Connecticut Planning Region"],
                        "pop_min": ["5000"], "ind": ["median_hh_income"], "ind_min": ["100000"]}, REGIONS)
    assert notes == []
    assert f.idx == "coi3" and f.levels == ("High", "Very High") and f.high_min == 50
    assert f.group_range("poc") == (None, 20) and f.group_range("black") == (1, None)
    assert f.ahal_max == 10 and f.regions == ("09110", "09170") and f.pop_min == 5000
    assert (f.ind, f.ind_min, f.ind_max) == ("median_hh_income", 100000, None)
    assert F.parse(F.to_params(f), REGIONS) == (f, [])


@pytest.mark.parametrize("params", [
    {"poc_max": "abc"}, {"poc_max": "150"}, {"ahal_min": "nan"}, {"pop_min": "1; DROP TABLE towns"},
    {"levels": "<script>alert(1)</script>"}, {"region": "Gotham"}, {"ind": "population\" FROM towns --"},
    {"ind_min": "5"}, {"idx": "x' OR 1=1"}, {"high_min": "-3"}, {"poc_min": "50", "poc_max": "10"},
    {"black_max": "x" * 100_000},
])
def test_garbage_gives_a_notice_and_the_filter_is_ignored(params):
    f, notes = F.parse(params, REGIONS)
    assert notes and all(len(n) < 400 for n in notes)
    assert not f.active and f.idx == "oca2025"


def test_no_params_is_no_filter(frame):
    f, notes = F.parse({}, REGIONS)
    assert notes == [] and not f.active and F.to_params(f) == {}
    assert len(F.apply(f, frame).towns) == 169


def test_apply_matches_the_database(frame):
    f = Filter(ranges=(("poc", None, 20.0),), ahal_max=10.0, pop_min=5000.0)
    got = set(F.apply(f, frame).towns["town"])
    want = set(sql("SELECT t.town FROM town_wide w JOIN towns t ON t.town_id = w.geo_id "
                   "WHERE w.share_poc <= 0.20 AND w.ahal_pct_affordable <= 0.10 AND w.population >= 5000")["town"])
    assert got == want and len(got) > 10


def test_region_and_level_filters(frame):
    f = Filter(regions=("09110",), levels=("Very Low",))
    res = F.apply(f, frame).towns
    assert (res["region_id"] == "09110").all() and (res["level"] == "Very Low").all()
    assert "Hartford" in set(res["town"])


def test_high_min_uses_share_in_high_or_very_high(frame):
    res = F.apply(Filter(high_min=90.0), frame).towns
    area = sql("SELECT geo_id, share_high + share_very_high AS hv FROM area_opportunity "
               "WHERE index_name = 'oca2025' AND geo_type = 'town' AND share_high + share_very_high >= 0.9")
    assert set(res["town_id"]) == set(area["geo_id"])


def test_top_coded_income_passes_a_minimum_but_never_a_maximum(frame):
    lo = F.apply(Filter(ind="median_hh_income", ind_min=200000.0), frame).towns
    assert {"Darien", "Westport", "New Canaan", "Weston"} <= set(lo["town"])
    hi = F.apply(Filter(ind="median_hh_income", ind_max=300000.0), frame)
    assert "Darien" not in set(hi.towns["town"]) and hi.unknown.get("Median income", 0) >= 4


def test_missing_values_are_left_out_and_counted(frame):
    res = F.apply(Filter(ind="grad_rate_4yr", ind_min=0.0), frame)
    n_missing = frame["grad_rate_4yr"].isna().sum()
    assert len(res.towns) == 169 - n_missing and res.unknown == {"4-yr graduation rate": n_missing}
    assert str(n_missing) in F.unknown_note(res)


def test_share_indicator_range_is_in_percent(frame):
    res = F.apply(Filter(ind="poverty_rate", ind_min=15.0), frame).towns
    assert (res["poverty_rate"] >= 0.15).all() and len(res) == (frame["poverty_rate"] >= 0.15).sum()


def test_summary_numbers_are_computed(frame):
    f = Filter(ranges=(("poc", None, 20.0),))
    res = F.apply(f, frame)
    t = res.towns
    s = F.summary(res, frame)
    white = t["pop_white_nh"].sum() / t["population"].sum()
    state = sql("SELECT estimate FROM indicator_values WHERE geo_type='state' AND indicator='share_white_nh'")
    below = int((t["ahal_pct_affordable"] < 0.10).sum())
    assert s.startswith(f"{len(t)} towns match: together {t['population'].sum():,.0f} residents, {white:.0%} White")
    assert f"against {state['estimate'].iloc[0]:.0%} statewide" in s
    assert (f"{below} of them are below" in s) or ("all of them are below" in s and below == len(t))
    assert F.summary(F.apply(Filter(pop_min=4_000_000.0), frame), frame) == "No town matches these filters."
    assert F.summary(F.apply(Filter(), frame), frame).startswith("All 169 towns")


def test_describe_says_every_active_filter():
    f = Filter(levels=("High",), ranges=(("poc", 10.0, 20.0),), ahal_max=10.0, regions=("09110",),
               pop_min=5000.0, ind="median_hh_income", ind_min=100000.0)
    words = F.describe(f, REGIONS, "Index X")
    assert words == ["opportunity level High (Index X)", "people of colour 10% to 20% of residents",
                     "8-30g affordable share at most 10%", "in Capitol Planning Region", "population at least 5,000",
                     "Median income at least $100,000"]


def test_table_and_csv_carry_sources_and_top_codes(frame):
    f = Filter(ind="median_hh_income", ind_min=200000.0)
    res = F.apply(f, frame)
    table = F.result_table(res, f)
    assert list(table.columns)[:6] == ["Town", "Region", "Population", "% people of colour", "Opportunity level",
                                       "% affordable (8-30g)"]
    assert "Median income" in table.columns
    text = F.csv_text(table, f, ["Filters: x", "Source: ACS 2019-2023"])
    assert text.startswith("# Filters: x\n# Source: ACS 2019-2023\n")
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert len(back) == len(table) and "250000+" in set(back["Median income"])
    assert back["Population"].dtype.kind == "i" and "250001" not in text


def test_map_spec_highlights_matches(db, frame):
    spec = json.loads(F.map_spec(db.shapes("town_fill"), db.shapes("state"), frame, ["0911001080"]))
    assert [lyr["id"] for lyr in spec["layers"]] == ["state", "towns"]
    feats = spec["layers"][1]["data"]["features"]
    assert len(feats) == 169 and spec["mapStyle"] == "__MAP_STYLE__"
    lit = [ft for ft in feats if ft["properties"]["fill"] == F.LIT]
    assert len(lit) == 1 and lit[0]["properties"]["name"] == "Andover"


def test_map_title(frame):
    res = F.apply(Filter(regions=("09110",)), frame)
    assert F.map_title(res, frame) == f"The {len(res.towns)} matching towns, in blue: all in the Capitol region"
