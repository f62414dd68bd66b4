"""About the data: the generated content (registry, tables, build docstrings) and the page."""

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oca_dash import methods as T
from oca_dash.indicators import INDICATORS, SOURCES
from oca_dash.query import DB
from tests.apptest_util import open_link
from tests.db_util import sql as q

ROOT = Path(__file__).resolve().parents[1]
DB_PATH = ROOT / "data" / "oca.duckdb"


@pytest.fixture(scope="module")
def tables():
    d = DB(DB_PATH)
    t = T.load(d)
    d.close()
    return t


def run_page(params: dict) -> AppTest:
    return open_link("pages/about.py", params)


# -- the catalogue -----------------------------------------------------------------------

def test_catalogue_lists_every_registry_indicator_with_its_source():
    c = T.catalogue()
    assert sorted(c["id"]) == sorted(INDICATORS)
    for r in c.itertuples():
        ind = INDICATORS[r.id]
        assert r.Publisher == SOURCES[ind.source].publisher and r.Vintage == ind.vintage
        assert r.Definition == ind.definition and r.Universe == ind.universe


def test_an_added_indicator_appears_without_other_changes():
    extra = replace(INDICATORS["poverty_rate"], id="test_new_indicator", label="A brand new figure")
    c = T.catalogue({**INDICATORS, extra.id: extra})
    assert "A brand new figure" in set(c["Indicator"])
    sections = dict((t, body) for t, _, body in T.domain_sections(T.search(c, "brand new")))
    assert "A brand new figure" in sections["Income and poverty"]


def test_search_needs_every_word_and_is_literal():
    c = T.catalogue()
    got = T.search(c, "vacancy rate")
    assert len(got) >= 2 and all("vacan" in " ".join(map(str, r)).lower() for r in got.itertuples())
    assert len(T.search(c, "")) == len(c)
    assert len(T.search(c, ".*")) == 0  # not a regular expression
    assert len(T.search(c, "<script>")) == 0


def test_clean_query_cuts_and_flattens():
    assert T.clean_query("  a \n b ") == "a b"
    assert len(T.clean_query("x" * 10_000)) == T.MAX_QUERY
    assert T.clean_query(None) == ""


def test_md_escapes_markdown_html_and_latex_but_keeps_apostrophes():
    s = T.md("The coalition's $5 *bold* <b>x</b> [a](b) :red[x]")
    assert "'" in s and "&#" not in s
    for ch in "$*<>[]():":  # every special character arrives escaped
        assert s.count(ch) == s.count("\\" + ch)


# -- the opportunity method ------------------------------------------------------------------

def test_steps_name_every_input_and_the_real_cut_points(tables):
    steps = " ".join(T.opportunity_steps(tables["inputs"], tables["level_ranges"], tables["unrated"]))
    inputs = tables["inputs"][tables["inputs"]["index_name"] == "oca2025"]
    for i in inputs["indicator"]:
        assert T.md(INDICATORS[i].short_label) in steps
    vl = q("SELECT min(index_value) FROM tract_opportunity WHERE index_name = 'oca2025' AND level = 'Very Low'")
    assert f"{vl.iloc[0, 0]:+.2f}" in steps
    table = T.inputs_table(tables["inputs"])
    assert len(table) == len(inputs)
    flipped = table[table["Direction"].str.contains("flipped")]["id"]
    assert set(flipped) == set(inputs.loc[inputs["sign"] < 0, "indicator"])


def test_left_out_explains_vacancy(tables):
    out = dict(T.left_out(tables["inputs"]))
    assert INDICATORS["vacant_housing_share"].label in out
    assert "resort towns" in out[INDICATORS["vacant_housing_share"].label]
    used = set(tables["inputs"]["indicator"])
    assert not any(INDICATORS[i].label in out for i in used if i in INDICATORS)
    income = " ".join(T.design_candidates_not_used(tables["inputs"], tables["top_coded"]))
    n = q("SELECT count(*) FROM indicator_values WHERE geo_type='tract' AND indicator='median_hh_income' "
          "AND estimate >= 250001").iloc[0, 0]
    assert f"in {n} tracts" in income


# -- other methods ---------------------------------------------------------------------------

def test_moe_example_is_computed_from_the_database(tables):
    text = " ".join(T.moe_section(tables["moe_example"]))
    ex = tables["moe_example"].iloc[0]
    assert f"{ex['estimate'] * 100:.1f}%" in text.replace("\\", "")
    assert "1.645" in text and "30%" in text


def test_top_codes_count_places(tables):
    text = " ".join(T.top_code_section(tables["top_coded"])).replace("\\", "")
    n = q("SELECT count(*) FROM indicator_values WHERE geo_type='town' AND indicator='median_hh_income' "
          "AND estimate >= 250001").iloc[0, 0]
    assert "$250,000+" in text and f"{n} towns" in text


def test_build_rules_come_from_the_build_modules():
    assert T.school_rule().startswith("The town rule") and "Winchester" in T.school_rule()
    rules = T.district_rules()
    assert rules.startswith("2. ") and "3. Population" in rules and "4. Artefact" in rules
    assert "``" not in rules


def test_district_check_sentences(tables):
    s = T.district_check_sentences(tables["district_check"], tables["town_list_check"])
    n = q("SELECT count(*) FROM district_population_check WHERE within_moe AND district_id LIKE 'H%'").iloc[0, 0]
    assert any(f"for {n} of 151" in x for x in s)


def test_denominators_and_raw_files(tables):
    d = T.appeals_denominators(tables["appeals_denominators"])
    assert list(d["Lists"]) == ["2002-2010", "2011-2022", "2023"]
    raw = T.raw_files_table(tables["raw_files"])
    assert len(raw) == q("SELECT count(*) FROM raw_files").iloc[0, 0]
    assert raw["Git blob SHA-1"].str.fullmatch(r"[0-9a-f]{40}").all()


# -- the page ---------------------------------------------------------------------------------

def test_page_lists_every_indicator_and_every_raw_file():
    at = run_page({})
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    ind = [f for f in frames if "Indicator" in f.columns][0]
    assert sorted(ind["id"]) == sorted(INDICATORS)
    raw = [f for f in frames if "Git blob SHA-1" in f.columns][0]
    assert len(raw) == q("SELECT count(*) FROM raw_files").iloc[0, 0]
    inputs = [f for f in frames if "Measured for" in f.columns][0]
    assert len(inputs) == q("SELECT count(*) FROM opportunity_inputs WHERE index_name='oca2025'").iloc[0, 0]
    headers = [h.value for h in at.header]
    for h in ("Indicators", "Sources", "The opportunity index", "Margins of error and reliability", "Raw files"):
        assert h in headers


def test_search_param_filters_and_is_written_back():
    at = run_page({"q": "vacancy"})
    assert not at.exception
    assert at.text_input[0].value == "vacancy"
    ind = [d.value for d in at.dataframe if "Indicator" in d.value.columns][0]
    want = T.search(T.catalogue(), "vacancy")
    assert sorted(ind["id"]) == sorted(want["id"])
    assert any(f"{len(want)} of {len(INDICATORS)} indicators" in m.value for m in at.markdown)
    assert at.query_params["q"] == "vacancy"


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "'; DROP TABLE indicators;--", "x" * 5000, "$$\\"])
def test_garbage_search_is_harmless(bad):
    at = run_page({"q": bad, "v": "1999"})
    assert not at.exception
    assert any("vintage" in i.value for i in at.info)
    assert len(at.text_input[0].value) <= T.MAX_QUERY
