"""Health indicators from DataHaven's aggregates of CDC PLACES and USALEEP (``cdc_aggs``).

Reads ``opportunity/health_datahaven/CT-Data-Haven_cdc_aggs/cdc_health_all_lvls_wide_2024.csv``
(PLACES 2023 measures; dental 2022) and ``..._2023.csv`` (life expectancy 2010-2015, and current
smoking 2021 and short sleep 2020, which the 2024 file lacks). Rules:

* Rows are matched to our geographies by DataHaven's ``level`` and ``name``: ``state``
  "Connecticut" -> "09"; ``region`` rows named for the nine COGs -> the planning region with the
  same towns (COG and planning region boundaries coincide; checked by the tests against
  population-weighted town values), ``region`` rows named "<X> County" -> the county; ``town``
  by name (an unknown name is an error); ``upper_legis`` "State Senate District N" -> "S%02d";
  ``lower_legis`` "State House District N" -> "H%03d" (2021 plan, the districts DataHaven's
  legislative profiles use); ``tract`` rows only from the 2024 file, whose GEOIDs are the 2022
  ones (the 2023 file's tracts are 2010 tracts and are not used). Other rows (neighbourhoods,
  PUMAs, hospital areas and other regions) are ignored.
* Values are taken as published: shares are fractions 0-1 (a value outside 0-1 is an error),
  life expectancy in years (outside 60-100 is an error). "NA" is missing.
* Every indicator gets a row for every place of each geography it is published for; a place
  with no row, or "NA", gets NaN and a reason.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .parts import Part, concat_values
from .raw import RawDataError, require_columns

DIR = "opportunity/health_datahaven/CT-Data-Haven_cdc_aggs/"
REL_2024 = DIR + "cdc_health_all_lvls_wide_2024.csv"
REL_2023 = DIR + "cdc_health_all_lvls_wide_2023.csv"

MEASURES_2024 = {
    "places_any_disability": "Any disability_2023",
    "places_mobility_disability": "Mobility disability_2023",
    "places_coronary_heart_disease": "Coronary heart disease_2023",
    "places_current_asthma": "Current asthma_2023",
    "places_diabetes": "Diabetes_2023",
    "places_high_blood_pressure": "High blood pressure_2023",
    "places_annual_checkup": "Annual checkup_2023",
    "places_dental_visit": "Dental visit_2022",
    "places_no_health_insurance": "Health insurance_2023",  # the share WITHOUT insurance, ages 18-64
}
MEASURES_2023 = {
    "life_expectancy": "Life expectancy_2010-2015",
    "places_current_smoking": "Current smoking_2021",
    "places_short_sleep": "Sleep <7 hours_2020",
}
# DataHaven's COG names -> planning region GEOID (the planning regions are the COG areas).
COG_REGION = {
    "Capitol Region COG": "09110",
    "Connecticut Metro COG": "09120",  # Greater Bridgeport
    "Lower Connecticut River Valley COG": "09130",
    "Naugatuck Valley COG": "09140",
    "Northeastern Connecticut COG": "09150",
    "Northwest Hills COG": "09160",
    "South Central Regional COG": "09170",
    "Southeastern Connecticut COG": "09180",
    "Western Connecticut COG": "09190",
}
LEVELS = {"state", "region", "town", "tract", "upper_legis", "lower_legis", "neighborhood", "puma"}
LE_MISSING = {
    "town": "USALEEP did not estimate enough tracts in this town",
}


def expected_ids(geo) -> dict[str, list[str]]:
    """Every place of each geography, by our ids."""
    return {
        "state": ["09"],
        "region": sorted(geo.regions["region_id"]),
        "county": sorted(geo.counties["county_id"]),
        "town": sorted(geo.towns["town_id"]),
        "tract": sorted(geo.tracts["tract_id"]),
        "senate": [f"S{i:02d}" for i in range(1, 37)],
        "house": [f"H{i:03d}" for i in range(1, 152)],
    }


def _district(name: str, kind: str, n: int, rel: str) -> str:
    word, prefix, width = ("Senate", "S", 2) if kind == "senate" else ("House", "H", 3)
    m = re.fullmatch(rf"State {word} District (\d+)", name.strip())
    if not m or not 1 <= int(m.group(1)) <= n:
        raise RawDataError(f"{rel}: unexpected {kind} district name {name!r}")
    return f"{prefix}{int(m.group(1)):0{width}d}"


def read_release(raw, rel: str, geo, columns, with_tracts: bool) -> pd.DataFrame:
    """The file's rows for our geographies: ``geo_type``, ``geo_id`` and the measure columns (float)."""
    d = raw.read_csv(rel)
    require_columns(d, ["level", "name", *columns], rel)
    unknown = sorted(set(d["level"]) - LEVELS)
    if unknown:
        raise RawDataError(f"{rel}: unknown level(s) {unknown}")
    town_ids = dict(zip(geo.towns["town"], geo.towns["town_id"]))
    county_ids = dict(zip(geo.counties["county"], geo.counties["county_id"]))
    tract_ids = set(geo.tracts["tract_id"])
    rows = []
    for level, name in zip(d["level"], d["name"]):
        gt = gid = None
        if level == "state" and name == "Connecticut":
            gt, gid = "state", "09"
        elif level == "region" and name in COG_REGION:
            gt, gid = "region", COG_REGION[name]
        elif level == "region" and name in county_ids:
            gt, gid = "county", county_ids[name]
        elif level == "town":
            if name not in town_ids:
                raise RawDataError(f"{rel}: unknown town name {name!r}")
            gt, gid = "town", town_ids[name]
        elif level == "upper_legis":
            gt, gid = "senate", _district(name, "senate", 36, rel)
        elif level == "lower_legis":
            gt, gid = "house", _district(name, "house", 151, rel)
        elif level == "tract" and with_tracts:
            if name not in tract_ids:
                raise RawDataError(f"{rel}: tract {name!r} is not a 2022 Connecticut tract GEOID")
            gt, gid = "tract", name
        rows.append((gt, gid))
    ids = pd.DataFrame(rows, columns=["geo_type", "geo_id"], index=d.index)
    out = pd.concat([ids, d[list(columns)]], axis=1).dropna(subset=["geo_type"])
    if out.duplicated(["geo_type", "geo_id"]).any():
        dup = out.loc[out.duplicated(["geo_type", "geo_id"]), ["geo_type", "geo_id"]].values.tolist()
        raise RawDataError(f"{rel}: place(s) listed twice {dup[:5]}")
    for gt, n in (("state", 1), ("region", 9), ("county", 8)):
        if (out["geo_type"] == gt).sum() != n:
            raise RawDataError(f"{rel}: expected {n} {gt} row(s), found {(out['geo_type'] == gt).sum()}")
    for c in columns:
        s = out[c].astype(str).str.strip()
        num = pd.to_numeric(s.where(s != "NA"), errors="coerce")
        bad = num.isna() & (s != "NA")
        if bad.any():
            raise RawDataError(f"{rel}: non-numeric value(s) in {c!r}: {s[bad].unique()[:5].tolist()}")
        lo, hi = (60.0, 100.0) if c.startswith("Life expectancy") else (0.0, 1.0)
        if ((num < lo) | (num > hi)).any():
            raise RawDataError(f"{rel}: {c!r} has values outside {lo}-{hi} (expected shares 0-1 / years)")
        out[c] = num.astype(float)
    return out.sort_values(["geo_type", "geo_id"]).reset_index(drop=True)


