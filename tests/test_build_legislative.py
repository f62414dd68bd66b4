"""The 2021 legislative plan (oca_dash.build.legislative) on the real raw files.

Sample values are those verified in legislative/PROVENANCE.md ("Samples", "Population check").
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from oca_dash.build import legislative
from oca_dash.build.raw import Raw, RawDataError


@pytest.fixture(scope="module")
def tables(raw, geo_with_pop):
    return legislative.load(raw, geo_with_pop).tables


def _pairs(tables, geo, town):
    t = tables["district_towns"]
    t = t[t["town_id"] == geo.town_id(town)]
    return dict(zip(t["district_id"], t["pop_share_of_town"]))


def test_districts_and_members(tables):
    d = tables["districts"]
    assert len(d) == 187
    assert list(d["district_id"]) == [f"S{i:02d}" for i in range(1, 37)] + [f"H{i:03d}" for i in range(1, 152)]
    assert (d["chamber"].value_counts().to_dict()) == {"house": 151, "senate": 36}
    assert d.loc[d["district_id"] == "S05", "name"].item() == "State Senate District 5"
    assert d.loc[d["district_id"] == "H007", "name"].item() == "State House District 7"
    assert d.loc[d["district_id"] == "H007", "number"].item() == 7
    assert d["member"].notna().all() and (d["member"].str.len() > 3).all()
    assert d["member"].is_unique  # one person per seat
    assert set(d["party"]) == {"D", "R"}
    # fusion labels are mapped by their first party
    fusion = d[d["party_label"].str.contains("/")]
    assert len(fusion) == 26 and (fusion["party"] == "D").all()
    assert (d["member_source"] == "Open States, snapshot 2026-08-05").all()


def test_land_area(tables, geo):
    d = tables["districts"]
    state = geo.towns["land_sq_mi"].sum()
    for chamber in ("senate", "house"):
        assert d.loc[d["chamber"] == chamber, "land_sq_mi"].sum() == pytest.approx(state, rel=1e-9)
    # Union is wholly in HD 52 together with other towns, so HD 52 has more land than Union alone
    union = geo.towns.loc[geo.towns["town"] == "Union", "land_sq_mi"].item()
    assert d.loc[d["district_id"] == "H052", "land_sq_mi"].item() > union
    assert (d["land_sq_mi"] > 0.5).all()


def test_hartford(tables, geo):
    h = _pairs(tables, geo, "Hartford")
    house = {k: v for k, v in h.items() if k[0] == "H"}
    assert sorted(house) == ["H001", "H003", "H004", "H005", "H006", "H007"]
    expected = {"H007": 0.20, "H003": 0.19, "H004": 0.18, "H006": 0.18, "H001": 0.17, "H005": 0.08}
    for k, v in expected.items():
        assert house[k] == pytest.approx(v, abs=0.015), k
    senate = {k: v for k, v in h.items() if k[0] == "S"}
    assert sorted(senate) == ["S01", "S02"]
    assert senate["S01"] == pytest.approx(0.59, abs=0.01)
    assert senate["S02"] == pytest.approx(0.41, abs=0.01)


def test_sample_towns(tables, geo):
    g = _pairs(tables, geo, "Greenwich")
    assert g["S36"] == 1.0 and sorted(k for k in g if k[0] == "H") == ["H149", "H150", "H151"]
    assert _pairs(tables, geo, "Union") == {"H052": 1.0, "S35": 1.0}
    b = _pairs(tables, geo, "Bolton")
    assert sorted(k for k in b if k[0] == "H") == ["H008", "H055"]
    assert 0.3 < b["H008"] < 0.7  # about half of Bolton
    assert "H116" not in _pairs(tables, geo, "New Haven")
    # the artefact pairs of PROVENANCE are dropped
    assert "H139" not in _pairs(tables, geo, "Groton") and "S19" not in _pairs(tables, geo, "Groton")
    assert "H120" not in _pairs(tables, geo, "Trumbull") and "S21" not in _pairs(tables, geo, "Trumbull")


def test_shares_and_pairs(tables, geo_with_pop):
    geo = geo_with_pop
    t = tables["district_towns"]
    assert t.groupby("chamber").size().to_dict() == {"house": 303, "senate": 210}  # as PROVENANCE's overlay
    for chamber in ("senate", "house"):
        c = t[t["chamber"] == chamber]
        assert set(c["town_id"]) == set(geo.towns["town_id"])
        assert np.allclose(c.groupby("town_id")["pop_share_of_town"].sum(), 1, atol=1e-9, rtol=0)
        assert np.allclose(c.groupby("district_id")["pop_share_of_district"].sum(), 1, atol=1e-9, rtol=0)
        assert c["est_population"].sum() == pytest.approx(3_598_348, rel=1e-12)  # ACS state total
        assert c["district_id"].nunique() == (36 if chamber == "senate" else 151)
    assert (t["blocks"] >= 1).all() and (t["land_share_of_town"] >= legislative.ARTEFACT_LAND_SHARE).all()
    assert (t["est_population"] > 0).all()
    assert t["method"].str.contains("land blocks").all()
    assert list(t.index) == list(t.sort_values(["district_id", "town_id"]).index)
    # 97 towns lie wholly inside one House district and 131 inside one Senate district (PROVENANCE)
    whole = t[t["pop_share_of_town"] == 1.0].groupby("chamber").size().to_dict()
    assert whole == {"house": 97, "senate": 131}


def test_town_list_check(tables):
    c = tables["district_town_list_check"]
    got = {(r.pair, r.in_baf, r.in_polygons, r.in_cga_list, r.in_district_towns) for r in c.itertuples()}
    assert got == {
        ("HD 8 - Bolton", True, True, False, True),  # missing from the CGA list
        ("HD 116 - New Haven", False, False, True, False),  # wrongly on the CGA list
        ("HD 139 - Groton", True, False, False, False),  # artefacts, dropped by the threshold
        ("HD 120 - Trumbull", True, False, False, False),
        ("SD 19 - Groton", True, False, False, False),
        ("SD 21 - Trumbull", True, False, False, False),
    }
    assert c.loc[c["pair"] == "HD 139 - Groton", "blocks"].item() == 7
    assert c.loc[c["pair"] == "HD 120 - Trumbull", "blocks"].item() == 1


def test_population_against_acs(tables):
    p = tables["district_population_check"]
    assert len(p) == 187 and p["acs_population"].notna().all()
    err = p.set_index("district_id")["relative_error"].abs()
    senate, house = err[err.index.str[0] == "S"], err[err.index.str[0] == "H"]
    # measured: median 0.7 % / max 4.6 % (Senate), median 2.7 % / max 15.6 % (House)
    assert senate.median() < 0.01 and senate.max() < 0.06
    assert house.median() < 0.035 and house.max() < 0.20
    assert p.groupby(p["district_id"].str[0])["acs_population"].sum().tolist() == [3_598_348.0, 3_598_348.0]


def test_shapes(tables):
    s = tables["district_shapes"]
    assert list(s["district_id"]) == list(tables["districts"]["district_id"])
    geoms = shapely.from_geojson(s["geojson"].values)
    assert shapely.is_valid(geoms).all()
    b = shapely.total_bounds(geoms)
    assert -73.75 < b[0] and b[2] < -71.78 and 40.95 < b[1] and b[3] < 42.06
    coords = shapely.get_coordinates(geoms)
    assert np.allclose(coords, np.round(coords, 5), atol=1e-9, rtol=0)
    pts = shapely.points(s[["centroid_lon", "centroid_lat"]].values)
    assert shapely.contains(geoms, pts).all()
    for prefix, n, budget in [("S", 36, 200_000), ("H", 151, 350_000)]:
        layer = geoms[s["district_id"].str[0].values == prefix]
        assert len(layer) == n and shapely.coverage_is_valid(layer)
        size = sum(len(g) for g in s.loc[s["district_id"].str[0] == prefix, "geojson"])
        assert size < budget
    # Greenwich town hall lies in SD 36 and Union's centre in HD 52
    by_id = dict(zip(s["district_id"], geoms))
    assert by_id["S36"].contains(shapely.Point(-73.6265, 41.0266))
    assert by_id["H052"].contains(shapely.Point(-72.157, 41.990))
    # area (equal-area) of a chamber's union equals the sum: no overlaps
    ea = gpd.GeoSeries(geoms[:36], crs=4326).to_crs(5070).values
    assert shapely.area(shapely.union_all(ea)) == pytest.approx(shapely.area(ea).sum(), rel=1e-6)
    json.loads(s["geojson"].iloc[0])


def test_party_mapping():
    assert legislative._party_letter("Democratic/Working Families", "x") == "D"
    assert legislative._party_letter("Republican", "x") == "R"
    with pytest.raises(RawDataError, match="unknown party"):
        legislative._party_letter("Whig", "x")


def test_malformed_baf(tmp_path):
    rel = legislative.CHAMBERS["senate"]["baf"]
    p = tmp_path / rel
    p.parent.mkdir(parents=True)
    p.write_text("BLOCKID,SENATE\n090035042001002, 1\nBLOCKID,SENATE\n090035245021002, 2\n")
    with pytest.raises(RawDataError, match="SEN.csv: SENATE must hold exactly the districts 1..36"):
        legislative._baf(Raw(tmp_path), legislative.CHAMBERS["senate"])
    p.write_text("BLOCKID,DIST\n090035042001002, 1\n")
    with pytest.raises(RawDataError, match="missing column"):
        legislative._baf(Raw(tmp_path), legislative.CHAMBERS["senate"])
