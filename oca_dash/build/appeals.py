"""The Affordable Housing Appeals List (CGS 8-30g), 2002-2023, CT Department of Housing.

Sources (see ``opportunity/PROVENANCE.md`` section 2):

* ``PORTAL``: the data.ct.gov export "Affordable Housing by Town 2011-Present", lists 2011-2023.
* ``CTDATA``: CTData Collaborative's long-format copy of the DOH lists 2002-2019 (178 geographies:
  169 towns, 8 counties, Connecticut), with a statewide row per year.

Rules applied:

1. 2002-2010 come from CTDATA, 2011-2023 from PORTAL. Towns are matched by name (PORTAL) and by
   2020 county-based GEOID (CTDATA, checked against the name); an unknown name is an error.
2. The PORTAL export is known to be defective in 2015 (``KNOWN_PORTAL_DEFECTS``): Middlebury,
   Middlefield, South Windsor and Southington are missing and Bolton is listed twice. Missing rows are
   repaired from CTDATA; of a duplicated row the copy that equals CTDATA in every column is kept (for
   Bolton 2015 that is the copy with 25 assisted units; the DOH 2015 spreadsheet in ``raw/`` also shows
   25). Any other missing or duplicated town-year is an error.
3. The overlap 2011-2019 is cross-checked: census units and total assisted units must agree between the
   two sources for every town-year PORTAL lists (after rule 2), and so must each component where both
   give one; otherwise RawDataError names the rows. A component left blank in PORTAL (Chaplin 2017
   government assisted) is taken from CTDATA with a note.
4. In 2002-2010 DOH did not break out tenant rental assistance: it is inside government assisted. CTDATA
   carries 0 there; it must be 0 for every row and is stored as missing (NaN) with a note.
5. ``pct_affordable`` is the source's published percent divided by 100 (not recomputed). It must agree
   with 100 x total / units within ``PCT_TOLERANCE`` percentage points (DOH sometimes published it to
   one decimal, e.g. Montville 2009 "4.1" for 4.085); otherwise RawDataError.
6. ``units_to_10pct`` = max(0, ceil(0.10 x census_units - total_assisted)), in integer arithmetic
   (ceil((units - 10 x total) / 10)) so no float rounding can move it.
7. ``denominator`` is "2000 census" for 2002-2010, "2010 census" for 2011-2022, "2020 census" for 2023;
   each town's census units must be constant within each of those spans (else RawDataError).
8. Where the published total is not the sum of the published components (Hamden 2007), the total is kept
   as published and the row's note says so.
9. ``appeals_state``: 2002-2019 the CTDATA statewide row (must equal the sum of the 169 towns, else
   RawDataError); 2020-2023 summed from the 169 towns, pct = total / units (unrounded). Statewide
   ``units_to_10pct`` is the sum of the towns' shortfalls.
10. Indicator values are the 2023 list only: towns as published; the 9 planning regions and the state
   summed over member towns, pct = total / units, units_to_10pct = sum of town shortfalls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..indicators.affordable_housing import CTDATA as CTDATA_ID
from ..indicators.affordable_housing import PORTAL as PORTAL_ID
from .parts import Part, concat_values, town_values
from .raw import RawDataError, require_columns

_DIR = "opportunity/affordable_housing_appeals/"
PORTAL = _DIR + "Pirate-Emperor_HouseValuation/Affordable_Housing_by_Town_2011-2023.csv"
CTDATA = _DIR + "CT-Data-Collaborative_subsidized-housing-by-type/subsidized-housing-by-type_2019.csv"

PORTAL_YEARS = range(2011, 2024)
CTDATA_YEARS = range(2002, 2020)
CTDATA_ONLY_YEARS = range(2002, 2011)
LATEST = 2023
PCT_TOLERANCE = 0.05  # percentage points: a percent published to one decimal agrees within 0.05
KNOWN_PORTAL_DEFECTS = {
    2015: {"missing": {"Middlebury", "Middlefield", "South Windsor", "Southington"}, "duplicated": {"Bolton"}},
}

COUNTS = ["census_units", "gov_assisted", "tenant_rental_assistance", "chfa_usda_mortgages", "deed_restricted",
          "total_assisted"]
COMPONENTS = COUNTS[1:5]
PORTAL_COLUMNS = {  # header (stripped: the source has " Single Family CHFA/ USDA Mortgages") -> ours
    "Year": "year", "Town Code": "town_code", "Town": "town", "Census Units": "census_units",
    "Government Assisted": "gov_assisted", "Tenant Rental Assistance": "tenant_rental_assistance",
    "Single Family CHFA/ USDA Mortgages": "chfa_usda_mortgages", "Deed Restricted Units": "deed_restricted",
    "Total Assisted Units": "total_assisted", "Percent Affordable": "pct_source",
}
CTDATA_VARIABLES = {  # (Measure Type, Variable) -> ours
    ("Number", "Total Housing Units"): "census_units", ("Number", "Government Assisted"): "gov_assisted",
    ("Number", "Tenant Rental Assistance"): "tenant_rental_assistance",
    ("Number", "CHFA/USDA Mortgages"): "chfa_usda_mortgages", ("Number", "Deed Restrictions"): "deed_restricted",
    ("Number", "Total Assisted"): "total_assisted", ("Percent", "Total Assisted"): "pct_source",
}
LIST_COLUMNS = ["town_id", "year", *COUNTS, "pct_affordable", "units_to_10pct", "denominator", "source_id", "note"]
STATE_COLUMNS = ["year", *COUNTS, "pct_affordable", "units_to_10pct", "towns_at_or_above_10pct", "denominator",
                 "method", "source_id"]
INDICATOR_COLUMNS = {
    "ahal_census_units": "census_units", "ahal_gov_assisted": "gov_assisted",
    "ahal_tenant_rental": "tenant_rental_assistance", "ahal_chfa_usda": "chfa_usda_mortgages",
    "ahal_deed_restricted": "deed_restricted", "ahal_total_assisted": "total_assisted",
    "ahal_pct_affordable": "pct_affordable", "ahal_units_to_10pct": "units_to_10pct",
}


def denominator(year: int) -> str:
    return "2000 census" if year <= 2010 else "2010 census" if year <= 2022 else "2020 census"


def units_to_10pct(units, total) -> pd.Series:
    """max(0, ceil(0.10*units - total)), exactly: ceil((units - 10*total) / 10) by integer division."""
    units, total = pd.Series(units, dtype="Int64"), pd.Series(total, dtype="Int64")
    need = units - 10 * total
    return (-((-need) // 10)).clip(lower=0).astype("Int64")


def _numbers(df: pd.DataFrame, cols, rel: str, where) -> pd.DataFrame:
    """Parse numeric text; blank -> NA, anything else non-numeric -> RawDataError naming the rows."""
    for c in cols:
        s = df[c].astype(str).str.strip()
        bad = s.ne("") & ~s.str.fullmatch(r"-?\d+(\.\d+)?")
        if bad.any():
            raise RawDataError(f"{rel}: non-numeric {c!r} in {where(df[bad]).tolist()[:5]}: {s[bad].tolist()[:5]}")
        v = pd.to_numeric(s.where(s.ne("")), errors="coerce")
        if c != "pct_source":
            frac = v.notna() & (v % 1 != 0)
            if frac.any():
                raise RawDataError(f"{rel}: non-integer count {c!r} in {where(df[frac]).tolist()[:5]}")
            v = v.astype("Int64")
        df[c] = v
    return df


def _check_pct(df: pd.DataFrame, rel: str) -> None:
    calc = 100 * df["total_assisted"].astype(float) / df["census_units"].astype(float)
    off = (df["pct_source"] - calc).abs() > PCT_TOLERANCE + 1e-9
    if off.any():
        rows = df.loc[off, ["town", "year", "pct_source"]].assign(calc=calc[off].round(3))
        raise RawDataError(f"{rel}: published percent disagrees with total/units beyond rounding: "
                           f"{rows.values.tolist()[:10]}")


def _read_portal(raw, geo) -> pd.DataFrame:
    df = raw.read_csv(PORTAL)
    df.columns = [c.strip() for c in df.columns]
    require_columns(df, list(PORTAL_COLUMNS), PORTAL)
    df = df.rename(columns=PORTAL_COLUMNS)[list(PORTAL_COLUMNS.values())]
    df["town"] = df["town"].str.strip()
    where = lambda d: d["town"] + " " + d["year"].astype(str)  # noqa: E731
    df = _numbers(df, ["year", *COUNTS, "pct_source"], PORTAL, where)
    unknown = sorted(set(df["town"]) - set(geo.towns["town"]))
    if unknown:
        raise RawDataError(f"{PORTAL}: unknown town name(s) {unknown[:10]}")
    blank = df[["year", "census_units", "total_assisted", "pct_source"]].isna().any(axis=1)
    if blank.any():  # components may be blank (see rule 3); these may not
        raise RawDataError(f"{PORTAL}: blank year, census units, total or percent in {where(df[blank]).tolist()[:5]}")
    if set(df["year"]) != set(PORTAL_YEARS):
        raise RawDataError(f"{PORTAL}: expected years {PORTAL_YEARS.start}-{PORTAL_YEARS.stop - 1}, "
                           f"found {sorted(set(df['year'].astype(int)))}")
    _check_pct(df, PORTAL)
    df["year"] = df["year"].astype(int)
    return df.drop(columns="town_code")


def _read_ctdata(raw, geo) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(169 towns x 2002-2019, statewide rows) in wide form."""
    df = raw.read_csv(CTDATA)
    require_columns(df, ["Town/County", "FIPS", "Year", "Measure Type", "Variable", "Value"], CTDATA)
    key = list(zip(df["Measure Type"], df["Variable"]))
    unknown = sorted(set(key) - set(CTDATA_VARIABLES))
    missing = sorted(set(CTDATA_VARIABLES) - set(key))
    if unknown or missing:
        raise RawDataError(f"{CTDATA}: unexpected variables {unknown} / missing variables {missing}")
    df["var"] = [CTDATA_VARIABLES[k] for k in key]
    if df.duplicated(["FIPS", "Year", "var"]).any():
        dup = df.loc[df.duplicated(["FIPS", "Year", "var"]), ["Town/County", "Year", "var"]]
        raise RawDataError(f"{CTDATA}: value listed twice {dup.values.tolist()[:5]}")
    w = df.pivot(index=["Town/County", "FIPS", "Year"], columns="var", values="Value").reset_index()
    w = w.rename(columns={"Town/County": "town", "FIPS": "fips", "Year": "year"}).fillna("")
    where = lambda d: d["town"] + " " + d["year"].astype(str)  # noqa: E731
    w = _numbers(w, ["year", *COUNTS, "pct_source"], CTDATA, where)
    if w[[*COUNTS, "pct_source"]].isna().any().any():
        raise RawDataError(f"{CTDATA}: blank values in {where(w[w[COUNTS].isna().any(axis=1)]).tolist()[:5]}")
    w["year"] = w["year"].astype(int)
    if set(w["year"]) != set(CTDATA_YEARS):
        raise RawDataError(f"{CTDATA}: expected years 2002-2019, found {sorted(set(w['year']))}")

    state = w[w["fips"] == "09"].copy()
    towns = w[w["fips"].str.len() == 10].copy()
    g = geo.towns.set_index("town_geoid_2020")["town"]
    bad = towns[towns["fips"].map(g) != towns["town"]]
    if len(bad):
        raise RawDataError(f"{CTDATA}: town name does not match its FIPS {bad[['town', 'fips']].values.tolist()[:5]}")
    per_year = towns.groupby("year")["town"].nunique()
    if len(towns) != 169 * len(CTDATA_YEARS) or (per_year != 169).any() or len(state) != len(CTDATA_YEARS):
        raise RawDataError(f"{CTDATA}: expected 169 towns and one statewide row per year, found "
                           f"{per_year.to_dict()} and {len(state)} statewide rows")
    _check_pct(towns, CTDATA)
    _check_pct(state, CTDATA)
    return towns.drop(columns="fips"), state.drop(columns="fips")


