"""Find towns: a filter over the 169 towns, read from and written to the URL, applied to one
wide frame, and said in one line. Pure functions (no Streamlit); ``load_towns`` reads through
the query layer.

All shares in the URL are percents (0-100); the frame holds fractions (0-1), as the database
does. An indicator range (``ind``, ``ind_min``, ``ind_max``) is in the figure's display units:
percent for shares, dollars, people, and so on.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import links
from . import map_view as mv
from .format import fmt_value, is_top_coded
from .indicators import INDICATORS
from .levels import DEFAULT_INDEX, INDEX_NAMES, LEVELS

# URL group name -> (indicator, words)
GROUPS = {
    "poc": ("share_poc", "people of colour"),
    "black": ("share_black_nh", "Black residents"),
    "latino": ("share_hispanic", "Latino residents"),
    "asian": ("share_asian_nh", "Asian residents"),
    "white": ("share_white_nh", "White (non-Hispanic) residents"),
}
POP_MAX = 5_000_000
THRESHOLD = 0.10  # CGS 8-30g


def filter_indicators() -> list[str]:
    """Figures offered for the extra indicator range: every town figure except by-race detail."""
    return [i.id for i in INDICATORS.values() if "town" in i.geographies and (i.group is None or i.domain == "race")]


def display_scale(indicator_id: str) -> float:
    """Stored value x scale = display value (shares are stored 0-1 and shown as percents)."""
    return 100.0 if INDICATORS[indicator_id].unit == "share" else 1.0


def _bounds(indicator_id: str) -> tuple[float, float]:
    u = INDICATORS[indicator_id].unit
    if u == "share":
        return 0.0, 100.0
    if u in ("zscore", "score"):
        return -1000.0, 1000.0
    return -1e9, 1e12


@dataclass(frozen=True)
class Filter:
    idx: str = DEFAULT_INDEX
    levels: tuple[str, ...] = ()  # the town's opportunity level is one of these
    high_min: float | None = None  # percent of residents in High or Very High tracts, at least
    ranges: tuple[tuple[str, float | None, float | None], ...] = ()  # (group, min %, max %)
    ahal_min: float | None = None  # 8-30g affordable share, percent
    ahal_max: float | None = None
    regions: tuple[str, ...] = ()  # region ids
    pop_min: float | None = None
    pop_max: float | None = None
    ind: str | None = None  # one extra indicator range, display units
    ind_min: float | None = None
    ind_max: float | None = None

    def group_range(self, group: str) -> tuple[float | None, float | None]:
        for g, lo, hi in self.ranges:
            if g == group:
                return lo, hi
        return None, None

    @property
    def active(self) -> bool:
        """True when any filter narrows the towns (the index alone does not)."""
        return bool(self.levels or self.ranges or self.regions) or any(
            getattr(self, k) is not None
            for k in ("high_min", "ahal_min", "ahal_max", "pop_min", "pop_max", "ind_min", "ind_max"))


def _range(params, lo_key, hi_key, lo, hi, what) -> tuple[float | None, float | None, list[str]]:
    notes = []
    a, n1 = links.parse_number(_first(params, lo_key), lo, hi, f"minimum {what}")
    b, n2 = links.parse_number(_first(params, hi_key), lo, hi, f"maximum {what}")
    notes += [n for n in (n1, n2) if n]
    if a is not None and b is not None and a > b:
        notes.append(f"In the link, the minimum {what} ({a:g}) is above the maximum ({b:g}); that range was ignored.")
        return None, None, notes
    return a, b, notes


def _first(params, key):
    v = params.get(key) if hasattr(params, "get") else None
    if isinstance(v, (list, tuple)):
        return v[0] if v else None
    return v


def parse(params, regions: dict[str, str]) -> tuple[Filter, list[str]]:
    """A Filter from URL query parameters ({key: str or [str]}); every bad value gives a notice
    and is ignored. regions: {region_id: region name}."""
    notes: list[str] = []
    idx, n = links.parse_choice(_first(params, "idx"), INDEX_NAMES, DEFAULT_INDEX, "opportunity index")
    notes.append(n)

    levels, bad = [], []
    lookup = {lv.lower().replace(" ", ""): lv for lv in LEVELS}
    for item in links.split_list(params.get("levels")):
        hit = lookup.get(item.lower().replace(" ", "").replace("_", "").replace("-", ""))
        if hit is None:
            bad.append(links._show(item))
        elif hit not in levels:
            levels.append(hit)
    if bad:
        notes.append("Unknown opportunity levels ignored: " + ", ".join(f"“{b}”" for b in bad[:5])
                     + f". The levels are {', '.join(LEVELS)}.")
    levels = tuple(lv for lv in LEVELS if lv in levels)

    high_min, n = links.parse_number(_first(params, "high_min"), 0, 100,
                                     "minimum share of residents in High or Very High opportunity tracts")
    notes.append(n)

    ranges = []
    for g, (_, words) in GROUPS.items():
        lo, hi, ns = _range(params, f"{g}_min", f"{g}_max", 0, 100, f"percent of {words}")
        notes += ns
        if lo is not None or hi is not None:
            ranges.append((g, lo, hi))

    ahal_min, ahal_max, ns = _range(params, "ahal_min", "ahal_max", 0, 100, "8-30g affordable share (percent)")
    notes += ns

    regs, bad = [], []
    by_name = {v.lower(): k for k, v in regions.items()}
    for item in links.split_list(params.get("region")):
        rid = item if item in regions else by_name.get(item.lower())
        if rid is None:
            bad.append(links._show(item))
        elif rid not in regs:
            regs.append(rid)
    if bad:
        notes.append("Unknown planning regions ignored: " + ", ".join(f"“{b}”" for b in bad[:5]) + ".")

    pop_min, pop_max, ns = _range(params, "pop_min", "pop_max", 0, POP_MAX, "population")
    notes += ns

    ind, ind_min, ind_max = None, None, None
    raw_ind = _first(params, "ind")
    if raw_ind:
        ind, n = links.parse_choice(raw_ind, filter_indicators(), None, "figure to filter on")
        if n:
            notes.append(n.replace("; showing the default instead", "; that filter was ignored"))
    if ind:
        lo, hi = _bounds(ind)
        ind_min, ind_max, ns = _range(params, "ind_min", "ind_max", lo, hi, INDICATORS[ind].short_label)
        notes += ns
    elif _first(params, "ind_min") or _first(params, "ind_max"):
        notes.append("The link gave a range without a figure to apply it to (ind); it was ignored.")

    f = Filter(idx=idx, levels=levels, high_min=high_min, ranges=tuple(ranges), ahal_min=ahal_min,
               ahal_max=ahal_max, regions=tuple(sorted(regs)), pop_min=pop_min, pop_max=pop_max,
               ind=ind, ind_min=ind_min, ind_max=ind_max)
    return f, [n for n in notes if n]


def _num(x: float) -> str:
    return f"{x:.12g}"


def to_params(f: Filter) -> dict[str, str]:
    """The filter as URL query parameters (only what is set)."""
    out: dict[str, str] = {}
    if f.idx != DEFAULT_INDEX:
        out["idx"] = f.idx
    if f.levels:
        out["levels"] = ",".join(f.levels)
    if f.high_min is not None:
        out["high_min"] = _num(f.high_min)
    for g, lo, hi in f.ranges:
        if lo is not None:
            out[f"{g}_min"] = _num(lo)
        if hi is not None:
            out[f"{g}_max"] = _num(hi)
    for k in ("ahal_min", "ahal_max", "pop_min", "pop_max"):
        if getattr(f, k) is not None:
            out[k] = _num(getattr(f, k))
    if f.regions:
        out["region"] = ",".join(f.regions)
    if f.ind:
        out["ind"] = f.ind
        if f.ind_min is not None:
            out["ind_min"] = _num(f.ind_min)
        if f.ind_max is not None:
            out["ind_max"] = _num(f.ind_max)
    return out


# -- the frame and the filter ------------------------------------------------------------

def town_levels(area: pd.DataFrame, tract_opp: pd.DataFrame) -> pd.DataFrame:
    """geo_id, weighted_index, level, share_high_vh (High + Very High) for each town. The level is
    the one whose range of tract scores holds the town's population-weighted score (as on the map)."""
    a = area[["geo_id", "weighted_index", "share_high", "share_very_high"]].copy()
    a["level"] = mv.levels_of_scores(a["weighted_index"], tract_opp)
    a["share_high_vh"] = a["share_high"] + a["share_very_high"]
    return a[["geo_id", "weighted_index", "level", "share_high_vh"]]


