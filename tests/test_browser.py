"""The real app in a real browser: every page opens from a shared link, at desktop and phone width,
without an error box; links reproduce views; the view writes itself back to the URL; bad links are
harmless; presentation mode hides the controls; the map draws.

Runs `streamlit run app.py` once for the module on a free localhost port and drives Debian's Chromium
(/usr/bin/chromium, or $OCA_CHROMIUM) with Playwright. Screenshots go to screenshots/ (gitignored).
Skipped, with the reason, only when Chromium or Playwright is missing AND the environment variable CI is
not set; in CI (.ci/run installs Chromium) these tests always run.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest

from . import browser_util as bu

pytestmark = pytest.mark.browser

_MISSING = bu.browser_unavailable()
if _MISSING and not os.environ.get("CI"):
    pytest.skip(f"browser tests skipped: {_MISSING}", allow_module_level=True)

COMPARE_TOWNS = ["Hartford", "West Hartford", "Avon"]
GARBAGE = "<script>alert(1)</script>"
PLACEHOLDER = "This page is being built"
# The map's URL path. Streamlit serves st.navigation's default page at "/" only: if app.py keeps the
# map as the default page, "/map" shows "Page not found" (and this should become "/").
MAP = "/map"
# A link someone would send: the map coloured by an indicator, with the data vintage.
SHARED_MAP = MAP + "?ind=median_hh_income&v={vintage}"

# name, url path, what the page must show
PAGES = [
    ("map", MAP, None),
    ("town", "/town?town=Hartford", "Hartford"),
    ("compare", "/compare?towns=Hartford,West%20Hartford,Avon", None),
    ("find", "/find", None),
    ("opportunity", "/opportunity", None),
    ("districts", "/districts", None),
    ("about", "/about", None),
]


def _vintage() -> str:
    from oca_dash.query import DB

    return DB().vintage


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _towns_in_url(url: str) -> list[str]:
    return [t.strip() for v in _query(url).get("towns", []) for t in v.split(",") if t.strip()]


class Tab:
    """A fresh browser context and page, recording dialogs (alert/confirm) and uncaught page errors."""

    def __init__(self, chromium, app, viewport):
        self.app = app
        self.context = chromium.new_context(**bu.context_options(viewport))
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str) -> float:
        seconds = bu.open_page(self.page, self.app.url(path))
        exc = bu.exception_text(self.page)
        assert exc is None, f"Streamlit exception on {path}:\n{exc}\n--- server log ---\n{self.app.log_tail()}"
        assert not bu.page_not_found(self.page), (
            f"{path}: Streamlit says 'Page not found' (the default page of st.navigation is served at / only)")
        return seconds

    def close(self):
        self.context.close()


@pytest.fixture
def tab(chromium, app):
    t = Tab(chromium, app, bu.DESKTOP)
    yield t
    t.close()


@pytest.fixture
def phone_tab(chromium, app):
    t = Tab(chromium, app, bu.PHONE)
    yield t
    t.close()


def test_a_shared_link_works_as_the_first_visit_to_a_fresh_server(chromium, tmp_path):
    """A fresh server whose first visitor opens /town must still run app.py's navigation.

    Streamlit runs a `pages/` folder beside app.py as an old-style multipage app (each file on its own,
    app.py skipped: no page config, no presentation CSS, a sidebar of file names) until some session
    has run app.py's st.navigation; a link to /town opened first never does.
    """
    with bu.AppServer(log_path=tmp_path / "fresh.log") as fresh:
        ctx = chromium.new_context(viewport=bu.DESKTOP)
        try:
            page = ctx.new_page()
            bu.open_page(page, fresh.url("/town?town=Avon"))
            assert bu.h1_text(page) == "Avon"
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0 and bu.top_nav_links(page) > 0, (
                "the first visit to /town ran pages/town.py without app.py (Streamlit's old `pages/` folder "
                "mode): rename the folder (e.g. app_pages/) so st.navigation is the only way pages run")
        finally:
            ctx.close()


@pytest.mark.parametrize("name,path,title", PAGES, ids=[p[0] for p in PAGES])
def test_page_opens_at_desktop_and_phone_width(chromium, app, name, path, title):
    for width, viewport in (("1400", bu.DESKTOP), ("390", bu.PHONE)):
        t = Tab(chromium, app, viewport)
        try:
            seconds = t.open(path)
            page = t.page
            if name == "map":
                bu.wait_deck_drawn(page)
            bu.screenshot(page, f"{name}_{width}")
            bu.screenshot(page, f"{name}_{width}_full", full=True)
            h1 = bu.h1_text(page)
            text = bu.main_text(page)
            assert h1, f"{path} at {width} px has no title (H1)"
            assert PLACEHOLDER not in text, f"{path} is still a placeholder"
            if title:
                assert h1 == title
            if name == "compare":
                for town in COMPARE_TOWNS:
                    assert town in text, f"{town} missing from {path}"
            if width == "1400":
                assert bu.top_nav_links(page) > 0, f"{path}: the top navigation is missing"
            else:
                overflow = bu.horizontal_overflow(page)
                assert overflow <= 1, f"{path} is {overflow} px wider than a 390 px phone screen"
            assert not t.errors, f"JavaScript errors on {path}: {t.errors[:3]}"
            print(f"\n{name} at {width} px ready in {seconds:.2f} s")
        finally:
            t.close()


def test_shared_compare_link_reproduces_the_view(tab):
    tab.open("/compare?towns=Hartford,West%20Hartford,Avon")
    text = bu.main_text(tab.page)
    for town in COMPARE_TOWNS:
        assert town in text
    # the page writes the same choice back into its URL, with the data vintage
    assert _towns_in_url(tab.page.url) == COMPARE_TOWNS
    assert _query(tab.page.url).get("v") == [_vintage()]


def test_garbage_link_shows_a_notice_and_runs_no_script(tab):
    tab.page.add_init_script("window.__alerted = false; window.alert = () => { window.__alerted = true; };")
    tab.open("/town?town=%3Cscript%3Ealert(1)%3C/script%3E")
    page = tab.page
    notices = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert GARBAGE in notices, f"the notice should quote the link's text literally; notices: {notices!r}"
    assert bu.h1_text(page) == "Hartford"  # the default town instead
    assert tab.dialogs == [] and page.evaluate("window.__alerted") is False
    injected = page.evaluate("""() => [...document.querySelectorAll('script')]
                                 .filter(s => (s.textContent || '').includes('alert(1)')).length""")
    assert injected == 0
    assert not tab.errors
    bu.screenshot(page, "town_garbage_link_1400")


def test_choosing_a_town_writes_it_to_the_url(tab):
    tab.open("/town?town=Hartford")
    page = tab.page
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Town").first.locator("input")
    box.focus()
    page.keyboard.type("Darien")
    page.keyboard.press("Enter")
    page.wait_for_url("**town=Darien**", timeout=20_000)
    bu.wait_ready(page)
    assert bu.h1_text(page) == "Darien"
    q = _query(page.url)
    assert q.get("town") == ["Darien"]
    assert q.get("v") == [_vintage()]
    assert bu.exception_text(page) is None


def test_presentation_mode_hides_the_controls(tab):
    tab.open("/town?town=Hartford")
    normal_h1 = bu.text_px(tab.page, '[data-testid="stMain"] h1')
    normal_metric = bu.text_px(tab.page, '[data-testid="stMetricValue"]')
    assert tab.page.locator(".st-key-controls").first.is_visible()

    tab.open("/town?town=Hartford&present=1")
    page = tab.page
    assert bu.h1_text(page) == "Hartford"
    assert page.locator(".st-key-controls").count() >= 1, "the page should still build its controls"
    assert not page.locator(".st-key-controls").first.is_visible(), "controls visible in presentation mode"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.get_by_role("combobox", name="Town").is_visible()
    big_h1 = bu.text_px(page, '[data-testid="stMain"] h1')
    big_metric = bu.text_px(page, '[data-testid="stMetricValue"]')
    assert big_h1 > normal_h1 and big_metric > normal_metric, (
        f"presentation mode should enlarge the type: title {normal_h1:g} px -> {big_h1:g} px, "
        f"figures {normal_metric:g} px -> {big_metric:g} px")
    assert _query(page.url).get("present") == ["1"], "the presentation flag should stay in the link"
    bu.screenshot(page, "town_present_1400")


def test_shared_map_link_draws_the_map(tab, capsys):
    """Informational timing: goto of a shared map link to the deck.gl canvas showing the towns."""
    import time

    page = tab.page
    t0 = time.perf_counter()
    page.goto(tab.app.url(SHARED_MAP.format(vintage=_vintage())), wait_until="commit")
    drawn = bu.wait_deck_drawn(page)
    seconds = time.perf_counter() - t0
    with capsys.disabled():
        print(f"\n[browser] shared map link: canvas drawn {seconds:.2f} s after goto "
              f"({drawn['t'] / 1000:.2f} s after navigation start; server already warm)")
    assert drawn["colors"] >= 5
    bu.wait_ready(page)
    assert bu.exception_text(page) is None
    assert not bu.page_not_found(page), "the shared map link shows 'Page not found'"
