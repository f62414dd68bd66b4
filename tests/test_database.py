"""What the committed database holds, checked against the raw sources and the registry."""

import duckdb
import numpy as np
import pytest

from oca_dash.indicators import INDICATORS, SOURCES

from .conftest import DB_PATH


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect(str(DB_PATH), read_only=True)
    yield c
    c.close()


def q(con, sql, *p):
    return con.execute(sql, list(p)).df()


def test_geography(con):
    assert q(con, "SELECT count(*) n FROM towns").n[0] == 169
    assert q(con, "SELECT count(DISTINCT town_id) n FROM tracts").n[0] == 169
    t = q(con, "SELECT * FROM towns WHERE town = 'Hartford'").iloc[0]
    assert (t.town_id, t.town_geoid_2020, t.region_id) == ("0911037070", "0900337070", "09110")
    assert q(con, "SELECT round(sum(land_sq_mi), 1) s FROM towns").s[0] == 4842.4
    # 879 land tracts in the crosswalk; 3 have no residents in ACS 2019-2023
    assert q(con, "SELECT count(*) n FROM tracts").n[0] == 879
    assert q(con, "SELECT count(*) n FROM tracts WHERE population > 0").n[0] == 876


def test_registry_tables_match_the_code(con):
    ind = q(con, "SELECT * FROM indicators")
    assert set(ind["id"]) == set(INDICATORS)
    assert set(q(con, "SELECT id FROM sources")["id"]) == set(SOURCES)
    for col in ("label", "short_label", "unit", "format", "domain", "source_id", "vintage", "universe"):
        assert ind[col].notna().all() and (ind[col] != "").all(), col


def test_every_town_indicator_has_169_rows_and_reasons(con):
    d = q(con, "SELECT indicator, count(*) n, count(estimate) k, "
               "count(*) FILTER (WHERE estimate IS NULL AND missing_reason IS NULL) silent "
               "FROM indicator_values WHERE geo_type = 'town' GROUP BY indicator")
    town_ids = {i.id for i in INDICATORS.values() if "town" in i.geographies}
    assert set(d["indicator"]) == town_ids
    assert (d["n"] == 169).all() and (d["silent"] == 0).all()


def test_wide_view_agrees_with_long_table(con):
    w = q(con, "SELECT geo_id, population, share_black_nh FROM town_wide ORDER BY geo_id")
    lng = q(con, "SELECT geo_id, estimate FROM indicator_values WHERE geo_type='town' AND indicator='share_black_nh' "
                 "ORDER BY geo_id")
    assert len(w) == 169
    assert np.allclose(w["share_black_nh"], lng["estimate"])


def test_state_shares_are_quoted_figures(con):
    s = q(con, "SELECT indicator, estimate FROM indicator_values WHERE geo_type='state'").set_index("indicator")
    assert round(s.loc["share_white_nh", "estimate"], 2) == 0.63
    assert s.loc["population", "estimate"] == 3598348


def test_town_opportunity_shares_sum_to_one(con):
    d = q(con, "SELECT * FROM area_opportunity WHERE geo_type = 'town'")
    cols = [c for c in d.columns if c.startswith("share_")]
    rated = d[d["population_rated"] > 0]
    assert np.allclose(rated[cols].sum(axis=1), 1.0)
    assert set(d["index_name"]) == {"oca2025", "coi3", "oca2014"}


def test_opportunity_levels_match_known_pattern(con):
    """Hartford's tracts are overwhelmingly Very Low on the 2014 index (PROVENANCE: 38 of 40)."""
    d = q(con, "SELECT o.level, count(*) n FROM tract_opportunity o JOIN tracts t USING (tract_id) "
               "WHERE t.town = 'Hartford' AND index_name = 'oca2014' GROUP BY 1")
    n = dict(zip(d.level, d.n))
    assert n.get("Very Low", 0) / sum(n.values()) > 0.85


def test_raw_files_are_listed_with_hashes(con):
    r = q(con, "SELECT * FROM raw_files")
    assert "acs/datahaven_2023acs/fetch_data/acs_basic_2023_fetch_all.rds" in set(r["path"])
    assert (r["git_blob_sha1"].str.len() == 40).all()
    assert not r["path"].str.contains("adi_CT").any()  # its terms restrict redistribution


def test_database_size_budget():
    assert DB_PATH.stat().st_size < 25 * 1024 * 1024
