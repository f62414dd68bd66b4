"""Hostile and broken URLs, on every page of the app.

A shared link is input from anyone. Three properties are checked here, page by page:

1. Any query string renders without an exception (property-based, with hypothesis): random text,
   100,000-character values, unknown towns, SQL fragments, HTML and script tags, Markdown links,
   repeated keys, RTL/emoji/NUL/combining characters, numbers out of range, NaN and infinities.
2. Nothing from the URL reaches SQL text: ``DB.df`` is wrapped while pages run with marked hostile
   values, and no statement may contain the marker (it may only travel as a bound parameter).
   The query layer refuses identifiers (indicator ids, layer names) that are not in the registry.
3. Nothing from the URL is rendered as HTML or live Markdown: every Markdown-rendering element that
   echoes a hostile value holds it escaped; in a real browser no dialog fires and the text shows.

The pages and their parameters are those declared in app.py; ``v`` and ``present`` go to every page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from oca_dash import query
from oca_dash.find import GROUPS
from oca_dash.format import md_escape
from oca_dash.indicators import INDICATORS

ROOT = Path(__file__).resolve().parents[1]

FIND_KEYS = ["idx", "levels", "high_min", *[f"{g}_{e}" for g in GROUPS for e in ("min", "max")],
             "ahal_min", "ahal_max", "region", "pop_min", "pop_max", "ind", "ind_min", "ind_max"]
PAGES = {  # name -> (script, its query parameters)
    "map": ("pages/map.py", ["ind", "idx", "tracts"]),
    "town": ("pages/town.py", ["town", "idx"]),
    "compare": ("pages/compare.py", ["towns", "ind", "idx"]),
    "find": ("pages/find.py", FIND_KEYS),
    "brief": ("pages/brief.py", ["town", "towns", "district", "set", "desc", "topics", "idx"]),
    "opportunity": ("pages/opportunity.py", ["idx", "group"]),
    "districts": ("pages/districts.py", ["district"]),
    "about": ("pages/about.py", ["q"]),
}
COMMON = ["v", "present"]
PAGES = {k: v for k, v in PAGES.items() if (ROOT / v[0]).exists()}


def test_every_declared_page_is_covered():
    declared = set(re.findall(r'st\.Page\("(pages/[a-z_]+\.py)"', (ROOT / "app.py").read_text()))
    assert declared == {p for p, _ in PAGES.values()}, "a page of app.py has no hostile-input tests"


# -- running a page with a query string -------------------------------------------------------

def run_page(script: str, params: dict) -> AppTest:
    """Open a page as a shared link does: the page chosen, the parameters with it, one run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(script)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at


def failure(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)


# -- hostile values ---------------------------------------------------------------------------

HUGE = "x" * 100_000
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
    "' OR '1'='1", "Hartford' OR 1=1 --", '"; DROP TABLE towns; --', "1; SELECT * FROM towns",
    "population\" FROM towns --", "poverty_rate) UNION SELECT 1 --",
    "[click](https://evil.example/x)", "![x](https://evil.example/x.png)", "https://evil.example",
    "javascript:alert(1)", "$\\frac{1}{0}$", ":red[alert]", "**bold** _it_ `code`", "# heading", "---",
    "../../etc/passwd", "..\\..\\windows", "CON", "NUL", "%00", "%2e%2e%2f", "\x00", "Hart\x00ford",
    "\u202eHartford", "\u200f\u05e9\u05dc\u05d5\u05dd", "مرحبا", "🏘️" * 40, "e\u0301\u0301\u0301" * 30,
    "\ufeffHartford", "Hartford\u200b", "ＨＡＲＴＦＯＲＤ", "\t\n\r", " ", "", ",", ",,,,", ";",
    "NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e-400", "-0", "0x10", "1_000",
    "١٢٣", "１２", "9" * 5000, "-" + "9" * 400, "1e12", "-1e12", "1e100", "3.4028235e38", "None", "null",
    "true", "{}", "[]", "%s%s%s", "{0}", "\\", "'", '"', HUGE, "Hartford," * 2000, "A," * 50_000,
]
VALID = ["Hartford", "West Hartford", "darien", "Union", "S05", "H007", "State Senate District 5",
         "oca2025", "coi3", "oca2014", "poverty_rate", "median_hh_income", "share_poc", "black", "latino",
         "1", "0", "50", "100", "Very High", "Low", "race,health", "2023", "Hartford,Avon,Darien"]
