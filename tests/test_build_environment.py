"""EJI 2024 environmental estimates and Krieger's ICE, on the real raw files.

Expected values are the verified samples in opportunity/PROVENANCE.md section 1d.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oca_dash.build import environment as env
from oca_dash.build.raw import Raw, RawDataError
from oca_dash.indicators import INDICATORS

# PROVENANCE 1d: simple (unweighted) town means of tract ICE.
ICE_SIMPLE = {"Hartford": -0.24, "Bridgeport": -0.14, "New Haven": -0.06, "Greenwich": 0.55, "Weston": 0.63,
              "Darien": 0.69}


class Tampered(Raw):
    """The real raw folder, with one file's table changed in memory (nothing is copied)."""

    def __init__(self, base: Raw, rel: str, change):
        super().__init__(base.root)
        self._rel, self._change = rel, change

    def read_csv(self, rel, **kw):
        df = super().read_csv(rel, **kw)
        return self._change(df.copy()) if rel == self._rel else df


@pytest.fixture(scope="module")
def fresh_raw(raw):
    return Raw(raw.root)  # its own record of the files read


@pytest.fixture(scope="module")
def part(fresh_raw, geo_with_pop):
    return env.load(fresh_raw, geo_with_pop)


@pytest.fixture(scope="module")
def v(part):
    return part.values


def val(v, indicator, geo_type, geo_id):
    r = v[(v["indicator"] == indicator) & (v["geo_type"] == geo_type) & (v["geo_id"] == geo_id)]
    assert len(r) == 1, (indicator, geo_type, geo_id)
    return r.iloc[0]


def test_adi_is_never_read(part, fresh_raw):
    assert env.EJI in fresh_raw.used and env.ICE in fresh_raw.used
    assert not any("adi" in rel.rsplit("/", 1)[-1] for rel in fresh_raw.used)


def test_ice_simple_means_match_provenance(raw, geo):
    ice = env.read_ice(raw, geo).merge(geo.tracts[["tract_id", "town"]], on="tract_id")
    simple = ice.groupby("town")["ice_race_income"].mean()
    for town, m in ICE_SIMPLE.items():
        assert simple[town] == pytest.approx(m, abs=0.005), town


def test_town_values_are_population_weighted(v, geo_with_pop):
    g = geo_with_pop
    tr = v[(v["indicator"] == "ice_race_income") & (v["geo_type"] == "tract")].set_index("geo_id")["estimate"]
    t = g.tracts.set_index("tract_id").assign(ice=tr)
    for town in ("Hartford", "Greenwich", "Darien"):
        x = t[(t["town"] == town) & t["ice"].notna() & (t["population"] > 0)]
        expect = np.average(x["ice"], weights=x["population"])
        assert val(v, "ice_race_income", "town", g.town_id(town))["estimate"] == pytest.approx(expect)
    assert val(v, "ice_race_income", "town", g.town_id("Hartford"))["estimate"] == pytest.approx(-0.217, abs=0.001)
    assert val(v, "ice_race_income", "town", g.town_id("Darien"))["estimate"] == pytest.approx(0.688, abs=0.001)


def test_eji_tract_values_and_units(v):
    # 2020 GEOID 09001010101 (Greenwich) is tract_id 09190010101; prop_near_* are percents of area -> fractions
    assert val(v, "eji_near_parks", "tract", "09190010101")["estimate"] == pytest.approx(0.999988)
    assert val(v, "eji_near_airport", "tract", "09190010101")["estimate"] == pytest.approx(0.243666)
    assert val(v, "eji_diesel_pm", "tract", "09190010101")["estimate"] == pytest.approx(0.2879)
    assert val(v, "eji_air_toxics_cancer_risk", "tract", "09190010101")["estimate"] == 20.0
    for ind in env.EJI_FIELDS:
        t = v[(v["indicator"] == ind) & (v["geo_type"] == "tract")]
        assert len(t) == 879 and t["geo_id"].is_unique
        if INDICATORS[ind].unit == "share":
            assert t["estimate"].dropna().between(0, 1).all() and t["estimate"].max() == 1.0


def test_eji_nodata_is_missing_with_reason(v):
    d = v[(v["indicator"] == "eji_diesel_pm") & (v["geo_type"] == "tract") & v["estimate"].isna()]
    assert sorted(d["geo_id"]) == ["09110980001", "09110980003"]  # EJI -999 (airport tracts, no residents)
    assert d["missing_reason"].str.contains("-999").all()


def test_every_town_has_a_value_or_reason_and_registry(v):
    for ind, g in v.groupby("indicator"):
        reg = INDICATORS[ind]
        assert set(g["geo_type"]) == set(reg.geographies), ind
        towns = g[g["geo_type"] == "town"]
        assert len(towns) == 169 and towns["geo_id"].is_unique, ind
        assert g.groupby("geo_type").size()[["state", "region", "county"]].tolist() == [1, 9, 8], ind
    assert v.loc[v["estimate"].isna(), "missing_reason"].notna().all()
    assert v.loc[v["estimate"].notna(), "missing_reason"].isna().all()
    inputs = {i.id for i in INDICATORS.values() if i.opportunity_domain and i.source in ("cdc_eji_2024",)}
    assert inputs == {"eji_diesel_pm"}
    assert INDICATORS["eji_diesel_pm"].higher_is_better is False


def test_town_without_values_gets_reason(geo_with_pop):
    t = env._tract_frame(geo_with_pop).assign(x=np.nan)
    hid = geo_with_pop.town_id("Hartford")
    t.loc[t["town_id"] != hid, "x"] = 1.0
    out = env._values(t, "x", "tract reason", "area reason", geo_with_pop)
    r = out[(out["geo_type"] == "town") & (out["geo_id"] == hid)].iloc[0]
    assert pd.isna(r["estimate"]) and r["missing_reason"] == "area reason"
    assert val(out, "x", "state", "09")["estimate"] == 1.0


def test_needs_population(raw, geo):
    with pytest.raises(RawDataError, match="population"):
        env.load(raw, geo)


@pytest.mark.parametrize(
    "rel, change, words",
    [
        (env.EJI, lambda d: d.drop(columns=["diesel_pm_conc"]), "missing column"),
        (env.EJI, lambda d: d.assign(census_tract_id_2020=d["census_tract_id_2020"].replace(
            {"09001010101": "09190010101"})), "not in the tract crosswalk"),
        (env.EJI, lambda d: d.assign(prop_near_parks=d["prop_near_parks"].replace({"99.9988": "199.9988"})),
         "outside"),
        (env.ICE, lambda d: d.assign(ice=d["ice"].replace({"0.6305732484076433": "1.63"})), "outside"),
        (env.ICE, lambda d: d.assign(ice=d["ice"].replace({"0.6305732484076433": "high"})), "non-numeric"),
    ],
)
def test_malformed_input_names_the_file(raw, geo_with_pop, rel, change, words):
    with pytest.raises(RawDataError) as e:
        env.load(Tampered(raw, rel, change), geo_with_pop)
    assert rel in str(e.value) and words in str(e.value)
