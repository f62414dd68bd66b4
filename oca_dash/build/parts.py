"""What each source module of the build returns, and helpers to shape it.

A source module exposes ``load(raw: Raw, geo: Geo) -> Part``. ``Part.values`` is the
long table of indicator values; ``Part.tables`` holds any extra tables, written to the
database under their names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .raw import RawDataError

VALUE_COLUMNS = ["geo_type", "geo_id", "indicator", "estimate", "moe", "missing_reason"]


def empty_values() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("estimate", "moe") else "object") for c in VALUE_COLUMNS})


@dataclass
class Part:
    values: pd.DataFrame = field(default_factory=empty_values)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def town_values(
    geo,
    df: pd.DataFrame,
    indicator: str,
    estimate: str,
    moe: str | None = None,
    town_col: str = "town",
    reason: str = "not reported by the source for this town",
    reasons: pd.Series | None = None,
    source_file: str = "",
) -> pd.DataFrame:
    """One row per each of the 169 towns for ``indicator``.

    ``df`` is keyed by town name. A name that is not one of the 169 towns is an
    error (so a renamed or misspelt town cannot silently drop a value). Towns
    absent from ``df`` or with a missing estimate get NaN and a ``missing_reason``
    (``reasons``, indexed by town name, overrides ``reason`` per town).
    """
    names = df[town_col].astype(str).str.strip()
    unknown = sorted(set(names) - set(geo.towns["town"]))
    if unknown:
        raise RawDataError(f"{source_file or indicator}: unknown town name(s) {unknown[:10]}")
    if names.duplicated().any():
        dup = sorted(names[names.duplicated()].unique())
        raise RawDataError(f"{source_file or indicator}: town(s) listed twice {dup[:10]}")
    src = pd.DataFrame(
        {
            "town": names.values,
            "estimate": pd.to_numeric(df[estimate], errors="coerce").values,
            "moe": pd.to_numeric(df[moe], errors="coerce").values if moe else np.nan,
        }
    )
    out = geo.towns[["town", "town_id"]].merge(src, on="town", how="left")
    out["missing_reason"] = None
    miss = out["estimate"].isna()
    out.loc[miss, "missing_reason"] = reason
    if reasons is not None:
        r = out["town"].map(reasons)
        out.loc[miss & r.notna(), "missing_reason"] = r[miss & r.notna()]
    out["moe"] = out["moe"].where(~miss)
    return pd.DataFrame(
        {
            "geo_type": "town",
            "geo_id": out["town_id"],
            "indicator": indicator,
            "estimate": out["estimate"].astype(float),
            "moe": out["moe"].astype(float),
            "missing_reason": out["missing_reason"],
        }
    )


def concat_values(frames) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return empty_values()
    out = pd.concat(frames, ignore_index=True)[VALUE_COLUMNS]
    out["estimate"] = out["estimate"].astype(float)
    out["moe"] = out["moe"].astype(float)
    return out
