"""Opportunity at tract and town level, and who lives where opportunity is.

Three indices, each cut into five statewide quintiles of tracts (Very Low .. Very High):

* ``oca2025``: the coalition's method (DESIGN.md s.3) on current data. Inputs are the
  registry indicators with an ``opportunity_domain``. Each input is turned into a
  z-score across Connecticut's populated tracts (population-unweighted, standard
  deviation with ddof=0), with the sign flipped where lower is better; z-scores are
  averaged within each domain (education, economic, neighborhood), and the three domain
  scores are averaged into the index. Town-level inputs (schools, crime, unemployment,
  jobs, life expectancy) are repeated for every tract in the town, as the 2014 update
  did. A domain score uses the inputs the tract has; a tract missing a whole domain gets
  no index (and no level), with the reason recorded.
* ``coi3``: the published Child Opportunity Index 3.0 (nationally normed z-scores, 2021),
  re-cut into Connecticut quintiles. Values on 2020 tracts whose GEOID changed since 2010
  were shrunk toward 0 by the source's areal interpolation; they are kept, and flagged.
* ``oca2014``: the published 2014 index on 2010 tracts. A 2020 tract with an unchanged
  GEOID takes its 2010 tract's score and published level; any other 2020 tract takes the
  area-weighted mean of the 2010 tracts it overlaps, and the level whose published range
  contains that mean. Each such tract is flagged.

Town figures weight tract scores by ACS 2019-2023 tract population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..levels import LEVELS
from .parts import Part, concat_values
from .raw import RawDataError, require_columns

COI = "opportunity/tract_indices_geomarker/geomarker-io_tract_indices/coi_CT.csv"
OPP2014_CSV = "opportunity/ct_opportunity_index_2014/JackDougherty_ctoca-opp-index/opp-index-2014.csv"
OPP2014_GEOJSON = "opportunity/ct_opportunity_index_2014/JackDougherty_ctoca-opp-index/opp-index-2014.geojson"
TRACTS_2010 = "opportunity/crosswalks/CT-Data-Collaborative_ct-census-tract-to-town/tract2town-2010.csv"
DOMAINS = ("education", "economic", "neighborhood")

INDEX_META = pd.DataFrame(
    [
        ("oca2025", "Opportunity index (current data)", "oca_method_current", "inputs 2016-2025", "2020 tracts", True,
         "The coalition's method (Kirwan Institute 2009, updated 2014) applied by this project to current data: "
         "z-scores of the inputs in three domains (education, economic, neighborhood and housing), averaged "
         "within each domain, then across the three, and cut into five statewide quintiles of tracts.",
         "Town-level inputs (school results, crime, unemployment, jobs, life expectancy) are repeated for every "
         "tract in a town. Not an official map of the coalition."),
        ("coi3", "Child Opportunity Index 3.0", "coi3", "2021", "2020 tracts", False,
         "diversitydatakids.org's index of neighbourhood resources for children (education, health and "
         "environment, social and economic), nationally normed; here cut into five Connecticut quintiles.",
         "On 2020 tracts formed by splitting 2010 tracts, the source's areal interpolation shrank values toward 0; "
         "those tracts are flagged. COI's domains differ from the coalition's."),
        ("oca2014", "2014 Connecticut Opportunity Index", "oca2014", "2014", "2010 tracts, carried to 2020 tracts",
         False,
         "The coalition's published 2014 index (with the Kirwan Institute and CT Fair Housing Center): 12 "
         "inputs from 2008-2013 data, cut into five statewide quintiles of 2010 tracts.",
         "Computed on 2010 tracts. 2020 tracts with new GEOIDs take the area-weighted mean of the 2010 tracts "
         "they overlap and the published level range containing it; flagged per tract. Canaan has no tract "
         "of its own in the 2010 file."),
    ],
    columns=["index_name", "label", "source_id", "vintage", "tract_vintage", "is_default", "method", "caveats"],
)


def quintile_levels(values: pd.Series, ids: pd.Series) -> pd.Series:
    """Five statewide quintiles of tracts by value; ties broken by tract id (deterministic)."""
    ok = values.notna()
    order = pd.DataFrame({"v": values[ok], "id": ids[ok]}).sort_values(["v", "id"])
    n = len(order)
    rank = np.arange(n)
    q = np.floor(rank * 5 / n).astype(int)
    out = pd.Series(pd.NA, index=values.index, dtype="object")
    out.loc[order.index] = [LEVELS[i] for i in q]
    return out


def opportunity_inputs(indicators: dict) -> list:
    return sorted((i for i in indicators.values() if i.opportunity_domain), key=lambda i: (i.opportunity_domain, i.id))


def compute_oca_index(values: pd.DataFrame, geo, indicators: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tract scores of the coalition's method on current data, and the inputs table used."""
    tracts = geo.tracts[["tract_id", "town_id", "population"]].copy()
    tracts = tracts[tracts["population"] > 0].reset_index(drop=True)
    inputs = opportunity_inputs(indicators)
    if not inputs:
        raise RawDataError("no opportunity inputs in the registry")
    z = pd.DataFrame({"tract_id": tracts["tract_id"]})
    rows = []
    for ind in inputs:
        v = values[values["indicator"] == ind.id]
        tv = v[v["geo_type"] == "tract"].set_index("geo_id")["estimate"]
        if len(tv):
            x, level = tracts["tract_id"].map(tv), "tract"
        else:
            town = v[v["geo_type"] == "town"].set_index("geo_id")["estimate"]
            if town.empty:
                raise RawDataError(f"opportunity input {ind.id} has no tract or town values")
            x, level = tracts["town_id"].map(town), "town (repeated for each tract)"
        x = x.astype(float)
        mu, sd = x.mean(), x.std(ddof=0)
        sign = 1.0 if ind.higher_is_better else -1.0
        z[ind.id] = sign * (x - mu) / sd
        rows.append({"index_name": "oca2025", "indicator": ind.id, "domain": ind.opportunity_domain,
                     "sign": int(sign), "level_used": level, "mean": mu, "sd": sd,
                     "tracts_with_value": int(x.notna().sum())})
    out = pd.DataFrame({"index_name": "oca2025", "tract_id": tracts["tract_id"]})
    for d in DOMAINS:
        cols = [i.id for i in inputs if i.opportunity_domain == d]
        out[f"domain_{d}"] = z[cols].mean(axis=1, skipna=True) if cols else np.nan
    dom = out[[f"domain_{d}" for d in DOMAINS]]
    out["index_value"] = dom.mean(axis=1).where(dom.notna().all(axis=1))
    out["note"] = np.where(out["index_value"].isna(), "no value for at least one whole domain", None)
    out["level"] = quintile_levels(out["index_value"], out["tract_id"])
    return out, pd.DataFrame(rows)


