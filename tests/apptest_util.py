"""AppTest as a warm server runs this app (used by the tests' conftest and by scripts/bench_app.py).

AppTest resets ``PagesManager.uses_pages_directory`` before every run, so each run of this app (which has
a ``pages/`` folder) would start in Streamlit's legacy multipage mode, and ``ui.ensure_app_entry`` would
rerun it: twice the work, and a button's click is lost in the rerun. A real server clears the flag once,
on its first run (``tests/test_browser.py`` opens a deep link on a fresh server to cover that run).
"""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def warm_server_runs():
    """Within the block, every AppTest run sees the flag as a server does after its first run."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class WarmPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    original = app_test.PagesManager
    app_test.PagesManager = WarmPagesManager
    try:
        yield
    finally:
        app_test.PagesManager = original


def open_link(page: str, params: dict | None = None, timeout: float = 60):
    """A shared link opened by a new viewer: ``/<page>?<params>`` in its own AppTest (its own session,
    this process's caches), run once. ``page`` is the file, e.g. ``"pages/town.py"``."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=timeout)
    at.switch_page(page)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    return at
