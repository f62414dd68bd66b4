"""The Brief page's logic: what a link asks a brief to be about, the brief built for it, its file
names, and the preview's pieces. Pure functions over the talking-point engine and its exports (no
Streamlit); the pages cache and draw them.

A *spec* is the brief's subject as the URL and the widgets hold it:

    /brief?town=West Hartford            one town            Spec("town", ("West Hartford",))
    /brief?towns=Hartford,Avon,Darien    2 to 6 towns        Spec("towns", (...))
    /brief?district=S05                  a district          Spec("district", district="S05")
    /brief?set=A,B,C&desc=<filter>       a Find-page result  Spec("set", (...), desc="<filter>")

plus ``topics=race,health`` (default: every topic) and ``idx=`` (the opportunity index). Nothing in
a link is trusted: town names are matched against the 169 towns, districts against the 187 of the
2021 plan, topics and indices against fixed lists, and the free text of ``desc`` is stripped of
control characters and shortened (the page escapes it before showing it).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from . import brief_export as BE
from . import district_view as D
from . import links
from . import talking_points as TP
from .format import fmt_moe
from .indicators import INDICATORS, SOURCES
from .levels import DEFAULT_INDEX, INDEX_NAMES, LEVELS

KINDS = {
    "town": "One town",
    "towns": "2 to 6 towns",
    "district": "A legislative district",
    "set": "Towns from Find",
}
DEFAULT_TOWN = "Hartford"
DEFAULT_PAIR = ("Hartford", "West Hartford")
MAX_TOWNS = 6
MAX_SET_CHARS = 6000  # all 169 names joined take about 1,600 characters
MAX_DESC = 300
FORMAT_LABELS = {  # format -> (button label, what it is)
    "docx": ("Word (.docx)", "an editable Word file; each point's source is a footnote"),
    "pdf": ("PDF (one page)", "one printable page with the chart"),
    "md": ("Markdown (.md)", "plain text for an email or a web page"),
    "csv": ("CSV (the figures)", "every figure the points use, for a spreadsheet"),
}
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Spec:
    """What a brief is about (hashable: a cache key)."""
    kind: str  # a key of KINDS
    towns: tuple[str, ...] = ()  # canonical town names: 1 for 'town', 2-6 (or fewer while choosing) for 'towns'
    district: str = ""  # 'S05', 'H007'
    desc: str = ""  # a set's filter in words

    def params(self) -> dict[str, str]:
        """The query parameters that name this subject."""
        if self.kind == "town":
            return {"town": self.towns[0] if self.towns else ""}
        if self.kind == "towns":
            return {"towns": ",".join(self.towns)}
        if self.kind == "district":
            return {"district": self.district}
        return {"set": ",".join(self.towns), "desc": self.desc}

    @property
    def ready(self) -> bool:
        """Enough has been chosen to build a brief."""
        if self.kind == "towns":
            return 2 <= len(self.towns) <= MAX_TOWNS
        if self.kind == "district":
            return bool(self.district)
        return len(self.towns) >= 1


@dataclass
class Parsed:
    spec: Spec
    topics: list[str]  # topic keys, TOPICS order; every topic when the link names none
    idx: str
    notices: list[str] = field(default_factory=list)  # plain text; the page escapes it


# -- reading a link ----------------------------------------------------------------------------------

def clean_desc(raw) -> str:
    """A filter description from a link: no control or format characters, one line, at most MAX_DESC."""
    s = "" if raw is None else str(raw)[: MAX_DESC * 4]
    s = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in s)
    s = " ".join(s.split())
    return s if len(s) <= MAX_DESC else s[: MAX_DESC - 1].rstrip() + "…"


def parse_topics(raw_values) -> tuple[list[str], list[str]]:
    """'race,health' or repeated keys -> topic keys in TOPICS order (all when none given), and notices for
    names that are not topics."""
    keys, bad = [], []
    for item in links.split_list(raw_values):
        try:
            got = TP.parse_topics(item) or []
        except TP.UnknownPlace:
            bad.append(links._show(item, 30))
            continue
        keys += [k for k in got if k not in keys]
    notices = []
    if bad:
        notices.append("Not topics of a brief, so left out: " + ", ".join(f"“{b}”" for b in bad[:5])
                       + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
                       + ". The topics are: " + "; ".join(TP.TOPICS.values()) + ".")
    return [k for k in TP.TOPICS if k in keys] or list(TP.TOPICS), notices


def _match_set(raw_values, towns: list[str]) -> tuple[list[str], list[str]]:
    """A Find result's town names (any number, no duplicates, sorted), with a notice for unknown names."""
    raw = ",".join(str(v) for v in (raw_values if isinstance(raw_values, list) else [raw_values]))
    too_long = len(raw) > MAX_SET_CHARS
    lookup = {t.lower(): t for t in towns}
    out, bad = set(), []
    for item in raw[:MAX_SET_CHARS].split(","):
        s = " ".join(item.split())
        if not s:
            continue
        hit = lookup.get(s.lower())
        if hit is None:
            bad.append(links._show(s))
        else:
            out.add(hit)
    notices = []
    if bad:
        notices.append("Not Connecticut towns, so left out of the set: " + ", ".join(f"“{b}”" for b in bad[:5])
                       + (f" and {len(bad) - 5} more" if len(bad) > 5 else "") + ".")
    if too_long:
        notices.append("The set of towns in the link was too long; only its beginning was read.")
    return sorted(out), notices


