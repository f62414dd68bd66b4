"""Health indicators (DataHaven's aggregates of CDC PLACES and USALEEP), on the real raw files.

Expected values are the verified samples in opportunity/PROVENANCE.md section 4a.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from oca_dash.build import health
from oca_dash.build.raw import Raw, RawDataError
from oca_dash.indicators import INDICATORS

LE_MISSING = ["Beacon Falls", "Canterbury", "Cornwall", "Pomfret", "Roxbury", "Warren"]
LEGIS_UPPER = "legislative/datahaven_legis_profile_data22/to_distro/upper_legis_2022_acs_health_comb.csv"


class Tampered(Raw):
    """The real raw folder, with one file's table changed in memory (nothing is copied)."""

    def __init__(self, base: Raw, rel: str, change):
        super().__init__(base.root)
        self._rel, self._change = rel, change

    def read_csv(self, rel, **kw):
        df = super().read_csv(rel, **kw)
        return self._change(df.copy()) if rel == self._rel else df


@pytest.fixture(scope="module")
def part(raw, geo):
    return health.load(raw, geo)


@pytest.fixture(scope="module")
def v(part):
    return part.values


def val(v, geo, indicator, town=None, geo_type="town", geo_id=None):
    gid = geo.town_id(town) if town else geo_id
    r = v[(v["indicator"] == indicator) & (v["geo_type"] == geo_type) & (v["geo_id"] == gid)]
    assert len(r) == 1, (indicator, town, geo_id)
    return r.iloc[0]


def test_life_expectancy_checks(v, geo):
    assert val(v, geo, "life_expectancy", geo_type="state", geo_id="09")["estimate"] == pytest.approx(80.3)
    for town, le in {"Hartford": 77.1, "Bridgeport": 77.7, "New Haven": 78.2, "Darien": 83.4}.items():
        assert val(v, geo, "life_expectancy", town)["estimate"] == pytest.approx(le)


def test_life_expectancy_missing_towns_have_reasons(v, geo):
    le = v[(v["indicator"] == "life_expectancy") & (v["geo_type"] == "town")]
    missing = set(geo.towns.set_index("town_id").loc[le.loc[le["estimate"].isna(), "geo_id"], "town"])
    assert missing == set(LE_MISSING) | {"Canaan"}
    for t in LE_MISSING:
        reason = val(v, geo, "life_expectancy", t)["missing_reason"]
        assert reason == "USALEEP did not estimate enough tracts in this town"
    assert "no row" in val(v, geo, "life_expectancy", "Canaan")["missing_reason"]


def test_diabetes_both_releases(raw, geo, v):
    # PROVENANCE check values are the 2023 file (2021 measure) ...
    old = health.read_release(raw, health.REL_2023, geo, ["Diabetes_2021"], with_tracts=False)
    old = old[old["geo_type"] == "town"].set_index("geo_id")["Diabetes_2021"]
    assert old[geo.town_id("Hartford")] == pytest.approx(0.152)
    assert old[geo.town_id("Darien")] == pytest.approx(0.060)
    # ... while the stored indicator is the newer 2024 file (2023 measure).
    assert val(v, geo, "places_diabetes", "Hartford")["estimate"] == pytest.approx(0.160)
    assert val(v, geo, "places_diabetes", "Darien")["estimate"] == pytest.approx(0.064)
    assert val(v, geo, "places_diabetes", geo_type="state", geo_id="09")["estimate"] == pytest.approx(0.102)


def test_health_insurance_column_is_the_uninsured_share(raw, geo):
    """DataHaven's 'Health insurance' equals its legislative profiles' 'Ages 18-64, no health insurance'."""
    hd = health.read_release(raw, health.REL_2023, geo, ["Health insurance_2021"], with_tracts=False)
    hd = hd[hd["geo_type"] == "senate"].set_index("geo_id")["Health insurance_2021"]
    prof = raw.read_csv(LEGIS_UPPER)
    prof = prof[prof["level"] == "upper_legis"]
    no_ins = pd.Series(pd.to_numeric(prof["Ages 18-64, no health insurance_2021"]).values,
                       index=[f"S{int(n.split()[-1]):02d}" for n in prof["name"]])
    assert len(no_ins) == 36
    assert np.allclose(hd.reindex(no_ins.index).values, no_ins.values)
    assert hd.max() < 0.3  # an insured share would be near 0.9


