"""Load test: many people using one app process at once, in real browsers (or over the protocol).

    python scripts/load_test.py [--sessions 20] [--rounds 2] [--timeout 60] [--max-seconds 900] [--out PATH]
                                [--client browser|protocol] [--think S] [--fresh-towns] [--same-towns]
                                [--config runner.postScriptGC=false]

Starts `streamlit run app.py` headless on a free 127.0.0.1 port (tests/browser_util.AppServer), then
drives `--sessions` concurrent sessions through the path a legislator's staffer or an advocate takes:

  open_link       goto /town?town=<A>&v=<vintage>               ready when the title is A
  switch_town     type <B> in the Town box, Enter (timed)       ready when the title is B
  compare         goto /compare?towns=<B>,<C>,<D>&v=<vintage>   ready when the title is "B compared with ..."
  filter          goto /find?poc_min=50&v=<vintage>             ready when the result line is the expected one
  brief_open      goto /brief?town=<B>&v=<vintage>              ready when the title is "Talking points: B"
  brief_download  click "Word (.docx)"                          done when the .docx is saved (a zip, named B)

Every session has its own towns (A, B, C, D drawn at random, no town used twice in a round), unless
`--same-towns` (everyone follows one shared link). Every round repeats the first round's towns (so the
second round's peak against the first is a leak check on the same work), unless `--fresh-towns`.

--client browser (the default): one Playwright browser context per session (async API, Debian's Chromium,
contexts spread over `--browsers` processes). A step's time runs from the action to the page being ready:
the script finished (data-test-script-state notRunning), the status widget gone, the expected text
present, and no error box (stException). The websocket's frames split it into the browser's part before
it asks the server (loading the frontend), the server's part (request -> script_finished), and drawing.
The browsers run on this machine: with 2 cores, 20 Chromium pages take nearly all the CPU (each draws Vega
charts and the Find page's WebGL map in software), so here the step times mostly measure the browsers.
They are held at nice 19 (`--browser-nice`) so the server gets the CPU first, as it would if they were
on the users' own machines; other processes on the machine still compete.

--client protocol: the same path spoken over Streamlit's websocket protocol with no browser (BackMsg
rerun_script with the URL's page and query, the Town box's new value as a widget state, then the file
at the URL the download button carries, over HTTP). A step's time is the server's whole answer:
this is the server's capacity, without the browsers' CPU.

The server is instrumented without changing the app: a sitecustomize.py on its PYTHONPATH logs every
script run's wall and CPU time and every garbage collection. `--config KEY=VALUE` passes Streamlit
options to the server (e.g. runner.postScriptGC=true, to compare with the app's setting, false); `--profile PATH` samples it with py-spy.

Memory: RSS of the server's process tree (psutil), sampled every 0.2 s: at rest before (after one warm-up
visit to each page and `--settle` seconds), the peak during the sessions, and `--settle` seconds after
every session has closed. Memory per session = (peak - rest) / sessions. The whole load runs `--rounds`
times on the same server; the second peak should be within 10% of the first (no leak). Streamlit's
/_stcore/metrics gives the active sessions and the bytes held by st.cache_data. A closed session is kept
for server.disconnectedSessionTTL (120 s by default); the load test sets it to 10 s (unless `--config` sets
it), so "after" and the next round's "at rest" are measured once the round's sessions are gone.

Targets (2 cores): every session succeeds; p95 of every step < 2 s; < 40 MB per session.
Prints a table, writes the results as JSON (`--out`, default /tmp/oca_load_test.json). Exits 0 whatever
the numbers unless --check (then 1 if a target is missed). Bounded: `--max-seconds` stops everything.
Loopback only: the server listens on 127.0.0.1 and the browser is started with its networking off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import browser_util as bu  # noqa: E402

STEPS = ["open_link", "switch_town", "compare", "filter", "brief_open", "brief_download"]
FILTER_QUERY = "poc_min=50"
TARGET_P95_S, TARGET_MB_PER_SESSION, TARGET_PEAK_DRIFT = 2.0, 40.0, 0.10

H1_IS_JS = """(w) => { const h = document.querySelector('[data-testid="stMain"] h1');
  return !!h && h.innerText.trim() === w; }"""
H1_STARTS_JS = """(w) => { const h = document.querySelector('[data-testid="stMain"] h1');
  return !!h && h.innerText.trim().startsWith(w); }"""
# Streamlit's frontend first asks for its health and host-config under the page's own path (a deep link
# like /town may sit under a base path) and gets 404 before it asks at the root: expected, not counted.
PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")
MAIN_HAS_JS = """(w) => { const m = document.querySelector('[data-testid="stMain"]');
  return !!m && m.innerText.includes(w); }"""


# -- the server's own account of its script runs ---------------------------------------------------

# Put on the server's PYTHONPATH as sitecustomize.py (the app is not changed): every script run's wall
# time, the CPU its thread used, and the time every garbage collection took (gc.callbacks), one line each
# in the file named by OCA_LOAD_TEST_RUNLOG. A run's wall time minus its CPU time is time spent waiting
# (for the GIL, for a CPU, for the database).
SITECUSTOMIZE = r'''
import collections, os, threading, time, gc
_path = os.environ.get("OCA_LOAD_TEST_RUNLOG")
if _path:
    # The gc callback may fire in any thread at any allocation, even inside the code below: it only
    # appends to a deque (no lock, no I/O). Whoever gets the lock without waiting writes the lines out.
    _lines = collections.deque()
    _lock = threading.Lock()
    def _flush():
        if _lock.acquire(blocking=False):
            try:
                with open(_path, "a") as fh:
                    while _lines:
                        fh.write(_lines.popleft() + "\n")
            finally:
                _lock.release()
    _gc_t0 = {}
    def _gc_cb(phase, info):
        if phase == "start":
            _gc_t0[threading.get_ident()] = time.perf_counter()
        else:
            t0 = _gc_t0.pop(threading.get_ident(), None)
            if t0 is not None:
                _lines.append("gc %.3f %.5f %s" % (time.time(), time.perf_counter() - t0, info.get("generation")))
    gc.callbacks.append(_gc_cb)
    try:
        from streamlit.runtime.scriptrunner import script_runner as _sr
        _orig = _sr.ScriptRunner._run_script
        def _run_script(self, rerun_data):
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return _orig(self, rerun_data)
            finally:
                _lines.append("run %.3f %.5f %.5f" % (time.time(), time.perf_counter() - t0, time.thread_time() - c0))
                _flush()
        _sr.ScriptRunner._run_script = _run_script
    except Exception as e:  # a different Streamlit: no run times, the load test still runs
        _lines.append("error %r" % (e,))
        _flush()
'''


def instrument_server(tmpdir: Path) -> Path:
    """Write the sitecustomize above; set PYTHONPATH and the log path for the server to inherit."""
    tmpdir.mkdir(parents=True, exist_ok=True)
    (tmpdir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmpdir / "runs.log"
    log.write_text("")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(tmpdir)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    os.environ["OCA_LOAD_TEST_RUNLOG"] = str(log)
    return log


def read_runlog(log: Path, since: float, until: float) -> dict:
    """Script runs and garbage collections the server logged between two wall-clock times."""
    runs, cpu, gcs, gc2 = [], [], [], []
    try:
        lines = log.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        f = line.split()
        if len(f) < 4 or f[0] not in ("run", "gc") or not since <= float(f[1]) <= until:
            continue
        if f[0] == "run":
            runs.append(float(f[2]))
            cpu.append(float(f[3]))
        elif f[0] == "gc":
            gcs.append(float(f[2]))
            if f[3] == "2":
                gc2.append(float(f[2]))
    return {"runs": len(runs), "run_p50": pct(runs, 50), "run_p95": pct(runs, 95), "run_max": max(runs, default=None),
            "run_cpu_p50": pct(cpu, 50), "run_cpu_p95": pct(cpu, 95), "run_cpu_total": sum(cpu),
            "gc_count": len(gcs), "gc_seconds": sum(gcs), "gc_full_count": len(gc2), "gc_full_seconds": sum(gc2),
            "gc_full_p50": pct(gc2, 50), "gc_full_max": max(gc2, default=None)}


# -- the server's memory ---------------------------------------------------------------------------

def _tree_sum(pid: int, measure) -> float:
    """The sum of ``measure(process)`` over a process and all its descendants (0 if it is gone);
    a process that ends while being read counts 0."""
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for q in procs:
        try:
            total += measure(q)
        except psutil.NoSuchProcess:
            pass
    return total


def tree_rss(pid: int) -> int:
    """Bytes of resident memory of a process and all its descendants."""
    return _tree_sum(pid, lambda q: q.memory_info().rss)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process tree has used so far."""
    return float(_tree_sum(pid, lambda q: sum(q.cpu_times()[:2])))


