"""Write a talking-points brief as Word (.docx), a one-page PDF, Markdown (for email) or CSV (every
figure used), and name the file safely.

- Word: title, date generated, data vintages, a heading per topic, the points as a bulleted list,
  and each point's source (with its caveats) as a real Word footnote. python-docx 1.2 has no
  footnote API, so the footnotes part (word/footnotes.xml), its relationship and the two footnote
  styles are written here at the OPC/XML level; Word and LibreOffice show them as ordinary
  footnotes that stay attached when a bullet is copied into another document.
- PDF (fpdf2): the points, ONE chart (residents by opportunity level, drawn with Altair and
  rendered to PNG offline by vl-convert) and numbered sources, on one US Letter page. When the
  points do not fit, the layout shrinks, then leaves out second-rank points, in a fixed order
  (``PDF_STEPS``) and says how many were left out; the same brief always gives the same page.
- Markdown: headings and bullets with [n] markers and a numbered list of sources and caveats.
- CSV: one row per figure: the point it belongs to, place, value, margin, comparison, flags,
  source and vintage.

No Streamlit. Built from a ``talking_points.Brief`` only (no database access here).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

import numpy as np

from .format import fmt_moe
from .indicators import INDICATORS, SOURCES
from .talking_points import TOPICS, Brief, TalkingPoint

APP_NAME = "Connecticut Opportunity Dashboard"
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "csv": "text/csv",
}
METHOD_NOTE = (
    "Margins of error are at the 90% level, as the Census Bureau publishes them. A gap within the combined margins "
    "of error is said “about the same as” or “within the margin of error of”, never as a difference; an estimate "
    "whose margin of error is large "
    "(coefficient of variation above 30%) is said with “about”; a median the Census Bureau top-codes is said as "
    "“more than”. Opportunity levels are statewide fifths of census tracts."
)

# -- safe file names ---------------------------------------------------------------------------------

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 80


def safe_filename(name: str, vintage: str = "", ext: str = "docx", kind: str = "brief") -> str:
    """'West Hartford' -> 'West_Hartford_brief_2023.docx': ASCII letters, digits and underscores only
    (no path separators, no '..', no spaces), never a Windows reserved name, at most ~100 characters."""
    def clean(s: str) -> str:
        s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")

    stem = clean(name)[:MAX_STEM].rstrip("_") or "place"
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"place_{stem}"
    parts = [stem] + [p for p in (clean(kind)[:20], clean(vintage)[:12]) if p]
    base = "_".join(parts)
    if base.split("_")[0].upper() in _WINDOWS_RESERVED and base.upper() in _WINDOWS_RESERVED:
        base = f"place_{base}"
    ext = clean(ext).lower()[:5]
    return f"{base}.{ext}" if ext else base


def filename(brief: Brief, fmt: str) -> str:
    return safe_filename(brief.file_stem, brief.data_vintage, fmt)


# -- notes: each point's source and caveats ----------------------------------------------------------

def note_text(p: TalkingPoint, with_urls: bool = True) -> str:
    """The footnote for a point: its sources (with a link where one is known) and its caveats."""
    text = p.source + "."
    for f in p.flags:
        text += f" {f[0].upper() + f[1:]}."
    if with_urls:
        urls = []
        for sid in p.source_ids:
            u = SOURCES[sid].url.split(" ")[0].rstrip(";,") if sid in SOURCES and SOURCES[sid].url else ""
            if u and u not in urls:
                urls.append(u)
        if urls:
            text += " " + " ".join(urls)
    return text


def numbered_notes(brief: Brief, with_urls: bool = True) -> tuple[list[int], list[str]]:
    """(note number for each point, the distinct notes): points with the same note share a number."""
    notes: list[str] = []
    nums = []
    for p in brief.points:
        t = note_text(p, with_urls)
        if t not in notes:
            notes.append(t)
        nums.append(notes.index(t) + 1)
    return nums, notes


def vintages_line(brief: Brief) -> str:
    """'Data: U.S. Census Bureau ACS (2019-2023); CT Department of Housing (2023); ...'."""
    seen, parts = set(), []
    for sid, vintage in brief.sources():
        pub = SOURCES[sid].publisher.split(" (")[0]
        key = (pub, vintage)
        if key in seen:
            continue
        seen.add(key)
        parts.append(f"{pub} ({vintage})")
    return "Data: " + "; ".join(parts) + "."


def _generated(brief: Brief) -> str:
    d = brief.generated
    return f"{d.day} {d.strftime('%B %Y')}"


# -- Markdown -----------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def email_md_escape(text: str) -> str:
    """Neutralise Markdown (and raw HTML) in text from data or a link, escaping only what would change
    the rendering, so the brief stays readable as plain text in an email (format.md_escape is stricter)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def to_markdown(brief: Brief) -> str:
    nums, notes = numbered_notes(brief)
    out = [f"# {email_md_escape(brief.title)}", "",
           f"_Generated {_generated(brief)} from the {APP_NAME} (data vintage {email_md_escape(brief.data_vintage)})._", ""]
    for c in brief.context:
        out += [email_md_escape(c), ""]
    out += [email_md_escape(vintages_line(brief)), ""]
    k = 0
    for key, pts in brief.by_topic():
        out += [f"## {TOPICS[key]}", ""]
        for p in pts:
            out.append(f"- {email_md_escape(p.sentence)} [{nums[brief.points.index(p)]}]")
            k += 1
        out.append("")
    out += ["## Sources and notes", ""]
    out += [f"{i}. {email_md_escape(n)}" for i, n in enumerate(notes, 1)]
    out += ["", email_md_escape(METHOD_NOTE), ""]
    return "\n".join(out)


