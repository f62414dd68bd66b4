"""Core ACS 2019-2023 indicators for the state, regions, towns, tracts and districts.

Reads the cells of DataHaven's fetch (see ``acs_read``) and derives each indicator
with the Census Bureau's formulas for sums and proportions (``oca_dash.moe``).
Also returns the tract race counts that the opportunity-by-race figures use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import moe as M
from .acs_read import ACS_2023, acs_tables
from .parts import Part, concat_values
from .raw import RawDataError

LEVELS = {"2_state": "state", "3_county": "region", "6_town": "town", "8_tract": "tract",
          "upper_legis": "senate", "lower_legis": "house"}
TOP_CODE = 250001.0


def _geo_id(level: str, geoid: pd.Series) -> pd.Series:
    if level == "upper_legis":
        return "S" + geoid.str[-3:].astype(int).map("{:02d}".format)
    if level == "lower_legis":
        return "H" + geoid.str[-3:].astype(int).map("{:03d}".format)
    return geoid


class Cells:
    """Wide estimate and MOE frames, one row per geography, one column per ACS cell."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        long = pd.concat(tables.values(), ignore_index=True)
        long = long[long["level"].isin(LEVELS)].copy()
        long["geo_type"] = long["level"].map(LEVELS)
        parts = []
        for level, g in long.groupby("level", sort=True):
            g = g.copy()
            g["geo_id"] = _geo_id(level, g["geoid"]).values
            parts.append(g)
        long = pd.concat(parts, ignore_index=True)
        dup = long.duplicated(["geo_type", "geo_id", "variable"])
        if dup.any():
            raise RawDataError(f"{ACS_2023}: duplicated cells, e.g. {long[dup].head(3).values.tolist()}")
        self.names = long.drop_duplicates(["geo_type", "geo_id"]).set_index(["geo_type", "geo_id"])["name"]
        self.est = long.pivot(index=["geo_type", "geo_id"], columns="variable", values="estimate").sort_index()
        self.moe = long.pivot(index=["geo_type", "geo_id"], columns="variable", values="moe").sort_index()

    def e(self, *cells):
        missing = [c for c in cells if c not in self.est.columns]
        if missing:
            raise RawDataError(f"{ACS_2023}: ACS cell(s) {missing} not found")
        return sum(self.est[c] for c in cells)

    def m(self, *cells):
        return pd.Series(M.moe_sum(*[self.moe[c].fillna(0) for c in cells]), index=self.moe.index)


def _frame(cells: Cells, indicator: str, est, moe, reason: str) -> pd.DataFrame:
    est = pd.Series(np.asarray(est, float), index=cells.est.index)
    moe = pd.Series(np.asarray(moe, float), index=cells.est.index)
    out = pd.DataFrame({"estimate": est, "moe": moe}).reset_index()
    out["indicator"] = indicator
    out["missing_reason"] = np.where(out["estimate"].isna(), reason, None)
    out.loc[out["estimate"].isna(), "moe"] = np.nan
    return out


def _share(cells, indicator, num, num_moe, den, den_moe, reason="no one in the universe (denominator is 0)"):
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(den > 0, num / den, np.nan)
    return _frame(cells, indicator, p, M.moe_proportion(num, den, num_moe, den_moe), reason)


