"""Write the built tables into a DuckDB file, atomically.

The database is written to a temporary file beside the target and moved into place
only after it is complete and re-opened, so a failed build never leaves a half-written
database where the good one was.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd


def _wide_view_sql(view: str, geo_type: str, indicator_ids: list[str]) -> str:
    cols = ",\n  ".join(
        f"max(estimate) FILTER (WHERE indicator = '{i}') AS \"{i}\"" for i in indicator_ids
    )
    return (f"CREATE TABLE {view} AS SELECT geo_id,\n  {cols}\nFROM indicator_values "
            f"WHERE geo_type = '{geo_type}' GROUP BY geo_id ORDER BY geo_id")


def write_database(out: Path, tables: dict[str, pd.DataFrame], views: list[str], indicators: dict) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name in sorted(tables):
                df = tables[name]
                con.register("_df", df)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _df')
                con.unregister("_df")
            for gt, view in (("town", "town_wide"), ("tract", "tract_wide"), ("senate", "senate_wide"),
                             ("house", "house_wide"), ("region", "region_wide")):
                ids = [i.id for i in indicators.values() if gt in i.geographies]
                con.execute(_wide_view_sql(view, gt, ids))
            for sql in views:
                con.execute(sql)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        # Re-open read-only to prove the file is whole before it replaces the old one.
        check = duckdb.connect(str(tmp), read_only=True)
        check.execute("SELECT count(*) FROM indicator_values").fetchone()
        check.close()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
        wal = tmp.with_name(tmp.name + ".wal")
        if wal.exists():
            wal.unlink()
    return out
