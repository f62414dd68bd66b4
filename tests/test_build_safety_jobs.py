"""Crime (CT UCR via CTData) and jobs located in town (CT DOL QCEW via CTData), on the real raw files.

Expected values are the verified samples in opportunity/PROVENANCE.md sections 6a and 7.
"""

from __future__ import annotations

import pandas as pd
import pytest

from oca_dash.build import safety_jobs as sj
from oca_dash.build.raw import Raw, RawDataError
from oca_dash.indicators import INDICATORS

COUNTY_NAMED = {"Fairfield", "Hartford", "Litchfield", "New Haven", "New London", "Tolland", "Windham"}


class Tampered(Raw):
    """The real raw folder, with one file's table changed in memory (nothing is copied)."""

    def __init__(self, base: Raw, rel: str, change):
        super().__init__(base.root)
        self._rel, self._change = rel, change

    def read_csv(self, rel, **kw):
        df = super().read_csv(rel, **kw)
        return self._change(df.copy()) if rel == self._rel else df


@pytest.fixture(scope="module")
def part(raw, geo_with_pop):
    return sj.load(raw, geo_with_pop)


@pytest.fixture(scope="module")
def v(part):
    return part.values


def val(v, geo, indicator, town=None, geo_type="town", geo_id=None):
    gid = geo.town_id(town) if town else geo_id
    r = v[(v["indicator"] == indicator) & (v["geo_type"] == geo_type) & (v["geo_id"] == gid)]
    assert len(r) == 1, (indicator, town, geo_id)
    return r.iloc[0]


def test_violent_crime_2017_checks(v, geo):
    assert val(v, geo, "violent_crime_rate", geo_type="state", geo_id="09")["estimate"] == pytest.approx(228.4)
    for town, rate in {"Weston": 37.9, "Darien": 14.5, "Bridgeport": 895.3}.items():
        assert val(v, geo, "violent_crime_rate", town)["estimate"] == pytest.approx(rate)


def test_2017_rows_holding_county_totals_are_not_used(raw, v, geo):
    """PROVENANCE's 2017 'checks' Hartford 363 and New Haven 359 are in the file, but those rows hold
    figures for about a million residents (their county), not the city's."""
    d = raw.read_csv(sj.CRIME)
    d = d[(d["Year"] == "2017") & (d["Crime Type"] == "Total Violent Crime")]
    pub = d.pivot(index="Town", columns="Measure Type", values="Value").astype(float)
    for town, rate in {"Hartford": 362.5, "New Haven": 359.4}.items():
        assert pub.loc[town, sj.RATE] == pytest.approx(rate)
        assert pub.loc[town, sj.COUNT] / pub.loc[town, sj.RATE] * 1e5 > 900_000
        r = val(v, geo, "violent_crime_rate", town)
        assert pd.isna(r["estimate"]) and "county" in r["missing_reason"]
    flagged = v[(v["indicator"] == "violent_crime_rate") & (v["geo_type"] == "town") & v["estimate"].isna()]
    names = set(geo.towns.set_index("town_id").loc[flagged["geo_id"], "town"])
    assert names == COUNTY_NAMED | {"Ledyard"}
    assert "'Inf'" in val(v, geo, "violent_crime_rate", "Ledyard")["missing_reason"]


def test_crime_by_year_flags_only_2017(part):
    cy = part.tables["crime_by_year"]
    assert len(cy) == 170 * 8 * 3
    assert set(cy.loc[cy["note"].notna(), "year"]) == {2017}
    assert cy.loc[cy["note"].notna(), "rate_per_100k"].isna().all()
    hartford = cy[(cy["place"] == "Hartford") & (cy["crime_type"] == "violent")].set_index("year")
    assert hartford.loc[2016, "count"] == 1353 and hartford.loc[2016, "rate_per_100k"] == pytest.approx(1058.7)


