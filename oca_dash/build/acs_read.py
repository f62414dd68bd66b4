"""Read DataHaven's ACS fetch (R .rds) into tidy pandas frames.

The .rds parser is pure Python and slow (about 20 s for the 2019-2023 file), so the
file is read once per build and shared.
"""

from __future__ import annotations

import pandas as pd

from .raw import Raw, RawDataError

ACS_2023 = "acs/datahaven_2023acs/fetch_data/acs_basic_2023_fetch_all.rds"
TABLES = ("total_pop", "sex_by_age", "race", "foreign_born", "tenure", "housing_cost", "vehicles",
          "education", "median_income", "poverty", "pov_age")


_CACHE: dict[str, dict[str, pd.DataFrame]] = {}


def read_tables(root: str) -> dict[str, pd.DataFrame]:
    """Parse the fetch (no cache); safe to run in a worker process."""
    raw = Raw(root)
    d = raw.read_rds(ACS_2023)
    if not isinstance(d, dict):
        raise RawDataError(f"{ACS_2023}: expected an R list of tables, got {type(d).__name__}")
    out = {}
    for name in TABLES:
        if name not in d:
            raise RawDataError(f"{ACS_2023}: table {name!r} missing (found {sorted(d)})")
        df = d[name]
        need = {"level", "geoid", "name", "variable", "estimate", "moe"}
        if not need <= set(df.columns):
            raise RawDataError(f"{ACS_2023}: table {name!r} lacks columns {sorted(need - set(df.columns))}")
        df = pd.DataFrame({
            "level": df["level"].astype(str).values,
            "geoid": df["geoid"].astype(str).values,
            "name": df["name"].astype(str).values,
            "variable": df["variable"].astype(str).values,
            "estimate": pd.to_numeric(df["estimate"], errors="coerce").astype(float).values,
            "moe": pd.to_numeric(df["moe"], errors="coerce").astype(float).values,
        })
        out[name] = df
    return out


def prime(raw: Raw, tables: dict[str, pd.DataFrame]) -> None:
    """Hand over tables parsed elsewhere (the build parses them in a worker process)."""
    raw.path(ACS_2023)
    _CACHE[str(raw.root)] = tables


def acs_tables(raw: Raw) -> dict[str, pd.DataFrame]:
    """All 11 tables of the ACS 2019-2023 fetch, columns level, geoid, name, variable, estimate, moe."""
    key = str(raw.root)
    if key not in _CACHE:
        raw.path(ACS_2023)  # records the file as used; raises if missing
        _CACHE[key] = read_tables(key)
    return _CACHE[key]


def tract_population(raw: Raw) -> pd.DataFrame:
    """tract_id (2022 GEOID), population (B01003, ACS 2019-2023) for every tract in the fetch."""
    t = acs_tables(raw)["total_pop"]
    t = t[t["level"] == "8_tract"]
    return pd.DataFrame({"tract_id": t["geoid"].values, "population": t["estimate"].values})
