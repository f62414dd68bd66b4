"""Margins of error and reliability, by the Census Bureau's ACS formulas.

"Understanding and Using American Community Survey Data: What All Data Users Need
to Know" (U.S. Census Bureau, 2020), chapter 8: ACS margins of error are at the
90% confidence level; derived estimates use these approximations.
Works on scalars and on numpy arrays / pandas Series alike.
"""

from __future__ import annotations

import numpy as np

Z90 = 1.645
CV_UNRELIABLE = 0.30  # coefficient of variation above which we flag an estimate


def moe_sum(*moes):
    """MOE of a sum (or difference) of estimates: sqrt of the sum of squared MOEs."""
    return np.sqrt(sum(np.square(np.asarray(m, dtype=float)) for m in moes))


def moe_proportion(num, den, moe_num, moe_den):
    """MOE of p = num/den where num is a subset of den.

    sqrt(MOE_num^2 - p^2 MOE_den^2) / den; when the radicand is negative the
    Bureau says to use the ratio formula instead.
    """
    num, den = np.asarray(num, float), np.asarray(den, float)
    moe_num, moe_den = np.nan_to_num(np.asarray(moe_num, float)), np.nan_to_num(np.asarray(moe_den, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = num / den
        rad = moe_num**2 - p**2 * moe_den**2
        ratio_rad = moe_num**2 + p**2 * moe_den**2
        out = np.where(rad >= 0, np.sqrt(np.where(rad >= 0, rad, 0)), np.sqrt(ratio_rad)) / den
    return np.where(den > 0, out, np.nan)


def moe_ratio(num, den, moe_num, moe_den):
    """MOE of a ratio R = num/den where num is not a subset of den."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    moe_num, moe_den = np.nan_to_num(np.asarray(moe_num, float)), np.nan_to_num(np.asarray(moe_den, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
        out = np.sqrt(moe_num**2 + r**2 * moe_den**2) / den
    return np.where(den > 0, out, np.nan)


def cv(estimate, moe):
    """Coefficient of variation: (MOE / 1.645) / estimate. NaN when undefined."""
    est, m = np.asarray(estimate, float), np.asarray(moe, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (m / Z90) / np.abs(est)
    return np.where(est != 0, out, np.nan)


def is_unreliable(estimate, moe, threshold: float = CV_UNRELIABLE):
    """True where the CV exceeds the threshold (30%); False where no MOE is known."""
    c = cv(estimate, moe)
    return np.where(np.isnan(c), False, c > threshold)


def significantly_different(a, moe_a, b, moe_b):
    """Census test at 90%: |a-b| > sqrt(MOE_a^2 + MOE_b^2). A missing MOE counts as 0
    (a figure with no sampling error, such as a count from an administrative list)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.abs(a - b) > moe_sum(np.nan_to_num(np.asarray(moe_a, float)), np.nan_to_num(np.asarray(moe_b, float)))
