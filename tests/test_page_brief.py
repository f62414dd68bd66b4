"""The Brief page through Streamlit's AppTest, on the real database: links seed the subject, topics and
index; the preview carries the database's numbers (recomputed here, never copied); bad links give
notices, not tracebacks; the downloads are there; the Town, Compare and Find pages link here."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from oca_dash.format import fmt_value
from oca_dash.talking_points import TOPICS
from tests.apptest_util import open_link
from tests.db_util import rows as q


def run_brief(params: dict) -> AppTest:
    """Open /brief with these query parameters, as a shared link would."""
    return open_link("pages/brief.py", params)


def town_value(town, indicator):
    return q("SELECT v.estimate FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id "
             "WHERE v.geo_type = 'town' AND t.town = ? AND v.indicator = ?", [town, indicator])[0][0]


def text(at) -> str:
    """The page's Markdown with the escaping backslashes removed (what a reader sees)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))


def page_title(at) -> str:
    return re.sub(r"\\(.)", r"\1", at.title[0].value)


def notices(at) -> str:
    return re.sub(r"\\(.)", r"\1", "\n".join(i.value for i in at.info))


def downloads(at):
    return [b.label for b in at.get("download_button")]


FORMAT_LABELS = ["Word (.docx)", "PDF (one page)", "Markdown (.md)", "CSV (the figures)"]


# -- subjects ---------------------------------------------------------------------------------------

def test_a_town_link_shows_its_points_with_the_database_numbers():
    at = run_brief({"town": "West Hartford"})
    assert not at.exception and not at.info
    assert page_title(at) == "Talking points: West Hartford"
    assert at.selectbox(key="b_town").value == "West Hartford"
    assert at.get("button_group")[0].value == "town"
    body = text(at)
    inc, pov = town_value("West Hartford", "median_hh_income"), town_value("West Hartford", "poverty_rate")
    pct, need = town_value("West Hartford", "ahal_pct_affordable"), town_value("West Hartford", "ahal_units_to_10pct")
    state_inc = q("SELECT estimate FROM indicator_values WHERE geo_type = 'state' AND indicator = 'median_hh_income'")
    assert f"West Hartford’s median household income was {fmt_value('median_hh_income', inc)} in 2019-2023" in body
    assert f"the state’s {fmt_value('median_hh_income', state_inc[0][0])}" in body
    assert (f"{fmt_value('poverty_rate', pov)} of West Hartford’s residents lived below the federal poverty "
            "line") in body
    assert f"{fmt_value('ahal_pct_affordable', pct)} of West Hartford’s homes" in body
    assert f"West Hartford would need {int(need):,} more assisted homes" in body
    assert [h.value for h in at.header][: len(TOPICS)] == list(TOPICS.values())
    assert downloads(at) == FORMAT_LABELS
    assert at.query_params["town"] == "West Hartford" and at.query_params["v"]


def test_a_comparison_link_names_each_town_with_its_figure():
    at = run_brief({"towns": "Hartford,avon,Darien"})
    assert not at.exception and not at.info
    assert page_title(at) == "Talking points: Hartford, Avon and Darien"
    assert at.multiselect(key="b_towns").value == ["Hartford", "Avon", "Darien"]
    body = text(at)
    for t in ("Hartford", "Avon", "Darien"):
        assert f"{fmt_value('ahal_pct_affordable', town_value(t, 'ahal_pct_affordable'))} in {t}" in body
        assert f"{fmt_value('school_accountability_index', town_value(t, 'school_accountability_index'))} in {t}" \
            in body
    assert downloads(at) == FORMAT_LABELS


