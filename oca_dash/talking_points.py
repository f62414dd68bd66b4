"""Talking points: short sentences a person can say aloud at a hearing, each true to the data
and to its uncertainty, each with its source and vintage (DESIGN.md section 4).

Input is a *subject*: one town, two to six towns, a set of towns (a Find-page result: names plus
the filter in words), or a State Senate / House district. Output is a ``Brief``: an ordered list
of ``TalkingPoint``s by topic, plus what the downloads need (context lines, the chart's data).

Rules kept here:
- every number comes from the database and is formatted by ``oca_dash.format``; nothing is
  typed into a template by hand;
- comparisons are said in words by ``oca_dash.words``; a gap inside the combined 90% margins of
  error is said "about the same as", never as a difference; an estimate whose coefficient of
  variation is above 30% is said with "about" and flagged; a top-coded value is "more than";
- every sentence carries its vintage ("in 2019-2023", "on the 2023 Affordable Housing Appeals
  List");
- deterministic: the same subject, topics and index give the same text.

No Streamlit. Reads through ``oca_dash.query.DB`` with parameterized SQL only.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import moe as M
from . import words as W
from .format import fmt_moe, fmt_number, fmt_value, is_top_coded
from .indicators import INDICATORS, SOURCES, sources_of
from .levels import DEFAULT_INDEX, INDEX_NAMES, LEVELS
from .views import level_of_score

STATE_ID = "09"
STATE = "Connecticut"
THRESHOLD = 0.10  # CGS 8-30g

TOPICS: dict[str, str] = {
    "race": "Segregation and race",
    "opportunity": "Opportunity",
    "affordable_housing": "Affordable housing (CGS 8-30g)",
    "income": "Income and poverty",
    "schools": "Schools",
    "housing_costs": "Housing costs",
    "health": "Health",
}
_TOPIC_ALIASES = {
    "segregation": "race", "race": "race", "segregation and race": "race",
    "opportunity": "opportunity",
    "affordable": "affordable_housing", "affordable housing": "affordable_housing", "8-30g": "affordable_housing",
    "830g": "affordable_housing", "ahal": "affordable_housing",
    "income": "income", "poverty": "income", "income and poverty": "income",
    "schools": "schools", "education": "schools",
    "housing": "housing_costs", "housing costs": "housing_costs", "housing_costs": "housing_costs",
    "health": "health",
}


class UnknownPlace(ValueError):
    """A town, district or topic the database does not know. The message is for people."""


# -- the data shapes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One number a sentence uses, with what it was compared against."""
    label: str
    value: float | None
    moe: float | None
    comparison_label: str | None
    comparison_value: float | None
    indicator_id: str
    place: str = ""
    comparison_moe: float | None = None
    fmt: str = ""  # registry format code, for figures derived from several indicators

    def _fmt(self, x) -> str:
        if self.indicator_id in INDICATORS:
            return fmt_value(self.indicator_id, x)
        return fmt_number(x, self.fmt or "dec1")

    @property
    def value_text(self) -> str:
        return self._fmt(self.value)

    @property
    def comparison_text(self) -> str:
        return "" if self.comparison_label is None else self._fmt(self.comparison_value)


@dataclass(frozen=True)
class TalkingPoint:
    topic: str  # a key of TOPICS
    sentence: str
    figures: tuple[Figure, ...]
    source: str  # 'publisher (vintage); ...' for a footnote
    vintage: str
    flags: tuple[str, ...] = ()  # caveats: 'margin of error large for ...', 'top-coded ...', 'model-based ...'
    source_ids: tuple[str, ...] = ()
    priority: int = 1  # 1: lead points; 2: dropped first when a page is short of room
    sources: tuple[str, ...] = ()  # the parts of ``source``, one per dataset: 'publisher, vintage'

    @property
    def topic_title(self) -> str:
        return TOPICS[self.topic]


@dataclass(frozen=True)
class Subject:
    kind: str  # 'town' | 'towns' | 'set' | 'district'
    name: str  # how the subject is named in a title: 'West Hartford', 'State Senate District 5'
    towns: tuple[str, ...]  # canonical town names (a district's towns, largest share first)
    town_ids: tuple[str, ...]
    description: str = ""  # a set's filter in words
    district_id: str = ""
    chamber: str = ""  # 'senate' | 'house'


@dataclass
class Brief:
    subject: Subject
    points: list[TalkingPoint]
    index_name: str
    index_label: str
    title: str
    context: list[str]  # lines under the title: a district's towns, a set's filter
    chart: pd.DataFrame  # place, level, share: residents by opportunity level
    chart_title: str
    data_vintage: str
    generated: _dt.date
    file_stem: str  # for the download's file name (made safe by brief_export)
    index_vintage: str = ""

    @property
    def index_name_full(self) -> str:
        """'Opportunity index, current data, inputs 2016-2025' (for parentheses and captions)."""
        lab, vin = self.index_label, self.index_vintage
        return f"{lab[:-1].replace(' (', ', ')}, {vin}" if lab.endswith(")") else f"{lab}, {vin}"

    def by_topic(self) -> list[tuple[str, list[TalkingPoint]]]:
        out = []
        for key in TOPICS:
            pts = [p for p in self.points if p.topic == key]
            if pts:
                out.append((key, pts))
        return out

    def figures(self) -> list[tuple[int, TalkingPoint, Figure]]:
        """(point number from 1, point, figure) for every figure used, in order."""
        return [(k, p, f) for k, p in enumerate(self.points, 1) for f in p.figures]

    def sources(self) -> list[tuple[str, str]]:
        """Distinct (source id, vintage) pairs in order of first use."""
        seen: dict[tuple[str, str], None] = {}
        for p in self.points:
            for f in p.figures:
                ind = INDICATORS.get(f.indicator_id)
                if ind is not None:
                    seen.setdefault((ind.source, ind.vintage), None)
            for s in p.source_ids:
                if s in SOURCES and not any(k[0] == s for k in seen):
                    seen.setdefault((s, SOURCES[s].vintage), None)
        return list(seen)


# -- resolving what the user asked for -----------------------------------------------------------

def parse_topics(raw) -> list[str] | None:
    """'race,8-30g' or ['race', 'health'] -> topic keys in TOPICS order; None/empty -> None (all).
    Unknown names raise UnknownPlace with the list of valid ones."""
    if raw is None:
        return None
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    keys, bad = [], []
    for it in items:
        s = " ".join(str(it).strip().lower().replace("_", " ").split())
        if not s:
            continue
        k = _TOPIC_ALIASES.get(s) or next((k for k, t in TOPICS.items() if t.lower() == s), None)
        if k is None:
            bad.append(str(it).strip())
        elif k not in keys:
            keys.append(k)
    if bad:
        raise UnknownPlace(f"Unknown topic {', '.join(repr(b[:40]) for b in bad)}. "
                           f"Topics: {', '.join(TOPICS)}.")
    return [k for k in TOPICS if k in keys] or None


def _suggest(name: str, choices: list[str]) -> str:
    hit = difflib.get_close_matches(name, choices, n=1, cutoff=0.75)
    return f" Did you mean {hit[0]}?" if hit else ""


def _match_towns(db, names) -> tuple[list[str], list[str]]:
    towns = db.towns()
    lookup = {t.lower(): (t, i) for t, i in zip(towns["town"], towns["town_id"])}
    out, bad = [], []
    for n in names:
        s = " ".join(str(n).split())
        hit = lookup.get(s.lower())
        if hit is None:
            bad.append(s)
        elif hit not in out:
            out.append(hit)
    if bad:
        b = bad[0][:60]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise UnknownPlace(f"“{b}”{more} is not one of Connecticut's 169 towns.{_suggest(b, list(towns['town']))}")
    return [t for t, _ in out], [i for _, i in out]


_DIST_CODE = re.compile(r"^\s*([SH])\s*0*(\d{1,3})\s*$", re.I)
_DIST_NAME = re.compile(r"^\s*(?:state\s+)?(senate|house|representative)(?:\s+district)?\s*(?:no\.?|#)?\s*0*(\d{1,3})\s*$",
                        re.I)


def parse_district(raw: str) -> str | None:
    """'S05', 's5', 'State Senate District 5', 'House District 7', 'house 7' -> 'S05' / 'H007'."""
    s = " ".join(str(raw or "").split())
    m = _DIST_CODE.match(s)
    if m:
        ch, n = m.group(1).upper(), int(m.group(2))
    else:
        m = _DIST_NAME.match(s)
        if not m:
            return None
        ch, n = ("S" if m.group(1).lower() == "senate" else "H"), int(m.group(2))
    return f"S{n:02d}" if ch == "S" else f"H{n:03d}"


