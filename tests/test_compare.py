"""The comparison's words, tables and chart data (oca_dash.compare), pure and on the real database."""

import math

import numpy as np
import pandas as pd
import pytest

from oca_dash import compare as C
from oca_dash.format import fmt_value
from oca_dash.indicators import INDICATORS


@pytest.mark.parametrize("r, words", [
    (1.0, "about the same as"), (1.05, "about the same as"), (0.93, "about the same as"),
    (1.2, "about 20% higher than"), (1.5, "about 1.5 times"), (1.85, "nearly double"), (2.0, "about double"),
    (2.2, "more than double"), (3.4, "about 3.5 times"), (7.3, "about 7 times"), (0.8, "about 20% lower than"),
    (0.66, "about two-thirds of"), (0.5, "about half of"), (0.43, "less than half of"), (0.33, "about a third of"),
    (0.25, "about a quarter of"), (0.2, "about a fifth of"), (0.04, "less than a tenth of"),
])
def test_ratio_words(r, words):
    assert C.ratio_words(r) == words


def test_ratio_words_undefined():
    for r in (None, math.nan, math.inf, -1):
        assert C.ratio_words(r) is None


def test_points_words():
    assert C.points_words(12.3) == "12 percentage points higher than"
    assert C.points_words(-3.44) == "3.4 percentage points lower than"
    assert C.points_words(0.4) == "about the same as"


def test_difference_within_margins_is_not_significant():
    d = C.difference("poverty_rate", 0.10, 0.02, 0.11, 0.02)
    assert d.significant is False and d.kind == "not significant"
    assert "not significantly different" in C.sentence("poverty_rate", "A", 0.10, 0.02, "B", 0.11, 0.02)[1]


def test_small_rates_use_a_ratio_large_shares_use_points():
    assert C.difference("poverty_rate", 0.255, 0.018, 0.06, 0.01).phrase == "about a quarter of"
    d = C.difference("share_poc", 0.84, 0.02, 0.31, 0.02)
    assert d.kind == "points" and d.phrase == "53 percentage points lower than"


def test_scores_and_years_use_differences_not_ratios():
    assert C.difference("life_expectancy", 77.1, None, 82.4, None).phrase == "5.3 years longer than"
    d = C.difference("oca2025_index", -1.15, None, 0.6, None)
    assert d.kind == "difference" and "higher than" in d.phrase


def test_top_coded_incomes_are_more_than_never_a_number():
    top = INDICATORS["median_hh_income"].top_coded
    d = C.difference("median_hh_income", 45300, 2925, top, None)
    assert d.kind == "top-coded" and d.phrase == "at least 5 times"
    fig, text = C.sentence("median_hh_income", "Hartford", 45300, 2925, "Darien", top, None)
    assert text.startswith("more than $250,000 in Darien") and "250,001" not in text
    both = C.sentence("median_hh_income", "Darien", top, None, "Westport", top, None)[1]
    assert "cannot be compared" in both
    assert C.difference("median_hh_income", top, None, 93760, 669).phrase == "less than half of"
    # a base whose margin reaches the top code cannot be said to be lower
    assert C.difference("median_hh_income", 240000, 15000, top, None).significant is False


def test_missing_values_are_said_missing():
    assert C.sentence("poverty_rate", "Hartford", 0.25, 0.01, "Avon", np.nan, np.nan)[1] == "no figure for Avon."
    assert C.difference("poverty_rate", np.nan, 0, 0.1, 0).kind == "missing"


def test_unreliable_estimate_is_flagged():
    text = C.sentence("poverty_rate", "A", 0.25, 0.01, "B", 0.02, 0.015)[1]
    assert "⚠" in text and "rough estimate" in text


def _vals(db, towns):
    tids = {t: db.town(t)["town_id"] for t in towns}
    return C.load_values(db, tids, C.all_ids("oca2025", "poverty_rate"))


def test_sentences_compare_with_the_first_town(db):
    towns = ["Hartford", "West Hartford", "Darien"]
    vals, _ = _vals(db, towns)
    said = C.sentences(vals, towns, C.sentence_figures("oca2025"))
    assert set(said) == {"West Hartford", "Darien"}
    pov = dict(said["West Hartford"])["Poverty rate"]
    v = vals.set_index(["town", "indicator"])["estimate"]
    assert pov.startswith(fmt_value("poverty_rate", v[("West Hartford", "poverty_rate")]) + " in West Hartford")
    assert f"Hartford’s {fmt_value('poverty_rate', v[('Hartford', 'poverty_rate')])}" in pov
    inc = dict(said["Darien"])["Median household income"]
    assert inc.startswith("more than $250,000 in Darien")


