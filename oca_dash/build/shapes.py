"""Web-ready polygons for towns, tracts, planning regions and counties.

Sources (see ``boundaries/PROVENANCE.md``):
- ``boundaries/towns20.gpkg``: TIGER/Line 2020 county subdivisions (NAD83), 169 towns plus 4 Long
  Island Sound water features (COUSUBFP ``00000``), which are dropped.
- ``boundaries/tract_sf.rda``: Census cartographic boundary tracts 2020, 1:500k (NAD83), an R ``sf``
  object; polygons are rebuilt with shapely from the nested ring lists. The file's embedded CRS must
  be EPSG:4269 (``rdata`` drops it, so it is checked in the decompressed bytes).

Rules applied:
1. Towns are clipped to the shoreline: each TIGER town is intersected with the union of the cb tract
   polygons (which are shoreline-clipped), so Long Island Sound water is not drawn as town area.
   Inland water stays inside towns (as in the cb tracts). The overlay is snapped to a 1e-7 degree grid
   so that neighbouring towns get identical new vertices where the shoreline crosses a town line.
   Along the state's land border the cb line (1:500k) replaces the TIGER line where it lies inside it.
2. Both layers go to WGS84 (EPSG:4326) and each is simplified as ONE coverage
   (``shapely.coverage_simplify``, Visvalingam-Whyatt, shared edges simplified once): towns with a
   tolerance of 0.001 degrees, tracts 0.0003 degrees (cb tracts are already generalised). Coordinates are
   then rounded to 5 decimals (about 1 m); a ring broken by rounding is repaired with ``make_valid``.
3. Planning regions (``geo.towns.region_id``) and 2020 counties (``county_id``) are dissolved from the
   final town coverage, so their borders coincide with town borders exactly.
4. Map fills without stroked lines: ``town_fill_shapes`` holds each town shrunk by 220 m in Web Mercator
   (EPSG:3857, mitred corners), and ``state_shapes`` the union of the towns. The map draws the state in
   dark grey and the shrunken towns over it, so a dark gap of about 1.4 px at the full-state view
   (800 px wide, zoom 7.99: 308 Mercator metres a pixel) is each town border: one polygon layer, no line
   layer, which without a GPU (software WebGL) draws the first map about 0.8 s sooner. Every shrunken
   town must be valid, non-empty, inside its town and keep at least 70 % of its area (Derby, the
   smallest, keeps 77 %).
5. Label point (``centroid_lon/lat``): centre of the largest inscribed circle of the final polygon
   (inside it by construction, checked after rounding); bbox from the final polygon.
6. Checks (``RawDataError`` on failure): 169 towns and 879 tracts, all joined to ``geo``; the TIGER
   ALAND matches ``geo.towns.land_sq_mi``; every clipped town keeps all its ALAND and at most its
   ALAND + AWATER; every layer is valid, non-empty, polygonal, a valid coverage (no overlaps, edges
   matched), with union area = sum of areas (EPSG:5070), no holes, the same pairs of neighbours sharing
   an edge as before simplifying, each feature's area within 3 % of its unsimplified area; GeoJSON
   FeatureCollections within budget (towns 300 KB, tracts 1 MB); every tract has most (> 50 %) of its
   area in the town ``geo.tracts`` assigns it (tracts below 95 % are logged).
"""

from __future__ import annotations

import bz2
import gzip
import json
import logging
import lzma

import numpy as np
import pandas as pd
import shapely

from .parts import Part
from .raw import Raw, RawDataError, require_columns

log = logging.getLogger(__name__)

TOWN_GPKG = "boundaries/towns20.gpkg"
TRACT_RDA = "boundaries/tract_sf.rda"
SQ_M_PER_SQ_MI = 2_589_988.110336