def resolve(db, town: str | None = None, towns=None, district: str | None = None,
            set_towns=None, set_description: str = "", set_name: str = "") -> Subject:
    """Exactly one of town, towns (2-6 names or 'A,B,C'), district or set_towns. Raises UnknownPlace."""
    given = [x is not None and x != "" and x != [] for x in (town, towns, district, set_towns)]
    if sum(given) != 1:
        raise UnknownPlace("Give one of: a town, 2 to 6 towns, a district, or a set of towns.")
    if town:
        names, ids = _match_towns(db, [town])
        return Subject("town", names[0], tuple(names), tuple(ids))
    if towns:
        items = [t for t in (towns.split(",") if isinstance(towns, str) else towns) if str(t).strip()]
        names, ids = _match_towns(db, items)
        if len(names) == 1:
            return Subject("town", names[0], tuple(names), tuple(ids))
        if len(names) > 6:
            raise UnknownPlace(f"Compare at most 6 towns ({len(names)} given); for more, use a set of towns.")
        return Subject("towns", W.join_words(names), tuple(names), tuple(ids))
    if set_towns is not None and len(set_towns):
        names, ids = _match_towns(db, set_towns)
        if len(names) == 1:  # a one-town result gets the one-town brief
            return Subject("town", names[0], tuple(names), tuple(ids))
        order = sorted(range(len(names)), key=lambda k: names[k])
        names, ids = [names[k] for k in order], [ids[k] for k in order]
        label = set_name or (f"{len(names)} towns" if len(names) != 1 else "1 town")
        desc = set_description if isinstance(set_description, str) else "; ".join(map(str, set_description or []))
        return Subject("set", label, tuple(names), tuple(ids), description=desc)
    code = parse_district(district)
    d = db.districts()
    if code is None or code not in set(d["district_id"]):
        names = list(d["name"])
        raise UnknownPlace(f"“{str(district)[:60]}” is not a Connecticut State Senate (1-36) or House (1-151) "
                           f"district; write it like S05, H007 or “State Senate District 5”."
                           + _suggest(str(district), names))
    row = d.set_index("district_id").loc[code]
    dt = db.district_towns(code)
    return Subject("district", str(row["name"]), tuple(dt["town"]), tuple(dt["town_id"]), district_id=code,
                   chamber=str(row["chamber"]))


# -- loading -----------------------------------------------------------------------------------

def _ids(idx: str) -> list[str]:
    return ["population", "pop_black_nh", "pop_hispanic", "pop_white_nh", "share_black_nh", "share_hispanic",
            "share_white_nh", f"{idx}_share_low", f"{idx}_share_high", f"{idx}_index", "ahal_pct_affordable",
            "ahal_units_to_10pct", "ahal_total_assisted", "ahal_census_units", "median_hh_income", "poverty_rate",
            "school_accountability_index", "sbac_ela_met", "sbac_math_met", "renter_cost_burden",
            "median_home_value", "median_gross_rent", "homeownership_rate", "life_expectancy", "places_diabetes",
            "places_current_asthma"]


class _Data:
    """Every value the engine reads for a subject, loaded in a handful of queries."""

    def __init__(self, db, subj: Subject, idx: str):
        self.db, self.subj, self.idx = db, subj, idx
        ids = _ids(idx)
        tw = db.towns().set_index("town_id")
        self.town_name = tw["town"].to_dict()
        self.region_of = {t: tw.loc[t, "region_id"] for t in subj.town_ids}
        self.region_name = db.regions().set_index("region_id")["region"].to_dict()
        regions = sorted(set(self.region_of.values()))
        v = db.df(
            "SELECT geo_type, geo_id, indicator, estimate, moe FROM indicator_values "
            "WHERE list_contains(?, indicator) AND ((geo_type = 'town' AND list_contains(?, geo_id)) "
            "OR (geo_type = 'state' AND geo_id = ?) OR (geo_type = 'region' AND list_contains(?, geo_id)) "
            "OR (geo_type = ? AND geo_id = ?))",
            [ids, list(subj.town_ids), STATE_ID, regions, subj.chamber or "-", subj.district_id or "-"])
        self.v = {(g, gid, i): (None if pd.isna(e) else float(e), None if pd.isna(m) else float(m))
                  for g, gid, i, e, m in zip(v["geo_type"], v["geo_id"], v["indicator"], v["estimate"], v["moe"])}
        self.ranks = self._ranks("town", ids, list(subj.town_ids))
        if subj.kind == "district":
            self.ranks.update(self._ranks(subj.chamber, ids, [subj.district_id]))
        med = db.df("SELECT indicator, median(estimate) AS m, count(estimate) AS n FROM indicator_values "
                    "WHERE geo_type = 'town' AND list_contains(?, indicator) GROUP BY indicator", [ids])
        self.median = {i: (float(m), int(n)) for i, m, n in zip(med["indicator"], med["m"], med["n"]) if not pd.isna(m)}
        oi = db.opportunity_indices().set_index("index_name")
        self.index_label = str(oi.loc[idx, "label"])
        self.index_vintage = str(oi.loc[idx, "vintage"])
        self.index_source = str(oi.loc[idx, "source_id"])
        self.area = db.df("SELECT * FROM area_opportunity WHERE index_name = ? AND ((geo_type = 'town' AND "
                          "list_contains(?, geo_id)) OR geo_type = 'state' OR (geo_type = 'region' AND "
                          "list_contains(?, geo_id)))", [idx, list(subj.town_ids), regions])
        self.tract_opp = db.df("SELECT index_value, level FROM tract_opportunity WHERE index_name = ?", [idx])
        self.by_race = db.opportunity_by_race(idx)
        self.appeals_state = db.df("SELECT * FROM appeals_state WHERE year = (SELECT max(year) FROM appeals_state)")
        self.region_towns = {}
        if subj.kind in ("town",):
            rid = self.region_of[subj.town_ids[0]]
            rt = db.df("SELECT t.town_id, v.estimate, v.indicator FROM towns t JOIN indicator_values v "
                       "ON v.geo_id = t.town_id AND v.geo_type = 'town' WHERE t.region_id = ? AND "
                       "v.indicator IN ('ahal_pct_affordable', 'ahal_units_to_10pct')", [rid])
            self.region_towns = rt
        self.district_share = {}
        if subj.kind == "district":
            dt = db.district_towns(subj.district_id)
            self.district_share = dict(zip(dt["town_id"], zip(dt["pop_share_of_town"], dt["pop_share_of_district"])))

    def _ranks(self, geo_type: str, ids: list[str], geo_ids: list[str]) -> dict:
        r = self.db.df(
            "WITH v AS (SELECT v.indicator, v.geo_id, least(v.estimate, coalesce(i.top_coded, 'inf'::DOUBLE)) AS e "
            "  FROM indicator_values v JOIN indicators i ON i.id = v.indicator "
            "  WHERE v.geo_type = ? AND list_contains(?, v.indicator) AND v.estimate IS NOT NULL), "
            "r AS (SELECT indicator, geo_id, rank() OVER (PARTITION BY indicator ORDER BY e DESC) AS rh, "
            "  rank() OVER (PARTITION BY indicator ORDER BY e ASC) AS rl, count(*) OVER (PARTITION BY indicator) AS n, "
            "  count(*) OVER (PARTITION BY indicator, e) AS ties FROM v) "
            "SELECT * FROM r WHERE list_contains(?, geo_id)", [geo_type, ids, geo_ids])
        return {(geo_type, g, i): (rh, rl, n, t) for i, g, rh, rl, n, t in
                zip(r["indicator"], r["geo_id"], r["rh"], r["rl"], r["n"], r["ties"])}

    def get(self, geo_type: str, geo_id: str, ind: str) -> tuple[float | None, float | None]:
        return self.v.get((geo_type, geo_id, ind), (None, None))

    def town(self, tid: str, ind: str):
        return self.get("town", tid, ind)

    def state(self, ind: str):
        return self.get("state", STATE_ID, ind)

    def region(self, tid: str, ind: str):
        return self.get("region", self.region_of[tid], ind)

    def rank(self, geo_type: str, geo_id: str, ind: str, noun: str = "towns") -> str:
        r = self.ranks.get((geo_type, geo_id, ind))
        if r is None:
            return ""
        e, m = self.get(geo_type, geo_id, ind)
        i = INDICATORS[ind]
        return W.rank_words(*r[:3], ties=r[3], noun=noun, top_coded=is_top_coded(i, e),
                            approximate=m is not None and i.has_moe)

    def area_row(self, geo_type: str, geo_id: str) -> pd.Series | None:
        a = self.area[(self.area["geo_type"] == geo_type) & (self.area["geo_id"] == geo_id)]
        return a.iloc[0] if len(a) else None

    def town_level(self, tid: str) -> str | None:
        row = self.area_row("town", tid)
        return None if row is None else level_of_score(row["weighted_index"], self.tract_opp)


# -- small sentence helpers -------------------------------------------------------------------------

def _when(ind: str) -> str:
    i = INDICATORS[ind]
    if "8-30g" in i.tags:
        return f"on the {i.vintage} Affordable Housing Appeals List"
    return f"in {i.vintage}"


