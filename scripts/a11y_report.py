"""Accessibility report: axe-core on every page, by impact, our content vs Streamlit's; what axe left for
review; chart text contrast; and the colour checks of the app's scales. Prints Markdown for a note.

    python scripts/a11y_report.py [--phone] [--json out.json] [--pages map,town,...]

Needs `npm ci` (axe-core from package-lock.json), Debian's Chromium and Playwright, as the browser tests
do. Starts its own `streamlit run app.py` on a free localhost port and stops it at the end. How a
violation is attributed to our content or to Streamlit is described in tests/a11y_util.py.
Exits 1 if any critical or serious violation is caused by our content, else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import a11y_util as au  # noqa: E402
from tests import browser_util as bu  # noqa: E402


def colour_report() -> list[str]:
    from oca_dash import map_view as mv
    from oca_dash import palette_check as pc
    from oca_dash.levels import LEVEL_COLORS, LEVELS

    out = ["## Colour (Machado et al. 2009 severity 1.0 on linear sRGB; CIEDE2000)", ""]
    levels = [LEVEL_COLORS[lv] for lv in LEVELS]
    out += ["### Opportunity levels: CIEDE2000 between neighbours (minimum "
            f"{pc.MIN_ADJACENT_LEVELS:g}; any two levels {pc.MIN_ANY_LEVELS:g})", "",
            "| vision | " + " | ".join(f"{a} / {b}" for a, b in zip(LEVELS, LEVELS[1:])) + " | least of any pair | L* |",
            "|---|" + "---|" * (len(LEVELS) + 1)]
    for v in pc.VISIONS:
        adj = pc.adjacent_differences(levels, v)
        anyp = min(pc.pair_differences(levels, v).values())
        L = [round(pc.lightness(pc.simulate(c, v))) for c in levels]
        out.append(f"| {v} | " + " | ".join(f"{d:.1f}" for d in adj) + f" | {anyp:.1f} | {L} |")
    drawn = [pc.blend(c, 235 / 255) for c in levels]
    w = pc.worst_pair(drawn, list(LEVELS))
    out += ["", f"As drawn on the map (235/255 opacity on white), the least distinct pair: {w['a']} / {w['b']} "
            f"{w['delta_e']:.1f} ({w['vision']}).", ""]
    out += [f"### Map sequential scale (ColorBrewer YlGnBu): neighbours (minimum {pc.MIN_ADJACENT_SEQUENTIAL:g}) "
            "and lightness", "", "| classes | vision | CIEDE2000 to the next | L* | L* falls steadily |",
            "|---|---|---|---|---|"]
    for n in (3, 4, 5):
        p = mv.palette(n)
        for v in pc.VISIONS:
            L = [round(pc.lightness(pc.simulate(c, v))) for c in p]
            out.append(f"| {n} | {v} | {', '.join(f'{d:.1f}' for d in pc.adjacent_differences(p, v))} | {L} | "
                       f"{'yes' if pc.is_monotonic_lightness(p, v, 5) else 'NO'} |")
    nd = min(pc.delta_e(mv.NO_DATA_COLOR, c, v) for c in levels + mv.palette(5) for v in pc.VISIONS)
    out += ["", f"No-data grey {mv.NO_DATA_COLOR} against every class colour, any vision: at least {nd:.1f} "
            f"(minimum {pc.MIN_NO_DATA:g}).", ""]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phone", action="store_true", help="also run every page at 390 px with a phone's user agent")
    ap.add_argument("--json", type=Path, help="write every result, node by node, to this file")
    ap.add_argument("--pages", help="comma-separated page names (default: all): " + ",".join(n for n, _ in au.PAGES))
    args = ap.parse_args()
    missing = bu.browser_unavailable() or (None if au.AXE_JS.exists() else f"{au.AXE_JS} is missing: run `npm ci`")
    if missing:
        print(missing, file=sys.stderr)
        return 2
    pages = [(n, p) for n, p in au.PAGES if not args.pages or n in args.pages.split(",")]
    sizes = [("1400", bu.DESKTOP)] + ([("390", bu.PHONE)] if args.phone else [])
    all_rows, review_rows, svg_rows, raw = [], [], [], {}
    with bu.AppServer() as app, bu.browser() as b:
        ctx = b.new_context(viewport=bu.DESKTOP)
        bu.open_page(ctx.new_page(), app.url("/"), timeout=90)  # warm the server
        ctx.close()
        for width, vp in sizes:
            for name, path in pages:
                ctx = b.new_context(**bu.context_options(vp))
                try:
                    page = ctx.new_page()
                    bu.open_page(page, app.url(path), timeout=90)
                    if name == "map":
                        bu.wait_deck_drawn(page, timeout=90)
                    res = au.run_axe(page)
                    label = name if width == "1400" else f"{name} @390"
                    raw[f"{label} {path}"] = res
                    all_rows += au.rows(label, res["violations"])
                    review_rows += au.rows(label, res["incomplete"])
                    svg_rows += [{"page": label, **s} for s in au.svg_text_contrast(page)]
                    print(f"checked {label} ({path})", file=sys.stderr)
                finally:
                    ctx.close()

    out = ["# Accessibility report", "",
           f"axe-core {json.loads((au.AXE_JS.parent / 'package.json').read_text())['version']}, "
           "`axe.run(document, {resultTypes: ['violations']})` after the page is ready and its expanders are "
           "open. Pages: " + ", ".join(f"`{p}`" for _, p in pages) + ".", "",
           "## Violations by page, impact and cause", "", au.table(all_rows), ""]
    counts = {(o, i): sum(r["nodes"] for r in all_rows if r["owner"] == o and r["impact"] == i)
              for o in ("ours", "streamlit") for i in au.IMPACTS}
    out += ["| caused by | " + " | ".join(au.IMPACTS) + " |", "|---|---|---|---|---|"]
    out += [f"| {o} | " + " | ".join(str(counts[(o, i)]) for i in au.IMPACTS) + " |" for o in ("ours", "streamlit")]
    out += ["", "## Left for review by axe (incomplete: not failures; checked by hand or below)", "",
            au.table(review_rows), ""]
    for r in review_rows:
        out.append(f"- {r['page']} {r['rule']} `{r['target'][:80]}`: {r['help']} ({r['owner']}: {r['why']})")
    out += ["", "## Chart text (Vega SVG) contrast on white, WCAG 2 AA", "",
            "| page | colour | ratio | needs | example |", "|---|---|---|---|---|"]
    out += [f"| {s['page']} | {s['color']} | {s['ratio']}:1 | {s['needs']}:1 | {s['example'][:50]} |" for s in svg_rows]
    out += [""] + colour_report()
    print("\n".join(out))
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))
    return 1 if au.blocking(all_rows) else 0


if __name__ == "__main__":
    sys.exit(main())
