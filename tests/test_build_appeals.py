"""The Affordable Housing Appeals List (CGS 8-30g) build, on the real raw files.

Expected values are the verified samples in opportunity/PROVENANCE.md section 2.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from oca_dash.build import appeals
from oca_dash.build.raw import Raw, RawDataError
from oca_dash.indicators import INDICATORS, SOURCES


@pytest.fixture(scope="module")
def part(raw, geo):
    return appeals.load(raw, geo)


@pytest.fixture(scope="module")
def lst(part, geo):
    return part.tables["appeals_list"].merge(geo.towns[["town", "town_id"]], on="town_id", how="left")


@pytest.fixture(scope="module")
def state(part):
    return part.tables["appeals_state"].set_index("year")


def row(lst, town, year):
    r = lst[(lst["town"] == town) & (lst["year"] == year)]
    assert len(r) == 1, (town, year)
    return r.iloc[0]


def test_every_town_every_year(part, lst):
    t = part.tables["appeals_list"]
    assert list(t.columns) == appeals.LIST_COLUMNS
    assert len(t) == 169 * 22 == 3718
    assert lst["town"].notna().all()
    assert sorted(t["year"].unique()) == list(range(2002, 2024))
    assert (t.groupby("year")["town_id"].nunique() == 169).all()
    assert not t.duplicated(["town_id", "year"]).any()
    assert t[["census_units", "total_assisted", "pct_affordable", "units_to_10pct"]].notna().all().all()


def test_2023_town_values(lst):
    h = row(lst, "Hartford", 2023)
    assert (h["total_assisted"], h["census_units"]) == (21165, 53259)
    assert h["pct_affordable"] == pytest.approx(0.3974)
    assert h["units_to_10pct"] == 0  # a town at or above 10 % needs none
    for town, pct in [("New Haven", 32.09), ("Greenwich", 5.73), ("Darien", 4.09), ("Weston", 0.16),
                      ("Bridgewater", 0.12), ("Warren", 0.13)]:
        assert row(lst, town, 2023)["pct_affordable"] == pytest.approx(pct / 100), town
    y23 = lst[lst["year"] == 2023]
    assert y23.nsmallest(3, "pct_affordable")["town"].tolist() == ["Bridgewater", "Warren", "Weston"]
    assert (y23["pct_affordable"] >= 0.10).sum() == 28


def test_ctdata_years(lst):
    for town, year, pct in [("Hartford", 2002, 39.76), ("Hartford", 2019, 39.33), ("Weston", 2002, 0.03),
                            ("Weston", 2019, 0.22)]:
        assert row(lst, town, year)["pct_affordable"] == pytest.approx(pct / 100), (town, year)
    early = lst[lst["year"] <= 2010]
    assert early["tenant_rental_assistance"].isna().all()
    assert early["note"].str.contains("tenant rental assistance not broken out before 2011").all()
    assert lst.loc[lst["year"] >= 2011, "tenant_rental_assistance"].notna().all()
    ham = row(lst, "Hamden", 2007)  # published total 1,892; components sum to 1,897
    assert ham["total_assisted"] == 1892 and "components sum to 1897" in ham["note"]


def test_denominator_follows_the_census(lst):
    assert set(lst.loc[lst["year"] <= 2010, "denominator"]) == {"2000 census"}
    assert set(lst.loc[lst["year"].between(2011, 2022), "denominator"]) == {"2010 census"}
    assert set(lst.loc[lst["year"] == 2023, "denominator"]) == {"2020 census"}
    units = lst[lst["town"] == "Hartford"].set_index("year")["census_units"]
    assert units[2010] == 50644 and units[2011] == 51822 and units[2022] == 51822 and units[2023] == 53259


def test_2015_repaired(lst):
    y15 = lst[lst["year"] == 2015]
    assert y15["town"].nunique() == 169 and len(y15) == 169
    for town in ["Middlebury", "Middlefield", "South Windsor", "Southington"]:
        r = row(lst, town, 2015)
        assert r["source_id"] == "ct_doh_ahal_ctdata"
        assert "2015 row repaired from the CTData copy" in r["note"]
    assert row(lst, "Southington", 2015)["total_assisted"] == 1094
    bolton = row(lst, "Bolton", 2015)  # the portal lists 25 and 23; CTData and the DOH spreadsheet say 25
    assert bolton["total_assisted"] == 25 and bolton["source_id"] == "ct_doh_ahal_portal"
    assert "lists this town twice for 2015 (total assisted 25, 23)" in bolton["note"]
    chaplin = row(lst, "Chaplin", 2017)  # government assisted blank in the portal export
    assert chaplin["gov_assisted"] == 0 and "blank in the data.ct.gov export" in chaplin["note"]


def test_statewide(state, lst):
    for year, pct in [(2002, 11.85), (2010, 11.19), (2011, 10.72), (2019, 11.58), (2022, 11.68), (2023, 11.47)]:
        assert round(state.loc[year, "pct_affordable"] * 100, 2) == pct, year
    assert state.loc[2011, "method"].startswith("counts and percent: the statewide row")
    assert state.loc[2023, "method"].startswith("summed from the 169 towns")
    sums = lst.groupby("year")[["census_units", "total_assisted", "units_to_10pct"]].sum()
    pd.testing.assert_frame_equal(state[sums.columns].astype("int64"), sums.astype("int64"), check_names=False)
    assert state.loc[2023, "census_units"] == 1530197 and state.loc[2023, "towns_at_or_above_10pct"] == 28


def test_units_to_10pct_formula(lst):
    f = appeals.units_to_10pct
    assert f([70, 71, 70, 1000, 3671], [0, 0, 7, 500, 6]).tolist() == [7, 8, 0, 0, 362]
    exact = [max(0, math.ceil(u / 10 - t)) for u, t in zip(lst["census_units"], lst["total_assisted"])]
    assert lst["units_to_10pct"].tolist() == exact
    at10 = lst["total_assisted"] * 10 >= lst["census_units"]
    assert (lst.loc[at10, "units_to_10pct"] == 0).all() and (lst.loc[~at10, "units_to_10pct"] > 0).all()
    assert row(lst, "Weston", 2023)["units_to_10pct"] == 362  # 367.1 - 6, rounded up


def test_values_and_registry(part, geo, state):
    v = part.values
    ids = set(appeals.INDICATOR_COLUMNS)
    assert set(v["indicator"]) == ids
    assert v.groupby(["indicator", "geo_type"]).size().to_dict() == {
        (i, g): n for i in ids for g, n in [("town", 169), ("region", 9), ("state", 1)]}
    assert v["estimate"].notna().all() and v["missing_reason"].isna().all()
    est = v.set_index(["indicator", "geo_type", "geo_id"])["estimate"]
    hartford = geo.town_id("Hartford")
    assert est["ahal_pct_affordable", "town", hartford] == pytest.approx(0.3974)
    assert est["ahal_total_assisted", "state", "09"] == state.loc[2023, "total_assisted"] == 175548
    assert est["ahal_pct_affordable", "state", "09"] == pytest.approx(175548 / 1530197)
    reg = v[v["geo_type"] == "region"].pivot(index="geo_id", columns="indicator", values="estimate")
    assert sorted(reg.index) == sorted(geo.regions["region_id"])
    for col in ["ahal_census_units", "ahal_total_assisted", "ahal_units_to_10pct"]:
        assert reg[col].sum() == est[col, "state", "09"]
    assert (reg["ahal_pct_affordable"] == reg["ahal_total_assisted"] / reg["ahal_census_units"]).all()
    for i in ids:
        ind = INDICATORS[i]
        assert ind.domain == "affordable_housing" and ind.vintage == "2023" and not ind.has_moe
        assert ind.source in SOURCES and set(ind.geographies) == {"state", "region", "town"}
        assert ind.opportunity_domain is None
    assert INDICATORS["ahal_pct_affordable"].higher_is_better is True
    assert INDICATORS["ahal_pct_affordable"].unit == "share"


def test_deterministic(raw, geo, part):
    again = appeals.load(raw, geo)
    pd.testing.assert_frame_equal(again.values, part.values)
    for name, t in part.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], t)


def _tmp_raw(tmp_path, raw, edit_rel, edit):
    """A raw folder in tmp_path: ``edit_rel`` is an edited copy, the other input a symlink to the real file."""
    for rel in (appeals.PORTAL, appeals.CTDATA):
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel == edit_rel:
            text = raw.path(rel).read_text(encoding="utf-8-sig")
            new = edit(text)
            assert new != text
            dst.write_text(new, encoding="utf-8")
        else:
            dst.symlink_to(raw.path(rel))
    return Raw(tmp_path)


def test_renamed_column_names_the_file(tmp_path, raw, geo):
    bad = _tmp_raw(tmp_path, raw, appeals.PORTAL, lambda t: t.replace("Total Assisted Units", "Total Units", 1))
    with pytest.raises(RawDataError, match="Affordable_Housing_by_Town_2011-2023.csv.*Total Assisted Units"):
        appeals.load(bad, geo)


def test_overlap_disagreement_names_the_row(tmp_path, raw, geo):
    old = '"Hartford","0900337070",2013,"Number","Total Assisted",'
    text = raw.path(appeals.CTDATA).read_text(encoding="utf-8-sig")
    value = text.split(old, 1)[1].split("\n", 1)[0]
    bad = _tmp_raw(tmp_path, raw, appeals.CTDATA, lambda t: t.replace(old + value, old + str(int(value) + 1)))
    with pytest.raises(RawDataError, match=r"disagree on total_assisted.*Hartford', '2013'"):
        appeals.load(bad, geo)


def test_unexpected_duplicate_and_bad_percent(tmp_path, raw, geo):
    line = "2023,64,Hartford,53259,10755,8991,1419,0,21165,39.74"
    text = raw.path(appeals.PORTAL).read_text(encoding="utf-8-sig")
    assert line in text
    dup = _tmp_raw(tmp_path / "dup", raw, appeals.PORTAL, lambda t: t.replace(line, line + "\n" + line))
    with pytest.raises(RawDataError, match="Hartford 2023 listed 2 times"):
        appeals.load(dup, geo)
    pct = _tmp_raw(tmp_path / "pct", raw, appeals.PORTAL, lambda t: t.replace(line, line[:-5] + "38.74"))
    with pytest.raises(RawDataError, match="Affordable_Housing_by_Town.*percent disagrees.*Hartford"):
        appeals.load(pct, geo)
