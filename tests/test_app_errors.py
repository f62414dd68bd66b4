"""A missing or broken database gives a clear page, never a traceback."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def broken_db(monkeypatch, tmp_path):
    def use(path):
        monkeypatch.setenv("OCA_DB", str(path))
        st.cache_resource.clear()
        st.cache_data.clear()
    yield use
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("kind", ["missing", "truncated", "garbage"])
def test_broken_database_shows_what_is_wrong_and_how_to_fix_it(broken_db, tmp_path, kind):
    p = tmp_path / "oca.duckdb"
    if kind == "truncated":
        p.write_bytes((ROOT / "data" / "oca.duckdb").read_bytes()[:50_000])
    elif kind == "garbage":
        p.write_text("not a database")
    broken_db(p)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert "database" in text and ("does not exist" if kind == "missing" else "cannot be opened") in text
    assert any("make build" in m.value for m in at.markdown)
