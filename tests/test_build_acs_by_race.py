"""Income, poverty and homeownership by race (ACS 2013-2017 / 2015-2019, CTData copies) on the real raw files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from oca_dash import indicators as registry
from oca_dash.build import acs_by_race as m
from oca_dash.build.parts import VALUE_COLUMNS
from oca_dash.build.raw import Raw, RawDataError

GROUPS = ("all", "white_nh", "black", "asian", "hispanic")


@pytest.fixture(scope="module")
def values(raw, geo):
    return m.load(raw, geo).values


def val(values, geo, indicator, town=None):
    gid = "09" if town is None else geo.town_id(town)
    row = values[(values["indicator"] == indicator) & (values["geo_id"] == gid)]
    assert len(row) == 1, (indicator, town)
    return row.iloc[0]


def test_shape_and_registry(values):
    assert list(values.columns) == VALUE_COLUMNS
    ids = {f"{p}_{g}" for p in ("median_hh_income_2017", "poverty_rate_2017", "homeownership_2019") for g in GROUPS}
    assert set(values["indicator"]) == ids
    counts = values.groupby(["indicator", "geo_type"]).size().unstack()
    assert (counts["town"] == 169).all() and (counts["state"] == 1).all()
    assert not values.duplicated(["indicator", "geo_type", "geo_id"]).any()
    for i in ids:
        ind = registry.get(i)
        assert ind.group == next(g for g in GROUPS if i.endswith("_" + g))
        assert set(ind.geographies) == {"state", "town"} and ind.has_moe
    # a value is either present or missing with a reason, never both or neither
    assert (values["estimate"].isna() == values["missing_reason"].notna()).all()
    # shares are fractions
    rates = values[values["indicator"].str.startswith(("poverty", "homeownership"))]["estimate"].dropna()
    assert rates.between(0, 1).all()


@pytest.mark.parametrize("town, expected", [
    # PROVENANCE.md section E: all / White NH / Black / Asian / Hispanic, 2013-2017, 2017 dollars
    ("Hartford", (33841, 48267, 35765, 65096, 25778)),
    ("Greenwich", (138180, 150271, 49911, 165208, 75417)),
    ("Andover", (100507, 100169, None, None, 81875)),
])
def test_income_by_race_sample_values(values, geo, town, expected):
    for g, want in zip(GROUPS, expected):
        row = val(values, geo, f"median_hh_income_2017_{g}", town)
        if want is None:
            assert math.isnan(row["estimate"]) and math.isnan(row["moe"])
            assert row["missing_reason"] == m.SUPPRESSED
            assert row["missing_reason"] == ("suppressed by the Census Bureau: too few sample households of this "
                                             "group in the town")
        else:
            assert row["estimate"] == want and row["missing_reason"] is None
    assert val(values, geo, "median_hh_income_2017_all", "Hartford")["moe"] == 1583  # PROVENANCE section G
    assert val(values, geo, "median_hh_income_2017_all")["estimate"] == 73781  # state row


@pytest.mark.parametrize("group, n", [("black", 102), ("asian", 76), ("hispanic", 57), ("white_nh", 0), ("all", 0)])
def test_suppressed_counts_match_provenance(values, group, n):
    v = values[(values["indicator"] == f"median_hh_income_2017_{group}") & (values["geo_type"] == "town")]
    assert (v["missing_reason"] == m.SUPPRESSED).sum() == n


def test_top_and_bottom_codes(values, geo):
    top = registry.get("median_hh_income_2017_asian").top_coded
    assert top == 250001
    for town in ("Bolton", "Bridgewater", "Weston", "Wilton"):  # "250,000+" in B19013D
        row = val(values, geo, "median_hh_income_2017_asian", town)
        assert row["estimate"] == top and math.isnan(row["moe"]) and row["missing_reason"] is None
    v = values[values["indicator"].str.startswith("median_hh_income")]
    assert set(v.loc[v["estimate"] >= 250001, "estimate"]) == {250001.0}
    assert (v["estimate"] >= 250001).sum() == 4
    row = val(values, geo, "median_hh_income_2017_asian", "Haddam")  # "2,500-" in B19013D
    assert math.isnan(row["estimate"]) and "'2,500-'" in row["missing_reason"]
    assert "bottom-coded" in row["missing_reason"]


def test_poverty_by_race_hartford(values, geo):
    # PROVENANCE.md: Hartford 2013-2017 overall 30.5 %, NH White 18.0 %, Black 27.0 %, Hispanic 38.1 %
    for g, pct in (("all", 30.5), ("white_nh", 18.0), ("black", 27.0), ("hispanic", 38.1)):
        row = val(values, geo, f"poverty_rate_2017_{g}", "Hartford")
        assert round(row["estimate"] * 100, 1) == pct
        assert 0 < row["moe"] < 0.05
    assert val(values, geo, "poverty_rate_2017_all", "Hartford")["moe"] == pytest.approx(0.0141)
    assert val(values, geo, "poverty_rate_2017_all")["estimate"] == pytest.approx(0.1006)  # Connecticut


def test_poverty_not_computable(values, geo):
    row = val(values, geo, "poverty_rate_2017_asian", "Andover")
    assert math.isnan(row["estimate"]) and row["missing_reason"] == m.NO_POVERTY_UNIVERSE
    v = values[values["indicator"].str.startswith("poverty")].groupby("indicator")["estimate"]
    assert v.apply(lambda s: s.isna().sum()).to_dict() == {
        "poverty_rate_2017_all": 0, "poverty_rate_2017_asian": 6, "poverty_rate_2017_black": 9,
        "poverty_rate_2017_hispanic": 0, "poverty_rate_2017_white_nh": 0}


def test_homeownership_by_race(values, geo):
    # Hartford, all households 2015-2019: 11,196 owners of 46,690 (MOEs 563 and 891) -> 23.98 %,
    # PROVENANCE section G gives 24.0 % for 2015-2019.
    row = val(values, geo, "homeownership_2019_all", "Hartford")
    assert row["estimate"] == pytest.approx(0.2398)
    p = 11196 / 46690
    assert row["moe"] == pytest.approx(math.sqrt(563**2 - p**2 * 891**2) / 46690, rel=1e-3)
    assert val(values, geo, "homeownership_2019_white_nh", "Hartford")["estimate"] == pytest.approx(0.3636)
    assert val(values, geo, "homeownership_2019_hispanic", "Hartford")["estimate"] == pytest.approx(0.1543)
    # every Hispanic household in Andover's sample owns (35 of 35): the MOE falls back to the ratio formula
    row = val(values, geo, "homeownership_2019_hispanic", "Andover")
    assert row["estimate"] == 1.0 and row["moe"] > 0
    row = val(values, geo, "homeownership_2019_asian", "Andover")
    assert math.isnan(row["estimate"]) and row["missing_reason"] == m.NO_HOUSEHOLDS
    v = values[values["indicator"].str.startswith("homeownership")].groupby("indicator")["estimate"]
    assert v.apply(lambda s: s.isna().sum()).to_dict() == {
        "homeownership_2019_all": 0, "homeownership_2019_asian": 24, "homeownership_2019_black": 30,
        "homeownership_2019_hispanic": 3, "homeownership_2019_white_nh": 0}


def test_proportion_moe_formula():
    s = lambda *x: pd.Series(x, dtype=float)  # noqa: E731
    got = m.proportion_moe(s(0.5, 1.0), s(30, 20), s(40, 20), s(100, 50))
    assert got[0] == pytest.approx(math.sqrt(30**2 - 0.25 * 40**2) / 100)  # proportion formula
    assert got[1] == pytest.approx(math.sqrt(20**2 + 20**2) / 50)  # radicand 0 -> ratio formula


def test_deterministic(raw, geo, values):
    pd.testing.assert_frame_equal(m.load(raw, geo).values, values)


# --- malformed inputs fail loudly, naming the file ------------------------------------------------------

def _write(root, rel, text):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def test_malformed_income_file_names_the_file(tmp_path, geo):
    rel = f"{m.INCOME_DIR}/ACS_17_5YR_B19013B_with_ann.csv"
    _write(tmp_path, rel, "GEO.id,GEO.id2,GEO.display-label,HD01_VD01\nId,Id2,Geography,Estimate\n"
                          "0400000US09,09,Connecticut,45972\n")
    with pytest.raises(RawDataError, match="B19013B_with_ann.csv.*HD02_VD01"):
        m.read_aff(Raw(tmp_path), rel, ["HD01_VD01", "HD02_VD01"], geo)


def test_unknown_cell_and_wrong_top_code_are_errors():
    with pytest.raises(RawDataError, match="x.csv.*'n/a'"):
        m.parse_aff(pd.Series(["n/a"]), pd.Series(["1"]), rel="x.csv", col="E", suppressed="s")
    with pytest.raises(RawDataError, match="x.csv.*top-coded"):
        m.parse_aff(pd.Series(["200,000+"]), pd.Series(["***"]), rel="x.csv", col="E", suppressed="s",
                    top=250001.0)
    ok = m.parse_aff(pd.Series(["250,000+", "-", "5,000-", "123"]), pd.Series(["***", "**", "***", "45"]),
                     rel="x.csv", col="E", suppressed="s", top=250001.0)
    assert ok["estimate"].iloc[0] == 250001 and ok["missing_reason"].iloc[1] == "s"
    assert np.isnan(ok["estimate"].iloc[2]) and "'5,000-'" in ok["missing_reason"].iloc[2]
    assert ok["estimate"].iloc[3] == 123 and ok["moe"].iloc[3] == 45


def test_malformed_tenure_file_names_the_file(tmp_path, geo):
    _write(tmp_path, m.TENURE, '"Andover","0901301080","2015-2019","All","Total","Number",1216\n')
    with pytest.raises(RawDataError, match="housing_tenure_race_town_2019-only.csv"):
        m.tenure_values(Raw(tmp_path), geo)


def test_malformed_poverty_file_names_the_file(tmp_path, geo):
    _write(tmp_path, m.POVERTY, "Town,FIPS,Year,Race/Ethnicity,Age,Poverty Status,Measure Type,Variable,Value\n"
                                "Andover,0901301080,2013-2017,All,Total,Below Poverty Level,Percent,"
                                "Poverty Status,1.57\n")
    with pytest.raises(RawDataError, match="poverty-status-by-town-2017-only.csv"):
        m.poverty_values(Raw(tmp_path), geo)