SOURCE_CRS = 4269  # NAD83, both files
WEB_CRS = 4326
EQUAL_AREA_CRS = 5070
CLIP_GRID = 1e-7  # degrees (about 1 cm): grid for the shoreline overlay
TOWN_TOLERANCE = 0.001  # degrees, coverage_simplify
TRACT_TOLERANCE = 0.0003
DECIMALS = 5
MAX_AREA_CHANGE = 0.03  # simplified vs unsimplified area, per feature
TOWN_BUDGET = 300_000  # bytes of compact GeoJSON FeatureCollection
TRACT_BUDGET = 1_000_000
MERCATOR_CRS = 3857
FILL_INSET_M = 220  # Web Mercator metres each town is shrunk by for the map's fill layer
MIN_FILL_SHARE = 0.70  # of the town's area kept after shrinking
LABEL_TOLERANCE = 1e-5  # degrees, maximum inscribed circle
SHAPE_COLUMNS = ["geojson", "centroid_lon", "centroid_lat", "min_lon", "min_lat", "max_lon", "max_lat"]


def load(raw: Raw, geo) -> Part:
    import geopandas as gpd  # build-time only

    towns = _read_towns(raw, geo)
    tracts = read_tract_polygons(raw, geo)

    land = shapely.union_all(tracts.geometry.values)
    clipped = shapely.intersection(towns.geometry.values, land, grid_size=CLIP_GRID)
    clipped = _polygons_only(clipped, f"{TOWN_GPKG} clipped to {TRACT_RDA}")
    _check_coverage(clipped, towns["town_id"].values, "clipped towns")
    _check_land(towns, clipped)

    town_src = gpd.GeoSeries(clipped, crs=SOURCE_CRS).to_crs(WEB_CRS).values
    tract_src = gpd.GeoSeries(tracts.geometry.values, crs=SOURCE_CRS).to_crs(WEB_CRS).values
    town_geoms = _simplify(town_src, TOWN_TOLERANCE, towns["town_id"].values, "towns")
    tract_geoms = _simplify(tract_src, TRACT_TOLERANCE, tracts["tract_id"].values, "tracts")

    region_ids, region_geoms = _dissolve(town_geoms, towns["region_id"].values)
    county_ids, county_geoms = _dissolve(town_geoms, towns["county_id"].values)
    for name, ids, geoms, n in [("regions", region_ids, region_geoms, len(geo.regions)),
                                ("counties", county_ids, county_geoms, len(geo.counties))]:
        if len(ids) != n:
            raise RawDataError(f"{TOWN_GPKG}: dissolving towns gave {len(ids)} {name}, expected {n}")
        _check_layer(geoms, geoms, ids, name)

    _check_size(town_geoms, towns[["town_id", "town"]], TOWN_BUDGET, "towns")
    _check_size(tract_geoms, tracts[["tract_id", "town_id"]], TRACT_BUDGET, "tracts")
    tract_town_share(tract_geoms, tracts["town_id"].values, town_geoms, towns["town_id"].values)

    fill_geoms = _inset(town_geoms, towns["town_id"].values)
    state_geom = np.array([shapely.coverage_union_all(town_geoms)], dtype=object)
    _check_layer(state_geom, state_geom, np.array(["09"], dtype=object), "state")
    _check_size(np.concatenate([fill_geoms, state_geom]), pd.concat([towns[["town_id", "town"]], pd.DataFrame(
        {"town_id": ["09"], "town": ["Connecticut"]})]), TOWN_BUDGET, "town fills and state outline")

    return Part(tables={
        "town_shapes": _table("town_id", towns["town_id"].values, town_geoms),
        "town_fill_shapes": _table("town_id", towns["town_id"].values, fill_geoms),
        "state_shapes": _table("state_id", np.array(["09"], dtype=object), state_geom),
        "tract_shapes": _table("tract_id", tracts["tract_id"].values, tract_geoms),
        "region_shapes": _table("region_id", region_ids, region_geoms),
        "county_shapes": _table("county_id", county_ids, county_geoms),
    })


# ---------------------------------------------------------------- reading

