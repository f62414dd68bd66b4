from oca_dash import links

TOWNS = ["Hartford", "West Hartford", "New Haven", "Darien"]


def test_town_matching_is_case_insensitive_and_unknown_gives_notice():
    assert links.parse_town("west hartford", TOWNS) == ("West Hartford", None)
    t, msg = links.parse_town("<script>alert(1)</script>", TOWNS, default="Hartford")
    assert t == "Hartford" and "not one of Connecticut's 169 towns" in msg
    assert links.parse_town("", TOWNS, "Hartford") == ("Hartford", None)


def test_towns_list_dedupes_drops_unknown_and_caps():
    got, notes = links.parse_towns(["Hartford,darien", "Hartford", "Gotham"], TOWNS)
    assert got == ["Hartford", "Darien"] and "Gotham" in notes[0]
    got, notes = links.parse_towns(",".join(TOWNS * 3), TOWNS, max_n=2)
    assert got == ["Hartford", "West Hartford"] and any("At most 2" in n for n in notes)


def test_numbers_are_range_checked():
    assert links.parse_number("0.25", 0, 1, "share") == (0.25, None)
    for bad in ("nan", "inf", "1e309", "-1", "abc", "1; DROP TABLE towns"):
        x, msg = links.parse_number(bad, 0, 1, "share")
        assert x is None and msg


def test_choices_and_vintage():
    assert links.parse_choice("coi3", ["oca2025", "coi3"], "oca2025", "index") == ("coi3", None)
    assert links.parse_choice("x' OR 1=1", ["oca2025"], "oca2025", "index")[1]
    assert links.vintage_notice("2019", "2023")
    assert links.vintage_notice("2023", "2023") is None


def test_huge_values_are_cut():
    got, notes = links.parse_towns("A" * 100_000, TOWNS)
    assert got == [] and len(notes[0]) < 200
