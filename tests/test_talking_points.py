"""The talking-point engine against the real database: every expected number is computed here from
the database (never copied from the engine's text)."""

from __future__ import annotations

import numpy as np
import pytest

from oca_dash import moe as M
from oca_dash import talking_points as TP
from oca_dash import words as W
from oca_dash.format import fmt_number, fmt_value
from oca_dash.indicators import INDICATORS


def val(db, geo_type, geo_id, ind):
    r = db.df("SELECT estimate, moe FROM indicator_values WHERE geo_type = ? AND geo_id = ? AND indicator = ?",
              [geo_type, geo_id, ind])
    if not len(r):
        return None, None
    e, m = r.iloc[0]
    return (None if e != e else float(e)), (None if m != m else float(m))


def town_id(db, name):
    return db.town(name)["town_id"]


def points(brief, topic=None):
    return [p for p in brief.points if topic is None or p.topic == topic]


def one(brief, topic, contains):
    hits = [p for p in points(brief, topic) if contains in p.sentence]
    assert len(hits) == 1, (contains, [p.sentence for p in points(brief, topic)])
    return hits[0]


# -- one town ---------------------------------------------------------------------------------------

def test_race_shares_against_state_and_region(db):
    b = TP.brief_for(db, town="West Hartford", topics="race")
    t = db.town("West Hartford")
    tb, tl = val(db, "town", t["town_id"], "share_black_nh"), val(db, "town", t["town_id"], "share_hispanic")
    sb, sl = val(db, "state", "09", "share_black_nh"), val(db, "state", "09", "share_hispanic")
    rb, rl = val(db, "region", t["region_id"], "share_black_nh"), val(db, "region", t["region_id"], "share_hispanic")
    p = points(b, "race")[0]
    assert p.sentence == (
        f"In 2019-2023, {W.value_words('share_black_nh', *tb)} of West Hartford’s residents were Black and "
        f"{W.value_words('share_hispanic', *tl)} were Latino, against {fmt_value('share_black_nh', sb[0])} and "
        f"{fmt_value('share_hispanic', sl[0])} statewide and {fmt_value('share_black_nh', rb[0])} and "
        f"{fmt_value('share_hispanic', rl[0])} in the {t['region']}.")
    together = points(b, "race")[1]
    assert f"were {fmt_number(tb[0] + tl[0], 'pct1')} of West Hartford’s population in 2019-2023" in together.sentence
    assert f"({fmt_number(sb[0] + sl[0], 'pct1')})" in together.sentence
    assert p.source.startswith("U.S. Census Bureau") and p.vintage == "2019-2023"


def test_affordable_housing_need_on_the_2023_list(db):
    tid = town_id(db, "West Hartford")
    pct, need = val(db, "town", tid, "ahal_pct_affordable")[0], val(db, "town", tid, "ahal_units_to_10pct")[0]
    assert pct < 0.10 and need > 0
    b = TP.brief_for(db, town="West Hartford", topics=["8-30g"])
    p = one(b, "affordable_housing", "West Hartford would need")
    assert p.sentence.startswith("On the 2023 Affordable Housing Appeals List, ")
    assert f"{fmt_value('ahal_pct_affordable', pct)} of West Hartford’s homes" in p.sentence
    assert f"West Hartford would need {int(need):,} more assisted homes to reach the statute’s 10% threshold" \
        in p.sentence


def test_a_town_at_or_above_10_percent_is_exempt(db):
    top = db.df("SELECT t.town, v.estimate FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id "
                "WHERE v.geo_type = 'town' AND v.indicator = 'ahal_pct_affordable' ORDER BY v.estimate DESC LIMIT 1")
    name, pct = top.iloc[0]
    b = TP.brief_for(db, town=name, topics="affordable_housing")
    p = points(b, "affordable_housing")[0]
    assert "exempt from the 8-30g appeals procedure" in p.sentence and "would need" not in p.sentence
    assert fmt_value("ahal_pct_affordable", pct) in p.sentence
    assert "the highest share of 169 towns" in p.sentence