def _read_towns(raw: Raw, geo):
    import pyogrio

    try:
        g = pyogrio.read_dataframe(raw.path(TOWN_GPKG))
    except RawDataError:
        raise
    except Exception as e:
        raise RawDataError(f"cannot read raw file {TOWN_GPKG}: {e}") from e
    require_columns(g, ["GEOID20", "COUSUBFP20", "NAME20", "ALAND20", "AWATER20"], TOWN_GPKG)
    if g.crs is None or g.crs.to_epsg() != SOURCE_CRS:
        raise RawDataError(f"{TOWN_GPKG}: expected CRS EPSG:{SOURCE_CRS}, found {g.crs}")
    g = g[g["COUSUBFP20"] != "00000"]
    g = g.rename(columns={"GEOID20": "town_geoid_2020"}).merge(
        geo.towns[["town_geoid_2020", "town_id", "town", "region_id", "county_id", "land_sq_mi"]],
        on="town_geoid_2020", how="outer", indicator=True)
    if len(g) != 169 or (g["_merge"] != "both").any() or (g["NAME20"] != g["town"]).any():
        raise RawDataError(f"{TOWN_GPKG}: expected the 169 towns of geo.towns, got {len(g)} rows "
                           f"({(g['_merge'] != 'both').sum()} unmatched)")
    _check_valid(g.geometry.values, g["town_id"].values, TOWN_GPKG)
    return g.drop(columns="_merge").sort_values("town_id").reset_index(drop=True)


def read_tract_polygons(raw: Raw, geo):
    import geopandas as gpd

    _check_rda_crs(raw)
    obj = raw.read_rda(TRACT_RDA)
    if "tract_sf" not in obj:
        raise RawDataError(f"{TRACT_RDA}: no object 'tract_sf' (found {list(obj)})")
    sf = obj["tract_sf"]
    require_columns(sf, ["name", "geometry"], TRACT_RDA)
    try:
        geoms = [shapely.MultiPolygon([shapely.Polygon(p[0], p[1:]) for p in mp]) for mp in sf["geometry"]]
    except Exception as e:
        raise RawDataError(f"{TRACT_RDA}: cannot rebuild sf polygons: {e}") from e
    t = gpd.GeoDataFrame({"tract_geoid_2020": sf["name"].astype(str).values}, geometry=geoms, crs=SOURCE_CRS)
    t = t.merge(geo.tracts[["tract_geoid_2020", "tract_id", "town_id"]], on="tract_geoid_2020",
                how="outer", indicator=True)
    if (t["_merge"] != "both").any() or t["tract_id"].duplicated().any():
        raise RawDataError(f"{TRACT_RDA}: tract GEOIDs do not match geo.tracts one to one "
                           f"({(t['_merge'] != 'both').sum()} unmatched)")
    _check_valid(t.geometry.values, t["tract_id"].values, TRACT_RDA)
    return t.drop(columns="_merge").sort_values("tract_id").reset_index(drop=True)


def _check_rda_crs(raw: Raw) -> None:
    """``rdata`` drops the sf CRS attribute; look for its WKT id in the decompressed file."""
    data = raw.path(TRACT_RDA).read_bytes()
    opener = {b"BZh": bz2.decompress, b"\x1f\x8b": gzip.decompress, b"\xfd7z": lzma.decompress}
    for magic, fn in opener.items():
        if data.startswith(magic):
            data = fn(data)
            break
    if f'ID["EPSG",{SOURCE_CRS}]'.encode() not in data:
        raise RawDataError(f"{TRACT_RDA}: embedded CRS is not EPSG:{SOURCE_CRS}")


# ---------------------------------------------------------------- geometry steps

def _polygons_only(geoms, what):
    """Keep the polygonal part of overlay results (drop stray lines/points from touching edges)."""
    out = []
    for g in geoms:
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
            g = shapely.union_all(parts) if parts else shapely.Polygon()
        out.append(g)
    return np.array(out, dtype=object)


def _simplify(geoms, tolerance, ids, name):
    simple = shapely.coverage_simplify(geoms, tolerance)
    rounded = shapely.transform(simple, lambda c: np.round(c, DECIMALS))
    broken = ~shapely.is_valid(rounded)
    if broken.any():
        log.info("%s: %d geometries repaired with make_valid after rounding", name, broken.sum())
        rounded[broken] = _polygons_only(shapely.make_valid(rounded[broken]), name)
    _check_layer(rounded, geoms, ids, name)
    return rounded


def _dissolve(geoms, keys):
    ids = sorted(set(keys))
    return np.array(ids, dtype=object), np.array(
        [shapely.coverage_union_all(geoms[keys == k]) for k in ids], dtype=object)


