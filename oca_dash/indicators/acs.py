"""Core American Community Survey indicators, 2019-2023 5-year estimates.

Read from DataHaven's fetch of the Census API detailed tables, with margins of error,
for the state, the 9 planning regions, the 169 towns, census tracts and the 2021-plan
State Senate and House districts.
"""

from .types import Indicator, Source

ACS = "acs2023_datahaven"
ALL_GEOS = ("state", "region", "town", "tract", "senate", "house")
VINTAGE = "2019-2023"

SOURCES = [
    Source(
        id=ACS,
        publisher="U.S. Census Bureau, American Community Survey 5-year estimates (fetched by DataHaven)",
        dataset="ACS 2019-2023 detailed tables B01001, B01003, B03002, B05001, B06009, B08201, B17024, B19013, "
        "B25003, B25106, C17002",
        vintage=VINTAGE,
        provenance="acs/datahaven_2023acs/fetch_data/acs_basic_2023_fetch_all.rds from "
        "github.com/CT-Data-Haven/2023acs @ a33ecc549a6c0df72f0b9c68034e559de6ae257c",
        license="Census data: public domain (U.S. government work); repository states no licence",
        url="https://data.census.gov (tables named above, 2023 ACS 5-year); https://github.com/CT-Data-Haven/2023acs",
    )
]


def _acs(id, label, short, unit, fmt, hib, domain, universe, definition, notes="", opp=None, group=None,
         top=None, moe=True, geos=ALL_GEOS):
    return Indicator(id=id, label=label, short_label=short, unit=unit, fmt=fmt, higher_is_better=hib, domain=domain,
                     source=ACS, vintage=VINTAGE, universe=universe, definition=definition, notes=notes,
                     geographies=geos, has_moe=moe, opportunity_domain=opp, group=group, top_coded=top)


_RACE = [
    ("hispanic", "Hispanic or Latino (any race)", "Latino", "B03002_012"),
    ("white_nh", "White, not Hispanic", "White", "B03002_003"),
    ("black_nh", "Black, not Hispanic", "Black", "B03002_004"),
    ("asian_nh", "Asian, not Hispanic", "Asian", "B03002_006"),
    ("other_nh", "All other races and multiracial, not Hispanic", "Other/multiracial",
     "B03002_005 + _007 + _008 + _009"),
    ("poc", "People of colour (everyone except non-Hispanic White)", "People of colour", "B03002_001 - B03002_003, "
     "summed from its parts"),
]

INDICATORS = [
    _acs("population", "Total population", "Population", "count", "int", None, "population", "All residents",
         "Residents counted by the ACS (B01003_001). State and planning-region totals are population controls with "
         "no margin of error."),
]
for key, label, short, cells in _RACE:
    INDICATORS.append(_acs(f"pop_{key}", f"Residents: {label}", short, "count", "int", None, "race", "All residents",
                           f"Residents who are {label[0].lower() + label[1:]} (B03002: {cells}).", group=key))
for key, label, short, cells in _RACE:
    INDICATORS.append(_acs(f"share_{key}", f"Share of residents: {label}", f"% {short}", "share", "pct1", None, "race",
                           "All residents",
                           f"Residents who are {label[0].lower() + label[1:]} as a share of all residents (B03002).",
                           notes="Derived margin of error by the Census Bureau's formula for proportions.", group=key))

INDICATORS += [
    _acs("children_under18", "Children under 18", "Children", "count", "int", None, "population", "All residents",
         "Residents under 18 (B01001, sum of the 8 age cells under 18 for both sexes).",
         notes="Margin of error of the sum by the Census Bureau's formula (root of summed squares)."),
    _acs("share_children", "Share of residents under 18", "% under 18", "share", "pct1", None, "population",
         "All residents", "Children under 18 as a share of all residents (B01001)."),
    _acs("foreign_born", "Foreign-born residents", "Foreign-born", "count", "int", None, "population", "All residents",
         "Residents born outside the U.S. and its territories to non-citizen parents: naturalized citizens plus "
         "non-citizens (B05001_005 + B05001_006)."),
    _acs("share_foreign_born", "Share of residents born abroad", "% foreign-born", "share", "pct1", None,
         "population", "All residents", "Foreign-born residents as a share of all residents (B05001)."),
    _acs("households", "Households", "Households", "count", "int", None, "housing", "Occupied housing units",
         "Occupied housing units (B25003_001)."),
    _acs("median_hh_income", "Median household income", "Median income", "dollars", "dollars", True, "income",
         "Households", "Median household income in the past 12 months, in 2023 inflation-adjusted dollars (B19013).",
         notes="The Census Bureau top-codes this median at 250,001 dollars with no margin of error: it means "
               "'250,000 or more', and is never ranked as a number (4 towns, 30 tracts and 2 House districts are at "
               "the top code). Medians cannot be summed or averaged, so every median here is the Census Bureau's own "
               "estimate for that geography. It is not an input of the opportunity index: the index uses the "
               "poverty rate for the same economic dimension, and a top-coded median cannot be turned into a "
               "z-score honestly.",
         top=250001.0),
    _acs("poverty_rate", "Poverty rate", "Poverty", "share", "pct1", False, "income",
         "People for whom poverty status is determined",
         "Share of people with income below 100% of the federal poverty threshold (C17002_002 + _003 over _001).",
         opp="economic"),
    _acs("low_income_rate", "Low-income rate (below 200% of poverty)", "Low income", "share", "pct1", False, "income",
         "People for whom poverty status is determined",
         "Share of people with income below 200% of the federal poverty threshold (C17002_002 to _007 over _001)."),
    _acs("bachelors_plus", "Adults with a bachelor's degree or more", "Bachelor's+", "share", "pct1", True,
         "education", "Adults 25 and over",
         "Share of adults 25 and over whose highest degree is a bachelor's or a graduate or professional degree "
         "(B06009_005 + _006 over _001).", opp="education"),
    _acs("homeownership_rate", "Homeownership rate", "Homeownership", "share", "pct1", True, "housing",
         "Occupied housing units", "Owner-occupied units as a share of occupied units (B25003_002 over _001).",
         opp="neighborhood"),
    _acs("renter_cost_burden", "Renter households that are cost-burdened", "Renters cost-burdened", "share", "pct1",
         False, "housing", "Renter households for whom the cost ratio is computed",
         "Share of renter households paying 30% or more of income on gross rent (B25106, the five 'renter, 30 "
         "percent or more' cells over renter households less those with zero or negative income or no cash rent).",
         notes="Denominator excludes households for which the Census Bureau does not compute a cost ratio."),
    _acs("owner_cost_burden", "Owner households that are cost-burdened", "Owners cost-burdened", "share", "pct1",
         False, "housing", "Owner households for whom the cost ratio is computed",
         "Share of owner households paying 30% or more of income on owner costs (B25106, the five 'owner, 30 percent "
         "or more' cells over owner households less those with zero or negative income).",
         notes="Denominator excludes households for which the Census Bureau does not compute a cost ratio."),
    _acs("no_vehicle_share", "Households without a vehicle", "No vehicle", "share", "pct1", None, "housing",
         "Households", "Share of households with no vehicle available (B08201_002 over _001)."),
]