def _src(*ids: str, extra_sources: tuple[tuple[str, str], ...] = ()) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(source texts, source ids, vintage text) for the indicators a sentence uses; extra_sources are
    (source id, vintage) pairs for figures that are not registry indicators."""
    pairs = sources_of(ids)
    parts = [f"{s.publisher}, {v}" for s, v in pairs]
    sids = [s.id for s, _ in pairs]
    vint = list(dict.fromkeys(v for _, v in pairs))
    for s, v in extra_sources:
        if s not in sids and s in SOURCES:
            parts.append(f"{SOURCES[s].publisher}, {v}")
            sids.append(s)
            if v not in vint:
                vint.append(v)
    return tuple(parts), tuple(sids), "; ".join(vint)


def _point(topic: str, sentence: str, figures, ids, flags=(), priority: int = 1, extra_sources=(),
           vintage: str | None = None) -> TalkingPoint:
    parts, sids, vint = _src(*ids, extra_sources=tuple(extra_sources))
    fl = tuple(dict.fromkeys(f for f in flags if f))
    return TalkingPoint(topic, sentence, tuple(figures), "; ".join(parts), vintage or vint, fl, sids, priority,
                        parts)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _flag_cv(ind: str, place: str, v, m) -> str:
    if not W.unreliable(ind, v, m):
        return ""
    if float(v) == 0:
        return (f"{INDICATORS[ind].label}, {place}: estimated at 0 with a margin of error of "
                f"{fmt_moe(ind, m)}; the survey found none, which does not show there are none")
    return (f"{INDICATORS[ind].label}, {place}: the margin of error is large (coefficient of variation "
            f"{float(M.cv(v, m)):.0%}); said with “about”")


def _flag_top(ind: str, place: str, v) -> str:
    i = INDICATORS[ind]
    if is_top_coded(i, v):
        return (f"{i.label}, {place}: top-coded by the Census Bureau ({fmt_value(ind, v)}); the true value is "
                f"higher and is not ranked or compared as a number")
    return ""


def _flag_ns(ind: str, place: str, other: str, d: W.Difference) -> str:
    if d.kind == "not significant":
        return (f"{INDICATORS[ind].label}: {place} and {other} differ by less than their combined margins of error "
                f"(90%), so no difference is claimed")
    return ""


def _vs(ind: str, a, ma, b, mb, whose: str) -> tuple[str, W.Difference]:
    """'about half of the state’s 10.0%' for b against a; whose = 'the state’s', 'Hartford’s'."""
    d = W.difference(ind, a, ma, b, mb)
    return f"{W.said(ind, d, a, b)} {whose} {W.value_words(ind, a, ma)}", d


def _fig(ind: str, place: str, vm, cmp_label: str | None = None, cvm=(None, None), label: str | None = None):
    return Figure(label or INDICATORS[ind].label, vm[0], vm[1], cmp_label, cvm[0], ind, place, cvm[1])


def _combined(d: _Data, geo_type: str, geo_id: str, parts=("share_black_nh", "share_hispanic")):
    """Sum of shares with the Census Bureau's MOE of a sum; (None, None) if any part is missing."""
    vals = [d.get(geo_type, geo_id, p) for p in parts]
    if any(v[0] is None for v in vals):
        return None, None
    return sum(v[0] for v in vals), float(M.moe_sum(*[v[1] or 0.0 for v in vals]))


_BL = dataclasses.replace(INDICATORS["share_black_nh"], id="share_black_nh+share_hispanic",
                          label="Share of residents: Black (not Hispanic) or Hispanic/Latino",
                          short_label="% Black or Latino", group=None)


def _bl_diff(a, ma, b, mb) -> W.Difference:
    """words.difference for the combined Black + Latino share (a share, no top code)."""
    if a is None or b is None:
        return W.Difference("not comparable with", None, "missing")
    if not bool(M.significantly_different(a, ma, b, mb)):
        return W.Difference("not significantly different from", False, "not significant")
    if W.uses_points(_BL, a, b) or a <= 0:
        return W.Difference(W.points_words((b - a) * 100), True, "points")
    return W.Difference(W.ratio_words(b / a) or "different from", True, "ratio")


def _pct(x, fmt="pct1") -> str:
    return fmt_number(x, fmt)


def _index_phrase(d: _Data) -> str:
    """'the Opportunity index (current data, inputs 2016-2025)', 'the Child Opportunity Index 3.0 (2021)'."""
    lab, vin = d.index_label, d.index_vintage
    if lab.endswith(")"):
        return f"the {lab[:-1]}, {vin})"
    return f"the {lab} ({vin})"


def _index_paren(d: _Data) -> str:
    """The index named inside parentheses: 'Opportunity index, current data, inputs 2016-2025'."""
    lab, vin = d.index_label, d.index_vintage
    return f"{lab[:-1].replace(' (', ', ')}, {vin}" if lab.endswith(")") else f"{lab}, {vin}"


# -- one town ----------------------------------------------------------------------------------------

def _town_points(d: _Data, topics: list[str]) -> list[TalkingPoint]:
    tid = d.subj.town_ids[0]
    T = d.subj.towns[0]
    reg = d.region_name[d.region_of[tid]]
    out: list[TalkingPoint] = []

    if "race" in topics:
        out += _race_place(d, "town", tid, T, region=(tid, reg))

    if "opportunity" in topics:
        out += _opportunity_town(d, tid, T, reg)
        out += _opportunity_state(d)

    if "affordable_housing" in topics:
        out += _ahal_town(d, tid, T, reg)

    if "income" in topics:
        out += _simple_vs_state(d, "town", tid, T, "median_hh_income", "income",
                                "{Ts} median household income was {v} {when}, {vs}{rank}.")
        out += _simple_vs_state(d, "town", tid, T, "poverty_rate", "income",
                                "{v} of {Ts} residents lived below the federal poverty line {when}, {vs}{rank}.")

    if "schools" in topics:
        out += _schools_town(d, tid, T)

    if "housing_costs" in topics:
        out += _simple_vs_state(d, "town", tid, T, "renter_cost_burden", "housing_costs",
                                "{v} of {Ts} renter households paid 30% or more of their income for rent {when}, "
                                "{vs}{rank}.")
        out += _home_value_rent(d, tid, T)
        out += _simple_vs_state(d, "town", tid, T, "homeownership_rate", "housing_costs",
                                "{v} of {Ts} households owned their home {when}, {vs}{rank}.", priority=2)

    if "health" in topics:
        out += _life_expectancy(d, "town", tid, T)
        out += _places(d, "town", tid, T)
    return out


def _race_place(d: _Data, geo_type: str, gid: str, name: str, region=None, noun="population") -> list[TalkingPoint]:
    """Two points: the Black and Latino shares against the state (and region), and together."""
    Ns = W.possessive(name)
    b, l = d.get(geo_type, gid, "share_black_nh"), d.get(geo_type, gid, "share_hispanic")
    sb, sl = d.state("share_black_nh"), d.state("share_hispanic")
    if b[0] is None or l[0] is None:
        return []
    flags = [_flag_cv("share_black_nh", name, *b), _flag_cv("share_hispanic", name, *l)]
    figs = [_fig("share_black_nh", name, b, STATE, sb), _fig("share_hispanic", name, l, STATE, sl)]
    s1 = (f"In 2019-2023, {W.value_words('share_black_nh', *b)} of {Ns} residents were Black and "
          f"{W.value_words('share_hispanic', *l)} were Latino, against {fmt_value('share_black_nh', sb[0])} and "
          f"{fmt_value('share_hispanic', sl[0])} statewide")
    if region is not None:
        rtid, rname = region
        rb, rl = d.region(rtid, "share_black_nh"), d.region(rtid, "share_hispanic")
        if rb[0] is not None and rl[0] is not None:
            s1 += (f" and {fmt_value('share_black_nh', rb[0])} and {fmt_value('share_hispanic', rl[0])} in the "
                   f"{rname}")
            figs += [_fig("share_black_nh", name, b, rname, rb), _fig("share_hispanic", name, l, rname, rl)]
    pts = [_point("race", s1 + ".", figs, ["share_black_nh", "share_hispanic"], flags)]

    c, sc = _combined(d, geo_type, gid), _combined(d, "state", STATE_ID)
    if c[0] is not None and sc[0] is not None:
        dd = _bl_diff(sc[0], sc[1], c[0], c[1])
        parts = [f"{W.said('share_hispanic', dd, sc[0], c[0])} their share statewide ({_pct(sc[0])})"]
        figs2 = [Figure(_BL.label, c[0], c[1], STATE, sc[0], _BL.id, name, sc[1], "pct1")]
        fl = [_flag_ns("share_hispanic", name, STATE, dd).replace(INDICATORS["share_hispanic"].label, _BL.label)]
        if region is not None:
            rc = _combined(d, "region", d.region_of[region[0]])
            if rc[0] is not None:
                dr = _bl_diff(rc[0], rc[1], c[0], c[1])
                pr = W.said("share_hispanic", dr, rc[0], c[0])
                if pr == W.said("share_hispanic", dd, sc[0], c[0]):
                    parts = [f"{pr} their share statewide ({_pct(sc[0])}) and in the {region[1]} ({_pct(rc[0])})"]
                else:
                    parts.append(f"{pr} their share in the {region[1]} ({_pct(rc[0])})")
                figs2.append(Figure(_BL.label, c[0], c[1], region[1], rc[0], _BL.id, name, rc[1], "pct1"))
                fl.append(_flag_ns("share_hispanic", name, region[1], dr).replace(
                    INDICATORS["share_hispanic"].label, _BL.label))
        about = "about " if W.unreliable("share_hispanic", c[0], c[1]) else ""
        s2 = (f"Together, Black and Latino residents were {about}{_pct(c[0])} of {Ns} {noun} in 2019-2023, "
              f"{W.join_words(parts)}.")
        pts.append(_point("race", s2, figs2, ["share_black_nh", "share_hispanic"], fl))
    return pts