def start_profile(pid: int, path: str):
    """py-spy record on the server (all threads, samples only where a thread is running) until stopped."""
    import shutil
    import subprocess

    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(exe).exists():
        print("--profile: py-spy is not installed (pip install py-spy); no profile taken", file=sys.stderr)
        return None
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--format", "raw", "--rate", "50",
                             "--output", path, "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop_profile(proc, path: str, top: int = 25) -> list:
    """Stop py-spy, then sum its collapsed stacks into the app's and libraries' costliest frames:
    for each frame, the share of samples in which it appears (inclusive)."""
    import signal as _signal
    from collections import Counter

    proc.send_signal(_signal.SIGINT)
    try:
        proc.wait(30)
    except Exception:
        proc.kill()
    total, incl = 0, Counter()
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        n = int(n)
        total += n
        seen = set()
        for fr in stack.split(";"):
            fr = re.sub(r" \(/.*?site-packages/", " (", fr)
            fr = re.sub(r" \(/work/main/", " (", fr)
            fr = re.sub(r":\d+\)$", ")", fr)
            if fr not in seen:
                seen.add(fr)
                incl[fr] += n
    return [{"frame": f, "share": c / total} for f, c in incl.most_common(top)] if total else []


def busy_cpu() -> float:
    """CPU seconds the whole machine has spent busy (not idle or waiting) so far: the server, the
    browsers, and anything else running here."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


class Sampler:
    """Samples the RSS of a process tree every `every` seconds in a thread; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every = pid, every
        self.peak, self.samples = 0, []
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        t0 = time.monotonic()
        while not self._stop.is_set():
            rss = tree_rss(self.pid)
            self.peak = max(self.peak, rss)
            self.samples.append((round(time.monotonic() - t0, 2), rss))
            self._stop.wait(self.every)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join(5)


