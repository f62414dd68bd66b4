"""The build: raw public files -> checked tables -> data/oca.duckdb.

Order: geography; the ACS fetch (parsed in a worker process because its R parser is
slow, while the other sources load); every source module's ``load(raw, geo)``; the
opportunity indices (which need the other indicators); checks; an atomic write.
"""

from __future__ import annotations

import hashlib
import importlib
import time
import multiprocessing
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .. import __version__
from ..indicators import INDICATORS, SOURCES
from . import acs, acs_read, opportunity
from .checks import check_all
from .geography import load_geo
from .parts import Part, concat_values
from .raw import Raw, RawDataError
from .writer import write_database

# Source modules, in build order. Those in NEEDS_POPULATION run after the ACS.
SOURCE_MODULES = ("shapes", "appeals", "schools", "housing_market", "acs_by_race", "health",
                  "legislative", "safety_jobs", "environment")
NEEDS_POPULATION = {"legislative", "safety_jobs", "environment"}
DATA_VINTAGE = "2023"  # the ACS 2019-2023 release; part of every shared link


@dataclass
class BuildReport:
    out: Path
    seconds: float
    tables: dict[str, int]
    checks: list[str]
    timings: dict[str, float] = field(default_factory=dict)


def _git_blob_sha(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _registry_tables() -> dict[str, pd.DataFrame]:
    ind = pd.DataFrame([
        {"id": i.id, "label": i.label, "short_label": i.short_label, "unit": i.unit, "format": i.fmt,
         "higher_is_better": i.higher_is_better, "domain": i.domain, "source_id": i.source, "vintage": i.vintage,
         "universe": i.universe, "definition": i.definition, "notes": i.notes,
         "geographies": ",".join(i.geographies), "has_moe": i.has_moe, "opportunity_domain": i.opportunity_domain,
         "race_group": i.group, "top_coded": i.top_coded}
        for i in INDICATORS.values()
    ]).sort_values("id").reset_index(drop=True)
    src = pd.DataFrame([
        {"id": s.id, "publisher": s.publisher, "dataset": s.dataset, "vintage": s.vintage,
         "provenance": s.provenance, "license": s.license, "url": s.url}
        for s in SOURCES.values()
    ]).sort_values("id").reset_index(drop=True)
    return {"indicators": ind, "sources": src}


def _module(name: str):
    return importlib.import_module(f"{__package__}.{name}")


def build(raw_root=None, out="data/oca.duckdb", log=print) -> BuildReport:
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    raw = Raw(raw_root)
    log(f"raw data: {raw.root}")
    raw.path(acs_read.ACS_2023)
    # The ACS .rds parser is slow and single-threaded: parse it in a worker while the rest loads.
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        fut = pool.apply_async(acs_read.read_tables, (str(raw.root),))
        t = time.perf_counter()
        geo = load_geo(raw)
        timings["geography"] = time.perf_counter() - t
        parts: dict[str, Part] = {}
        for name in SOURCE_MODULES:
            if name in NEEDS_POPULATION:
                continue
            t = time.perf_counter()
            parts[name] = _module(name).load(raw, geo)
            timings[name] = time.perf_counter() - t
            log(f"  {name}: {len(parts[name].values):,} values, tables {sorted(parts[name].tables)}")
        t = time.perf_counter()
        leg_prep = _module("legislative").prepare(raw, geo)  # its slow half needs no population
        timings["legislative_prepare"] = time.perf_counter() - t
        t = time.perf_counter()
        acs_read.prime(raw, fut.get())
        timings["acs_wait"] = time.perf_counter() - t
        pool.close()
    finally:
        pool.terminate()  # a failed build must not wait for the parse to finish
        pool.join()
    t = time.perf_counter()
    parts["acs"] = acs.load(raw, geo)
    timings["acs"] = time.perf_counter() - t
    pop = parts["acs"].values
    pop = pop[(pop["geo_type"] == "tract") & (pop["indicator"] == "population")]
    geo.tracts = geo.tracts.merge(pop[["geo_id", "estimate"]].rename(columns={"geo_id": "tract_id",
                                                                              "estimate": "population"}),
                                  on="tract_id", how="left")
    for name in SOURCE_MODULES:
        if name in NEEDS_POPULATION:
            t = time.perf_counter()
            if name == "legislative":
                parts[name] = _module(name).finish(leg_prep, raw, geo)
            else:
                parts[name] = _module(name).load(raw, geo)
            timings[name] = time.perf_counter() - t
            log(f"  {name}: {len(parts[name].values):,} values, tables {sorted(parts[name].tables)}")

    values = concat_values([p.values for p in parts.values()])
    t = time.perf_counter()
    tract_polys = _module("shapes").read_tract_polygons(raw, geo)
    opp = opportunity.build(raw, geo, values, INDICATORS, tract_polys)
    timings["opportunity"] = time.perf_counter() - t
    values = concat_values([values, opp.values])
    values["missing_reason"] = values["missing_reason"].where(values["estimate"].isna(), None)
    # Stored in (geo_type, indicator, geo_id) order: DuckDB's zone maps then skip most row groups.
    values = values.sort_values(["geo_type", "indicator", "geo_id"]).reset_index(drop=True)

    tables: dict[str, pd.DataFrame] = {}
    for p in list(parts.values()) + [opp]:
        for name, df in p.tables.items():
            if name in tables:
                raise RawDataError(f"two source modules produced table {name}")
            tables[name] = df
    tables.update(_registry_tables())
    tables["towns"] = geo.towns
    tables["tracts"] = geo.tracts
    tables["regions"] = geo.regions
    tables["counties"] = geo.counties
    tables["indicator_values"] = values
    checks = check_all(geo, values, INDICATORS, tables)
    tables["raw_files"] = pd.DataFrame(
        [{"path": rel, "bytes": raw.path(rel).stat().st_size, "git_blob_sha1": _git_blob_sha(raw.path(rel))}
         for rel in sorted(raw.used)])
    tables["build_info"] = pd.DataFrame([
        {"key": "data_vintage", "value": DATA_VINTAGE},
        {"key": "oca_dash_version", "value": __version__},
        {"key": "duckdb_version", "value": duckdb.__version__},
        {"key": "default_index", "value": "oca2025"},
    ])
    t = time.perf_counter()
    write_database(Path(out), tables, [opportunity.BY_RACE_SQL], INDICATORS)
    timings["write"] = time.perf_counter() - t
    secs = time.perf_counter() - t0
    for c in checks:
        log(f"  check passed: {c}")
    log(f"wrote {out} in {secs:.1f} s")
    return BuildReport(out=Path(out), seconds=secs, tables={k: len(v) for k, v in tables.items()},
                       checks=checks, timings=timings)
