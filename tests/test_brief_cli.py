"""`python -m oca_dash brief`: success and error paths, run as a user would (subprocess)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "oca_dash", "brief", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=120)


def test_town_docx_to_a_named_file(tmp_path):
    import docx

    r = run(["--town", "West Hartford", "--format", "docx", "--out", "brief.docx"], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    d = docx.Document(str(tmp_path / "brief.docx"))
    assert d.paragraphs[0].text == "Talking points: West Hartford"
    assert b"Wrote" in r.stderr and r.stdout == b""


def test_default_name_in_the_current_folder_and_format_from_extension(tmp_path):
    r = run(["--district", "State Senate District 5", "--format", "pdf"], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    out = tmp_path / "State_Senate_District_5_brief_2023.pdf"
    assert out.read_bytes()[:5] == b"%PDF-"
    r = run(["--town", "darien", "--out", "d.md"], tmp_path)  # case-insensitive town; md from the extension
    assert r.returncode == 0 and (tmp_path / "d.md").read_text(encoding="utf-8").startswith("# Talking points: Darien")


def test_towns_and_topics_to_stdout(tmp_path):
    r = run(["--towns", "Hartford,West Hartford", "--topics", "race,8-30g", "--format", "csv", "--out", "-"],
            tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8"))))
    assert rows and {x["topic"] for x in rows} == {"Segregation and race", "Affordable housing (CGS 8-30g)"}
    assert {x["place"] for x in rows} >= {"Hartford", "West Hartford"}


def test_a_set_of_towns(tmp_path):
    r = run(["--set", "Avon,Canton,Simsbury,Granby,Burlington,Farmington,Bloomfield", "--description",
             "Farmington Valley", "--format", "md", "--out", "-"], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    assert "Towns chosen by: Farmington Valley." in r.stdout.decode("utf-8")


@pytest.mark.parametrize("args, message", [
    (["--town", "Atlantis"], "not one of Connecticut's 169 towns"),
    (["--town", "Hartfrod"], "Did you mean Hartford?"),
    (["--towns", "Hartford,Nowhere"], "not one of Connecticut's 169 towns"),
    (["--district", "S99"], "not a Connecticut State Senate"),
    (["--district", "Ward 5"], "not a Connecticut State Senate"),
    (["--town", "Darien", "--format", "xls"], "unknown format 'xls'"),
    (["--town", "Darien", "--topics", "weather"], "Unknown topic"),
    (["--town", "Darien", "--index", "bogus"], "Unknown opportunity index"),
])
def test_errors_are_plain_and_exit_2(tmp_path, args, message):
    r = run(args, tmp_path)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_missing_or_conflicting_choice_is_a_usage_error(tmp_path):
    r = run([], tmp_path)
    assert r.returncode == 2 and b"one of the arguments" in r.stderr and b"Traceback" not in r.stderr
    r = run(["--town", "Avon", "--district", "S05"], tmp_path)
    assert r.returncode == 2 and b"not allowed with" in r.stderr


def test_unwritable_output_is_reported(tmp_path):
    r = run(["--town", "Avon", "--format", "md", "--out", str(tmp_path / "no" / "such" / "dir" / "x.md")], tmp_path)
    assert r.returncode == 1 and b"cannot write" in r.stderr and b"Traceback" not in r.stderr


def test_build_subcommand_still_there(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "oca_dash", "build", "--help"], cwd=tmp_path, env=env,
                       capture_output=True, timeout=60)
    assert r.returncode == 0 and b"--raw" in r.stdout