def test_top_coded_income_is_said_as_more_than(db):
    tid = town_id(db, "Darien")
    inc = val(db, "town", tid, "median_hh_income")[0]
    assert inc >= INDICATORS["median_hh_income"].top_coded  # Darien is top-coded in the ACS
    b = TP.brief_for(db, town="Darien", topics="income")
    p = one(b, "income", "median household income")
    assert "Darien’s median household income was more than $250,000 in 2019-2023" in p.sentence
    assert "250,001" not in p.sentence and "$250,000+" not in p.sentence
    assert "highest of" not in p.sentence  # a top code is never ranked
    state = val(db, "state", "09", "median_hh_income")[0]
    assert f"{W.difference('median_hh_income', state, None, inc, None).phrase} the state’s " \
           f"{fmt_value('median_hh_income', state)}" in p.sentence
    assert any("top-coded" in f for f in p.flags)


def _not_significant_but_looks_different(db):
    """A town whose renter cost burden differs from the state's by 12% or more as a ratio, yet within
    the combined margins of error."""
    s = val(db, "state", "09", "renter_cost_burden")
    d = db.df("SELECT t.town, v.estimate, v.moe FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id "
              "WHERE v.geo_type = 'town' AND v.indicator = 'renter_cost_burden' AND v.estimate IS NOT NULL "
              "ORDER BY t.town")
    for town, e, m in d.itertuples(index=False):
        ratio = e / s[0]
        if (ratio >= 1.12 or ratio <= 0.88) and not bool(M.significantly_different(e, m, *s)) \
                and not W.unreliable("renter_cost_burden", e, m):
            return town, e, m, s
    pytest.skip("no such town in this database")


def test_a_difference_within_the_margins_is_not_claimed(db):
    town, e, m, s = _not_significant_but_looks_different(db)
    assert W.ratio_words(e / s[0]) != "about the same as"  # a naive ratio would claim a difference
    b = TP.brief_for(db, town=town, topics="housing_costs")
    p = one(b, "housing_costs", "renter households")
    assert p.sentence == (f"{W.value_words('renter_cost_burden', e, m)} of {W.possessive(town)} renter households "
                          f"paid 30% or more of their income for rent in 2019-2023, within the margin of error of the "
                          f"state’s {fmt_value('renter_cost_burden', s[0])}.")
    assert "higher than" not in p.sentence and "lower than" not in p.sentence and "times" not in p.sentence
    assert any("combined margins of error" in f for f in p.flags)
    assert "highest of" not in p.sentence and "lowest of" not in p.sentence  # no rank for such a figure


def test_close_and_not_significant_is_about_the_same(db):
    b = TP.brief_for(db, town="Darien", topics="housing_costs")
    tid = town_id(db, "Darien")
    e, m = val(db, "town", tid, "renter_cost_burden")
    s = val(db, "state", "09", "renter_cost_burden")
    assert not M.significantly_different(e, m, *s) and 1 / 1.1 <= e / s[0] < 1.1
    assert f"about the same as the state’s {fmt_value('renter_cost_burden', s[0])}" in \
        one(b, "housing_costs", "renter households").sentence


def test_a_zero_estimate_with_a_margin_is_almost_none(db):
    z = db.df("SELECT t.town, v.moe FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id WHERE "
              "v.geo_type = 'town' AND v.indicator = 'share_black_nh' AND v.estimate = 0 AND v.moe > 0 "
              "ORDER BY t.town LIMIT 1")
    if not len(z):
        pytest.skip("no town estimated at zero")
    town = z.iloc[0]["town"]
    p = points(TP.brief_for(db, town=town, topics="race"), "race")[0]
    assert p.sentence.startswith(f"In 2019-2023, almost none of {W.possessive(town)} residents were Black")
    assert any("estimated at 0" in f for f in p.flags)


def test_a_large_margin_is_said_with_about_and_flagged(db):
    tid = town_id(db, "Darien")
    e, m = val(db, "town", tid, "share_black_nh")
    assert float(M.cv(e, m)) > 0.30
    b = TP.brief_for(db, town="Darien", topics="race")
    p = points(b, "race")[0]
    assert f"about {fmt_value('share_black_nh', e)} of Darien’s residents were Black" in p.sentence
    assert any("coefficient of variation" in f for f in p.flags)


