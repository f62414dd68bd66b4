"""oca_dash.brief_view: reading a Brief link, building and naming the brief, the preview's pieces and
the Talking-points block of the other pages. On the real database."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from oca_dash import brief_export as BE
from oca_dash import brief_view as BV
from oca_dash import talking_points as TP
from oca_dash.levels import DEFAULT_INDEX

DAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def towns(db):
    return db.towns()["town"].tolist()


@pytest.fixture(scope="module")
def dids(db):
    return db.districts()["district_id"].tolist()


def parse(params, towns, dids):
    return BV.parse({k: v if isinstance(v, list) else [v] for k, v in params.items()}, towns, dids)


# -- reading a link ---------------------------------------------------------------------------------

def test_no_parameters_give_hartford_every_topic_and_the_default_index(towns, dids):
    p = parse({}, towns, dids)
    assert p.spec == BV.Spec("town", ("Hartford",))
    assert p.topics == list(TP.TOPICS) and p.idx == DEFAULT_INDEX and p.notices == []


def test_town_is_matched_case_insensitively(towns, dids):
    p = parse({"town": "  west HARTFORD ", "idx": "coi3"}, towns, dids)
    assert p.spec == BV.Spec("town", ("West Hartford",)) and p.idx == "coi3" and not p.notices


@pytest.mark.parametrize("bad", ["Gotham", "<script>alert(1)</script>", "Hartford'; DROP TABLE towns; --",
                                 "x" * 50_000, "\x00\x1b[31m"])
def test_a_bad_town_falls_back_to_hartford_with_a_notice(towns, dids, bad):
    p = parse({"town": bad}, towns, dids)
    assert p.spec == BV.Spec("town", ("Hartford",))
    assert len(p.notices) == 1 and "not one of Connecticut's 169 towns" in p.notices[0]
    assert len(p.notices[0]) < 300  # a huge value is quoted back shortened


def test_towns_keep_their_order_and_drop_unknown_names(towns, dids):
    p = parse({"towns": "avon,Hartford,Nowhere,Avon"}, towns, dids)
    assert p.spec == BV.Spec("towns", ("Avon", "Hartford"))
    assert any("Nowhere" in n for n in p.notices)


def test_towns_can_be_repeated_keys(towns, dids):
    assert parse({"towns": ["Avon", "Darien"]}, towns, dids).spec.towns == ("Avon", "Darien")


def test_more_than_six_towns_are_cut_to_six(towns, dids):
    p = parse({"towns": ",".join(towns[:9])}, towns, dids)
    assert p.spec.towns == tuple(towns[:6]) and any("At most 6" in n for n in p.notices)


def test_one_town_to_compare_is_not_ready_and_garbage_falls_back_to_a_pair(towns, dids):
    one = parse({"towns": "Avon"}, towns, dids)
    assert one.spec == BV.Spec("towns", ("Avon",)) and not one.spec.ready and not one.notices
    bad = parse({"towns": "<b>,;;"}, towns, dids)
    assert bad.spec == BV.Spec("towns", BV.DEFAULT_PAIR) and bad.spec.ready and bad.notices


@pytest.mark.parametrize("raw,expect", [("S05", "S05"), ("s5", "S05"), ("State Senate District 5", "S05"),
                                        ("House District 7", "H007"), ("h007", "H007")])
def test_districts_are_read_in_several_spellings(towns, dids, raw, expect):
    p = parse({"district": raw}, towns, dids)
    assert p.spec == BV.Spec("district", district=expect) and not p.notices


@pytest.mark.parametrize("bad", ["S99", "Senate 0", "'; DROP", "<script>"])
def test_a_bad_district_falls_back_with_a_notice(towns, dids, bad):
    p = parse({"district": bad}, towns, dids)
    assert p.spec == BV.Spec("district", district="S01") and len(p.notices) == 1


def test_a_set_is_sorted_deduplicated_and_keeps_its_description(towns, dids):
    p = parse({"set": "Westport,darien,Greenwich,Darien,Atlantis", "desc": "8-30g share at most 5%"}, towns, dids)
    assert p.spec == BV.Spec("set", ("Darien", "Greenwich", "Westport"), desc="8-30g share at most 5%")
    assert any("Atlantis" in n for n in p.notices)


def test_a_set_of_every_town_fits_in_a_link(towns, dids):
    p = parse({"set": ",".join(towns), "desc": "no filter"}, towns, dids)
    assert p.spec.kind == "set" and len(p.spec.towns) == 169 and not p.notices


def test_a_one_town_set_is_that_towns_brief_and_an_empty_set_is_hartford(towns, dids):
    assert parse({"set": "Avon", "desc": "x"}, towns, dids).spec == BV.Spec("town", ("Avon",))
    p = parse({"set": "Narnia,,", "desc": "x"}, towns, dids)
    assert p.spec == BV.Spec("town", ("Hartford",)) and len(p.notices) == 2


def test_a_description_loses_control_characters_and_is_shortened():
    assert BV.clean_desc("a\x00b\x1b[31m\u202e c\n\td") == "a b [31m c d"
    long = BV.clean_desc("word " * 500)
    assert len(long) == BV.MAX_DESC and long.endswith("…")
    assert BV.clean_desc("<script>alert(1)</script>") == "<script>alert(1)</script>"  # the page escapes it
    assert BV.clean_desc(None) == ""


def test_one_subject_per_link_the_first_wins_with_a_notice(towns, dids):
    p = parse({"district": "S05", "town": "Avon"}, towns, dids)
    assert p.spec == BV.Spec("town", ("Avon",))
    assert any("one subject" in n for n in p.notices)


def test_topics_by_key_or_name_in_fixed_order_unknown_ones_noted(towns, dids):
    p = parse({"topics": "health,race,Schools"}, towns, dids)
    assert p.topics == ["race", "schools", "health"] and not p.notices
    p = parse({"topics": "health,<script>,bogus"}, towns, dids)
    assert p.topics == ["health"] and len(p.notices) == 1 and "bogus" in p.notices[0]
    p = parse({"topics": "nothing-real"}, towns, dids)
    assert p.topics == list(TP.TOPICS) and p.notices  # nothing usable: every topic


def test_an_unknown_index_gives_the_default_and_a_notice(towns, dids):
    p = parse({"idx": "1 OR 1=1"}, towns, dids)
    assert p.idx == DEFAULT_INDEX and len(p.notices) == 1


@pytest.mark.parametrize("spec", [BV.Spec("town", ("West Hartford",)), BV.Spec("towns", ("Hartford", "Avon")),
                                  BV.Spec("district", district="H007"),
                                  BV.Spec("set", ("Avon", "Darien"), desc="a; b (c)")])
def test_a_views_parameters_read_back_as_the_same_view(towns, dids, spec):
    params = BV.to_params(spec, ["race", "health"], "coi3")
    p = parse(params, towns, dids)
    assert p.spec == spec and p.topics == ["race", "health"] and p.idx == "coi3" and not p.notices
    assert "topics" not in BV.to_params(spec, list(TP.TOPICS), "coi3")  # every topic is the default


# -- building and naming ------------------------------------------------------------------------------

SPECS = [BV.Spec("town", ("West Hartford",)), BV.Spec("towns", ("Hartford", "Avon", "Darien")),
         BV.Spec("district", district="S05"), BV.Spec("district", district="H007"),
         BV.Spec("set", ("Darien", "Greenwich", "Westport"), desc="x")]


@pytest.mark.parametrize("spec", SPECS)
def test_file_names_are_known_before_the_brief_is_built(db, spec):
    b = BV.build(db, spec, None, DEFAULT_INDEX, DAY)
    assert BV.file_stem(spec) == b.file_stem
    for fmt in BE.FORMATS:
        assert BV.file_name(spec, db.vintage, fmt) == BE.filename(b, fmt)


def test_build_uses_the_subject_topics_index_and_day(db):
    b = BV.build(db, BV.Spec("towns", ("Hartford", "Avon")), ["income", "race"], "coi3", DAY)
    assert b.subject.kind == "towns" and b.subject.towns == ("Hartford", "Avon")
    assert {p.topic for p in b.points} == {"income", "race"}
    assert b.index_name == "coi3" and b.generated == DAY


def test_every_format_survives_a_hostile_description(db):
    desc = "<script>alert('x')</script> & **bold** ]]> \u202e 漢字 🏠 =SUM(A1)"
    spec = BV.set_spec(["Avon", "Darien", "Westport"], desc)
    for fmt in BE.FORMATS:
        data = BV.export(db, spec, fmt, day=DAY)
        assert data, fmt
    import docx

    doc = docx.Document(io.BytesIO(BV.export(db, spec, "docx", day=DAY)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "<script>alert('x')</script> & **bold**" in text  # shown as text, not markup
    md = BV.export(db, spec, "md", day=DAY).decode()
    assert "\\<script\\>" in md and "<script>" not in md  # Markdown gets it escaped


# -- the preview ----------------------------------------------------------------------------------------

def test_preview_groups_points_by_topic_with_note_numbers(db):
    b = BV.build(db, BV.Spec("town", ("West Hartford",)), None, DEFAULT_INDEX, DAY)
    pv = BV.preview(b)
    assert [t for t, _, _ in pv.sections] == [TP.TOPICS[k] for k, _ in b.by_topic()]
    nums, notes = BE.numbered_notes(b, with_urls=False)
    flat = [line for _, lines, _ in pv.sections for line in lines]
    assert [n for n, _, _ in flat] == list(range(1, len(b.points) + 1))
    assert [s for _, s, _ in flat] == [p.sentence for p in b.points]
    assert [note for _, _, note in flat] == nums and pv.notes == notes
    assert pv.generated == "15 January 2026" and pv.vintages.startswith("Data: ")
    assert all(u == "" or u.startswith("http") for *_, u in pv.sources)
    assert set(pv.chart_table.columns) == {"Very Low", "Low", "Moderate", "High", "Very High"}


def test_figures_table_shows_the_figures_values(db):
    b = BV.build(db, BV.Spec("town", ("West Hartford",)), ["income"], DEFAULT_INDEX, DAY)
    t = BV.figures_table(b, "income")
    figs = [f for _, p, f in b.figures() if p.topic == "income"]
    assert len(t) == len(figs) and list(t["Value"]) == [f.value_text for f in figs]
    assert t.notna().all().all()  # missing shows as '—', never as NaN


def test_superscripts_and_urls():
    assert BV.superscript(12) == "¹²"
    assert BV.first_url("https://data.ct.gov/d/3udy-56vi; https://x") == "https://data.ct.gov/d/3udy-56vi"
    assert BV.first_url("javascript:alert(1)") == "" and BV.first_url("") == ""


# -- the block on the Town, Compare and Find pages -----------------------------------------------------------

def test_link_params_and_word_download(db):
    spec = BV.Spec("town", ("Avon",))
    assert BV.link_params(spec, "coi3") == {"town": "Avon", "idx": "coi3"}
    data = BV.export(db, spec, "docx", idx=DEFAULT_INDEX)
    kw = BV.word_download(spec, db.vintage, data)
    assert kw["file_name"] == BV.file_name(spec, db.vintage, "docx") == f"Avon_brief_{db.vintage}.docx"
    # bytes, never a callable: Streamlit deletes a file built on click before a busy server serves it
    assert kw["on_click"] == "ignore" and kw["data"] is data
    import docx

    doc = docx.Document(io.BytesIO(kw["data"]))
    assert "Avon" in doc.paragraphs[0].text


def test_set_spec_from_a_find_result():
    assert BV.set_spec(["Darien", "Avon", "Darien"], "d") == BV.Spec("set", ("Avon", "Darien"), desc="d")
    assert BV.set_spec(["Avon"], "d") == BV.Spec("town", ("Avon",))
    s = BV.set_spec(["Avon", "Darien"], "level High")
    assert BV.link_params(s, "oca2025") == {"set": "Avon,Darien", "desc": "level High", "idx": "oca2025"}
    assert BV.subject_label(s) == "these 2 towns"
