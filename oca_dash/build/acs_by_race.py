"""Older ACS tables by race and ethnicity, for the state and the 169 towns (CTData copies).

Sources (see ``acs/PROVENANCE.md`` section E):

* Median household income by race of householder, ACS 2013-2017, American FactFinder "with_ann"
  CSVs ``ACS_17_5YR_B19013{,H,B,D,I}_with_ann.csv`` (2017 dollars). Row 2 holds labels and is skipped.
  Cells: a number is the estimate; ``-`` (MOE ``**``) means the Census Bureau published no estimate
  (too few sample households) -> NaN with that reason; ``250,000+`` (MOE ``***``) is the table's top code,
  stored as 250001 (as the Census API does) with no MOE and no missing_reason (the registry's
  ``top_coded`` tells the display to say "250,000+"); ``2,500-`` is the bottom code ("2,500 or less"):
  no number can honestly stand for it, so NaN with a reason quoting the published cell.
* Poverty rate by race, ACS 2013-2017, CTData long file built from B17001 and B17001A-I: Age "Total",
  "Below Poverty Level", "Percent" and its "Margins of Error". ``-9999`` means not computable: for the
  five groups used here it occurs only where no one of the group has poverty status determined, which
  the reason says.
* Homeownership by race of householder, ACS 2015-2019, CTData long file from B25003 and B25003A-I, no
  header row. Estimate = CTData's owner-occupied percent of the group's occupied units (checked against
  owner/total counts). MOE derived from the count MOEs by the Census Bureau's formula for a proportion,
  sqrt(MOE_own^2 - p^2 MOE_tot^2) / tot, with the ratio formula (+) where the radicand is not positive.
  CTData's own percent MOE is not used: it is rounded to whole percentage points and uses the ratio
  formula throughout (it exceeds 100 points in places). ``-9999`` occurs where the group has no occupied
  units in the sample.

Groups: "all"; "white_nh" = White alone, not Hispanic (B19013H / B17001H / B25003H); "black" = Black or
African American alone, of any ethnicity (B/B/B); "asian" = Asian alone, of any ethnicity (D/D/D);
"hispanic" = Hispanic or Latino, of any race (I/I/I). Rates are stored as fractions.

This module also holds the reader of AFF "with_ann" files, used by ``housing_market``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .parts import VALUE_COLUMNS, Part, concat_values
from .raw import Raw, RawDataError, require_columns

INCOME_DIR = "acs/ctdata_median-household-income-by-town/raw/2017"
INCOME_FILES = {  # group -> table suffix
    "all": "",
    "white_nh": "H",
    "black": "B",
    "asian": "D",
    "hispanic": "I",
}
POVERTY = "acs/ctdata_poverty-status-by-town/data/poverty-status-by-town-2017-only.csv"
TENURE = "acs/ctdata_housing-tenure-by-race-and-ethnicity-by-town/data/housing_tenure_race_town_2019-only.csv"
TENURE_COLUMNS = ["Town", "FIPS", "Year", "Race/Ethnicity", "Tenure", "Measure Type", "Variable", "Value"]
CTDATA_GROUPS = {  # CTData Race/Ethnicity label -> group
    "All": "all",
    "White Alone Not Hispanic or Latino": "white_nh",
    "Black or African American Alone": "black",
    "Asian Alone": "asian",
    "Hispanic or Latino": "hispanic",
}
INCOME_TOP = 250001.0

SUPPRESSED = "suppressed by the Census Bureau: too few sample households of this group in the town"
SUPPRESSED_UNITS = "suppressed by the Census Bureau: too few sample housing units in the town to compute it"
NO_POVERTY_UNIVERSE = ("not computable: the ACS sample has no people of this group with poverty status determined "
                       "in the town (CTData code -9999)")
NO_HOUSEHOLDS = ("not computable: the ACS sample has no occupied housing units with a householder of this group in "
                 "the town (CTData code -9999)")
NOT_COMPUTABLE = "not computable or suppressed (CTData code -9999)"

_NUM = re.compile(r"^-?\d+(\.\d+)?$")
_TOP = re.compile(r"^(\d{1,3}(,\d{3})*)\+$")
_BOTTOM = re.compile(r"^(\d{1,3}(,\d{3})*)-$")
_MOE_NA = {"**", "***", "*****", "(X)"}


# --- AFF "with_ann" files -------------------------------------------------------------------------------

def read_aff(raw: Raw, rel: str, columns: list[str], geo) -> pd.DataFrame:
    """The state row and the 169 town rows of an AFF "with_ann" CSV, cells as text.

    Returns ``geo_type``, ``geo_id`` and the requested columns. Towns are matched on the 10-digit
    county-based GEOID (``GEO.id2``, leading zeros restored) and their names are checked against the
    display label; the four "County subdivisions not defined" rows and counties are dropped.
    """
    df = raw.read_csv(rel, skiprows=[1])
    require_columns(df, ["GEO.id", "GEO.id2", "GEO.display-label", *columns], rel)
    sumlev = df["GEO.id"].str[:7]
    state = df[sumlev == "0400000"]
    if len(state) != 1 or state["GEO.id2"].str.zfill(2).iloc[0] != "09":
        raise RawDataError(f"{rel}: expected one Connecticut state row, found {len(state)}")
    towns = df[(sumlev == "0600000") & ~df["GEO.display-label"].str.startswith("County subdivisions not defined")]
    towns = towns.assign(town_geoid_2020=towns["GEO.id2"].str.zfill(10))
    m = geo.towns[["town", "town_id", "town_geoid_2020"]].merge(towns, on="town_geoid_2020", how="outer",
                                                                indicator=True)
    if len(towns) != 169 or (m["_merge"] != "both").any():
        bad = m.loc[m["_merge"] != "both", ["town", "GEO.display-label"]].values.tolist()
        raise RawDataError(f"{rel}: town rows do not match the 169 towns ({len(towns)} rows; unmatched {bad[:5]})")
    label_name = m["GEO.display-label"].str.replace(r" town,.*$", "", regex=True)
    if (label_name != m["town"]).any():
        bad = m.loc[label_name != m["town"], ["town", "GEO.display-label"]].values.tolist()
        raise RawDataError(f"{rel}: town names disagree with their GEOIDs: {bad[:5]}")
    out = pd.concat([
        state.assign(geo_type="state", geo_id="09"),
        m.assign(geo_type="town", geo_id=m["town_id"]),
    ], ignore_index=True)
    return out[["geo_type", "geo_id", *columns]].reset_index(drop=True)


def parse_aff(est: pd.Series, moe: pd.Series, *, rel: str, col: str, suppressed: str,
              top: float | None = None, percent: bool = False) -> pd.DataFrame:
    """Turn AFF estimate and MOE cells into numbers and missing reasons (see the module docstring).

    ``top`` is the value the registry records for the table's top code (e.g. 250001 for "250,000+");
    a top-coded cell with any other threshold, or any unknown cell, is an error naming the file.
    ``percent``: the cells are percents; store fractions (value / 100).
    """
    div = 100.0 if percent else 1.0
    e_out, m_out, why = [], [], []
    for e, mo in zip(est.astype(str).str.strip(), moe.astype(str).str.strip()):
        reason = None
        if _NUM.match(e):
            v = float(e) / div
        elif e == "-":
            v, reason = np.nan, suppressed
        elif _TOP.match(e):
            v = float(e[:-1].replace(",", "")) + 1
            if top is None or v != top or percent:
                raise RawDataError(f"{rel}: column {col} has top-coded cell {e!r}, expected top code {top}")
        elif _BOTTOM.match(e):
            v = np.nan
            reason = (f"bottom-coded by the Census Bureau: the published median is '{e}' (that is, "
                      f"{e[:-1]} or less), which is not a usable estimate")
        elif e in ("N", "(X)"):
            v, reason = np.nan, "not published by the Census Bureau for this geography"
        else:
            raise RawDataError(f"{rel}: column {col} has an unexpected cell {e!r}")
        if np.isnan(v) or mo in _MOE_NA:
            m = np.nan
        elif _NUM.match(mo):
            m = float(mo) / div
        else:
            raise RawDataError(f"{rel}: margin of error for {col} has an unexpected cell {mo!r}")
        e_out.append(v)
        m_out.append(m)
        why.append(reason)
    return pd.DataFrame({"estimate": e_out, "moe": m_out, "missing_reason": why}, index=est.index)


def aff_values(frame: pd.DataFrame, indicator: str, parsed: pd.DataFrame) -> pd.DataFrame:
    """VALUE_COLUMNS rows from ``read_aff`` output and ``parse_aff`` output (same index)."""
    return pd.DataFrame({
        "geo_type": frame["geo_type"], "geo_id": frame["geo_id"], "indicator": indicator,
        "estimate": parsed["estimate"].astype(float), "moe": parsed["moe"].astype(float),
        "missing_reason": parsed["missing_reason"],
    })[VALUE_COLUMNS]


# --- CTData long files ----------------------------------------------------------------------------------

def _places(df: pd.DataFrame, rel: str, geo) -> pd.DataFrame:
    """Add geo_type/geo_id to a frame keyed by ``Town`` (169 towns + "Connecticut"); errors name the file."""
    names = set(df["Town"])
    towns = set(geo.towns["town"])
    if names != towns | {"Connecticut"}:
        raise RawDataError(f"{rel}: places differ from the 169 towns + Connecticut: unknown "
                           f"{sorted(names - towns - {'Connecticut'})[:5]}, absent {sorted(towns - names)[:5]}")
    ids = dict(zip(geo.towns["town"], geo.towns["town_id"]))
    is_state = df["Town"] == "Connecticut"
    return df.assign(geo_type=np.where(is_state, "state", "town"),
                     geo_id=np.where(is_state, "09", df["Town"].map(ids)))


def _number(s: pd.Series, rel: str, what: str) -> pd.Series:
    v = pd.to_numeric(s, errors="coerce")
    if v.isna().any():
        raise RawDataError(f"{rel}: non-numeric {what} values {sorted(set(s[v.isna()]))[:5]}")
    return v.astype(float)


def _pick(df: pd.DataFrame, rel: str, what: str, **match) -> pd.Series:
    """One value per (Town, Race/Ethnicity) for rows matching ``match``; errors if not exactly one each."""
    sel = df
    for k, v in match.items():
        sel = sel[sel[k.replace("_", " ")] == v]
    sel = sel[sel["Race/Ethnicity"].isin(CTDATA_GROUPS)]
    key = ["Town", "Race/Ethnicity"]
    if sel.duplicated(key).any() or len(sel) != 170 * len(CTDATA_GROUPS):
        raise RawDataError(f"{rel}: expected one {what} row per place and group, found {len(sel)} rows")
    return _number(sel.set_index(key)["Value"], rel, what).sort_index()


def _long_values(est: pd.Series, moe: pd.Series, reason: pd.Series, prefix: str, rel: str, geo) -> pd.DataFrame:
    d = pd.DataFrame({"estimate": est, "moe": moe, "missing_reason": reason}).reset_index()
    d = _places(d, rel, geo)
    d["indicator"] = prefix + d["Race/Ethnicity"].map(CTDATA_GROUPS)
    return d[VALUE_COLUMNS]


def poverty_values(raw: Raw, geo) -> pd.DataFrame:
    rel = POVERTY
    df = raw.read_csv(rel)
    require_columns(df, ["Town", "FIPS", "Year", "Race/Ethnicity", "Age", "Poverty Status", "Measure Type",
                         "Variable", "Value"], rel)
    if set(df["Year"]) != {"2013-2017"}:
        raise RawDataError(f"{rel}: expected only Year 2013-2017, found {sorted(set(df['Year']))}")
    missing = set(CTDATA_GROUPS) - set(df["Race/Ethnicity"])
    if missing:
        raise RawDataError(f"{rel}: race/ethnicity categories {sorted(missing)} absent")
    total = df[df["Age"] == "Total"]
    est = _pick(total, rel, "poverty percent", Poverty_Status="Below Poverty Level", Measure_Type="Percent",
                Variable="Poverty Status")
    moe = _pick(total, rel, "poverty percent MOE", Poverty_Status="Below Poverty Level", Measure_Type="Percent",
                Variable="Margins of Error")
    den = _pick(total, rel, "poverty universe", Poverty_Status="Poverty Status Determined", Measure_Type="Number",
                Variable="Poverty Status")
    bad = est == -9999
    reason = pd.Series(np.where(den == 0, NO_POVERTY_UNIVERSE, NOT_COMPUTABLE), index=est.index).where(bad)
    return _long_values(est.where(~bad) / 100, moe.where(~bad & (moe != -9999)) / 100, reason,
                        "poverty_rate_2017_", rel, geo)


def proportion_moe(p: pd.Series, moe_num: pd.Series, moe_den: pd.Series, den: pd.Series) -> pd.Series:
    """Census Bureau MOE of a proportion num/den; the ratio formula where the radicand is not positive.

    The handbook falls back to the ratio formula when the radicand is negative; we also do so when it is
    exactly 0 (it happens when every household of a group owns, p = 1, and the two count MOEs are equal),
    because a zero margin for a sample estimate would overstate its precision.
    """
    rad = moe_num**2 - p**2 * moe_den**2
    alt = moe_num**2 + p**2 * moe_den**2
    return np.sqrt(rad.where(rad > 0, alt)) / den


def tenure_values(raw: Raw, geo) -> pd.DataFrame:
    rel = TENURE
    df = raw.read_csv(rel, header=None)
    if df.shape[1] != len(TENURE_COLUMNS):
        raise RawDataError(f"{rel}: expected {len(TENURE_COLUMNS)} columns (no header row), found {df.shape[1]}")
    df.columns = TENURE_COLUMNS
    if set(df["Year"]) != {"2015-2019"}:
        raise RawDataError(f"{rel}: expected only Year 2015-2019, found {sorted(set(df['Year']))[:5]}")
    n = dict(Measure_Type="Number")
    tot = _pick(df, rel, "occupied units", Tenure="Total", Variable="Occupied Housing Units", **n)
    tot_m = _pick(df, rel, "occupied units MOE", Tenure="Total", Variable="Margins of Error", **n)
    own = _pick(df, rel, "owner units", Tenure="Owner Occupied", Variable="Occupied Housing Units", **n)
    own_m = _pick(df, rel, "owner units MOE", Tenure="Owner Occupied", Variable="Margins of Error", **n)
    # The group's owner share: "Percent of Racial/Ethnic Subgroup"; for "All" the file has only
    # "Percent of Total Housing Units", which for all households is the same quantity.
    own_rows = df[(df["Tenure"] == "Owner Occupied") & (df["Variable"] == "Occupied Housing Units")]
    own_rows = own_rows[((own_rows["Race/Ethnicity"] == "All")
                         & (own_rows["Measure Type"] == "Percent of Total Housing Units"))
                        | ((own_rows["Race/Ethnicity"] != "All")
                           & (own_rows["Measure Type"] == "Percent of Racial/Ethnic Subgroup"))]
    pct = _pick(own_rows, rel, "owner percent")
    bad = pct == -9999
    if ((tot == 0) != bad).any():
        raise RawDataError(f"{rel}: -9999 owner percents do not coincide with groups of zero occupied units")
    p = (pct / 100).where(~bad)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (own / tot - p).abs()
    if (gap[~bad] > 0.0000501).any():
        raise RawDataError(f"{rel}: owner percent disagrees with owner/total counts, e.g. "
                           f"{gap[~bad].idxmax()} by {gap[~bad].max():.5f}")
    moe = proportion_moe(p, own_m, tot_m, tot).where(~bad)
    reason = pd.Series(NO_HOUSEHOLDS, index=p.index).where(bad)
    return _long_values(p, moe, reason, "homeownership_2019_", rel, geo)


def income_values(raw: Raw, geo) -> pd.DataFrame:
    frames = []
    for group, suffix in INCOME_FILES.items():
        rel = f"{INCOME_DIR}/ACS_17_5YR_B19013{suffix}_with_ann.csv"
        f = read_aff(raw, rel, ["HD01_VD01", "HD02_VD01"], geo)
        parsed = parse_aff(f["HD01_VD01"], f["HD02_VD01"], rel=rel, col="HD01_VD01", suppressed=SUPPRESSED,
                           top=INCOME_TOP)
        frames.append(aff_values(f, f"median_hh_income_2017_{group}", parsed))
    return concat_values(frames)


def finish(values: pd.DataFrame) -> pd.DataFrame:
    """Sorted rows, with ``missing_reason`` None (not NaN) where the estimate is present."""
    values = values.sort_values(["indicator", "geo_type", "geo_id"]).reset_index(drop=True)
    why = values["missing_reason"].astype(object)
    values["missing_reason"] = why.where(why.notna(), None)
    return values


def load(raw: Raw, geo) -> Part:
    return Part(values=finish(concat_values([income_values(raw, geo), poverty_values(raw, geo),
                                             tenure_values(raw, geo)])))