def metrics(app) -> dict:
    """Active sessions, session events and st.cache_data bytes from Streamlit's /_stcore/metrics."""
    out = {"active_sessions": None, "connects": None, "cache_data_bytes": None}
    try:
        with urllib.request.urlopen(app.url("/_stcore/metrics"), timeout=5) as r:
            text = r.read().decode(errors="replace")
    except OSError:
        return out
    m = re.search(r"^active_sessions (\d+)", text, re.M)
    out["active_sessions"] = int(m.group(1)) if m else None
    m = re.search(r'^session_events_total\{type="connect"\} (\d+)', text, re.M)
    out["connects"] = int(m.group(1)) if m else None
    out["cache_data_bytes"] = sum(int(float(v)) for v in re.findall(
        r'^cache_memory_bytes\{cache_type="st_cache_data"[^}]*\} (\S+)', text, re.M))
    return out


# -- one session ---------------------------------------------------------------------------------

@dataclass
class Plan:
    n: int
    a: str  # opened by the shared link
    b: str  # switched to by typing
    c: str
    d: str  # b, c, d compared
    expect_filter: str  # the Find page's result line for FILTER_QUERY


@dataclass
class StepResult:
    step: str
    ok: bool
    seconds: float
    error: str = ""
    to_request: float | None = None  # action -> the browser asks the server to run the script
    server: float | None = None  # that request -> the server's last "script finished" before ready


@dataclass
class SessionResult:
    n: int
    towns: list
    steps: list = field(default_factory=list)
    http_errors: list = field(default_factory=list)  # "status method path" of every answer >= 400

    @property
    def ok(self) -> bool:
        return len(self.steps) == len(STEPS) and all(s.ok for s in self.steps)