def load_coi(raw, geo) -> pd.DataFrame:
    c = raw.read_csv(COI)
    require_columns(c, ["census_tract_id_2020", "coi", "coi_education", "coi_health_env", "coi_social_econ"], COI)
    t2010 = set(raw.read_csv(TRACTS_2010)["tract_fips"])
    m = geo.tracts[["tract_id", "tract_geoid_2020", "population"]].merge(
        c, left_on="tract_geoid_2020", right_on="census_tract_id_2020", how="left")
    unknown = sorted(set(c["census_tract_id_2020"]) - set(geo.tracts["tract_geoid_2020"]))
    if unknown:
        raise RawDataError(f"{COI}: tracts not in the crosswalk: {unknown[:5]}")
    m = m[m["population"] > 0].reset_index(drop=True)
    num = lambda s: pd.to_numeric(s, errors="coerce")  # noqa: E731
    out = pd.DataFrame({
        "index_name": "coi3", "tract_id": m["tract_id"],
        "domain_education": num(m["coi_education"]), "domain_economic": num(m["coi_social_econ"]),
        "domain_neighborhood": num(m["coi_health_env"]), "index_value": num(m["coi"]),
    })
    changed = ~m["tract_geoid_2020"].isin(t2010)
    out["note"] = np.where(out["index_value"].isna(), "not in the source file",
                           np.where(changed, "tract split or redrawn since 2010: the source's areal "
                                             "interpolation shrank this value toward 0", None))
    out["level"] = quintile_levels(out["index_value"], out["tract_id"])
    return out


