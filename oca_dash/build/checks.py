"""Checks the built tables must pass before the database replaces the old one."""

from __future__ import annotations

import pandas as pd


class BuildCheckError(Exception):
    """The built data failed a consistency check; the message says which and where."""


def _fail(msg: str):
    raise BuildCheckError(msg)


def check_all(geo, values: pd.DataFrame, indicators: dict, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Run every check; return the list of what passed (for the build log)."""
    done = []
    towns = geo.towns
    if len(towns) != 169 or towns["town_id"].duplicated().any() or towns["town"].duplicated().any():
        _fail(f"expected 169 distinct towns, found {len(towns)}")
    done.append("169 towns, no other")

    tr = geo.tracts
    if tr["tract_id"].duplicated().any():
        _fail("a tract appears twice in the tract table")
    if tr["town_id"].isna().any() or not tr["town_id"].isin(towns["town_id"]).all():
        _fail(f"tracts without a known town: {tr.loc[~tr['town_id'].isin(towns['town_id']), 'tract_id'].tolist()[:5]}")
    done.append(f"every one of {len(tr)} tracts in exactly one town")

    v = values
    key = ["geo_type", "geo_id", "indicator"]
    if v.duplicated(key).any():
        _fail(f"duplicate values: {v[v.duplicated(key)].head(3)[key].values.tolist()}")
    unknown = sorted(set(v["indicator"]) - set(indicators))
    if unknown:
        _fail(f"values for indicators missing from the registry: {unknown}")

    est = v.set_index(key)["estimate"]
    pop = est.xs(("town", "population"), level=("geo_type", "indicator"))
    state_pop = est[("state", "09", "population")]
    if pop.sum() != state_pop:
        _fail(f"town populations sum to {pop.sum():,.0f}, the state total is {state_pop:,.0f}")
    if (pop <= 0).any():
        _fail("a town has no population")
    done.append(f"169 town populations sum to the state ({state_pop:,.0f})")

    for gt in ("state", "region", "town", "tract", "senate", "house"):
        parts = sum(est.xs((gt, f"pop_{k}"), level=("geo_type", "indicator"))
                    for k in ("hispanic", "white_nh", "black_nh", "asian_nh", "other_nh"))
        total = est.xs((gt, "population"), level=("geo_type", "indicator"))
        bad = (parts - total.reindex(parts.index)).abs() > 0.5
        if bad.any():
            _fail(f"race groups do not sum to the total for {gt} {list(parts[bad].index[:3])}")
    done.append("race and ethnicity groups sum to the total population in every geography")

    for ind in indicators.values():
        if ind.unit == "share":
            s = v.loc[v["indicator"] == ind.id, "estimate"].dropna()
            if ((s < 0) | (s > 1)).any():
                _fail(f"{ind.id}: share outside 0-1, e.g. {s[(s < 0) | (s > 1)].head(3).tolist()}")
    done.append("every share between 0 and 1")

    for ind in indicators.values():
        for gt in ind.geographies:
            if gt not in ("town", "state", "region"):
                continue
            rows = v[(v["indicator"] == ind.id) & (v["geo_type"] == gt)]
            expect = {"town": 169, "state": 1, "region": 9}[gt]
            if gt == "town" and len(rows) != expect:
                _fail(f"{ind.id}: {len(rows)} town rows, expected 169 (an indicator silently missing for a town)")
            if len(rows) and len(rows) != expect:
                _fail(f"{ind.id}: {len(rows)} {gt} rows, expected {expect}")
    silent = v[v["estimate"].isna() & (v["missing_reason"].isna() | (v["missing_reason"] == ""))]
    if len(silent):
        _fail(f"missing values without a reason: {silent.head(5)[key].values.tolist()}")
    done.append("every registry indicator has all 169 towns; every missing value carries its reason")

    for name, t in tables.items():
        if t is None or not isinstance(t, pd.DataFrame):
            _fail(f"table {name} is not a DataFrame")
    return done
