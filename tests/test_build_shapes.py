"""Web shapes built from towns20.gpkg and tract_sf.rda (oca_dash.build.shapes)."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from oca_dash.build import shapes
from oca_dash.build.raw import RawDataError

SQ_M_PER_SQ_MI = 2_589_988.110336
OLD_STATE_HOUSE = shapely.Point(-72.6737, 41.7658)


@pytest.fixture(scope="module")
def tables(raw, geo):
    return shapes.load(raw, geo).tables


def _geoms(df):
    return shapely.from_geojson(df["geojson"].values)


def _ea(geoms):
    return shapely.area(gpd.GeoSeries(geoms, crs=4326).to_crs(5070).values)


def _town(tables, geo, name):
    t = tables["town_shapes"]
    return t[t["town_id"] == geo.town_id(name)].iloc[0]


def test_counts_and_ids(tables, geo):
    assert list(tables["town_shapes"]["town_id"]) == sorted(geo.towns["town_id"])
    assert list(tables["tract_shapes"]["tract_id"]) == sorted(geo.tracts["tract_id"])
    assert len(tables["town_shapes"]) == 169 and len(tables["tract_shapes"]) == 879
    assert list(tables["region_shapes"]["region_id"]) == list(geo.regions["region_id"])
    assert list(tables["county_shapes"]["county_id"]) == list(geo.counties["county_id"])
    assert list(tables["town_fill_shapes"]["town_id"]) == sorted(geo.towns["town_id"])
    assert list(tables["state_shapes"]["state_id"]) == ["09"]
    assert (len(geo.regions), len(geo.counties)) == (9, 8)
    for t in tables.values():
        assert list(t.columns[1:]) == shapes.SHAPE_COLUMNS


def test_sizes_within_budget(tables, geo):
    towns = tables["town_shapes"].merge(geo.towns[["town_id", "town"]], on="town_id")
    fc = shapes.feature_collection(towns, towns[["town_id", "town"]])
    assert len(json.loads(fc)["features"]) == 169
    assert len(fc.encode()) <= 300_000
    tracts = tables["tract_shapes"]
    assert len(shapes.feature_collection(tracts).encode()) <= 1_000_000


@pytest.mark.parametrize("name", ["town_shapes", "tract_shapes", "region_shapes", "county_shapes"])
def test_valid_coverage_no_gaps(tables, name):
    df = tables[name]
    g = _geoms(df)
    assert shapely.is_valid(g).all() and not shapely.is_empty(g).any()
    assert set(shapely.get_type_id(g)) <= {3, 6}  # Polygon, MultiPolygon
    assert shapely.coverage_is_valid(g)
    union = shapely.union_all(gpd.GeoSeries(g, crs=4326).to_crs(5070).values)
    assert shapely.area(union) == pytest.approx(_ea(g).sum(), rel=1e-7)
    assert shapely.get_num_interior_rings(shapely.get_parts(union)).sum() == 0  # no enclosed gaps
    # coordinates rounded to 5 decimals
    assert not any(re.search(r"\.\d{6,}", s) for s in df["geojson"])


@pytest.mark.parametrize("name", ["town_shapes", "tract_shapes", "region_shapes", "county_shapes",
                                  "town_fill_shapes", "state_shapes"])
def test_label_points_inside_and_bbox(tables, name):
    df = tables[name]
    g = _geoms(df)
    pts = shapely.points(df["centroid_lon"].values, df["centroid_lat"].values)
    assert shapely.contains(g, pts).all()
    b = shapely.bounds(g)
    assert np.allclose(b, df[["min_lon", "min_lat", "max_lon", "max_lat"]].values)


def test_hartford_contains_old_state_house(tables, geo):
    assert shapely.from_geojson(_town(tables, geo, "Hartford")["geojson"]).contains(OLD_STATE_HOUSE)
    assert not shapely.from_geojson(_town(tables, geo, "West Hartford")["geojson"]).contains(OLD_STATE_HOUSE)
    towns = tables["town_shapes"]
    hits = towns[shapely.contains(_geoms(towns), OLD_STATE_HOUSE)]
    assert list(hits["town_id"]) == [geo.town_id("Hartford")]


def test_greenwich_is_the_southwest_corner(tables, geo):
    t, g = tables["town_shapes"], _town(tables, geo, "Greenwich")
    assert g["min_lon"] == t["min_lon"].min()  # westernmost town
    assert g["max_lon"] < -73.55 and g["max_lat"] < 41.15
    assert g["min_lon"] == pytest.approx(-73.7278, abs=0.003)  # state's west edge (PROVENANCE bounds)


def test_neighbours_share_edges(tables, geo):
    t = tables["town_shapes"].set_index("town_id")
    h = shapely.from_geojson(t.loc[geo.town_id("Hartford"), "geojson"])
    for n in ["West Hartford", "East Hartford", "Wethersfield", "Windsor", "Bloomfield", "Newington"]:
        other = shapely.from_geojson(t.loc[geo.town_id(n), "geojson"])
        assert shapely.intersection(h.boundary, other.boundary).length > 0.005, n
    assert shapely.intersection(h.boundary, shapely.from_geojson(
        t.loc[geo.town_id("Manchester"), "geojson"]).boundary).length == 0


def test_towns_clipped_to_land(tables, geo):
    """Each town keeps its TIGER land area and drops open Sound water (ALAND <= area <= ALAND + AWATER)."""
    t = tables["town_shapes"].merge(geo.towns, on="town_id")
    area = _ea(_geoms(t))
    land = t["land_sq_mi"].values * SQ_M_PER_SQ_MI
    total = land + t["water_sq_mi"].values * SQ_M_PER_SQ_MI
    assert (area >= 0.97 * land).all() and (area <= 1.03 * total).all()
    assert geo.towns["land_sq_mi"].sum() == pytest.approx(4842.4, abs=0.05)  # PROVENANCE: CT land area
    # PROVENANCE: cb tracts (shoreline-clipped) cover 12,924 km2; TIGER towns incl. water 13,262.45 km2
    assert area.sum() / 1e6 == pytest.approx(12924, rel=0.003)
    assert _ea(_geoms(tables["tract_shapes"])).sum() / 1e6 == pytest.approx(12924, rel=0.003)
    # New London is 47 % water in TIGER; clipped it is much smaller than land + water
    nl = t[t["town"] == "New London"].index[0]
    assert area[nl] < 0.8 * total[nl]


def test_regions_and_counties_are_unions_of_towns(tables, geo):
    towns = tables["town_shapes"].merge(geo.towns, on="town_id")
    ta = _ea(_geoms(towns))
    for key, name in [("region_id", "region_shapes"), ("county_id", "county_shapes")]:
        df = tables[name]
        expected = towns.assign(a=ta).groupby(key)["a"].sum()
        got = dict(zip(df[key], _ea(_geoms(df))))
        for k, v in expected.items():
            assert got[k] == pytest.approx(v, rel=1e-7), (name, k)


def test_town_fills_are_the_towns_shrunk_and_the_state_their_union(tables, geo):
    """The map's fill layer: every town shrunk by FILL_INSET_M (Mercator metres), inside its own town,
    keeping most of its area; neighbours then stand apart by twice that (the border the map shows)."""
    towns, fills = tables["town_shapes"], tables["town_fill_shapes"]
    g, f = _geoms(towns), _geoms(fills)
    assert shapely.is_valid(f).all() and not shapely.is_empty(f).any()
    assert set(shapely.get_type_id(f)) <= {3, 6}
    assert shapely.covers(shapely.buffer(g, 1e-5), f).all()
    share = _ea(f) / _ea(g)
    assert share.min() >= shapes.MIN_FILL_SHARE and share.max() < 0.99
    assert np.median(share) > 0.9
    merc = gpd.GeoSeries(f, crs=4326).to_crs(3857).values
    t = towns.set_index("town_id")
    h, wh = (merc[list(t.index).index(geo.town_id(n))] for n in ("Hartford", "West Hartford"))
    assert shapely.distance(h, wh) == pytest.approx(2 * shapes.FILL_INSET_M, rel=0.05)
    (state,) = _geoms(tables["state_shapes"])
    assert shapely.area(state) == pytest.approx(shapely.area(shapely.union_all(g)), rel=1e-9)
    assert state.covers(shapely.union_all(f))


def test_tracts_lie_in_their_towns(tables, geo):
    tr = tables["tract_shapes"].merge(geo.tracts[["tract_id", "town_id"]], on="tract_id")
    tw = tables["town_shapes"]
    share = shapes.tract_town_share(_geoms(tr), tr["town_id"].values, _geoms(tw), tw["town_id"].values)
    assert (share > 0.5).all()
    assert (share < 0.95).sum() <= 5
    assert np.median(share) > 0.99
    hartford = tr["town_id"] == geo.town_id("Hartford")
    assert hartford.sum() > 40 and (share[hartford.values] > 0.95).all()


def test_deterministic(raw, geo, tables):
    again = shapes.load(raw, geo).tables
    for k in tables:
        assert again[k].equals(tables[k]), k


def test_checks_catch_overlap_gap_and_distortion():
    a = shapely.box(0, 0, 1, 1)
    ids = np.array(["a", "b"], dtype=object)
    overlap = np.array([a, shapely.box(0.5, 0, 1.5, 1)], dtype=object)
    with pytest.raises(RawDataError):
        shapes._check_layer(overlap, overlap, ids, "test")
    before = np.array([a, shapely.box(1, 0, 2, 1)], dtype=object)
    gap = np.array([a, shapely.box(1.01, 0, 2, 1)], dtype=object)  # neighbours pulled apart
    with pytest.raises(RawDataError):
        shapes._check_layer(gap, before, ids, "test")
    shrunk = np.array([a, shapely.box(1, 0, 1.5, 1)], dtype=object)
    with pytest.raises(RawDataError):
        shapes._check_layer(shrunk, before, ids, "test")
    shapes._check_layer(before, before, ids, "test")  # a clean coverage passes