def parse(params: dict, towns: list[str], district_ids) -> Parsed:
    """Query parameters ({name: [values]}) -> the brief's subject, topics and index, with notices.

    One subject per link: the first of town, towns, district, set that the link gives is used, and the
    others are named in a notice. Anything unknown falls back to a default with a notice: a town to
    Hartford, a comparison to Hartford and West Hartford, a district to Senate District 1."""
    def first(k):
        v = params.get(k)
        if isinstance(v, str):
            return v
        return v[0] if v else None

    def given(k):
        v = params.get(k)
        vals = [v] if isinstance(v, str) else list(v or [])
        return any(str(x).strip() for x in vals)

    notices: list[str] = []
    topics, tn = parse_topics(params.get("topics"))
    notices += tn
    idx, note = links.parse_choice(first("idx"), INDEX_NAMES, DEFAULT_INDEX, "opportunity index")
    notices.append(note)

    asked = [k for k in ("town", "towns", "district", "set") if given(k)]
    if len(asked) > 1:
        notices.append(f"A brief covers one subject; the link gave {len(asked)} ({', '.join(asked)}), so this "
                       f"is the brief for its “{asked[0]}”.")
    kind = asked[0] if asked else "town"

    if kind == "town":
        t, note = links.parse_town(first("town"), towns, default=DEFAULT_TOWN)
        spec = Spec("town", (t,))
        notices.append(note)
    elif kind == "towns":
        got, tn = links.parse_towns(params.get("towns"), towns, max_n=MAX_TOWNS)
        notices += tn
        if not got:
            notices.append(f"No town in the link could be used; showing {' and '.join(DEFAULT_PAIR)}.")
            got = list(DEFAULT_PAIR)
        spec = Spec("towns", tuple(got))
    elif kind == "district":
        did, note = D.parse_district(first("district"), list(district_ids))
        notices.append(note)
        spec = Spec("district", district=did)
    else:
        got, tn = _match_set(params.get("set"), towns)
        notices += tn
        desc = clean_desc(first("desc"))
        if not got:
            notices.append(f"No town in the set could be used; showing {DEFAULT_TOWN}.")
            spec = Spec("town", (DEFAULT_TOWN,))
        elif len(got) == 1:
            spec = Spec("town", (got[0],))  # a one-town result gets the one-town brief
        else:
            spec = Spec("set", tuple(got), desc=desc)
    return Parsed(spec, topics, idx, [n for n in notices if n])


def to_params(spec: Spec, topics, idx: str) -> dict[str, str]:
    """The URL for a view: the subject, the topics when not all of them, the index."""
    out = dict(spec.params())
    keys = [k for k in TP.TOPICS if k in set(topics or [])]
    if keys and keys != list(TP.TOPICS):
        out["topics"] = ",".join(keys)
    out["idx"] = idx
    return {k: v for k, v in out.items() if v}


# -- building -----------------------------------------------------------------------------------------

def subject(db, spec: Spec) -> TP.Subject:
    if spec.kind == "town":
        return TP.resolve(db, town=spec.towns[0])
    if spec.kind == "towns":
        return TP.resolve(db, towns=list(spec.towns))
    if spec.kind == "district":
        return TP.resolve(db, district=spec.district)
    return TP.resolve(db, set_towns=list(spec.towns), set_description=spec.desc)


def build(db, spec: Spec, topics=None, idx: str = DEFAULT_INDEX, day: _dt.date | None = None) -> TP.Brief:
    """The brief for a spec (topics: keys; None or every key -> all)."""
    keys = list(topics) if topics else None
    return TP.talking_points(db, subject(db, spec), topics=keys, idx=idx, generated=day)


def export(db, spec: Spec, fmt: str, topics=None, idx: str = DEFAULT_INDEX, day: _dt.date | None = None) -> bytes:
    """The file's bytes (fmt: docx, pdf, md, csv)."""
    return BE.export(build(db, spec, topics, idx, day), fmt)[0]


def district_name(district: str) -> str:
    """'S05' -> 'State Senate District 5' (as the engine names it)."""
    return f"State {'Senate' if district.startswith('S') else 'House'} District {int(district[1:])}"


def file_stem(spec: Spec) -> str:
    """The download's name before it is made safe, the same as the built brief's ``file_stem``
    (known without building the brief, so a page can name a file it builds only on click)."""
    if spec.kind == "town":
        return spec.towns[0]
    if spec.kind == "towns":
        return "_".join(spec.towns)
    if spec.kind == "district":
        return district_name(spec.district)
    return f"{len(spec.towns)}_towns"


def file_name(spec: Spec, vintage: str, fmt: str) -> str:
    return BE.safe_filename(file_stem(spec), vintage, fmt)


