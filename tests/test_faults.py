"""Faults, each with a clear message naming the problem and the fix.

- the database file missing, a folder, empty, truncated, of another DuckDB storage version, or without
  the dashboard's tables: the query layer, the app and the brief command say what is wrong and how to fix it;
- a read-only filesystem: the app opens the database read-only and serves every page;
- a malformed raw file during a build (through the CLI): exit 2, the message names the file, the old
  database is unchanged and no temporary file is left;
- the server serves no file it does not generate (no static serving, no path traversal to the data).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zlib
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from oca_dash.query import DB, DB_ENV, DatabaseError

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "data" / "oca.duckdb"
PAGES = ["pages/map.py", "pages/town.py", "pages/compare.py", "pages/find.py", "pages/brief.py",
         "pages/opportunity.py", "pages/districts.py", "pages/about.py"]

# A real DuckDB database file written by another DuckDB version: made with DuckDB 0.8.1 (storage version
# 51) from PyPI in a throwaway virtual environment -- duckdb.connect("old.duckdb"); CREATE TABLE
# build_info(key VARCHAR, value VARCHAR) -- then zlib-compressed and base64-encoded here (536,576 bytes,
# sha256 923bde38...4703a). DuckDB 2.0.1 reads storage versions 64 to 69 only. (Editing the version
# bytes of a new file is no substitute: DuckDB checksums its header and reports a corrupt file instead.)
DUCKDB_081_FILE = (
    "eNrt2z1Lw0AYAOCmtlrEtYNQpILdWwRxc9BBsOAHOHQqVSsWa4tDBcFBBwV/VFcHp/oXxNXfUBNMoJYsjtXngTd33Hv3Ei7TQS4Y"
    "vZ9+fB4Vd46399Yz33JhlDMAAADAX/G8uvFSud5/CKbGx7GsLQIAAICZly+mn/sTdggAAABm31Opej+sPR4m5/3oP4AoCnE+ugtw"
    "1er0FsK2NLU2SKmXD+Mu7kc1Lpr97ll1s5bUWQzbk0Gne9bs9M772XhFUnkujMv2bdTMx0PLk5VXJvo3re6gnTpz8t0KPjEAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/Nrr6G3roLE2HMcK4Vg5SQZJJ8lmfmSCXPioLKUXjmbsNup1WwwAAP+U0wUAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAzLIv50BaCg=="
)
DUCKDB_081_SHA256 = "923bde38956a02256ad3ccadafeba1b7b5f6073d2d056a08e79b14fa6ad4703a"


def old_version_file(path: Path) -> Path:
    data = zlib.decompress(base64.b64decode("".join(DUCKDB_081_FILE)))
    assert hashlib.sha256(data).hexdigest() == DUCKDB_081_SHA256 and data[8:12] == b"DUCK"
    path.write_bytes(data)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the database: missing, broken, of another version -------------------------------------------------

def make_fault(kind: str, tmp_path: Path) -> Path:
    p = tmp_path / "oca.duckdb"
    if kind == "missing":
        pass
    elif kind == "folder":
        p.mkdir()
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind.startswith("truncated"):
        size = DB_PATH.stat().st_size
        n = {"truncated_header": 100, "truncated_4k": 4096, "truncated_half": size // 2, "truncated_end": size - 1}[kind]
        with open(DB_PATH, "rb") as f:
            p.write_bytes(f.read(n))
    elif kind == "garbage":
        p.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    elif kind == "old_version":
        old_version_file(p)
    elif kind == "no_tables":
        con = duckdb.connect(str(p))
        con.execute("CREATE TABLE something_else (x INTEGER)")
        con.close()
    else:
        raise ValueError(kind)
    return p


# kind -> words the message must hold (the problem); every message also gives the fix (make build).
FAULTS = {
    "missing": ["does not exist"],
    "folder": ["is a folder", DB_ENV],
    "empty": ["cannot be opened", "not a valid DuckDB database file"],
    "truncated_header": ["cannot be opened", "truncated"],
    "truncated_4k": ["cannot be opened", "truncated"],
    "truncated_half": ["is truncated", "its header says"],  # opens, but its tables would fail mid-page
    "truncated_end": ["is truncated", "its header says"],
    "garbage": ["cannot be opened"],
    "old_version": ["cannot be opened", "another DuckDB version", "storage version", "v0.8"],
    "no_tables": ["lacks tables", "indicator_values"],
}


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_query_layer_names_the_problem_and_the_fix(tmp_path, kind):
    p = make_fault(kind, tmp_path)
    with pytest.raises(DatabaseError) as e:
        DB(p)
    msg = str(e.value)
    assert str(p) in msg
    for words in FAULTS[kind]:
        assert words in msg, f"{kind}: {words!r} not in {msg!r}"
    assert "make build" in msg and "git checkout data/oca.duckdb" in msg
    if kind != "missing" and kind != "folder":
        assert p.exists()  # nothing deleted or "repaired"
    assert not [x for x in tmp_path.iterdir() if x.name.endswith(".wal")], "opening wrote a WAL file"


@pytest.fixture
def app_db(monkeypatch):
    """Point the app at another database file (the caches cleared before and after)."""
    def use(path):
        monkeypatch.setenv(DB_ENV, str(path))
        st.cache_resource.clear()
        st.cache_data.clear()
    yield use
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("kind", ["old_version", "folder", "empty", "no_tables", "truncated_half"])
@pytest.mark.parametrize("page", ["pages/map.py", "pages/town.py", "pages/brief.py"])
def test_app_shows_the_problem_and_the_fix(app_db, tmp_path, kind, page):
    app_db(make_fault(kind, tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page(page)
    at.query_params["town"] = "Hartford"
    at.run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    err = " ".join(e.value for e in at.error)
    assert "The dashboard's database cannot be used" in err
    assert all(w in err for w in FAULTS[kind])
    assert any("make build" in m.value for m in at.markdown)
    assert not at.metric and not at.dataframe, "the page went on drawing without its data"


def run_cli(args, cwd, env_extra=None, timeout=180):
    env = dict(os.environ, PYTHONPATH=str(ROOT), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "oca_dash", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("kind", ["missing", "old_version", "truncated_4k"])
def test_brief_command_reports_a_broken_database(tmp_path, kind):
    p = make_fault(kind, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    r = run_cli(["brief", "--town", "Hartford", "--format", "md"], out, {DB_ENV: str(p)})
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "make build" in r.stderr
    assert all(w in r.stderr for w in FAULTS[kind])
    assert list(out.iterdir()) == []


# -- a read-only filesystem ------------------------------------------------------------------------------

def test_database_is_opened_read_only():
    db = DB()
    ro = db.df("SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()")
    assert bool(ro["readonly"].iloc[0])
    with pytest.raises(duckdb.Error):
        db.df("CREATE TABLE hostile (x INTEGER)")
    db.close()


READ_ONLY_CHECK = r"""
import errno, json, os, sys
from pathlib import Path
d = Path(os.environ["RO_DIR"])
out = {"before": sorted(p.name for p in d.iterdir())}
try:
    (d / "probe").write_text("x")
    out["write"] = "ok"
