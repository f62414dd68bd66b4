"""The app's colours for readers with colour-vision deficiencies, and its text contrast.

oca_dash/palette_check.py simulates protanopia, deuteranopia and tritanopia (Machado et al. 2009,
severity 1.0, on linear sRGB) and measures colour differences with CIEDE2000. The thresholds are
stated there (MIN_*): neighbouring opportunity levels and any two levels at least 15, sequential
classes at least 8 with lightness in one direction, "no data" at least 10 from every class; all under
normal vision and each simulation, and also as the map draws them (fills at 235/255 opacity on white).
Text colours on white must reach WCAG 2 AA (4.5:1).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from oca_dash import charts, map_view as mv, palette_check as pc, ui
from oca_dash.levels import LEVEL_COLORS, LEVELS

ROOT = Path(__file__).resolve().parents[1]
LEVEL_LIST = [LEVEL_COLORS[lv] for lv in LEVELS]
MAP_ALPHA = 235 / 255  # map_view draws level and indicator fills at this opacity on a white page


# -- the maths, against published values ---------------------------------------------------

# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula", Table 1 (pairs 1, 2, 3, 7,
# 13, 17, 25, 26): the hue-angle and achromatic edge cases included.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
]


@pytest.mark.parametrize("lab1,lab2,expected", SHARMA)
def test_ciede2000_matches_sharmas_test_data(lab1, lab2, expected):
    assert pc.ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert pc.ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)  # symmetric


def test_cielab_of_known_colours():
    assert pc.lab("#ffffff") == pytest.approx([100, 0, 0], abs=0.01)
    assert pc.lab("#000000") == pytest.approx([0, 0, 0], abs=0.01)
    assert pc.lab("#ff0000") == pytest.approx([53.24, 80.09, 67.20], abs=0.02)
    assert pc.lab("#808080")[0] == pytest.approx(53.59, abs=0.02)


def test_machado_simulation_keeps_greys_and_merges_red_and_green():
    for v in pc.MACHADO_2009:
        for grey in ("#000000", "#ffffff", "#808080"):
            assert pc.delta_e(grey, pc.simulate(grey, v)) < 1.5, (v, grey)  # greys stay greys
    # the classic confusion: pure red and green are far apart normally, close for a deuteranope
    assert pc.delta_e("#ff0000", "#00ff00") > 70
    assert pc.delta_e("#d62728", "#2ca02c", "deuteranopia") < pc.delta_e("#d62728", "#2ca02c") / 3
    # a tritanope confuses blue and green more than a protanope does
    assert pc.delta_e("#1f77b4", "#2ca02c", "tritanopia") < pc.delta_e("#1f77b4", "#2ca02c", "protanopia")


def test_wcag_contrast_ratio():
    assert pc.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert pc.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert pc.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    assert pc.contrast_ratio("#777777") < 4.5
    assert pc.contrast_ratio("#1a1a1a", "#ffffff") == pc.contrast_ratio("#ffffff", "#1a1a1a")


# -- the opportunity levels -------------------------------------------------------------------

@pytest.mark.parametrize("vision", pc.VISIONS)
@pytest.mark.parametrize("drawn", [False, True], ids=["as_given", "as_drawn_on_the_map"])
def test_neighbouring_levels_stay_distinct(vision, drawn):
    cols = [pc.blend(c, MAP_ALPHA) for c in LEVEL_LIST] if drawn else LEVEL_LIST
    diffs = pc.adjacent_differences(cols, vision)
    for (a, b), d in zip(zip(LEVELS, LEVELS[1:]), diffs):
        assert d >= pc.MIN_ADJACENT_LEVELS, f"{a} and {b} differ by only {d:.1f} (CIEDE2000) for {vision} vision"


@pytest.mark.parametrize("vision", pc.VISIONS)
def test_any_two_levels_stay_distinct(vision):
    for (i, j), d in pc.pair_differences(LEVEL_LIST, vision).items():
        assert d >= pc.MIN_ANY_LEVELS, f"{LEVELS[i]} and {LEVELS[j]} differ by {d:.1f} for {vision} vision"


@pytest.mark.parametrize("vision", pc.VISIONS)
def test_levels_darken_away_from_moderate_so_they_also_read_in_grey(vision):
    L = [pc.lightness(pc.simulate(c, vision)) for c in LEVEL_LIST]
    mid = LEVELS.index("Moderate")
    assert pc.is_monotonic_lightness(LEVEL_LIST[: mid + 1], vision, min_step=10), L
    assert pc.is_monotonic_lightness(LEVEL_LIST[mid:], vision, min_step=10), L
    assert L[0] < L[1] < L[mid] > L[3] > L[4]


# -- the map's sequential scale ------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 4, 5])
@pytest.mark.parametrize("vision", pc.VISIONS)
def test_sequential_scale_darkens_steadily_and_its_classes_stay_distinct(n, vision):
    for drawn in (False, True):
        cols = mv.palette(n)
        cols = [pc.blend(c, MAP_ALPHA) for c in cols] if drawn else cols
        L = [pc.lightness(pc.simulate(c, vision)) for c in cols]
        assert all(a > b + 5 for a, b in zip(L, L[1:])), f"{n} classes, {vision}: lightness {L} is not falling"
        for k, d in enumerate(pc.adjacent_differences(cols, vision)):
            assert d >= pc.MIN_ADJACENT_SEQUENTIAL, (
                f"{n} classes, {vision}{' (drawn)' if drawn else ''}: classes {k} and {k + 1} differ by {d:.1f}")


@pytest.mark.parametrize("vision", pc.VISIONS)
def test_no_data_grey_is_in_neither_scale(vision):
    for c in LEVEL_LIST + mv.palette(5):
        d = pc.delta_e(mv.NO_DATA_COLOR, c, vision)
        assert d >= pc.MIN_NO_DATA, f"no-data grey vs {c}: {d:.1f} for {vision} vision"


# -- text contrast -----------------------------------------------------------------------------------

CSS_COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})\b")


def _css_text_colours() -> dict[str, str]:
    """Every text colour our CSS sets (ui, the map legend, the map tooltip) and the theme's."""
    out = {}
    for where, css in (("ui.BASE_CSS", ui.BASE_CSS), ("ui.PRESENT_CSS", ui.PRESENT_CSS),
                       ("map_view.LEGEND_CSS", mv.LEGEND_CSS)):
        for m in CSS_COLOR.finditer(css):
            out[f"{where} {m.group(1)}"] = m.group(1)
    out["map tooltip"] = mv.TOOLTIP_STYLE["color"]
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    out["theme textColor"] = theme["textColor"]
    out["theme primaryColor (links, focus)"] = theme["primaryColor"]
    return out