def load_2014(raw, geo, tract_polys) -> pd.DataFrame:
    """``tract_polys``: GeoDataFrame of 2020 tracts (tract_id, geometry)."""
    import geopandas as gpd

    o = raw.read_csv(OPP2014_CSV)
    require_columns(o, ["tract2010", "town", "index2014", "level2014"], OPP2014_CSV)
    o["index2014"] = pd.to_numeric(o["index2014"], errors="coerce")
    bad = set(o["level2014"]) - set(LEVELS)
    if bad:
        raise RawDataError(f"{OPP2014_CSV}: unknown levels {bad}")
    t10 = raw.read_csv(TRACTS_2010)
    require_columns(t10, ["tract_fips", "tract_name", "town"], TRACTS_2010)
    # Tract names are unique statewide except "9800" (Groton and Windsor Locks), which the index
    # file writes as 9800.01 / 9800.02; match on name and town, then on the bare name with the town.
    key = dict(zip(zip(t10["tract_name"].str.strip(), t10["town"].str.strip()), t10["tract_fips"]))
    o["name"] = o["tract2010"].str.strip().str.replace(r"\.00$", "", regex=True)
    counts = t10["tract_name"].str.strip().value_counts()
    by_name = {n: g for n, g in zip(t10["tract_name"].str.strip(), t10["tract_fips"]) if counts[n] == 1}
    # A tract that spans two towns (4256: Canaan and Norfolk) may carry either town's name.
    o["geoid10"] = [key.get((n, t)) or key.get((n.split(".")[0], t)) or by_name.get(n)
                    for n, t in zip(o["name"], o["town"].str.strip())]
    o["geoid10"] = o["geoid10"].where(o["geoid10"].notna(), None)
    if o["geoid10"].dropna().duplicated().any():
        raise RawDataError(f"{OPP2014_CSV}: two index rows map to one 2010 tract")
    if o["geoid10"].isna().any():
        raise RawDataError(f"{OPP2014_CSV}: tract names not in {TRACTS_2010}: {o.loc[o.geoid10.isna(), 'name'].tolist()[:5]}")
    # Published level ranges (min and max score per level) to place interpolated scores.
    rng = o.groupby("level2014")["index2014"].agg(["min", "max"]).reindex(list(LEVELS))
    cuts = [(rng["max"].iloc[i] + rng["min"].iloc[i + 1]) / 2 for i in range(4)]

    def level_of(v):
        if pd.isna(v):
            return pd.NA
        return LEVELS[int(np.searchsorted(cuts, v, side="right"))]

    try:
        g10 = gpd.read_file(raw.path(OPP2014_GEOJSON))
    except RawDataError:
        raise
    except Exception as e:
        raise RawDataError(f"cannot read raw file {OPP2014_GEOJSON}: {e}") from e
    require_columns(g10, ["tract2010", "index2014"], OPP2014_GEOJSON)
    g10 = g10.set_crs(4326, allow_override=True).to_crs(5070)
    g10["index2014"] = pd.to_numeric(g10["index2014"], errors="coerce")
    g20 = tract_polys.to_crs(5070)[["tract_id", "geometry"]]
    g20 = g20.merge(geo.tracts[["tract_id", "tract_geoid_2020", "population"]], on="tract_id")
    g20 = g20[g20["population"] > 0]

    direct = g20.merge(o[["geoid10", "index2014", "level2014"]], left_on="tract_geoid_2020", right_on="geoid10")
    res = pd.DataFrame({"tract_id": direct["tract_id"], "index_value": direct["index2014"],
                        "level": direct["level2014"], "note": None})
    rest = g20[~g20["tract_id"].isin(direct["tract_id"])]
    if len(rest):
        ov = gpd.overlay(rest[["tract_id", "geometry"]], g10[["index2014", "geometry"]], how="intersection",
                         keep_geom_type=True)
        ov["a"] = ov.geometry.area
        ov = ov[ov["index2014"].notna()]
        w = ov.groupby("tract_id").apply(lambda d: np.average(d["index2014"], weights=d["a"]), include_groups=False)
        cover = ov.groupby("tract_id")["a"].sum() / rest.set_index("tract_id").geometry.area
        r = pd.DataFrame({"tract_id": rest["tract_id"].values})
        r["index_value"] = r["tract_id"].map(w)
        r["level"] = r["index_value"].map(level_of)
        r["note"] = [
            (f"2010 tract redrawn: area-weighted mean of overlapping 2010 tracts "
             f"({cover.get(t, 0):.0%} of area covered)") if pd.notna(v) else "no 2010 tract with a score overlaps it"
            for t, v in zip(r["tract_id"], r["index_value"])
        ]
        res = pd.concat([res, r], ignore_index=True)
    res.insert(0, "index_name", "oca2014")
    for d in DOMAINS:
        res[f"domain_{d}"] = np.nan
    return res.sort_values("tract_id").reset_index(drop=True)


