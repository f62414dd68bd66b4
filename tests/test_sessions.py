"""Sessions do not leak into each other, and the app never writes to its database.

Two people on one server share the process's caches (st.cache_data, st.cache_resource) but nothing
else. Here:
- two AppTest runs of app.py in one process (shared caches, like two viewers of one server) on
  different towns and filters, interleaved, each showing only its own towns and its own numbers;
- two browser contexts open at once on one real server (`streamlit run app.py`), each changing its town,
  each page then showing only its own town;
- the server opened data/oca.duckdb read-only and never changed it (same mtime and SHA-256 after the
  browsers have used it, no write-ahead log), and the connection the app uses refuses to write.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_util import open_link
from tests.db_util import sql

from . import browser_util as bu

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "data" / "oca.duckdb"


# -- helpers ------------------------------------------------------------------------------------

def open_page(page: str, params: dict) -> AppTest:
    """A new viewer opening a shared link: its own AppTest (own session), the same process's caches."""
    at = open_link(page, params, timeout=120)
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def town_value(town: str, indicator: str):
    return sql("SELECT v.estimate FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id "
               "WHERE v.geo_type = 'town' AND t.town = ? AND v.indicator = ?", [town, indicator]).iloc[0, 0]


def unescape(text: str) -> str:
    """Markdown as a reader sees it: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", str(text))


def page_text(at: AppTest) -> str:
    """Every piece of text the page shows (titles, headings, Markdown, captions, metrics, notices),
    backslash escapes removed."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return unescape("\n".join(str(p) for p in parts))


def mentions(text: str, town: str) -> bool:
    """The town's name as a whole word (so 'Canton' is not found in 'Cantonment')."""
    return re.search(rf"(?<![\w-]){re.escape(town)}(?![\w-])", text) is not None


