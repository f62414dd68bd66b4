"""The town profile page through Streamlit's AppTest, on the real database."""

import pytest
from streamlit.testing.v1 import AppTest

from oca_dash.format import fmt_value
from tests.apptest_util import open_link
from tests.db_util import town_value as db_value


def run_town(params: dict) -> AppTest:
    return open_link("pages/town.py", params)


@pytest.mark.parametrize("town", ["West Hartford", "Darien", "Union"])
def test_query_param_seeds_the_town_and_numbers_match_the_database(town):
    at = run_town({"town": town})
    assert not at.exception
    assert at.title[0].value == town
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Population"] == fmt_value("population", db_value(town, "population"))
    assert metrics["Poverty"] == fmt_value("poverty_rate", db_value(town, "poverty_rate"))
    assert metrics["Median income"] == fmt_value("median_hh_income", db_value(town, "median_hh_income"))


def test_top_coded_income_shows_as_plus():
    at = run_town({"town": "Darien"})
    assert {m.label: m.value for m in at.metric}["Median income"] == "$250,000+"


def test_lowercase_name_is_accepted():
    at = run_town({"town": "new haven"})
    assert at.title[0].value == "New Haven" and not at.info


@pytest.mark.parametrize("bad", ["Atlantis", "<script>alert(1)</script>", "Hartford' OR '1'='1", "x" * 5000, ""])
def test_garbage_town_gives_notice_and_default(bad):
    at = run_town({"town": bad, "idx": "nonsense", "v": "1999"})
    assert not at.exception
    assert at.title[0].value == "Hartford"
    notes = " ".join(i.value for i in at.info)
    if bad:
        assert "not one of Connecticut's 169 towns" in notes
    assert "vintage" in notes and "unknown opportunity index" in notes


def test_index_param_switches_the_opportunity_section():
    at = run_town({"town": "Hartford", "idx": "coi3"})
    assert not at.exception
    assert any("Child Opportunity Index" in m.value for m in at.markdown)


def test_profile_tables_render_every_section():
    at = run_town({"town": "Hartford"})
    labels = [e.label for e in at.expander]
    for t in ("Race and ethnicity", "Income and poverty", "Schools", "Affordable housing (CGS 8-30g)", "Health"):
        assert t in labels
