"""Pure functions that turn query results into what a page shows: chart data, headline
sentences, tables. No Streamlit; tested directly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .format import fmt_value
from .levels import LEVELS

RACE_GROUPS = [("share_hispanic", "Latino"), ("share_black_nh", "Black"), ("share_asian_nh", "Asian"),
               ("share_white_nh", "White"), ("share_other_nh", "Other / multiracial")]
LEVEL_COLS = {lv: "share_" + lv.lower().replace(" ", "_") for lv in LEVELS}


def race_chart_data(places: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """places: {place name: profile frame (indicator, value)} -> long frame group, place, share."""
    rows = []
    for place, prof in places.items():
        v = prof.set_index("indicator")["value"]
        for ind, group in RACE_GROUPS:
            rows.append({"group": group, "place": place, "share": float(v.get(ind, np.nan))})
    return pd.DataFrame(rows)


def race_headline(place: str, prof: pd.DataFrame, state: pd.Series) -> str:
    v = prof.set_index("indicator")["value"]
    poc, spoc = v.get("share_poc"), state.get("share_poc")
    if pd.isna(poc) or pd.isna(spoc):
        return f"Race and ethnicity of {place}'s residents"
    if abs(poc - spoc) < 0.03:
        return f"{place}'s share of residents of colour ({poc:.0%}) is close to the state's ({spoc:.0%})"
    word = "more" if poc > spoc else "fewer"
    return (f"{poc:.0%} of {place}'s residents are people of colour, {word} than statewide ({spoc:.0%})")


def levels_long(area: pd.DataFrame, label_col: str) -> pd.DataFrame:
    """area_opportunity rows -> long frame <label_col>, level, share."""
    rows = []
    for _, r in area.iterrows():
        for lv, col in LEVEL_COLS.items():
            rows.append({label_col: r[label_col], "level": lv, "share": r[col]})
    return pd.DataFrame(rows)


def level_of_score(score: float, tract_opp: pd.DataFrame) -> str | None:
    """The level whose range of tract scores contains a (population-weighted) score."""
    if score is None or pd.isna(score):
        return None
    t = tract_opp.dropna(subset=["index_value", "level"])
    rng = t.groupby("level")["index_value"].agg(["min", "max"]).reindex(list(LEVELS))
    cuts = [(rng["max"].iloc[i] + rng["min"].iloc[i + 1]) / 2 for i in range(4)]
    return LEVELS[int(np.searchsorted(cuts, score, side="right"))]


def opportunity_headline(place: str, area_row: pd.Series, index_label: str) -> str:
    low = area_row["share_very_low"] + area_row["share_low"]
    high = area_row["share_high"] + area_row["share_very_high"]
    if pd.isna(low):
        return f"No census tract in {place} has a score on the {index_label}"
    if high >= 0.5:
        return f"{high:.0%} of {place}'s residents live in High or Very High opportunity tracts"
    if low >= 0.5:
        return f"{low:.0%} of {place}'s residents live in Low or Very Low opportunity tracts"
    return f"{place}'s residents are spread across opportunity levels ({low:.0%} Low or Very Low, {high:.0%} High or Very High)"


def appeals_chart_data(history: pd.DataFrame, place: str, state: pd.DataFrame | None = None) -> pd.DataFrame:
    d = pd.DataFrame({"year": history["year"], "value": history["pct_affordable"], "series": place})
    if state is not None and len(state):
        d = pd.concat([d, pd.DataFrame({"year": state["year"], "value": state["pct_affordable"],
                                        "series": "Connecticut"})], ignore_index=True)
    return d


def appeals_headline(place: str, history: pd.DataFrame) -> str:
    last = history.sort_values("year").iloc[-1]
    pct, need = last["pct_affordable"], last["units_to_10pct"]
    yr = int(last["year"])
    if pd.isna(pct):
        return f"{place}'s affordable-housing share is not on the {yr} Appeals List"
    if pct >= 0.10:
        return f"{pct:.1%} of {place}'s homes were assisted or deed-restricted in {yr}, above the 10% 8-30g threshold"
    return (f"{pct:.1%} of {place}'s homes were affordable under 8-30g in {yr}: "
            f"{int(need):,} more needed to reach 10%")


def headline_metrics(prof: pd.DataFrame, ids: list[str]) -> list[dict]:
    p = prof.set_index("indicator")
    out = []
    for i in ids:
        if i not in p.index:
            continue
        r = p.loc[i]
        out.append({"id": i, "label": r["short_label"], "value": r["value_text"],
                    "help": f"{r['label']}. Connecticut: {r['state_text']}. {r['rank_text']}. {r['source']}."})
    return out


def fmt(indicator_id: str, x) -> str:
    return fmt_value(indicator_id, x)