NUMBERS = hs.one_of(
    hs.floats(allow_nan=True, allow_infinity=True).map(repr),
    hs.integers(min_value=-10**30, max_value=10**30).map(str),
    hs.floats(min_value=-200, max_value=200, allow_nan=False).map(lambda x: f"{x:g}"),
)
TEXT = hs.text(alphabet=hs.characters(exclude_categories=("Cs",)), max_size=60)  # any code point but surrogates
VALUE = hs.one_of(hs.sampled_from(HOSTILE), hs.sampled_from(VALID), NUMBERS, TEXT)
VALUE_OR_REPEATED = hs.one_of(VALUE, VALUE, hs.lists(VALUE, min_size=2, max_size=3))  # at.query_params[k] = [a, b]


def params_for(keys):
    return hs.dictionaries(hs.sampled_from(keys + COMMON), VALUE_OR_REPEATED, max_size=min(6, len(keys) + 2))


# -- 1. any query string renders ----------------------------------------------------------------

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _property_test(name):
    script, keys = PAGES[name]

    @SETTINGS
    @given(params=params_for(keys))
    def check(params):
        at = run_page(script, params)
        assert not at.exception, f"{name} with {params!r:.500}:\n{failure(at)}"
        assert len(at.main.children) > 0, "the page drew nothing"

    return check


@pytest.mark.parametrize("name", sorted(PAGES))
def test_any_query_string_renders(name):
    _property_test(name)()


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("value", ["<script>alert(1)</script>", HUGE, "\x00\u202e🏘️e\u0301", "-inf"],
                         ids=["script", "huge", "unicode", "neg_inf"])
def test_every_parameter_at_once(name, value):
    """Each of the page's parameters holding the same bad value, and each repeated."""
    script, keys = PAGES[name]
    # Streamlit drops a whole query string over 512 KiB, so a huge value goes in one key at a time.
    every = keys + COMMON
    sets = ([{k: value for k in every[i:i + 4]} for i in range(0, len(every), 4)] if value is HUGE
            else [{k: value for k in every}])
    sets.append({k: [value, "Hartford", value] for k in (keys + COMMON)[: 1 if value is HUGE else None]})
    for params in sets:
        at = run_page(script, params)
        assert not at.exception, f"{sorted(params)}:\n{failure(at)}"


# -- 2. nothing from the URL reaches SQL text ---------------------------------------------------

MARK = "zqxq"
MARKED = [f"{MARK}' OR '1'='1", f'Hartford{MARK}"; DROP TABLE towns; --', f"<script>{MARK}</script>",
          f"poverty_rate{MARK}", f"S05{MARK}", f"oca2025{MARK}", f"1{MARK}", f"Hartford,{MARK})--,Avon"]


@pytest.fixture
def sql_log(monkeypatch):
    """Every (sql, params) the query layer runs, with the caches cleared so that queries do run."""
    log = []
    real = query.DB.df

    def df(self, sql, params=()):
        log.append((sql, list(params)))
        return real(self, sql, params)

    monkeypatch.setattr(query.DB, "df", df)
    st.cache_data.clear()
    yield log
    st.cache_data.clear()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_url_values_never_reach_sql_text(sql_log, name):
    script, keys = PAGES[name]
    sets = [{k: value for k in keys + COMMON} for value in MARKED]
    sets += [{k: ["Hartford", *MARKED] for k in keys + COMMON}, {k: MARKED[::-1] for k in keys + COMMON}]
    for params in sets:
        at = run_page(script, params)
        assert not at.exception, failure(at)
    assert sql_log, "no query was recorded: the wrapper did not see the page's queries"
    bad = [sql for sql, _ in sql_log if MARK in sql.lower()]
    assert not bad, f"URL text inside SQL on {name}: {bad[:3]}"


def _db():
    return query.DB()


@pytest.mark.parametrize("bad", ["population; DROP TABLE towns", 'population" FROM towns --', "POPULATION",
                                 " population", "towns", "", "*", "1=1", "\x00", "poverty_rate\u200b"])
