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
    """Every AppTest run sees the app as a warm server does (see tests/apptest_util.py)."""
    from tests.apptest_util import warm_server_runs

    with warm_server_runs():
        yield
