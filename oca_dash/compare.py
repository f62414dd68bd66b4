"""Compare two to six towns: the side-by-side tables, the differences said in words, and the
data behind the comparison charts. Pure functions (no Streamlit); the two loaders at the end
read through the query layer with parameters only.

Every sentence compares a town with the *first-chosen* town (the base). A difference is only
stated when it passes the Census Bureau's 90% test (``moe.significantly_different``); a
top-coded income is compared as "more than", never as a number.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from . import words as W
from .format import fmt_moe, fmt_value, is_top_coded
from .indicators import INDICATORS
from .levels import INDEX_NAMES
from .profile import DOMAIN_TITLES, source_label

STATE = "Connecticut"


# -- which figures ---------------------------------------------------------------------

def key_figures(idx: str) -> list[tuple[str, list[str]]]:
    """(section title, indicator ids) for the side-by-side tables, in reading order."""
    return [
        ("People", ["population"]),
        (DOMAIN_TITLES["race"], ["share_poc", "share_hispanic", "share_black_nh", "share_asian_nh",
                                 "share_white_nh", "share_other_nh"]),
        (DOMAIN_TITLES["opportunity"], [f"{idx}_share_low", f"{idx}_share_high", f"{idx}_index"]),
        (DOMAIN_TITLES["income"], ["median_hh_income", "poverty_rate", "low_income_rate"]),
        (DOMAIN_TITLES["education"], ["bachelors_plus"]),
        (DOMAIN_TITLES["housing"], ["homeownership_rate", "renter_cost_burden", "owner_cost_burden",
                                    "median_home_value", "median_gross_rent"]),
        (DOMAIN_TITLES["affordable_housing"], ["ahal_pct_affordable", "ahal_units_to_10pct",
                                               "ahal_total_assisted"]),
        (DOMAIN_TITLES["schools"], ["school_accountability_index", "sbac_ela_met", "sbac_math_met",
                                    "grad_rate_4yr"]),
        (DOMAIN_TITLES["health"], ["life_expectancy", "places_diabetes", "places_current_asthma",
                                   "places_no_health_insurance"]),
    ]


def sentence_figures(idx: str, extra: str | None = None) -> list[str]:
    """The figures that get a sentence for each town against the base town (plus the figure
    chosen for the one-axis chart, if it is not among them)."""
    ids = ["share_poc", f"{idx}_share_low", "median_hh_income", "poverty_rate", "bachelors_plus",
           "homeownership_rate", "renter_cost_burden", "ahal_pct_affordable", "life_expectancy"]
    return ids + ([extra] if extra and extra not in ids else [])


_SAY = {
    "share_poc": "People of colour (share of residents)",
    "share_low": "Residents in Low or Very Low opportunity tracts",
    "share_high": "Residents in High or Very High opportunity tracts",
    "median_hh_income": "Median household income",
    "poverty_rate": "Poverty rate",
    "bachelors_plus": "Adults with a bachelor’s degree or more",
    "homeownership_rate": "Homeownership rate",
    "renter_cost_burden": "Renters paying 30% or more of income for rent",
    "ahal_pct_affordable": "Affordable homes under CGS 8-30g (share of all homes)",
    "life_expectancy": "Life expectancy at birth",
}


def say_name(indicator_id: str) -> str:
    """A figure's name as said in a sentence (shorter than its table label)."""
    key = indicator_id.split("_", 1)[1] if indicator_id.split("_", 1)[0] in INDEX_NAMES else indicator_id
    return _SAY.get(key, INDICATORS[indicator_id].label)


def all_ids(idx: str, extra: str | None = None) -> list[str]:
    ids = [i for _, sec in key_figures(idx) for i in sec]
    for i in sentence_figures(idx) + ([extra] if extra else []):
        if i not in ids:
            ids.append(i)
    return ids


def chart_indicators() -> list[str]:
    """Indicators offered for the one-axis chart: every town figure except by-race detail."""
    return [i.id for i in INDICATORS.values() if "town" in i.geographies and (i.group is None or i.domain == "race")]


