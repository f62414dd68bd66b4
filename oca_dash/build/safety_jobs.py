"""Crime rates (CT UCR via CTData, 2010-2017) and jobs located in each town (CT DOL QCEW via CTData).

Reads ``opportunity/crime/CT-Data-Collaborative_ucr-crime-index/ucr-crime-index_2017.csv`` and
``opportunity/jobs/CT-Data-Collaborative_annual-average-employment-and-wages/
annual_average_employment_and_wages-2020.csv``. Needs ``geo.tracts['population']`` (ACS 2019-2023)
for jobs per resident. Rules:

Crime
* Published counts and rates per 100,000 are used as they are; "Inf" and "NA" rates are missing.
* A town-year is *not usable* when its rate is not finite, or when the population its figures
  imply (Total Crime count / rate x 100,000) is more than 30 % away from the town's median
  implied population over 2010-2017. This catches the 2017 rows of the seven towns named like a
  county (they hold what look like county totals) and Ledyard 2017 (no population). Such rows
  get NaN with the reason, in the indicators and in ``crime_by_year``.
* ``violent_crime_rate`` / ``property_crime_rate``: 2017. ``violent_crime_rate_2014_16``: the
  mean of the three published yearly rates 2014, 2015, 2016 (missing if any of them is).

Jobs
* Category "All Industries" only. ``-9999`` is CT DOL's suppression code -> NaN with reason;
  any other negative value is an error.
* ``jobs_in_town`` (2020), ``jobs_in_town_2019``, ``avg_annual_wage`` (2020) for the state,
  counties and towns; ``jobs_per_resident`` = 2019 jobs / population, where population is the
  sum of ACS 2019-2023 tract populations in the town (county, state).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .parts import Part, concat_values
from .raw import RawDataError, require_columns

CRIME = "opportunity/crime/CT-Data-Collaborative_ucr-crime-index/ucr-crime-index_2017.csv"
JOBS = ("opportunity/jobs/CT-Data-Collaborative_annual-average-employment-and-wages/"
        "annual_average_employment_and_wages-2020.csv")
CRIME_TYPES = {"Total Crime": "total", "Total Violent Crime": "violent", "Total Property Crime": "property"}
COUNT, RATE = "Number", "Rate (per 100,000)"
CRIME_YEARS = list(range(2010, 2018))
IMPLIED_POP_TOLERANCE = 0.30
SUPPRESSED = -9999
SUPPRESSED_REASON = "suppressed by CT DOL (confidential: too few employers to publish)"
JOB_VARS = {"Annual Average Employment": "jobs", "Annual Average Wage": "avg_annual_wage",
            "Number of Employers": "employers"}


def _numbers(s: pd.Series, rel: str, col: str, allowed=("NA",)) -> pd.Series:
    s = s.astype(str).str.strip()
    num = pd.to_numeric(s.replace({"Inf": "inf", "-Inf": "-inf"}), errors="coerce")
    bad = num.isna() & ~s.isin(allowed)
    if bad.any():
        raise RawDataError(f"{rel}: non-numeric value(s) in {col!r}: {s[bad].unique()[:5].tolist()}")
    return num


def _geo_ids(names: pd.Series, geo, rel: str, counties: bool) -> pd.DataFrame:
    """``geo_type``/``geo_id`` for "Connecticut", "<X> County" (if ``counties``) and town names."""
    town_ids = dict(zip(geo.towns["town"], geo.towns["town_id"]))
    county_ids = dict(zip(geo.counties["county"], geo.counties["county_id"])) if counties else {}
    out = []
    for n in names:
        if n == "Connecticut":
            out.append(("state", "09"))
        elif n in county_ids:
            out.append(("county", county_ids[n]))
        elif n in town_ids:
            out.append(("town", town_ids[n]))
        else:
            raise RawDataError(f"{rel}: unknown place name {n!r}")
    return pd.DataFrame(out, columns=["geo_type", "geo_id"], index=names.index)


def crime_by_year(raw, geo) -> pd.DataFrame:
    """geo_type, geo_id, place, year, crime_type, count, rate_per_100k, note (why a row is not usable)."""
    d = raw.read_csv(CRIME)
    require_columns(d, ["Town", "FIPS", "Year", "Crime Type", "Measure Type", "Value"], CRIME)
    d = d[d["Crime Type"].isin(CRIME_TYPES)]
    if set(d["Measure Type"]) != {COUNT, RATE} or set(d["Crime Type"]) != set(CRIME_TYPES):
        raise RawDataError(f"{CRIME}: expected measures {[COUNT, RATE]} for {list(CRIME_TYPES)}, found "
                           f"{sorted(set(d['Measure Type']))} / {sorted(set(d['Crime Type']))}")
    if d.duplicated(["Town", "Year", "Crime Type", "Measure Type"]).any():
        raise RawDataError(f"{CRIME}: a town, year and measure appear twice")
    d = d.assign(v=_numbers(d["Value"], CRIME, "Value"), year=pd.to_numeric(d["Year"], errors="coerce"))
    if d["year"].isna().any() or sorted(d["year"].unique().astype(int)) != CRIME_YEARS:
        raise RawDataError(f"{CRIME}: expected years {CRIME_YEARS}, found {sorted(d['Year'].unique())}")
    w = d.pivot(index=["Town", "year", "Crime Type"], columns="Measure Type", values="v").reset_index()
    w["crime_type"] = w["Crime Type"].map(CRIME_TYPES)

    tot = w[w["crime_type"] == "total"].set_index(["Town", "year"])
    implied = (tot[COUNT] / tot[RATE] * 1e5).where(np.isfinite(tot[RATE]) & (tot[RATE] > 0))
    median = implied.groupby(level="Town").transform("median")
    note = pd.Series(None, index=tot.index, dtype=object)
    for (town, year), rate in tot[RATE].items():
        pop, med = implied[(town, year)], median[(town, year)]
        if not np.isfinite(rate):
            why = "'Inf': no population for this town that year" if np.isinf(rate) else "'NA'"
            note[(town, year)] = f"no usable {year} rate in the source (recorded as {why})"
        elif np.isfinite(pop) and abs(pop / med - 1) > IMPLIED_POP_TOLERANCE:
            note[(town, year)] = (f"the source's {year} row for this town holds another area's figures (its counts "
                                  f"and rate imply {pop:,.0f} residents, against about {med:,.0f} in other years; "
                                  "CTData's 2017 file has what look like county totals under the town names that "
                                  "match a county), so it is not used")
    w["note"] = [note.get((t, y)) for t, y in zip(w["Town"], w["year"])]
    bad = w["note"].notna()
    ids = _geo_ids(w["Town"], geo, CRIME, counties=False)
    out = pd.DataFrame({
        "geo_type": ids["geo_type"], "geo_id": ids["geo_id"], "place": w["Town"], "year": w["year"].astype(int),
        "crime_type": w["crime_type"], "count": w[COUNT].where(~bad), "rate_per_100k": w[RATE].where(~bad),
        "note": w["note"],
    })
    return out.sort_values(["geo_type", "geo_id", "crime_type", "year"]).reset_index(drop=True)


def jobs_by_year(raw, geo) -> pd.DataFrame:
    """geo_type, geo_id, place, year, employers, jobs, avg_annual_wage, note; All Industries."""
    d = raw.read_csv(JOBS)
    require_columns(d, ["Town/County", "FIPS", "Year", "Category", "Variable", "Value"], JOBS)
    d = d[d["Category"] == "All Industries"]
    if set(d["Variable"]) != set(JOB_VARS):
        raise RawDataError(f"{JOBS}: expected variables {sorted(JOB_VARS)}, found {sorted(set(d['Variable']))}")
    if d.duplicated(["Town/County", "Year", "Variable"]).any():
        raise RawDataError(f"{JOBS}: a place, year and variable appear twice")
    v = _numbers(d["Value"], JOBS, "Value", allowed=())
    if ((v < 0) & (v != SUPPRESSED)).any():
        raise RawDataError(f"{JOBS}: negative values other than the suppression code {SUPPRESSED}")
    d = d.assign(v=v.where(v != SUPPRESSED), suppressed=v == SUPPRESSED)
    w = d.pivot(index=["Town/County", "Year"], columns="Variable", values="v").rename(columns=JOB_VARS)
    sup = d.groupby(["Town/County", "Year"])["suppressed"].any()
    w = w.reset_index()
    ids = _geo_ids(w["Town/County"], geo, JOBS, counties=True)
    out = pd.DataFrame({
        "geo_type": ids["geo_type"], "geo_id": ids["geo_id"], "place": w["Town/County"],
        "year": pd.to_numeric(w["Year"]).astype(int), "employers": w["employers"], "jobs": w["jobs"],
        "avg_annual_wage": w["avg_annual_wage"],
        "note": np.where(sup.reindex(pd.MultiIndex.from_frame(w[["Town/County", "Year"]])).values,
                         SUPPRESSED_REASON, None),
    })
    towns = out.loc[out["geo_type"] == "town", "geo_id"].nunique()
    if towns != 169 or (out["geo_type"] == "state").sum() == 0:
        raise RawDataError(f"{JOBS}: expected the state and 169 towns, found {towns} towns")
    return out.sort_values(["geo_type", "geo_id", "year"]).reset_index(drop=True)


def _rows(frame: pd.DataFrame, indicator: str, col: str, reason_col: str | None, default_reason: str,
          geo_types, geo) -> pd.DataFrame:
    """One row per place of ``geo_types`` (state "09", counties, 169 towns) from a frame keyed by geo_id."""
    expect = {"state": ["09"], "county": sorted(geo.counties["county_id"]), "town": sorted(geo.towns["town_id"])}
    parts = []
    for gt in geo_types:
        f = frame[frame["geo_type"] == gt].set_index("geo_id")
        ids = pd.Index(expect[gt], name="geo_id")
        est = f[col].reindex(ids).astype(float)
        why = f[reason_col].reindex(ids) if reason_col else pd.Series(None, index=ids, dtype=object)
        why = why.where(why.notna(), default_reason)
        parts.append(pd.DataFrame({"geo_type": gt, "geo_id": ids, "indicator": indicator, "estimate": est.values,
                                   "moe": np.nan, "missing_reason": np.where(est.isna(), why, None)}))
    return concat_values(parts)


def _crime_values(cy: pd.DataFrame, geo) -> list[pd.DataFrame]:
    out = []
    for ind, ctype in (("violent_crime_rate", "violent"), ("property_crime_rate", "property")):
        f = cy[(cy["crime_type"] == ctype) & (cy["year"] == 2017)]
        out.append(_rows(f, ind, "rate_per_100k", "note", "not in the source file", ("state", "town"), geo))
    v = cy[(cy["crime_type"] == "violent") & cy["year"].between(2014, 2016)]
    g = v.groupby(["geo_type", "geo_id"])
    avg = pd.DataFrame({
        "rate": g["rate_per_100k"].mean(),
        "years": g["rate_per_100k"].count(),
        "why": g["note"].agg(lambda s: "; ".join(sorted(set(s.dropna()))) or None),
    }).reset_index()
    avg["rate"] = avg["rate"].where(avg["years"] == 3)
    avg["why"] = avg["why"].where(avg["why"].notna(), "fewer than three usable years 2014-2016 in the source")
    out.append(_rows(avg, "violent_crime_rate_2014_16", "rate", "why", "not in the source file", ("state", "town"),
                     geo))
    return out


def _population(geo) -> pd.DataFrame:
    if "population" not in geo.tracts.columns:
        raise RawDataError("jobs per resident needs geo.tracts['population'] (ACS 2019-2023); the pipeline adds it")
    t = geo.tracts[["town_id", "population"]].merge(geo.towns[["town_id", "county_id"]], on="town_id")
    if t["population"].isna().any():
        raise RawDataError("geo.tracts has tracts without a population")
    town = t.groupby("town_id")["population"].sum()
    county = t.groupby("county_id")["population"].sum()
    return pd.concat([
        pd.DataFrame({"geo_type": "state", "geo_id": ["09"], "population": [t["population"].sum()]}),
        pd.DataFrame({"geo_type": "county", "geo_id": county.index, "population": county.values}),
        pd.DataFrame({"geo_type": "town", "geo_id": town.index, "population": town.values}),
    ], ignore_index=True)


def _jobs_values(jy: pd.DataFrame, geo) -> list[pd.DataFrame]:
    geos = ("state", "county", "town")
    y20, y19 = jy[jy["year"] == 2020], jy[jy["year"] == 2019]
    if y20.empty or y19.empty:
        raise RawDataError(f"{JOBS}: 2019 and 2020 are both needed")
    out = [
        _rows(y20, "jobs_in_town", "jobs", "note", "not in the source file", geos, geo),
        _rows(y19, "jobs_in_town_2019", "jobs", "note", "not in the source file", geos, geo),
        _rows(y20, "avg_annual_wage", "avg_annual_wage", "note", "not in the source file", geos, geo),
    ]
    per = y19.merge(_population(geo), on=["geo_type", "geo_id"], how="right")
    per["jobs_per_resident"] = per["jobs"] / per["population"].where(per["population"] > 0)
    per["why"] = per["note"].where(per["note"].notna(), "no 2019 jobs figure or no population")
    out.append(_rows(per, "jobs_per_resident", "jobs_per_resident", "why", "not in the source file", geos, geo))
    return out


def load(raw, geo) -> Part:
    cy = crime_by_year(raw, geo)
    jy = jobs_by_year(raw, geo)
    values = concat_values(_crime_values(cy, geo) + _jobs_values(jy, geo))
    values = values.sort_values(["indicator", "geo_type", "geo_id"]).reset_index(drop=True)
    return Part(values=values, tables={"crime_by_year": cy, "jobs_by_year": jy})
