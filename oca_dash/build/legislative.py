"""The 2021 State Senate (36) and House (151) district plan: districts, members, towns, shapes.

Sources (see ``legislative/PROVENANCE.md``, ``acs/PROVENANCE.md`` section B, ``boundaries/PROVENANCE.md``):
- ``legislative/cga_2021_plan__ka-chang_RedistrictingCT/``: the CT General Assembly's final-plan files,
  ``HOU.csv`` / ``SEN.csv`` (block-equivalency files, BAF: 2020 block -> district) and the district
  polygons ``2021_final_house/2021House.shp`` / ``2021_final_senate/2021Senate.shp`` (NAD83).
- ``acs/datahaven_cwi/data/xwalk.rda``: 2020 block -> 2022 tract (``tract_cog``) and town, for the
  48,358 blocks with land.
- ``geo.tracts.population``: ACS 2019-2023 B01003 tract population (given by the pipeline).
- ``boundaries/towns20.gpkg`` (town polygons, TIGER 2020) and ``boundaries/tract_sf.rda`` (Census
  cartographic tracts 1:500k, shoreline-clipped, read through ``shapes.read_tract_polygons``).
- ``legislative/openstates_people_ct/legislature/*.yml``: current members (Open States, CC0). Only
  ``name``, ``party`` and the role ``district`` are read.
- ``legislative/datahaven_legis_profile_data22/_utils/town_dist_xwalk.rds``: the CGA "Town list",
  used only as a cross-check (it has known errors).
- ``acs/datahaven_2023acs`` ``total_pop`` rows ``upper_legis`` / ``lower_legis`` (via ``acs_read``):
  used only to measure the population allocation.

Rules:
1. BAF: district strings are stripped of their leading space; the header repeated as a data row in
   SEN.csv is dropped. Both files must hold the same unique 15-digit blocks and exactly the districts
   1..36 / 1..151.
2. Blocks in xwalk.rda are "land blocks": they get their tract and town from it (every xwalk block must
   be in the BAF, its tract in ``geo.tracts``, its town = the tract's town). The other BAF blocks (1,487)
   are not in xwalk.rda because they have no land (water-only blocks, 12 of them in the water tract
   09001990000): they get no town and no population. A tract with population must have a land block.
3. Population (``est_population``): ACS 2019-2023 tract population split equally among the tract's land
   blocks (weight = BAF land-block count; no block population, housing or land area is in the raw
   files), summed by town and district. ``pop_share_of_town`` = pair / town total (= the town's ACS
   population); ``pop_share_of_district`` = pair / the district's summed estimate. Not rounded.
4. Artefact pairs: a BAF town-district pair is dropped when the CGA district polygon covers less than
   ``ARTEFACT_LAND_SHARE`` (0.1 %) of the town's land (town polygon clipped to the cb shoreline), the
   threshold PROVENANCE uses. Its blocks get weight 0 in rule 3 (their tract's population goes to the
   tract's other land blocks). Dropped pairs are listed in ``district_town_list_check``.
5. Town list check: every pair in any of BAF (rule 2), polygons (>= 0.1 % of the town's land) or the
   CGA town list where the three disagree is a row of ``district_town_list_check``.
6. ``land_sq_mi`` of a district = sum over towns of the town's TIGER land area (ALAND20) times the share
   of the town's shoreline-clipped area inside the district polygon.
7. Members: the role without ``end_date`` (type upper/lower) is the seat; the party entry without
   ``end_date`` is the party. Fusion labels ("Democratic/Working Families") are mapped by their first
   party: Democratic D, Republican R, Independent I, Green G, Libertarian L; others are an error.
8. Shapes: district polygons clipped to the cb shoreline (as the town layer), to WGS84, each chamber
   simplified as one coverage (``shapely.coverage_simplify``, 0.001 degrees) and rounded to 5 decimals
   with the same helpers and checks as ``shapes.py``; label point = centre of the largest inscribed
   circle. Columns as the other ``*_shapes`` tables.
9. Checks (RawDataError): 36 + 151 districts, each with exactly one current member and >= 1 town;
   every town's ``pop_share_of_town`` and every district's ``pop_share_of_district`` sum to 1 (1e-9);
   all 169 towns covered; allocated population = the tracts' total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from . import shapes
from .acs_read import acs_tables
from .parts import Part
from .raw import Raw, RawDataError, require_columns

PLAN = "legislative/cga_2021_plan__ka-chang_RedistrictingCT/"
XWALK = "acs/datahaven_cwi/data/xwalk.rda"
CGA_LIST = "legislative/datahaven_legis_profile_data22/_utils/town_dist_xwalk.rds"
PEOPLE = "legislative/openstates_people_ct/legislature"
TOWN_GPKG = "boundaries/towns20.gpkg"
MEMBER_SOURCE = "Open States, snapshot 2026-08-05"
ARTEFACT_LAND_SHARE = 0.001
TOLERANCE = 0.001  # degrees, coverage_simplify
PARTY_LETTERS = {"Democratic": "D", "Republican": "R", "Independent": "I", "Green": "G", "Libertarian": "L"}
METHOD = ("ACS 2019-2023 tract population split equally among the tract's land blocks in the CGA "
          "block-equivalency file (water-only blocks and blocks of dropped artefact pairs get none), "
          "summed by town and district")

CHAMBERS = {
    "senate": dict(n=36, baf=PLAN + "SEN.csv", col="SENATE", shp=PLAN + "2021_final_senate/2021Senate.shp",
                   role="upper", cga="upper", acs="upper_legis", label="State Senate District",
                   fmt="S{:02d}", short="SD"),
    "house": dict(n=151, baf=PLAN + "HOU.csv", col="HOUSE", shp=PLAN + "2021_final_house/2021House.shp",
                  role="lower", cga="lower", acs="lower_legis", label="State House District",
                  fmt="H{:03d}", short="HD"),
}


def load(raw: Raw, geo) -> Part:
    return finish(prepare(raw, geo), raw, geo)


def prepare(raw: Raw, geo) -> dict:
    """Everything that does not need tract populations (the slow part: files and polygons)."""
    blocks = _blocks(raw, geo)
    towns_poly = _town_polygons(raw, geo)
    land = shapely.union_all(shapes.read_tract_polygons(raw, geo).geometry.values)
    chambers = {}
    for chamber, c in CHAMBERS.items():
        ids, polys = _district_polygons(raw, c, land)
        chambers[chamber] = (ids, polys, _town_overlap(towns_poly, ids, polys))
    return {"blocks": blocks, "chambers": chambers, "members": _members(raw), "cga": _cga_list(raw, geo)}


def finish(prep: dict, raw: Raw, geo) -> Part:
    """Allocate tract populations (geo.tracts.population) to blocks and build the tables."""
    if "population" not in geo.tracts.columns:
        raise RawDataError("legislative: geo.tracts has no population (ACS 2019-2023) column")
    blocks = _with_population(prep["blocks"], geo)
    members, cga = prep["members"], prep["cga"]
    districts, dtowns, checks, shape_tables, pop_checks = [], [], [], [], []
    for chamber, c in CHAMBERS.items():
        ids, polys, overlap = prep["chambers"][chamber]
        pairs = _allocate(blocks, chamber, overlap)
        land_sq_mi = (overlap.merge(geo.towns[["town_id", "land_sq_mi"]], on="town_id")
                      .assign(x=lambda d: d["land_sq_mi"] * d["land_share_of_town"])
                      .groupby("district_id")["x"].sum())
        districts.append(pd.DataFrame({
            "district_id": ids, "chamber": chamber, "number": [int(i[1:]) for i in ids],
            "name": [f"{c['label']} {int(i[1:])}" for i in ids],
            "land_sq_mi": land_sq_mi.reindex(ids).values}))
        dtowns.append(pairs[pairs["kept"]])
        checks.append(_list_check(pairs, overlap, cga[cga["chamber"] == chamber], geo, c))
        pop_checks.append(_population_check(raw, pairs[pairs["kept"]], ids, c))
        shape_tables.append(_shapes(ids, polys, chamber))

    districts = pd.concat(districts, ignore_index=True)
    extra = set(members["district_id"]) - set(districts["district_id"])
    if extra:
        raise RawDataError(f"{PEOPLE}: members for districts not in the plan: {sorted(extra)[:5]}")
    districts = districts.merge(members, on="district_id", how="left")
    dtowns = _shares(pd.concat(dtowns, ignore_index=True), geo)
    _check(districts, dtowns, geo)
    cols = ["district_id", "chamber", "number", "name", "member", "party", "party_label", "member_source",
            "land_sq_mi"]
    return Part(tables={
        "districts": districts[cols].sort_values(["chamber", "district_id"], ascending=[False, True])
                                    .reset_index(drop=True),
        "district_towns": dtowns,
        "district_town_list_check": pd.concat(checks, ignore_index=True),
        "district_population_check": pd.concat(pop_checks, ignore_index=True),
        "district_shapes": pd.concat(shape_tables, ignore_index=True),
    })


# ---------------------------------------------------------------- blocks and population

def _baf(raw: Raw, c) -> pd.Series:
    rel = c["baf"]
    df = raw.read_csv(rel)
    require_columns(df, ["BLOCKID", c["col"]], rel)
    df = df[df["BLOCKID"] != "BLOCKID"]  # SEN.csv repeats its header as a data row
    bid = df["BLOCKID"].str.strip()
    num = pd.to_numeric(df[c["col"]].str.strip(), errors="coerce")
    if not bid.str.fullmatch(r"09\d{13}").all() or bid.duplicated().any():
        raise RawDataError(f"{rel}: BLOCKID must be unique 15-digit CT block GEOIDs")
    if num.isna().any() or set(num.astype(int)) != set(range(1, c["n"] + 1)):
        raise RawDataError(f"{rel}: {c['col']} must hold exactly the districts 1..{c['n']}")
    return pd.Series(num.astype(int).values, index=bid.values, name=c["col"])


def _blocks(raw: Raw, geo) -> pd.DataFrame:
    """Every BAF block: block, senate, house, tract_id, town_id, tract_pop (NaN for water blocks)."""
    sen, hou = _baf(raw, CHAMBERS["senate"]), _baf(raw, CHAMBERS["house"])
    if set(sen.index) != set(hou.index):
        raise RawDataError(f"{PLAN}: SEN.csv and HOU.csv list different blocks")
    b = pd.DataFrame({"block": sen.index, "senate": sen.values}).merge(
        pd.DataFrame({"block": hou.index, "house": hou.values}), on="block")
    x = raw.read_rda(XWALK).get("xwalk")
    if x is None:
        raise RawDataError(f"{XWALK}: no object 'xwalk'")
    require_columns(x, ["block", "tract_cog", "town"], XWALK)
    x = pd.DataFrame({"block": x["block"].astype(str).values, "tract_id": x["tract_cog"].astype(str).values,
                      "xtown": x["town"].astype(str).values})
    if not x["block"].isin(b["block"]).all() or x["block"].duplicated().any():
        raise RawDataError(f"{XWALK}: blocks missing from the CGA BAF or listed twice")
    t = geo.tracts[["tract_id", "town", "town_id"]]
    x = x.merge(t, on="tract_id", how="left")
    if x["town_id"].isna().any() or (x["town"] != x["xtown"]).any():
        raise RawDataError(f"{XWALK}: block tract unknown to geo.tracts, or block town != tract town "
                           f"({int(x['town_id'].isna().sum())} / {int((x['town'] != x['xtown']).sum())})")
    b = b.merge(x[["block", "tract_id", "town_id"]], on="block", how="left")
    return b.sort_values("block").reset_index(drop=True)


def _with_population(b: pd.DataFrame, geo) -> pd.DataFrame:
    """Add tract_pop (ACS 2019-2023; NaN for water blocks) to the blocks."""
    t = geo.tracts[["tract_id", "population"]]
    if t["population"].isna().any():
        raise RawDataError("legislative: a tract in geo.tracts has no ACS population")
    b = b.merge(t.rename(columns={"population": "tract_pop"}), on="tract_id", how="left")
    empty = set(t.loc[t["population"] > 0, "tract_id"]) - set(b["tract_id"].dropna())
    if empty:
        raise RawDataError(f"{XWALK}: populated tracts with no land block in the BAF: {sorted(empty)[:5]}")
    return b


def _allocate(blocks: pd.DataFrame, chamber: str, overlap: pd.DataFrame) -> pd.DataFrame:
    """Town-district pairs of land blocks with block counts, land share, kept flag and est_population."""
    c = CHAMBERS[chamber]
    b = blocks[blocks["town_id"].notna()].copy()
    b["district_id"] = [c["fmt"].format(n) for n in b[chamber]]
    pairs = b.groupby(["district_id", "town_id"]).size().rename("blocks").reset_index()
    pairs = pairs.merge(overlap, on=["district_id", "town_id"], how="left")
    pairs["land_share_of_town"] = pairs["land_share_of_town"].fillna(0.0)
    pairs["kept"] = pairs["land_share_of_town"] >= ARTEFACT_LAND_SHARE
    b = b.merge(pairs[["district_id", "town_id", "kept"]], on=["district_id", "town_id"])
    b["w"] = b["kept"].astype(float)
    tract_w = b.groupby("tract_id")["w"].transform("sum")
    pop = b["tract_pop"]
    if ((tract_w == 0) & (pop > 0)).any():
        raise RawDataError(f"{PLAN}: dropping artefact pairs left a populated tract without blocks")
    b["est_population"] = np.where(tract_w > 0, pop * b["w"] / tract_w.where(tract_w > 0, 1), 0.0)
    est = b.groupby(["district_id", "town_id"])["est_population"].sum()
    pairs["est_population"] = est.reindex(pd.MultiIndex.from_frame(pairs[["district_id", "town_id"]])).values
    pairs["chamber"] = chamber
    return pairs


def _shares(pairs: pd.DataFrame, geo) -> pd.DataFrame:
    p = pairs.copy()
    town_tot = p.groupby(["chamber", "town_id"])["est_population"].transform("sum")
    dist_tot = p.groupby("district_id")["est_population"].transform("sum")
    p["pop_share_of_town"] = p["est_population"] / town_tot
    p["pop_share_of_district"] = p["est_population"] / dist_tot
    p["method"] = METHOD
    p = p.merge(geo.towns[["town_id", "town"]], on="town_id", how="left")
    cols = ["district_id", "chamber", "town_id", "town", "pop_share_of_town", "pop_share_of_district", "est_population",
            "blocks", "land_share_of_town", "method"]
    return p[cols].sort_values(["district_id", "town_id"]).reset_index(drop=True)


# ---------------------------------------------------------------- polygons

def _district_polygons(raw: Raw, c, land):
    """District ids (sorted) and their CGA polygons clipped to the cb shoreline (NAD83)."""
    import pyogrio

    rel = c["shp"]
    try:
        g = pyogrio.read_dataframe(raw.path(rel))
    except RawDataError:
        raise
    except Exception as e:
        raise RawDataError(f"cannot read raw file {rel}: {e}") from e
    require_columns(g, ["DISTRICTN", "geometry"], rel)
    if g.crs is None or g.crs.to_epsg() != shapes.SOURCE_CRS:
        raise RawDataError(f"{rel}: expected CRS EPSG:{shapes.SOURCE_CRS}, found {g.crs}")
    nums = g["DISTRICTN"].astype(int)
    if sorted(nums) != list(range(1, c["n"] + 1)):
        raise RawDataError(f"{rel}: DISTRICTN must be exactly 1..{c['n']}")
    g = g.assign(district_id=[c["fmt"].format(n) for n in nums]).sort_values("district_id")
    ids = g["district_id"].to_numpy(dtype=object)
    shapes._check_valid(g.geometry.values, ids, rel)
    clipped = shapes._polygons_only(shapely.intersection(g.geometry.values, land, grid_size=shapes.CLIP_GRID),
                                    f"{rel} clipped to {shapes.TRACT_RDA}")
    shapes._check_valid(clipped, ids, f"{rel} clipped to {shapes.TRACT_RDA}")
    return ids, clipped


def _town_polygons(raw: Raw, geo):
    import pyogrio

    try:
        g = pyogrio.read_dataframe(raw.path(TOWN_GPKG), columns=["GEOID20", "COUSUBFP20"])
    except RawDataError:
        raise
    except Exception as e:
        raise RawDataError(f"cannot read raw file {TOWN_GPKG}: {e}") from e
    require_columns(g, ["GEOID20", "COUSUBFP20"], TOWN_GPKG)
    g = g[g["COUSUBFP20"] != "00000"].merge(
        geo.towns[["town_geoid_2020", "town_id"]], left_on="GEOID20", right_on="town_geoid_2020")
    if len(g) != 169 or g.crs is None or g.crs.to_epsg() != shapes.SOURCE_CRS:
        raise RawDataError(f"{TOWN_GPKG}: expected the 169 towns of geo.towns in EPSG:{shapes.SOURCE_CRS}")
    return g[["town_id", "geometry"]].sort_values("town_id").reset_index(drop=True)


def _town_overlap(towns, ids, polys) -> pd.DataFrame:
    """district_id, town_id, land_share_of_town: share of the town's shoreline-clipped area in the district."""
    import geopandas as gpd

    tw = gpd.GeoSeries(towns.geometry.values, crs=shapes.SOURCE_CRS).to_crs(shapes.EQUAL_AREA_CRS).values
    ds = gpd.GeoSeries(polys, crs=shapes.SOURCE_CRS).to_crs(shapes.EQUAL_AREA_CRS).values
    i, j = shapely.STRtree(ds).query(tw, predicate="intersects")
    a = shapely.area(shapely.intersection(tw[i], ds[j]))
    o = pd.DataFrame({"town_id": towns["town_id"].values[i], "district_id": ids[j], "a": a})
    o = o[o["a"] > 0]
    o["land_share_of_town"] = o["a"] / o.groupby("town_id")["a"].transform("sum")
    return o[["district_id", "town_id", "land_share_of_town"]].sort_values(["district_id", "town_id"])