# -- ratios and differences in words ------------------------------------------------------
# The phrases live in oca_dash.words (shared with the talking points, so a comparison reads the
# same everywhere); re-exported here for the page and the tests.
ratio_words, points_words, difference, Difference = W.ratio_words, W.points_words, W.difference, W.Difference
unreliable, join = W.unreliable, W.join_words


def value_text(indicator_id: str, v, m=None, with_moe: bool = True) -> str:
    """'26.1% ±1.6 pts', '$250,000+' (no margin on a top-coded value), '—' when missing."""
    ind = INDICATORS[indicator_id]
    t = fmt_value(indicator_id, v)
    if with_moe and not pd.isna(v) and not is_top_coded(ind, v):
        mt = fmt_moe(indicator_id, m)
        if mt:
            t += f" {mt}"
    return t


def sentence(indicator_id: str, base: str, a, moe_a, town: str, b, moe_b) -> tuple[str, str]:
    """One quotable sentence as (figure, text): ('Poverty rate', '6.5% in West Hartford, about a
    quarter of Hartford's 26.1%.'). Plain text: the page escapes it and bolds the figure."""
    ind = INDICATORS[indicator_id]
    name = say_name(indicator_id)
    vb, va = fmt_value(indicator_id, b), fmt_value(indicator_id, a)
    if pd.isna(b):
        return name, f"no figure for {town}."
    if pd.isna(a):
        return name, f"{vb} in {town}; no figure for {base} to compare with."
    d = difference(indicator_id, a, moe_a, b, moe_b)
    more = W.more_than(indicator_id) if ind.top_coded else ""
    if is_top_coded(ind, b):
        vb = more
    if is_top_coded(ind, a):
        va = more
    if d.kind == "top-coded" and d.significant is None:
        return name, (f"{vb} in both {town} and {base}; the Census Bureau does not say how much more, "
                      "so the two cannot be compared.")
    if d.kind == "not significant":
        out = (f"{vb} in {town}, not significantly different from {base}’s {va} "
               "(the gap is within the margins of error).")
    else:
        out = f"{vb} in {town}, {d.phrase} {base}’s {va}."
    if unreliable(indicator_id, b, moe_b) or unreliable(indicator_id, a, moe_a):
        out += " ⚠ A rough estimate: its margin of error is large."
    return name, out