def test_comparison_table_values_margins_and_notes(db):
    towns = ["Hartford", "West Hartford", "Darien"]
    vals, state = _vals(db, towns)
    t = C.comparison_table(vals, state, towns, ["poverty_rate", "median_hh_income", "grad_rate_4yr"])
    assert list(t.columns) == ["Figure", *towns, "Connecticut", "Note", "Source"]
    r = vals.set_index(["town", "indicator"])
    pov = t.iloc[0]
    assert pov["Hartford"].startswith(fmt_value("poverty_rate", r.loc[("Hartford", "poverty_rate"), "estimate"]) + " ±")
    inc = t.iloc[1]
    assert inc["Darien"] == "$250,000+" and "Darien: top-coded" in inc["Note"]
    assert t["Source"].str.len().gt(0).all()


def test_table_labels_drop_the_section_prefix():
    assert C.table_label("share_black_nh") == "Black, not Hispanic"
    assert C.table_label("oca2025_share_low").startswith("Residents in Low or Very Low")
    assert C.table_label("poverty_rate") == INDICATORS["poverty_rate"].label


def test_dot_data_and_headline():
    vals = pd.DataFrame({"town": ["A", "B", "C"], "indicator": "median_hh_income",
                         "estimate": [50000.0, 250001.0, 80000.0], "moe": [3000.0, np.nan, 4000.0]})
    state = pd.DataFrame({"indicator": ["median_hh_income"], "estimate": [93760.0], "moe": [669.0]})
    d = C.dot_data(vals, state, ["A", "B", "C"], "median_hh_income")
    assert list(d["place"]) == ["A", "B", "C", "Connecticut"]
    b = d.set_index("place").loc["B"]
    assert b["text"] == "$250,000+" and pd.isna(b["low"]) and b["top_coded"]
    assert d.set_index("place").loc["A", "low"] == 47000
    h = C.dot_headline(d, "median_hh_income")
    assert "highest in B ($250,000+)" in h and "lowest in A ($50,000)" in h
    two = C.dot_data(vals[vals.town != "C"], state, ["A", "B"], "median_hh_income")
    assert C.dot_headline(two, "median_hh_income") == "Median income in B ($250,000+) is at least 5 times A’s ($50,000)"
    same = pd.DataFrame({"town": ["A", "B"], "indicator": "poverty_rate", "estimate": [0.10, 0.105],
                         "moe": [0.02, 0.02]})
    d2 = C.dot_data(same, state.iloc[0:0], ["A", "B"], "poverty_rate")
    assert "not significantly different" in C.dot_headline(d2, "poverty_rate")


def test_appeals_headline_counts_towns_below_ten_percent(db):
    towns = ["Hartford", "West Hartford", "Avon"]
    hist, state = C.load_appeals(db, {t: db.town(t)["town_id"] for t in towns})
    last = hist[hist["year"] == hist["year"].max()].set_index("town")
    below = last[last["pct_affordable"] < 0.10]
    h = C.appeals_headline(hist, towns)
    assert f"{len(below)} of 3" in h and f"{int(below['units_to_10pct'].sum()):,}" in h
    data = C.appeals_chart_data(hist, state, towns)
    assert set(data["series"]) == {*towns, "Connecticut"}


def test_opportunity_headline_names_ties():
    area = pd.DataFrame({"place": ["A", "B", "C"], "share_very_low": [0.9, 0.0, 0.0], "share_low": [0.1, 0.0, 0.0]})
    assert C.opportunity_headline(area, ["A", "B", "C"], "X") == \
        "100% of A’s residents live in Low or Very Low opportunity tracts, against 0% in B and C"


def test_recolour_gives_each_town_one_colour_and_the_state_grey():
    spec = {"layer": [{"encoding": {"color": {"field": "series", "type": "nominal"}}}]}
    C.recolour(spec, ["A", "B", "Connecticut"])
    sc = spec["layer"][0]["encoding"]["color"]["scale"]
    assert sc["domain"] == ["A", "B", "Connecticut"] and sc["range"][2] == C.STATE_COLOUR
    assert len(set(C.place_colours([f"T{i}" for i in range(6)] + ["Connecticut"]))) == 7


def test_fit_spec_wraps_long_titles_on_a_phone():
    spec = {"title": {"text": "x " * 40, "subtitle": "short"}, "encoding": {"color": {"field": "place"}}}
    C.fit_spec(spec, phone=True)
    assert isinstance(spec["title"]["text"], list) and all(len(s) <= 36 for s in spec["title"]["text"])
    assert spec["encoding"]["color"]["legend"]["columns"] == 2


def test_dot_headline_names_towns_without_a_figure():
    vals = pd.DataFrame({"town": ["A", "B", "C"], "indicator": "grad_rate_4yr", "estimate": [np.nan, 0.96, 0.949],
                         "moe": np.nan})
    state = pd.DataFrame({"indicator": [], "estimate": [], "moe": []})
    h = C.dot_headline(C.dot_data(vals, state, ["A", "B", "C"], "grad_rate_4yr"), "grad_rate_4yr")
    assert h == "4-yr graduation rate: highest in B (96.0%), lowest in C (94.9%); no figure for A"
