"""The brief's downloads: each format is written, then opened back and checked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest

from oca_dash import brief_export as BE
from oca_dash import talking_points as TP
from oca_dash.format import fmt_value
from oca_dash.indicators import INDICATORS

DAY = dt.date(2025, 3, 4)
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def town_brief(db):
    return TP.brief_for(db, town="West Hartford", generated=DAY)


@pytest.fixture(scope="module")
def png(town_brief):
    return BE.chart_png(town_brief)


def squash(s: str) -> str:
    """Text as pypdf extracts it: one space between words, plain quotes."""
    return " ".join(BE.pdf_text(s).split())


# -- file names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kw, expected", [
    ("West Hartford", {"vintage": "2023"}, "West_Hartford_brief_2023.docx"),
    ("State Senate District 5", {"vintage": "2023", "ext": "pdf"}, "State_Senate_District_5_brief_2023.pdf"),
    ("Montréal/../..", {"vintage": "2023", "ext": "md"}, "Montreal_brief_2023.md"),
    ("../../etc/passwd", {"vintage": "2023"}, "etc_passwd_brief_2023.docx"),
    ("C:\\Windows\\system32:x", {"vintage": "2023", "ext": "csv"}, "C_Windows_system32_x_brief_2023.csv"),
    ("CON", {"vintage": "", "kind": "", "ext": "txt"}, "place_CON.txt"),
    ("nul", {"vintage": "", "kind": ""}, "place_nul.docx"),
    ("", {"vintage": "2023"}, "place_brief_2023.docx"),
    ("\x00\n<script>", {"vintage": "2023"}, "script_brief_2023.docx"),
])
def test_safe_filename(name, kw, expected):
    assert BE.safe_filename(name, **kw) == expected


def test_safe_filename_is_short_and_plain():
    n = BE.safe_filename("Hartford_" * 50 + "Ωmega", "2023", "docx")
    assert len(n) <= 110 and re.fullmatch(r"[A-Za-z0-9_]+\.docx", n)
    assert ".." not in n and "/" not in n and "\\" not in n


def test_file_names_follow_the_subject(db, town_brief):
    assert BE.filename(town_brief, "docx") == "West_Hartford_brief_2023.docx"
    b = TP.brief_for(db, towns="Hartford,West Hartford", topics="race")
    assert BE.filename(b, "pdf") == "Hartford_West_Hartford_brief_2023.pdf"
    b = TP.brief_for(db, district="S05", topics="race")
    assert BE.filename(b, "md") == "State_Senate_District_5_brief_2023.md"
    b = TP.brief_for(db, set_towns=["Avon", "Canton"], topics="race")
    assert BE.filename(b, "csv") == "2_towns_brief_2023.csv"


# -- Word ----------------------------------------------------------------------------------------------

def test_docx_opens_with_headings_bullets_and_real_footnotes(town_brief):
    import docx

    data = BE.to_docx(town_brief)
    d = docx.Document(io.BytesIO(data))
    paras = d.paragraphs
    assert paras[0].style.name == "Title" and paras[0].text == "Talking points: West Hartford"
    assert "Generated 4 March 2025" in paras[1].text and "data vintage 2023" in paras[1].text
    assert any(p.text.startswith("Data: U.S. Census Bureau") for p in paras[:6])
    headings = [p.text for p in paras if p.style.name == "Heading 1"]
    assert headings[:-1] == [TP.TOPICS[k] for k, _ in town_brief.by_topic()]
    bullets = [p.text for p in paras if p.style.name == "List Bullet"]
    sentences = [p.sentence for _, pts in town_brief.by_topic() for p in pts]
    assert bullets[:len(sentences)] == sentences  # one bullet per point, in order
    assert d.core_properties.title == town_brief.title

    # each point carries a footnote reference that exists in word/footnotes.xml
    body_refs = [int(r.get(f"{W_NS}id")) for r in d.element.body.iter(f"{W_NS}footnoteReference")]
    assert body_refs == list(range(1, len(sentences) + 1))
    z = zipfile.ZipFile(io.BytesIO(data))
    from lxml import etree

    notes = etree.fromstring(z.read("word/footnotes.xml"))
    ids = [int(n.get(f"{W_NS}id")) for n in notes.iter(f"{W_NS}footnote")]
    assert ids == [-1, 0] + body_refs
    first = "".join(t.text for t in notes.iter(f"{W_NS}footnote") if t.get(f"{W_NS}id") == "1"
                    for t in t.iter(f"{W_NS}t"))
    assert first.strip().startswith("U.S. Census Bureau, American Community Survey")
    assert "footnotes.xml" in z.read("word/_rels/document.xml.rels").decode()
    assert "wordprocessingml.footnotes+xml" in z.read("[Content_Types].xml").decode()
    assert b"<w:footnotePr>" in z.read("word/settings.xml")
    styles = {s.style_id for s in d.styles}
    assert {"FootnoteText", "FootnoteReference"} <= styles


# -- PDF ------------------------------------------------------------------------------------------------

def _pdf(data: bytes):
    import pypdf

    r = pypdf.PdfReader(io.BytesIO(data))
    return r, " ".join(" ".join(p.extract_text().split()) for p in r.pages)


def test_pdf_is_one_page_with_the_points_chart_and_sources(town_brief, png):
    data = BE.to_pdf(town_brief, png)
    r, text = _pdf(data)
    assert len(r.pages) == 1
    assert "Talking points: West Hartford" in text
    kept = BE.LAST_STEP["kept"]
    assert kept >= len([p for p in town_brief.points if p.priority == 1])
    lead = [p for p in town_brief.points if p.topic == "affordable_housing"][0]
    assert squash(lead.sentence)[:60] in text
    assert "Sources" in text and "[1] U.S. Census Bureau" in text
    images = list(r.pages[0].images)
    assert len(images) == 1  # ONE chart
    assert r.metadata.title == "Talking points: West Hartford"
    if kept < len(town_brief.points):
        assert "left out here" in text


def test_pdf_is_the_same_every_time(town_brief, png):
    a, b = _pdf(BE.to_pdf(town_brief, png))[1], _pdf(BE.to_pdf(town_brief, png))[1]
    assert a == b


def test_the_longest_town_briefs_fit_on_one_page(db, png):
    """Every town's brief must fit one page; the towns with the most text are the hard cases."""
    names = db.towns()["town"].tolist()
    briefs = [TP.brief_for(db, town=n, generated=DAY) for n in names]
    longest = sorted(briefs, key=lambda b: -sum(len(p.sentence) + len(" ".join(p.flags)) for p in b.points))[:4]
    for b in longest:
        r, text = _pdf(BE.to_pdf(b, png))
        assert len(r.pages) == 1, b.title
        assert BE.LAST_STEP["step"].font >= 8.5
        # every topic keeps its lead point
        assert {p.topic for p in b.points} <= {k for k in TP.TOPICS if TP.TOPICS[k] in text}