def test_query_layer_refuses_unregistered_identifiers(monkeypatch, bad):
    db = _db()
    ran = []
    real = query.DB.df
    monkeypatch.setattr(query.DB, "df", lambda self, sql, params=(): ran.append(sql) or real(self, sql, params))
    calls = [lambda: db.values([bad]), lambda: db.values(["population", bad]), lambda: db.ranked(bad),
             lambda: db.ranks("town", "0900101080", ["population", bad]), lambda: db.town_wide([bad]),
             lambda: db.town_wide(["population", bad]), lambda: db.shapes(bad)]
    for call in calls:
        with pytest.raises(KeyError):
            call()
    assert ran == [], "SQL ran before the identifier was checked"
    db.close()


def test_query_layer_binds_free_text():
    """Methods that take free text bind it: hostile text finds nothing and breaks nothing."""
    db = _db()
    for bad in ["' OR '1'='1", "Hartford'; DROP TABLE towns; --", "\x00", "%", "_", "*"]:
        assert db.town(bad) is None
        assert db.district_towns(bad).empty and db.town_districts(bad).empty
        assert db.districts(bad).empty and db.appeals_history(bad).empty
        assert db.area_opportunity(bad, "town").empty and db.area_opportunity("oca2025", bad).empty
        assert db.opportunity_by_race(bad).empty and db.tract_opportunity(bad).empty
        assert db.values(["population"], geo_type=bad).empty
        assert db.values(["population"], geo_ids=[bad]).empty
    assert len(db.towns()) == 169
    db.close()


SQL_CALL = {"df", "execute", "sql", "query"}
# The only SQL built from variables: registry-checked identifiers and a fixed table map, in query.py.
# opportunity_view.load_tracts formats column names from its own module constants (checked below).
SQL_FORMAT_ALLOWED = {("query.py", "town_wide"), ("query.py", "shapes"), ("opportunity_view.py", "load_tracts")}


def test_no_formatted_sql_outside_the_whitelisted_identifiers():
    """Static guard: SQL text passed to .df()/.execute() in the app's modules is a literal (or built
    from literals), except where query.py puts checked identifiers in."""
    found = []
    for path in sorted((ROOT / "oca_dash").glob("*.py")) + sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.Module)):
                continue
            for node in ast.walk(fn):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in SQL_CALL and node.args):
                    continue
                arg = node.args[0]
                formatted = any(isinstance(n, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue)
                                                                     for v in n.values)
                                or (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                                    and n.func.attr == "format")
                                or (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod))
                                for n in ast.walk(arg))
                where = (path.name, getattr(fn, "name", "<module>"))
                if formatted and where not in SQL_FORMAT_ALLOWED and isinstance(fn, ast.FunctionDef):
                    found.append(f"{path.name}:{node.lineno} in {where[1]}")
    assert not found, "SQL text formatted from variables (use bound parameters): " + ", ".join(found)
    from oca_dash import opportunity_view as O

    assert all(i in INDICATORS for i in O.RACE_MOE_IND.values())
    assert all(re.fullmatch(r"[a-z_]+", c) for c in O.RACE_COL.values())
    pages_sql = [p.name for p in (ROOT / "pages").glob("*.py") if re.search(r"\.df\(|\.execute\(", p.read_text())]
    assert not pages_sql, f"SQL in pages: {pages_sql}"


# -- 3. nothing from the URL is rendered as HTML or live Markdown ---------------------------------

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[clickme](https://evil.example/x)",
       "![img](https://evil.example/i.png)"]
# Element protos and the fields of theirs that Streamlit renders as Markdown (a widget's value, or a
# selectbox's options, are shown as plain text and are not listed).
MARKDOWN_FIELDS = {"body", "label", "help", "placeholder", "caption"}
OPTIONS_AS_MARKDOWN = {"Radio", "ButtonGroup"}  # st.radio, st.pills, st.segmented_control


def _strings(msg, out, all_strings=False):
    for field, value in msg.ListFields():
        many = hasattr(value, "__len__") and not isinstance(value, (str, bytes)) and not hasattr(value, "ListFields")
        for v in (value if many else [value]):
            if isinstance(v, str) and (all_strings or field.name in MARKDOWN_FIELDS):
                out.append(v)
            elif hasattr(v, "ListFields"):
                _strings(v, out, all_strings or (field.name in ("options", "content")))


