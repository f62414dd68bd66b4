"""Shared fixtures: the real raw folder (for build tests) and the real database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "data" / "oca.duckdb"


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


@pytest.fixture(autouse=True, scope="session")
def _apptest_runs_like_a_warm_server():
    """AppTest resets ``PagesManager.uses_pages_directory`` before every run, so each run of this app
    (which has a ``pages/`` folder) would start in Streamlit's legacy mode, and ``ui.ensure_app_entry``
    would rerun it: twice the work, and a button's click is lost in the rerun. A real server clears
    the flag once, on its first run (``tests/test_browser.py`` covers that first run). Here each
    AppTest run sees the flag as a warm server does."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class WarmPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    original = app_test.PagesManager
    app_test.PagesManager = WarmPagesManager
    yield
    app_test.PagesManager = original