def _opportunity_town(d: _Data, tid: str, T: str, reg: str) -> list[TalkingPoint]:
    Ts = W.possessive(T)
    ind_low, ind_high = f"{d.idx}_share_low", f"{d.idx}_share_high"
    low, high = d.town(tid, ind_low), d.town(tid, ind_high)
    slow, rlow = d.state(ind_low), d.region(tid, ind_low)
    if low[0] is None:
        return []
    ip = _index_phrase(d)
    figs = [_fig(ind_low, T, low, STATE, slow), _fig(ind_low, T, low, reg, rlow)]
    if low[0] == 0:
        s = (f"On {ip}, none of {Ts} residents live in Low or Very Low opportunity census tracts, against "
             f"{fmt_value(ind_low, slow[0])} of all Connecticut residents")
    else:
        s = (f"On {ip}, {fmt_value(ind_low, low[0])} of {Ts} residents live in Low or Very Low opportunity census "
             f"tracts, against {fmt_value(ind_low, slow[0])} statewide and {fmt_value(ind_low, rlow[0])} in the {reg}")
    if high[0] is not None:
        s += ("; none live in High or Very High opportunity tracts" if high[0] == 0 else
              f"; {fmt_value(ind_high, high[0])} live in High or Very High opportunity tracts")
        figs.append(_fig(ind_high, T, high, STATE, d.state(ind_high)))
    pts = [_point("opportunity", s + ".", figs, [ind_low, ind_high])]

    ind_idx = f"{d.idx}_index"
    sc = d.town(tid, ind_idx)
    lv = d.town_level(tid)
    if sc[0] is not None and lv:
        rank = d.rank("town", tid, ind_idx)
        s2 = (f"As a whole, {T} falls in the {lv} opportunity range of {ip}, with a population-weighted score of "
              f"{fmt_value(ind_idx, sc[0])} (0 is the average Connecticut tract{'; ' + rank if rank else ''}).")
        pts.append(_point("opportunity", s2, [_fig(ind_idx, T, sc, STATE, d.state(ind_idx))], [ind_idx],
                          priority=2))
    return pts


def _opportunity_state(d: _Data) -> list[TalkingPoint]:
    """Statewide, 43% of Black residents and 41% of Latino residents live in Very Low opportunity tracts,
    against 8% of White residents (index named)."""
    r = d.by_race[d.by_race["level"] == "Very Low"].set_index("race")["share"]
    if not {"Black", "Latino", "White"} <= set(r.index):
        return []
    name = _index_paren(d)
    s = (f"Statewide, {_pct(r['Black'], 'pct0')} of Black residents and {_pct(r['Latino'], 'pct0')} of Latino "
         f"residents live in Very Low opportunity tracts, against {_pct(r['White'], 'pct0')} of White residents "
         f"({name}; tract populations 2019-2023).")
    figs = [Figure(f"Share of {g} residents living in Very Low opportunity tracts", float(r[g]), None,
                   None, None, f"opportunity_by_race:{d.idx}:{g}:Very Low", STATE, None, "pct0")
            for g in ("Black", "Latino", "White")]
    return [_point("opportunity", s, figs, ["share_black_nh"], extra_sources=((d.index_source, d.index_vintage),),
                   vintage=f"{d.index_vintage}; 2019-2023")]


def _ahal_town(d: _Data, tid: str, T: str, reg: str) -> list[TalkingPoint]:
    Ts = W.possessive(T)
    p, need = d.town(tid, "ahal_pct_affordable"), d.town(tid, "ahal_units_to_10pct")
    tot, units = d.town(tid, "ahal_total_assisted"), d.town(tid, "ahal_census_units")
    sp = d.state("ahal_pct_affordable")
    if p[0] is None:
        return []
    when = _when("ahal_pct_affordable")
    rank = d.rank("town", tid, "ahal_pct_affordable")
    figs = [_fig("ahal_pct_affordable", T, p, STATE, sp), _fig("ahal_total_assisted", T, tot),
            _fig("ahal_census_units", T, units)]
    ids = ["ahal_pct_affordable", "ahal_total_assisted", "ahal_census_units"]
    rank = rank.replace("highest of", "highest share of").replace("lowest of", "lowest share of")
    head = (f"{_cap(when)}, {fmt_value('ahal_pct_affordable', p[0])} of {Ts} homes "
            f"({fmt_value('ahal_total_assisted', tot[0])} of {fmt_value('ahal_census_units', units[0])}) counted as "
            f"affordable under CGS 8-30g{', ' + rank if rank else ''}, against "
            f"{fmt_value('ahal_pct_affordable', sp[0])} statewide")
    if p[0] < THRESHOLD and need[0]:
        s = (f"{head}: {T} would need {fmt_value('ahal_units_to_10pct', need[0])} more assisted homes to reach "
             f"the statute’s 10% threshold.")
        figs.append(_fig("ahal_units_to_10pct", T, need))
        ids.append("ahal_units_to_10pct")
    else:
        s = f"{head}: {T} is at or above the statute’s 10% threshold, so it is exempt from the 8-30g appeals procedure."
    pts = [_point("affordable_housing", s, figs, ids)]

    # the region and the state: how many towns are short, and by how much
    rt = d.region_towns
    if len(rt):
        pr = rt[rt["indicator"] == "ahal_pct_affordable"].set_index("town_id")["estimate"].dropna()
        nr = rt[rt["indicator"] == "ahal_units_to_10pct"].set_index("town_id")["estimate"]
        below = pr[pr < THRESHOLD]
        st = d.appeals_state.iloc[0] if len(d.appeals_state) else None
        s2 = (f"{_cap(when)}, {len(below)} of the {len(pr)} towns in the {reg} were below the 10% threshold; "
              f"together they would need {fmt_value('ahal_units_to_10pct', nr.reindex(below.index).sum())} more "
              f"assisted homes to reach it")
        figs2 = [Figure(f"Towns in the {reg} below 10% (8-30g)", float(len(below)), None, None, None,
                        "ahal_pct_affordable", reg, None, "int"),
                 Figure(f"Assisted homes the {reg}'s towns below 10% would need", float(nr.reindex(below.index).sum()),
                        None, None, None, "ahal_units_to_10pct", reg)]
        if st is not None:
            n_below = 169 - int(st["towns_at_or_above_10pct"])
            s2 += (f" (statewide, {n_below} of 169 towns, needing "
                   f"{fmt_value('ahal_units_to_10pct', st['units_to_10pct'])})")
            figs2 += [Figure("Towns below 10% statewide (8-30g)", float(n_below), None, None, None,
                             "ahal_pct_affordable", STATE, None, "int"),
                      Figure("Assisted homes the state's towns below 10% would need", float(st["units_to_10pct"]),
                             None, None, None, "ahal_units_to_10pct", STATE)]
        pts.append(_point("affordable_housing", s2 + ".", figs2, ["ahal_units_to_10pct"], priority=2))
    return pts


def _simple_vs_state(d: _Data, geo_type: str, gid: str, name: str, ind: str, topic: str, template: str,
                     priority: int = 1, noun: str = "towns") -> list[TalkingPoint]:
    """A figure against the state's, in words, with a rank when it is notable."""
    v, s = d.get(geo_type, gid, ind), d.state(ind)
    if v[0] is None:
        return []
    figs = [_fig(ind, name, v, STATE, s)]
    if s[0] is None:
        vs, dd = "", None
    else:
        vs, dd = _vs(ind, s[0], s[1], v[0], v[1], "the state’s")
    # an estimate with a large margin of error, or not measurably different from the state's, is not ranked
    rank = "" if W.unreliable(ind, *v) or (dd is not None and dd.kind == "not significant") \
        else d.rank(geo_type, gid, ind, noun=noun)
    flags = [_flag_cv(ind, name, *v), _flag_top(ind, name, v[0])]
    if dd is not None:
        flags.append(_flag_ns(ind, name, STATE, dd))
    text = template.format(Ts=W.possessive(name), T=name, v=W.value_words(ind, *v), when=_when(ind), vs=vs,
                           rank=(f", and {rank}" if vs else f", {rank}") if rank else "")
    return [_point(topic, _cap(text), figs, [ind], flags, priority=priority)]


def _schools_town(d: _Data, tid: str, T: str) -> list[TalkingPoint]:
    Ts = W.possessive(T)
    out = []
    ai = d.town(tid, "school_accountability_index")
    if ai[0] is not None:
        med, n = d.median["school_accountability_index"]
        rank = d.rank("town", tid, "school_accountability_index")
        s = (f"In 2024-25, {Ts} public schools scored {fmt_value('school_accountability_index', ai[0])} on the "
             f"state’s Next Generation Accountability index{', ' + rank if rank else ''}, against "
             f"{fmt_value('school_accountability_index', med)} for the median of {n} towns.")
        out.append(_point("schools", s, [Figure(INDICATORS["school_accountability_index"].label, ai[0], None,
                                                f"Median of {n} towns", med, "school_accountability_index", T)],
                          ["school_accountability_index"]))
    e, m = d.town(tid, "sbac_ela_met"), d.town(tid, "sbac_math_met")
    if e[0] is not None and m[0] is not None:
        me, ne = d.median["sbac_ela_met"]
        mm, nm = d.median["sbac_math_met"]
        s = (f"In 2024-25, {fmt_value('sbac_ela_met', e[0])} of students tested in {Ts} schools met the state "
             f"standard in English and {fmt_value('sbac_math_met', m[0])} in math (Smarter Balanced, grades 3-8), "
             f"against {fmt_value('sbac_ela_met', me)} and {fmt_value('sbac_math_met', mm)} in the median town.")
        out.append(_point("schools", s, [
            Figure(INDICATORS["sbac_ela_met"].label, e[0], None, f"Median of {ne} towns", me, "sbac_ela_met", T),
            Figure(INDICATORS["sbac_math_met"].label, m[0], None, f"Median of {nm} towns", mm, "sbac_math_met", T)],
            ["sbac_ela_met", "sbac_math_met"], priority=2))
    return out


