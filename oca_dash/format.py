"""Turn stored values into text, by the registry's format codes. No Streamlit here."""

from __future__ import annotations

import math
import re

from .indicators import INDICATORS, Indicator

_MD_SPECIAL = "\\`*_{}[]()#+-.!|$~<>&:"


def md_escape(text) -> str:
    """Text from a URL or the data, made literal for Markdown (st.markdown, captions, tables):
    no HTML, no Markdown syntax, no LaTeX, no autolinks; apostrophes kept as they are.
    The one escaper of the project (ui.esc, methods.md and map_view.md_text call it)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=www))(?=\.)|(?<=@)(?!\u2060)")


def no_autolink(text) -> str:
    """Text quoted from a link, made unable to turn into a live link. Streamlit's Markdown (remark-gfm)
    links 'https://…', 'www.…' and 'name@host.tld' found in plain text after escapes are resolved, so
    md_escape cannot stop it; an invisible word joiner (U+2060) inside each such pattern does. Use it on
    text from the URL, not on the app's own source addresses (which should stay links)."""
    return _AUTOLINK.sub("\u2060", "" if text is None else str(text))


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x, fmt: str) -> str:
    """Format a stored value (shares are fractions) by a registry format code."""
    if _missing(x):
        return "—"
    x = float(x)
    if fmt == "pct1":
        return f"{x * 100:.1f}%"
    if fmt == "pct0":
        return f"{x * 100:.0f}%"
    if fmt == "dollars":
        return f"${x:,.0f}"
    if fmt == "int":
        return f"{x:,.0f}"
    if fmt == "dec2":
        return f"{x:,.2f}"
    if fmt == "dec0":
        return f"{x:,.0f}"
    return f"{x:,.1f}"  # dec1 and anything else


def is_top_coded(ind: Indicator, x) -> bool:
    return ind.top_coded is not None and not _missing(x) and float(x) >= ind.top_coded


def fmt_value(indicator_id: str, x) -> str:
    """A value as people read it: '45.2%', '$45,300', '250,000+' for a top-coded median."""
    ind = INDICATORS[indicator_id]
    if is_top_coded(ind, x):
        return f"${ind.top_coded - 1:,.0f}+" if ind.fmt == "dollars" else f"{ind.top_coded - 1:,.0f}+"
    return fmt_number(x, ind.fmt)


def fmt_moe(indicator_id: str, moe) -> str:
    """'±1.6 pts' for shares, '±$2,925' for dollars, '' when there is no margin."""
    if _missing(moe):
        return ""
    ind = INDICATORS[indicator_id]
    if ind.unit == "share":
        return f"±{float(moe) * 100:.1f} pts"
    return "±" + fmt_number(moe, ind.fmt)


def ordinal(n: int) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
