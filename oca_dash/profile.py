"""Shape a place's profile: each figure with its margin, reliability, comparisons and rank.

Pure functions over the query layer (no Streamlit). Used by the town and district pages
and by the talking points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import moe as M
from .format import fmt_moe, fmt_value, is_top_coded, ordinal
from .indicators import DOMAINS, INDICATORS, SOURCES

DOMAIN_TITLES = {
    "population": "People",
    "race": "Race and ethnicity",
    "opportunity": "Opportunity",
    "income": "Income and poverty",
    "education": "Education",
    "housing": "Housing and housing costs",
    "affordable_housing": "Affordable housing (CGS 8-30g)",
    "schools": "Schools",
    "jobs": "Jobs and work",
    "health": "Health",
    "safety": "Safety",
    "environment": "Environment",
}
SECTION_ORDER = ("race", "opportunity", "income", "education", "housing", "affordable_housing", "schools", "jobs",
                 "health", "safety", "environment", "population")
assert set(SECTION_ORDER) == set(DOMAINS)


def indicators_for(geo_type: str, domain: str | None = None, with_groups: bool = True) -> list[str]:
    """Registry ids available for a geography type, in registry order."""
    return [i.id for i in INDICATORS.values()
            if geo_type in i.geographies and (domain is None or i.domain == domain)
            and (with_groups or i.group is None or i.domain == "race")]


def rank_text(rank_high, rank_low, n, top_coded: bool = False, noun: str = "towns") -> str:
    if rank_high is None or pd.isna(rank_high) or not n:
        return ""
    rank_high, rank_low, n = int(rank_high), int(rank_low), int(n)
    if top_coded:
        return f"tied for highest of {n} {noun} (top-coded)"
    if rank_high <= rank_low:
        return "highest of {} {}".format(n, noun) if rank_high == 1 else f"{ordinal(rank_high)} highest of {n} {noun}"
    return "lowest of {} {}".format(n, noun) if rank_low == 1 else f"{ordinal(rank_low)} lowest of {n} {noun}"


def source_label(indicator_id: str) -> str:
    ind = INDICATORS[indicator_id]
    src = SOURCES[ind.source]
    return f"{src.publisher}, {ind.vintage}"


def place_profile(db, geo_type: str, geo_id: str, ids: list[str], region_id: str | None = None,
                  noun: str = "towns") -> pd.DataFrame:
    """One row per indicator: the place's value with MOE, CV flag, state and region values, rank."""
    here = db.values(ids, geo_type, [geo_id]).set_index("indicator")
    state = db.values(ids, "state", ["09"]).set_index("indicator")
    region = db.values(ids, "region", [region_id]).set_index("indicator") if region_id else pd.DataFrame()
    ranks = db.ranks(geo_type, geo_id, ids).set_index("indicator")
    rows = []
    for i in ids:
        ind = INDICATORS[i]
        v = here["estimate"].get(i, np.nan)
        m = here["moe"].get(i, np.nan)
        sv = state["estimate"].get(i, np.nan) if len(state) else np.nan
        sm = state["moe"].get(i, np.nan) if len(state) else np.nan
        rv = region["estimate"].get(i, np.nan) if len(region) else np.nan
        top = is_top_coded(ind, v)
        cv = float(M.cv(v, m)) if not (pd.isna(v) or pd.isna(m) or top) else np.nan
        rh = ranks["rank_high"].get(i) if len(ranks) else None
        rl = ranks["rank_low"].get(i) if len(ranks) else None
        n = ranks["n"].get(i) if len(ranks) else None
        diff_state = None
        if not (pd.isna(v) or pd.isna(sv) or top or is_top_coded(ind, sv)):
            diff_state = bool(M.significantly_different(v, m, sv, sm))
        rows.append({
            "indicator": i, "label": ind.label, "short_label": ind.short_label, "domain": ind.domain,
            "unit": ind.unit, "value": v, "moe": m, "value_text": fmt_value(i, v), "moe_text": fmt_moe(i, m),
            "cv": cv, "unreliable": bool(cv > M.CV_UNRELIABLE) if not pd.isna(cv) else False,
            "top_coded": top, "missing_reason": here["missing_reason"].get(i) if pd.isna(v) else None,
            "state_value": sv, "state_text": fmt_value(i, sv), "region_value": rv, "region_text": fmt_value(i, rv),
            "differs_from_state": diff_state,
            "rank_high": rh, "rank_low": rl, "n": n, "rank_text": rank_text(rh, rl, n, top, noun),
            "source": source_label(i), "vintage": ind.vintage,
        })
    return pd.DataFrame(rows)


def profile_table(df: pd.DataFrame, place: str, region: str | None) -> pd.DataFrame:
    """The rows people read: figure, value ± margin, state, region, rank, note."""
    notes = []
    for r in df.itertuples():
        n = []
        if isinstance(r.missing_reason, str) and r.missing_reason:
            n.append(f"Missing: {r.missing_reason}")
        if r.unreliable:
            n.append(f"Unreliable: margin of error is large (CV {r.cv:.0%})")
        if r.top_coded:
            n.append("Top-coded by the Census Bureau: the true median is at least this")
        if r.differs_from_state is False:
            n.append("Not significantly different from the state")
        notes.append("; ".join(n))
    out = pd.DataFrame({
        "Figure": df["label"],
        place: [v + (f" ({m})" if m else "") + (" ⚠" if u else "")
                for v, m, u in zip(df["value_text"], df["moe_text"], df["unreliable"])],
        "Connecticut": df["state_text"],
    })
    if region:
        out[region] = df["region_text"]
    out["Rank"] = df["rank_text"]
    out["Note"] = notes
    out["Source"] = df["source"]
    return out