def _inset(geoms, ids):
    """Each town shrunk by FILL_INSET_M in Web Mercator (see rule 4), rounded like the rest."""
    import geopandas as gpd

    merc = gpd.GeoSeries(geoms, crs=WEB_CRS).to_crs(MERCATOR_CRS).values
    shrunk = shapely.buffer(merc, -FILL_INSET_M, join_style="mitre")
    share = shapely.area(shrunk) / shapely.area(merc)
    if (share < MIN_FILL_SHARE).any():
        raise RawDataError(f"towns shrunk by {FILL_INSET_M} m keep under {MIN_FILL_SHARE:.0%} of their area: "
                           f"{list(ids[share < MIN_FILL_SHARE][:5])}")
    out = gpd.GeoSeries(shrunk, crs=MERCATOR_CRS).to_crs(WEB_CRS).values
    out = shapely.transform(out, lambda c: np.round(c, DECIMALS))
    broken = ~shapely.is_valid(out)
    if broken.any():
        out[broken] = _polygons_only(shapely.make_valid(out[broken]), "town fills")
    _check_valid(out, ids, "town fills")
    outside = ~shapely.covers(shapely.buffer(geoms, 1e-5), out)
    if outside.any():
        raise RawDataError(f"town fills: shrunken town outside its town: {list(ids[outside][:5])}")
    return out


def _label_points(geoms):
    """Centre of the largest inscribed circle, rounded; falls back to point_on_surface."""
    pts = shapely.get_point(shapely.maximum_inscribed_circle(geoms, LABEL_TOLERANCE), 0)
    pts = shapely.transform(pts, lambda c: np.round(c, DECIMALS))
    bad = ~shapely.contains(geoms, pts)
    if bad.any():
        alt = shapely.transform(shapely.point_on_surface(geoms[bad]), lambda c: np.round(c, DECIMALS))
        pts[bad] = alt
    if not shapely.contains(geoms, pts).all():
        raise RawDataError("boundaries: could not place a label point inside every polygon")
    return shapely.get_coordinates(pts)


def _table(id_col, ids, geoms) -> pd.DataFrame:
    xy = _label_points(geoms)
    b = shapely.bounds(geoms)
    df = pd.DataFrame({
        id_col: ids.astype(str),
        "geojson": [_geojson(g) for g in geoms],
        "centroid_lon": xy[:, 0], "centroid_lat": xy[:, 1],
        "min_lon": b[:, 0], "min_lat": b[:, 1], "max_lon": b[:, 2], "max_lat": b[:, 3],
    })
    return df.sort_values(id_col).reset_index(drop=True)


def _geojson(g) -> str:
    """Compact GeoJSON geometry text; Python's shortest float repr keeps the rounded 5 decimals
    (GEOS's writer would print e.g. -72.21630999999999)."""
    return json.dumps(shapely.geometry.mapping(g), separators=(",", ":"))


def feature_collection(df: pd.DataFrame, props: pd.DataFrame | None = None) -> str:
    """Compact GeoJSON FeatureCollection text from a ``*_shapes`` table (``props``: one row per feature)."""
    props = props if props is not None else df.iloc[:, :1]
    feats = [{"type": "Feature", "properties": p, "geometry": json.loads(g)}
             for p, g in zip(props.to_dict("records"), df["geojson"])]
    return json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":"))


# ---------------------------------------------------------------- checks

def _check_valid(geoms, ids, name):
    bad = ~shapely.is_valid(geoms) | shapely.is_empty(geoms) | ~np.isin(
        shapely.get_type_id(geoms), [3, 6])  # Polygon, MultiPolygon
    if bad.any():
        raise RawDataError(f"{name}: invalid, empty or non-polygonal geometry for {list(ids[bad][:5])}")


def _check_coverage(geoms, ids, name):
    _check_valid(geoms, ids, name)
    if not shapely.coverage_is_valid(geoms):
        e = shapely.coverage_invalid_edges(geoms)
        raise RawDataError(f"{name}: not a valid coverage (overlaps or unmatched edges) at "
                           f"{list(ids[~shapely.is_empty(e)][:5])}")


def _neighbour_pairs(geoms):
    """Pairs of features sharing an edge (a boundary intersection of positive length)."""
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(geoms[i]), shapely.boundary(geoms[j])))
    return set(zip(i[shared > 0].tolist(), j[shared > 0].tolist()))


