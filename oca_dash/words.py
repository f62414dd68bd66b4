"""Comparisons in words: ratios, percentage-point gaps, differences and ranks, said the way a
person says them aloud ("about half", "more than double", "the 5th lowest of 169 towns").

The one home of these phrases (after Census Reporter's small ratio-to-words module): the
Compare page and the talking points both use them, so a comparison reads the same everywhere.
Pure functions, no database and no Streamlit.

Honesty rules, applied in ``difference``:
- a gap inside the combined 90% margins of error (``moe.significantly_different`` False) is
  not called a difference;
- a top-coded value ("$250,000+") is never used as a number: its ratio is bounded from one side
  ("more than double"), and two top-coded values cannot be compared;
- shares are compared in percentage points unless both are small rates, where a ratio says more.

Phrases read after "X is ...": "X is about half of Y's", "X is 12 percentage points higher than Y's".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import moe as M
from .format import fmt_number, fmt_value, is_top_coded, ordinal
from .indicators import INDICATORS

# -- ratios and differences ----------------------------------------------------------------

_FRACTIONS = {3: "a third", 4: "a quarter", 5: "a fifth", 6: "a sixth", 7: "a seventh", 8: "an eighth",
              9: "a ninth", 10: "a tenth"}


def _round_half(x: float) -> float:
    return math.floor(x * 2 + 0.5) / 2


def _num(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def ratio_words(r: float) -> str | None:
    """How r = other / base reads after "X is ... Y": 'about the same as', 'about 1.5 times',
    'more than double', 'about half of', 'about 20% lower than'. None when r is undefined."""
    if r is None or not math.isfinite(r) or r < 0:
        return None
    if 1 / 1.1 <= r < 1.1:
        return "about the same as"
    if r >= 1:
        if r < 1.4:
            return f"about {math.floor((r - 1) * 10 + 0.5) * 10}% higher than"
        if r < 1.75:
            return "about 1.5 times"
        if r < 1.9:
            return "nearly double"
        if r < 2.1:
            return "about double"
        if r < 2.4:
            return "more than double"
        if r < 5:
            return f"about {_num(_round_half(r))} times"
        return f"about {math.floor(r + 0.5):,} times"
    if r > 0.7:
        return f"about {math.floor((1 - r) * 10 + 0.5) * 10}% lower than"
    if r > 0.6:
        return "about two-thirds of"
    if r > 0.53:
        return "a little more than half of"
    if r >= 0.47:
        return "about half of"
    if r > 0.4:
        return "less than half of"
    k = math.floor(1 / r + 0.5) if r > 0 else 99
    if k <= 10:
        return f"about {_FRACTIONS.get(k, 'a third')} of"
    return "less than a tenth of"


def points_words(d_pts: float) -> str:
    """A difference of two shares in percentage points: '12 percentage points higher than'."""
    a = abs(d_pts)
    if a < 0.95:
        return "about the same as"
    n = f"{a:.1f}" if a < 9.95 else f"{a:.0f}"
    return f"{n} percentage points {'higher' if d_pts > 0 else 'lower'} than"


def uses_points(ind, a: float, b: float) -> bool:
    """Shares read as percentage points, except for two small rates where a ratio says more
    ('poverty is about 4 times Hartford's')."""
    if ind.unit != "share":
        return False
    lo, hi = min(a, b), max(a, b)
    return not (hi <= 0.5 and lo >= 0.01)


def amount_words(ind, d: float) -> str:
    """A difference in the figure's own units, for scores and years, where ratios mislead."""
    if ind.unit == "years":
        n = f"{abs(d):.1f} years"
        return "about the same as" if abs(d) < 0.05 else f"{n} {'longer' if d > 0 else 'shorter'} than"
    txt = fmt_number(abs(d), ind.fmt)
    if txt.strip("0.,%") == "":
        return "about the same as"
    return f"{txt} {'higher' if d > 0 else 'lower'} than"


@dataclass(frozen=True)
class Difference:
    """How a figure (b) stands against a reference (a)."""
    phrase: str  # reads after "b is": 'about half of', 'not significantly different from'
    significant: bool | None  # None: cannot be judged (a value is missing or both top-coded)
    kind: str  # 'ratio' | 'points' | 'difference' | 'top-coded' | 'missing' | 'not significant'


def difference(indicator_id: str, a, moe_a, b, moe_b) -> Difference:
    """Compare b with a (the reference: the base town, the state, the region) in words."""
    ind = INDICATORS[indicator_id]
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return Difference("not comparable with", None, "missing")
    a, b = float(a), float(b)
    top_a, top_b = is_top_coded(ind, a), is_top_coded(ind, b)
    if top_a and top_b:
        return Difference("top-coded like", None, "top-coded")
    if top_b or top_a:
        # The true top-coded value is at least the top code: bound the ratio from one side.
        top = ind.top_coded
        if top_b:
            # certain only if the reference's upper bound stays under the top code
            sig = (a + (0 if pd.isna(moe_a) else moe_a)) < top
            if not sig:
                return Difference("not significantly different from", False, "not significant")
            r = top / a if a > 0 else math.inf
            if r >= 3:
                return Difference(f"at least {math.floor(r)} times", True, "top-coded")
            if r >= 2:
                return Difference("more than double", True, "top-coded")
            if r >= 1.5:
                return Difference("more than 1.5 times", True, "top-coded")
            return Difference("higher than", True, "top-coded")
        sig = (b + (0 if pd.isna(moe_b) else moe_b)) < top
        if not sig:
            return Difference("not significantly different from", False, "not significant")
        r = b / top
        if r <= 1 / 3:
            return Difference("less than a third of", True, "top-coded")
        if r <= 0.5:
            return Difference("less than half of", True, "top-coded")
        return Difference("lower than", True, "top-coded")
    if not bool(M.significantly_different(a, moe_a, b, moe_b)):
        if a == b:
            return Difference("the same as", True, "ratio")
        return Difference("not significantly different from", False, "not significant")
    if ind.unit in ("zscore", "score", "years") or a <= 0 or b < 0:
        if ind.unit == "share":
            return Difference(points_words((b - a) * 100), True, "points")
        return Difference(amount_words(ind, b - a), True, "difference")
    if uses_points(ind, a, b):
        return Difference(points_words((b - a) * 100), True, "points")
    return Difference(ratio_words(b / a) or "different from", True, "ratio")


def said(indicator_id: str, d: Difference, a=None, b=None) -> str:
    """The phrase a talking point says for b against a. A gap inside the margins of error is never called
    a difference: 'about the same as' when the two estimates are also close (within 10%), else 'within the
    margin of error of' (so '16.8%, about the same as 10.0%' is never said)."""
    if d.kind == "not significant":
        close = a is None or b is None or pd.isna(a) or pd.isna(b) or (
            float(a) != 0 and 1 / 1.1 <= float(b) / float(a) < 1.1)
        return "about the same as" if close else "within the margin of error of"
    return d.phrase


# -- values said aloud ------------------------------------------------------------------------

def more_than(indicator_id: str) -> str:
    """A top-coded value as said aloud: 'more than $250,000'."""
    ind = INDICATORS[indicator_id]
    return f"more than {fmt_value(indicator_id, ind.top_coded - 1).rstrip('+')}"


def unreliable(indicator_id: str, v, m) -> bool:
    """True when the estimate's coefficient of variation is above 30%, or it is a zero with a margin of
    error (the CV is undefined; the true value may well not be zero). Never for a top code."""
    ind = INDICATORS[indicator_id]
    if v is None or m is None or pd.isna(v) or pd.isna(m) or is_top_coded(ind, v):
        return False
    if float(v) == 0:
        return float(m) > 0
    return bool(M.is_unreliable(v, m))


def value_words(indicator_id: str, v, m=None) -> str:
    """A value as said in a sentence: '26.1%', 'more than $250,000' for a top code, 'about 0.4%'
    when the margin of error is large (CV above 30%), 'almost none' for a share estimated at zero with a
    margin of error (a survey that found none does not show there are none)."""
    ind = INDICATORS[indicator_id]
    if is_top_coded(ind, v):
        return more_than(indicator_id)
    if ind.unit == "share" and v is not None and not pd.isna(v) and float(v) == 0 and unreliable(indicator_id, v, m):
        return "almost none"
    t = fmt_value(indicator_id, v)
    return f"about {t}" if unreliable(indicator_id, v, m) else t


# -- ranks --------------------------------------------------------------------------------------

def rank_words(rank_high, rank_low, n, ties: int = 1, noun: str = "towns", top_coded: bool = False,
               approximate: bool = False, within: int | None = 20) -> str:
    """'the 5th lowest of 169 towns', 'the highest of 169 towns', 'tied for the 3rd highest of 169
    towns', 'among the 10 highest of 169 towns' (approximate: an estimate with a margin of error).

    Ranks count from whichever end is nearer. Empty when there is no rank, when the place is
    further than ``within`` from both ends (a middling rank says little), when five or more places
    share the value, or for a top-coded value (it ties at the top and is never ranked as a number).
    """
    if rank_high is None or rank_low is None or n is None or pd.isna(rank_high) or pd.isna(rank_low) or not n:
        return ""
    rh, rl, n, ties = int(rank_high), int(rank_low), int(n), int(ties or 1)
    if top_coded or ties >= 5:
        return ""
    high = rh <= rl
    r = rh if high else rl
    end = "highest" if high else "lowest"
    if within is None:
        within = n
    within = min(within, max(3, n // 6))  # 20 of 169 towns, 6 of 36 Senate districts
    if r > within:
        return ""
    if approximate:
        for k in (3, 5, 10, 20):
            if r <= k and k <= max(within, 3):
                return f"among the {k} {end} of {n} {noun}"
        return ""
    pos = end if r == 1 else f"{ordinal(r)} {end}"
    return f"{'tied for ' if ties > 1 else ''}the {pos} of {n} {noun}"


# -- lists and counts ------------------------------------------------------------------------------

def join_words(items, conj: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def possessive(name: str) -> str:
    """'Hartford’s'; a name ending in s takes the apostrophe alone, as in AP style: 'Windsor Locks’'."""
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def count_of(k: int, n: int, noun: str = "towns", det: str = "the") -> str:
    """'3 of the 5 towns', 'all 5 towns', 'both towns', 'none of the 5 towns'; det='these' gives
    '3 of these 5 towns' and 'all 5 of these towns'; det='the district’s': '3 of the district’s 5 towns'."""
    one = noun[:-1] if noun.endswith("s") else noun
    if n == 0:
        return f"no {noun}"
    if k == n:
        if n == 1:
            return f"the {one}" if det == "the" else f"{det} {one}".replace("these", "this")
        if n == 2:
            return f"both {noun}"
        return f"all {n} {noun}" if det == "the" else f"all {n} of {det} {noun}"
    if k == 0:
        return f"no {one}" if n == 1 else f"none of {det} {n} {noun}"
    return f"{k} of {det} {n} {noun}"
