"""Accessibility in a real browser: axe-core on every page, the keyboard path from a town to its Word
brief, and a visible focus on every stop of that path.

- axe-core (pinned in package.json / package-lock.json; `npm ci` puts it in node_modules/, .ci/run does
  it) is injected into each page once the app has finished drawing it (expanders opened, so the
  tables and notes inside them are checked too) and run with `axe.run(document, {resultTypes:
  ['violations']})`. Each violating element is attributed to our content or to Streamlit's own markup
  by the rule in tests/a11y_util.py (innermost known container decides; unknown counts as ours). The
  test fails on any critical or serious violation caused by our content; the others, and every
  Streamlit-caused one, are printed, not failed.
- Vega draws chart text in SVG, where axe cannot tell the background ("needs review"): its colours
  are measured here instead, WCAG AA on the charts' white.
- Keyboard only, from /town: Tab to the Town box, type a town, Enter; Tab to the Word brief button,
  Enter: the brief downloads. Every element the Tab key lands on on the way must show a visible
  focus indicator: the pixels around it change when it takes the focus.

Skipped, with the reason, only when Chromium, Playwright or axe-core is missing AND the environment
variable CI is not set; in CI these tests always run.
"""

from __future__ import annotations

import io
import os
from urllib.parse import parse_qs, urlsplit

import pytest

from . import a11y_util as au
from . import browser_util as bu

pytestmark = pytest.mark.browser

_MISSING = bu.browser_unavailable() or (None if au.AXE_JS.exists() else
                                         f"{au.AXE_JS.relative_to(au.ROOT)} is missing (run `npm ci`)")
if _MISSING and not os.environ.get("CI"):
    pytest.skip(f"accessibility tests skipped: {_MISSING}", allow_module_level=True)

# The focused element, the box of the Streamlit element around it, and its accessible name.
FOCUSED_JS = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const w = e.closest('[data-testid^="st"]');
  const el = (w && !['stMain', 'stApp', 'stAppViewContainer'].includes(w.getAttribute('data-testid'))) ? w : e;
  const r = el.getBoundingClientRect();
  const lab = e.closest('[data-testid="stSelectbox"]');
  const label = lab ? (lab.querySelector('[data-testid="stWidgetLabel"]') || {}).innerText : null;
  return {tag: e.tagName, testid: w ? w.getAttribute('data-testid') : '', label: (label || '').trim(),
          name: (e.getAttribute('aria-label') || e.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 50),
          x: r.x, y: r.y, w: r.width, h: r.height}; }"""
MIN_CHANGED_PX = 40  # pixels around an element that must change when it takes the focus


@pytest.mark.parametrize("name,path", au.PAGES, ids=[p[0] for p in au.PAGES])
def test_axe_finds_no_serious_violation_in_our_content(app, page, name, path, capsys):
    bu.open_page(page, app.url(path))
    bu.assert_no_exception(page, path)
    if name == "map":
        bu.wait_deck_drawn(page)
    rows = au.rows(name, au.run_axe(page)["violations"])
    svg = au.svg_text_contrast(page)
    with capsys.disabled():
        print(f"\n[axe] {path}\n{au.table(rows)}")
        for r in rows:
            if r["owner"] == "streamlit":
                print(f"  Streamlit-caused, not failed: {r['impact']} {r['rule']} x{r['nodes']} ({r['why']})")
        for s in svg:
            print(f"  chart text {s['color']} {s['ratio']}:1 (needs {s['needs']}:1), e.g. {s['example']!r}")
    bad = au.blocking(rows)
    assert not bad, f"critical/serious violations caused by our content on {path}:\n{au.table(bad)}"
    low = [s for s in svg if s["ratio"] < s["needs"]]
    assert not low, f"chart text below WCAG AA contrast on {path}: {low}"


def _focused(page) -> dict | None:
    return page.evaluate(FOCUSED_JS)


def _shot(page, box: dict, pad: int = 8):
    from PIL import Image

    vp = page.viewport_size
    x, y = max(0, box["x"] - pad), max(0, box["y"] - pad)
    w = min(box["w"] + 2 * pad, vp["width"] - x)
    h = min(box["h"] + 2 * pad, vp["height"] - y)
    return Image.open(io.BytesIO(page.screenshot(clip={"x": x, "y": y, "width": w, "height": h}))).convert("RGB")


def focus_change_px(page) -> int:
    """How many pixels around the focused element change when it loses the focus (then it is focused
    again, so the Tab order goes on from it)."""
    from PIL import ImageChops

    box = _focused(page)
    if not box or box["w"] <= 0 or box["h"] <= 0:
        return 0
    focused = _shot(page, box)
    page.evaluate("() => { window.__a11yFocus = document.activeElement; document.activeElement.blur(); }")
    page.wait_for_timeout(120)
    plain = _shot(page, box)
    page.evaluate("() => window.__a11yFocus.focus()")
    page.wait_for_timeout(120)
    diff = ImageChops.difference(focused, plain).convert("L").point(lambda v: 255 if v > 40 else 0)
    return int(sum(diff.histogram()[255:]))


def _tab_to(page, matches, stops: list, limit: int = 60) -> dict:
    """Press Tab until the focused element matches; every stop on the way is checked for a visible
    focus indicator and recorded in `stops`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)
        f = _focused(page)
        if f is None:
            continue
        f["changed_px"] = focus_change_px(page)
        stops.append(f)
        if matches(f):
            return f
    raise AssertionError(f"Tab never reached the target in {limit} presses; stops: "
                         f"{[(s['testid'], s['name']) for s in stops[-10:]]}")