def _check_layer(geoms, before, ids, name):
    """Validity, coverage, no overlap/gap, same neighbours and areas as ``before`` (same order)."""
    import geopandas as gpd

    _check_coverage(geoms, ids, name)
    ea = gpd.GeoSeries(geoms, crs=WEB_CRS).to_crs(EQUAL_AREA_CRS).values
    ea0 = gpd.GeoSeries(before, crs=WEB_CRS).to_crs(EQUAL_AREA_CRS).values
    areas = shapely.area(ea)
    union = shapely.union_all(ea)
    if abs(shapely.area(union) - areas.sum()) > 1e-6 * areas.sum():
        raise RawDataError(f"{name}: union area {shapely.area(union):.0f} m2 != sum of areas {areas.sum():.0f} m2 "
                           "(features overlap)")
    holes = shapely.get_num_interior_rings(shapely.get_parts(union)).sum()
    holes0 = shapely.get_num_interior_rings(shapely.get_parts(shapely.union_all(ea0))).sum()
    if holes != holes0:
        raise RawDataError(f"{name}: simplifying changed the holes in the coverage ({holes0} -> {holes})")
    change = np.abs(areas / shapely.area(ea0) - 1)
    if (change > MAX_AREA_CHANGE).any():
        raise RawDataError(f"{name}: simplified area differs by more than {MAX_AREA_CHANGE:.0%} for "
                           f"{list(ids[change > MAX_AREA_CHANGE][:5])}")
    lost = _neighbour_pairs(before) - _neighbour_pairs(geoms)
    if lost:
        raise RawDataError(f"{name}: neighbours no longer share an edge: "
                           f"{[(ids[a], ids[b]) for a, b in sorted(lost)[:5]]}")
    log.info("%s: %d features, max area change %.2f%%", name, len(geoms), 100 * change.max())


def _check_land(towns, clipped):
    """TIGER ALAND agrees with geo.towns; a clipped town keeps its land and at most its land + water."""
    import geopandas as gpd

    aland = towns["ALAND20"].astype(float).values
    awater = towns["AWATER20"].astype(float).values
    if not np.allclose(aland / SQ_M_PER_SQ_MI, towns["land_sq_mi"].astype(float).values, rtol=1e-9):
        raise RawDataError(f"{TOWN_GPKG}: ALAND20 disagrees with geo.towns land_sq_mi")
    area = shapely.area(gpd.GeoSeries(clipped, crs=SOURCE_CRS).to_crs(EQUAL_AREA_CRS).values)
    bad = (area < 0.99 * aland) | (area > 1.01 * (aland + awater))
    if bad.any():
        raise RawDataError(f"{TOWN_GPKG}: shoreline-clipped area outside [ALAND, ALAND+AWATER] for "
                           f"{list(towns.loc[bad, 'town'][:5])}")


def _check_size(geoms, props, budget, name):
    df = pd.DataFrame({"geojson": [_geojson(g) for g in geoms]})
    size = len(feature_collection(df, props.reset_index(drop=True)).encode())
    log.info("%s: FeatureCollection %d bytes", name, size)
    if size > budget:
        raise RawDataError(f"{name}: GeoJSON FeatureCollection is {size} bytes, over the {budget} byte budget")


def tract_town_share(tract_geoms, tract_town_ids, town_geoms, town_ids) -> np.ndarray:
    """Share of each tract's area inside the town geo.tracts assigns it (equal-area CRS)."""
    import geopandas as gpd

    lookup = dict(zip(town_ids, range(len(town_ids))))
    tr = gpd.GeoSeries(tract_geoms, crs=WEB_CRS).to_crs(EQUAL_AREA_CRS).values
    tw = gpd.GeoSeries(town_geoms, crs=WEB_CRS).to_crs(EQUAL_AREA_CRS).values
    own = tw[[lookup[t] for t in tract_town_ids]]
    share = shapely.area(shapely.intersection(tr, own)) / shapely.area(tr)
    if (share <= 0.5).any():
        raise RawDataError(f"{TRACT_RDA}: tract(s) lie mostly outside their assigned town: "
                           f"{int((share <= 0.5).sum())}")
    log.info("tracts with < 95%% of their area in their assigned town: %d", int((share < 0.95).sum()))
    return share