def _repair_portal(portal: pd.DataFrame, ct: pd.DataFrame, towns) -> pd.DataFrame:
    """Apply rules 2 and 3: fix the known 2015 defects from CTDATA, cross-check the overlap."""
    ctk = ct.set_index(["town", "year"])
    notes = {}
    keep = pd.Series(True, index=portal.index)
    dup = portal.duplicated(["town", "year"], keep=False)
    for (town, year), grp in portal[dup].groupby(["town", "year"]):
        if town not in KNOWN_PORTAL_DEFECTS.get(year, {}).get("duplicated", set()):
            raise RawDataError(f"{PORTAL}: {town} {year} listed {len(grp)} times (not a known defect)")
        ref = ctk.loc[(town, year), COUNTS]
        same = grp[[bool((grp.loc[i, COUNTS].astype("Int64") == ref.astype("Int64")).fillna(False).all())
                    for i in grp.index]]
        if len(same) != 1:
            raise RawDataError(f"{PORTAL}: {town} {year} listed {len(grp)} times and {len(same)} copies match "
                               f"{CTDATA}; cannot tell which is right")
        keep[grp.index.difference(same.index)] = False
        totals = ", ".join(str(t) for t in grp["total_assisted"])
        times = "twice" if len(grp) == 2 else f"{len(grp)} times"
        notes[(town, year)] = (f"the data.ct.gov export lists this town {times} for {year} (total assisted {totals}); "
                               f"kept the row that matches the CTData copy of the DOH list in every column")
    portal = portal[keep].copy()

    rows = []
    for year in PORTAL_YEARS:
        absent = set(towns) - set(portal.loc[portal["year"] == year, "town"])
        if not absent:
            continue
        known = KNOWN_PORTAL_DEFECTS.get(year, {}).get("missing", set())
        if not absent <= known or year not in CTDATA_YEARS:
            raise RawDataError(f"{PORTAL}: {year} lacks town(s) {sorted(absent)} "
                               f"(not a known defect that {CTDATA} can repair)")
        for town in sorted(absent):
            rows.append(ct[(ct["town"] == town) & (ct["year"] == year)].assign(source_id=CTDATA_ID))
            notes[(town, year)] = (f"{year} row repaired from the CTData copy of the DOH list: the data.ct.gov export "
                                   f"omits this town")
    portal["source_id"] = PORTAL_ID

    # Rule 3: cross-check 2011-2019 rows that both sources give.
    both = portal.merge(ct, on=["town", "year"], suffixes=("", "_ct"))
    for col in COUNTS:
        differ = both[col].notna() & (both[col] != both[f"{col}_ct"])
        if differ.any():
            bad = both.loc[differ, ["town", "year", col, f"{col}_ct"]].astype(str).values.tolist()
            raise RawDataError(f"{PORTAL} and {CTDATA} disagree on {col} (town, year, portal, ctdata) beyond the "
                               f"known 2015 defects: {bad[:10]}")
    portal = portal.set_index(["town", "year"])
    for col in COMPONENTS:
        gap = both[both[col].isna() & both[f"{col}_ct"].notna()]
        for _, r in gap.iterrows():
            portal.loc[(r["town"], r["year"]), col] = r[f"{col}_ct"]
            notes[(r["town"], r["year"])] = (f"{col} is blank in the data.ct.gov export; value "
                                             f"{r[f'{col}_ct']} from the CTData copy of the DOH list")
    out = pd.concat([portal.reset_index(), *rows], ignore_index=True)
    out["note"] = [notes.get(k, "") for k in zip(out["town"], out["year"])]
    return out


