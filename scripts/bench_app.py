"""Benchmark the app as its users meet it: server rerun time per page, the bytes of the map, and the
first load of a shared map link in a real browser.

    python scripts/bench_app.py [--reruns 15] [--loads 5] [--no-browser]

(a) Server-side rerun time of each page with Streamlit's AppTest (the page opened from a typical
    link, its first run excluded, then `--reruns` reruns; median and the slowest page).
(b) The bytes of the map: the deck.gl spec the map page sends (built by the page itself, read from
    AppTest) and the town GeoJSON inside it; in the browser, every byte the websocket delivered for
    the first load of a shared map link (uncompressed payloads).
(c) First load of a shared map link in headless Chromium: a fresh browser context per load, `goto`
    to the deck.gl canvas showing the towns, median of `--loads` (the server warmed by one visit).

Targets (docs/PERFORMANCE.md): rerun < 150 ms per page and < 400 ms for the slowest; GeoJSON
<= 300 KB; first load < 3 s. The machine is shared and noisy: compare numbers from one run.
Prints a table of medians; exits 0 whatever the numbers (use --check to exit 1 on a missed target).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# page file, query parameters of a typical shared link
PAGES = {
    "map": ("pages/map.py", {}),
    "map (indicator)": ("pages/map.py", {"ind": "median_hh_income"}),
    "town": ("pages/town.py", {"town": "Hartford"}),
    "compare": ("pages/compare.py", {"towns": "Hartford,West Hartford,Avon"}),
    "find": ("pages/find.py", {}),
    "opportunity": ("pages/opportunity.py", {}),
    "districts": ("pages/districts.py", {}),
    "about": ("pages/about.py", {}),
}
SHARED_MAP = "/map?ind=median_hh_income&v={vintage}"

TARGET_RERUN_MS, TARGET_SLOWEST_MS, TARGET_GEOJSON_KB, TARGET_FIRST_LOAD_S = 150, 400, 300, 3.0


def _app_test(page: str, params: dict):
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")  # AppTest outside a server warns "missing ScriptRunContext" on every cache call

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page)
    at.run()  # the first run of the page: caches fill here; not counted
    if at.exception:
        raise RuntimeError(f"{page} {params}: {at.exception[0].value}")
    return at


def bench_reruns(reruns: int) -> dict[str, list[float]]:
    from tests.apptest_util import warm_server_runs

    out = {}
    for name, (page, params) in PAGES.items():
        with warm_server_runs():
            at = _app_test(page, params)
            ts = []
            for _ in range(reruns):
                t0 = time.perf_counter()
                at.run()
                ts.append((time.perf_counter() - t0) * 1000)
        if at.exception:
            raise RuntimeError(f"{page} {params}: {at.exception[0].value}")
        out[name] = ts
        print(f"  {name:18s} median {statistics.median(ts):7.1f} ms  (min {min(ts):.1f}, max {max(ts):.1f})",
              flush=True)
    return out


def map_bytes(params: dict) -> dict:
    """Bytes of the deck.gl spec the map page sends, and of each GeoJSON layer inside it."""
    at = _app_test("pages/map.py", params)
    charts = at.get("deck_gl_json_chart")
    if not charts:
        raise RuntimeError("the map page drew no deck.gl chart")
    spec_text = charts[0].proto.json
    spec = json.loads(spec_text)
    layers = {ly.get("id", str(i)): len(json.dumps(ly.get("data"), separators=(",", ":")).encode())
              for i, ly in enumerate(spec.get("layers", [])) if isinstance(ly.get("data"), dict)}
    return {"spec": len(spec_text.encode()), "layers": layers}


def bench_browser(loads: int) -> dict:
    """First loads of a shared map link in fresh contexts: seconds to the canvas drawn, websocket bytes."""
    from oca_dash.query import DB
    from tests import browser_util as bu

    why = bu.browser_unavailable()
    if why:
        raise RuntimeError(why)
    url_path = SHARED_MAP.format(vintage=DB().vintage)
    res = {"seconds": [], "nav_seconds": [], "element_seconds": [], "ws_bytes": [], "warm_seconds": [],
           "town_ready": [], "url": url_path}
    with bu.AppServer() as app, bu.browser() as b:
        warm = b.new_context(viewport=bu.DESKTOP)
        bu.open_page(warm.new_page(), app.url("/"))  # warm the server (first run of app.py, caches)
        warm.close()
        for _ in range(loads):
            ctx = b.new_context(viewport=bu.DESKTOP)
            page = ctx.new_page()
            received = []
            page.on("websocket", lambda ws: ws.on(
                "framereceived", lambda payload: received.append(len(payload) if payload else 0)))
            t0 = time.perf_counter()
            page.goto(app.url(url_path), wait_until="commit")
            page.wait_for_selector(bu.DECK, state="attached", timeout=60_000)
            res["element_seconds"].append(time.perf_counter() - t0)
            drawn = bu.wait_deck_drawn(page, timeout=60)
            res["seconds"].append(time.perf_counter() - t0)
            res["nav_seconds"].append(drawn["t"] / 1000)
            bu.wait_ready(page, timeout=60)
            res["ws_bytes"].append(sum(received))
            if bu.exception_text(page):
                raise RuntimeError(f"exception on {url_path}: {bu.exception_text(page)}")
            # the same link again in the same context: the browser has the scripts cached
            t0 = time.perf_counter()
            page.goto(app.url(url_path), wait_until="commit")
            bu.wait_deck_drawn(page, timeout=60)
            res["warm_seconds"].append(time.perf_counter() - t0)
            ctx.close()
        for _ in range(loads):  # a plain page for comparison
            ctx = b.new_context(viewport=bu.DESKTOP)
            res["town_ready"].append(bu.open_page(ctx.new_page(), app.url("/town?town=Hartford")))
            ctx.close()
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reruns", type=int, default=15, help="reruns per page (after the first run)")
    ap.add_argument("--loads", type=int, default=5, help="fresh-context browser loads of the shared map link")
    ap.add_argument("--no-browser", action="store_true", help="skip (c) and the websocket bytes")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args(argv)

    rows, missed = [], []

    def row(what, value, target, ok):
        rows.append((what, value, target, "ok" if ok else "MISSED"))
        if not ok:
            missed.append(what)

    print(f"(a) server rerun per page, AppTest, median of {args.reruns} after the first run")
    reruns = bench_reruns(args.reruns)
    med = {k: statistics.median(v) for k, v in reruns.items()}
    for name, m in med.items():
        row(f"rerun: {name}", f"{m:.0f} ms", f"< {TARGET_RERUN_MS} ms", m < TARGET_RERUN_MS)
    slowest = max(med, key=med.get)
    row(f"rerun: slowest page ({slowest})", f"{med[slowest]:.0f} ms", f"< {TARGET_SLOWEST_MS} ms",
        med[slowest] < TARGET_SLOWEST_MS)

    print("(b) map bytes")
    for label, params in (("towns by level", {}), ("towns by an indicator", {"ind": "median_hh_income"}),
                          ("tracts on", {"tracts": "1"})):
        mb = map_bytes(params)
        town_kb = (mb["layers"].get("towns", 0) + mb["layers"].get("state", 0)) / 1000
        extra = ", ".join(f"{k} {v / 1000:.0f} KB" for k, v in mb["layers"].items())
        print(f"  {label:22s} deck spec {mb['spec'] / 1000:.0f} KB ({extra})")
        if label != "tracts on":
            row(f"town GeoJSON sent, fills + state ({label})", f"{town_kb:.0f} KB", f"<= {TARGET_GEOJSON_KB} KB",
                town_kb <= TARGET_GEOJSON_KB)
        else:
            rows.append(("deck spec with tracts (information)", f"{mb['spec'] / 1000:.0f} KB", "", ""))

    if not args.no_browser:
        print(f"(c) first load of a shared map link in headless Chromium, {args.loads} fresh contexts")
        br = bench_browser(args.loads)
        s = statistics.median(br["seconds"])
        print("  goto -> canvas drawn:", ", ".join(f"{x:.2f}" for x in br["seconds"]), "s")
        row(f"first load {br['url']} -> map drawn", f"{s:.2f} s", f"< {TARGET_FIRST_LOAD_S:g} s",
            s < TARGET_FIRST_LOAD_S)
        rows.append(("  of which: goto -> map element in the page", f"{statistics.median(br['element_seconds']):.2f} s",
                     "", ""))
        rows.append(("  same link again, browser cache warm", f"{statistics.median(br['warm_seconds']):.2f} s",
                     "", ""))
        rows.append(("  websocket bytes received, that load", f"{statistics.median(br['ws_bytes']) / 1000:.0f} KB",
                     "", ""))
        rows.append(("first load /town?town=Hartford -> ready (information)",
                     f"{statistics.median(br['town_ready']):.2f} s", "", ""))

    w = max(len(r[0]) for r in rows)
    print(f"\n{'measure':{w}s}  {'median':>9s}  {'target':>10s}")
    for what, value, target, verdict in rows:
        print(f"{what:{w}s}  {value:>9s}  {target:>10s}  {verdict}")
    if missed:
        print(f"\nmissed: {', '.join(missed)}")
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
