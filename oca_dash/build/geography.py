"""The geographic backbone: 169 towns, 9 planning regions, 8 counties, tracts.

Polygons are handled in ``shapes.py``; this module only holds identifiers and
crosswalks, which every other source module joins to.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .raw import Raw, RawDataError, require_columns

TRACT_XWALK = "boundaries/2022tractcrosswalk.csv"
TOWN_GPKG = "boundaries/towns20.gpkg"
SQ_M_PER_SQ_MI = 2_589_988.110336


@dataclass
class Geo:
    towns: pd.DataFrame  # town, town_id (2022 GEOID), town_geoid_2020, cousubfp, region_id, region, county_id, county, land_sq_mi, water_sq_mi
    tracts: pd.DataFrame  # tract_id (2022 GEOID), tract_geoid_2020, tract_name, town, town_id, school_district_code, school_district_name
    regions: pd.DataFrame  # region_id, region
    counties: pd.DataFrame  # county_id, county

    def town_id(self, name: str) -> str:
        hit = self.towns.loc[self.towns["town"] == name, "town_id"]
        if hit.empty:
            raise RawDataError(f"unknown town {name!r}")
        return hit.iloc[0]


def load_geo(raw: Raw) -> Geo:
    import pyogrio  # build-time only

    x = raw.read_csv(TRACT_XWALK)
    require_columns(
        x,
        ["tract_fips_2020", "Tract_fips_2022", "tract_name", "town_name", "town_fips_2020", "town_fips_2022",
         "county_name", "county_fips_2020", "ce_name_2022", "ce_fips_2022", "school_district_code", "school_district_name"],
        TRACT_XWALK,
    )
    try:
        g = pyogrio.read_dataframe(raw.path(TOWN_GPKG), read_geometry=False)
    except RawDataError:
        raise
    except Exception as e:
        raise RawDataError(f"cannot read raw file {TOWN_GPKG}: {e}") from e
    require_columns(g, ["GEOID20", "COUSUBFP20", "NAME20", "COUNTYFP20", "ALAND20", "AWATER20"], TOWN_GPKG)
    g = g[g["COUSUBFP20"] != "00000"]

    towns = (
        x[["town_name", "town_fips_2022", "town_fips_2020", "ce_fips_2022", "ce_name_2022", "county_fips_2020", "county_name"]]
        .drop_duplicates()
        .rename(columns={"town_name": "town", "town_fips_2022": "town_id", "town_fips_2020": "town_geoid_2020",
                         "ce_fips_2022": "region_id", "ce_name_2022": "region", "county_fips_2020": "county_id",
                         "county_name": "county"})
    )
    if towns["town"].duplicated().any():
        raise RawDataError(f"{TRACT_XWALK}: a town maps to more than one region or county")
    towns = towns.merge(
        g[["GEOID20", "COUSUBFP20", "NAME20", "ALAND20", "AWATER20"]].rename(columns={"GEOID20": "town_geoid_2020"}),
        on="town_geoid_2020", how="outer", indicator=True,
    )
    if (towns["_merge"] != "both").any() or (towns["town"] != towns["NAME20"]).any():
        bad = towns.loc[(towns["_merge"] != "both") | (towns["town"] != towns["NAME20"]), ["town", "NAME20"]]
        raise RawDataError(f"town lists disagree between {TRACT_XWALK} and {TOWN_GPKG}: {bad.values.tolist()[:5]}")
    towns["cousubfp"] = towns["COUSUBFP20"]
    if (towns["town_id"].str[-5:] != towns["cousubfp"]).any():
        raise RawDataError("2022 town GEOIDs do not end in the COUSUBFP")
    towns["county"] = towns["county"].str.strip() + " County"
    towns["land_sq_mi"] = towns["ALAND20"].astype(float) / SQ_M_PER_SQ_MI
    towns["water_sq_mi"] = towns["AWATER20"].astype(float) / SQ_M_PER_SQ_MI
    towns = towns[["town", "town_id", "town_geoid_2020", "cousubfp", "region_id", "region", "county_id", "county",
                   "land_sq_mi", "water_sq_mi"]].sort_values("town").reset_index(drop=True)
    if len(towns) != 169:
        raise RawDataError(f"expected 169 towns, found {len(towns)}")

    tracts = x.rename(columns={"Tract_fips_2022": "tract_id", "tract_fips_2020": "tract_geoid_2020",
                               "town_name": "town", "town_fips_2022": "town_id"})
    tracts = tracts[["tract_id", "tract_geoid_2020", "tract_name", "town", "town_id",
                     "school_district_code", "school_district_name"]].sort_values("tract_id").reset_index(drop=True)
    if tracts["tract_id"].duplicated().any():
        raise RawDataError(f"{TRACT_XWALK}: a tract is listed twice")
    regions = towns[["region_id", "region"]].drop_duplicates().sort_values("region_id").reset_index(drop=True)
    counties = towns[["county_id", "county"]].drop_duplicates().sort_values("county_id").reset_index(drop=True)
    return Geo(towns=towns, tracts=tracts, regions=regions, counties=counties)