def sentences(vals: pd.DataFrame, towns: list[str], ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """{town: [(figure, text), ...]} comparing each town after the first with the first.
    vals: long frame with columns town, indicator, estimate, moe."""
    v = _lookup(vals)
    nan3 = (np.nan, np.nan, None)
    base = towns[0]
    out = {}
    for t in towns[1:]:
        out[t] = [sentence(i, base, *v.get((base, i), nan3)[:2], t, *v.get((t, i), nan3)[:2])
                  for i in ids if i in INDICATORS]
    return out


# -- the side-by-side tables -------------------------------------------------------------

def _lookup(vals: pd.DataFrame) -> dict:
    """{(town, indicator): (estimate, moe, missing_reason)} for fast cell access."""
    reasons = vals["missing_reason"] if "missing_reason" in vals else [None] * len(vals)
    return {(t, i): (e, m, r) for t, i, e, m, r in zip(vals["town"], vals["indicator"], vals["estimate"],
                                                       vals["moe"], reasons)}


def comparison_table(vals: pd.DataFrame, state: pd.DataFrame, towns: list[str], ids: list[str]) -> pd.DataFrame:
    """Figure | town ... | Connecticut | Note | Source. Each value with its 90% margin; ⚠ marks a
    CV above 30%; the note names towns not significantly different from the first town, missing
    values with their reason, and top codes."""
    v = _lookup(vals)
    s = {i: (e, m) for i, e, m in zip(state["indicator"], state["estimate"], state["moe"])} if len(state) else {}
    nan3 = (np.nan, np.nan, None)
    base = towns[0]
    rows = []
    for i in ids:
        ind = INDICATORS[i]
        row = {"Figure": table_label(i)}
        notes, same = [], []
        a, ma, _ = v.get((base, i), nan3)
        for t in towns:
            e, m, reason = v.get((t, i), nan3)
            txt = value_text(i, e, m)
            if unreliable(i, e, m):
                txt += " ⚠"
            row[t] = txt
            if pd.isna(e):
                notes.append(f"{t}: missing" + (f" ({reason})" if reason else ""))
            elif is_top_coded(ind, e):
                notes.append(f"{t}: top-coded, the true figure is higher")
            if t != base and not pd.isna(e) and not pd.isna(a):
                if difference(i, a, ma, e, m).kind == "not significant":
                    same.append(t)
        if same:
            notes.append(f"Not significantly different from {base}: {', '.join(same)}")
        se, sm = s.get(i, (np.nan, np.nan))
        row[STATE] = value_text(i, se, sm)
        row["Note"] = "; ".join(notes)
        row["Source"] = source_label(i)
        rows.append(row)
    return pd.DataFrame(rows)


# -- chart data and the titles that state the finding -------------------------------------

# One colour per town, the same in every chart on the page (Okabe-Ito, safe for colour-blind
# readers), and Connecticut always in grey.
TOWN_COLOURS = ["#1b5e91", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00"]
STATE_COLOUR = "#7a7a7a"


def place_colours(places: list[str]) -> list[str]:
    towns = [p for p in places if p != STATE]
    cmap = dict(zip(towns, TOWN_COLOURS))
    return [STATE_COLOUR if p == STATE else cmap.get(p, "#333333") for p in places]


def _colour_encodings(node):
    """Every ``color`` encoding (a dict with a field) anywhere in a Vega-Lite spec."""
    if isinstance(node, dict):
        c = node.get("color")
        if isinstance(c, dict) and "field" in c:
            yield c
        for v in node.values():
            yield from _colour_encodings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _colour_encodings(v)


def recolour(spec: dict, places: list[str], fields_=("place", "series")) -> dict:
    """Give every colour encoding on a place (or series) field in a Vega-Lite spec the page's
    fixed town colours, in the towns' order, so a town has one colour in every chart."""
    for c in _colour_encodings(spec):
        if c["field"] in fields_:
            c["scale"] = {"domain": list(places), "range": place_colours(places)}
            c["sort"] = list(places)
    return spec


def fit_spec(spec: dict, phone: bool = False) -> dict:
    """Wrap a Vega-Lite spec's title and subtitle into lines (Vega would cut them off with '…'
    on a narrow screen) and, on a phone, lay colour legends out in rows of two."""
    t = spec.get("title")
    if isinstance(t, dict):
        for k, width in (("text", 36 if phone else 95), ("subtitle", 48 if phone else 130)):
            if isinstance(t.get(k), str) and len(t[k]) > width:
                t[k] = textwrap.wrap(t[k], width)
    if phone:
        for c in _colour_encodings(spec):
            legend = c.get("legend") if isinstance(c.get("legend"), dict) else {}
            c["legend"] = {**legend, "orient": "top", "columns": 2}
    return spec


def pad_x(spec: dict, pixels: int = 12) -> dict:
    """Pad the quantitative x scale so a dot at the end of the axis is drawn whole."""
    def walk(node):
        if isinstance(node, dict):
            x = node.get("x")
            if isinstance(x, dict) and x.get("type") == "quantitative" and "field" in x:
                x["scale"] = {**(x.get("scale") or {}), "padding": pixels}
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    return spec


def table_label(indicator_id: str) -> str:
    """A figure's label for the side-by-side tables, without the prefix its section already says
    ('Share of residents: ', 'Opportunity index (...): ')."""
    ind = INDICATORS[indicator_id]
    if ind.domain in ("race", "opportunity") and ": " in ind.label:
        rest = ind.label.split(": ", 1)[1]
        return rest[:1].upper() + rest[1:]
    return ind.label


def dot_data(vals: pd.DataFrame, state: pd.DataFrame, towns: list[str], indicator_id: str) -> pd.DataFrame:
    """place, value, low, high, text for charts.dot_compare: the towns, then Connecticut.
    A top-coded value is drawn at the top code with no bar (its true value is higher)."""
    ind = INDICATORS[indicator_id]
    v = vals[vals["indicator"] == indicator_id].set_index("town")
    s = state.set_index("indicator") if len(state) else pd.DataFrame(columns=["estimate", "moe"])
    rows = []
    for t in towns:
        rows.append((t, v["estimate"].get(t, np.nan), v["moe"].get(t, np.nan)))
    rows.append((STATE, s["estimate"].get(indicator_id, np.nan), s["moe"].get(indicator_id, np.nan)))
    out = []
    for place, e, m in rows:
        top = is_top_coded(ind, e)
        has_bar = not (pd.isna(e) or pd.isna(m) or top)
        out.append({"place": place, "value": e, "moe": m,
                    "low": e - m if has_bar else np.nan, "high": e + m if has_bar else np.nan,
                    "text": value_text(indicator_id, e, m) + (" ⚠" if unreliable(indicator_id, e, m) else ""),
                    "top_coded": top})
    return pd.DataFrame(out)


def dot_headline(df: pd.DataFrame, indicator_id: str) -> str:
    """The one-axis chart's finding, from dot_data rows (towns only); towns with no figure are named."""
    missing = list(df[(df["place"] != STATE) & df["value"].isna()]["place"])
    head = _dot_headline(df, indicator_id)
    if missing and "no figure" not in head:
        head += f"; no figure for {join(missing)}"
    return head


def _dot_headline(df: pd.DataFrame, indicator_id: str) -> str:
    ind = INDICATORS[indicator_id]
    d = df[(df["place"] != STATE) & df["value"].notna()]
    name = ind.short_label
    if d.empty:
        return f"{name}: no figure for these towns"
    if len(d) == 1:
        r = d.iloc[0]
        return f"{name}: {r['text'].split(' ±')[0]} in {r['place']}; no figure for the others"
    towns = list(d["place"])
    if len(df[df["place"] != STATE]) == 2 and len(d) == 2:
        a, b = d.iloc[0], d.iloc[1]
        diff = difference(indicator_id, a["value"], a["moe"], b["value"], b["moe"])
        va, vb = fmt_value(indicator_id, a["value"]), fmt_value(indicator_id, b["value"])
        if diff.significant is None:
            return f"{name}: both {towns[0]} and {towns[1]} are top-coded ({va})"
        if not diff.significant:
            return f"{name}: {towns[1]} ({vb}) and {towns[0]} ({va}) are not significantly different"
        return f"{name} in {towns[1]} ({vb}) is {diff.phrase} {towns[0]}’s ({va})"
    tops = d[d["top_coded"]]
    ranked = d.assign(key=np.where(d["top_coded"], np.inf, d["value"])).sort_values("key")
    lo, hi = ranked.iloc[0], ranked.iloc[-1]
    diff = difference(indicator_id, lo["value"], lo["moe"], hi["value"], hi["moe"])
    if diff.significant is False:
        return f"{name}: no significant difference among these towns"
    if diff.significant is None:
        return f"{name}: {', '.join(tops['place'])} are all top-coded ({fmt_value(indicator_id, hi['value'])})"
    if len(tops) > 1:
        hi_txt = f"{join(list(tops['place']))} highest (all {fmt_value(indicator_id, hi['value'])})"
    else:
        hi_txt = f"highest in {hi['place']} ({fmt_value(indicator_id, hi['value'])})"
    return f"{name}: {hi_txt}, lowest in {lo['place']} ({fmt_value(indicator_id, lo['value'])})"


def race_places(vals: pd.DataFrame, state: pd.DataFrame, towns: list[str]) -> dict[str, pd.DataFrame]:
    """{place: frame(indicator, value)} for views.race_chart_data: the towns and Connecticut."""
    out = {t: vals[vals["town"] == t].rename(columns={"estimate": "value"})[["indicator", "value"]] for t in towns}
    out[STATE] = state.rename(columns={"estimate": "value"})[["indicator", "value"]]
    return out


def race_headline(vals: pd.DataFrame, towns: list[str]) -> str:
    p = vals[vals["indicator"] == "share_poc"].set_index("town")["estimate"].reindex(towns).dropna()
    if p.empty:
        return "Race and ethnicity of residents"
    if len(p) == 1 or p.max() - p.min() < 0.03:
        return f"People of colour are a similar share of residents in these towns (about {p.mean():.0%})"
    hi, lo = p.idxmax(), p.idxmin()
    return (f"People of colour are {p[hi]:.0%} of residents in {hi}, against {p[lo]:.0%} in {lo}")


def opportunity_headline(area: pd.DataFrame, towns: list[str], index_label: str) -> str:
    """area: one row per town (column place) with share_very_low ... share_very_high."""
    a = area.set_index("place").reindex(towns)
    low = (a["share_very_low"] + a["share_low"]).dropna()
    if low.empty:
        return f"No census tract in these towns has a score on the {index_label}"
    hi, lo = low.idxmax(), low.idxmin()
    if low[hi] - low[lo] < 0.05:
        return f"About {low.mean():.0%} of residents of each town live in Low or Very Low opportunity tracts"
    lows = [t for t in low.index if round(low[t], 2) == round(low[lo], 2)]
    highs = [t for t in low.index if round(low[t], 2) == round(low[hi], 2)]
    who = f"{hi}’s residents" if len(highs) == 1 else f"residents of {join(highs)}"
    return (f"{low[hi]:.0%} of {who} live in Low or Very Low opportunity tracts, "
            f"against {low[lo]:.0%} in {join(lows)}")


def appeals_chart_data(hist: pd.DataFrame, state: pd.DataFrame, towns: list[str]) -> pd.DataFrame:
    """hist: appeals_list rows with a town column -> long year, value, series (towns, then Connecticut)."""
    d = pd.DataFrame({"year": hist["year"], "value": hist["pct_affordable"], "series": hist["town"]})
    d["series"] = pd.Categorical(d["series"], categories=towns)
    d = d.sort_values(["series", "year"])
    d["series"] = d["series"].astype(str)
    if len(state):
        d = pd.concat([d, pd.DataFrame({"year": state["year"], "value": state["pct_affordable"],
                                        "series": STATE})], ignore_index=True)
    return d


def appeals_headline(hist: pd.DataFrame, towns: list[str]) -> str:
    if hist.empty:
        return "No 8-30g Appeals List figures for these towns"
    yr = int(hist["year"].max())
    last = hist[hist["year"] == yr].set_index("town").reindex(towns)
    below = last[last["pct_affordable"] < 0.10]
    n = last["pct_affordable"].notna().sum()
    if below.empty:
        return f"In {yr}, all {n} towns were at or above the 10% affordable-housing threshold of CGS 8-30g"
    need = int(below["units_to_10pct"].fillna(0).sum())
    if len(below) == 1:
        t = below.index[0]
        return (f"In {yr}, {t} was the only one of these towns below the 10% threshold "
                f"({below.loc[t, 'pct_affordable']:.1%}): {need:,} more affordable homes needed")
    who = "all" if len(below) == n else f"{len(below)} of {n}"
    return (f"In {yr}, {who} of these towns were below the 10% 8-30g threshold; together they would need "
            f"{need:,} more affordable homes to reach it")


# -- loaders (query layer only, parameterized) --------------------------------------------

def load_values(db, town_ids: dict[str, str], ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(town values long with a town column, state values long) for the given indicators."""
    vals = db.values(ids, "town", list(town_ids.values()))
    name = {tid: t for t, tid in town_ids.items()}
    vals["town"] = vals["geo_id"].map(name)
    state = db.values(ids, "state", ["09"])
    return vals, state


def load_appeals(db, town_ids: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(appeals_list rows for the towns with a town column, statewide rows by year)."""
    hist = db.df("SELECT a.*, t.town FROM appeals_list a JOIN towns t USING (town_id) "
                 "WHERE list_contains(?, a.town_id) ORDER BY t.town, a.year", [list(town_ids.values())])
    state = db.df("SELECT year, pct_affordable, units_to_10pct FROM appeals_state ORDER BY year")
    return hist, state