def _chart_text_colours() -> dict[str, str]:
    """The text colours in the Vega-Lite specs our chart builders make (axes, legends, titles, text marks)."""
    shares = pd.DataFrame({"group": ["A", "B"], "place": ["X", "Y"], "share": [0.2, 0.4]})
    levels = pd.DataFrame({"place": ["X"] * 5, "level": list(LEVELS), "share": [0.2] * 5})
    trend = pd.DataFrame({"year": [2020, 2021], "value": [0.05, 0.06], "series": ["X", "X"]})
    dots = pd.DataFrame({"place": ["X", "Y"], "value": [1.0, 2.0], "low": [0.5, 1.5], "high": [1.5, 2.5],
                         "text": ["1", "2"]})
    specs = [charts.grouped_shares(shares, "t"), charts.level_bars(levels, "t"),
             charts.trend_line(trend, "t", rule_at=0.1, rule_label="10% threshold"), charts.dot_compare(dots, "t")]
    out = {}

    def walk(node, path):
        if isinstance(node, dict):
            is_text_mark = node.get("type") == "text" or node.get("mark") == "text"
            for k, v in node.items():
                if k in ("labelColor", "titleColor", "subtitleColor") and isinstance(v, str):
                    out[f"{path}.{k}"] = v
                if k == "color" and is_text_mark and isinstance(v, str):
                    out[f"{path}.text mark"] = v
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    for i, s in enumerate(specs):
        walk(s.to_dict(), f"chart{i}")
    return out


def test_our_css_text_colours_reach_wcag_aa_on_white():
    colours = _css_text_colours()
    assert len(colours) >= 6  # the regex found the legend and caption colours
    low = {k: round(pc.contrast_ratio(c), 2) for k, c in colours.items() if pc.contrast_ratio(c) < pc.WCAG_AA_TEXT}
    assert not low, f"text colours below 4.5:1 on white: {low}"


def test_chart_text_colours_reach_wcag_aa_on_white():
    colours = _chart_text_colours()
    assert any(k.endswith("labelColor") for k in colours), "axis label colour should be set (Streamlit's is 3.7:1)"
    assert any(k.endswith("text mark") for k in colours)  # the 8-30g threshold label
    low = {k: round(pc.contrast_ratio(c), 2) for k, c in colours.items() if pc.contrast_ratio(c) < pc.WCAG_AA_TEXT}
    assert not low, f"chart text colours below 4.5:1 on white: {low}"


def test_legend_swatches_and_grey_lines_reach_the_3_to_1_of_graphics():
    # WCAG 1.4.11: a graphic needed to understand the content needs 3:1 against its neighbour. The map's
    # legend swatches have a #555 border; the state's line in trend charts is #7a7a7a on white.
    assert "border: 1px solid #555" in mv.LEGEND_CSS
    assert pc.contrast_ratio("#555555") >= pc.WCAG_AA_LARGE
    assert pc.contrast_ratio("#7a7a7a") >= pc.WCAG_AA_LARGE
    assert pc.contrast_ratio(mv.NO_DATA_COLOR) >= pc.WCAG_AA_LARGE
