"""Margins of error follow the Census Bureau's ACS formulas (ACS handbook 2020, ch. 8)."""

import math

import numpy as np

from oca_dash import moe as M


def test_sum_is_root_of_summed_squares():
    assert M.moe_sum(3, 4) == 5
    assert math.isclose(float(M.moe_sum(1953, 1488)), math.sqrt(1953**2 + 1488**2))


def test_proportion_formula_and_its_ratio_fallback():
    # p = 40/100, MOE_num 10, MOE_den 12: sqrt(10^2 - 0.16*144)/100
    assert math.isclose(float(M.moe_proportion(40, 100, 10, 12)), math.sqrt(100 - 0.16 * 144) / 100)
    # radicand negative: num MOE tiny vs den MOE -> ratio formula sqrt(1 + 0.81*400)/100
    got = float(M.moe_proportion(90, 100, 1, 20))
    assert math.isclose(got, math.sqrt(1 + 0.81 * 400) / 100)


def test_proportion_of_empty_universe_is_undefined():
    assert np.isnan(M.moe_proportion(0, 0, 5, 5))


def test_cv_and_reliability_flag():
    assert math.isclose(float(M.cv(1000, 164.5)), 0.1)
    assert bool(M.is_unreliable(100, 60))  # CV = 0.365
    assert not bool(M.is_unreliable(100, 40))  # CV = 0.243
    assert not bool(M.is_unreliable(100, np.nan))  # no MOE: cannot flag


def test_significance_uses_combined_margins():
    assert not bool(M.significantly_different(100, 10, 112, 10))  # 12 < 14.1
    assert bool(M.significantly_different(100, 10, 115, 10))
    assert bool(M.significantly_different(0.5, np.nan, 0.6, np.nan))  # admin counts: no sampling error