def test_statewide_context_names_the_index(db):
    r = db.opportunity_by_race("oca2025")
    vl = r[r["level"] == "Very Low"].set_index("race")["share"]
    b = TP.brief_for(db, town="Hartford", topics="opportunity")
    p = one(b, "opportunity", "Statewide,")
    assert p.sentence.startswith(
        f"Statewide, {fmt_number(vl['Black'], 'pct0')} of Black residents and {fmt_number(vl['Latino'], 'pct0')} of "
        f"Latino residents live in Very Low opportunity tracts, against {fmt_number(vl['White'], 'pct0')} of White "
        f"residents (Opportunity index, current data, inputs 2016-2025")
    # another index is named as such
    b2 = TP.brief_for(db, town="Hartford", topics="opportunity", idx="coi3")
    assert "(Child Opportunity Index 3.0, 2021" in one(b2, "opportunity", "Statewide,").sentence


def test_opportunity_shares_name_the_index(db):
    tid = town_id(db, "Hartford")
    low = val(db, "town", tid, "oca2025_share_low")[0]
    b = TP.brief_for(db, town="Hartford", topics="opportunity")
    p = points(b, "opportunity")[0]
    assert p.sentence.startswith("On the Opportunity index (current data, inputs 2016-2025), "
                                 f"{fmt_value('oca2025_share_low', low)} of Hartford’s residents live in Low or Very "
                                 "Low opportunity census tracts")


def test_figures_are_the_database_values(db):
    b = TP.brief_for(db, town="New Haven")
    tid = town_id(db, "New Haven")
    checked = 0
    for p in b.points:
        for f in p.figures:
            if f.place == "New Haven" and f.indicator_id in INDICATORS and "towns" not in f.label.lower():
                e, m = val(db, "town", tid, f.indicator_id)
                assert f.value == pytest.approx(e), f
                if m is not None and f.moe is not None:
                    assert f.moe == pytest.approx(m)
                checked += 1
    assert checked >= 15


def test_every_sentence_carries_its_vintage(db):
    briefs = [TP.brief_for(db, town="Bridgeport"), TP.brief_for(db, towns="Hartford,Avon,Bloomfield"),
              TP.brief_for(db, district="H007"), TP.brief_for(db, set_towns=["Avon", "Canton", "Simsbury", "Granby"])]
    for b in briefs:
        assert b.points
        for p in b.points:
            parts = [v.strip() for v in p.vintage.split(";")]
            assert any(v in p.sentence for v in parts), (p.vintage, p.sentence)
            assert p.source


def test_same_input_same_text(db):
    a = TP.brief_for(db, town="Stamford")
    b = TP.brief_for(db, town="Stamford")
    assert [p.sentence for p in a.points] == [p.sentence for p in b.points]
    assert [p.figures for p in a.points] == [p.figures for p in b.points]
    assert a.chart_title == b.chart_title


def test_topics_filter_and_order(db):
    b = TP.brief_for(db, town="Hamden", topics="health,race")
    assert {p.topic for p in b.points} == {"race", "health"}
    assert [p.topic for p in b.points] == sorted((p.topic for p in b.points), key=list(TP.TOPICS).index)
    assert TP.parse_topics("8-30g, Segregation and race") == ["race", "affordable_housing"]
    assert TP.parse_topics(None) is None and TP.parse_topics("") is None
    with pytest.raises(TP.UnknownPlace, match="Unknown topic"):
        TP.parse_topics("race,weather")


# -- two to six towns ------------------------------------------------------------------------------

def test_two_towns_compared_in_words(db):
    b = TP.brief_for(db, towns="Hartford, West Hartford", topics="income")
    h, w = town_id(db, "Hartford"), town_id(db, "West Hartford")
    hv, wv = val(db, "town", h, "poverty_rate"), val(db, "town", w, "poverty_rate")
    p = one(b, "income", "the poverty rate")
    d = W.difference("poverty_rate", wv[0], wv[1], hv[0], hv[1])
    assert d.significant
    assert (f"the poverty rate was {fmt_value('poverty_rate', hv[0])} in Hartford and "
            f"{fmt_value('poverty_rate', wv[0])} in West Hartford") in p.sentence
    assert p.sentence.endswith(f": Hartford’s is {d.phrase} West Hartford’s.")
    assert b.subject.kind == "towns" and b.file_stem == "Hartford_West Hartford"