def test_every_town_has_a_value_or_reason(v):
    for ind, g in v.groupby("indicator"):
        towns = g[g["geo_type"] == "town"]
        assert len(towns) == 169 and towns["geo_id"].is_unique, ind
        assert towns.loc[towns["estimate"].isna(), "missing_reason"].notna().all(), ind
    assert v.loc[v["estimate"].isna(), "missing_reason"].notna().all()
    assert v.loc[v["estimate"].notna(), "missing_reason"].isna().all()


def test_registry_matches_values(v):
    for ind, g in v.groupby("indicator"):
        reg = INDICATORS[ind]
        assert set(g["geo_type"]) == set(reg.geographies), ind
        if reg.unit == "share":
            assert g["estimate"].dropna().between(0, 1).all(), ind
    assert INDICATORS["life_expectancy"].opportunity_domain == "neighborhood"
    assert INDICATORS["life_expectancy"].higher_is_better is True


def test_geography_counts(v):
    d = v[v["indicator"] == "places_diabetes"].groupby("geo_type")
    assert d.size().to_dict() == {"state": 1, "region": 9, "county": 8, "town": 169, "tract": 879,
                                  "senate": 36, "house": 151}
    n = d["estimate"].count().to_dict()
    assert n["tract"] == 876 and n["senate"] == 36 and n["house"] == 151 and n["region"] == 9
    assert sorted(v.loc[v["geo_type"] == "senate", "geo_id"].unique())[:2] == ["S01", "S02"]
    assert "H151" in set(v.loc[v["geo_type"] == "house", "geo_id"])


def test_cog_rows_are_the_planning_regions(raw, geo_with_pop):
    """A COG row equals the population-weighted mean of its towns under our planning-region membership."""
    g = geo_with_pop
    d = health.read_release(raw, health.REL_2024, g, ["Diabetes_2023"], with_tracts=False)
    pop = g.tracts.groupby("town_id")["population"].sum()
    towns = g.towns.set_index("town_id").join(d[d["geo_type"] == "town"].set_index("geo_id")["Diabetes_2023"])
    towns["pop"] = pop
    for key, gt in (("region_id", "region"), ("county_id", "county")):
        w = (towns["Diabetes_2023"] * towns["pop"]).groupby(towns[key]).sum() / towns.groupby(key)["pop"].sum()
        pub = d[d["geo_type"] == gt].set_index("geo_id")["Diabetes_2023"]
        assert (w.reindex(pub.index) - pub).abs().max() < 0.0015, gt


def test_missing_tracts_have_no_residents(v, geo_with_pop):
    t = v[(v["indicator"] == "places_diabetes") & (v["geo_type"] == "tract") & v["estimate"].isna()]
    pop = geo_with_pop.tracts.set_index("tract_id")["population"]
    assert len(t) == 3 and (pop[t["geo_id"]] == 0).all()


def test_deterministic(raw, geo, part):
    again = health.load(raw, geo).values
    pd.testing.assert_frame_equal(part.values, again)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d.drop(columns=["Diabetes_2023"]), "missing column"),
        (lambda d: d.assign(**{"Diabetes_2023": [str(float(x) * 100) for x in d["Diabetes_2023"]]}), "outside"),
        (lambda d: d.assign(name=d["name"].replace({"Hartford": "Hartferd"})), "unknown town"),
        (lambda d: d.assign(**{"Current asthma_2023": d["Current asthma_2023"].replace({"0.135": "n/a"})}),
         "non-numeric"),
        (lambda d: d[d["name"] != "Capitol Region COG"], "region"),
    ],
)
def test_malformed_input_names_the_file(raw, geo, change, words):
    with pytest.raises(RawDataError) as e:
        health.load(Tampered(raw, health.REL_2024, change), geo)
    assert health.REL_2024 in str(e.value) and words in str(e.value)


def test_life_expectancy_is_not_a_share(v):
    le = v.loc[v["indicator"] == "life_expectancy", "estimate"].dropna()
    assert le.between(70, 90).all() and not math.isnan(le.mean())
