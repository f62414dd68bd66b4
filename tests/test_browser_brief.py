"""The Brief page in a real browser: a shared link opens the brief and its Word download is a real Word
file about the town; a keyboard-only user can pick a town and download the brief (Tab, typing and Enter,
no mouse); the page fits a phone; the Town page's Word button and the Find page's link work.

Runs `streamlit run app.py` once for the module (tests/browser_util.py) and drives Debian's Chromium
with Playwright. Skipped, with the reason, only when Chromium or Playwright is missing AND the environment
variable CI is not set. Screenshots go to screenshots/ (gitignored).
"""

from __future__ import annotations

import io
import os
from urllib.parse import parse_qs, urlsplit

import pytest

from . import browser_util as bu

pytestmark = pytest.mark.browser

_MISSING = bu.browser_unavailable()
if _MISSING and not os.environ.get("CI"):
    pytest.skip(f"browser tests skipped: {_MISSING}", allow_module_level=True)

# The st-key-* class of the keyed element that holds the focus, and the focused element's tag.
FOCUS_JS = """() => { const e = document.activeElement; if (!e) return null;
  const k = e.closest('[class*="st-key-"]');
  return (k ? [...k.classList].find(c => c.startsWith('st-key-')) : '') + ':' + e.tagName; }"""


def _docx_text(download) -> str:
    import docx

    with open(download.path(), "rb") as fh:
        doc = docx.Document(io.BytesIO(fh.read()))
    return "\n".join(p.text for p in doc.paragraphs)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _wait_title(page, words: str, timeout: float = 30.0) -> None:
    page.wait_for_function("(w) => { const h = document.querySelector('[data-testid=\"stMain\"] h1');"
                           " return h && h.innerText.includes(w); }", arg=words, timeout=timeout * 1000)
    bu.wait_ready(page, timeout)


def _tab_to(page, target: str, limit: int = 60) -> int:
    """Press Tab until the focus is on `target` ('st-key-<key>:<TAG>'); returns how many presses."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS_JS) == target:
            return n
    raise AssertionError(f"Tab never reached {target} in {limit} presses (last: {page.evaluate(FOCUS_JS)})")


def test_a_shared_link_opens_the_brief_and_its_word_file_is_about_the_town(app, page):
    bu.open_page(page, app.url("/brief?town=West%20Hartford"))
    bu.assert_no_exception(page)
    assert bu.h1_text(page) == "Talking points: West Hartford"
    assert _query(page.url)["town"] == ["West Hartford"] and _query(page.url)["v"]
    with page.expect_download(timeout=30_000) as d:
        page.get_by_role("button", name="Word (.docx)").click()
    assert d.value.suggested_filename.startswith("West_Hartford_brief_")
    assert d.value.suggested_filename.endswith(".docx")
    text = _docx_text(d.value)
    assert text.startswith("Talking points: West Hartford") and text.count("West Hartford") > 3
    bu.screenshot(page, "brief_1400", full=True)


def test_a_keyboard_user_picks_a_town_and_downloads_the_brief(app, page):
    bu.open_page(page, app.url("/brief"))
    assert bu.h1_text(page) == "Talking points: Hartford"
    _tab_to(page, "st-key-b_town:INPUT")
    page.keyboard.type("Avon", delay=30)
    page.keyboard.press("Enter")
    _wait_title(page, "Avon")
    bu.assert_no_exception(page)
    assert bu.h1_text(page) == "Talking points: Avon" and _query(page.url)["town"] == ["Avon"]
    _tab_to(page, "st-key-dl_docx:BUTTON")
    with page.expect_download(timeout=30_000) as d:
        page.keyboard.press("Enter")
    assert d.value.suggested_filename.startswith("Avon_brief_")
    assert _docx_text(d.value).startswith("Talking points: Avon")


def test_every_format_downloads_with_a_safe_name(app, page):
    bu.open_page(page, app.url("/brief?towns=Hartford,West%20Hartford&topics=race,affordable_housing"))
    bu.assert_no_exception(page)
    for label, ext, magic in (("PDF (one page)", ".pdf", b"%PDF"), ("Markdown (.md)", ".md", b"# Talking points"),
                              ("CSV (the figures)", ".csv", b"point,topic")):
        with page.expect_download(timeout=60_000) as d:
            page.get_by_role("button", name=label).click()
        name = d.value.suggested_filename
        assert name == f"Hartford_West_Hartford_brief_{_query(page.url)['v'][0]}{ext}", name
        with open(d.value.path(), "rb") as fh:
            assert fh.read().startswith(magic), label


def test_the_page_fits_a_phone(app, chromium):
    ctx = chromium.new_context(**bu.context_options(bu.PHONE))
    try:
        page = ctx.new_page()
        bu.open_page(page, app.url("/brief?district=S05"))
        bu.assert_no_exception(page)
        assert bu.h1_text(page) == "Talking points: State Senate District 5"
        assert bu.horizontal_overflow(page) == 0
        bu.screenshot(page, "brief_390", full=True)
    finally:
        ctx.close()


def test_the_town_pages_word_button_and_the_find_pages_link(app, page):
    bu.open_page(page, app.url("/town?town=Darien"))
    with page.expect_download(timeout=30_000) as d:
        page.get_by_role("button", name="Word brief (.docx)").click()
    assert d.value.suggested_filename.startswith("Darien_brief_")
    assert _docx_text(d.value).startswith("Talking points: Darien")

    bu.open_page(page, app.url("/find?levels=Very%20High&ahal_max=3"))
    page.get_by_role("button", name="Prepare the Word brief").click()
    with page.expect_download(timeout=60_000) as d:
        page.get_by_role("button", name="Word brief (.docx)").click(timeout=60_000)
    assert d.value.suggested_filename.endswith(".docx")
    assert _docx_text(d.value).startswith("Talking points: ")
    page.get_by_text("Talking points for these").click()
    _wait_title(page, "towns")
    bu.assert_no_exception(page)
    q = _query(page.url)
    n = len(q["set"][0].split(","))
    assert bu.h1_text(page) == f"Talking points: {n} towns"
    assert "Very High" in q["desc"][0]
    assert "Towns chosen by: opportunity level Very High" in bu.main_text(page)