def test_a_district_link_uses_the_districts_own_figures():
    at = run_brief({"district": "senate 5"})
    assert not at.exception and not at.info
    assert page_title(at) == "Talking points: State Senate District 5"
    assert at.selectbox(key="b_district").value == "S05"
    inc = q("SELECT estimate FROM indicator_values WHERE geo_type = 'senate' AND geo_id = 'S05' "
            "AND indicator = 'median_hh_income'")[0][0]
    pov = q("SELECT estimate FROM indicator_values WHERE geo_type = 'senate' AND geo_id = 'S05' "
            "AND indicator = 'poverty_rate'")[0][0]
    body = text(at)
    assert f"The median household income in State Senate District 5 was {fmt_value('median_hh_income', inc)}" in body
    assert f"{fmt_value('poverty_rate', pov)} of State Senate District 5’s residents" in body
    # the towns it covers come from the database too
    towns = [r[0] for r in q("SELECT t.town FROM district_towns d JOIN towns t USING (town_id) "
                             "WHERE d.district_id = 'S05'")]
    assert towns and all(t in body for t in towns)
    assert at.query_params["district"] == "S05"


def test_a_set_from_find_shows_its_filter_escaped_and_its_totals():
    desc = "8-30g share at most 5% <script>alert(1)</script> **bold**"
    at = run_brief({"set": "Westport,Darien,Greenwich", "desc": desc})
    assert not at.exception and not at.info
    assert page_title(at) == "Talking points: 3 towns"
    assert at.get("button_group")[0].value == "set"
    raw = "\n".join(m.value for m in at.markdown if not m.value.lstrip().startswith("<style>"))
    assert not re.search(r"(?<!\\)[<>]", raw) and "**bold**" not in raw  # escaped, so shown literally
    body = text(at)
    assert f"Towns chosen by: {desc}." in body
    pop = sum(town_value(t, "population") for t in ("Darien", "Greenwich", "Westport"))
    assert f"these 3 towns are home to {round(pop):,} people (2019-2023)" in body
    need = sum(town_value(t, "ahal_units_to_10pct") for t in ("Darien", "Greenwich", "Westport"))
    assert f"needing {round(need):,} more assisted homes in all" in body
    assert at.query_params["set"] == "Darien,Greenwich,Westport" and at.query_params["desc"] == desc


def test_topics_and_index_from_the_link():
    at = run_brief({"town": "Avon", "topics": "health,race", "idx": "coi3"})
    assert not at.exception and not at.info
    assert at.get("button_group")[1].value == ["race", "health"]
    assert at.selectbox(key="b_idx").value == "coi3"
    assert [h.value for h in at.header] == [TOPICS["race"], TOPICS["health"], "Notes"]
    assert at.query_params["topics"] == "race,health" and at.query_params["idx"] == "coi3"


def test_the_page_says_the_date_and_the_data_vintage():
    import datetime as dt

    at = run_brief({"town": "Avon"})
    vintage = q("SELECT value FROM build_info WHERE key = 'data_vintage'")[0][0]
    body = text(at).replace("**", "")
    d = dt.date.today()
    assert f"Generated {d.day} {d.strftime('%B %Y')} · data vintage {vintage}" in body
    assert any(c.value.startswith("Data: ") for c in at.caption)


# -- bad links ------------------------------------------------------------------------------------------

BAD = [
    ({"town": "<script>alert(1)</script>"}, "Talking points: Hartford"),
    ({"town": "Hartford'; DROP TABLE towns; --"}, "Talking points: Hartford"),
    ({"town": "x" * 20_000}, "Talking points: Hartford"),
    ({"towns": "Narnia,<img src=x onerror=alert(1)>"}, "Talking points: Hartford and West Hartford"),
    ({"district": "S99"}, "Talking points: State Senate District 1"),
    ({"district": "1=1; --"}, "Talking points: State Senate District 1"),
    ({"set": "Atlantis,El Dorado", "desc": "x"}, "Talking points: Hartford"),
    ({"town": "Avon", "topics": "bogus,<b>x</b>"}, "Talking points: Avon"),
    ({"town": "Avon", "idx": "' OR 1=1"}, "Talking points: Avon"),
    ({"town": "Avon", "district": "S05"}, "Talking points: Avon"),
    ({"town": "Avon", "v": "1999"}, "Talking points: Avon"),
]


