"""Home values, rents, vacancy (ACS 2016-2020) and LAUS unemployment (2019, 2020) on the real raw files."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from oca_dash import indicators as registry
from oca_dash.build import housing_market as m
from oca_dash.build.acs_by_race import read_aff
from oca_dash.build.parts import VALUE_COLUMNS
from oca_dash.build.raw import Raw, RawDataError

IDS = {"median_home_value", "median_gross_rent", "homeowner_vacancy_rate", "rental_vacancy_rate",
       "vacant_housing_share", "unemployment_rate", "unemployment_rate_2020", "labor_force"}


@pytest.fixture(scope="module")
def part(raw, geo):
    return m.load(raw, geo)


@pytest.fixture(scope="module")
def values(part):
    return part.values


def val(values, geo, indicator, town=None):
    gid = "09" if town is None else geo.town_id(town)
    row = values[(values["indicator"] == indicator) & (values["geo_id"] == gid)]
    assert len(row) == 1, (indicator, town)
    return row.iloc[0]


def test_shape_and_registry(values):
    assert list(values.columns) == VALUE_COLUMNS
    assert set(values["indicator"]) == IDS
    counts = values.groupby(["indicator", "geo_type"]).size().unstack()
    assert (counts["town"] == 169).all() and (counts["state"] == 1).all()
    assert not values.duplicated(["indicator", "geo_type", "geo_id"]).any()
    assert (values["estimate"].isna() == values["missing_reason"].notna()).all()
    for i in IDS:
        ind = registry.get(i)
        assert set(ind.geographies) == {"state", "town"}
        has_moe = values.loc[values["indicator"] == i, "moe"].notna().any()
        assert has_moe == ind.has_moe, i
    for i in ("median_home_value", "median_gross_rent", "homeowner_vacancy_rate", "rental_vacancy_rate"):
        assert "2019-2023" in registry.get(i).notes and registry.get(i).vintage == "2016-2020"
    u = registry.get("unemployment_rate")
    assert u.higher_is_better is False and u.opportunity_domain == "economic" and not u.has_moe
    assert registry.get("unemployment_rate_2020").opportunity_domain is None


@pytest.mark.parametrize("town, units_value, value_moe, rent", [
    # PROVENANCE.md section E, DP04 2016-2020
    ("Hartford", 170200, 4765, 1004),
    ("Greenwich", 1377800, 124666, 2014),
    ("Andover", 297400, 25428, 866),
])
def test_value_and_rent_sample_values(values, geo, town, units_value, value_moe, rent):
    row = val(values, geo, "median_home_value", town)
    assert row["estimate"] == units_value and row["moe"] == value_moe
    assert val(values, geo, "median_gross_rent", town)["estimate"] == rent


def test_b25077_equals_dp04_median_value(raw, geo, values):
    dp = read_aff(raw, m.DP04, ["DP04_0089E"], geo)
    ours = values[values["indicator"] == "median_home_value"].set_index("geo_id")["estimate"]
    assert (dp.set_index("geo_id")["DP04_0089E"].astype(float) == ours.reindex(dp["geo_id"])).all()


def test_rent_suppressed_towns(values, geo):
    missing = values[(values["indicator"] == "median_gross_rent") & values["estimate"].isna()]
    assert sorted(geo.towns.set_index("town_id").loc[missing["geo_id"], "town"]) == ["Middlebury", "Middlefield"]
    assert missing["missing_reason"].str.startswith("suppressed by the Census Bureau").all()
    assert missing["moe"].isna().all()


def test_vacancy_rates_are_fractions(values, geo):
    # DP04 2016-2020 Hartford: homeowner 1.5 (+-0.7), rental 8.0 (+-0.9), vacant units 13.6 % (+-0.9)
    pair = lambda i, t=None: val(values, geo, i, t)[["estimate", "moe"]].tolist()  # noqa: E731
    assert pair("homeowner_vacancy_rate", "Hartford") == pytest.approx([0.015, 0.007])
    assert pair("rental_vacancy_rate", "Hartford") == pytest.approx([0.08, 0.009])
    assert pair("vacant_housing_share", "Hartford") == pytest.approx([0.136, 0.009])
    assert pair("vacant_housing_share") == pytest.approx([0.089, 0.002])  # Connecticut
    v = values[values["indicator"].str.contains("vacan")]["estimate"]
    assert v.between(0, 1).all()


@pytest.mark.parametrize("town, r2019, r2020", [
    ("Hartford", 6.6, 13.3), ("Greenwich", 2.9, 5.8), ("Andover", 3.2, 6.7),  # PROVENANCE.md section F
    (None, 3.7, 7.9),  # statewide row, COUNTIES sheet
])
def test_laus_rates(values, geo, town, r2019, r2020):
    assert val(values, geo, "unemployment_rate", town)["estimate"] == pytest.approx(r2019 / 100)
    assert val(values, geo, "unemployment_rate_2020", town)["estimate"] == pytest.approx(r2020 / 100)
    assert math.isnan(val(values, geo, "unemployment_rate", town)["moe"])


def test_laus_rate_is_unemployed_over_labor_force(part):
    t = part.tables["laus_annual"]
    assert len(t) == 2 * 170 and set(t["year"]) == {2019, 2020}
    assert ((100 * t["unemployed"] / t["labor_force"] - 100 * t["unemployment_rate"]).abs() <= 0.05 + 1e-9).all()
    assert (t["employed"] + t["unemployed"] == t["labor_force"]).all()
    for year, g in t.groupby("year"):
        state = g.loc[g["geo_type"] == "state", "labor_force"].item()
        assert g.loc[g["geo_type"] == "town", "labor_force"].sum() == pytest.approx(state, rel=1e-4)
    hartford = t[(t["town"] == "Hartford") & (t["year"] == 2019)].iloc[0]
    assert (hartford["labor_force"], hartford["unemployed"]) == (53450, 3517)
    assert "Union" in set(t["town"])  # "Union* " in the file: footnote stripped


def test_deterministic(raw, geo, part):
    again = m.load(raw, geo)
    pd.testing.assert_frame_equal(again.values, part.values)
    pd.testing.assert_frame_equal(again.tables["laus_annual"], part.tables["laus_annual"])


# --- malformed inputs fail loudly, naming the file ------------------------------------------------------

def test_malformed_laus_names_the_file(tmp_path, geo):
    rel = m.LAUS[2019]
    (tmp_path / rel).parent.mkdir(parents=True)
    sheet = pd.DataFrame([
        ["CONNECTICUT DEPARTMENT OF LABOR", "2019  (2019 Benchmark)", None],
        ["OFFICE OF RESEARCH", "CONNECTICUT LABOR FORCE DATA BY PLACE OF RESIDENCE", None],
        [None, "TOWNS", None],
        [None, None, "ANNUAL"],
        [None, None, "AVERAGE"],
        ["Andover", "LF", 1965],
        [None, "UN", 62],  # EMP row missing
        [None, "EMP", 1903],
        [None, "RT", 3.2],
    ])
    with pd.ExcelWriter(tmp_path / rel) as w:
        sheet.to_excel(w, sheet_name="Towns", header=False, index=False)
        sheet.to_excel(w, sheet_name="COUNTIES", header=False, index=False)
    with pytest.raises(RawDataError, match="LAUS Substate 2019 AP 19bm.xlsx"):
        m.read_laus(Raw(tmp_path), 2019, geo)


def test_malformed_dp04_names_the_file(tmp_path, geo):
    rel = m.DP04
    (tmp_path / rel).parent.mkdir(parents=True)
    (tmp_path / rel).write_text("GEO.id,GEO.id2,GEO.display-label,DP04_0134E\nId,Id2,Geography,Rent\n"
                                "0400000US09,9,Connecticut,1201\n")
    with pytest.raises(RawDataError, match="ACS_20_5YR_DP04_with_ann.csv"):
        read_aff(Raw(tmp_path), rel, ["DP04_0134E", "DP04_0134M"], geo)