def watch_websocket(ws, events: list) -> None:
    """Append (time, "rerun") for each script-run request the page sends and (time, "finished") for each
    script_finished the server sends. Times are when this process hears of the frame (Playwright relays
    it), so under load they lag a little behind the browser."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def kind(cls, payload, wanted):
        if not isinstance(payload, (bytes, bytearray)):
            return False
        try:
            return cls.FromString(bytes(payload)).WhichOneof("type") == wanted
        except Exception:  # not a message of this kind
            return False

    ws.on("framesent", lambda p: kind(BackMsg, p, "rerun_script") and events.append((time.perf_counter(), "rerun")))
    ws.on("framereceived", lambda p: kind(ForwardMsg, p, "script_finished")
          and events.append((time.perf_counter(), "finished")))


async def wait_ready(page, check_js: str, arg: str, timeout_ms: float) -> None:
    """Expected text present, script finished, status widget gone, and no error box."""
    await page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    await page.wait_for_function(check_js, arg=arg, polling=50, timeout=timeout_ms)
    await page.wait_for_selector(bu.READY, timeout=timeout_ms)
    await page.wait_for_selector(bu.STATUS, state="hidden", timeout=timeout_ms)
    await page.wait_for_selector(bu.READY, timeout=timeout_ms)  # a rerun the script asked for has ended
    if not await page.evaluate(check_js, arg):
        raise AssertionError(f"expected {arg!r} was gone once the page settled")
    boxes = page.locator(bu.EXCEPTION)
    if await boxes.count():
        raise AssertionError("stException: " + (await boxes.first.inner_text())[:300])


async def run_session(browser, app, plan: Plan, vintage: str, timeout: float, start_delay: float,
                      think: float = 0.0) -> SessionResult:
    res = SessionResult(plan.n, [plan.a, plan.b, plan.c, plan.d])
    ms = timeout * 1000
    await asyncio.sleep(start_delay)
    ctx = await browser.new_context(viewport=bu.DESKTOP, accept_downloads=True)
    page = await ctx.new_page()
    page.set_default_timeout(ms)

    # The websocket's messages, timed: the browser's request to run the script (BackMsg rerun_script)
    # and the server's "script finished" (ForwardMsg script_finished). They split a step's time into
    # the browser's part before the request, the server's part, and the browser's drawing after.
    events: list[tuple[float, str]] = []
    page.on("websocket", lambda ws: watch_websocket(ws, events))
    page.on("response", lambda r: r.status >= 400 and not PROBE.search(r.url) and res.http_errors.append(
        f"{r.status} {r.request.method} {r.url.split(str(app.port), 1)[-1][:120]}"))

    async def step(name, coro_fn):
        if think and res.steps:
            await asyncio.sleep(think)  # the user reads the page before the next step
        t0 = time.perf_counter()
        try:
            t0 = await coro_fn() or t0  # a step may start its clock later (after typing, at Enter)
            t1 = time.perf_counter()
            req = next((t for t, k in events if k == "rerun" and t >= t0), None)
            fin = [t for t, k in events if k == "finished" and req is not None and req <= t <= t1]
            res.steps.append(StepResult(name, True, t1 - t0, "", None if req is None else req - t0,
                                        fin[-1] - req if fin else None))
        except Exception as e:  # a failed step is recorded, and the session goes on
            msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
            res.steps.append(StepResult(name, False, time.perf_counter() - t0, msg))

    async def goto(path, check_js, arg):
        await page.goto(app.url(path), wait_until="domcontentloaded", timeout=ms)
        await wait_ready(page, check_js, arg, ms)

    async def switch():
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Town").first.locator("input")
        await box.click()
        await page.keyboard.type(plan.b)
        t0 = time.perf_counter()  # the typing is the user's time; the clock runs from Enter
        await page.keyboard.press("Enter")
        await wait_ready(page, H1_IS_JS, plan.b, ms)
        return t0

    async def download():
        async with page.expect_download(timeout=ms) as info:
            await page.get_by_role("button", name="Word (.docx)").click()
        dl = await info.value
        path = await dl.path()
        name = dl.suggested_filename
        if not (name.startswith(plan.b.replace(" ", "_") + "_brief_") and name.endswith(".docx")):
            raise AssertionError(f"unexpected file name {name!r}")
        with open(path, "rb") as fh:
            if fh.read(2) != b"PK":
                raise AssertionError("the download is not a .docx (zip) file")

    v = quote(vintage)
    try:
        await step("open_link", lambda: goto(f"/town?town={quote(plan.a)}&v={v}", H1_IS_JS, plan.a))
        await step("switch_town", switch)
        towns = ",".join(quote(t) for t in (plan.b, plan.c, plan.d))
        await step("compare", lambda: goto(f"/compare?towns={towns}&v={v}", H1_STARTS_JS,
                                           f"{plan.b} compared with"))
        await step("filter", lambda: goto(f"/find?{FILTER_QUERY}&v={v}", MAIN_HAS_JS, plan.expect_filter))
        await step("brief_open", lambda: goto(f"/brief?town={quote(plan.b)}&v={v}", H1_IS_JS,
                                              f"Talking points: {plan.b}"))
        await step("brief_download", download)
    finally:
        await ctx.close()
    return res


# -- one session, as Streamlit's own protocol (no browser) -------------------------------------------

class ProtocolPage:
    """One page load over Streamlit's websocket protocol, as the browser does it (BackMsg rerun_script
    with the URL's path and query; ForwardMsgs back until script_finished), with no browser: what the
    server does for a user, without a browser's CPU on this machine."""

    def __init__(self, app, timeout: float):
        self.app, self.timeout = app, timeout
        self.ws = None
        self.page_hash = self.session_id = ""
        self.reset()

    def reset(self):
        self.h1, self.headings, self.exception = None, [], None
        self.selectboxes, self.downloads = {}, {}

    async def open(self, path: str):
        from websockets.asyncio.client import connect

        if self.ws is not None:
            await self.ws.close()
        self.ws = await connect(f"ws://127.0.0.1:{self.app.port}/_stcore/stream", subprotocols=["streamlit"],
                                origin=f"http://127.0.0.1:{self.app.port}", max_size=None, open_timeout=self.timeout)
        page, _, query = path.lstrip("/").partition("?")
        await self.run(page, query)

    async def run(self, page: str, query: str, widgets: dict | None = None):
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = query
        rs.page_name = page if not self.page_hash else ""
        rs.page_script_hash = self.page_hash
        ci = rs.context_info
        ci.timezone, ci.locale, ci.url, ci.color_scheme = "UTC", "en-US", self.app.url("/" + page), "light"
        for wid, value in (widgets or {}).items():
            w = rs.widget_states.widgets.add()
            w.id, w.string_value = wid, value
        self.reset()
        await self.ws.send(msg.SerializeToString())
        await self._until(lambda fm: fm.WhichOneof("type") == "script_finished" and fm.script_finished == 0)
        if self.exception:
            raise AssertionError("stException: " + self.exception[:300])

    async def download(self, label: str) -> bytes:
        """Click a download button: a file the page sent (its URL), or one built on click (the backend
        operation, then the file). The app's own buttons all send their file with the page."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        kind, ref = self.downloads.get(label, (None, None))
        if kind is None:
            raise AssertionError(f"no download button {label!r}")
        if kind == "url":
            return await asyncio.to_thread(self._get, self.app.url(ref if ref.startswith("/") else "/" + ref))
        msg = BackMsg()
        msg.backend_operation_request.request_id = rid = f"r{time.monotonic_ns()}"
        msg.backend_operation_request.session_id = self.session_id
        msg.backend_operation_request.deferred_file.file_id = ref
        await self.ws.send(msg.SerializeToString())
        fm = await self._until(lambda fm: fm.WhichOneof("type") == "backend_operation_response"
                               and fm.backend_operation_response.request_id == rid)
        r = fm.backend_operation_response
        if r.error_msg:
            raise AssertionError(f"download failed on the server: {r.error_msg}")
        url = r.deferred_file.url
        return await asyncio.to_thread(self._get, self.app.url(url if url.startswith("/") else "/" + url))

    def _get(self, url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=self.timeout) as resp:
            return resp.read()

    async def _until(self, done):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        deadline = time.monotonic() + self.timeout
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic()))
            if isinstance(raw, str):
                continue
            fm = ForwardMsg.FromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = fm.new_session.page_script_hash or self.page_hash
                self.session_id = fm.new_session.initialize.session_id or self.session_id
            elif kind == "navigation" and fm.navigation.page_script_hash:
                self.page_hash = fm.navigation.page_script_hash
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                k = el.WhichOneof("type")
                if k == "heading":
                    body = re.sub(r"\\(.)", r"\1", el.heading.body)
                    self.headings.append(body)
                    if el.heading.tag == "h1":
                        self.h1 = body
                elif k == "exception":
                    self.exception = el.exception.message or el.exception.type
                elif k == "selectbox":
                    self.selectboxes[el.selectbox.label] = el.selectbox.id
                elif k == "download_button":
                    b = el.download_button
                    self.downloads[b.label] = ("deferred", b.deferred_file_id) if b.deferred_file_id else ("url", b.url)
            if done(fm):
                return fm

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


async def run_protocol_session(app, plan: Plan, vintage: str, timeout: float, start_delay: float,
                               think: float = 0.0) -> SessionResult:
    """The same path as run_session, over the protocol; a step's time is the server's whole answer."""
    res = SessionResult(plan.n, [plan.a, plan.b, plan.c, plan.d])
    await asyncio.sleep(start_delay)
    pg = ProtocolPage(app, timeout)

    async def step(name, coro_fn):
        if think and res.steps:
            await asyncio.sleep(think)
        t0 = time.perf_counter()
        try:
            await coro_fn()
            dt = time.perf_counter() - t0
            res.steps.append(StepResult(name, True, dt, "", 0.0, dt))
        except Exception as e:
            msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
            res.steps.append(StepResult(name, False, time.perf_counter() - t0, msg))

    def expect(cond, what):
        if not cond:
            raise AssertionError(f"expected {what}; got title {pg.h1!r}")

    v = quote(vintage)

    async def open_link():
        pg.page_hash = ""
        await pg.open(f"/town?town={quote(plan.a)}&v={v}")
        expect(pg.h1 == plan.a, plan.a)

    async def switch():
        box = pg.selectboxes.get("Town")
        if not box:
            raise AssertionError("no Town box on the page")
        await pg.run("town", f"town={quote(plan.a)}&v={v}", {box: plan.b})
        expect(pg.h1 == plan.b, plan.b)

    async def compare():
        pg.page_hash = ""
        towns = ",".join(quote(t) for t in (plan.b, plan.c, plan.d))
        await pg.open(f"/compare?towns={towns}&v={v}")
        expect((pg.h1 or "").startswith(f"{plan.b} compared with"), f"{plan.b} compared with ...")

    async def filt():
        pg.page_hash = ""
        await pg.open(f"/find?{FILTER_QUERY}&v={v}")
        expect(plan.expect_filter in pg.headings, plan.expect_filter)

    async def brief():
        pg.page_hash = ""
        await pg.open(f"/brief?town={quote(plan.b)}&v={v}")
        expect(pg.h1 == f"Talking points: {plan.b}", f"Talking points: {plan.b}")

    async def download():
        data = await pg.download("Word (.docx)")
        if data[:2] != b"PK":
            raise AssertionError("the download is not a .docx (zip) file")

    try:
        for name, fn in zip(STEPS, (open_link, switch, compare, filt, brief, download)):
            await step(name, fn)
    finally:
        await pg.close()
    return res


# -- plans -------------------------------------------------------------------------------------

def load_facts():
    """Town names, the names safe to type (no other town's name contains them), the vintage, and the
    Find page's result line for FILTER_QUERY (computed by the same functions the page uses)."""
    from urllib.parse import parse_qs

    from oca_dash import find
    from oca_dash.query import DB

    db = DB()
    try:
        names = db.towns()["town"].tolist()
        r = db.regions()
        regions = dict(zip(r["region_id"], r["region"]))
        f, _ = find.parse(parse_qs(FILTER_QUERY), regions)
        frame = find.load_towns(db, f.idx)
        line = find.summary(find.apply(f, frame), frame)
        vintage = db.vintage
    finally:
        db.close()
    typable = [t for t in names if not any(t.lower() in o.lower() for o in names if o != t)]
    return names, typable, vintage, line


def make_plans(sessions: int, names, typable, expect_filter: str, rng: random.Random) -> list[Plan]:
    """Each session its own towns: B from the typable names; A, C, D from the rest; no repeats while
    the 169 towns last (then they are reused)."""
    plans, used = [], set()

    def pick(pool):
        free = [t for t in pool if t not in used] or list(pool)
        t = rng.choice(free)
        used.add(t)
        return t

    for n in range(sessions):
        b = pick(typable)
        a, c, d = pick(names), pick(names), pick(names)
        while len({a, b, c, d}) < 4:
            a, c, d = rng.sample([t for t in names if t != b], 3)
        plans.append(Plan(n, a, b, c, d, expect_filter))
    return plans


# -- rounds ------------------------------------------------------------------------------------

class Renicer:
    """Keeps every Chromium process this script started (and each of its threads) at a low CPU priority.

    Chromium run as root sets its own priorities (its browser and GPU threads at -8), so starting it
    under `nice` is not enough: every `every` seconds each thread is put back to `nice`. The server and
    every other process keep theirs.
    """

    def __init__(self, nice: int, every: float = 0.5):
        self.nice, self.every = nice, every
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        me = psutil.Process(os.getpid())
        while not self._stop.is_set():
            try:
                procs = [p for p in me.children(recursive=True) if "chrom" in p.name()]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    for tid in os.listdir(f"/proc/{p.pid}/task"):
                        tid = int(tid)
                        if os.getpriority(os.PRIO_PROCESS, tid) != self.nice:
                            os.setpriority(os.PRIO_PROCESS, tid, self.nice)
                except (OSError, psutil.Error):
                    pass  # the process or thread has gone
            self._stop.wait(self.every)

    def __enter__(self):
        if self.nice:
            self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._t.is_alive():
            self._t.join(5)


async def one_round(app, plans, vintage, args) -> tuple[list[SessionResult], float]:
    from playwright.async_api import async_playwright

    if args.client == "protocol":
        t0 = time.perf_counter()
        spread = args.ramp / max(1, len(plans) - 1) if len(plans) > 1 else 0.0
        results = await asyncio.gather(*[run_protocol_session(app, p, vintage, args.timeout, i * spread, args.think)
                                         for i, p in enumerate(plans)])
        return list(results), time.perf_counter() - t0

    async with async_playwright() as pw:
        browsers = [await pw.chromium.launch(executable_path=bu.CHROMIUM, args=bu.CHROMIUM_ARGS, headless=True)
                    for _ in range(max(1, args.browsers))]
        try:
            t0 = time.perf_counter()
            spread = args.ramp / max(1, len(plans) - 1) if len(plans) > 1 else 0.0
            tasks = [run_session(browsers[i % len(browsers)], app, p, vintage, args.timeout, i * spread, args.think)
                     for i, p in enumerate(plans)]
            results = await asyncio.gather(*tasks)
            return list(results), time.perf_counter() - t0
        finally:
            for b in browsers:
                await b.close()


async def warm_up(app, vintage, timeout, client="browser"):
    """One visit to each page, so imports and first-run work are not counted against the sessions."""
    from playwright.async_api import async_playwright

    if client == "protocol":
        pg = ProtocolPage(app, timeout)
        for path in (f"/town?town=Hartford&v={vintage}", f"/compare?towns=Hartford,Avon&v={vintage}",
                     f"/find?v={vintage}", f"/brief?town=Hartford&v={vintage}"):
            pg.page_hash = ""
            await pg.open(path)
        await pg.close()
        return

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=bu.CHROMIUM, args=bu.CHROMIUM_ARGS, headless=True)
        try:
            ctx = await b.new_context(viewport=bu.DESKTOP)
            page = await ctx.new_page()
            for path, js, arg in ((f"/town?town=Hartford&v={vintage}", H1_IS_JS, "Hartford"),
                                  (f"/compare?towns=Hartford,Avon&v={vintage}", H1_STARTS_JS, "Hartford compared"),
                                  (f"/find?v={vintage}", H1_IS_JS, "Find towns"),
                                  (f"/brief?town=Hartford&v={vintage}", H1_IS_JS, "Talking points: Hartford")):
                await page.goto(app.url(path), wait_until="domcontentloaded", timeout=timeout * 1000)
                await wait_ready(page, js, arg, timeout * 1000)
            await ctx.close()
        finally:
            await b.close()