def _long(frame, indicator, col, expect, geos, absent_reason, na_reason) -> pd.DataFrame:
    parts = []
    for gt in geos:
        have = frame.loc[frame["geo_type"] == gt].set_index("geo_id")[col]
        ids = pd.Index(expect[gt], name="geo_id")
        est = have.reindex(ids)
        reason = np.where(ids.isin(have.index), na_reason(gt), absent_reason(gt))
        parts.append(pd.DataFrame({
            "geo_type": gt, "geo_id": ids, "indicator": indicator, "estimate": est.values.astype(float),
            "moe": np.nan, "missing_reason": np.where(est.isna().values, reason, None),
        }))
    return concat_values(parts)


def load(raw, geo) -> Part:
    from ..indicators import health as reg

    expect = expected_ids(geo)
    new = read_release(raw, REL_2024, geo, list(MEASURES_2024.values()), with_tracts=True)
    old = read_release(raw, REL_2023, geo, list(MEASURES_2023.values()), with_tracts=False)

    def absent(year):
        def reason(gt):
            if gt == "tract":
                return (f"no row for this tract in DataHaven's {year} file (CDC PLACES makes no estimate for a "
                        "tract without residents)")
            return f"no row for this place in DataHaven's {year} file"
        return reason

    frames = []
    for ind, col in MEASURES_2024.items():
        frames.append(_long(new, ind, col, expect, reg.GEOS_2024, absent(2024),
                            lambda gt: "not estimated by CDC PLACES (NA in the source)"))
    for ind, col in MEASURES_2023.items():
        if ind == "life_expectancy":
            na = lambda gt: LE_MISSING.get(gt, "USALEEP did not estimate enough tracts in this area")  # noqa: E731
        else:
            na = lambda gt: "not estimated by CDC PLACES (NA in the source)"  # noqa: E731
        frames.append(_long(old, ind, col, expect, reg.GEOS_2023, absent(2023), na))
    values = concat_values(frames).sort_values(["indicator", "geo_type", "geo_id"]).reset_index(drop=True)
    return Part(values=values)
