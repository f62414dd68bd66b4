"""The five opportunity levels, their order and their colours, used everywhere."""

LEVELS = ("Very Low", "Low", "Moderate", "High", "Very High")

# A colour-blind-safe diverging scale (ColorBrewer PuOr, 5 classes; purple = low, orange = high
# is avoided in favour of purple -> teal?). We use ColorBrewer "BrBG"-like ends chosen from the
# Okabe-Ito-safe family: distinguishable in deuteranopia, protanopia and tritanopia simulations.
LEVEL_COLORS = {
    "Very Low": "#762a83",
    "Low": "#af8dc3",
    "Moderate": "#e7e7e7",
    "High": "#7fbf7b",
    "Very High": "#1b7837",
}

INDEX_NAMES = ("oca2025", "coi3", "oca2014")
DEFAULT_INDEX = "oca2025"
