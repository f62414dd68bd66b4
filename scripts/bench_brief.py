"""Benchmark the talking-point brief: the engine and every download for one town.

    python scripts/bench_brief.py [--town "West Hartford"] [--runs 7]

Run 0 is the first in a fresh process: its chart render includes vl-convert's warm-up (its
JavaScript engine starts on first use), so it is reported on its own. Then ``--runs`` warm runs,
reported as medians per stage and in total. Target: all four formats for one town < 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 2.0


def one_run(db, town: str) -> dict[str, float]:
    from oca_dash import brief_export as BE
    from oca_dash import talking_points as TP

    t = {}
    t0 = time.perf_counter()
    b = TP.brief_for(db, town=town)
    t["engine"] = time.perf_counter() - t0
    for name, fn in (("md", BE.to_markdown), ("csv", BE.to_csv), ("docx", BE.to_docx)):
        t0 = time.perf_counter()
        fn(b)
        t[name] = time.perf_counter() - t0
    t0 = time.perf_counter()
    png = BE.chart_png(b)
    t["pdf chart (vl-convert)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    BE.to_pdf(b, png)
    t["pdf layout (fpdf2)"] = time.perf_counter() - t0
    t["total"] = sum(t.values())
    return t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--town", default="West Hartford")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from oca_dash.query import DB

    db = DB()
    open_s = time.perf_counter() - t0
    first = one_run(db, args.town)
    runs = [one_run(db, args.town) for _ in range(args.runs)]

    print(f"Brief for {args.town}: all formats (md, csv, docx, pdf with its chart). Database open: {open_s:.3f} s.")
    print(f"{'stage':<24}{'first run':>12}{'median of ' + str(args.runs):>16}{'min':>10}{'max':>10}")
    for k in first:
        vals = [r[k] for r in runs]
        print(f"{k:<24}{first[k]:>11.3f}s{statistics.median(vals):>15.3f}s{min(vals):>9.3f}s{max(vals):>9.3f}s")
    med = statistics.median(r["total"] for r in runs)
    ok = med < TARGET_S and first["total"] < TARGET_S
    print(f"Target < {TARGET_S:.0f} s: warm median {med:.3f} s, first run {first['total']:.3f} s -> "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