def build_values(cells: Cells) -> pd.DataFrame:
    c = cells
    frames = []
    total, total_m = c.e("B03002_001"), c.m("B03002_001")
    frames.append(_frame(c, "population", c.e("B01003_001"), c.moe["B01003_001"], "not published"))
    race = {
        "hispanic": ["B03002_012"], "white_nh": ["B03002_003"], "black_nh": ["B03002_004"],
        "asian_nh": ["B03002_006"], "other_nh": ["B03002_005", "B03002_007", "B03002_008", "B03002_009"],
        "poc": ["B03002_004", "B03002_005", "B03002_006", "B03002_007", "B03002_008", "B03002_009", "B03002_012"],
    }
    for key, cs in race.items():
        n, nm = c.e(*cs), c.m(*cs)
        frames.append(_frame(c, f"pop_{key}", n, nm, "not published"))
        frames.append(_share(c, f"share_{key}", n, nm, total, total_m))

    kids = [f"B01001_{i:03d}" for i in list(range(3, 7)) + list(range(27, 31))]
    n, nm = c.e(*kids), c.m(*kids)
    frames.append(_frame(c, "children_under18", n, nm, "not published"))
    frames.append(_share(c, "share_children", n, nm, c.e("B01001_001"), c.m("B01001_001")))
    n, nm = c.e("B05001_005", "B05001_006"), c.m("B05001_005", "B05001_006")
    frames.append(_frame(c, "foreign_born", n, nm, "not published"))
    frames.append(_share(c, "share_foreign_born", n, nm, c.e("B05001_001"), c.m("B05001_001")))
    frames.append(_frame(c, "households", c.e("B25003_001"), c.moe["B25003_001"], "not published"))

    inc = c.est["B19013_001"]
    reason_inc = pd.Series("the Census Bureau did not publish a median (too few sample households)", index=inc.index)
    reason_inc[inc.index.get_level_values(0).isin(["region", "senate", "house"])] = (
        "not published for this geography in the source (DataHaven does not carry medians for aggregated areas)")
    f = _frame(c, "median_hh_income", inc, c.moe["B19013_001"], "")
    f["missing_reason"] = np.where(f["estimate"].isna(), reason_inc.values, None)
    frames.append(f)

    det, det_m = c.e("C17002_001"), c.m("C17002_001")
    frames.append(_share(c, "poverty_rate", c.e("C17002_002", "C17002_003"), c.m("C17002_002", "C17002_003"),
                         det, det_m))
    low = [f"C17002_{i:03d}" for i in range(2, 8)]
    frames.append(_share(c, "low_income_rate", c.e(*low), c.m(*low), det, det_m))
    frames.append(_share(c, "bachelors_plus", c.e("B06009_005", "B06009_006"), c.m("B06009_005", "B06009_006"),
                         c.e("B06009_001"), c.m("B06009_001")))
    frames.append(_share(c, "homeownership_rate", c.e("B25003_002"), c.m("B25003_002"),
                         c.e("B25003_001"), c.m("B25003_001")))
    # B25106: owner 30%+ cells 006,010,014,018,022; 023 zero/negative income.
    # renter 30%+ cells 028,032,036,040,044; 045 zero/negative income, 046 no cash rent.
    own30 = ["B25106_006", "B25106_010", "B25106_014", "B25106_018", "B25106_022"]
    ren30 = ["B25106_028", "B25106_032", "B25106_036", "B25106_040", "B25106_044"]
    own_den = c.e("B25106_002") - c.e("B25106_023")
    own_den_m = c.m("B25106_002", "B25106_023")
    ren_den = c.e("B25106_024") - c.e("B25106_045", "B25106_046")
    ren_den_m = c.m("B25106_024", "B25106_045", "B25106_046")
    frames.append(_share(c, "owner_cost_burden", c.e(*own30), c.m(*own30), own_den, own_den_m,
                         "no owner households with a computed cost ratio"))
    frames.append(_share(c, "renter_cost_burden", c.e(*ren30), c.m(*ren30), ren_den, ren_den_m,
                         "no renter households with a computed cost ratio"))
    frames.append(_share(c, "no_vehicle_share", c.e("B08201_002"), c.m("B08201_002"),
                         c.e("B08201_001"), c.m("B08201_001")))
    return concat_values(frames)


def load(raw, geo) -> Part:
    cells = Cells(acs_tables(raw))
    vals = build_values(cells)

    # Towns: the fetch names must be exactly the 169 towns.
    town_names = cells.names.loc["town"]
    known = geo.towns.set_index("town_id")["town"]
    if set(town_names.index) != set(known.index) or (town_names[known.index] != known).any():
        raise RawDataError(f"{ACS_2023}: town GEOIDs or names differ from the 169 towns of the crosswalk")
    # Tracts: keep those in the crosswalk; the rest must be unpopulated water tracts.
    tract_pop = cells.est.loc["tract", "B01003_001"]
    extra = sorted(set(tract_pop.index) - set(geo.tracts["tract_id"]))
    if tract_pop.reindex(extra).fillna(0).gt(0).any():
        raise RawDataError(f"{ACS_2023}: populated tracts missing from the crosswalk: {extra}")
    absent = sorted(set(geo.tracts["tract_id"]) - set(tract_pop.index))
    if absent:
        raise RawDataError(f"{ACS_2023}: crosswalk tracts absent from the ACS fetch: {absent[:5]}")
    regions = set(cells.names.loc["region"].index)
    if regions != set(geo.regions["region_id"]):
        raise RawDataError(f"{ACS_2023}: planning regions {sorted(regions)} differ from the crosswalk's")
    vals = vals[~((vals["geo_type"] == "tract") & vals["geo_id"].isin(extra))].reset_index(drop=True)
    # The 250,001 top code: keep the value (so it can be shown as "250,000+"), never its absent MOE as a number.
    vals = vals.sort_values(["indicator", "geo_type", "geo_id"]).reset_index(drop=True)

    race_cells = {"all": "B03002_001", "hispanic": "B03002_012", "white_nh": "B03002_003",
                  "black_nh": "B03002_004", "asian_nh": "B03002_006"}
    tr = cells.est.loc["tract"]
    tract_race = pd.DataFrame({k: tr[v] for k, v in race_cells.items()})
    tract_race = tract_race[tract_race.index.isin(geo.tracts["tract_id"])]
    tract_race.index.name = "tract_id"
    tract_race = tract_race.reset_index().sort_values("tract_id").reset_index(drop=True)
    return Part(values=vals, tables={"tract_race_counts": tract_race})
