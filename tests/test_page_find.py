"""The Find towns page through Streamlit's AppTest, on the real database."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_util import open_link
from tests.db_util import sql


def run_find(params: dict) -> AppTest:
    """Open /find with these query parameters, as a shared link would."""
    return open_link("pages/find.py", params)


def result_table(at):
    return next(df.value for df in at.dataframe if "Town" in df.value.columns)


def test_no_filter_lists_all_169_towns():
    at = run_find({})
    assert not at.exception and not at.info
    assert at.header[0].value.startswith("All 169 towns: together ")
    assert len(result_table(at)) == 169
    assert len(at.get("deck_gl_json_chart")) == 1


def test_link_filters_match_the_database():
    at = run_find({"poc_max": "20", "ahal_max": "10", "region": "09110", "pop_min": "5000"})
    assert not at.exception and not at.info
    want = sql("SELECT t.town, w.population, w.pop_white_nh FROM town_wide w JOIN towns t ON t.town_id = w.geo_id "
               "WHERE w.share_poc <= 0.20 AND w.ahal_pct_affordable <= 0.10 AND t.region_id = '09110' "
               "AND w.population >= 5000 ORDER BY t.town")
    table = result_table(at)
    assert list(table["Town"]) == list(want["town"])
    line = at.header[0].value
    assert line.startswith(f"{len(want)} towns match: together {want['population'].sum():,.0f} residents, "
                           f"{want['pop_white_nh'].sum() / want['population'].sum():.0%} White")
    # the widgets show what the link asked for
    assert at.slider(key="f_poc").value == (0.0, 20.0)
    assert at.multiselect(key="f_region").value == ["09110"]
    assert at.number_input(key="f_pop_min").value == 5000


def test_level_and_indicator_filters():
    at = run_find({"levels": "Very Low", "ind": "poverty_rate", "ind_min": "15"})
    assert not at.exception
    table = result_table(at)
    assert set(table["Opportunity level"]) == {"Very Low"}
    assert (table["Poverty"] >= 15).all() and "Hartford" in set(table["Town"])
    assert at.selectbox(key="f_ind").value == "poverty_rate"


def test_download_carries_source_and_vintage():
    at = run_find({"black_min": "20"})
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")].count("Download these towns (CSV)") == 1
    assert any(c.value.startswith("Source:") for c in at.caption)


def test_no_match_says_so():
    at = run_find({"pop_min": "4000000"})
    assert not at.exception
    assert at.header[0].value == "No town matches these filters."
    assert not at.get("deck_gl_json_chart")


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "1; DROP TABLE towns", "x" * 20_000, "nan"])
def test_garbage_gives_notices_and_no_exception(bad):
    at = run_find({k: bad for k in ("idx", "levels", "poc_min", "ahal_max", "region", "pop_max", "ind", "high_min")}
                  | {"v": "1999"})
    assert not at.exception
    assert len(at.info) >= 5 and all(len(i.value) < 500 for i in at.info)
    assert at.header[0].value.startswith("All 169 towns")
    assert "<script>" not in " ".join(m.value for m in at.markdown)


def test_min_above_max_is_ignored_with_a_notice():
    at = run_find({"poc_min": "60", "poc_max": "10"})
    assert not at.exception
    assert any("above the maximum" in i.value for i in at.info)
    assert at.header[0].value.startswith("All 169 towns")


def test_word_brief_is_prepared_on_request_then_offered_as_a_file():
    """A Find result can be 169 towns (up to 0.8 s to build its brief), so the Word file is built when asked
    for, in a fragment, and then offered as bytes the session holds (never as a file built on click)."""
    at = run_find({"levels": "Very High", "ahal_max": "3"})
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Word brief (.docx)" not in labels
    at.button(key="_word_prepare").click().run()
    assert not at.exception
    (word,) = [b for b in at.get("download_button") if b.proto.label == "Word brief (.docx)"]
    assert word.proto.url and not word.proto.HasField("deferred_file_id")
    assert not [b for b in at.button if b.key == "_word_prepare"]
    # another filter: the prepared file is for the old result, so the button comes back
    at.query_params["levels"] = "Very Low"
    at.run()
    assert "Word brief (.docx)" not in [b.proto.label for b in at.get("download_button")]


def test_no_download_is_built_on_click():
    """Streamlit deletes a file built on click before a busy server serves it: every download is bytes."""
    at = run_find({"black_min": "20"})
    at.button(key="_word_prepare").click().run()
    buttons = at.get("download_button")
    assert buttons and all(b.proto.url and not b.proto.HasField("deferred_file_id") for b in buttons)
