"""Home values, rents, vacancy (ACS 2016-2020) and unemployment (CT DOL LAUS 2019, 2020): state and towns.

Sources (see ``acs/PROVENANCE.md`` sections E and F):

* ``ACS_20_5YR_B25077_with_ann.csv`` (CTData copy, American FactFinder "with_ann" layout, row 2 = labels):
  median value of owner-occupied units ``B25077_001E/M``. These housing-market tables are 2016-2020
  because the 2019-2023 fetch used for the core indicators has no value, rent or vacancy tables.
* ``ACS_20_5YR_DP04_with_ann.csv`` (DP04, same layout): median gross rent ``DP04_0134E/M``; homeowner and
  rental vacancy rates ``DP04_0004E/M`` and ``DP04_0005E/M`` (DP04 publishes these rates in the E/M
  columns, in percent; the PE/PM columns are "(X)"); vacant share of all housing units ``DP04_0003PE/PM``
  (the measure the coalition's 2014 index used, 1 - B25002_003/B25002_001). Percents become fractions.
* Cell rules (``acs_by_race.parse_aff``): ``-`` = no estimate published (too few sample units) -> NaN with
  that reason; top codes such as ``2,000,000+`` / ``3,500+`` are stored as the code + 1 (the Census API
  convention) with no MOE, and must equal the registry's ``top_coded``; bottom codes (``10,000-``) -> NaN
  with a reason quoting the cell; none of the top or bottom codes occurs in these files for CT.
* ``LAUS Substate 2019 AP 19bm.xlsx`` and ``... 2020 AP 20bm.xlsx`` (CT DOL, labor force by place of
  residence). Sheet ``Towns``: per town four rows LF, EMP (spelt EM for a few towns), UN, RT; the annual
  average is the column headed ANNUAL / AVERAGE. The stored rate is the published RT / 100; the build
  checks that EMP + UN = LF and that RT equals 100 UN / LF within rounding. The state row comes from the
  ``COUNTIES`` sheet, row STATEWIDE (L.F, EMP, UNEMP, %). A trailing ``*`` on a town name (Union) is a
  footnote: "Not official BLS estimates, but were produced using BLS methodology"; it is stripped.
  LAUS figures are modelled administrative estimates with no MOE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .acs_by_race import aff_values, finish, parse_aff, read_aff
from .parts import VALUE_COLUMNS, Part, concat_values
from .raw import Raw, RawDataError

B25077 = "acs/ctdata_median-home-value-by-town/raw/ACS_20_5YR_B25077_with_ann.csv"
DP04 = "acs/ctdata_cost-burdened-households-by-town/raw/ACS_20_5YR_DP04_with_ann.csv"
LAUS = {
    2019: "acs/ctdata_labor-force/raw/town/LAUS Substate 2019 AP 19bm.xlsx",
    2020: "acs/ctdata_labor-force/raw/town/LAUS Substate 2020 AP 20bm.xlsx",
}
HOME_VALUE_TOP = 2000001.0
RENT_TOP = 3501.0
NO_SAMPLE = "suppressed by the Census Bureau: too few sample housing units in the town to compute it"

# indicator -> (file, estimate column, MOE column, cells are percents, top code)
ACS_CELLS = {
    "median_home_value": (B25077, "B25077_001E", "B25077_001M", False, HOME_VALUE_TOP),
    "median_gross_rent": (DP04, "DP04_0134E", "DP04_0134M", False, RENT_TOP),
    "homeowner_vacancy_rate": (DP04, "DP04_0004E", "DP04_0004M", True, None),
    "rental_vacancy_rate": (DP04, "DP04_0005E", "DP04_0005M", True, None),
    "vacant_housing_share": (DP04, "DP04_0003PE", "DP04_0003PM", True, None),
}
TOWN_LABELS = ("LF", "EMP", "UN", "RT")
STATE_LABELS = ("L.F", "EMP", "UNEMP", "%")


def acs_values(raw: Raw, geo) -> pd.DataFrame:
    frames = []
    for rel in dict.fromkeys(f for f, *_ in ACS_CELLS.values()):
        cells = {k: v for k, v in ACS_CELLS.items() if v[0] == rel}
        cols = [c for _, e, m, *_ in cells.values() for c in (e, m)]
        f = read_aff(raw, rel, cols, geo)
        for ind, (_, e, m, pct, top) in cells.items():
            parsed = parse_aff(f[e], f[m], rel=rel, col=e, suppressed=NO_SAMPLE, top=top, percent=pct)
            frames.append(aff_values(f, ind, parsed))
    return concat_values(frames)


def _annual_column(sheet: pd.DataFrame, rel: str, name: str) -> int:
    head = sheet.iloc[:12].astype(str).apply(lambda c: c.str.strip().str.upper())
    cols = [j for j in range(sheet.shape[1]) if (head.iloc[:, j] == "AVERAGE").any()
            and (head.iloc[:, j] == "ANNUAL").any()]
    if len(cols) != 1:
        raise RawDataError(f"{rel}: sheet {name}: cannot find one ANNUAL AVERAGE column (found {cols})")
    return cols[0]


def _number(v, rel: str, where: str) -> float:
    x = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    if pd.isna(x):
        raise RawDataError(f"{rel}: non-numeric value {v!r} at {where}")
    return float(x)


def read_laus(raw: Raw, year: int, geo) -> pd.DataFrame:
    """geo_type, geo_id, town, labor_force, employed, unemployed, rate (percent) for the state and 169 towns."""
    rel = LAUS[year]
    towns = raw.read_excel(rel, sheet_name="Towns", header=None)
    title = " ".join(str(x) for x in towns.iloc[:3].values.ravel())
    if str(year) not in title or "PLACE OF RESIDENCE" not in title.upper():
        raise RawDataError(f"{rel}: sheet Towns does not look like the {year} labor force by place of residence")
    ann = _annual_column(towns, rel, "Towns")
    lab = towns[1].astype(str).str.strip().replace({"EM": "EMP"})
    rows = []
    starts = np.flatnonzero(lab.values == "LF")
    for i in starts:
        block = lab.iloc[i:i + 4].tolist()
        name = towns.iat[i, 0]
        if block != list(TOWN_LABELS) or pd.isna(name) or towns.iloc[i + 1:i + 4, 0].notna().any():
            raise RawDataError(f"{rel}: sheet Towns, row {i + 1}: expected a town name on LF and rows "
                               f"{TOWN_LABELS}, found {name!r} {block}")
        v = [_number(towns.iat[i + k, ann], rel, f"sheet Towns row {i + k + 1}") for k in range(4)]
        rows.append({"town": str(name).strip().rstrip("*").strip(), "labor_force": v[0], "employed": v[1],
                     "unemployed": v[2], "rate": v[3]})
    t = pd.DataFrame(rows)
    if len(t) != 169 or set(t["town"]) != set(geo.towns["town"]):
        raise RawDataError(f"{rel}: sheet Towns: expected the 169 towns, found {len(t)} "
                           f"(unknown {sorted(set(t['town']) - set(geo.towns['town']))[:5]})")
    t = t.merge(geo.towns[["town", "town_id"]], on="town").rename(columns={"town_id": "geo_id"})
    t["geo_type"] = "town"

    counties = raw.read_excel(rel, sheet_name="COUNTIES", header=None)
    ann_c = _annual_column(counties, rel, "COUNTIES")
    hit = np.flatnonzero(counties[0].astype(str).str.strip().str.upper().values == "STATEWIDE")
    if len(hit) != 1:
        raise RawDataError(f"{rel}: sheet COUNTIES: expected one STATEWIDE row, found {len(hit)}")
    i = hit[0]
    block = counties.iloc[i:i + 4, 1].astype(str).str.strip().tolist()
    if block != list(STATE_LABELS):
        raise RawDataError(f"{rel}: sheet COUNTIES row {i + 1}: expected rows {STATE_LABELS}, found {block}")
    v = [_number(counties.iat[i + k, ann_c], rel, f"sheet COUNTIES row {i + k + 1}") for k in range(4)]
    state = pd.DataFrame([{"town": None, "labor_force": v[0], "employed": v[1], "unemployed": v[2], "rate": v[3],
                           "geo_id": "09", "geo_type": "state"}])
    out = pd.concat([state, t], ignore_index=True)

    # Layout checks: the four rows must be LF, EMP, UN and the rate of those annual averages.
    if ((out["employed"] + out["unemployed"] - out["labor_force"]).abs() > 1).any():
        raise RawDataError(f"{rel}: EMP + UN differs from LF for some places; layout not as expected")
    gap = (100 * out["unemployed"] / out["labor_force"] - out["rate"]).abs()
    slack = 0.05 + 50 / out["labor_force"] + 1e-9  # rate rounded to 0.1; counts rounded to whole people
    if (gap > slack).any():
        bad = out.loc[gap > slack, "town"].tolist()
        raise RawDataError(f"{rel}: RT is not UN / LF for {bad[:5]}; layout not as expected")
    for c in ("labor_force", "employed", "unemployed"):
        if (out[c] % 1 != 0).any():
            raise RawDataError(f"{rel}: {c} is not a whole number of people somewhere; layout not as expected")
        out[c] = out[c].astype("int64")
    out["year"] = year
    return out[["geo_type", "geo_id", "town", "year", "labor_force", "employed", "unemployed", "rate"]]


def laus_values(laus: dict[int, pd.DataFrame]) -> pd.DataFrame:
    def rows(df, indicator, col, div=1.0):
        return pd.DataFrame({"geo_type": df["geo_type"], "geo_id": df["geo_id"], "indicator": indicator,
                             "estimate": df[col] / div, "moe": np.nan, "missing_reason": None})[VALUE_COLUMNS]

    return concat_values([
        rows(laus[2019], "unemployment_rate", "rate", 100.0),
        rows(laus[2019], "labor_force", "labor_force"),
        rows(laus[2020], "unemployment_rate_2020", "rate", 100.0),
    ])


def load(raw: Raw, geo) -> Part:
    laus = {y: read_laus(raw, y, geo) for y in LAUS}
    table = (pd.concat(laus.values(), ignore_index=True)
             .assign(unemployment_rate=lambda d: d["rate"] / 100)
             .drop(columns="rate")
             .sort_values(["year", "geo_type", "geo_id"]).reset_index(drop=True))
    values = finish(concat_values([acs_values(raw, geo), laus_values(laus)]))
    return Part(values=values, tables={"laus_annual": table})