# -- CSV ---------------------------------------------------------------------------------------------

CSV_COLUMNS = ["point", "topic", "place", "figure", "indicator_id", "value", "value_text", "moe", "moe_text",
               "comparison", "comparison_value", "comparison_text", "flags", "source", "vintage", "sentence"]


def _num(x) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    return f"{float(x):.10g}"


def _cell(s: str) -> str:
    """Text that a spreadsheet could read as a formula gets a leading apostrophe."""
    s = str(s)
    return "'" + s if s[:1] in ("=", "+", "@", "\t", "\r") or (s[:1] == "-" and not _is_number(s)) else s


def _is_number(s: str) -> bool:
    try:
        float(s.replace(",", "").replace("$", "").replace("%", ""))
        return True
    except ValueError:
        return False


def to_csv(brief: Brief) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for k, p, f in brief.figures():
        moe_text = fmt_moe(f.indicator_id, f.moe) if f.indicator_id in INDICATORS and f.moe is not None else ""
        w.writerow([k, TOPICS[p.topic], _cell(f.place), _cell(f.label), f.indicator_id, _num(f.value), f.value_text,
                    _num(f.moe), moe_text, _cell(f.comparison_label or ""), _num(f.comparison_value),
                    f.comparison_text, _cell(" | ".join(p.flags)), _cell(p.source), _cell(p.vintage),
                    _cell(p.sentence)])
    return buf.getvalue()