@pytest.mark.parametrize("kw", [dict(towns="Hartford,West Hartford,Farmington,Avon,Simsbury,Bloomfield"),
                                dict(district="State Senate District 30"), dict(district="H001"),
                                dict(set_towns=["Avon", "Canton", "Simsbury", "Granby", "Hartford"])])
def test_other_briefs_fit_on_one_page(db, png, kw):
    b = TP.brief_for(db, generated=DAY, **kw)
    r, text = _pdf(BE.to_pdf(b, png))
    assert len(r.pages) == 1 and b.title in text


def test_pdf_text_is_latin1():
    assert BE.pdf_text("West Hartford’s “share” — ≥ 10%…") == "West Hartford's \"share\" - >= 10%..."


def test_chart_png(png, town_brief):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    spec = BE.chart_spec(town_brief)
    assert spec["title"]["text"] and [v["place"] for v in spec["datasets"][next(iter(spec["datasets"]))]][0] \
        == "West Hartford"


# -- Markdown ---------------------------------------------------------------------------------------------

def test_markdown_structure(town_brief):
    md = BE.to_markdown(town_brief)
    lines = md.splitlines()
    assert lines[0] == "# Talking points: West Hartford"
    heads = [ln[3:] for ln in lines if ln.startswith("## ")]
    assert heads == [TP.TOPICS[k] for k, _ in town_brief.by_topic()] + ["Sources and notes"]
    bullets = [ln for ln in lines if ln.startswith("- ")]
    assert len(bullets) == len(town_brief.points)
    nums = [int(re.search(r"\[(\d+)\]$", b).group(1)) for b in bullets]
    notes = [ln for ln in lines if re.match(r"^\d+\. ", ln)]
    assert max(nums) == len(notes) and sorted(set(nums)) == list(range(1, len(notes) + 1))
    assert "West Hartford’s" in md


def test_markdown_escapes_text_from_links(db):
    b = TP.brief_for(db, set_towns=["Avon", "Canton"], set_description="<script>alert(1)</script> *bold* [x](y)",
                     topics="race")
    md = BE.to_markdown(b)
    assert "<script>" not in md and "\\<script\\>" in md and "\\*bold\\*" in md and "\\[x\\]" in md


# -- CSV -----------------------------------------------------------------------------------------------------

def test_csv_has_every_figure_with_source_and_vintage(town_brief):
    rows = list(csv.DictReader(io.StringIO(BE.to_csv(town_brief))))
    assert list(rows[0]) == BE.CSV_COLUMNS
    assert len(rows) == len(town_brief.figures())
    for row, (k, p, f) in zip(rows, town_brief.figures()):
        assert int(row["point"]) == k and row["indicator_id"] == f.indicator_id
        assert row["source"] and row["vintage"]
        if f.indicator_id in INDICATORS and f.value is not None:
            assert float(row["value"]) == pytest.approx(f.value)
            assert row["value_text"] == fmt_value(f.indicator_id, f.value)
    assert {r["topic"] for r in rows} == {TP.TOPICS[k] for k, _ in town_brief.by_topic()}


def test_csv_cells_cannot_become_formulas():
    assert BE._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert BE._cell("+1") == "'+1" and BE._cell("@x") == "'@x"
    assert BE._cell("-1.15") == "-1.15" and BE._cell("Hartford") == "Hartford"


def test_export_gives_bytes_mime_and_name(town_brief):
    for fmt in BE.FORMATS:
        data, mime, name = BE.export(town_brief, fmt)
        assert data and mime == BE.FORMATS[fmt] and name == f"West_Hartford_brief_2023.{fmt}"
    with pytest.raises(ValueError):
        BE.export(town_brief, "xls")