def markdown_texts(at: AppTest) -> list[str]:
    """Every string that Streamlit renders as Markdown, from every element and block of the page."""
    out, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        stack += list(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        name = type(proto).__name__
        if name in ("Markdown", "Alert", "Heading", "Toast"):
            _strings(proto, out, all_strings=name != "Markdown")
        else:
            _strings(proto, out)
            if name in OPTIONS_AS_MARKDOWN:
                out += [o for o in getattr(proto, "options", []) if isinstance(o, str)]
    return out


def _inert(s: str) -> str:
    """s with backslash-escaped characters and code spans taken out: what Markdown still acts on."""
    s = re.sub(r"\\.", "§", s)
    return re.sub(r"`[^`]*`", "§", s)


LIVE = [r"<\s*script", r"<\s*img", r"<\s*svg", r"\]\(https?://evil", r"!\[", r"https?://evil\.example",
        r"javascript:alert"]


def live_markup(s: str) -> list[str]:
    t = _inert(s)
    return [p for p in LIVE if re.search(p, t, re.I)]


def test_the_checker_tells_escaped_from_live():
    for x in XSS:
        assert live_markup(x) and not live_markup(md_escape(x)) and not live_markup(f"`{x}`")


ECHOING = {"map": "ind", "town": "town", "compare": "towns", "find": "levels", "brief": "town",
           "opportunity": "group", "districts": "district"}


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("marker", XSS, ids=["script", "img", "link", "image"])
def test_url_text_is_shown_escaped(name, marker):
    script, keys = PAGES[name]
    sets = [{k: marker for k in keys + COMMON}, {ECHOING.get(name, keys[0]): marker}]
    if marker == XSS[0]:
        sets.append({k: ["Hartford", marker] for k in keys + COMMON})
    seen = []
    for params in sets:
        at = run_page(script, params)
        assert not at.exception, failure(at)
        texts = markdown_texts(at)
        bad = [t for t in texts if live_markup(t)]
        assert not bad, f"{name}: URL text rendered as live markup: {bad[:3]}"
        seen += texts
    if name in ECHOING:  # the value is quoted back (escaped) in a notice, so the check above was not vacuous
        core = "evil" if "evil" in marker else "alert"
        assert any(core in t for t in seen), f"{name} did not quote the bad value back"


def test_brief_free_text_is_escaped():
    """The one free-text parameter (desc, the Find filter in words) shows, escaped, in the brief."""
    for marker in XSS:
        at = run_page("pages/brief.py", {"set": "Hartford,Avon,Darien", "desc": marker})
        assert not at.exception, failure(at)
        texts = markdown_texts(at)
        assert not [t for t in texts if live_markup(t)]
        assert any(("alert" in t or "evil" in t) for t in texts)


# Raw-HTML uses whose text is built from data, each reviewed: the builder escapes every text.
REVIEWED_HTML = {("map.py", "legend_md"): "map_view.legend_html escapes each text (html.escape)",
                 ("opportunity.py", "O.legend_html()"): "fixed level names and colours only"}


def _constant_names(tree) -> set[str]:
    """Module-level names bound to a plain string literal (CSS and the like)."""
    return {t.id for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str) for t in n.targets if isinstance(t, ast.Name)}


def test_raw_html_only_from_fixed_or_escaped_text():
    """Every st.markdown(..., unsafe_allow_html=True), st.html and components.html in the app shows a string
    literal, a module constant, or one of the reviewed builders that escape their text."""
    unknown = []
    for path in sorted((ROOT / "pages").glob("*.py")) + sorted((ROOT / "oca_dash").glob("*.py")) + [ROOT / "app.py"]:
        tree = ast.parse(path.read_text())
        consts = _constant_names(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            raw = node.func.attr == "html" or any(k.arg == "unsafe_allow_html" and not (
                isinstance(k.value, ast.Constant) and k.value.value is False) for k in node.keywords)
            if not raw or not node.args:
                continue
            arg = node.args[0]
            if (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) or (
                    isinstance(arg, ast.Name) and arg.id in consts):
                continue
            if (path.name, ast.unparse(arg)) in REVIEWED_HTML:
                continue
            unknown.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)}")
    assert not unknown, f"raw HTML from text that is not a literal: review and escape it: {unknown}"