# -- Word -----------------------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _footnotes_xml(notes: list[str]) -> bytes:
    """word/footnotes.xml: the two separators Word expects (ids -1 and 0), then one footnote per note."""
    sep = ('<w:footnote w:type="{t}" w:id="{i}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
           'w:lineRule="auto"/></w:pPr><w:r><w:{t}/></w:r></w:p></w:footnote>')
    body = [sep.format(t="separator", i=-1), sep.format(t="continuationSeparator", i=0)]
    for i, text in enumerate(notes, 1):
        body.append(
            f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {_xml_escape(text)}</w:t></w:r></w:p>'
            f'</w:footnote>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{_W_NS}" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            + "".join(body) + "</w:footnotes>").encode("utf-8")


def _add_footnote_ref(paragraph, note_id: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "FootnoteReference")
    va = OxmlElement("w:vertAlign")
    va.set(qn("w:val"), "superscript")
    rpr.append(style)
    rpr.append(va)
    r.append(rpr)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    r.append(ref)
    paragraph._p.append(r)


def _settings_footnote_pr(doc) -> None:
    """Declare the separator footnotes in settings.xml, as Word itself does (before w:compat, by the schema)."""
    from docx.oxml import parse_xml

    settings = doc.settings.element
    if settings.find(f"{{{_W_NS}}}footnotePr") is not None:
        return
    pr = parse_xml(f'<w:footnotePr xmlns:w="{_W_NS}"><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>')
    after = ("endnotePr", "compat", "docVars", "rsids")
    anchor = next((settings.find(f"{{{_W_NS}}}{t}") for t in after if settings.find(f"{{{_W_NS}}}{t}") is not None),
                  None)
    if anchor is not None:
        anchor.addprevious(pr)
    else:
        settings.append(pr)


def _footnote_styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    names = {s.name for s in doc.styles}
    if "Footnote Text" not in names:
        st = doc.styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = doc.styles["Normal"]
        st.font.size = Pt(9)
        st.paragraph_format.space_after = Pt(0)
    if "Footnote Reference" not in names:
        st = doc.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        st.font.superscript = True


def to_docx(brief: Brief) -> bytes:
    import datetime as dt

    from docx import Document
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.shared import Pt, RGBColor

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    _footnote_styles(doc)

    doc.add_heading(brief.title, level=0)
    meta = doc.add_paragraph()
    run = meta.add_run(f"Generated {_generated(brief)} from the {APP_NAME} (data vintage {brief.data_vintage}).")
    run.italic = True
    run.font.color.rgb = RGBColor(0x4A, 0x4A, 0x4A)
    for c in brief.context:
        doc.add_paragraph(c)
    vp = doc.add_paragraph()
    vp.add_run(vintages_line(brief)).font.size = Pt(9.5)

    notes: list[str] = []
    for key, pts in brief.by_topic():
        doc.add_heading(TOPICS[key], level=1)
        for p in pts:
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(p.sentence)
            notes.append(note_text(p))
            _add_footnote_ref(para, len(notes))

    doc.add_heading("About these figures", level=1)
    doc.add_paragraph(METHOD_NOTE)
    doc.add_paragraph(f"Opportunity figures use the {brief.index_label}. The full sources:")
    for sid, vintage in brief.sources():
        s = SOURCES[sid]
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(f"{s.publisher}. ").bold = True
        para.add_run(f"{s.dataset} ({vintage}).{' ' + s.url if s.url else ''}")

    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, _footnotes_xml(notes), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    _settings_footnote_pr(doc)

    cp = doc.core_properties
    cp.title = brief.title
    cp.subject = "Talking points"
    cp.author = APP_NAME
    cp.last_modified_by = APP_NAME
    cp.comments = f"Data vintage {brief.data_vintage}"
    stamp = dt.datetime(brief.generated.year, brief.generated.month, brief.generated.day)
    cp.created = stamp
    cp.modified = stamp
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- the chart -------------------------------------------------------------------------------------------

def chart_spec(brief: Brief, width: int = 520) -> dict:
    """The one chart of the PDF: residents by opportunity level (Vega-Lite, data inline)."""
    import altair as alt

    from .levels import LEVEL_COLORS, LEVELS

    d = brief.chart.dropna(subset=["share"])
    order = {lv: i for i, lv in enumerate(LEVELS)}
    d = d.assign(order=d["level"].map(order))
    places = list(dict.fromkeys(d["place"]))
    c = alt.Chart(d).mark_bar().encode(
        y=alt.Y("place:N", title=None, sort=places, axis=alt.Axis(labelLimit=180)),
        x=alt.X("share:Q", title="Share of residents", axis=alt.Axis(format="%", tickCount=5), stack="normalize"),
        color=alt.Color("level:N", title=None, sort=list(LEVELS),
                        scale=alt.Scale(domain=list(LEVELS), range=[LEVEL_COLORS[lv] for lv in LEVELS]),
                        legend=alt.Legend(orient="top", direction="horizontal", symbolType="square")),
        order=alt.Order("order:Q"),
    ).properties(width=width, height=alt.Step(20 if len(places) <= 4 else 15),
                 title=alt.TitleParams(_wrap(brief.chart_title, 95), anchor="start", fontSize=13,
                                       subtitle=f"{brief.index_name_full}: residents by the opportunity level "
                                                f"of their census tract (levels are statewide fifths of tracts)",
                                       subtitleFontSize=10, subtitleColor="#444444"))
    c = c.configure_axis(labelFontSize=10, titleFontSize=10).configure_legend(labelFontSize=10) \
        .configure_view(stroke=None)
    return c.to_dict()


def _wrap(text: str, width: int) -> list[str] | str:
    if len(text) <= width:
        return text
    words, lines, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return lines


def chart_png(brief: Brief, scale: float = 2.0) -> bytes:
    """The chart as PNG, rendered offline by vl-convert (no browser, no network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart_spec(brief), scale=scale)


# -- PDF --------------------------------------------------------------------------------------------------

_PDF_CHARS = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "≥": ">=", "≤": "<=",
              "⚠": "(!)", "\u00a0": " ", "−": "-"}


def pdf_text(s: str) -> str:
    """Text for the PDF's built-in Helvetica (Latin-1): typographic quotes and dashes to plain ones."""
    s = "".join(_PDF_CHARS.get(ch, ch) for ch in str(s))
    return s.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class PdfStep:
    font: float  # body size, points
    chart_mm: float  # chart height, mm
    notes_font: float


# Layouts: first every point at 10, 9.5 or 9 points; then, at 9 and then 8.5 points, the second-rank
# points left out one at a time from the end; last, at 8.5 points, lead points are cut from the end too
# (``_trim_one``). The type never goes below 8.5 points.
PDF_STEPS = (
    PdfStep(10.0, 50, 7.0),
    PdfStep(9.5, 46, 6.8),
    PdfStep(9.0, 42, 6.5),
    PdfStep(8.5, 38, 6.3),
)


def _wrap_lines(pdf, text: str, width: float) -> list[str]:
    """Greedy word wrap by the current font's metrics (fpdf2's multi_cell is far slower, and the fitting
    loop lays a page out several times)."""
    space = pdf.get_string_width(" ")
    lines, cur, cur_w = [], [], 0.0
    for word in text.split():
        ww = pdf.get_string_width(word)
        while ww > width:  # a word longer than the line (a long link): cut it
            k = max(1, int(len(word) * width / ww) - 1)
            if cur:
                lines.append(" ".join(cur))
                cur, cur_w = [], 0.0
            lines.append(word[:k])
            word = word[k:]
            ww = pdf.get_string_width(word)
        if cur and cur_w + space + ww > width:
            lines.append(" ".join(cur))
            cur, cur_w = [word], ww
        else:
            cur_w = ww if not cur else cur_w + space + ww
            cur.append(word)
    if cur:
        lines.append(" ".join(cur))
    return lines or [""]


def _para(pdf, width: float, line_h: float, text: str, x: float | None = None) -> None:
    """A left-aligned paragraph, one cell per wrapped line; leaves the cursor at the left margin below it."""
    for line in _wrap_lines(pdf, text, width):
        pdf.set_x(pdf.l_margin if x is None else x)
        pdf.cell(width, line_h, line, new_x="LMARGIN", new_y="NEXT")


def _pdf_sources(points: list[TalkingPoint]) -> tuple[list[str], list[str], list[str]]:
    """(marker per point such as '[1, 3]', the distinct sources numbered in order of use, the distinct caveats)."""
    sources: list[str] = []
    marks, caveats = [], []
    for p in points:
        ks = []
        for src in p.sources or (p.source,):
            if src not in sources:
                sources.append(src)
            ks.append(sources.index(src) + 1)
        marks.append("[" + ", ".join(str(k) for k in sorted(set(ks))) + "]")
        for f in p.flags:
            if f not in caveats:
                caveats.append(f)
    return marks, sources, caveats


def _render_pdf(brief: Brief, points: list[TalkingPoint], step: PdfStep, png: bytes | None, dropped: int,
                draw_chart: bool = True):
    """One layout. draw_chart=False reserves the chart's space without embedding it (for fitting trials,
    where decoding the PNG again would cost more than the layout)."""
    import datetime as dt

    from fpdf import FPDF

    pdf = FPDF(format="letter", unit="mm")
    pdf.set_margins(14, 12, 14)
    pdf.set_auto_page_break(True, margin=11)
    pdf.set_title(pdf_text(brief.title))
    pdf.set_author(APP_NAME)
    pdf.set_creation_date(dt.datetime(brief.generated.year, brief.generated.month, brief.generated.day,
                                      tzinfo=dt.timezone.utc))
    pdf.add_page()
    w = pdf.epw
    pdf.set_font("Helvetica", "B", 16)
    _para(pdf, w, 7, pdf_text(brief.title))
    pdf.set_font("Helvetica", "", 8)
    pdf.set_text_color(70, 70, 70)
    sub = f"{APP_NAME} - generated {_generated(brief)} - data vintage {brief.data_vintage}"
    _para(pdf, w, 3.8, pdf_text(sub))
    for c in brief.context[:1] if brief.subject.kind == "set" else brief.context:
        _para(pdf, w, 3.8, pdf_text(c))
    pdf.set_text_color(0, 0, 0)
    if png is not None:
        pdf.ln(1.5)
        pw, ph = _png_size(png)
        iw = min(w, step.chart_mm * pw / ph)
        ih = iw * ph / pw
        if draw_chart:
            pdf.image(io.BytesIO(png), x=pdf.l_margin, w=iw, h=ih)
        else:
            pdf.set_y(pdf.get_y() + ih)
        pdf.ln(0.5)
    marks, sources, caveats = _pdf_sources(points)
    lh = step.font * 0.42
    k = 0
    for key in TOPICS:
        pts = [p for p in points if p.topic == key]
        if not pts:
            continue
        pdf.ln(0.8)
        pdf.set_font("Helvetica", "B", step.font + 1)
        pdf.set_text_color(27, 94, 145)
        _para(pdf, w, lh + 0.6, pdf_text(TOPICS[key]))
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Helvetica", "", step.font)
        for p in pts:
            y = pdf.get_y()
            pdf.set_fill_color(60, 60, 60)
            pdf.circle(pdf.l_margin + 1.6, y + lh / 2, 0.55, style="F")  # fpdf2 >= 2.8.1: centre, radius
            _para(pdf, w - 4, lh, pdf_text(f"{p.sentence} {marks[k]}"), x=pdf.l_margin + 4)
            pdf.ln(0.5)
            k += 1
    pdf.ln(1)
    pdf.set_draw_color(160, 160, 160)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + w, pdf.get_y())
    pdf.ln(1)
    pdf.set_text_color(60, 60, 60)
    nl = step.notes_font * 0.42
    pdf.set_font("Helvetica", "B", step.notes_font)
    _para(pdf, w, nl, "Sources")
    pdf.set_font("Helvetica", "", step.notes_font)
    for i, n in enumerate(sources, 1):
        _para(pdf, w, nl, pdf_text(f"[{i}] {n}"))
    notes = METHOD_NOTE
    if caveats:
        notes += " " + " ".join(c[0].upper() + c[1:] + "." for c in caveats)
    if dropped:
        notes += (f" To fit one page, {dropped} of the {len(brief.points)} talking points are left out here; the "
                  "Word, Markdown and CSV downloads have them all.")
    pdf.ln(0.6)
    pdf.set_font("Helvetica", "B", step.notes_font)
    _para(pdf, w, nl, "Notes")
    pdf.set_font("Helvetica", "", step.notes_font)
    _para(pdf, w, nl, pdf_text(notes))
    return pdf


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _drop_candidates(pts: list[TalkingPoint], priority: int) -> list[int]:
    """Indexes of the points of a priority, last first."""
    return [i for i in range(len(pts) - 1, -1, -1) if pts[i].priority == priority]