def _home_value_rent(d: _Data, tid: str, T: str) -> list[TalkingPoint]:
    hv, rent = d.town(tid, "median_home_value"), d.town(tid, "median_gross_rent")
    shv, srent = d.state("median_home_value"), d.state("median_gross_rent")
    if hv[0] is None and rent[0] is None:
        return []
    parts, figs, flags, ids = [], [], [], []
    if hv[0] is not None:
        vs, dd = _vs("median_home_value", shv[0], shv[1], hv[0], hv[1], "the state’s")
        parts.append(f"the median home value in {T} was {W.value_words('median_home_value', *hv)}, {vs}")
        figs.append(_fig("median_home_value", T, hv, STATE, shv))
        flags += [_flag_cv("median_home_value", T, *hv), _flag_top("median_home_value", T, hv[0]),
                  _flag_ns("median_home_value", T, STATE, dd)]
        ids.append("median_home_value")
    if rent[0] is not None:
        vs, dd = _vs("median_gross_rent", srent[0], srent[1], rent[0], rent[1], "the state’s")
        parts.append(f"the median gross rent was {W.value_words('median_gross_rent', *rent)} a month, {vs}")
        figs.append(_fig("median_gross_rent", T, rent, STATE, srent))
        flags += [_flag_cv("median_gross_rent", T, *rent), _flag_top("median_gross_rent", T, rent[0]),
                  _flag_ns("median_gross_rent", T, STATE, dd)]
        ids.append("median_gross_rent")
    s = f"In {INDICATORS['median_home_value'].vintage}, " + "; ".join(parts) + "."
    return [_point("housing_costs", s, figs, ids, flags)]


# USALEEP publishes standard errors that the database does not hold: a gap in life expectancy under
# one year is said "about the same as", never claimed as a difference.
LE_MIN_GAP = 1.0


def _years_phrase(gap: float) -> str:
    return "about the same as" if abs(gap) < LE_MIN_GAP else W.amount_words(INDICATORS["life_expectancy"], gap)


def _life_expectancy(d: _Data, geo_type: str, gid: str, name: str) -> list[TalkingPoint]:
    ind = "life_expectancy"
    v, s = d.get(geo_type, gid, ind), d.state(ind)
    if v[0] is None or s[0] is None:
        return []
    gap = v[0] - s[0]
    phrase = _years_phrase(gap)
    sent = (f"Life expectancy at birth in {name} was {fmt_value(ind, v[0])} years in {INDICATORS[ind].vintage}, "
            f"{phrase} the state’s {fmt_value(ind, s[0])}.")
    flags = ["Life expectancy: USALEEP estimates for 2010-2015 deaths; a long-run pattern, not current conditions"]
    if abs(gap) < LE_MIN_GAP:
        flags.append(f"Life expectancy: a gap under {LE_MIN_GAP:g} year is not claimed (the database holds no "
                     "margins of error for it)")
    return [_point("health", sent, [_fig(ind, name, v, STATE, s)], [ind], flags)]


def _places(d: _Data, geo_type: str, gid: str, name: str) -> list[TalkingPoint]:
    di, asth = d.get(geo_type, gid, "places_diabetes"), d.get(geo_type, gid, "places_current_asthma")
    sdi, sas = d.state("places_diabetes"), d.state("places_current_asthma")
    if di[0] is None or asth[0] is None:
        return []
    s = (f"In {INDICATORS['places_diabetes'].vintage}, an estimated {fmt_value('places_diabetes', di[0])} of "
         f"adults in {name} had diabetes and {fmt_value('places_current_asthma', asth[0])} had asthma, against "
         f"{fmt_value('places_diabetes', sdi[0])} and {fmt_value('places_current_asthma', sas[0])} statewide.")
    return [_point("health", s, [_fig("places_diabetes", name, di, STATE, sdi),
                                 _fig("places_current_asthma", name, asth, STATE, sas)],
                   ["places_diabetes", "places_current_asthma"],
                   ["CDC PLACES: model-based small-area estimates, not direct counts"], priority=2)]


# -- two to six towns (and a district's towns) ---------------------------------------------------------

_NOUN = {
    "median_hh_income": "the median household income",
    "poverty_rate": "the poverty rate",
    "renter_cost_burden": "the share of renter households paying 30% or more of income for rent",
    "median_home_value": "the median home value",
    "homeownership_rate": "the homeownership rate",
    "school_accountability_index": "the schools’ Next Generation Accountability index",
    "sbac_ela_met": "the share of students meeting the English standard (Smarter Balanced)",
    "life_expectancy": "life expectancy at birth",
    "ahal_pct_affordable": "the share of homes counted as affordable under CGS 8-30g",
}
_WHOLE_TOWNS = ("Whole-town figures: the district's towns are counted in full, also where the district covers only "
                "part of a town")


def _unit(ind: str) -> str:
    return " years" if INDICATORS[ind].unit == "years" else ""


def _gap_phrase(ind: str, lo, hi) -> tuple[str | None, W.Difference]:
    """How the highest value (hi) stands against the lowest (lo); None when no difference is claimed."""
    dd = W.difference(ind, lo[0], lo[1], hi[0], hi[1])
    if ind == "life_expectancy":
        gap = hi[0] - lo[0]
        return (None if abs(gap) < LE_MIN_GAP else _years_phrase(gap)), dd
    if dd.kind == "not significant" or not dd.significant:
        return None, dd
    phrase = dd.phrase
    if ind == "school_accountability_index" and dd.kind == "difference":
        phrase = phrase.replace(" higher than", " points higher than").replace(" lower than", " points lower than")
    return phrase, dd


def _list_sentence(d: _Data, ind: str, topic: str, tids, names, state: bool = True, noun: str | None = None,
                   priority: int = 1, lead: str | None = None, scope: str = "", compare: bool = True,
                   whole_towns: bool = False) -> list[TalkingPoint]:
    """'In 2019-2023, the poverty rate was 26.1% in Hartford and 6.5% in West Hartford, against 10.0%
    statewide: Hartford’s is about 4 times West Hartford’s.' The highest is compared with the lowest
    only when the gap passes the margin-of-error test."""
    vals = [(t, n, d.town(t, ind)) for t, n in zip(tids, names)]
    have = [(t, n, vm) for t, n, vm in vals if vm[0] is not None]
    if not have:
        return []
    s_vm = d.state(ind) if state else (None, None)
    u = _unit(ind)
    i = INDICATORS[ind]
    tops = [n for _, n, vm in have if is_top_coded(i, vm[0])]
    items = [f"{W.value_words(ind, *vm)}{u} in {n}" for _, n, vm in have if not is_top_coded(i, vm[0])]
    if tops:  # top codes are one value: 'more than $250,000 in Darien and Weston'
        items.insert(0, f"{W.more_than(ind)} in {W.join_words(tops)}")
    noun = noun or _NOUN.get(ind, INDICATORS[ind].label.lower())
    head = lead or f"{_cap(_when(ind))}, {noun}{scope} was"
    s = f"{head} {W.join_words(items)}"
    missing = [n for _, n, vm in vals if vm[0] is None]
    figs = [_fig(ind, n, vm, STATE if s_vm[0] is not None else None, s_vm) for _, n, vm in have]
    flags = [_flag_cv(ind, n, *vm) for _, n, vm in have] + [_flag_top(ind, n, vm[0]) for _, n, vm in have]
    if s_vm[0] is not None:
        s += f", against {fmt_value(ind, s_vm[0])}{u} statewide"
    elif ind in d.median:
        med, n = d.median[ind]
        s += f", against {fmt_value(ind, med)}{u} for the median of {n} towns"
        figs = [_fig(ind, n_, vm, f"Median of {n} towns", (med, None)) for _, n_, vm in have]
    # the highest against the lowest, among estimates whose margins are not large
    firm = [x for x in have if not W.unreliable(ind, *x[2])]
    if compare and len(firm) >= 2:
        key = [(math.inf if is_top_coded(i, vm[0]) else vm[0]) for _, _, vm in firm]
        hi, lo = firm[int(np.argmax(key))], firm[int(np.argmin(key))]
        if hi[0] != lo[0] and not (is_top_coded(i, hi[2][0]) and is_top_coded(i, lo[2][0])):
            phrase, dd = _gap_phrase(ind, lo[2], hi[2])
            if phrase is None:
                pair = "the two" if len(have) == 2 else f"{hi[1]} and {lo[1]}"
                s += f"; the gap between {pair} is within the margins of error"
                flags.append(_flag_ns(ind, hi[1], lo[1], dd) or
                             f"{i.label}: the gap between {hi[1]} and {lo[1]} is too small to claim")
            else:
                firm_tops = [n for _, n, vm in firm if is_top_coded(i, vm[0])]
                if is_top_coded(i, hi[2][0]) and len(firm_tops) > 1:
                    s += f": {W.join_words([W.possessive(n) for n in firm_tops])} are {phrase} {W.possessive(lo[1])}"
                else:
                    s += f": {W.possessive(hi[1])} is {phrase} {W.possessive(lo[1])}"
    if missing:
        s += f" (no figure for {W.join_words(missing)})"
    if whole_towns:
        flags.append(_WHOLE_TOWNS)
    return [_point(topic, s + ".", figs, [ind], flags, priority=priority)]


