"""Pure shaping functions, on the real database."""

from oca_dash import profile, views


def test_place_profile_compares_and_ranks(db):
    t = db.town("Hartford")
    p = profile.place_profile(db, "town", t["town_id"], ["poverty_rate", "median_hh_income", "population"],
                              t["region_id"]).set_index("indicator")
    r = db.ranked("poverty_rate").set_index("geo_id").loc[t["town_id"]]
    assert p.loc["poverty_rate", "rank_high"] == r["rank_high"]
    assert p.loc["poverty_rate", "rank_text"].endswith("of 169 towns")
    assert p.loc["poverty_rate", "differs_from_state"] == True  # noqa: E712
    st = db.values(["poverty_rate"], "state", ["09"])["estimate"].iloc[0]
    assert p.loc["poverty_rate", "state_value"] == st


def test_rank_text_words():
    assert profile.rank_text(1, 169, 169) == "highest of 169 towns"
    assert profile.rank_text(5, 165, 169) == "5th highest of 169 towns"
    assert profile.rank_text(160, 10, 169) == "10th lowest of 169 towns"
    assert profile.rank_text(1, 166, 169, top_coded=True).startswith("tied for highest")


def test_unreliable_estimates_are_flagged(db):
    # find a town whose Asian share has a CV above 30% and check the profile flags it
    v = db.values(["share_asian_nh"], "town")
    v = v[(v.moe / 1.645 / v.estimate) > 0.3].iloc[0]
    p = profile.place_profile(db, "town", v["geo_id"], ["share_asian_nh"])
    assert bool(p["unreliable"].iloc[0])
    tbl = profile.profile_table(p, "X", None)
    assert "Unreliable" in tbl["Note"].iloc[0] and "⚠" in tbl["X"].iloc[0]


def test_appeals_headline_uses_the_latest_year(db):
    t = db.town("Weston")
    h = db.appeals_history(t["town_id"])
    s = views.appeals_headline("Weston", h)
    last = h.sort_values("year").iloc[-1]
    assert f"{int(last['units_to_10pct']):,} more needed" in s and "2023" in s


def test_level_of_score_matches_tract_quintiles(db):
    t = db.tract_opportunity("oca2025").dropna(subset=["level"])
    lo = t[t.level == "Very Low"]["index_value"].max()
    hi = t[t.level == "Very High"]["index_value"].min()
    assert views.level_of_score(lo - 1, t) == "Very Low"
    assert views.level_of_score(hi + 1, t) == "Very High"