def test_legend_html_escapes_every_text():
    from oca_dash import map_view as mv
    from oca_dash import opportunity_view as O

    x = XSS[1]
    legend = {"rows": [{"label": x, "color": "#123456\"><script>", "count": 3},
                       {"label": "ok", "color": "red;background:url(x)", "count": 1}], "note": x}
    out = mv.legend_html(x, legend, x + "s", [x, XSS[0]], x)
    assert "<img" not in out and "<script" not in out and "url(x)" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "<script" not in O.legend_html() and "<img" not in O.legend_html()
    for const in (mv.LEGEND_CSS,):
        assert "<script" not in const.lower()


# -- the same in a real browser -------------------------------------------------------------------

BROWSER_CASES = [
    ("/town?town={x}", "town"), ("/compare?towns=Hartford,{x}", "compare"), ("/find?levels={x}", "find"),
    ("/brief?town={x}", "brief"), ("/brief?set=Hartford,Avon&desc={x}", "brief desc"),
    ("/districts?district={x}", "districts"), ("/about?q={x}", "about"), ("/opportunity?group={x}", "opportunity"),
    ("/town?town=Hartford&v={x}", "vintage"),
]
BROWSER_MARKERS = ["<img src=x onerror=alert(1)>", "[a](https://evil.example/x)", "www.evil.example a@evil.example"]


# The text as a person reads it (word joiners, which keep quoted addresses from becoming links, are invisible).
SHOWS_JS = ("(m) => (document.querySelector('[data-testid=\"stMain\"]')?.innerText || '')"
            ".replaceAll('\\u2060', '').includes(m)")


@pytest.mark.browser
def test_no_script_runs_in_a_real_browser():
    from urllib.parse import quote, urlsplit

    from .browser_util import (DESKTOP, AppServer, assert_no_exception, browser, browser_unavailable, main_text,
                               open_page)

    why = browser_unavailable()
    if why:
        pytest.skip(why)
    with AppServer() as app, browser() as b:
        page = b.new_page(viewport=DESKTOP)
        dialogs, requests = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        def outside(r):  # anything the injected markup would fetch: another host, or the img's "x"
            u = urlsplit(r.url)
            if u.scheme in ("http", "https") and (u.hostname != "127.0.0.1" or u.path.rstrip("/").endswith("/x")):
                requests.append(r.url)

        page.on("request", outside)
        for path, where in BROWSER_CASES:
            for m in BROWSER_MARKERS + (["<script>alert(2)</script>"] if where in ("town", "brief desc") else []):
                url = app.url(path.format(x=quote(m, safe="")))
                open_page(page, url)
                assert_no_exception(page, where)
                try:  # the notice quoting the link's text, as text (a rerun may still be drawing it)
                    page.wait_for_function(SHOWS_JS, arg=m, polling=100, timeout=15_000)
                except Exception:  # noqa: BLE001 - said below with what the page shows
                    raise AssertionError(f"{where}: the literal text {m!r} is not shown:\n{main_text(page)[:800]}")
                links = page.locator('[data-testid="stMain"] a[href*="evil"]').count()
                imgs = page.locator('[data-testid="stMain"] img[src="x"], [data-testid="stMain"] script').count()
                assert links == 0 and imgs == 0, f"{where}: {m!r} became a live element"
        assert dialogs == [], f"a script ran: {dialogs}"
        assert requests == [], f"the page fetched {requests}"


def test_addresses_from_a_link_never_become_links():
    """Streamlit's Markdown links 'https://…', 'www.…' and 'a@b.c' in plain text even when each character
    is escaped; text quoted from a link gets an invisible word joiner inside each, and reads the same."""
    from oca_dash import links, ui
    from oca_dash.format import no_autolink

    for s in ["https://evil.example/x", "HTTP://EVIL.EXAMPLE", "www.evil.example", "WWW.Evil.example",
              "a@evil.example", "mailto:a@evil.example", "xmpp:a@evil.example"]:
        for out in (no_autolink(s), links._show(s), ui.esc(s)):
            t = _inert(out).replace("\u2060", "|")
            assert not re.search(r"https?://|www\.|@[\w-]", t, re.I), (s, out)
            assert out.replace("\u2060", "").replace("\\", "") == s
        assert no_autolink(no_autolink(s)) == no_autolink(s)
    assert no_autolink("Hartford") == "Hartford" and ui.esc(float("nan")) == "" and ui.esc(None) == ""
