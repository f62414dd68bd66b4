import math

from oca_dash.format import fmt_moe, fmt_value, ordinal


def test_shares_are_shown_as_percents():
    assert fmt_value("poverty_rate", 0.254638) == "25.5%"
    assert fmt_moe("poverty_rate", 0.017598) == "±1.8 pts"


def test_top_coded_income_is_never_shown_as_a_number():
    assert fmt_value("median_hh_income", 250001.0) == "$250,000+"
    assert fmt_value("median_hh_income", 45300.0) == "$45,300"


def test_missing_is_a_dash():
    assert fmt_value("poverty_rate", float("nan")) == "—"
    assert fmt_value("poverty_rate", None) == "—"
    assert fmt_moe("poverty_rate", math.nan) == ""


def test_ordinals():
    assert [ordinal(i) for i in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 169)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th", "169th"]