except OSError as e:
    out["write"] = errno.errorcode.get(e.errno, str(e.errno))
from streamlit.testing.v1 import AppTest
out["pages"] = {}
for page in json.loads(os.environ["PAGES"]):
    at = AppTest.from_file("app.py", default_timeout=60)
    at.switch_page(page)
    at.run()
    out["pages"][page] = {"exceptions": [e.message for e in at.exception], "errors": [e.value for e in at.error],
                          "elements": len(at.main.children)}
from oca_dash.query import DB
db = DB()
out["db"] = str(db.path)
out["towns"] = int(db.df("SELECT count(*) AS n FROM towns")["n"].iloc[0])
out["after"] = sorted(p.name for p in d.iterdir())
print("RESULT " + json.dumps(out))
"""


def _can_bind_mount() -> bool:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return r.returncode == 0


def test_app_serves_from_a_read_only_filesystem(tmp_path):
    """The data folder on a read-only filesystem (a read-only bind mount in a private mount namespace):
    every page renders, the brief command writes to standard output, and nothing is written beside the data."""
    ro = tmp_path / "ro"
    ro.mkdir()
    shutil.copy(DB_PATH, ro / "oca.duckdb")
    env = dict(os.environ, PYTHONPATH=str(ROOT), RO_DIR=str(ro), PAGES=json.dumps(PAGES),
               **{DB_ENV: str(ro / "oca.duckdb")})
    py = sys.executable
    if _can_bind_mount():
        how = "read-only bind mount"
        script = (f'mount --bind "$RO_DIR" "$RO_DIR" && mount -o remount,bind,ro "$RO_DIR" && '
                  f'"{py}" -c "$CHECK" && "{py}" -m oca_dash brief --town Hartford --format md --out - >/dev/null '
                  f'&& echo BRIEF_OK')
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]
    elif os.geteuid() != 0:
        how = "chmod -R a-w"
        subprocess.run(["chmod", "-R", "a-w", str(ro)], check=True)
        cmd = ["sh", "-c", f'"{py}" -c "$CHECK" && "{py}" -m oca_dash brief --town Hartford --format md --out - '
                           f'>/dev/null && echo BRIEF_OK']
    else:
        pytest.skip("no way to make a read-only folder here: root ignores file modes and unshare/mount is unavailable")
    env["CHECK"] = READ_ONLY_CHECK
    try:
        r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(ro)], check=False)
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
    assert r.returncode == 0 and line, f"{how}: rc={r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    res = json.loads(line[0][7:])
    assert res["write"] in ("EROFS", "EACCES"), f"{how}: the folder was writable ({res['write']})"
    assert res["db"] == str(ro / "oca.duckdb") and res["towns"] == 169
    for page, got in res["pages"].items():
        assert not got["exceptions"] and not got["errors"] and got["elements"] > 0, f"{page}: {got}"
    assert res["after"] == res["before"] == ["oca.duckdb"]
    assert "BRIEF_OK" in r.stdout, r.stderr[-2000:]


# -- a malformed raw file during a build ----------------------------------------------------------------

PORTAL = ("opportunity/affordable_housing_appeals/Pirate-Emperor_HouseValuation/"
          "Affordable_Housing_by_Town_2011-2023.csv")
XWALK = "boundaries/2022tractcrosswalk.csv"


def mirror(raw_root: Path, dst: Path, replace: dict) -> Path:
    """A raw folder of symlinks to the real files, with the files in replace (rel -> bytes) written instead."""
    for dirpath, _, files in os.walk(raw_root):
        for f in files:
            src = Path(dirpath) / f
            rel = src.relative_to(raw_root).as_posix()
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            if rel in replace:
                (dst / rel).write_bytes(replace[rel])
            else:
                os.symlink(src, dst / rel)
    return dst


def renamed_column(raw, rel, old, new) -> bytes:
    text = raw.path(rel).read_text(encoding="utf-8-sig")
    head, body = text.split("\n", 1)
    cols = head.split(",")
    assert old in cols, f"{rel} has no column {old!r} (the raw file changed?)"
    return (",".join(new if c == old else c for c in cols) + "\n" + body).encode()


@pytest.mark.parametrize("case", ["renamed_column", "not_a_csv"])
def test_build_with_a_malformed_raw_file(raw, tmp_path, case):
    if case == "renamed_column":  # read by the affordable-housing module, after geography and shapes
        rel, bad = PORTAL, renamed_column(raw, PORTAL, "Town", "Municipality")
        expect = ["is missing column(s) ['Town']"]
    else:  # the first file the build reads, replaced by bytes that are no text at all
        rel, bad = XWALK, zlib.compress(os.urandom(4096))
        expect = ["cannot read raw file"]
    bad_raw = mirror(raw.root, tmp_path / "raw", {rel: bad})
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "oca.duckdb"
    shutil.copy(DB_PATH, out)
    before = sha(out)
    r = run_cli(["build", "--raw", str(bad_raw), "--out", str(out)], tmp_path, timeout=600)
    assert r.returncode == 2, r.stderr[-2000:]
    assert rel in r.stderr, f"the message does not name {rel}: {r.stderr[-1500:]}"
    assert all(w in r.stderr for w in expect), r.stderr[-1500:]
    assert "Traceback" not in r.stderr and "existing database, if any, is unchanged" in r.stderr
    assert sha(out) == before
    assert sorted(p.name for p in out_dir.iterdir()) == ["oca.duckdb"], "a temporary file was left behind"


# -- the server serves only what it generates -------------------------------------------------------------

def test_static_file_serving_is_off():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert not cfg.get("server", {}).get("enableStaticServing", False)
    assert not (ROOT / "static").exists(), "a static/ folder would be served if static serving were turned on"


TRAVERSALS = [
    "/app/static/../../data/oca.duckdb", "/app/static/%2e%2e/%2e%2e/data/oca.duckdb",
    "/app/static/..%2f..%2fdata%2foca.duckdb", "/app/static/oca.duckdb", "/app/static/data/oca.duckdb",
    "/data/oca.duckdb", "/oca.duckdb", "/static/../data/oca.duckdb", "/static/%2e%2e/%2e%2e/%2e%2e/data/oca.duckdb",
    "/static/..%2f..%2f..%2f..%2fdata%2foca.duckdb", "/static/....//....//data/oca.duckdb",
    "/media/../data/oca.duckdb", "/media/%2e%2e/%2e%2e/data/oca.duckdb", "/_stcore/../data/oca.duckdb",
    "/component/../../data/oca.duckdb", "/component/oca_dash/../../data/oca.duckdb",
    "/app.py", "/static/../app.py", "/static/%2e%2e/%2e%2e/%2e%2e/app.py", "/.streamlit/config.toml",
    "/static/../../../../../../etc/passwd", "//etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/town/../data/oca.duckdb", "/~/data/oca.duckdb", "/data%2foca.duckdb",
]


def _get(port: int, path: str) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        c.putrequest("GET", path, skip_accept_encoding=True)  # the path sent exactly as written
        c.endheaders()
        r = c.getresponse()
        return r.status, r.read(2_000_000)
    finally:
        c.close()


def test_no_file_outside_what_the_app_generates_is_served():
    from .browser_util import AppServer

    secrets = {"the database": DB_PATH.read_bytes()[:4096], "app.py": b"st.navigation(",
               "the config": b"[theme]", "/etc/passwd": b"root:x:0:0"}
    with AppServer() as app:
        status, index = _get(app.port, "/")
        assert status == 200 and b"<html" in index.lower()
        for path in TRAVERSALS:
            status, body = _get(app.port, path)
            assert status in (200, 301, 302, 400, 403, 404, 405), (path, status)
            leaked = [k for k, s in secrets.items() if s in body] + (["a DuckDB file"] if body[8:12] == b"DUCK" else [])
            assert not leaked, f"GET {path} returned {leaked}"
            if status == 200:  # Streamlit answers unknown paths with its page shell, nothing else
                assert body == index or b"<html" in body[:500].lower(), f"GET {path}: {body[:200]!r}"