def _multi_points(d: _Data, topics: list[str], tids, names, district: bool = False) -> list[TalkingPoint]:
    """Two to six towns side by side; with district=True, the town-level topics for a district's towns."""
    out: list[TalkingPoint] = []
    scope = " in the district’s towns (whole towns)" if district and len(tids) > 1 else ""
    if district and len(tids) == 1:
        names = [f"{names[0]} as a whole"]
    if "race" in topics and not district:
        out += _race_multi(d, tids, names)
    if "opportunity" in topics:
        ind = f"{d.idx}_share_low"
        out += _list_sentence(
            d, ind, "opportunity", tids, names, compare=False, whole_towns=district,
            lead=(f"On {_index_phrase(d)}, the share of residents living in Low or Very Low opportunity tracts"
                  f"{scope} was"))
        out += _opportunity_state(d)
    if "affordable_housing" in topics:
        out += _list_sentence(d, "ahal_pct_affordable", "affordable_housing", tids, names, scope=scope,
                              whole_towns=district)
        out += _ahal_needs(d, tids, names, whole_towns=district)
    if "income" in topics and not district:
        out += _list_sentence(d, "median_hh_income", "income", tids, names)
        out += _list_sentence(d, "poverty_rate", "income", tids, names)
    if "schools" in topics:
        out += _list_sentence(d, "school_accountability_index", "schools", tids, names, state=False, scope=scope,
                              whole_towns=district)
    if "housing_costs" in topics and not district:
        out += _list_sentence(d, "renter_cost_burden", "housing_costs", tids, names)
        out += _list_sentence(d, "median_home_value", "housing_costs", tids, names, priority=2)
    if "health" in topics and not district:
        out += _list_sentence(d, "life_expectancy", "health", tids, names)
    return out


def _race_multi(d: _Data, tids, names) -> list[TalkingPoint]:
    vals = [(n, _combined(d, "town", t)) for t, n in zip(tids, names)]
    have = [(n, c) for n, c in vals if c[0] is not None]
    sc = _combined(d, "state", STATE_ID)
    if not have or sc[0] is None:
        return []
    items = [f"{'about ' if W.unreliable('share_hispanic', *c) else ''}{_pct(c[0])} of "
             f"{W.possessive(n)}" for n, c in have]
    s = (f"In 2019-2023, Black and Latino residents together were {W.join_words(items)} population, against "
         f"{_pct(sc[0])} statewide")
    figs = [Figure(_BL.label, c[0], c[1], STATE, sc[0], _BL.id, n, sc[1], "pct1") for n, c in have]
    flags = []
    if len(have) >= 2:
        hi = max(have, key=lambda x: x[1][0])
        lo = min(have, key=lambda x: x[1][0])
        dd = _bl_diff(lo[1][0], lo[1][1], hi[1][0], hi[1][1])
        if dd.kind == "not significant":
            pair = "the two" if len(have) == 2 else f"{hi[0]} and {lo[0]}"
            s += f"; the gap between {pair} is within the margins of error"
            flags.append(f"{_BL.label}: {hi[0]} and {lo[0]} differ by less than their combined margins of error "
                         f"(90%), so no difference is claimed")
        elif dd.significant:
            s += f": {W.possessive(hi[0])} share is {dd.phrase} {W.possessive(lo[0])}"
    return [_point("race", s + ".", figs, ["share_black_nh", "share_hispanic"], flags)]


def _ahal_needs(d: _Data, tids, names, whole_towns: bool = False) -> list[TalkingPoint]:
    """'On the 2023 list, West Hartford would need 641 more assisted homes to reach the 10% threshold and
    Farmington 230 (871 in all); Hartford is at or above it.'"""
    rows = [(n, d.town(t, "ahal_pct_affordable")[0], d.town(t, "ahal_units_to_10pct")) for t, n in zip(tids, names)]
    below = [(n, p, need) for n, p, need in rows if p is not None and p < THRESHOLD and need[0]]
    above = [n for n, p, _ in rows if p is not None and p >= THRESHOLD]
    if not below and not above:
        return []
    when = _when("ahal_units_to_10pct")
    f = lambda x: fmt_value("ahal_units_to_10pct", x)  # noqa: E731
    if below:
        n0, _, need0 = below[0]
        s = f"{_cap(when)}, {n0} would need {f(need0[0])} more assisted homes to reach the 10% threshold"
        rest = [f"{n} {f(need[0])}" for n, _, need in below[1:]]
        if rest:
            s += f"{', ' if len(rest) > 1 else ' and '}{W.join_words(rest)}"
            s += f" ({f(sum(need[0] for _, _, need in below))} in all)"
        if above:
            s += f"; {W.join_words(above)} {'is' if len(above) == 1 else 'are'} at or above it"
    else:
        verb = "is" if len(above) == 1 else "are"
        s = (f"{_cap(when)}, {W.join_words(above)} {verb} at or above the 10% threshold of CGS 8-30g, so "
             f"{'it is' if len(above) == 1 else 'they are'} exempt from the 8-30g appeals procedure")
    figs = [_fig("ahal_units_to_10pct", n, need) for n, _, need in below]
    figs += [_fig("ahal_pct_affordable", n, (p, None)) for n, p, _ in rows if p is not None and p >= THRESHOLD]
    return [_point("affordable_housing", s + ".", figs, ["ahal_units_to_10pct"],
                   [_WHOLE_TOWNS] if whole_towns else [])]


# -- a set of towns ------------------------------------------------------------------------------------

def _sum(d: _Data, tids, ind) -> tuple[float, float, int]:
    """(sum of estimates, MOE of the sum, towns with a value)."""
    vals = [d.town(t, ind) for t in tids]
    have = [v for v in vals if v[0] is not None]
    return (sum(v[0] for v in have), float(M.moe_sum(*[v[1] or 0.0 for v in have])) if have else 0.0, len(have))


def _set_words(d: _Data) -> tuple[str, str]:
    """(determiner for count_of, how the group is named): ('these', 'these 31 towns') for a set,
    ('the district’s', 'the district’s towns') for a district's towns."""
    n = len(d.subj.town_ids)
    if d.subj.kind == "district":
        return "the district’s", "the district’s towns"
    return "these", (f"these {n} towns" if n > 1 else "this town")