def test_a_keyboard_user_picks_a_town_and_downloads_its_brief_from_the_town_page(app, page, capsys):
    bu.open_page(page, app.url("/town"))
    assert bu.h1_text(page) == "Hartford"
    stops: list[dict] = []
    _tab_to(page, lambda f: f["tag"] == "INPUT" and f["testid"] == "stSelectbox" and f["label"] == "Town", stops)
    page.keyboard.type("Avon", delay=30)
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                           " return h && h.innerText.trim() === 'Avon'; }", timeout=30_000)
    bu.wait_ready(page)
    bu.assert_no_exception(page)
    assert parse_qs(urlsplit(page.url).query).get("town") == ["Avon"]
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and "Word brief" in f["name"], stops)
    with page.expect_download(timeout=60_000) as d:
        page.keyboard.press("Enter")
    assert d.value.suggested_filename.startswith("Avon_brief_") and d.value.suggested_filename.endswith(".docx")
    with open(d.value.path(), "rb") as fh:
        assert fh.read(2) == b"PK"  # a Word file is a zip

    with capsys.disabled():
        print("\n[keyboard] Tab stops from /town to the Word brief (pixels that change on focus):")
        for s in stops:
            print(f"  {s['changed_px']:>6}  {s['tag']:<6} {s['testid']:<24} {s['name']}")
    invisible = [(s["testid"], s["name"]) for s in stops if s["changed_px"] < MIN_CHANGED_PX]
    assert not invisible, f"these stops show no visible focus indicator: {invisible}"


# A page with one known violation in each kind of place, to check the attribution rule itself.
ATTRIBUTION_HTML = """<!doctype html><html lang="en"><head><title>attribution</title></head><body><main>
<h1>Attribution</h1>
<div data-testid="stMarkdownContainer"><img id="our-img" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></div>
<div data-testid="stVegaLiteChart"><p id="our-faint" style="color:#bbbbbb;background:#ffffff">faint chart note</p></div>
<div class="somewhere-new"><a id="unknown-link" href="#x"></a></div>
<div data-testid="stSelectbox"><div data-testid="stWidgetLabel">Town</div>
  <div data-baseweb="select"><input id="st-input" type="text"></div></div>
<div data-testid="stDeckGlJsonChart"><button id="st-button"></button></div>
<div data-testid="stMultiSelect"><div data-testid="stWidgetLabel"><p id="our-label-faint"
  style="color:#c8c8c8">Towns</p></div><input id="st-ms-input" type="text"></div>
</main></body></html>"""


def test_the_attribution_rule_tells_our_content_from_streamlits(page):
    page.set_content(ATTRIBUTION_HTML)
    res = au.run_axe(page, open_expanders=False)["violations"]
    owner = {n["target"]: (v["id"], n["owner"]) for v in res for n in v["nodes"]}
    assert owner["#our-img"] == ("image-alt", "ours")
    assert owner["#our-faint"] == ("color-contrast", "ours")
    assert owner["#unknown-link"] == ("link-name", "ours")  # unknown places count as ours
    assert owner["#st-input"][1] == "streamlit"            # inside a BaseWeb widget
    assert owner["#st-button"] == ("button-name", "streamlit")  # inside the deck.gl chart
    assert owner["#st-ms-input"] == ("label", "streamlit")  # a multiselect's own input
    assert owner["#our-label-faint"] == ("color-contrast", "ours")  # a widget's label is ours
    bad = {r["rule"] for r in au.blocking(au.rows("synthetic", res))}
    assert {"image-alt", "color-contrast", "link-name"} <= bad
    assert "button-name" not in bad