def load_towns(db, idx: str) -> pd.DataFrame:
    """One row per town: every town figure, region name, opportunity level and share in High or
    Very High tracts for the index idx."""
    ids = filter_indicators()
    w = db.town_wide(ids)
    reg = db.regions().set_index("region_id")["region"]
    w["region"] = w["region_id"].map(reg)
    lv = town_levels(db.area_opportunity(idx, "town"), db.tract_opportunity(idx))
    return w.merge(lv, left_on="town_id", right_on="geo_id", how="left").drop(columns="geo_id")


@dataclass
class Result:
    towns: pd.DataFrame  # matching rows
    unknown: dict = field(default_factory=dict)  # filter words -> towns left out for lack of a value


def _between(s: pd.Series, lo, hi) -> tuple[pd.Series, pd.Series]:
    """(pass, unknown) for lo <= s <= hi; a missing value is unknown, not a pass."""
    ok = pd.Series(True, index=s.index)
    if lo is not None:
        ok &= s >= lo
    if hi is not None:
        ok &= s <= hi
    unknown = s.isna()
    return ok & ~unknown, unknown


def apply(f: Filter, frame: pd.DataFrame) -> Result:
    """The towns that pass every active filter. A town with no value for a filtered figure is
    left out and counted in Result.unknown (never silently treated as passing)."""
    keep = pd.Series(True, index=frame.index)
    unknown: dict[str, int] = {}

    def step(ok, unk, words):
        nonlocal keep
        n = int((keep & unk).sum())
        if n:
            unknown[words] = n
        keep &= ok

    if f.levels:
        lv = frame["level"]
        step(lv.isin(f.levels), lv.isna(), "opportunity level")
    if f.high_min is not None:
        step(*_between(frame["share_high_vh"], f.high_min / 100, None), "share in High or Very High opportunity")
    for g, lo, hi in f.ranges:
        col, words = GROUPS[g]
        step(*_between(frame[col], None if lo is None else lo / 100, None if hi is None else hi / 100), words)
    if f.ahal_min is not None or f.ahal_max is not None:
        step(*_between(frame["ahal_pct_affordable"], None if f.ahal_min is None else f.ahal_min / 100,
                       None if f.ahal_max is None else f.ahal_max / 100), "8-30g share")
    if f.regions:
        keep &= frame["region_id"].isin(f.regions)
    if f.pop_min is not None or f.pop_max is not None:
        step(*_between(frame["population"], f.pop_min, f.pop_max), "population")
    if f.ind and (f.ind_min is not None or f.ind_max is not None):
        ind = INDICATORS[f.ind]
        s = frame[f.ind] * display_scale(f.ind)
        lo, hi = f.ind_min, f.ind_max
        ok, unk = _between(s, lo, hi)
        if ind.top_coded is not None:
            # a top-coded value means "at least the top code": it passes a minimum at or below the
            # top code, and a maximum can never be said to hold
            top = frame[f.ind].map(lambda x: is_top_coded(ind, x))
            top_ok = pd.Series(True, index=frame.index)
            if lo is not None:
                top_ok &= lo <= ind.top_coded * display_scale(f.ind)
            if hi is not None:
                top_ok &= False
            unk = unk | (top & ~top_ok)
            ok = (ok & ~top) | (top & top_ok)
        step(ok, unk, ind.short_label)
    return Result(frame[keep], unknown)


