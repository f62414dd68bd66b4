"""Rebuilding from the same raw files gives the committed database, table for table;
a broken input stops the build with a message naming the file, and leaves the old
database in place."""

import hashlib
import os
import shutil

import duckdb
import pandas as pd
import pytest

from oca_dash.build import pipeline
from oca_dash.build.raw import RawDataError

from .conftest import DB_PATH


def _tables(path):
    con = duckdb.connect(str(path), read_only=True)
    names = sorted(r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall())
    out = {n: con.execute(f'SELECT * FROM "{n}"').df() for n in names}
    con.close()
    return out


@pytest.fixture(scope="module")
def rebuilt(raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuild") / "oca.duckdb"
    report = pipeline.build(raw.root, out, log=lambda *_: None)
    return out, report


def test_rebuild_is_identical_to_committed(rebuilt):
    out, _ = rebuilt
    new, old = _tables(out), _tables(DB_PATH)
    assert sorted(new) == sorted(old), "different tables or views"
    for name in old:
        a = old[name].sort_values(list(old[name].columns)).reset_index(drop=True)
        b = new[name].sort_values(list(new[name].columns)).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)


def test_build_reports_its_checks(rebuilt):
    _, report = rebuilt
    assert any("169 towns" in c for c in report.checks)
    assert any("sum to the state" in c for c in report.checks)


def _mirror(raw_root, tmp_path, skip):
    """A raw folder of symlinks to the real files, without ``skip``."""
    dst = tmp_path / "raw"
    for dirpath, _, files in os.walk(raw_root):
        for f in files:
            src = os.path.join(dirpath, f)
            rel = os.path.relpath(src, raw_root)
            if rel == skip:
                continue
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(src, dst / rel)
    return dst


def test_missing_raw_file_names_it_and_keeps_old_database(raw, tmp_path):
    skip = "boundaries/2022tractcrosswalk.csv"
    bad_raw = _mirror(raw.root, tmp_path, skip)
    out = tmp_path / "oca.duckdb"
    shutil.copy(DB_PATH, out)
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    with pytest.raises(RawDataError, match="2022tractcrosswalk.csv"):
        pipeline.build(bad_raw, out, log=lambda *_: None)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cli_reports_a_missing_raw_folder(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "oca_dash", "build", "--raw", str(tmp_path / "none"),
                        "--out", str(tmp_path / "x.duckdb")], capture_output=True, text=True)
    assert r.returncode == 2
    assert "raw data folder not found" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.duckdb").exists()
