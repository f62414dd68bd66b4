"""Shareable links: read and validate URL query parameters. Pure functions, no Streamlit.

Every parser returns the value to use and, when the link asked for something we cannot
show, a plain-language notice. Nothing from a URL is trusted: values are matched against
known towns, registry ids and fixed choices, and numbers are range-checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .format import no_autolink

MAX_PARAM_CHARS = 2000  # longer values are treated as garbage


@dataclass
class Parsed:
    values: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def _clean(s) -> str:
    s = "" if s is None else str(s)
    return s[:MAX_PARAM_CHARS].strip()


def _show(s: str, n: int = 40) -> str:
    """A bad value quoted back to the user, shortened and never a live link (the page escapes it)."""
    s = " ".join(str(s).split())
    return no_autolink(s if len(s) <= n else s[: n - 1] + "…")


def split_list(raw_values) -> list[str]:
    """'A,B' or repeated keys ['A', 'B'] -> ['A', 'B'] (empty items dropped)."""
    if raw_values is None:
        return []
    if isinstance(raw_values, str):
        raw_values = [raw_values]
    out = []
    for v in raw_values:
        out += [p.strip() for p in _clean(v).split(",") if p.strip()]
    return out


def parse_town(raw, towns: list[str], default: str | None = None) -> tuple[str | None, str | None]:
    """Match a town name case-insensitively; unknown -> (default, notice)."""
    s = _clean(raw)
    if not s:
        return default, None
    lookup = {t.lower(): t for t in towns}
    hit = lookup.get(s.lower())
    if hit:
        return hit, None
    msg = f"The link asked for a town called “{_show(s)}”, which is not one of Connecticut's 169 towns."
    return default, msg + (f" Showing {default} instead." if default else "")


def parse_towns(raw_values, towns: list[str], max_n: int = 6) -> tuple[list[str], list[str]]:
    """A list of distinct known towns (at most max_n), with notices for what was dropped."""
    lookup = {t.lower(): t for t in towns}
    out, bad, notices = [], [], []
    for item in split_list(raw_values):
        hit = lookup.get(item.lower())
        if hit is None:
            bad.append(_show(item))
        elif hit not in out:
            out.append(hit)
    if bad:
        notices.append("Not Connecticut towns, so left out: " + ", ".join(f"“{b}”" for b in bad[:5])
                       + (f" and {len(bad) - 5} more" if len(bad) > 5 else "") + ".")
    if len(out) > max_n:
        notices.append(f"At most {max_n} towns can be compared; showing the first {max_n}.")
        out = out[:max_n]
    return out, notices


def parse_choice(raw, choices, default, what: str) -> tuple[str, str | None]:
    s = _clean(raw)
    if not s:
        return default, None
    if s in choices:
        return s, None
    return default, f"The link asked for an unknown {what} (“{_show(s)}”); showing the default instead."


def parse_number(raw, lo: float, hi: float, what: str) -> tuple[float | None, str | None]:
    s = _clean(raw)
    if not s:
        return None, None
    try:
        x = float(s)
    except ValueError:
        return None, f"The {what} in the link (“{_show(s)}”) is not a number; it was ignored."
    if not math.isfinite(x) or x < lo or x > hi:
        return None, f"The {what} in the link ({_show(s)}) is outside {lo:g} to {hi:g}; it was ignored."
    return x, None


def parse_flag(raw) -> bool:
    return _clean(raw).lower() in {"1", "true", "yes", "on"}


def vintage_notice(raw, current: str) -> str | None:
    s = _clean(raw)
    if s and s != current:
        return (f"This link was made with data vintage “{_show(s)}”; this dashboard now holds vintage {current}. "
                "Figures may differ from what the sender saw.")
    return None