def _notes(df: pd.DataFrame) -> pd.Series:
    """The row's note: repairs (rules 2-3), rule 4, blank components, and rule 8."""
    out = []
    for r in df.itertuples(index=False):
        n = [r.note] if r.note else []
        comps = [c for c in COMPONENTS if not (c == "tenant_rental_assistance" and r.year <= 2010)]
        vals = [getattr(r, c) for c in comps]
        if r.year <= 2010:
            n.append("tenant rental assistance not broken out before 2011; counted in government assisted")
        blanks = [c for c, v in zip(comps, vals) if pd.isna(v)]
        if blanks:
            n.append(f"{', '.join(blanks)} blank in the source")
        elif sum(int(v) for v in vals) != r.total_assisted:
            n.append(f"components sum to {sum(int(v) for v in vals)}, the published total is {r.total_assisted}; "
                     f"total kept as published")
        out.append("; ".join(n))
    return pd.Series(out, index=df.index)


def build_tables(raw, geo) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(appeals_list, appeals_state)."""
    portal = _read_portal(raw, geo)
    ct, ct_state = _read_ctdata(raw, geo)

    early = ct[ct["year"].isin(CTDATA_ONLY_YEARS)].copy()
    if (early["tenant_rental_assistance"] != 0).any():  # rule 4
        bad = early.loc[early["tenant_rental_assistance"] != 0, ["town", "year"]].values.tolist()
        raise RawDataError(f"{CTDATA}: tenant rental assistance expected 0 (not broken out) before 2011: {bad[:5]}")
    early["tenant_rental_assistance"] = pd.NA
    early["source_id"] = CTDATA_ID
    early["note"] = ""
    late = _repair_portal(portal, ct, geo.towns["town"])
    df = pd.concat([early, late], ignore_index=True)

    counts = df.groupby("year")["town"].agg(["count", "nunique"])
    if len(counts) != 22 or (counts != 169).any().any():
        raise RawDataError(f"appeals list: expected 169 distinct towns in each of 2002-2023, found {counts.to_dict()}")
    df["denominator"] = df["year"].map(denominator)
    varies = df.groupby(["town", "denominator"])["census_units"].nunique()
    if (varies > 1).any():
        raise RawDataError(f"{PORTAL} / {CTDATA}: census units change within one census denominator for "
                           f"{varies[varies > 1].index.tolist()[:5]}")
    df["note"] = _notes(df)
    df["pct_affordable"] = (df["pct_source"].astype(float) / 100).round(6)
    df["units_to_10pct"] = units_to_10pct(df["census_units"], df["total_assisted"]).values
    df["town_id"] = df["town"].map(geo.towns.set_index("town")["town_id"])
    for c in COUNTS:
        df[c] = df[c].astype("Int64")
    appeals_list = df[LIST_COLUMNS].sort_values(["town_id", "year"]).reset_index(drop=True)
    return appeals_list, _state(appeals_list, ct_state)


def _state(lst: pd.DataFrame, ct_state: pd.DataFrame) -> pd.DataFrame:
    g = lst.groupby("year")
    summed = g[COUNTS].sum(min_count=169)
    summed["tenant_rental_assistance"] = g["tenant_rental_assistance"].sum(min_count=169)
    summed["units_to_10pct"] = g["units_to_10pct"].sum()
    summed["towns_at_or_above_10pct"] = g["units_to_10pct"].apply(lambda s: int((s == 0).sum()))
    src = ct_state.set_index("year")
    src.loc[src.index.isin(CTDATA_ONLY_YEARS), "tenant_rental_assistance"] = pd.NA
    comp = summed.loc[src.index, COUNTS].astype("Float64") != src[COUNTS].astype("Float64")
    if comp.fillna(False).any().any():
        raise RawDataError(f"{CTDATA}: statewide row differs from the sum of the 169 towns in years "
                           f"{comp.index[comp.fillna(False).any(axis=1)].tolist()}")
    out = summed.reset_index()
    from_src = out["year"].isin(src.index)
    out["pct_affordable"] = np.where(
        from_src, out["year"].map(src["pct_source"]).astype(float) / 100,
        out["total_assisted"].astype(float) / out["census_units"].astype(float))
    out["pct_affordable"] = out["pct_affordable"].round(10)
    out["denominator"] = out["year"].map(denominator)
    out["method"] = np.where(
        from_src,
        "counts and percent: the statewide row of the CTData copy of the DOH list (equal to the sum of the 169 "
        "towns); units_to_10pct and towns_at_or_above_10pct from the 169 towns",
        "summed from the 169 towns (the data.ct.gov export has no statewide row); pct = total_assisted / "
        "census_units, unrounded")
    out["source_id"] = np.where(from_src, CTDATA_ID, PORTAL_ID)
    for c in [*COUNTS, "units_to_10pct", "towns_at_or_above_10pct"]:
        out[c] = out[c].astype("Int64")
    return out[STATE_COLUMNS].sort_values("year").reset_index(drop=True)


def _area_values(lst: pd.DataFrame, key: pd.Series, geo_type: str, ids) -> pd.DataFrame:
    """Sum the latest year's towns over ``key`` (town_id -> area id); pct = total / units."""
    d = lst[lst["year"] == LATEST].assign(area=lambda x: x["town_id"].map(key))
    g = d.groupby("area")
    agg = g[COUNTS + ["units_to_10pct"]].sum(min_count=1)
    incomplete = g[COUNTS + ["units_to_10pct"]].apply(lambda x: x.isna().any())
    agg = agg.astype("Float64").mask(incomplete).astype(float)
    agg["pct_affordable"] = agg["total_assisted"] / agg["census_units"]
    agg = agg.reindex(sorted(ids))
    frames = []
    for ind, col in INDICATOR_COLUMNS.items():
        est = agg[col]
        frames.append(pd.DataFrame({
            "geo_type": geo_type, "geo_id": agg.index, "indicator": ind, "estimate": est.values, "moe": np.nan,
            "missing_reason": np.where(est.isna(), "a member town's value is missing on the 2023 list", None),
        }))
    return concat_values(frames)


def load(raw, geo) -> Part:
    appeals_list, appeals_state = build_tables(raw, geo)
    latest = appeals_list[appeals_list["year"] == LATEST].merge(geo.towns[["town", "town_id"]], on="town_id")
    frames = [town_values(geo, latest, ind, col, source_file=PORTAL) for ind, col in INDICATOR_COLUMNS.items()]
    region_of = geo.towns.set_index("town_id")["region_id"]
    frames.append(_area_values(appeals_list, region_of, "region", geo.regions["region_id"]))
    frames.append(_area_values(appeals_list, pd.Series("09", index=geo.towns["town_id"]), "state", ["09"]))
    values = concat_values(frames).sort_values(["indicator", "geo_type", "geo_id"]).reset_index(drop=True)
    return Part(values=values, tables={"appeals_list": appeals_list, "appeals_state": appeals_state})