# -- words --------------------------------------------------------------------------------

def _pct(x: float | None) -> str:
    return f"{x:g}%"


def _range_words(lo, hi, fmt=_pct) -> str:
    if lo is not None and hi is not None:
        return f"{fmt(lo)} to {fmt(hi)}"
    if lo is not None:
        return f"at least {fmt(lo)}"
    return f"at most {fmt(hi)}"


def describe(f: Filter, regions: dict[str, str], index_label: str) -> list[str]:
    """The active filters in words, one item each."""
    out = []
    if f.levels:
        out.append(f"opportunity level {' or '.join(f.levels)} ({index_label})")
    if f.high_min is not None:
        out.append(f"at least {f.high_min:g}% of residents in High or Very High opportunity tracts ({index_label})")
    for g, lo, hi in f.ranges:
        out.append(f"{GROUPS[g][1]} {_range_words(lo, hi)} of residents")
    if f.ahal_min is not None or f.ahal_max is not None:
        out.append(f"8-30g affordable share {_range_words(f.ahal_min, f.ahal_max)}")
    if f.regions:
        out.append("in " + " or ".join(regions.get(r, r) for r in f.regions))
    if f.pop_min is not None or f.pop_max is not None:
        out.append(f"population {_range_words(f.pop_min, f.pop_max, lambda x: f'{x:,.0f}')}")
    if f.ind and (f.ind_min is not None or f.ind_max is not None):
        sc = display_scale(f.ind)
        out.append(f"{INDICATORS[f.ind].short_label} "
                   f"{_range_words(f.ind_min, f.ind_max, lambda x: fmt_value(f.ind, x / sc))}")
    return out


