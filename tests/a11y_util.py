"""Accessibility checks in a real browser: axe-core, run on a page of the app, with every violation
attributed either to our content or to Streamlit's own markup.

Used by tests/test_accessibility.py and scripts/a11y_report.py. axe-core comes from the npm registry,
pinned in package.json / package-lock.json at the repository's top level (`npm ci`; .ci/run does it):
the file injected is node_modules/axe-core/axe.min.js.

Who owns a violating element (`owner`: "ours" or "streamlit")
-----------------------------------------------------------------
Walk up from the element to the first ancestor (the element itself included) that matches one of the
selectors below; the innermost match decides.

- ours: what our code writes or chooses: Markdown, headings, captions, alerts' text, metric labels and
  values, widget labels, our own HTML (the map legend, `.oca-legend`), and the Vega charts (marks, axes,
  titles and legends all come from our Altair specs).
- streamlit: markup Streamlit builds and we cannot change from a page: the header, toolbar, status widget
  and top navigation; the sidebar; every BaseWeb widget's internals (`[data-baseweb]`: select boxes,
  multiselect tags, sliders, inputs, popovers) and every widget's container (select box, multiselect,
  slider, number and text input, checkbox, toggle, radio, button, download button, page link) apart
  from its label; an expander's summary (its label text is Markdown: ours); the data grid
  (`stDataFrame`, a canvas with its own hidden accessibility table); the deck.gl map
  (`stDeckGlJsonChart`, a WebGL canvas); a chart's "..." actions menu and element toolbar; expander
  and tooltip icons.
- Document-level findings (the element is `html` or `body`) belong to Streamlit's page template, except
  the rules that our pages decide: `document-title` (st.set_page_config) and `page-has-heading-one`
  (every page's st.title).
- An element that matches nothing is counted as ours: the test errs on the side of failing.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IMPACTS = ("critical", "serious", "moderate", "minor")

# The pages checked, as a person opens them from a shared link.
PAGES = [
    ("map", "/"),
    ("town", "/town?town=Hartford"),
    ("compare", "/compare?towns=Hartford,Avon"),
    ("find", "/find"),
    ("opportunity", "/opportunity"),
    ("districts", "/districts?district=S05"),
    ("about", "/about"),
    ("brief", "/brief?town=West%20Hartford"),
]

OURS = [
    ".oca-legend",
    '[data-testid="stMarkdownContainer"]',
    '[data-testid="stCaptionContainer"]',
    '[data-testid="stHeading"]',
    '[data-testid="stWidgetLabel"]',
    '[data-testid="stMetricLabel"]',
    '[data-testid="stMetricValue"]',
    '[data-testid="stVegaLiteChart"]',
]
STREAMLIT = [
    '[data-testid="stHeader"]',
    '[data-testid="stToolbar"]',
    '[data-testid="stStatusWidget"]',
    '[data-testid="stDecoration"]',
    '[data-testid^="stTopNav"]',
    '[data-testid="stSidebar"]',
    '[data-testid="stSidebarNav"]',
    "[data-baseweb]",
    '[data-testid="stDataFrame"]',
    '[data-testid="stDeckGlJsonChart"]',
    '[data-testid="stElementToolbar"]',
    ".vega-embed details",
    '[data-testid="stExpanderToggleIcon"]',
    '[data-testid="stTooltipIcon"]',
    '[data-testid="stTooltipHoverTarget"]',
    '[data-testid="stExpander"] summary',
    # a widget's own markup (its label, inside stWidgetLabel, is matched first and is ours)
    '[data-testid="stSelectbox"]', '[data-testid="stMultiSelect"]', '[data-testid="stSlider"]',
    '[data-testid="stNumberInput"]', '[data-testid="stTextInput"]', '[data-testid="stCheckbox"]',
    '[data-testid="stToggle"]', '[data-testid="stRadio"]', '[data-testid="stButton"]',
    '[data-testid="stDownloadButton"]', '[data-testid="stPageLink"]',
]
OUR_DOCUMENT_RULES = {"document-title", "page-has-heading-one"}

# Open every closed expander (tables and notes inside them are content too), then wait for charts.
OPEN_EXPANDERS_JS = """() => { let n = 0;
  for (const s of document.querySelectorAll('[data-testid="stExpander"] details:not([open]) > summary')) { s.click(); n++; }
  return n; }"""

RUN_AXE_JS = """async ([ours, streamlit, ourDocRules]) => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  const find = (target) => {
    // axe's target is a list of selectors, one per shadow root / iframe level; Streamlit uses neither here
    let el = null;
    try { el = document.querySelector(target[target.length - 1]); } catch (e) { el = null; }
    return el;
  };
  const owner = (rule, el) => {
    if (!el) return ['ours', 'element not found again: counted as ours'];
    if (el === document.documentElement || el === document.body)
      return ourDocRules.includes(rule) ? ['ours', 'document rule our page decides']
                                        : ['streamlit', "Streamlit's page template (" + el.tagName.toLowerCase() + ')'];
    for (let a = el; a && a.nodeType === 1; a = a.parentElement) {
      for (const s of streamlit) if (a.matches(s)) return ['streamlit', 'inside ' + s];
      for (const s of ours) if (a.matches(s)) return ['ours', 'inside ' + s];
    }
    return ['ours', 'matches no known container: counted as ours'];
  };
  const annotate = (list) => list.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map(n => {
      const [who, why] = owner(v.id, find(n.target));
      const msgs = [...(n.any || []), ...(n.all || []), ...(n.none || [])].map(c => c.message).filter(Boolean);
      return {target: n.target.join(' '), html: n.html.slice(0, 300), owner: who, why: why,
              summary: (n.failureSummary || msgs.join('; ')).slice(0, 400)};
    }),
  }));
  // "incomplete": what axe could not decide and asks a person to review (e.g. text over an image)
  return {violations: annotate(r.violations), incomplete: annotate(r.incomplete)};
}"""

# Text drawn by Vega in SVG (axis labels, titles, legends): axe cannot work out its background
# (it reports it as "needs review"), so its colour is measured here against the chart's white.
SVG_TEXT_JS = """() => {
  const out = [];
  for (const t of document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text')) {
    const s = t.textContent.trim(); if (!s) continue;
    const cs = getComputedStyle(t);
    if (parseFloat(cs.opacity) === 0 || cs.visibility === 'hidden') continue;
    out.push({text: s.slice(0, 60), fill: cs.fill, size: parseFloat(cs.fontSize),
              bold: parseInt(cs.fontWeight) >= 700});
  }
  return out; }"""


def axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `npm ci` at the repository's top level "
                                "(package.json pins axe-core; .ci/run does it)")
    return AXE_JS.read_text()


def run_axe(page, open_expanders: bool = True) -> dict[str, list[dict]]:
    """Inject axe-core into a ready page and run it: {"violations": [...], "incomplete": [...]}, each
    rule with its nodes, every node with its owner ("ours" or "streamlit") and why."""
    from . import browser_util as bu

    if open_expanders and page.evaluate(OPEN_EXPANDERS_JS):
        page.wait_for_timeout(300)
        page.wait_for_function(bu.CHARTS_DRAWN_JS, polling=100, timeout=30_000)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(RUN_AXE_JS, [OURS, STREAMLIT, sorted(OUR_DOCUMENT_RULES)])


def rows(page_name: str, violations: list[dict]) -> list[dict]:
    """One row per (rule, owner): page, impact, rule, owner, node count, first target."""
    out = []
    for v in violations:
        for who in ("ours", "streamlit"):
            nodes = [n for n in v["nodes"] if n["owner"] == who]
            if nodes:
                out.append({"page": page_name, "impact": v["impact"] or "minor", "rule": v["id"], "owner": who,
                            "nodes": len(nodes), "target": nodes[0]["target"], "why": nodes[0]["why"],
                            "help": v["help"]})
    return sorted(out, key=lambda r: (IMPACTS.index(r["impact"]) if r["impact"] in IMPACTS else 9, r["rule"]))


def blocking(rows_: list[dict]) -> list[dict]:
    """The rows the test fails on: critical or serious, caused by our content."""
    return [r for r in rows_ if r["owner"] == "ours" and r["impact"] in ("critical", "serious")]


def table(rows_: list[dict]) -> str:
    """A Markdown table of violation rows (for the test's output and the report)."""
    if not rows_:
        return "(no violations)"
    head = "| page | impact | rule | caused by | nodes | first target |\n|---|---|---|---|---|---|"
    body = [f"| {r['page']} | {r['impact']} | {r['rule']} | {r['owner']} | {r['nodes']} | "
            f"`{r['target'][:90]}` |" for r in rows_]
    return "\n".join([head, *body])


def rgb_of_css(css: str) -> str | None:
    """'rgb(128, 132, 149)' -> '#808495' (None for anything else, e.g. a gradient or 'none')."""
    import re

    m = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)", css.strip())
    if not m or (m.group(4) is not None and float(m.group(4)) < 1):
        return None
    return "#" + "".join(f"{int(m.group(i)):02x}" for i in (1, 2, 3))


def svg_text_contrast(page) -> list[dict]:
    """Every distinct Vega text colour on the page with its WCAG 2 contrast ratio on white and the
    minimum it needs (4.5:1; 3:1 for large text: 24 px, or 18.66 px bold)."""
    from oca_dash.palette_check import contrast_ratio

    seen: dict[tuple, dict] = {}
    for t in page.evaluate(SVG_TEXT_JS):
        color = rgb_of_css(t["fill"])
        if color is None:
            continue
        large = t["size"] >= 24 or (t["bold"] and t["size"] >= 18.66)
        key = (color, large)
        if key not in seen:
            seen[key] = {"color": color, "ratio": round(contrast_ratio(color, "#ffffff"), 2),
                         "needs": 3.0 if large else 4.5, "example": t["text"], "size": t["size"]}
    return sorted(seen.values(), key=lambda r: r["ratio"])
