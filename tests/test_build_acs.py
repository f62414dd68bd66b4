"""The ACS 2019-2023 module against the raw cells and PROVENANCE's verified values."""

import numpy as np
import pytest

from oca_dash.build import acs
from oca_dash.build.acs_read import acs_tables
from oca_dash.indicators import INDICATORS


@pytest.fixture(scope="module")
def part(raw, geo):
    return acs.load(raw, geo)


def val(part, geo, town, ind):
    v = part.values
    r = v[(v.geo_type == "town") & (v.geo_id == geo.town_id(town)) & (v.indicator == ind)]
    assert len(r) == 1
    return r.iloc[0]


@pytest.mark.parametrize("town,pop,hisp,white,black,asian,income,income_moe,own,pov,ba", [
    ("Hartford", 119970, .448, .159, .338, .022, 45300, 2925, .257, .255, .183),
    ("Greenwich", 63505, .135, .697, .033, .071, 198458, 13554, .688, .054, .724),
    ("Andover", 3148, .006, .942, .003, .018, 127335, 20643, .939, .009, .463),
])
def test_provenance_sample_values(part, geo, town, pop, hisp, white, black, asian, income, income_moe, own, pov, ba):
    assert val(part, geo, town, "population").estimate == pop
    for ind, want in [("share_hispanic", hisp), ("share_white_nh", white), ("share_black_nh", black),
                      ("share_asian_nh", asian), ("homeownership_rate", own), ("poverty_rate", pov),
                      ("bachelors_plus", ba)]:
        assert round(val(part, geo, town, ind).estimate, 3) == pytest.approx(want, abs=0.0006), ind
    r = val(part, geo, town, "median_hh_income")
    assert (r.estimate, r.moe) == (income, income_moe)


def test_derived_moe_matches_formula_from_raw_cells(raw, part, geo):
    t = acs_tables(raw)["race"]
    t = t[(t.level == "6_town") & (t.name == "Hartford")].set_index("variable")
    num, den = t.loc["B03002_012"], t.loc["B03002_001"]
    p = num.estimate / den.estimate
    want = np.sqrt(num.moe**2 - p**2 * den.moe**2) / den.estimate
    assert val(part, geo, "Hartford", "share_hispanic").moe == pytest.approx(want)


def test_top_coded_income_is_kept_as_the_code_without_moe(part, geo):
    for town in ("Darien", "New Canaan", "Weston", "Westport"):
        r = val(part, geo, town, "median_hh_income")
        assert r.estimate == INDICATORS["median_hh_income"].top_coded == 250001
        assert np.isnan(r.moe)


def test_every_geography_level_is_present(part):
    counts = part.values[part.values.indicator == "population"].groupby("geo_type").size().to_dict()
    assert counts == {"state": 1, "region": 9, "town": 169, "tract": 879, "senate": 36, "house": 151}


def test_districts_use_the_chamber_ids(part):
    v = part.values
    ids = set(v.loc[v.geo_type == "senate", "geo_id"])
    assert ids == {f"S{i:02d}" for i in range(1, 37)}
    assert set(v.loc[v.geo_type == "house", "geo_id"]) == {f"H{i:03d}" for i in range(1, 152)}


def test_tract_race_counts_cover_populated_tracts(part):
    t = part.tables["tract_race_counts"]
    assert len(t) == 879
    assert (t[["hispanic", "white_nh", "black_nh", "asian_nh"]].sum(axis=1) <= t["all"]).all()
    assert t["all"].sum() == 3598348
