"""The committed database read directly, so tests check what pages show against the data, never copies."""

from __future__ import annotations

from pathlib import Path

import duckdb

DB_PATH = Path(__file__).resolve().parents[1] / "data" / "oca.duckdb"


def sql(q: str, params=()):
    """A query's result as a DataFrame (read-only connection, closed after)."""
    con = duckdb.connect(str(DB_PATH), read_only=True)
    try:
        return con.execute(q, list(params)).df()
    finally:
        con.close()


def rows(q: str, params=()) -> list[tuple]:
    """A query's result as a list of tuples."""
    con = duckdb.connect(str(DB_PATH), read_only=True)
    try:
        return con.execute(q, list(params)).fetchall()
    finally:
        con.close()


def town_value(town: str, indicator: str):
    """A town's estimate of one indicator, as stored."""
    return rows("SELECT v.estimate FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id "
                "WHERE v.geo_type = 'town' AND t.town = ? AND v.indicator = ?", [town, indicator])[0][0]