def town_box(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Town")


def fingerprint(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return os.stat(path).st_mtime_ns, h.hexdigest()


# -- two viewers in one process (AppTest) -----------------------------------------------------------

def test_two_viewers_of_the_town_page_each_see_only_their_town():
    from oca_dash.format import fmt_value

    a = open_page("pages/town.py", {"town": "Avon"})
    b = open_page("pages/town.py", {"town": "Darien"})
    town_box(a).set_value("Bethel")
    a.run()
    town_box(b).set_value("Canton")
    b.run()
    a.run()  # a reruns after b has filled the caches with Canton
    for at, mine, theirs in ((a, "Bethel", ("Avon", "Darien", "Canton")),
                             (b, "Canton", ("Avon", "Darien", "Bethel"))):
        assert not at.exception
        assert at.title[0].value == mine and at.query_params["town"] == mine
        assert town_box(at).value == mine
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Population"] == fmt_value("population", town_value(mine, "population"))
        assert metrics["Median income"] == fmt_value("median_hh_income", town_value(mine, "median_hh_income"))
        text = page_text(at)
        assert [t for t in theirs if mentions(text, t)] == []


def test_two_viewers_compare_different_towns():
    a = open_page("pages/compare.py", {"towns": "Avon,Bethel"})
    b = open_page("pages/compare.py", {"towns": "Darien,Canton,Union"})
    a.multiselect(key="cmp_towns").set_value(["Avon", "Bethel", "Salisbury"])
    a.run()
    b.run()
    assert a.title[0].value == "Avon compared with Bethel and Salisbury"
    assert b.title[0].value == "Darien compared with Canton and Union"
    assert a.query_params["towns"] == "Avon,Bethel,Salisbury" and b.query_params["towns"] == "Darien,Canton,Union"
    ta, tb = page_text(a), page_text(b)
    assert [t for t in ("Darien", "Canton", "Union") if mentions(ta, t)] == []
    assert [t for t in ("Avon", "Bethel", "Salisbury") if mentions(tb, t)] == []


def test_two_viewers_filter_differently_and_each_gets_their_own_towns():
    def expected(where: str) -> list[str]:
        return list(sql("SELECT t.town FROM town_wide w JOIN towns t ON t.town_id = w.geo_id "
                        f"WHERE {where} ORDER BY t.town")["town"])

    def result_towns(at) -> list[str]:
        table = next(df.value for df in at.dataframe if "Town" in df.value.columns)
        return sorted(table["Town"])

    a = open_page("pages/find.py", {"poc_min": "50"})
    b = open_page("pages/find.py", {"poc_max": "15", "pop_min": "10000"})
    a.slider(key="f_poc").set_value((60.0, 100.0))
    a.run()
    b.run()
    assert not a.exception and not b.exception
    want_a, want_b = expected("w.share_poc >= 0.60"), expected("w.share_poc <= 0.15 AND w.population >= 10000")
    assert want_a and want_b and not set(want_a) & set(want_b)
    assert result_towns(a) == want_a
    assert result_towns(b) == want_b
    assert a.query_params["poc_min"] == "60" and "poc_max" not in a.query_params
    assert b.query_params["poc_max"] == "15" and b.query_params["pop_min"] == "10000"
    assert b.slider(key="f_poc").value == (0.0, 15.0)


def test_two_viewers_of_the_brief_page():
    a = open_page("pages/brief.py", {"town": "Avon"})
    b = open_page("pages/brief.py", {"towns": "Darien,Canton"})
    a.run()
    assert unescape(a.title[0].value) == "Talking points: Avon"
    assert unescape(b.title[0].value).startswith("Talking points: Darien") and "Canton" in b.title[0].value
    assert [t for t in ("Darien", "Canton") if mentions(page_text(a), t)] == []
    assert not mentions(page_text(b), "Avon")


def test_the_apps_database_connection_is_read_only():
    """The very connection the app's pages use (ui.db(), cached for the process) refuses to write."""
    from oca_dash import ui

    open_page("pages/town.py", {"town": "Avon"})  # the app has opened its database in this process
    db = ui.db()
    assert db.path.resolve() == DB_PATH.resolve()
    for stmt in ("CREATE TABLE t_write_probe (a INTEGER)", "DELETE FROM towns",
                 "UPDATE build_info SET value = 'x'"):
        with pytest.raises(duckdb.Error, match="(?i)read.only"):
            db._cur().execute(stmt)
    assert len(db.towns()) == 169


# -- two browsers at once on one server; the database untouched ---------------------------------------

_MISSING = bu.browser_unavailable()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if _MISSING and not os.environ.get("CI"):
        pytest.skip(f"browser tests skipped: {_MISSING}")
    if _MISSING:
        pytest.fail(f"CI is set but the browser tests cannot run: {_MISSING}")
    before = fingerprint(DB_PATH)
    server = bu.AppServer(log_path=tmp_path_factory.mktemp("streamlit") / "streamlit.log")
    with server:
        with bu.browser() as b:
            ctx = b.new_context(viewport=bu.DESKTOP)  # warm the server once (app.py's st.navigation runs)
            bu.open_page(ctx.new_page(), server.url("/"))
            ctx.close()
            yield server, b, before


def _choose_town(page, town: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Town").first.locator("input")
    box.click()
    page.keyboard.type(town)


@pytest.mark.browser
def test_two_browsers_at_once_each_show_only_their_own_town(served):
    app, b, _ = served
    c1, c2 = b.new_context(viewport=bu.DESKTOP), b.new_context(viewport=bu.DESKTOP)
    try:
        p1, p2 = c1.new_page(), c2.new_page()
        bu.open_page(p1, app.url("/town?town=Avon"))
        bu.open_page(p2, app.url("/town?town=Darien"))
        # both type a new town, then both press Enter: the two reruns overlap on the server
        _choose_town(p1, "Bethel")
        _choose_town(p2, "Canton")
        p1.keyboard.press("Enter")
        p2.keyboard.press("Enter")
        p1.wait_for_url("**town=Bethel**", timeout=30_000)
        p2.wait_for_url("**town=Canton**", timeout=30_000)
        for p in (p1, p2):
            bu.wait_ready(p)
        # then each interacts again (the opportunity index) while the other is open
        for p in (p1, p2):
            box = p.locator('[data-testid="stSelectbox"]').filter(has_text="Opportunity index").first
            box.locator("input").click()
            p.keyboard.type("Child")
            p.keyboard.press("Enter")
        for p in (p1, p2):
            p.wait_for_url("**idx=coi3**", timeout=30_000)
            bu.wait_ready(p)
        for p, mine, theirs in ((p1, "Bethel", ("Avon", "Darien", "Canton")),
                                (p2, "Canton", ("Avon", "Darien", "Bethel"))):
            bu.assert_no_exception(p)
            assert bu.h1_text(p) == mine
            assert f"town={mine}" in p.url and "idx=coi3" in p.url
            text = bu.main_text(p)
            assert "Child Opportunity Index" in text
            assert [t for t in theirs if mentions(text, t)] == []
    finally:
        c1.close()
        c2.close()


@pytest.mark.browser
def test_the_server_opens_the_database_read_only_and_never_writes_it(served):
    import psutil

    app, b, before = served
    ctx = b.new_context(viewport=bu.DESKTOP)
    try:  # use the app a little (this test also stands alone)
        page = ctx.new_page()
        for path in ("/town?town=Union", "/compare?towns=Union,Avon", "/find?poc_min=50", "/brief?town=Union"):
            bu.open_page(page, app.url(path))
            bu.assert_no_exception(page)
    finally:
        ctx.close()
    server = psutil.Process(app.proc.pid)
    handles = [f for p in [server] + server.children(recursive=True) for f in p.open_files()
               if Path(f.path).resolve() == DB_PATH.resolve()]
    assert handles, "the server should hold data/oca.duckdb open"
    assert {f.mode for f in handles} == {"r"}, f"opened for writing: {handles}"
    app.stop()
    assert fingerprint(DB_PATH) == before, "data/oca.duckdb changed while the app ran"
    assert not DB_PATH.with_name(DB_PATH.name + ".wal").exists()
