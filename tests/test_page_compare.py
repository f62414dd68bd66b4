"""The Compare page through Streamlit's AppTest, on the real database."""

import pytest
from streamlit.testing.v1 import AppTest

from oca_dash.format import fmt_value
from tests.apptest_util import open_link
from tests.db_util import town_value as db_value


def run_compare(params: dict) -> AppTest:
    """Open /compare with these query parameters, as a shared link would."""
    return open_link("pages/compare.py", params)


def words(at) -> str:
    """The page's Markdown as a reader sees it (backslash escapes removed)."""
    import re

    return re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))


def test_default_is_hartford_and_west_hartford():
    at = run_compare({})
    assert not at.exception
    assert at.title[0].value == "Hartford compared with West Hartford"
    assert at.multiselect[0].value == ["Hartford", "West Hartford"]
    assert at.query_params["towns"] == "Hartford,West Hartford" and at.query_params["ind"] == "poverty_rate"


def test_link_seeds_towns_index_and_figure():
    at = run_compare({"towns": "Hartford,west hartford,Darien", "idx": "coi3", "ind": "median_hh_income"})
    assert not at.exception and not at.info
    assert at.title[0].value == "Hartford compared with West Hartford and Darien"
    assert at.selectbox[0].value == "coi3" and at.selectbox[1].value == "median_hh_income"
    assert at.header[1].value == "Median household income"
    assert len(at.tabs) == 2  # one tab of sentences per town after the first


def test_sentences_and_tables_carry_the_database_numbers():
    at = run_compare({"towns": "Hartford,West Hartford"})
    text = words(at)
    wh, h = db_value("West Hartford", "poverty_rate"), db_value("Hartford", "poverty_rate")
    assert f"{fmt_value('poverty_rate', wh)} in West Hartford" in text
    assert f"Hartford’s {fmt_value('poverty_rate', h)}" in text
    income = next(df.value for df in at.dataframe if "Median household income" in set(df.value.get("Figure", [])))
    row = income.set_index("Figure").loc["Median household income"]
    assert row["West Hartford"].startswith(fmt_value("median_hh_income", db_value("West Hartford", "median_hh_income")))
    assert "±" in row["West Hartford"]


def test_top_coded_income_is_more_than():
    at = run_compare({"towns": "Hartford,Darien", "ind": "median_hh_income"})
    text = words(at)
    assert "more than $250,000 in Darien" in text
    assert "250,001" not in text


def test_one_town_is_padded_and_too_many_are_cut():
    at = run_compare({"towns": "Avon"})
    assert not at.exception and at.multiselect[0].value == ["Avon", "Hartford"]
    assert any("at least two towns" in i.value for i in at.info)
    many = "Hartford,Avon,Darien,Bristol,Enfield,Groton,Ledyard,Salem"
    at = run_compare({"towns": many})
    assert len(at.multiselect[0].value) == 6 and any("At most 6" in i.value for i in at.info)


@pytest.mark.parametrize("bad", ["Atlantis", "<script>alert(1)</script>", "Hartford' OR '1'='1"])
def test_garbage_gives_a_notice_and_no_exception(bad):
    at = run_compare({"towns": f"{bad},Avon", "idx": bad, "ind": bad, "v": "1999"})
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "Not Connecticut towns" in notes and "unknown opportunity index" in notes
    assert "unknown figure for the chart" in notes and "vintage" in notes
    assert at.title[0].value.startswith("Avon compared with")
    assert "<script>" not in words(at)


def test_huge_values_give_a_notice_and_the_default():
    at = run_compare({"towns": "x" * 100_000, "ind": "y" * 100_000})
    assert not at.exception
    assert at.multiselect[0].value == ["Hartford", "West Hartford"]
    assert all(len(i.value) < 400 for i in at.info) and len(at.info) >= 2


def test_every_chart_has_alt_text_source_and_table():
    at = run_compare({"towns": "Hartford,Avon,Westport"})
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4
    assert all(c.proto.alt for c in charts)
    captions = [c.value for c in at.caption]
    assert sum(c.startswith("Source:") for c in captions) >= 4
    assert len(at.expander) >= 4
