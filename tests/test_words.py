"""Comparisons in words (oca_dash.words): ratios, points, margins of error, top codes, ranks."""

import math

import numpy as np
import pytest

from oca_dash import words as W
from oca_dash.indicators import INDICATORS

TOP = INDICATORS["median_hh_income"].top_coded


@pytest.mark.parametrize("r, said", [
    (1.0, "about the same as"), (1.05, "about the same as"), (0.95, "about the same as"),
    (1.2, "about 20% higher than"), (0.8, "about 20% lower than"),
    (1.5, "about 1.5 times"), (1.8, "nearly double"), (2.0, "about double"), (2.2, "more than double"),
    (3.1, "about 3 times"), (4.4, "about 4.5 times"), (7.6, "about 8 times"),
    (0.65, "about two-thirds of"), (0.55, "a little more than half of"), (0.5, "about half of"),
    (0.45, "less than half of"), (0.33, "about a third of"), (0.25, "about a quarter of"), (0.2, "about a fifth of"),
    (0.05, "less than a tenth of"),
])
def test_ratio_words(r, said):
    assert W.ratio_words(r) == said


def test_ratio_words_undefined():
    for r in (None, math.inf, math.nan, -1.0):
        assert W.ratio_words(r) is None


def test_points_words():
    assert W.points_words(12.3) == "12 percentage points higher than"
    assert W.points_words(-3.44) == "3.4 percentage points lower than"
    assert W.points_words(0.5) == "about the same as"


def test_a_gap_within_the_margins_is_not_claimed():
    # 10% +/- 2 against 13% +/- 2.5: the gap (3 points) is inside sqrt(2^2 + 2.5^2) = 3.2 points
    d = W.difference("poverty_rate", 0.10, 0.02, 0.13, 0.025)
    assert d.kind == "not significant" and d.significant is False
    assert W.said("poverty_rate", d, 0.10, 0.13) == "within the margin of error of"  # 30% apart: not "same"
    assert W.said("poverty_rate", W.difference("poverty_rate", 0.10, 0.02, 0.105, 0.02), 0.10, 0.105) \
        == "about the same as"
    # the same gap with small margins is a difference, said as a ratio of two small rates
    d = W.difference("poverty_rate", 0.10, 0.005, 0.13, 0.005)
    assert d.significant and d.phrase == "about 30% higher than"


def test_shares_use_points_where_a_ratio_misleads():
    d = W.difference("share_poc", 0.31, 0.01, 0.84, 0.02)
    assert d.kind == "points" and d.phrase == "53 percentage points higher than"
    # two small rates: a ratio
    assert W.difference("poverty_rate", 0.06, 0.01, 0.24, 0.018).phrase == "about 4 times"


def test_scores_and_years_are_differences():
    assert W.difference("life_expectancy", 80.3, None, 83.4, None).phrase == "3.1 years longer than"
    d = W.difference("oca2025_index", -1.15, None, 0.6, None)
    assert d.kind == "difference" and d.phrase.endswith("higher than")


def test_top_coded_values_are_never_numbers():
    # more than $250,000 against $93,760: at least 2.67 times, said from below
    d = W.difference("median_hh_income", 93760, 669, TOP, None)
    assert d.kind == "top-coded" and d.phrase == "more than double"
    # a base near the top code cannot be compared
    assert W.difference("median_hh_income", 245000, 9000, TOP, None).significant is False
    # two top codes: no comparison at all
    assert W.difference("median_hh_income", TOP, None, TOP, None).significant is None
    assert W.value_words("median_hh_income", TOP) == "more than $250,000"
    assert W.more_than("median_hh_income") == "more than $250,000"
    assert not W.unreliable("median_hh_income", TOP, None)


def test_value_words_says_about_when_the_margin_is_large():
    assert W.value_words("share_black_nh", 0.004, 0.004) == "about 0.4%"  # CV = 0.61
    assert W.value_words("share_black_nh", 0.10, 0.01) == "10.0%"
    assert W.unreliable("share_black_nh", 0.004, 0.004)
    assert not W.unreliable("share_black_nh", 0.004, None)
    assert W.unreliable("share_black_nh", 0.0, 0.014) and W.value_words("share_black_nh", 0.0, 0.014) == "almost none"
    assert W.value_words("ahal_pct_affordable", 0.0, None) == "0.0%"  # a count from a list: truly none


def test_missing_values():
    assert W.difference("poverty_rate", np.nan, 0, 0.1, 0).kind == "missing"
    assert W.difference("poverty_rate", None, 0, 0.1, 0).significant is None


@pytest.mark.parametrize("args, kw, said", [
    ((5, 165, 169), {}, "the 5th highest of 169 towns"),
    ((169, 1, 169), {}, "the lowest of 169 towns"),
    ((1, 169, 169), {}, "the highest of 169 towns"),
    ((165, 5, 169), {}, "the 5th lowest of 169 towns"),
    ((3, 160, 169), {"ties": 2}, "tied for the 3rd highest of 169 towns"),
    ((1, 120, 169), {"ties": 45}, ""),  # 45 towns share the value: a rank says nothing
    ((80, 90, 169), {}, ""),  # middling
    ((1, 169, 169), {"top_coded": True}, ""),  # never rank a top code
    ((4, 160, 169), {"approximate": True}, "among the 5 highest of 169 towns"),
    ((12, 150, 169), {"approximate": True}, "among the 20 highest of 169 towns"),
    ((7, 30, 36), {"noun": "State Senate districts"}, ""),  # 7th of 36 is not notable
    ((3, 34, 36), {"noun": "State Senate districts"}, "the 3rd highest of 36 State Senate districts"),
])
def test_rank_words(args, kw, said):
    assert W.rank_words(*args, **kw) == said


def test_rank_words_without_a_rank():
    assert W.rank_words(None, None, None) == ""
    assert W.rank_words(np.nan, np.nan, 169) == ""


def test_lists_counts_and_possessives():
    assert W.join_words(["A"]) == "A"
    assert W.join_words(["A", "B"]) == "A and B"
    assert W.join_words(["A", "B", "C"]) == "A, B and C"
    assert W.count_of(3, 5) == "3 of the 5 towns"
    assert W.count_of(5, 5, det="these") == "all 5 of these towns"
    assert W.count_of(0, 9, det="these") == "none of these 9 towns"
    assert W.count_of(2, 2) == "both towns"
    assert W.count_of(4, 18, det="the district’s") == "4 of the district’s 18 towns"
    assert W.possessive("Hartford") == "Hartford’s"
    assert W.possessive("Windsor Locks") == "Windsor Locks’"
