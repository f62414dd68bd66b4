"""Shared fixtures: the real raw folder (for build tests) and the real database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "data" / "oca.duckdb"


@pytest.fixture(scope="module")
def db():
    """The committed database through the app's own query layer (read-only)."""
    from oca_dash.query import DB

    d = DB(DB_PATH)
    yield d
    d.close()


@pytest.fixture(scope="session")
def raw():
    from oca_dash.build.raw import Raw, RawDataError

    try:
        return Raw(os.environ.get("OCA_RAW_DIR"))
    except RawDataError as e:
        pytest.skip(f"raw data not available: {e}")


@pytest.fixture(scope="session")
def geo(raw):
    from oca_dash.build.geography import load_geo

    return load_geo(raw)


@pytest.fixture(scope="session")
def geo_with_pop(raw, geo):
    """Geo whose tracts carry ACS 2019-2023 population, as the pipeline provides it."""
    from oca_dash.build.acs_read import tract_population

    g = load_geo_copy(geo)
    g.tracts = g.tracts.merge(tract_population(raw), on="tract_id", how="left")
    return g


def load_geo_copy(geo):
    import copy

    return copy.deepcopy(geo)


# -- the real app in a real browser (test_browser, test_browser_brief, test_accessibility) -------------------
# A test module says what it lacks in ``_MISSING`` (no Chromium, no axe-core): it skips itself, except
# in CI, where these fixtures make the lack a failure.

@pytest.fixture(scope="module")
def app(request, tmp_path_factory):
    """`streamlit run app.py` on a free localhost port for the module's tests."""
    from tests import browser_util as bu

    missing = getattr(request.module, "_MISSING", None)
    if missing:  # only reached in CI: a missing browser there is a failure, not a skip
        pytest.fail(f"CI is set but {request.module.__name__} cannot run: {missing}")
    with bu.AppServer(log_path=tmp_path_factory.mktemp("streamlit") / "streamlit.log") as server:
        yield server


@pytest.fixture(scope="module")
def chromium(app):
    """Headless Chromium, after one visit to the home page: it warms the server's caches and runs
    app.py's st.navigation once (test_browser covers a deep link as a fresh server's first visit)."""
    from tests import browser_util as bu

    with bu.browser() as b:
        ctx = b.new_context(viewport=bu.DESKTOP)
        bu.open_page(ctx.new_page(), app.url("/"))
        ctx.close()
        yield b


@pytest.fixture
def page(chromium):
    """A fresh desktop-sized browser context and page that accepts downloads."""
    from tests import browser_util as bu

    ctx = chromium.new_context(accept_downloads=True, viewport=bu.DESKTOP)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture(autouse=True, scope="session")
def _apptest_runs_like_a_warm_server():
    """Every AppTest run sees the app as a warm server does (see tests/apptest_util.py)."""
    from tests.apptest_util import warm_server_runs

    with warm_server_runs():
        yield