def subject_label(spec: Spec) -> str:
    """A short name for links and buttons: 'West Hartford', 'Hartford, Avon and Darien', '12 towns'."""
    if spec.kind == "town":
        return spec.towns[0]
    if spec.kind == "towns":
        from .words import join_words
        return join_words(list(spec.towns))
    if spec.kind == "district":
        return district_name(spec.district)
    return f"these {len(spec.towns)} towns"


# -- the preview ------------------------------------------------------------------------------------------

def superscript(n: int) -> str:
    return str(n).translate(_SUP)


def figures_table(brief: TP.Brief, topic: str) -> pd.DataFrame:
    """The figures behind one topic's points: the point's note-style number, place, figure, value with its
    margin of error, and what it was compared with. Missing values show as '—'."""
    rows = []
    for k, p, f in brief.figures():
        if p.topic != topic:
            continue
        moe = (fmt_moe(f.indicator_id, f.moe) if f.indicator_id in INDICATORS and f.moe is not None else "")
        rows.append({
            "Point": k,
            "Place": f.place or "—",
            "Figure": f.label,
            "Value": f.value_text if f.value is not None else "—",
            "Margin of error (90%)": moe or "—",
            "Compared with": f.comparison_label or "—",
            "Its value": (f.comparison_text or "—") if f.comparison_label else "—",
        })
    return pd.DataFrame(rows, columns=["Point", "Place", "Figure", "Value", "Margin of error (90%)",
                                       "Compared with", "Its value"])


@dataclass
class Preview:
    """The brief as the page shows it: plain text (the page escapes it)."""
    # (topic title, [(point number, sentence, note number)], the figures behind the points)
    sections: list[tuple[str, list[tuple[int, str, int]], pd.DataFrame]]
    notes: list[str]  # numbered from 1; a point's note: its sources and caveats
    sources: list[tuple[str, str, str, str]]  # (publisher, dataset, vintage, url or '')
    vintages: str  # 'Data: U.S. Census Bureau ACS (2019-2023); ...'
    generated: str  # '29 November 2026'
    chart: pd.DataFrame  # place, level, share
    chart_title: str
    chart_table: pd.DataFrame  # place x level, percents as text


_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$")


def first_url(url: str) -> str:
    """The first web address of a registry source's url field ('' if none is safe to link)."""
    u = (url or "").split(" ")[0].rstrip(";,)")
    return u if _URL.match(u) else ""


def preview(brief: TP.Brief) -> Preview:
    nums, notes = BE.numbered_notes(brief, with_urls=False)
    number = {id(p): (k, nums[k - 1]) for k, p in enumerate(brief.points, 1)}
    sections = []
    for key, pts in brief.by_topic():
        lines = [(number[id(p)][0], p.sentence, number[id(p)][1]) for p in pts]
        sections.append((TP.TOPICS[key], lines, figures_table(brief, key)))
    sources = []
    for sid, vintage in brief.sources():
        s = SOURCES[sid]
        sources.append((s.publisher, s.dataset, vintage, first_url(s.url)))
    chart = brief.chart.dropna(subset=["share"]) if len(brief.chart) else brief.chart
    if len(chart):
        table = (chart.pivot(index="place", columns="level", values="share")
                 .reindex(index=list(dict.fromkeys(chart["place"])))
                 .reindex(columns=list(LEVELS))
                 .map(lambda x: "—" if pd.isna(x) else f"{x:.1%}"))
    else:
        table = pd.DataFrame()
    g = brief.generated
    return Preview(sections, notes, sources, BE.vintages_line(brief), f"{g.day} {g.strftime('%B %Y')}",
                   chart, brief.chart_title, table)


# -- the "Talking points" block on the Town, Compare and Find pages ------------------------------------

def set_spec(towns, desc: str = "") -> Spec:
    """A Find result as a spec (one town -> that town's brief)."""
    names = sorted(dict.fromkeys(str(t) for t in towns))
    if len(names) == 1:
        return Spec("town", (names[0],))
    return Spec("set", tuple(names), desc=clean_desc(desc))


def link_params(spec: Spec, idx: str | None = None) -> dict[str, str]:
    """Query parameters for st.page_link to the Brief page with this subject already chosen."""
    out = dict(spec.params())
    if idx:
        out["idx"] = idx
    return {k: v for k, v in out.items() if v}


def word_download(spec: Spec, vintage: str, data: bytes, label: str = "Word brief (.docx)") -> dict:
    """Keyword arguments for st.download_button: the Word brief, already built.

    The bytes are passed, not a callable: Streamlit keeps a file built on click referenced by no
    session, and with other sessions rerunning its cleanup deletes it before the browser fetches it
    (404s in the 20-session load test). A file passed as data belongs to the session until it reruns."""
    return {"label": label, "data": data, "file_name": file_name(spec, vintage, "docx"), "mime": BE.FORMATS["docx"],
            "on_click": "ignore", "icon": ":material/download:",
            "help": f"An editable Word file of talking points about {subject_label(spec)}, each point's source "
                    "in a footnote"}
