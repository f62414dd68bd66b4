"""The shapes of a registry entry: a data source and an indicator."""

from __future__ import annotations

from dataclasses import dataclass, field

# Units. Shares and rates are stored as fractions (0-1) and shown as percents.
UNITS = {
    "count": "people, homes or jobs",
    "share": "fraction of the universe, shown as a percent",
    "dollars": "US dollars, nominal in the vintage's last year",
    "score": "a score on the source's own scale",
    "zscore": "a standardized score (0 = state average of tracts)",
    "rate_per_100k": "events per 100,000 residents",
    "years": "years",
    "per_resident": "per resident",
}

DOMAINS = (
    "population",
    "race",
    "income",
    "education",
    "housing",
    "affordable_housing",
    "schools",
    "health",
    "safety",
    "jobs",
    "environment",
    "opportunity",
)

GEO_TYPES = ("state", "region", "county", "town", "tract", "senate", "house")


@dataclass(frozen=True)
class Source:
    id: str
    publisher: str
    dataset: str
    vintage: str
    provenance: str  # raw file path(s) under shared/data/raw and the repository@commit they came from
    license: str
    url: str = ""  # where a person outside this repo can obtain it


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str  # full label for tables and the methods page
    short_label: str  # for chart axes and compact tables
    unit: str  # one of UNITS
    fmt: str  # "pct1", "pct0", "int", "dollars", "dec1", "dec2", "dec0"
    higher_is_better: bool | None  # None: neither (e.g. population)
    domain: str  # one of DOMAINS
    source: str  # Source.id
    vintage: str  # e.g. "2019-2023", "2023", "2024-25"
    universe: str  # whom or what the figure counts
    definition: str  # one plain sentence for the methods page
    notes: str = ""  # caveats
    geographies: tuple[str, ...] = ("town",)  # where the database holds it
    has_moe: bool = False
    # The coalition's opportunity index (DESIGN.md s.3): which domain this feeds, if any.
    # The sign comes from higher_is_better (z-scores are flipped where lower is better).
    opportunity_domain: str | None = None  # "education" | "economic" | "neighborhood"
    group: str | None = None  # race/ethnicity group for by-race indicators
    top_coded: float | None = None  # a value at or above this means "this or more"
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"{self.id}: unknown unit {self.unit}")
        if self.domain not in DOMAINS:
            raise ValueError(f"{self.id}: unknown domain {self.domain}")
        bad = set(self.geographies) - set(GEO_TYPES)
        if bad:
            raise ValueError(f"{self.id}: unknown geographies {bad}")
        if self.opportunity_domain and self.higher_is_better is None:
            raise ValueError(f"{self.id}: an opportunity input needs a direction")
