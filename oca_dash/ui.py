"""Streamlit helpers shared by the pages: the cached database, share links, presentation
mode, notices and source lines. The only library module that imports Streamlit."""

from __future__ import annotations

import datetime as _dt

import pandas as pd
import streamlit as st

from . import brief_view, links
from .format import md_escape, no_autolink
from .indicators import sources_of
from .query import DB, DatabaseError, REBUILD_HINT

APP_TITLE = "Connecticut Opportunity Dashboard"


@st.cache_resource(show_spinner=False)
def _open_db() -> DB:
    return DB()


def ensure_app_entry() -> None:
    """Make sure app.py's st.navigation, not Streamlit's legacy ``pages/`` discovery, runs this page.

    Streamlit decides per process whether to treat a ``pages/`` folder the old (v1) way until the
    first call of st.navigation. So the very first request to a fresh server for a deep link
    (``/town?town=Darien``) would run pages/town.py alone, without app.py's layout and top menu.
    Here that first run switches the legacy mode off and reruns: the rerun goes through app.py and
    keeps the URL, so the shared link opens exactly. A browser test covers it (fresh server, deep link).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def db() -> DB:
    """The process-wide read-only database, or a clear error page (and stop)."""
    ensure_app_entry()
    try:
        return _open_db()
    except DatabaseError as e:
        st.error("**The dashboard's database cannot be used.**\n\n" + str(e))
        st.markdown(f"How to fix it: {REBUILD_HINT}")
        st.stop()


@st.cache_data(show_spinner=False, max_entries=256)
def _word_bytes(spec: brief_view.Spec, idx: str, day: str) -> bytes:
    """The Word brief for a subject, once per process and day (about 40 KB each)."""
    return brief_view.export(db(), spec, "docx", idx=idx, day=_dt.date.fromisoformat(day))


def word_brief_button(where, spec: brief_view.Spec, idx: str, *, on_request: bool = False) -> None:
    """The Word-brief download in ``where`` (a container). Built with the page (0.05-0.2 s the first
    time for a town or up to six towns, then cached), or, with ``on_request`` (a Find result of up to
    169 towns takes up to 0.8 s), behind a "Prepare" button that builds it in a fragment rerun."""
    day = _dt.date.today().isoformat()
    if not on_request:
        where.download_button(**brief_view.word_download(spec, db().vintage, _word_bytes(spec, idx, day)))
        return
    with where:
        _word_on_request(spec, idx, day)


@st.fragment
def _word_on_request(spec: brief_view.Spec, idx: str, day: str) -> None:
    slot = st.empty()
    wanted = st.session_state.get("_word_ready") == (spec, idx, day)
    if not wanted and slot.button("Prepare the Word brief", icon=":material/description:", key="_word_prepare",
                                  help=f"Builds an editable Word file of talking points about "
                                       f"{brief_view.subject_label(spec)} (a second or less), then offers it"):
        st.session_state["_word_ready"] = wanted = (spec, idx, day)
    if wanted:
        slot.download_button(**brief_view.word_download(spec, db().vintage, _word_bytes(spec, idx, day)),
                             key="_word_download")


@st.cache_data(show_spinner=False, max_entries=64)
def town_names() -> list[str]:
    return db().towns()["town"].tolist()


@st.cache_data(show_spinner=False, max_entries=64)
def towns() -> pd.DataFrame:
    return db().towns()


# -- share links ------------------------------------------------------------------

def qp(key: str) -> str | None:
    """A query parameter's first value (None if absent)."""
    vals = st.query_params.get_all(key)
    return vals[0] if vals else None


def qp_all(key: str) -> list[str]:
    return st.query_params.get_all(key)


def presenting() -> bool:
    return links.parse_flag(qp("present"))


def share_url(params: dict) -> None:
    """Write the view's state into the URL (with the data vintage and presentation flag)."""
    out = {k: v for k, v in params.items() if v not in (None, "", [])}
    out["v"] = db().vintage
    if presenting():
        out["present"] = "1"
    st.query_params.from_dict(out)


def show_notices(notices) -> None:
    for n in notices:
        if n:
            st.info(n, icon=":material/info:")


def check_vintage() -> None:
    note = links.vintage_notice(qp("v"), db().vintage)  # quotes the link's text: escaped
    show_notices([esc(note)] if note else [])


# -- page furniture ------------------------------------------------------------------

PRESENT_CSS = """
<style>
html { font-size: 22px !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li, [data-testid="stCaptionContainer"] { font-size: 1.1rem !important; }
h1 { font-size: 2.8rem !important; } h2 { font-size: 2.1rem !important; } h3 { font-size: 1.6rem !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header [data-testid="stToolbar"] { display: none !important; }
.st-key-controls { display: none !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMetricValue"] div { font-size: 2.6rem !important; }
</style>
"""

BASE_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2rem; }
.src { color: #4a4a4a; font-size: 0.85rem; }
/* Keyboard focus: Streamlit draws its navigation links and st.page_link without a focus indicator. */
[data-testid="stTopNavLink"]:focus-visible, [data-testid="stSidebarNavLink"]:focus-visible,
[data-testid="stPageLink-NavLink"]:focus-visible { outline: 3px solid #1b5e91; outline-offset: 2px; border-radius: 4px; }
@media (max-width: 640px) { h1 { font-size: 1.7rem !important; } }
</style>
"""


def page_setup() -> None:
    st.markdown(BASE_CSS, unsafe_allow_html=True)
    if presenting():
        st.markdown(PRESENT_CSS, unsafe_allow_html=True)


def controls():
    """A container for a page's controls; hidden in presentation mode."""
    return st.container(key="controls")


def source_line(indicator_ids, extra: str = "") -> str:
    """'Source: publisher, dataset (vintage); ...' for a set of indicators, deduplicated."""
    parts = [f"{s.publisher} ({vintage})" for s, vintage in sources_of(indicator_ids)]
    text = "Source: " + "; ".join(parts)
    return text + (f". {extra}" if extra else ".")


def caption(text: str) -> None:
    """A caption of the app's own text (source lines): only '$' (LaTeX in Markdown) is escaped."""
    st.caption(str(text).replace("$", "\\$"))


def esc(text) -> str:
    """Escape text from the URL or the data for st.markdown (see format.md_escape); addresses in it
    ('https://…', 'www.…', 'a@b.c') stay text, not live links (format.no_autolink)."""
    return md_escape(no_autolink(text) if isinstance(text, str) else text)
