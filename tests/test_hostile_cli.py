"""The brief command line and download names, given hostile input.

Path separators, '..', very long names, Windows reserved names (CON, NUL), control characters and
unicode: ``brief_export.safe_filename`` always gives a plain name inside the intended folder, and
``python -m oca_dash brief`` answers bad input with a clear message and exit code 2 (1 when the file
cannot be written), writing nothing, and never writes outside the folder it was asked to write in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs

from oca_dash import brief_export as BE
from oca_dash import brief_view as BV
from oca_dash.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
SAFE = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*(?:\.[a-z0-9_]{1,5})?")  # ext: 5 safe characters
NASTY = ["../../etc/passwd", "..\\..\\windows\\system32", "/abs/path", "C:\\x", "a/b\\c", "..", ".", "...", "",
         " ", "CON", "con", "NUL", "nul.txt", "COM1", "LPT9", "AUX.docx", "PRN ", "COM¹", "Łódź", "Ωmega",
         "🏘️", "\u202eexe.docx", "e\u0301" * 50, "x\x00y", "\x1b[31mred", "a" * 100_000, "name.", "name ",
         "<script>", "a:b", "a|b", "a?b", "a*b", '"q"', "\t\n"]


def check_safe(name: str, folder: Path) -> None:
    assert SAFE.fullmatch(name), f"not a plain name: {name!r}"
    assert len(name) <= 120, len(name)
    assert name.split(".")[0].upper() not in RESERVED, name
    assert ".." not in name and "/" not in name and "\\" not in name
    assert (folder / name).resolve().parent == folder.resolve()


# -- the safe-name function ------------------------------------------------------------------------

TEXT = hs.text(alphabet=hs.characters(exclude_categories=("Cs",)), max_size=300)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(name=hs.one_of(TEXT, hs.sampled_from(NASTY)), vintage=hs.one_of(TEXT, hs.sampled_from(["2023", "", "CON"])),
       ext=hs.one_of(hs.sampled_from(["docx", "pdf", "md", "csv", "", "../x", ".exe", "DOCX", "tar.gz"]), TEXT),
       kind=hs.one_of(hs.sampled_from(["brief", "", "CON", "../"]), TEXT))
@example(name="CON", vintage="", ext="docx", kind="")
@example(name="", vintage="", ext="", kind="")
@example(name="NUL", vintage="", ext="", kind="")
def test_safe_filename_is_always_plain(name, vintage, ext, kind):
    check_safe(BE.safe_filename(name, vintage, ext, kind), Path("/tmp/briefs"))


@pytest.mark.parametrize("name", NASTY)
def test_nasty_names(name):
    out = BE.safe_filename(name, "2023", "docx")
    check_safe(out, Path("/tmp/briefs"))
    assert out.endswith("_brief_2023.docx")


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "etc_passwd_brief_2023.docx"), ("CON", "place_CON_brief_2023.docx"),
    ("nul", "place_nul_brief_2023.docx"), ("", "place_brief_2023.docx"), ("..", "place_brief_2023.docx"),
    ("West Hartford", "West_Hartford_brief_2023.docx"), ("Łódź", "odz_brief_2023.docx"),
])
def test_named_cases(name, expected):
    assert BE.safe_filename(name, "2023", "docx") == expected


def test_reserved_names_without_suffixes():
    for r in RESERVED:
        for v in (r, r.lower()):
            out = BE.safe_filename(v, "", "", "")
            assert out.upper() not in RESERVED and out.split(".")[0].upper() not in RESERVED, out


def test_download_names_for_every_kind_of_brief():
    for spec in [BV.Spec("town", ("West Hartford",)), BV.Spec("towns", ("Hartford", "Avon", "Darien")),
                 BV.Spec("district", district="S05"), BV.Spec("set", tuple(["Avon"] * 169), desc="../../<x>")]:
        for fmt in BE.FORMATS:
            check_safe(BV.file_name(spec, "2023", fmt), Path("/tmp/briefs"))


# -- the command line, in-process (fast) ---------------------------------------------------------------

def brief(args, cwd: Path, capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    try:
        rc = main(["brief", *args])
    except SystemExit as e:  # argparse usage errors
        rc = e.code
    return rc, capsys.readouterr().err


def all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def work(tmp_path):
    """tmp/work is where the command runs; anything written elsewhere under tmp/ is a failure."""
    w = tmp_path / "work"
    w.mkdir()
    (tmp_path / "sibling").mkdir()
    return w


BAD_ARGS = [
    (["--town", "../../etc/passwd"], "not one of Connecticut's 169 towns"),
    (["--town", "CON"], "not one of Connecticut's 169 towns"),
    (["--town", "NUL"], "not one of Connecticut's 169 towns"),
    (["--town", "<script>alert(1)</script>"], "not one of Connecticut's 169 towns"),
    (["--town", "x" * 100_000], "not one of Connecticut's 169 towns"),
    (["--town", "Hartford/../Avon"], "not one of Connecticut's 169 towns"),
    (["--town", "\u202eHartford"], "Did you mean Hartford?"),
    (["--town", "\x1b[2JHartford"], "not one of Connecticut's 169 towns"),
    (["--town", "Hartford' OR '1'='1"], "not one of Connecticut's 169 towns"),
    (["--towns", "Hartford,../../x"], "not one of Connecticut's 169 towns"),
    (["--district", "../S05"], "not a Connecticut State Senate"),
    (["--district", "S" + "9" * 5000], "not a Connecticut State Senate"),
    (["--set", ",,,"], "--set needs at least one town name"),
    (["--set", "Hartford,../sibling/x"], "not one of Connecticut's 169 towns"),
    (["--town", "Avon", "--format", "../docx"], "unknown format"),
    (["--town", "Avon", "--format", "docx/../../x"], "unknown format"),
    (["--town", "Avon", "--topics", "../x"], "Unknown topic"),
    (["--town", "Avon", "--index", "'; DROP TABLE towns; --"], "Unknown opportunity index"),
]


@pytest.mark.parametrize("args, message", BAD_ARGS, ids=[f"{i}" for i in range(len(BAD_ARGS))])
def test_bad_input_is_a_clear_error_that_writes_nothing(work, capsys, monkeypatch, args, message):
    rc, err = brief(args, work, capsys, monkeypatch)
    assert rc == 2, err
    assert message in err and "Traceback" not in err
    assert len(err) < 1000, "the message repeats a huge input"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", err), \
        f"control or bidi characters sent to the terminal: {err!r}"
    assert all_files(work.parent) == []


def test_default_name_stays_in_the_current_folder(work, capsys, monkeypatch):
    rc, err = brief(["--set", "Hartford,Avon", "--description", "../../sibling/<script>/CON\x1b[31m\u202e",
                     "--format", "md"], work, capsys, monkeypatch)
    assert rc == 0, err
    assert all_files(work.parent) == ["work/2_towns_brief_2023.md"]
    text = (work / "2_towns_brief_2023.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "\x1b" not in text and "\u202e" not in text
    assert "sibling" in text  # the description is kept, as text


@pytest.mark.parametrize("fmt", ["docx", "pdf", "csv"])
def test_control_characters_in_the_description_do_not_break_a_format(work, capsys, monkeypatch, fmt):
    rc, err = brief(["--set", "Hartford,Avon", "--description", "bad\x1b[31m\x07\x0b\ufeff end", "--format", fmt],
                    work, capsys, monkeypatch)
    assert rc == 0 and "Traceback" not in err, err
    assert all_files(work.parent) == [f"work/2_towns_brief_2023.{fmt}"]


def test_an_empty_out_means_the_default_name(work, capsys, monkeypatch):
    rc, err = brief(["--town", "Avon", "--format", "md", "--out", ""], work, capsys, monkeypatch)
    assert rc == 0, err
    assert all_files(work.parent) == ["work/Avon_brief_2023.md"]


@pytest.mark.parametrize("out, why", [
    (".", "Is a directory"), ("no/such/folder/x.md", "No such file"), ("a" * 300 + ".md", "too long"),
])
def test_unwritable_out_is_reported(work, capsys, monkeypatch, out, why):
    rc, err = brief(["--town", "Avon", "--format", "md", "--out", out], work, capsys, monkeypatch)
    assert rc == 1 and "cannot write" in err and why in err and "Traceback" not in err, err
    assert all_files(work.parent) == []


def test_an_explicit_unicode_out_is_written_exactly_there(work, capsys, monkeypatch):
    rc, err = brief(["--town", "Avon", "--out", "Ωmega brief é.md"], work, capsys, monkeypatch)
    assert rc == 0, err
    assert all_files(work.parent) == ["work/Ωmega brief é.md"]
    assert (work / "Ωmega brief é.md").read_text(encoding="utf-8").startswith("# Talking points: Avon")


# -- the real command line (subprocess) -----------------------------------------------------------------

def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "oca_dash", "brief", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=180)


def test_cli_end_to_end(work):
    r = run(["--town", "../../sibling/x", "--format", "md"], work)
    assert r.returncode == 2 and b"not one of Connecticut's 169 towns" in r.stderr and b"Traceback" not in r.stderr
    r = run(["--town", "\x1b]0;pwned\x07Avon"], work)
    assert r.returncode == 2 and b"\x1b" not in r.stderr and b"\\x1b" in r.stderr
    r = run(["--district", "State Senate District 5", "--format", "csv"], work)
    assert r.returncode == 0, r.stderr.decode()
    assert all_files(work.parent) == ["work/State_Senate_District_5_brief_2023.csv"]
