"""Helpers for driving the real app in a real browser (Debian's Chromium through Playwright).

Used by tests/test_browser.py and scripts/bench_app.py. Nothing here downloads a browser:
Playwright is told to use the system Chromium (`OCA_CHROMIUM`, default /usr/bin/chromium).

    with AppServer() as app:                 # `streamlit run app.py` on a free localhost port
        with browser() as b:                 # headless Chromium
            page = b.new_page(viewport=DESKTOP)
            open_page(page, app.url("/town?town=Hartford"))   # waits until the script has finished
            assert_no_exception(page)
            screenshot(page, "town_1400")
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("OCA_CHROMIUM", "/usr/bin/chromium")

# Without the networking flags Chromium tries outside hosts that this machine refuses. WebGL (deck.gl) is
# drawn by SwiftShader, Chromium's software renderer, through ANGLE: Chromium 156 does that with
# --disable-gpu alone; --enable-unsafe-swiftshader keeps it working in builds that no longer fall back
# to SwiftShader on their own.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-unsafe-swiftshader",
]

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
# A phone is more than a narrow window: pages may size things by the user agent, so send a phone's.
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/156.0.0.0 Mobile Safari/537.36")


def context_options(viewport: dict) -> dict:
    """Options for browser.new_context(): desktop, or a phone (mobile user agent, touch) at 390 px."""
    if viewport["width"] < 600:
        return {"viewport": viewport, "user_agent": PHONE_UA, "is_mobile": True, "has_touch": True}
    return {"viewport": viewport}

READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STATUS = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
DECK = '[data-testid="stDeckGlJsonChart"]'

# True once any deck.gl canvas on the page shows a picture: the canvas is copied, shrunk, into a 2D
# canvas and must show at least 5 distinct colours (a blank or single-colour canvas is not a map).
# Returns {colors, t} where t is performance.now(), milliseconds since the navigation started.
DECK_DRAWN_JS = """() => {
  for (const c of document.querySelectorAll('[data-testid="stDeckGlJsonChart"] canvas')) {
    if (!c.width || !c.height) continue;
    const w = 64, h = Math.max(1, Math.round(64 * c.height / c.width));
    const o = document.createElement('canvas'); o.width = w; o.height = h;
    const x = o.getContext('2d'); x.drawImage(c, 0, 0, w, h);
    const d = x.getImageData(0, 0, w, h).data, seen = new Set();
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    if (seen.size >= 5) return {colors: seen.size, t: performance.now()};
  }
  return null;
}"""


CHARTS_DRAWN_JS = """() => {
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter(e => e.getClientRects().length)
    .every(e => e.querySelector('canvas, svg.marks'));
}"""


def free_port() -> int:
    """A TCP port on localhost that nothing is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if not Path(CHROMIUM).exists():
        return (f"Chromium not found at {CHROMIUM} (install Debian's chromium: apt-get install -y chromium; "
                ".ci/run does this)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


class AppServer:
    """`streamlit run app.py` in a subprocess on a free localhost port, its output in a log file.

    Start with `with AppServer() as app:` or `.start()`/`.stop()`. `start()` waits (up to `timeout`
    seconds) for Streamlit's health endpoint and raises with the log's tail if the server dies or is late.
    """

    def __init__(self, script: str = "app.py", cwd: Path = ROOT, timeout: float = 60.0,
                 log_path: Path | None = None):
        self.script, self.cwd, self.timeout = script, Path(cwd), timeout
        self.port = free_port()
        self.log_path = Path(log_path) if log_path else Path(tempfile.mkstemp(prefix="streamlit_", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path if path.startswith('/') else '/' + path}"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def start(self) -> "AppServer":
        cmd = [sys.executable, "-m", "streamlit", "run", self.script,
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--server.runOnSave", "false",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
        log = open(self.log_path, "wb")
        # Its own process group, so stop() ends streamlit and anything it started, and nothing else.
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/_stcore/health"), timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on port {self.port} within {self.timeout:.0f} s:\n"
                           f"{self.log_tail()}")

    def stop(self) -> None:
        p, self.proc = self.proc, None
        if p is None or p.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def browser():
    """A headless system Chromium driven by Playwright (sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def wait_ready(page, timeout: float = 30.0) -> None:
    """Wait until the app has connected, run its script to the end, and hidden the status widget."""
    ms = timeout * 1000
    page.wait_for_selector('[data-testid="stApp"]', timeout=ms)
    page.wait_for_selector(READY, timeout=ms)
    page.wait_for_selector(STATUS, state="hidden", timeout=ms)
    # A script that changed the URL or a widget may rerun at once: let it settle.
    page.wait_for_selector(READY, timeout=ms)
    # Charts are drawn after the script ends (Vega loads lazily): wait for every visible one.
    page.wait_for_function(CHARTS_DRAWN_JS, polling=100, timeout=ms)


def open_page(page, url: str, timeout: float = 30.0) -> float:
    """goto(url) and wait_ready; returns the seconds it took."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    wait_ready(page, timeout)
    return time.perf_counter() - t0


def exception_text(page) -> str | None:
    """The text of the first Streamlit error box on the page, or None."""
    boxes = page.locator(EXCEPTION)
    return boxes.first.inner_text() if boxes.count() else None


def assert_no_exception(page, where: str = "") -> None:
    text = exception_text(page)
    assert text is None, f"Streamlit exception on {where or page.url}:\n{text}"


def h1_text(page) -> str:
    """The page's title (the first H1 in the main area), or ''."""
    h = page.locator('[data-testid="stMain"] h1')
    return h.first.inner_text().strip() if h.count() else ""


def wait_deck_drawn(page, timeout: float = 30.0) -> dict:
    """Wait until a deck.gl canvas shows a picture; returns {colors, t (ms since navigation start)}."""
    page.wait_for_selector(f"{DECK} canvas", timeout=timeout * 1000)
    return page.wait_for_function(DECK_DRAWN_JS, polling="raf", timeout=timeout * 1000).json_value()


def screenshot(page, name: str, full: bool = False) -> Path:
    """Save a PNG of what the viewport shows into screenshots/ (gitignored); returns its path.

    Streamlit scrolls its main area, not the document, so Playwright's full_page sees one screen.
    With full=True the viewport is stretched to the main area's height for the shot, then restored.
    """
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if not full:
        page.screenshot(path=str(path))
        return path
    vp = page.viewport_size
    height = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                           " return m ? m.scrollHeight : document.documentElement.scrollHeight; }")
    page.set_viewport_size({"width": vp["width"], "height": min(max(height, vp["height"]), 16000)})
    try:
        page.wait_for_timeout(400)  # let charts re-lay out
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(vp)
    return path


def main_text(page) -> str:
    """All the text of the main area (not the navigation)."""
    m = page.locator('[data-testid="stMain"]')
    return m.first.inner_text() if m.count() else ""


def top_nav_links(page) -> int:
    """How many links the top navigation bar shows (0 if app.py's st.navigation did not run)."""
    return page.locator('[data-testid="stTopNavLink"]').count()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the main area is wider than the window (0 = nothing sticks out)."""
    return page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]') || document.body;
        return Math.max(0, m.scrollWidth - m.clientWidth); }""")


def page_not_found(page) -> bool:
    """True if Streamlit shows its 'Page not found' box (the URL path names no page of app.py)."""
    return page.get_by_text("Page not found", exact=True).count() > 0


def text_px(page, selector: str) -> float:
    """The rendered font size (px) of the first text inside the first element matching selector.

    Measured on the element that holds the text itself, not on the container: a CSS rule that
    sizes the container but not the span inside it does not make the text bigger.
    """
    return page.evaluate("""(sel) => {
        const el = document.querySelector(sel); if (!el) return 0;
        const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT,
            {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
        const t = w.nextNode(); return parseFloat(getComputedStyle(t ? t.parentElement : el).fontSize);
    }""", selector)