def test_three_year_violent_rate(v, geo):
    assert val(v, geo, "violent_crime_rate_2014_16", "Hartford")["estimate"] == pytest.approx(
        (1076.2 + 1108.6 + 1058.7) / 3)
    assert val(v, geo, "violent_crime_rate_2014_16", geo_type="state", geo_id="09")["estimate"] == pytest.approx(
        (236.5 + 217.5 + 224.4) / 3)
    t = v[(v["indicator"] == "violent_crime_rate_2014_16") & (v["geo_type"] == "town")]
    assert len(t) == 169 and t["estimate"].notna().all()


def test_jobs_checks(v, geo):
    for town, jobs in {"Hartford": 103_902, "Stamford": 68_604, "Darien": 7_299, "Weston": 1_098}.items():
        assert val(v, geo, "jobs_in_town", town)["estimate"] == jobs
    assert val(v, geo, "jobs_in_town", geo_type="state", geo_id="09")["estimate"] == 1_545_731
    assert val(v, geo, "jobs_in_town_2019", "Hartford")["estimate"] == 110_997
    assert val(v, geo, "avg_annual_wage", "Stamford")["estimate"] == 141_518
    assert val(v, geo, "jobs_in_town", geo_type="county", geo_id="09003")["estimate"] == 477_869


def test_suppressed_cells_are_missing_with_reason(v, geo, part):
    for ind in ("jobs_in_town", "avg_annual_wage"):
        r = val(v, geo, ind, "Cornwall")
        assert pd.isna(r["estimate"]) and "suppressed by CT DOL" in r["missing_reason"]
    jy = part.tables["jobs_by_year"]
    assert (jy[["jobs", "avg_annual_wage", "employers"]].dropna() >= 0).all().all()
    assert jy["note"].notna().sum() == 21  # the -9999 cells: Barkhamsted 2010, Colebrook, Warren, Cornwall 2020


def test_jobs_per_resident(v, geo_with_pop):
    g = geo_with_pop
    pop = g.tracts.groupby("town_id")["population"].sum()
    hid = g.town_id("Hartford")
    assert val(v, g, "jobs_per_resident", "Hartford")["estimate"] == pytest.approx(110_997 / pop[hid])
    assert val(v, g, "jobs_per_resident", geo_type="state", geo_id="09")["estimate"] == pytest.approx(
        1_670_639 / g.tracts["population"].sum())
    t = v[(v["indicator"] == "jobs_per_resident") & (v["geo_type"] == "town")]
    assert t["estimate"].notna().all() and t["estimate"].between(0.01, 5).all()


def test_every_town_has_a_value_or_reason_and_registry(v):
    for ind, g in v.groupby("indicator"):
        reg = INDICATORS[ind]
        assert set(g["geo_type"]) == set(reg.geographies), ind
        towns = g[g["geo_type"] == "town"]
        assert len(towns) == 169 and towns["geo_id"].is_unique, ind
    assert v.loc[v["estimate"].isna(), "missing_reason"].notna().all()
    assert v.loc[v["estimate"].notna(), "missing_reason"].isna().all()
    assert INDICATORS["violent_crime_rate_2014_16"].opportunity_domain == "neighborhood"
    assert INDICATORS["violent_crime_rate"].opportunity_domain is None
    assert INDICATORS["jobs_per_resident"].opportunity_domain == "economic"


def test_needs_population(raw, geo):
    with pytest.raises(RawDataError, match="population"):
        sj.load(raw, geo)


@pytest.mark.parametrize(
    "rel, change, words",
    [
        (sj.CRIME, lambda d: d.drop(columns=["Measure Type"]), "missing column"),
        (sj.CRIME, lambda d: d.assign(Town=d["Town"].replace({"Darien": "Darian"})), "unknown place"),
        (sj.CRIME, lambda d: d.assign(Value=d["Value"].replace({"228.4": "about 228"})), "non-numeric"),
        (sj.JOBS, lambda d: d.assign(Value=d["Value"].replace({"103902": "-5"})), "negative"),
        (sj.JOBS, lambda d: d[d["Year"] != "2019"], "2019"),
    ],
)
def test_malformed_input_names_the_file(raw, geo_with_pop, rel, change, words):
    with pytest.raises(RawDataError) as e:
        sj.load(Tampered(raw, rel, change), geo_with_pop)
    assert rel in str(e.value) and words in str(e.value)