LAST_STEP: dict = {}  # the layout the last to_pdf call used: step, points kept (for tests and the benchmark)


def to_pdf(brief: Brief, png: bytes | None = None) -> bytes:
    """One US Letter page. Tries each layout of ``PDF_STEPS`` with every point, then with the second-rank
    points left out one at a time from the end; after that, cuts lead points too. Deterministic: the same
    brief always gives the same page. ``png``: a pre-rendered chart (chart_png) to reuse."""
    if png is None and not brief.chart.empty:
        png = chart_png(brief)
    ordered = [p for key in TOPICS for p in brief.points if p.topic == key]

    def fits(pts, step) -> bool:
        return _render_pdf(brief, pts, step, png, len(brief.points) - len(pts), draw_chart=False).page_no() == 1

    def done(pts, step, chart=png) -> bytes:
        LAST_STEP.update(step=step, kept=len(pts))
        return bytes(_render_pdf(brief, pts, step, chart, len(brief.points) - len(pts)).output())

    for step in PDF_STEPS[:-1]:  # every point, shrinking the type down to 9 points
        if fits(ordered, step):
            return done(ordered, step)
    for step in PDF_STEPS[-2:]:  # then, at 9 and 8.5 points, fewer second-rank points, last first
        pts = list(ordered)
        while _drop_candidates(pts, 2):
            del pts[_drop_candidates(pts, 2)[0]]
            if fits(pts, step):
                return done(pts, step)
    step = PDF_STEPS[-1]
    while len(pts) > 1:  # last, lead points too
        pts = _trim_one(pts)
        if fits(pts, step):
            return done(pts, step)
    return done(pts, step, None)


def _trim_one(pts: list[TalkingPoint]) -> list[TalkingPoint]:
    """Drop one point: the last point of the topic with the most points (the later topic on a tie),
    so every topic keeps its lead point as long as possible."""
    counts = {k: sum(1 for p in pts if p.topic == k) for k in TOPICS}
    key = max(reversed(list(TOPICS)), key=lambda k: counts[k])
    idx = max(i for i, p in enumerate(pts) if p.topic == key)
    return pts[:idx] + pts[idx + 1:]


# -- one call ------------------------------------------------------------------------------------------------

def export(brief: Brief, fmt: str) -> tuple[bytes, str, str]:
    """(file bytes, MIME type, safe file name) for fmt in FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == "docx":
        data = to_docx(brief)
    elif fmt == "pdf":
        data = to_pdf(brief)
    elif fmt == "md":
        data = to_markdown(brief).encode("utf-8")
    else:
        data = to_csv(brief).encode("utf-8")
    return data, FORMATS[fmt], filename(brief, fmt)