def summary(res: Result, frame: pd.DataFrame) -> str:
    """One line: '23 towns match: together 412,000 residents, 84% White against 63% statewide;
    21 of them are below the 10% affordable-housing threshold of CGS 8-30g.'"""
    t = res.towns
    n = len(t)
    if n == 0:
        return "No town matches these filters."
    pop = t["population"].sum()
    white = t["pop_white_nh"].sum() / pop if pop else np.nan
    s_white = frame["pop_white_nh"].sum() / frame["population"].sum()
    if n == len(frame):
        head = f"All {n} towns"
    else:
        head = f"{n} towns match" if n != 1 else f"1 town matches, {t['town'].iloc[0]}"
    out = f"{head}: {'together ' if n > 1 else ''}{pop:,.0f} residents"
    if not math.isnan(white):
        if n == len(frame):
            out += f", {white:.0%} White (non-Hispanic)"
        else:
            out += f", {white:.0%} White (non-Hispanic) against {s_white:.0%} statewide"
    a = t["ahal_pct_affordable"]
    below = int((a < THRESHOLD).sum())
    known = int(a.notna().sum())
    if known:
        if n == 1:
            out += ("; it is below" if below else "; it is at or above") + \
                " the 10% affordable-housing threshold of CGS 8-30g"
        elif below == known:
            out += (f"; all {'of them ' if known == n else ''}are below the 10% affordable-housing threshold "
                    "of CGS 8-30g")
        elif below == 0:
            out += "; none is below the 10% affordable-housing threshold of CGS 8-30g"
        else:
            out += (f"; {below} of them {'is' if below == 1 else 'are'} below the 10% affordable-housing "
                    "threshold of CGS 8-30g")
    return out + "."


def map_title(res: Result, frame: pd.DataFrame) -> str:
    """The map's finding: how many towns match and where most of them are."""
    t = res.towns
    n = len(t)
    if n == len(frame):
        return f"All {n} towns match"
    if n == 0:
        return "No town matches"
    if n == 1:
        return f"The one matching town, {t['town'].iloc[0]}, in blue"
    by = t["region"].value_counts()
    top = by.index[0].replace(" Planning Region", "")
    if len(by) == 1:
        return f"The {n} matching towns, in blue: all in the {top} region"
    if by.iloc[0] > 1 and (len(by) == 1 or by.iloc[0] > by.iloc[1]):
        return f"The {n} matching towns, in blue: {by.iloc[0]} of them in the {top} region"
    return f"The {n} matching towns, in blue, spread over {len(by)} regions"


def unknown_note(res: Result) -> str | None:
    if not res.unknown:
        return None
    parts = [f"{n} for lack of a {w} figure" for w, n in res.unknown.items()]
    return "Left out: " + "; ".join(parts) + "."


# -- the result table, the CSV, the map ----------------------------------------------------