def _set_points(d: _Data, topics: list[str]) -> list[TalkingPoint]:
    tids = list(d.subj.town_ids)
    N = len(tids)
    det, group = _set_words(d)
    whole = [_WHOLE_TOWNS] if d.subj.kind == "district" else []
    out: list[TalkingPoint] = []
    pop = _sum(d, tids, "population")
    sw = d.state("share_white_nh")

    if "race" in topics and pop[0] > 0:
        white = _sum(d, tids, "pop_white_nh")
        bl = _sum(d, tids, "pop_black_nh"), _sum(d, tids, "pop_hispanic")
        share_w = white[0] / pop[0]
        share_bl = (bl[0][0] + bl[1][0]) / pop[0]
        sbl = _combined(d, "state", STATE_ID)
        s = (f"Together, {group} are home to {fmt_value('population', pop[0])} people (2019-2023), "
             f"{_pct(share_w, 'pct0')} White (not Hispanic), against {_pct(sw[0], 'pct0')} statewide; Black and "
             f"Latino residents are {_pct(share_bl)} of their population, against {_pct(sbl[0])} statewide.")
        figs = [Figure("Population of the towns together", pop[0], pop[1], None, None, "population", d.subj.name),
                Figure("Share White (not Hispanic), the towns together", share_w, None, STATE, sw[0],
                       "share_white_nh", d.subj.name, sw[1]),
                Figure(_BL.label + ", the towns together", share_bl, None, STATE, sbl[0], _BL.id, d.subj.name,
                       sbl[1], "pct1")]
        out.append(_point("race", _cap(s), figs, ["population", "pop_white_nh", "pop_black_nh", "pop_hispanic"]))

    levels = {t: d.town_level(t) for t in tids}
    hi_towns = [t for t in tids if levels[t] in ("High", "Very High")]
    pct = {t: d.town(t, "ahal_pct_affordable")[0] for t in tids}

    if "opportunity" in topics:
        a = d.area[(d.area["geo_type"] == "town") & d.area["geo_id"].isin(tids)]
        rated = a["population_rated"].sum()
        st = d.area_row("state", STATE_ID)
        if rated > 0 and st is not None:
            hv = float(((a["share_high"] + a["share_very_high"]) * a["population_rated"]).sum() / rated)
            shv = float(st["share_high"] + st["share_very_high"])
            s = (f"On {_index_phrase(d)}, {W.count_of(len(hi_towns), N, det=det)} fall in the High or Very High "
                 f"opportunity range as a whole; together, {_pct(hv, 'pct0')} of their residents live in High or Very "
                 f"High opportunity tracts, against {_pct(shv, 'pct0')} statewide.")
            figs = [Figure("Towns in the High or Very High range", float(len(hi_towns)), None, None, None,
                           f"{d.idx}_index", d.subj.name, None, "int"),
                    Figure("Residents in High or Very High opportunity tracts, the towns together", hv, None, STATE,
                           shv, f"{d.idx}_share_high", d.subj.name)]
            out.append(_point("opportunity", _cap(s), figs, [f"{d.idx}_share_high"], whole))
        out += _opportunity_state(d)

    if "affordable_housing" in topics:
        known = [t for t in tids if pct[t] is not None]
        below = [t for t in known if pct[t] < THRESHOLD]
        need = sum(d.town(t, "ahal_units_to_10pct")[0] or 0 for t in below)
        when = _when("ahal_pct_affordable")
        # what they have in common: high opportunity and little affordable housing
        both = {cut: [t for t in hi_towns if pct[t] is not None and pct[t] < cut] for cut in (0.05, THRESHOLD)}
        cut = 0.05 if both[0.05] and len(both[0.05]) >= 0.75 * len(both[THRESHOLD]) else THRESHOLD
        grp = both[cut]
        if grp and N > 1:
            gp, gw = _sum(d, grp, "population"), _sum(d, grp, "pop_white_nh")
            gshare = gw[0] / gp[0] if gp[0] else None
            s = (f"{W.count_of(len(grp), N, det=det)} {'are' if len(grp) > 1 else 'is'} High or Very High "
                 f"opportunity ({_index_paren(d)}) and {'have' if len(grp) > 1 else 'has'} less than "
                 f"{_pct(cut, 'pct0')} affordable housing {when}")
            if gshare is not None:
                s += (f"; together {'they are' if len(grp) > 1 else 'it is'} {_pct(gshare, 'pct0')} White "
                      f"(not Hispanic, 2019-2023), against {_pct(sw[0], 'pct0')} statewide")
            figs = [Figure(f"Towns High or Very High opportunity and under {_pct(cut, 'pct0')} affordable",
                           float(len(grp)), None, None, None, "ahal_pct_affordable", d.subj.name, None, "int")]
            if gshare is not None:
                figs.append(Figure("Share White (not Hispanic) of those towns together", gshare, None, STATE, sw[0],
                                   "share_white_nh", d.subj.name, sw[1]))
            out.append(_point("affordable_housing", _cap(s) + ".", figs,
                              ["ahal_pct_affordable", f"{d.idx}_index", "pop_white_nh"], whole))
        if known:
            tot, units = _sum(d, known, "ahal_total_assisted"), _sum(d, known, "ahal_census_units")
            sp = d.state("ahal_pct_affordable")
            s = f"{_cap(when)}, {W.count_of(len(below), len(known), det=det)} {'were' if len(below) != 1 else 'was'} "
            s += "below the 10% threshold of CGS 8-30g"
            if below:
                s += (f", needing {fmt_value('ahal_units_to_10pct', need)} more assisted homes in all to reach it")
            s += (f"; together, {_pct(tot[0] / units[0])} of {'their' if N > 1 else 'its'} homes counted as "
                  f"affordable, against {fmt_value('ahal_pct_affordable', sp[0])} statewide.")
            figs = [Figure("Towns below 10% (8-30g)", float(len(below)), None, None, None, "ahal_pct_affordable",
                           d.subj.name, None, "int"),
                    Figure("Assisted homes needed to reach 10%, towns below it", float(need), None, None, None,
                           "ahal_units_to_10pct", d.subj.name),
                    Figure("Share of homes affordable (8-30g), the towns together", tot[0] / units[0], None, STATE,
                           sp[0], "ahal_pct_affordable", d.subj.name)]
            out.append(_point("affordable_housing", s, figs,
                              ["ahal_pct_affordable", "ahal_units_to_10pct", "ahal_total_assisted"], whole))

    if "income" in topics:
        out += _set_count_vs_state(d, tids, "median_hh_income", "income",
                                   "{k} had a median household income {dir} the state’s {s} {when}{top}",
                                   above=True)
        out += _set_count_vs_state(d, tids, "poverty_rate", "income",
                                   "{k} had a poverty rate {dir} the state’s {s} {when}", above=False)
    if "schools" in topics:
        out += _set_range(d, tids, "school_accountability_index", "schools", whole)
    if "housing_costs" in topics:
        out += _set_count_vs_state(d, tids, "median_home_value", "housing_costs",
                                   "{k} had a median home value {dir} the state’s {s} {when}{top}", above=True)
        out += _set_count_vs_state(d, tids, "renter_cost_burden", "housing_costs",
                                   "{k} had a share of renters paying 30% or more of income for rent {dir} the "
                                   "state’s {s} {when}", above=True, priority=2)
    if "health" in topics:
        out += _set_range(d, tids, "life_expectancy", "health", whole)
    return out


def _set_count_vs_state(d: _Data, tids, ind, topic, template, above: bool, priority: int = 1):
    """How many of the towns are significantly above (or below) the state."""
    s = d.state(ind)
    if s[0] is None:
        return []
    i = INDICATORS[ind]
    det, _ = _set_words(d)
    have = [t for t in tids if d.town(t, ind)[0] is not None]
    ups, downs, tops = [], [], []
    for t in have:
        v = d.town(t, ind)
        dd = W.difference(ind, s[0], s[1], v[0], v[1])
        if not dd.significant:
            continue
        (ups if is_top_coded(i, v[0]) or v[0] > s[0] else downs).append(t)
        if is_top_coded(i, v[0]):
            tops.append(t)
    # say the larger count ('all 9 have a poverty rate above the state's'), the given direction on a tie
    if len(ups) != len(downs):
        above = len(ups) > len(downs)
    hits = ups if above else downs
    if not above:
        tops = []
    N = len(have)
    if N == 0:
        return []
    if not hits:
        # Nothing to claim: no town's gap from the state is larger than the margins of error.
        label = i.short_label if i.short_label else i.label
        text = (f"None of {det} {N} towns differs significantly from the state ({fmt_value(ind, s[0])}) "
                f"on {label.lower()} {_when(ind)}.")
        figs = [Figure(f"Towns significantly different from the state: {i.label}", 0.0, None, STATE, s[0], ind,
                       d.subj.name, s[1], "int")]
        flags = [f"{i.label}: differences within the combined margins of error (90%) are not claimed"]
        return [_point(topic, _cap(text), figs, [ind], flags, priority=priority)]
    k = W.count_of(len(hits), N, det=det)
    top = ""
    if tops:
        top = (f", {len(tops)} of them {W.more_than(ind)} (the Census Bureau’s top code)" if len(tops) > 1
               else f", one of them {W.more_than(ind)} (the Census Bureau’s top code)")
    text = template.format(k=k, have="has" if len(hits) == 1 and N > 1 else "have", s=fmt_value(ind, s[0]),
                           when=_when(ind), top=top, dir="above" if above else "below") + "."
    flags = [f"{i.label}: a town is counted only when its gap from the state is larger than the combined margins "
             f"of error (90%)"] if i.has_moe else []
    figs = [Figure(f"Towns {'above' if above else 'below'} the state: {i.label}", float(len(hits)), None, STATE,
                   s[0], ind, d.subj.name, s[1], "int")]
    return [_point(topic, _cap(text), figs, [ind], flags, priority=priority)]


def _set_range(d: _Data, tids, ind, topic, flags=()):
    """'In 2010-2015, life expectancy at birth ranged from 76.1 years in A to 86.0 years in B (Connecticut:
    80.3 years); 12 of these 31 towns are above the state.'"""
    vals = [(t, d.town(t, ind)) for t in tids]
    have = [(t, v) for t, v in vals if v[0] is not None]
    if len(have) < 2:
        return []
    det, _ = _set_words(d)
    lo = min(have, key=lambda x: (x[1][0], d.town_name[x[0]]))
    hi = max(have, key=lambda x: (x[1][0], d.town_name[x[0]]))
    s_vm = d.state(ind)
    med, n = d.median.get(ind, (None, 0))
    u = _unit(ind)
    ref = (f"Connecticut: {fmt_value(ind, s_vm[0])}{u}" if s_vm[0] is not None
           else f"median of {n} towns: {fmt_value(ind, med)}")
    refv = s_vm[0] if s_vm[0] is not None else med
    k_above = sum(1 for _, v in have if v[0] > refv)
    s = (f"{_cap(_when(ind))}, {_NOUN.get(ind, INDICATORS[ind].label.lower())} ranged from "
         f"{fmt_value(ind, lo[1][0])}{u} in {d.town_name[lo[0]]} to {fmt_value(ind, hi[1][0])}{u} in "
         f"{d.town_name[hi[0]]} ({ref}); {W.count_of(k_above, len(have), det=det)} "
         f"{'was' if k_above == 1 and len(have) > 1 else 'were'} above "
         f"{'the state' if s_vm[0] is not None else 'the median town'}.")
    cmp = STATE if s_vm[0] is not None else f"Median of {n} towns"
    figs = [_fig(ind, d.town_name[lo[0]], lo[1], cmp, (refv, None)),
            _fig(ind, d.town_name[hi[0]], hi[1], cmp, (refv, None))]
    return [_point(topic, s, figs, [ind], flags)]


