"""The read-only query layer over data/oca.duckdb.

One connection per process, opened read-only; each thread gets its own cursor (DuckDB
asks for that). Every query is parameterized; the only identifiers ever put into SQL
text are indicator ids checked against the registry. Results are pandas DataFrames.
No Streamlit here: pages cache these calls themselves.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from .indicators import INDICATORS

DEFAULT_DB = Path(__file__).resolve().parents[1] / "data" / "oca.duckdb"
DB_ENV = "OCA_DB"
REBUILD_HINT = ("Rebuild it with `make build` (or `python -m oca_dash build --raw ../shared/data/raw "
                "--out data/oca.duckdb`), or restore it with `git checkout data/oca.duckdb`.")
REQUIRED_TABLES = {"towns", "tracts", "indicator_values", "indicators", "sources", "build_info"}


_HEADER_BYTES = 3 * 4096  # DuckDB's file header and its two database headers


class DatabaseError(Exception):
    """The database file is missing, unreadable, or not one this code can use."""


def _ident(indicator_id: str) -> str:
    if indicator_id not in INDICATORS:
        raise KeyError(f"unknown indicator {indicator_id!r}")
    return f'"{indicator_id}"'


class DB:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)
        if self.path.is_dir():
            raise DatabaseError(f"{self.path} is a folder, not the database file (set {DB_ENV} to the .duckdb file "
                                f"itself, e.g. data/oca.duckdb). {REBUILD_HINT}")
        if not self.path.is_file():
            raise DatabaseError(f"The database file {self.path} does not exist. {REBUILD_HINT}")
        try:
            self._con = duckdb.connect(str(self.path), read_only=True)
            tables = {r[0] for r in self._con.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
            block_size, blocks = self._con.execute(
                "SELECT block_size, total_blocks FROM pragma_database_size()").fetchone()
        except duckdb.Error as e:
            raise DatabaseError(
                f"The database file {self.path} cannot be opened by DuckDB {duckdb.__version__} "
                f"(it may be truncated, corrupt, or written by another DuckDB version): {e}. {REBUILD_HINT}"
            ) from e
        # A file cut short after its header still opens; its tables then fail one by one, mid-page. The
        # file is three 4 KiB headers and then its blocks, so a shorter file has lost some of them.
        need, size = _HEADER_BYTES + int(blocks) * int(block_size), self.path.stat().st_size
        if size < need:
            self._con.close()
            raise DatabaseError(f"The database file {self.path} is truncated: it has {size:,} bytes, its header "
                                f"says {need:,}. {REBUILD_HINT}")
        missing = REQUIRED_TABLES - tables
        if missing:
            self._con.close()
            raise DatabaseError(f"The database file {self.path} lacks tables {sorted(missing)}. {REBUILD_HINT}")
        self._local = threading.local()
        self.info = dict(self._con.execute("SELECT key, value FROM build_info").fetchall())
        self.vintage = self.info.get("data_vintage", "")

    # -- plumbing ---------------------------------------------------------
    def _cur(self):
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self._local.cur = self._con.cursor()
        return cur

    def df(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        return self._cur().execute(sql, list(params)).df()

    def close(self):
        self._con.close()

    # -- geography --------------------------------------------------------
    def towns(self) -> pd.DataFrame:
        return self.df("SELECT * FROM towns ORDER BY town")

    def town(self, name: str) -> dict | None:
        """The town row for an exact name (case-insensitive), or None."""
        d = self.df("SELECT * FROM towns WHERE lower(town) = lower(?)", [str(name).strip()])
        return d.iloc[0].to_dict() if len(d) else None

    def regions(self) -> pd.DataFrame:
        return self.df("SELECT * FROM regions ORDER BY region_id")

    def tracts(self) -> pd.DataFrame:
        return self.df("SELECT * FROM tracts ORDER BY tract_id")

    def districts(self, chamber: str | None = None) -> pd.DataFrame:
        sql = "SELECT * FROM districts"
        if chamber:
            return self.df(sql + " WHERE chamber = ? ORDER BY number", [chamber])
        return self.df(sql + " ORDER BY chamber DESC, number")

    def district_towns(self, district_id: str) -> pd.DataFrame:
        return self.df(
            "SELECT d.*, t.town FROM district_towns d JOIN towns t USING (town_id) "
            "WHERE district_id = ? ORDER BY pop_share_of_district DESC, t.town", [district_id])

    def town_districts(self, town_id: str) -> pd.DataFrame:
        return self.df(
            "SELECT d.*, x.name, x.chamber, x.member, x.party FROM district_towns d JOIN districts x "
            "USING (district_id) WHERE town_id = ? ORDER BY x.chamber DESC, x.number", [town_id])

    # -- registry ---------------------------------------------------------
    def indicators(self) -> pd.DataFrame:
        return self.df("SELECT * FROM indicators ORDER BY domain, id")

    def sources(self) -> pd.DataFrame:
        return self.df("SELECT * FROM sources ORDER BY id")

    # -- values -----------------------------------------------------------
    def values(self, indicator_ids, geo_type: str = "town", geo_ids=None) -> pd.DataFrame:
        """Long rows (geo_type, geo_id, indicator, estimate, moe, missing_reason) for the given indicators."""
        ids = [i for i in indicator_ids]
        for i in ids:
            _ident(i)
        sql = ("SELECT geo_type, geo_id, indicator, estimate, moe, missing_reason FROM indicator_values "
               "WHERE geo_type = ? AND list_contains(?, indicator)")
        params: list = [geo_type, ids]
        if geo_ids is not None:
            sql += " AND list_contains(?, geo_id)"
            params.append(list(geo_ids))
        return self.df(sql + " ORDER BY geo_id, indicator", params)

    def ranked(self, indicator_id: str, geo_type: str = "town") -> pd.DataFrame:
        """Every geography's value and its rank (1 = highest) among those with a value.

        Top-coded values (e.g. median income '250,000+') tie at the top: they are never
        ranked against each other as numbers."""
        ind = INDICATORS[indicator_id] if indicator_id in INDICATORS else None
        if ind is None:
            raise KeyError(f"unknown indicator {indicator_id!r}")
        top = ind.top_coded if ind.top_coded is not None else float("inf")
        return self.df(
            "SELECT geo_id, estimate, moe, missing_reason, estimate >= ? AS top_coded, "
            "CASE WHEN estimate IS NULL THEN NULL ELSE rank() OVER (ORDER BY least(estimate, ?) DESC NULLS LAST) END "
            "AS rank_high, "
            "CASE WHEN estimate IS NULL THEN NULL ELSE rank() OVER (ORDER BY least(estimate, ?) ASC NULLS LAST) END "
            "AS rank_low, count(estimate) OVER () AS n "
            "FROM indicator_values WHERE geo_type = ? AND indicator = ? ORDER BY geo_id",
            [top, top, top, geo_type, indicator_id])

    def ranks(self, geo_type: str, geo_id: str, indicator_ids) -> pd.DataFrame:
        """Rank of one geography on many indicators at once (1 = highest), top codes tied."""
        ids = [i for i in indicator_ids]
        for i in ids:
            _ident(i)
        return self.df(
            "WITH v AS (SELECT v.indicator, v.geo_id, v.estimate, "
            "  least(v.estimate, coalesce(i.top_coded, 'inf'::DOUBLE)) AS e FROM indicator_values v "
            "  JOIN indicators i ON i.id = v.indicator "
            "  WHERE v.geo_type = ? AND list_contains(?, v.indicator) AND v.estimate IS NOT NULL), "
            "r AS (SELECT indicator, geo_id, rank() OVER (PARTITION BY indicator ORDER BY e DESC) AS rank_high, "
            "  rank() OVER (PARTITION BY indicator ORDER BY e ASC) AS rank_low, "
            "  count(*) OVER (PARTITION BY indicator) AS n FROM v) "
            "SELECT indicator, rank_high, rank_low, n FROM r WHERE geo_id = ? ORDER BY indicator",
            [geo_type, ids, geo_id])

    def town_wide(self, indicator_ids) -> pd.DataFrame:
        """One row per town (town_id, town, region_id) with a column per indicator."""
        cols = ", ".join(f"w.{_ident(i)}" for i in indicator_ids)
        return self.df(f"SELECT t.town_id, t.town, t.region_id{', ' + cols if cols else ''} "
                       "FROM towns t JOIN town_wide w ON w.geo_id = t.town_id ORDER BY t.town")

    # -- affordable housing, opportunity, shapes ----------------------------
    def appeals_history(self, town_id: str) -> pd.DataFrame:
        return self.df("SELECT * FROM appeals_list WHERE town_id = ? ORDER BY year", [town_id])

    def appeals_state(self) -> pd.DataFrame:
        return self.df("SELECT * FROM appeals_state ORDER BY year")

    def opportunity_indices(self) -> pd.DataFrame:
        return self.df("SELECT * FROM opportunity_indices ORDER BY is_default DESC, index_name")

    def opportunity_by_race(self, index_name: str) -> pd.DataFrame:
        return self.df("SELECT * FROM opportunity_by_race WHERE index_name = ?", [index_name])

    def area_opportunity(self, index_name: str, geo_type: str, geo_id: str | None = None) -> pd.DataFrame:
        sql = "SELECT * FROM area_opportunity WHERE index_name = ? AND geo_type = ?"
        params = [index_name, geo_type]
        if geo_id is not None:
            sql += " AND geo_id = ?"
            params.append(geo_id)
        return self.df(sql + " ORDER BY geo_id", params)

    def tract_opportunity(self, index_name: str) -> pd.DataFrame:
        return self.df("SELECT o.*, t.town, t.town_id FROM tract_opportunity o JOIN tracts t USING (tract_id) "
                       "WHERE index_name = ? ORDER BY tract_id", [index_name])

    def shapes(self, layer: str) -> pd.DataFrame:
        table = {"town": "town_shapes", "town_fill": "town_fill_shapes", "state": "state_shapes",
                 "tract": "tract_shapes", "region": "region_shapes",
                 "district": "district_shapes"}[layer]
        return self.df(f"SELECT * FROM {table}")
