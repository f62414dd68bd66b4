"""EJI 2024 environmental estimates and Krieger's ICE by tract, with population-weighted area means.

Reads ``opportunity/tract_indices_geomarker/geomarker-io_tract_indices/eji_CT.csv`` (2020 county-based
GEOIDs, matched to our tracts through ``geo.tracts.tract_geoid_2020``) and ``kreiger_ice_CT.csv``
(2022 planning-region GEOIDs = ``tract_id``). ``adi_CT.csv`` in the same folder is never read (its
terms restrict redistribution). Needs ``geo.tracts['population']`` (ACS 2019-2023). Rules:

* Tract values as published, except that the EJI's percent-of-area fields (``prop_near_*``,
  0-100) are divided by 100 to be stored as fractions. ``-999`` (EJI's no-data code) and empty
  cells are missing, with a reason. Values outside the field's possible range are an error, as is a
  tract GEOID that is not a Connecticut tract (ICE rows for the 5 water-only tracts outside the
  crosswalk are dropped if they are empty; with a value they are an error).
* Every one of the 879 tracts gets a row; town, planning-region, county and state values are the
  mean of their tracts' values weighted by tract population, over tracts that have both a value and
  residents. An area where no such tract exists gets NaN with a reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .parts import Part, concat_values
from .raw import RawDataError, require_columns

DIR = "opportunity/tract_indices_geomarker/geomarker-io_tract_indices/"
EJI = DIR + "eji_CT.csv"
ICE = DIR + "kreiger_ice_CT.csv"
EJI_NODATA = -999.0
# indicator id -> (column, multiplier to our unit, allowed range of the source value)
EJI_FIELDS = {
    "eji_high_ozone_days": ("high_ozone_days", 1.0, (0, 366)),
    "eji_high_pm_days": ("high_pm_days", 1.0, (0, 366)),
    "eji_diesel_pm": ("diesel_pm_conc", 1.0, (0, 100)),
    "eji_air_toxics_cancer_risk": ("air_toxics_cancer_risk", 1.0, (0, 1e6)),
    "eji_near_parks": ("prop_near_parks", 0.01, (0, 100)),
    "eji_walkability": ("walkability", 1.0, (1, 20)),
    "eji_near_railway": ("prop_near_railway", 0.01, (0, 100)),
    "eji_near_airport": ("prop_near_airport", 0.01, (0, 100)),
}


def _numeric(s: pd.Series, rel: str, col: str) -> pd.Series:
    s = s.astype(str).str.strip()
    num = pd.to_numeric(s.where(~s.isin(["", "NA"])), errors="coerce")
    bad = num.isna() & ~s.isin(["", "NA"])
    if bad.any():
        raise RawDataError(f"{rel}: non-numeric value(s) in {col!r}: {s[bad].unique()[:5].tolist()}")
    return num


def _check_range(v: pd.Series, lo, hi, rel, col):
    out = v[(v < lo) | (v > hi)]
    if len(out):
        raise RawDataError(f"{rel}: {col!r} outside {lo}-{hi}: {out.head(3).tolist()}")


def read_eji(raw, geo) -> pd.DataFrame:
    """tract_id and one float column per EJI indicator id (in our units; NaN where the EJI has none)."""
    d = raw.read_csv(EJI)
    require_columns(d, ["census_tract_id_2020", *(c for c, _, _ in EJI_FIELDS.values())], EJI)
    ids = d["census_tract_id_2020"].str.strip()
    if ids.duplicated().any():
        raise RawDataError(f"{EJI}: a tract is listed twice")
    to_2022 = dict(zip(geo.tracts["tract_geoid_2020"], geo.tracts["tract_id"]))
    unknown = sorted(set(ids) - set(to_2022))
    if unknown:
        raise RawDataError(f"{EJI}: tract GEOID(s) not in the tract crosswalk: {unknown[:5]}")
    out = pd.DataFrame({"tract_id": ids.map(to_2022)})
    for ind, (col, mult, (lo, hi)) in EJI_FIELDS.items():
        v = _numeric(d[col], EJI, col)
        v = v.where(v != EJI_NODATA)
        _check_range(v.dropna(), lo, hi, EJI, col)
        out[ind] = v * mult
    return out


def read_ice(raw, geo) -> pd.DataFrame:
    """tract_id, ice_race_income (NaN where the tract has no households)."""
    d = raw.read_csv(ICE)
    require_columns(d, ["census_tract_id_2020", "ice"], ICE)
    ids = d["census_tract_id_2020"].str.strip()
    if ids.duplicated().any():
        raise RawDataError(f"{ICE}: a tract is listed twice")
    v = _numeric(d["ice"], ICE, "ice")
    _check_range(v.dropna(), -1, 1, ICE, "ice")
    known = ids.isin(set(geo.tracts["tract_id"]))
    if (~known & v.notna()).any():
        extra = sorted(ids[~known & v.notna()])[:5]
        raise RawDataError(f"{ICE}: values for tracts not in the tract crosswalk: {extra}")
    return pd.DataFrame({"tract_id": ids[known].values, "ice_race_income": v[known].values})


def _tract_frame(geo) -> pd.DataFrame:
    if "population" not in geo.tracts.columns:
        raise RawDataError("town means need geo.tracts['population'] (ACS 2019-2023); the pipeline adds it")
    t = geo.tracts[["tract_id", "town_id", "population"]].merge(
        geo.towns[["town_id", "region_id", "county_id"]], on="town_id", how="left")
    if t["population"].isna().any():
        raise RawDataError("geo.tracts has tracts without a population")
    t["state_id"] = "09"
    return t


def weighted_means(t: pd.DataFrame, col: str) -> pd.DataFrame:
    """Population-weighted mean of ``col`` over tracts with a value and residents, by area."""
    ok = t[col].notna() & (t["population"] > 0)
    parts = []
    for gt, key in (("state", "state_id"), ("region", "region_id"), ("county", "county_id"), ("town", "town_id")):
        w = t["population"].where(ok, 0.0)
        num = (t[col].fillna(0.0) * w).groupby(t[key]).sum()
        den = w.groupby(t[key]).sum()
        parts.append(pd.DataFrame({"geo_type": gt, "geo_id": den.index, "estimate": (num / den.where(den > 0)).values}))
    return pd.concat(parts, ignore_index=True)


def _values(t: pd.DataFrame, col: str, tract_reason: str, area_reason: str, geo) -> pd.DataFrame:
    tr = pd.DataFrame({"geo_type": "tract", "geo_id": t["tract_id"], "estimate": t[col]})
    tr["missing_reason"] = np.where(tr["estimate"].isna(), tract_reason, None)
    ar = weighted_means(t, col)
    expect = {"state": ["09"], "region": sorted(geo.regions["region_id"]), "county": sorted(geo.counties["county_id"]),
              "town": sorted(geo.towns["town_id"])}
    full = pd.concat([pd.DataFrame({"geo_type": gt, "geo_id": ids}) for gt, ids in expect.items()], ignore_index=True)
    ar = full.merge(ar, on=["geo_type", "geo_id"], how="left")
    ar["missing_reason"] = np.where(ar["estimate"].isna(), area_reason, None)
    out = pd.concat([ar, tr], ignore_index=True)
    out["indicator"], out["moe"] = col, np.nan
    return out


def load(raw, geo) -> Part:
    t = _tract_frame(geo)
    t = t.merge(read_eji(raw, geo), on="tract_id", how="left").merge(read_ice(raw, geo), on="tract_id", how="left")
    frames = [
        _values(t, ind, "no EJI estimate for this tract (-999 or absent in the source)",
                "no tract here has both an EJI estimate and residents", geo)
        for ind in EJI_FIELDS
    ]
    frames.append(_values(t, "ice_race_income", "no ICE value in the source (the tract has no households, so the "
                          "index is undefined)", "no tract here has both an ICE value and residents", geo))
    values = concat_values(frames).sort_values(["indicator", "geo_type", "geo_id"]).reset_index(drop=True)
    return Part(values=values)
