"""The read-only query layer against the committed database."""

import duckdb
import numpy as np
import pytest

from oca_dash.build.opportunity import by_race
from oca_dash.indicators import INDICATORS
from oca_dash.levels import LEVELS
from oca_dash.query import DB, DatabaseError

from .conftest import DB_PATH


def test_opens_read_only(db):
    with pytest.raises(duckdb.Error):
        db.df("CREATE TABLE x AS SELECT 1")
    assert db.vintage == "2023"


def test_towns_and_case_insensitive_lookup(db):
    t = db.towns()
    assert len(t) == 169 and t["town"].is_unique
    wh = t.loc[t["town"] == "West Hartford", "town_id"].iloc[0]
    assert db.town("west hartford")["town_id"] == wh == "0911082590"
    assert db.town("  West Hartford ")["town_id"] == wh
    assert db.town("Hartford'; DROP TABLE towns; --") is None
    assert db.town("Atlantis") is None
    assert len(db.towns()) == 169


def test_unknown_indicator_is_refused_before_sql(db):
    with pytest.raises(KeyError):
        db.values(['population" FROM towns; --'])
    with pytest.raises(KeyError):
        db.town_wide(["nope"])


def test_values_match_the_long_table(db):
    hid = db.town("Hartford")["town_id"]
    v = db.values(["population", "poverty_rate"], "town", [hid]).set_index("indicator")
    raw = db.df("SELECT indicator, estimate FROM indicator_values WHERE geo_id = ? AND indicator IN "
                "('population', 'poverty_rate')", [hid]).set_index("indicator")
    assert v.loc["population", "estimate"] == raw.loc["population", "estimate"] == 119970


def test_rank_ties_top_coded_incomes(db):
    r = db.ranked("median_hh_income")
    top = r[r["top_coded"]]
    assert len(top) == 4 and (top["rank_high"] == 1).all()
    nxt = r[~r["top_coded"] & r["estimate"].notna()].sort_values("estimate", ascending=False).iloc[0]
    assert nxt["rank_high"] == 5
    assert r["n"].iloc[0] == r["estimate"].notna().sum()


def test_rank_direction(db):
    r = db.ranked("poverty_rate").set_index("geo_id")
    lowest = r["estimate"].idxmin()
    assert r.loc[lowest, "rank_low"] == 1 and r.loc[lowest, "rank_high"] == r["n"].iloc[0] - (
        (r["estimate"] == r.loc[lowest, "estimate"]).sum() - 1)


def test_town_wide_has_every_town_indicator(db):
    ids = [i.id for i in INDICATORS.values() if "town" in i.geographies]
    w = db.town_wide(ids)
    assert len(w) == 169
    assert set(ids) <= set(w.columns)


def test_opportunity_by_race_view_matches_independent_computation(db):
    tract_opp = db.df("SELECT * FROM tract_opportunity")
    tract_race = db.df("SELECT * FROM tract_race_counts")
    want = by_race(tract_opp, tract_race)
    for idx in ("oca2025", "coi3", "oca2014"):
        got = db.opportunity_by_race(idx)
        assert list(got.columns) == ["index_name", "race", "level", "population", "share"]
        assert len(got) == 25
        w = want[want.index_name == idx].set_index(["race", "level"])
        g = got.set_index(["race", "level"])
        assert np.allclose(g.loc[w.index, "population"], w["population"])
        assert np.allclose(g.loc[w.index, "share"], w["share"])
        assert np.allclose(got.groupby("race")["share"].sum(), 1.0)


def test_quintiles_of_tracts(db):
    for idx in ("oca2025", "coi3"):
        t = db.tract_opportunity(idx)
        n = t["level"].value_counts().reindex(LEVELS)
        assert n.max() - n.min() <= 1, n.to_dict()


def test_missing_database_gives_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist.*make build"):
        DB(tmp_path / "nope.duckdb")


def test_truncated_database_gives_a_clear_error(tmp_path):
    bad = tmp_path / "oca.duckdb"
    bad.write_bytes(DB_PATH.read_bytes()[:100_000])
    with pytest.raises(DatabaseError, match="cannot be opened"):
        DB(bad)


def test_not_a_database_gives_a_clear_error(tmp_path):
    bad = tmp_path / "oca.duckdb"
    bad.write_text("this is not a database\n" * 100)
    with pytest.raises(DatabaseError, match="cannot be opened"):
        DB(bad)


def test_database_without_our_tables(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    with pytest.raises(DatabaseError, match="lacks tables"):
        DB(other)