def test_towns_affordable_needs_add_up(db):
    names = ["Farmington", "West Hartford", "Hartford"]
    b = TP.brief_for(db, towns=names, topics="affordable_housing")
    needs = {n: val(db, "town", town_id(db, n), "ahal_units_to_10pct")[0] for n in names}
    pcts = {n: val(db, "town", town_id(db, n), "ahal_pct_affordable")[0] for n in names}
    below = [n for n in names if pcts[n] < 0.10]
    p = one(b, "affordable_housing", "would need")
    assert f"({int(sum(needs[n] for n in below)):,} in all)" in p.sentence
    for n in below:
        assert f"{int(needs[n]):,}" in p.sentence
    for n in names:
        if pcts[n] >= 0.10:
            assert f"{n} is at or above it" in p.sentence


# -- a set of towns ------------------------------------------------------------------------------------

def test_set_of_towns_common_ground(db):
    w = db.town_wide(["ahal_pct_affordable", "ahal_units_to_10pct", "population", "pop_white_nh"])
    names = list(w[w["population"] < 6000]["town"])  # small towns: a Find-page style result
    b = TP.brief_for(db, set_towns=names, set_description="population at most 6,000")
    s = w[w["town"].isin(names)]
    below = s[s["ahal_pct_affordable"] < 0.10]
    p = one(b, "affordable_housing", "below the 10% threshold")
    head = (f"all {len(names)} of these towns" if len(below) == len(names)
            else f"{len(below)} of these {len(names)} towns")
    assert f"Appeals List, {head} were below the 10% threshold of CGS 8-30g" in p.sentence
    assert f"needing {int(below['ahal_units_to_10pct'].sum()):,} more assisted homes in all" in p.sentence
    race = points(b, "race")[0]
    white = s["pop_white_nh"].sum() / s["population"].sum()
    assert f"are home to {int(s['population'].sum()):,} people (2019-2023), {fmt_number(white, 'pct0')} White" \
        in race.sentence
    assert b.context[0] == "Towns chosen by: population at most 6,000."
    assert b.subject.kind == "set"


# -- a district ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, code", [("S05", "S05"), ("s5", "S05"), ("State Senate District 5", "S05"),
                                       ("senate 5", "S05"), ("H7", "H007"), ("House District 7", "H007"),
                                       ("State House District 151", "H151"), ("Hartford", None), ("", None)])
def test_parse_district(raw, code):
    assert TP.parse_district(raw) == code


def test_district_figures_are_the_districts_own(db):
    b = TP.brief_for(db, district="State Senate District 5")
    assert b.subject.district_id == "S05" and b.subject.name == "State Senate District 5"
    sb = val(db, "senate", "S05", "share_black_nh")
    assert f"{fmt_value('share_black_nh', sb[0])} of State Senate District 5’s residents were Black" \
        in points(b, "race")[0].sentence
    towns = list(db.district_towns("S05")["town"])
    assert list(b.subject.towns) == towns
    for t in towns:
        assert t in b.context[0]
    # town-level topics say they are whole-town figures
    ahal = points(b, "affordable_housing")[0]
    assert "(whole towns)" in ahal.sentence and any("Whole-town" in f for f in ahal.flags)


def test_unknown_places_raise_a_readable_error(db):
    with pytest.raises(TP.UnknownPlace, match="Did you mean Hartford"):
        TP.resolve(db, town="Hartfrod")
    with pytest.raises(TP.UnknownPlace, match="not one of Connecticut's 169 towns"):
        TP.resolve(db, towns="Hartford,Atlantis")
    with pytest.raises(TP.UnknownPlace, match="State Senate"):
        TP.resolve(db, district="S99")
    with pytest.raises(TP.UnknownPlace, match="at most 6"):
        TP.resolve(db, towns=list(db.towns()["town"][:7]))
    with pytest.raises(TP.UnknownPlace):
        TP.resolve(db)
    with pytest.raises(TP.UnknownPlace, match="index"):
        TP.brief_for(db, town="Hartford", idx="nope")


def test_chart_data_and_title(db):
    b = TP.brief_for(db, town="Hartford")
    tot = b.chart.groupby("place", sort=False)["share"].sum()
    assert list(tot.index)[0] == "Hartford" and list(tot.index)[-1] == "Connecticut"
    assert np.allclose(tot.values, 1.0, atol=1e-6)
    st = db.area_opportunity("oca2025", "state")
    low = float(st["share_very_low"].iloc[0] + st["share_low"].iloc[0])
    assert b.chart_title.endswith(f"against {fmt_number(low, 'pct0')} statewide")