def summarize(tract_opp: pd.DataFrame, geo) -> pd.DataFrame:
    """Population-weighted score and shares of residents by level, per index, for towns, regions and the state."""
    t = tract_opp.merge(geo.tracts[["tract_id", "town_id", "population"]], on="tract_id")
    t = t.merge(geo.towns[["town_id", "region_id"]], on="town_id")
    t["state"] = "09"
    rows = []
    for geo_type, col in (("town", "town_id"), ("region", "region_id"), ("state", "state")):
        for (idx, gid), d in t.groupby(["index_name", col], sort=True):
            rated = d[d["level"].notna() & d["index_value"].notna()]
            pop_all, pop_rated = d["population"].sum(), rated["population"].sum()
            row = {"index_name": idx, "geo_type": geo_type, "geo_id": gid, "population": pop_all,
                   "population_rated": pop_rated, "tracts": len(d), "tracts_rated": len(rated)}
            row["weighted_index"] = (np.average(rated["index_value"], weights=rated["population"])
                                     if pop_rated > 0 else np.nan)
            for dcol in ("domain_education", "domain_economic", "domain_neighborhood"):
                ok = rated[dcol].notna()
                row[dcol] = (np.average(rated.loc[ok, dcol], weights=rated.loc[ok, "population"])
                             if rated.loc[ok, "population"].sum() > 0 else np.nan)
            for lv in LEVELS:
                p = rated.loc[rated["level"] == lv, "population"].sum()
                row[f"share_{lv.lower().replace(' ', '_')}"] = p / pop_rated if pop_rated > 0 else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def summary_values(summary: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for key, col in (("index", "weighted_index"), ("share_low", None), ("share_high", None)):
        s = summary.copy()
        if key == "share_low":
            est = s["share_very_low"] + s["share_low"]
        elif key == "share_high":
            est = s["share_high"] + s["share_very_high"]
        else:
            est = s[col]
        frames.append(pd.DataFrame({
            "geo_type": s["geo_type"], "geo_id": s["geo_id"], "indicator": s["index_name"] + "_" + key,
            "estimate": est.astype(float), "moe": np.nan,
            "missing_reason": np.where(est.isna(), "no tract in this town has a score on this index", None),
        }))
    return concat_values(frames)


def tract_index_values(tract_opp: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "geo_type": "tract", "geo_id": tract_opp["tract_id"], "indicator": tract_opp["index_name"] + "_index",
        "estimate": tract_opp["index_value"].astype(float), "moe": np.nan,
        "missing_reason": np.where(tract_opp["index_value"].isna(), tract_opp["note"].fillna("no score"), None),
    })


BY_RACE_SQL = """
CREATE VIEW opportunity_by_race AS
WITH groups(race, col_order) AS (VALUES ('Black', 1), ('Latino', 2), ('Asian', 3), ('White', 4), ('All residents', 5)),
counts AS (
    SELECT o.index_name, o.level, o.level_rank, g.race, g.col_order,
           CASE g.race WHEN 'Black' THEN r.black_nh WHEN 'Latino' THEN r.hispanic WHEN 'Asian' THEN r.asian_nh
                       WHEN 'White' THEN r.white_nh ELSE r."all" END AS population
    FROM tract_opportunity o JOIN tract_race_counts r USING (tract_id) CROSS JOIN groups g
    WHERE o.level IS NOT NULL
)
SELECT index_name, race, level, sum(population) AS population,
       sum(population) / sum(sum(population)) OVER (PARTITION BY index_name, race) AS share
FROM counts
GROUP BY index_name, race, col_order, level, level_rank
ORDER BY index_name, col_order, level_rank
"""


def by_race(tract_opp: pd.DataFrame, tract_race: pd.DataFrame) -> pd.DataFrame:
    """index_name, race, level, population, share: who lives in tracts of each level.

    The database computes this as the view ``opportunity_by_race`` (BY_RACE_SQL); this
    pandas version is the independent check the tests compare it with."""
    groups = {"Black": "black_nh", "Latino": "hispanic", "Asian": "asian_nh", "White": "white_nh", "All residents": "all"}
    t = tract_opp[tract_opp["level"].notna()].merge(tract_race, on="tract_id")
    rows = []
    for idx, d in t.groupby("index_name", sort=True):
        for race, col in groups.items():
            tot = d[col].sum()
            for lv in LEVELS:
                p = d.loc[d["level"] == lv, col].sum()
                rows.append({"index_name": idx, "race": race, "level": lv, "population": float(p),
                             "share": p / tot if tot else np.nan})
    return pd.DataFrame(rows)


def build(raw, geo, values: pd.DataFrame, indicators: dict, tract_polys) -> Part:
    oca, inputs = compute_oca_index(values, geo, indicators)
    coi = load_coi(raw, geo)
    o14 = load_2014(raw, geo, tract_polys)
    cols = ["index_name", "tract_id", "index_value", "level", "domain_education", "domain_economic",
            "domain_neighborhood", "note"]
    tract_opp = pd.concat([oca[cols], coi[cols], o14[cols]], ignore_index=True)
    tract_opp["level_rank"] = tract_opp["level"].map({lv: i + 1 for i, lv in enumerate(LEVELS)}).astype("Int64")
    tract_opp = tract_opp.sort_values(["index_name", "tract_id"]).reset_index(drop=True)
    summary = summarize(tract_opp, geo)
    vals = concat_values([summary_values(summary), tract_index_values(tract_opp)])
    tables = {
        "opportunity_indices": INDEX_META,
        "opportunity_inputs": inputs,
        "tract_opportunity": tract_opp,
        "area_opportunity": summary.sort_values(["index_name", "geo_type", "geo_id"]).reset_index(drop=True),
    }
    return Part(values=vals, tables=tables)
