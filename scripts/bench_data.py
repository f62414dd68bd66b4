"""Benchmark the data foundation: build time, database size, query-layer latency.

    python scripts/bench_data.py --raw ../shared/data/raw [--builds 3] [--reps 200]

Prints medians (the machine is noisy: compare numbers from one run). Record results
in docs/PERFORMANCE.md by hand.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bench_build(raw, n):
    from oca_dash.build import pipeline

    times, stages = [], []
    with tempfile.TemporaryDirectory() as d:
        for i in range(n):
            r = pipeline.build(raw, Path(d) / "oca.duckdb", log=lambda *_: None)
            times.append(r.seconds)
            stages.append(r.timings)
    return times, stages


def bench_queries(reps):
    from oca_dash.indicators import INDICATORS
    from oca_dash.query import DB

    db = DB()
    hid = db.town("Hartford")["town_id"]
    town_ids = [i.id for i in INDICATORS.values() if "town" in i.geographies]
    calls = {
        "towns()": lambda: db.towns(),
        "town('West Hartford')": lambda: db.town("West Hartford"),
        "values(6 indicators, one town)": lambda: db.values(
            ["population", "share_black_nh", "share_hispanic", "poverty_rate", "median_hh_income",
             "ahal_pct_affordable"], "town", [hid]),
        "values(all town indicators, 169 towns)": lambda: db.values(town_ids, "town"),
        "ranked('median_hh_income')": lambda: db.ranked("median_hh_income"),
        "town_wide(all town indicators)": lambda: db.town_wide(town_ids),
        "appeals_history(Hartford)": lambda: db.appeals_history(hid),
        "opportunity_by_race('oca2025')": lambda: db.opportunity_by_race("oca2025"),
        "area_opportunity('oca2025', town)": lambda: db.area_opportunity("oca2025", "town"),
        "tract_opportunity('oca2025')": lambda: db.tract_opportunity("oca2025"),
        "shapes('town')": lambda: db.shapes("town"),
        "district_towns('H007')": lambda: db.district_towns("H007"),
    }
    out = {}
    for name, fn in calls.items():
        fn()  # warm
        ts = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            ts.append((time.perf_counter() - t) * 1000)
        out[name] = (statistics.median(ts), sorted(ts)[int(0.95 * len(ts)) - 1])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", default=None)
    ap.add_argument("--builds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=200)
    a = ap.parse_args()

    db = ROOT / "data" / "oca.duckdb"
    print(f"database size: {db.stat().st_size / 1e6:.1f} MB ({db.stat().st_size:,} bytes)")
    if a.builds:
        times, stages = bench_build(a.raw, a.builds)
        print(f"build: median {statistics.median(times):.1f} s over {len(times)} runs "
              f"({', '.join(f'{t:.1f}' for t in times)})")
        keys = stages[0].keys()
        print("  stages (median s): " + ", ".join(
            f"{k} {statistics.median(s[k] for s in stages):.1f}" for k in keys))
    print(f"query layer ({a.reps} calls each): median / p95 ms")
    for name, (med, p95) in bench_queries(a.reps).items():
        print(f"  {name:45s} {med:7.2f} / {p95:7.2f}")


if __name__ == "__main__":
    main()