@pytest.mark.parametrize("params,title", BAD)
def test_bad_links_give_a_notice_and_a_default(params, title):
    at = run_brief(params)
    assert not at.exception
    assert page_title(at) == title
    assert at.info, "a plain notice says what was wrong"
    raw = "\n".join(i.value for i in at.info)
    assert not re.search(r"(?<!\\)[<>]", raw)  # every angle bracket from the link is escaped
    assert downloads(at) == FORMAT_LABELS


def test_one_town_to_compare_asks_for_another():
    at = run_brief({"towns": "Avon"})
    assert not at.exception
    assert "Choose at least two towns" in notices(at)
    assert not downloads(at)


# -- widgets ---------------------------------------------------------------------------------------------

def test_choosing_a_town_rewrites_the_view_and_the_link():
    at = run_brief({"town": "Avon"})
    at.selectbox(key="b_town").set_value("Darien").run()
    assert not at.exception
    assert page_title(at) == "Talking points: Darien" and at.query_params["town"] == "Darien"


def test_switching_to_a_comparison_starts_from_the_current_town():
    at = run_brief({"town": "Avon"})
    at.get("button_group")[0].set_value("towns").run()
    assert not at.exception
    assert at.multiselect(key="b_towns").value == ["Avon", "Hartford"]
    assert page_title(at) == "Talking points: Avon and Hartford"
    assert at.query_params["towns"] == "Avon,Hartford" and "town" not in at.query_params


def test_switching_to_a_district_picks_the_towns_senate_district():
    at = run_brief({"town": "Avon"})
    at.get("button_group")[0].set_value("district").run()
    assert not at.exception
    did = q("SELECT d.district_id FROM district_towns d JOIN towns t USING (town_id) JOIN districts x "
            "USING (district_id) WHERE t.town = 'Avon' AND x.chamber = 'senate' "
            "ORDER BY d.pop_share_of_town DESC LIMIT 1")[0][0]
    assert at.selectbox(key="b_district").value == did and at.query_params["district"] == did


def test_no_topic_chosen_says_so():
    at = run_brief({"town": "Avon"})
    at.get("button_group")[1].set_value([]).run()
    assert not at.exception and "Choose at least one topic" in notices(at)


# -- the Talking-points block on the other pages --------------------------------------------------------------

def _brief_links(at):
    return [parse_qs(link.proto.query_string) for link in at.get("page_link") if link.proto.page.endswith("brief")
            or "brief" in link.proto.page]


def _run(page: str, params: dict) -> AppTest:
    return open_link(page, params)


def test_town_page_links_to_its_brief():
    at = _run("pages/town.py", {"town": "Avon", "idx": "coi3"})
    assert not at.exception
    links = _brief_links(at)
    assert {"town": ["Avon"], "idx": ["coi3"]} in links
    assert "Word brief (.docx)" in downloads(at)


def test_compare_page_links_to_its_brief():
    at = _run("pages/compare.py", {"towns": "Hartford,Avon,Darien"})
    assert not at.exception
    assert any(link.get("towns") == ["Hartford,Avon,Darien"] for link in _brief_links(at))
    assert "Word brief (.docx)" in downloads(at)


def test_find_page_passes_its_towns_and_its_filter():
    at = _run("pages/find.py", {"levels": "Very High", "ahal_max": "3"})
    assert not at.exception
    links = [link for link in _brief_links(at) if "set" in link]
    assert len(links) == 1
    link = links[0]
    got = link["set"][0].split(",")
    # the same towns as the Find page's own table
    table = next(df.value for df in at.dataframe if "Town" in df.value.columns)
    assert sorted(got) == sorted(table["Town"]) and len(got) > 1
    assert "Very High" in link["desc"][0] and "3%" in link["desc"][0]
    assert "Word brief (.docx)" not in downloads(at)  # a set's brief is built on request
    at.button(key="_word_prepare").click().run()
    assert "Word brief (.docx)" in downloads(at)
    # and the Brief page opens that link as the same set
    b = run_brief({"set": link["set"][0], "desc": link["desc"][0]})
    assert not b.exception and not b.info
    assert page_title(b) == f"Talking points: {len(got)} towns"