def result_table(res: Result, f: Filter) -> pd.DataFrame:
    """Town, Region, Population, % people of colour, Opportunity level, % affordable (8-30g), and
    the filtered figure, numeric (for sorting) in display units (percents for shares)."""
    t = res.towns
    out = pd.DataFrame({
        "Town": t["town"], "Region": t["region"].str.replace(" Planning Region", "", regex=False),
        "Population": t["population"], "% people of colour": t["share_poc"] * 100,
        "Opportunity level": t["level"], "% affordable (8-30g)": t["ahal_pct_affordable"] * 100,
    })
    if f.high_min is not None:
        out["% in High or Very High opportunity"] = t["share_high_vh"] * 100
    for g, _, _ in f.ranges:
        col = GROUPS[g][0]
        if g != "poc":
            out[f"% {INDICATORS[col].short_label.lstrip('% ')}"] = t[col] * 100
    if f.ind and f.ind not in ("population", "share_poc", "ahal_pct_affordable"):
        out[INDICATORS[f.ind].short_label] = t[f.ind] * display_scale(f.ind)
    return out.reset_index(drop=True)


def table_formats(table: pd.DataFrame, f: Filter) -> dict:
    """Per-column formatters for the table (top-coded values read '$250,000+', missing '—')."""
    def pct(x):
        return "—" if pd.isna(x) else f"{x:.1f}%"

    fm = {c: pct for c in table.columns if c.startswith("%")}
    fm["Population"] = lambda x: "—" if pd.isna(x) else f"{x:,.0f}"
    if f.ind and INDICATORS[f.ind].short_label in table.columns:
        sc = display_scale(f.ind)
        fm[INDICATORS[f.ind].short_label] = lambda x: fmt_value(f.ind, x / sc)
    return fm


def csv_text(table: pd.DataFrame, f: Filter, header: list[str]) -> str:
    """The table as CSV, led by '#' comment lines (what was filtered, sources, vintage). Numbers
    stay numbers (percents 0-100, rounded as shown); a top-coded value is written '250000+', never
    as the top code itself; a missing value is left empty."""
    body = table.copy()
    for c in body.columns:
        if c.startswith("%"):  # formatted exactly as on screen, so the two never differ by a rounding
            body[c] = body[c].map(lambda x: "" if pd.isna(x) else f"{x:.1f}")
    body["Population"] = body["Population"].round(0).astype("Int64")
    if f.ind and INDICATORS[f.ind].short_label in body.columns:
        ind, col = INDICATORS[f.ind], INDICATORS[f.ind].short_label
        digits = {"dec1": 1, "dec2": 2, "pct1": 1, "pct0": 1}.get(ind.fmt, 0)
        sc = display_scale(f.ind)

        def one(x):
            if pd.isna(x):
                return ""
            if is_top_coded(ind, x / sc):
                return f"{ind.top_coded - 1:.0f}+"
            return f"{x:.{digits}f}"
        body[col] = body[col].map(one)
    return "".join(f"# {h}\n" for h in header) + body.to_csv(index=False)


LIT = [27, 94, 145, 255]  # matching towns: the theme's blue
DIM = [226, 226, 226, 255]  # the others: light grey (blue against grey reads in every colour vision)


def map_properties(frame: pd.DataFrame, matched_ids) -> dict[str, dict]:
    """Per town: fill colour and the three tooltip lines map_view's tooltip shows."""
    m = set(matched_ids)
    out = {}
    for tid, town, pop, poc, a in zip(frame["town_id"], frame["town"], frame["population"], frame["share_poc"],
                                      frame["ahal_pct_affordable"]):
        on = tid in m
        out[tid] = {"name": html.escape(str(town)), "fill": LIT if on else DIM,
                    "line1": "Matches the filters" if on else "Does not match",
                    "line2": "—" if pd.isna(pop) else f"{pop:,.0f} residents, {poc:.0%} people of colour",
                    "line3": "—" if pd.isna(a) else f"{a:.1%} affordable under 8-30g"}
    return out


def map_spec(fills: pd.DataFrame, state: pd.DataFrame, frame: pd.DataFrame, matched_ids, width: int = 560,
             height: int = 420) -> str:
    """The deck.gl spec (compact JSON, no basemap) of the 169 towns with the matches in blue, built
    with the map page's helpers so both maps look and behave alike. ``fills``: ``shapes("town_fill")``;
    ``state``: ``shapes("state")``."""
    return mv.towns_map_json(mv.fit_view(mv.bounds_of(state), width, height), fills, state, map_properties(frame, matched_ids))