# -- a district --------------------------------------------------------------------------------------

def _district_points(d: _Data, topics: list[str]) -> list[TalkingPoint]:
    did, ch = d.subj.district_id, d.subj.chamber
    name = d.subj.name
    noun = "State Senate districts" if ch == "senate" else "State House districts"
    out: list[TalkingPoint] = []
    if "race" in topics:
        out += _race_place(d, ch, did, name)
    tids, names = list(d.subj.town_ids), list(d.subj.towns)
    town_topics = [t for t in topics if t in ("opportunity", "affordable_housing", "schools")]
    if len(tids) <= 6:
        town_pts = _multi_points(d, town_topics, tids, names, district=True)
    else:
        town_pts = _set_points(d, town_topics)
    by_topic = {t: [p for p in town_pts if p.topic == t] for t in TOPICS}
    out += by_topic["opportunity"] + by_topic["affordable_housing"]
    if "income" in topics:
        out += _simple_vs_state(d, ch, did, name, "median_hh_income", "income",
                                "the median household income in {T} was {v} {when}, {vs}{rank}.", noun=noun)
        out += _simple_vs_state(d, ch, did, name, "poverty_rate", "income",
                                "{v} of {Ts} residents lived below the federal poverty line {when}, {vs}{rank}.",
                                noun=noun)
    out += by_topic["schools"]
    if "housing_costs" in topics:
        out += _simple_vs_state(d, ch, did, name, "renter_cost_burden", "housing_costs",
                                "{v} of {Ts} renter households paid 30% or more of their income for rent {when}, "
                                "{vs}{rank}.", noun=noun)
        out += _simple_vs_state(d, ch, did, name, "homeownership_rate", "housing_costs",
                                "{v} of {Ts} households owned their home {when}, {vs}{rank}.", noun=noun,
                                priority=2)
    if "health" in topics:
        out += _life_expectancy(d, ch, did, name)
        out += _places(d, ch, did, name)
    return out


def _district_context(d: _Data) -> list[str]:
    """'State Senate District 5 covers all of West Hartford and Burlington, 88% of Farmington’s residents
    and 11% of Bloomfield’s.'"""
    whole, part = [], []
    for tid, n in zip(d.subj.town_ids, d.subj.towns):
        share_town, _ = d.district_share.get(tid, (None, None))
        if share_town is not None and share_town >= 0.995:
            whole.append(n)
        elif share_town is not None:
            part.append(f"{_pct(share_town, 'pct0')} of {W.possessive(n)} residents" if not part
                        else f"{_pct(share_town, 'pct0')} of {W.possessive(n)}")
    bits = ([f"all of {W.join_words(whole)}"] if whole else []) + part
    return [f"{d.subj.name} covers {W.join_words(bits)} (estimated from census blocks and ACS 2019-2023 tract "
            f"populations).",
            "Race, income, housing-cost and health figures are the district’s own; opportunity, 8-30g and school "
            "figures are for its towns as whole towns."]


# -- the chart -----------------------------------------------------------------------------------------

_LEVEL_COLS = {lv: "share_" + lv.lower().replace(" ", "_") for lv in LEVELS}


def _chart(d: _Data) -> tuple[pd.DataFrame, str]:
    """Residents by opportunity level: the subject's places, then Connecticut (long: place, level, share),
    and a title that states the finding."""
    subj = d.subj
    rows: list[tuple[str, pd.Series]] = []
    per_town = subj.kind == "towns" or (subj.kind == "district" and len(subj.town_ids) <= 6)
    if subj.kind == "town":
        tid = subj.town_ids[0]
        for label, r in ((subj.towns[0], d.area_row("town", tid)),
                         (d.region_name[d.region_of[tid]].replace(" Planning Region", " region"),
                          d.area_row("region", d.region_of[tid]))):
            if r is not None:
                rows.append((label, r))
    elif per_town:
        for tid, n in zip(subj.town_ids, subj.towns):
            r = d.area_row("town", tid)
            if r is not None:
                rows.append((n, r))
    else:
        a = d.area[(d.area["geo_type"] == "town") & d.area["geo_id"].isin(subj.town_ids)]
        w = a["population_rated"]
        if w.sum() > 0:
            agg = pd.Series({c: float((a[c] * w).sum() / w.sum()) for c in _LEVEL_COLS.values()})
            label = (f"These {len(subj.town_ids)} towns" if subj.kind == "set"
                     else f"The district’s {len(subj.town_ids)} towns")
            rows.append((label, agg))
    st = d.area_row("state", STATE_ID)
    if st is not None:
        rows.append((STATE, st))
    data = pd.DataFrame([{"place": p, "level": lv, "share": float(r[c]) if not pd.isna(r[c]) else np.nan}
                         for p, r in rows for lv, c in _LEVEL_COLS.items()])
    title = "Residents by opportunity level"
    if data.empty:
        return data, title
    low = data[data["level"].isin(["Very Low", "Low"])].groupby("place", sort=False)["share"].sum(min_count=1)
    places = [p for p, _ in rows if p != STATE and not pd.isna(low.get(p))]
    if not places or STATE not in low.index:
        return data, title
    s = _pct(low[STATE], "pct0")

    def who(p: str) -> str:
        return f"the residents of {p[0].lower() + p[1:]}" if p.startswith(("These ", "The district")) else \
            f"{W.possessive(p)} residents"

    if per_town and len(places) > 1:
        lw = low[places]
        hi, lo = lw.idxmax(), lw.idxmin()
        if lw[hi] < 0.005:
            title = f"None of the residents of these towns live in Low or Very Low opportunity tracts, against {s} statewide"
        elif lw[lo] >= 0.9995:
            title = f"All the residents of these towns live in Low or Very Low opportunity tracts, against {s} statewide"
        elif lw[hi] - lw[lo] < 0.05:
            title = (f"About {_pct(lw.mean(), 'pct0')} of the residents of each town live in Low or Very Low "
                     f"opportunity tracts, against {s} statewide")
        else:
            title = (f"{_pct(lw[hi], 'pct0')} of {who(hi)} live in Low or Very Low opportunity tracts, against "
                     f"{_pct(lw[lo], 'pct0')} of {who(lo)} and {s} statewide")
    else:
        p = places[0]
        x = low[p]
        lead = ("None of " if x == 0 else "All of " if x >= 0.9995 else f"{_pct(x, 'pct0')} of ")
        title = f"{lead}{who(p)} live in Low or Very Low opportunity tracts, against {s} statewide"
    return data, title


# -- the engine ----------------------------------------------------------------------------------------

def talking_points(db, subject: Subject, topics=None, idx: str = DEFAULT_INDEX,
                   generated: _dt.date | None = None) -> Brief:
    """The brief for a subject: talking points in topic order, filtered by ``topics`` (keys or names)."""
    if idx not in INDEX_NAMES:
        raise UnknownPlace(f"Unknown opportunity index {idx!r}; one of {', '.join(INDEX_NAMES)}.")
    keys = parse_topics(topics) or list(TOPICS)
    d = _Data(db, subject, idx)
    if subject.kind == "town":
        pts = _town_points(d, keys)
        title = f"Talking points: {subject.name}"
        context = [f"{subject.name}, {d.region_name[d.region_of[subject.town_ids[0]]]}."]
        stem = subject.name
    elif subject.kind == "towns":
        pts = _multi_points(d, keys, list(subject.town_ids), list(subject.towns))
        title = f"Talking points: {subject.name}"
        context = [f"Comparing {subject.name}."]
        stem = "_".join(subject.towns)
    elif subject.kind == "set":
        pts = _set_points(d, keys)
        title = f"Talking points: {subject.name}"
        context = []
        if subject.description:
            context.append(f"Towns chosen by: {subject.description}.")
        context.append(f"The {len(subject.towns)} towns: {', '.join(subject.towns)}.")
        stem = subject.name if subject.name != f"{len(subject.towns)} towns" else f"{len(subject.towns)}_towns"
    else:
        pts = _district_points(d, keys)
        title = f"Talking points: {subject.name}"
        context = _district_context(d)
        stem = subject.name
    order = {k: i for i, k in enumerate(TOPICS)}
    pts = sorted(pts, key=lambda p: order[p.topic])  # stable: keeps each topic's own order
    chart, chart_title = _chart(d)
    return Brief(subject=subject, points=pts, index_name=idx, index_label=d.index_label, title=title,
                 context=context, chart=chart, chart_title=chart_title, data_vintage=db.vintage,
                 generated=generated or _dt.date.today(), file_stem=stem, index_vintage=d.index_vintage)


def brief_for(db, town: str | None = None, towns=None, district: str | None = None, set_towns=None,
              set_description: str = "", topics=None, idx: str = DEFAULT_INDEX,
              generated: _dt.date | None = None) -> Brief:
    """resolve + talking_points in one call."""
    subj = resolve(db, town=town, towns=towns, district=district, set_towns=set_towns,
                   set_description=set_description)
    return talking_points(db, subj, topics=topics, idx=idx, generated=generated)
