"""The five opportunity levels, their order and their colours, used everywhere."""

LEVELS = ("Very Low", "Low", "Moderate", "High", "Very High")

# ColorBrewer PRGn (purple = low, green = high) with a grey middle. Checked in tests/test_palette.py:
# every pair stays apart (CIEDE2000 >= 15) under Machado et al. (2009) protanopia, deuteranopia and
# tritanopia simulations, and lightness falls away from Moderate on both sides.
LEVEL_COLORS = {
    "Very Low": "#762a83",
    "Low": "#af8dc3",
    "Moderate": "#e7e7e7",
    "High": "#7fbf7b",
    "Very High": "#1b7837",
}

INDEX_NAMES = ("oca2025", "coi3", "oca2014")
DEFAULT_INDEX = "oca2025"