def _shapes(ids, polys, chamber) -> pd.DataFrame:
    import geopandas as gpd

    src = gpd.GeoSeries(polys, crs=shapes.SOURCE_CRS).to_crs(shapes.WEB_CRS).values
    geoms = shapes._simplify(src, TOLERANCE, ids, f"{chamber} districts")
    return shapes._table("district_id", ids, geoms)


# ---------------------------------------------------------------- members and cross-checks

def _party_letter(label: str, rel: str) -> str:
    first = label.split("/")[0].strip()
    if first not in PARTY_LETTERS:
        raise RawDataError(f"{rel}: unknown party {label!r}; add it to PARTY_LETTERS")
    return PARTY_LETTERS[first]


def _members(raw: Raw) -> pd.DataFrame:
    """district_id, member, party, party_label for every current seat (Open States)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    folder = raw.root / PEOPLE
    files = sorted(folder.glob("*.yml")) if folder.is_dir() else []
    if not files:
        raise RawDataError(f"missing raw folder or no .yml files: {PEOPLE}")
    fmt = {c["role"]: c["fmt"] for c in CHAMBERS.values()}
    rows = []
    for f in files:
        rel = f"{PEOPLE}/{f.name}"
        try:
            d = yaml.load(raw.path(rel).read_text(encoding="utf-8"), Loader=loader)
            roles = [r for r in d.get("roles") or [] if not r.get("end_date")]
            parties = [p["name"] for p in d.get("party") or [] if not p.get("end_date")]
            name = str(d["name"]).strip()
        except RawDataError:
            raise
        except Exception as e:
            raise RawDataError(f"cannot read raw file {rel}: {e}") from e
        if len(roles) != 1 or roles[0].get("type") not in fmt or len(parties) != 1:
            raise RawDataError(f"{rel}: expected one current upper/lower role and one current party")
        num = str(roles[0].get("district", "")).strip()
        if not num.isdigit():
            raise RawDataError(f"{rel}: district {num!r} is not a number")
        rows.append({"district_id": fmt[roles[0]["type"]].format(int(num)), "member": name,
                     "party": _party_letter(parties[0], rel), "party_label": parties[0]})
    m = pd.DataFrame(rows).sort_values("district_id").reset_index(drop=True)
    dup = m.loc[m["district_id"].duplicated(), "district_id"]
    if len(dup):
        raise RawDataError(f"{PEOPLE}: more than one current member for {sorted(dup)[:5]}")
    m["member_source"] = MEMBER_SOURCE
    return m


def _cga_list(raw: Raw, geo) -> pd.DataFrame:
    """chamber, district_id, town_id of the CGA town list (cross-check only)."""
    d = raw.read_rds(CGA_LIST)
    out = []
    for chamber, c in CHAMBERS.items():
        df = d.get(c["cga"]) if isinstance(d, dict) else None
        if df is None:
            raise RawDataError(f"{CGA_LIST}: no element {c['cga']!r}")
        require_columns(df, ["id", "town"], CGA_LIST)
        ids = df["id"].astype(str)
        if not ids.str.fullmatch(r"[UL]\d{3}").all():
            raise RawDataError(f"{CGA_LIST}: unexpected district ids in {c['cga']!r}")
        unknown = set(df["town"].astype(str)) - set(geo.towns["town"])
        if unknown:
            raise RawDataError(f"{CGA_LIST}: unknown town name(s) {sorted(unknown)[:5]}")
        town_id = df["town"].astype(str).map(geo.towns.set_index("town")["town_id"])
        out.append(pd.DataFrame({"chamber": chamber, "district_id": [c["fmt"].format(int(i[1:])) for i in ids],
                                 "town_id": town_id.values}))
    return pd.concat(out, ignore_index=True).drop_duplicates()


def _list_check(pairs, overlap, cga, geo, c) -> pd.DataFrame:
    """Pairs on which the BAF, the polygons (>= 0.1 % of the town's land) and the CGA town list disagree."""
    key = ["district_id", "town_id"]
    poly = overlap[overlap["land_share_of_town"] >= ARTEFACT_LAND_SHARE][key].assign(in_polygons=True)
    m = (pairs[key + ["blocks", "land_share_of_town", "kept"]].assign(in_baf=True)
         .merge(poly, on=key, how="outer").merge(cga[key].assign(in_cga_list=True), on=key, how="outer"))
    m = m.drop(columns="land_share_of_town").merge(overlap, on=key, how="left")
    for col in ["in_baf", "in_polygons", "in_cga_list", "kept"]:
        m[col] = m[col].astype("boolean").fillna(False).astype(bool)
    m["blocks"] = m["blocks"].fillna(0).astype(int)
    m["land_share_of_town"] = m["land_share_of_town"].fillna(0.0)
    m = m[~((m["in_baf"] == m["in_polygons"]) & (m["in_polygons"] == m["in_cga_list"]))].copy()
    m = m.merge(geo.towns[["town_id", "town"]], on="town_id", how="left")
    m["pair"] = [f"{c['short']} {int(d[1:])} - {t}" for d, t in zip(m["district_id"], m["town"])]
    m["note"] = [_note(r) for r in m.itertuples()]
    m["chamber"] = "senate" if c["role"] == "upper" else "house"
    m = m.rename(columns={"kept": "in_district_towns"})
    cols = ["pair", "chamber", "district_id", "town_id", "town", "in_baf", "in_polygons", "in_cga_list",
            "in_district_towns", "blocks", "land_share_of_town", "note"]
    return m[cols].sort_values(key).reset_index(drop=True)


def _note(r) -> str:
    land = f"the district polygon covers {r.land_share_of_town:.2%} of the town's land"
    if r.in_baf and r.in_polygons and not r.in_cga_list:
        return f"{r.blocks} land blocks in the CGA block-equivalency file and {land}; missing from the CGA town list"
    if r.in_cga_list and not r.in_baf and not r.in_polygons:
        return f"on the CGA town list only: no block of the town is assigned to the district and {land}"
    if r.in_baf and not r.in_polygons:
        return (f"{r.blocks} land block(s) in the CGA block-equivalency file but {land} (< 0.1 %): dropped as "
                f"an artefact; {'on' if r.in_cga_list else 'not on'} the CGA town list")
    return (f"block-equivalency file: {r.in_baf}, polygons: {r.in_polygons} ({land}), "
            f"CGA town list: {r.in_cga_list}")


def _population_check(raw: Raw, pairs, ids, c) -> pd.DataFrame:
    """Summed block-allocation estimate per district against the ACS 2019-2023 district total (B01003)."""
    t = acs_tables(raw)["total_pop"]
    t = t[t["level"] == c["acs"]]
    ok = t["geoid"].str.fullmatch(r"09\d{3}")
    if not ok.all() or t["geoid"].duplicated().any() or len(t) != c["n"]:
        raise RawDataError(f"ACS total_pop {c['acs']}: expected {c['n']} rows with geoids 09NNN, found {len(t)}")
    acs = t.assign(district_id=[c["fmt"].format(int(g[2:])) for g in t["geoid"]]).set_index("district_id")
    est = pairs.groupby("district_id")["est_population"].sum()
    out = pd.DataFrame({"district_id": ids, "est_population": est.reindex(ids).values,
                        "acs_population": acs["estimate"].reindex(ids).values,
                        "acs_moe": acs["moe"].reindex(ids).values})
    if out["acs_population"].isna().any():
        raise RawDataError(f"ACS total_pop {c['acs']}: districts missing")
    out["relative_error"] = (out["est_population"] - out["acs_population"]) / out["acs_population"]
    out["within_moe"] = (out["est_population"] - out["acs_population"]).abs() <= out["acs_moe"]
    return out


def _check(districts: pd.DataFrame, dtowns: pd.DataFrame, geo) -> None:
    for chamber, c in CHAMBERS.items():
        d = districts[districts["chamber"] == chamber]
        if len(d) != c["n"] or d["district_id"].duplicated().any():
            raise RawDataError(f"{c['shp']}: expected {c['n']} {chamber} districts, found {len(d)} rows")
        if d["member"].isna().any():
            raise RawDataError(f"{PEOPLE}: no current member for {list(d.loc[d['member'].isna(), 'district_id'])[:5]}")
        t = dtowns[dtowns["chamber"] == chamber]
        no_town = set(d["district_id"]) - set(t["district_id"])
        if no_town:
            raise RawDataError(f"{c['baf']}: districts with no town: {sorted(no_town)[:5]}")
        if set(t["town_id"]) != set(geo.towns["town_id"]):
            raise RawDataError(f"{c['baf']}: the {chamber} plan does not cover all 169 towns")
        for key, col in [("town_id", "pop_share_of_town"), ("district_id", "pop_share_of_district")]:
            s = t.groupby(key)[col].sum()
            if (np.abs(s - 1) > 1e-9).any():
                raise RawDataError(f"{c['baf']}: {col} does not sum to 1 for {list(s.index[np.abs(s - 1) > 1e-9])[:5]}")
        total = geo.tracts["population"].sum()
        if abs(t["est_population"].sum() - total) > 1e-6 * total:
            raise RawDataError(f"{c['baf']}: allocated population {t['est_population'].sum():.0f} != tracts' {total:.0f}")