def pct(xs, q):
    """The q-th percentile (0-100) by linear interpolation; None for no data."""
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summarize(results: list[SessionResult]) -> dict:
    out = {"sessions_ok": sum(r.ok for r in results), "sessions": len(results), "steps": {}, "errors": []}
    for name in STEPS:
        rows = [s for r in results for s in r.steps if s.step == name]
        ok = [s.seconds for s in rows if s.ok]
        srv = [s.server for s in rows if s.ok and s.server is not None]
        pre = [s.to_request for s in rows if s.ok and s.to_request is not None]
        out["steps"][name] = {"ok": len(ok), "n": len(rows), "p50": pct(ok, 50), "p95": pct(ok, 95),
                              "max": max(ok) if ok else None,
                              "server_p50": pct(srv, 50), "server_p95": pct(srv, 95),
                              "to_request_p50": pct(pre, 50)}
    for r in results:
        for s in r.steps:
            if not s.ok:
                out["errors"].append({"session": r.n, "towns": r.towns, "step": s.step, "error": s.error})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent sessions per round (1-60)")
    ap.add_argument("--rounds", type=int, default=2, help="times the whole load runs on the same server (1-5)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds a step may take before it fails")
    ap.add_argument("--max-seconds", type=float, default=1500.0, help="stop everything after this many seconds")
    ap.add_argument("--settle", type=float, default=20.0, help="seconds of rest before measuring memory at rest")
    ap.add_argument("--ramp", type=float, default=1.0, help="seconds over which the sessions start")
    ap.add_argument("--browsers", type=int, default=2, help="Chromium processes the sessions are spread over")
    ap.add_argument("--client", choices=("browser", "protocol"), default="browser",
                    help="browser: real Chromium sessions (the default); protocol: the same path spoken over "
                         "Streamlit's websocket protocol with no browser, to measure the server alone")
    ap.add_argument("--same-towns", action="store_true",
                    help="every session follows the same towns (one shared link sent to everyone)")
    ap.add_argument("--think", type=float, default=0.0, help="seconds each user pauses between steps")
    ap.add_argument("--browser-nice", type=int, default=19, choices=range(0, 20), metavar="0-19",
                    help="CPU niceness the browsers are held at (19: the server has the CPU first, as it would if "
                         "the browsers were on the users' own machines; 0: Chromium's own priorities)")
    ap.add_argument("--profile", metavar="PATH",
                    help="sample the server with py-spy during round 1 and write collapsed stacks to PATH "
                         "(needs py-spy; prints the functions where the server spent its time)")
    ap.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                    help="a Streamlit option for the server, e.g. runner.postScriptGC=false (repeatable)")
    ap.add_argument("--seed", type=int, default=2023, help="random seed for the towns")
    ap.add_argument("--fresh-towns", action="store_true",
                    help="draw new towns for every round (the caches then grow with the towns asked for); by "
                         "default every round repeats the first round's towns, so round 2 against round 1 "
                         "compares the same work and only a leak would raise its peak")
    ap.add_argument("--out", default="/tmp/oca_load_test.json", help="where to write the JSON results")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 60 or not 1 <= args.rounds <= 5:
        ap.error("--sessions must be 1-60 and --rounds 1-5")
    why = bu.browser_unavailable() if args.client == "browser" else None
    if why:
        print(why, file=sys.stderr)
        return 2
    import importlib.util

    if importlib.util.find_spec("psutil") is None:
        print("psutil is not installed (pip install -r requirements-dev.txt)", file=sys.stderr)
        return 2

    deadline = time.monotonic() + args.max_seconds
    names, typable, vintage, expect_filter = load_facts()
    rng = random.Random(args.seed)
    report = {"config": {k: v for k, v in vars(args).items()}, "cores": os.cpu_count(), "vintage": vintage,
              "rounds": []}
    MB = 1024 * 1024

    def left():
        return deadline - time.monotonic()

    from streamlit import config as st_config

    options = st_config.get_config_options()
    # A closed session is kept server.disconnectedSessionTTL seconds (120 by default) in case its tab
    # reconnects. Unless --config sets it, the server here drops them after 10 s, so the memory measured
    # `--settle` seconds after a round is the memory without its sessions: the leak check is then fair.
    if not any(kv.startswith("server.disconnectedSessionTTL=") for kv in args.config):
        args.config.append(f"server.disconnectedSessionTTL={min(10, max(1, int(args.settle) - 5))}")
    for kv in args.config:
        key, _, value = kv.partition("=")
        if key not in options or not value:
            ap.error(f"--config {kv!r}: not KEY=VALUE with a Streamlit option (e.g. runner.postScriptGC=false)")
        os.environ[options[key].env_var] = value
    runlog = instrument_server(Path("/tmp") / f"oca_load_test_{os.getpid()}")
    with bu.AppServer(log_path=Path("/tmp") / f"oca_load_test_streamlit_{os.getpid()}.log") as app:
        pid = app.proc.pid
        print(f"server pid {pid} at {app.url('/')}; log {app.log_path}", flush=True)
        time.sleep(2)
        report["rss_cold_mb"] = tree_rss(pid) / MB
        asyncio.run(asyncio.wait_for(warm_up(app, vintage, args.timeout, args.client), timeout=max(10, left())))
        time.sleep(args.settle)
        report["rss_rest_first_mb"] = tree_rss(pid) / MB
        for rnd in range(1, args.rounds + 1):
            if left() < args.timeout * len(STEPS) * 0.5:
                print(f"stopping before round {rnd}: --max-seconds nearly used", flush=True)
                break
            if rnd == 1 or args.fresh_towns:
                plans = make_plans(args.sessions, names, typable, expect_filter, rng)
            if args.same_towns:  # everyone opened the same shared link (a meeting, a newsletter)
                plans = [Plan(p.n, *[getattr(plans[0], k) for k in ("a", "b", "c", "d", "expect_filter")])
                         for p in plans]
            rest = tree_rss(pid)
            m_before = metrics(app)
            cpu0, sys0, load0, wall0 = tree_cpu(pid), busy_cpu(), os.getloadavg()[0], time.time()
            print(f"round {rnd}: {args.sessions} sessions; server RSS at rest {rest / MB:.0f} MB", flush=True)
            spy = start_profile(pid, args.profile) if (args.profile and rnd == 1) else None
            with Sampler(pid) as s, Renicer(args.browser_nice):
                try:
                    results, wall = asyncio.run(asyncio.wait_for(one_round(app, plans, vintage, args),
                                                                 timeout=max(10, left())))
                    timed_out = False
                except asyncio.TimeoutError:
                    results, wall, timed_out = [], args.max_seconds, True
                m_peak = metrics(app)  # sessions just closed: the disconnected ones are still held
            cpu, sys_cpu, load1 = tree_cpu(pid) - cpu0, busy_cpu() - sys0, os.getloadavg()[0]
            server_runs = read_runlog(runlog, wall0, time.time())
            if spy:
                report["profile_top"] = stop_profile(spy, args.profile)
            time.sleep(min(args.settle, max(0, left())))
            after = tree_rss(pid)
            m_after = metrics(app)
            summ = summarize(results)
            rd = {"round": rnd, "timed_out": timed_out, "wall_seconds": wall, "server_cpu_seconds": cpu,
                  "server_cpu_share": cpu / (wall * (os.cpu_count() or 1)) if wall else None,
                  "machine_busy_cpu_seconds": sys_cpu, "loadavg_1min_before": load0, "loadavg_1min_after": load1,
                  "server_runs": server_runs,
                  "rss_rest_mb": rest / MB, "rss_peak_mb": s.peak / MB, "rss_after_mb": after / MB,
                  "mb_per_session": (s.peak - rest) / MB / args.sessions,
                  "metrics_before": m_before, "metrics_at_end": m_peak, "metrics_after": m_after,
                  "server_sessions_opened": (m_after["connects"] or 0) - (m_before["connects"] or 0),
                  **summ, "sessions_detail": [
                      {"n": r.n, "towns": r.towns, "ok": r.ok, "steps": [asdict(x) for x in r.steps],
                       "http_errors": r.http_errors}
                      for r in results],
                  "rss_samples": s.samples[::5]}
            report["rounds"].append(rd)
            print(f"  done in {wall:.0f} s: {summ['sessions_ok']}/{summ['sessions']} sessions ok; "
                  f"peak {s.peak / MB:.0f} MB; after {args.settle:g} s {after / MB:.0f} MB; "
                  f"server CPU {cpu:.0f} s", flush=True)
        report["server_log_tail"] = app.log_tail(20)
    import shutil

    shutil.rmtree(runlog.parent, ignore_errors=True)  # the sitecustomize and its log: read already

    # -- verdicts -------------------------------------------------------------------------------
    rounds = report["rounds"]
    checks = []
    for rd in rounds:
        r = rd["round"]
        checks.append((f"round {r}: sessions that succeeded", f"{rd['sessions_ok']}/{rd['sessions']}", "all",
                       rd["sessions_ok"] == rd["sessions"] and rd["sessions"] > 0))
        worst = max((v["p95"] or 0) for v in rd["steps"].values()) if rd["sessions"] else float("inf")
        checks.append((f"round {r}: p95 of the slowest step", f"{worst:.2f} s", f"< {TARGET_P95_S:g} s",
                       worst < TARGET_P95_S))
        checks.append((f"round {r}: memory per session", f"{rd['mb_per_session']:.1f} MB",
                       f"< {TARGET_MB_PER_SESSION:g} MB", rd["mb_per_session"] < TARGET_MB_PER_SESSION))
    if len(rounds) >= 2:
        drift = rounds[1]["rss_peak_mb"] / rounds[0]["rss_peak_mb"] - 1
        checks.append(("peak of round 2 against round 1", f"{drift:+.1%}", f"within {TARGET_PEAK_DRIFT:.0%}",
                       abs(drift) <= TARGET_PEAK_DRIFT))
        report["peak_drift"] = drift
    report["checks"] = [{"what": w, "value": v, "target": t, "ok": ok} for w, v, t, ok in checks]

    print(f"\n{args.sessions} concurrent sessions x {len(rounds)} rounds, {os.cpu_count()} cores; "
          f"server RSS cold {report['rss_cold_mb']:.0f} MB, after warm-up {report['rss_rest_first_mb']:.0f} MB")
    print(f"\n{'step':16s}" + "".join(f"  {'r%d ok' % rd['round']:>7s} {'p50':>6s} {'p95':>6s} {'max':>6s}"
                                      for rd in rounds))
    for name in STEPS:
        line = f"{name:16s}"
        for rd in rounds:
            st_ = rd["steps"][name]
            f = (lambda x: f"{x:6.2f}" if x is not None else "     —")
            line += f"  {st_['ok']:>3d}/{st_['n']:<3d} {f(st_['p50'])} {f(st_['p95'])} {f(st_['max'])}"
        print(line)
    print("\nthe server's part of each step (request -> script finished), and the browser's part before the request")
    print(f"{'step':16s}" + "".join(f"  {'r%d srv p50' % rd['round']:>11s} {'p95':>6s} {'pre p50':>8s}" for rd in rounds))
    for name in STEPS:
        line = f"{name:16s}"
        for rd in rounds:
            st_ = rd["steps"][name]
            f = (lambda x: f"{x:6.2f}" if x is not None else "     —")
            line += f"  {f(st_['server_p50']):>11s} {f(st_['server_p95'])} {f(st_['to_request_p50']):>8s}"
        print(line)
    print(f"\n{'round':>5s} {'rest MB':>8s} {'peak MB':>8s} {'after MB':>9s} {'MB/session':>11s} "
          f"{'wall s':>7s} {'server CPU s':>13s} {'machine CPU s':>14s} {'load':>5s} {'srv sessions':>13s} "
          f"{'cache_data MB':>14s}")
    for rd in rounds:
        cd = rd["metrics_at_end"].get("cache_data_bytes")
        print(f"{rd['round']:>5d} {rd['rss_rest_mb']:8.0f} {rd['rss_peak_mb']:8.0f} {rd['rss_after_mb']:9.0f} "
              f"{rd['mb_per_session']:11.1f} {rd['wall_seconds']:7.0f} {rd['server_cpu_seconds']:13.0f} "
              f"{rd['machine_busy_cpu_seconds']:14.0f} {rd['loadavg_1min_before']:5.1f} "
              f"{rd['server_sessions_opened']:13d} {(cd or 0) / MB:14.1f}")
    print("\nthe server's own account (every script run of every session; wall time includes waiting for the "
          "GIL and a CPU):")
    print(f"{'round':>5s} {'runs':>5s} {'run p50':>8s} {'run p95':>8s} {'run max':>8s} {'CPU p50':>8s} "
          f"{'full GCs':>9s} {'GC p50':>7s} {'GC max':>7s} {'GC total s':>11s}")
    g = (lambda x, k=1000: f"{x * k:.0f}" if x is not None else "—")
    for rd in rounds:
        sr = rd["server_runs"]
        print(f"{rd['round']:>5d} {sr['runs']:>5d} {g(sr['run_p50']):>6s}ms {g(sr['run_p95']):>6s}ms "
              f"{g(sr['run_max']):>6s}ms {g(sr['run_cpu_p50']):>6s}ms {sr['gc_full_count']:>9d} "
              f"{g(sr['gc_full_p50']):>5s}ms {g(sr['gc_full_max']):>5s}ms {sr['gc_seconds']:11.1f}")
    print()
    w = max(len(c[0]) for c in checks) if checks else 10
    for what, value, target, ok in checks:
        print(f"{what:{w}s}  {value:>10s}  {target:>12s}  {'ok' if ok else 'MISSED'}")
    if report.get("profile_top"):
        print("\nwhere the server spent its CPU in round 1 (py-spy, share of samples, inclusive):")
        for row in report["profile_top"]:
            print(f"  {row['share']:6.1%}  {row['frame'][:150]}")
    http = [h for rd in rounds for d in rd["sessions_detail"] for h in d["http_errors"]]
    if http:
        print(f"\n{len(http)} HTTP answers >= 400 seen by the browsers, first ones: {http[:6]}")
    errs = [e for rd in rounds for e in rd["errors"]]
    if errs:
        print(f"\n{len(errs)} failed steps, first ones:")
        for e in errs[:8]:
            print(f"  session {e['session']} {e['step']}: {e['error']}")

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1, default=str))
    print(f"\nresults: {args.out}")
    return 1 if (args.check and not all(c[3] for c in checks)) else 0


if __name__ == "__main__":
    sys.exit(main())
