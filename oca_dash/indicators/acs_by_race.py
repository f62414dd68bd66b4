"""Income, poverty and homeownership by race and ethnicity: older ACS vintages, state and towns.

These are the newest race-specific town figures found: median household income and poverty from
the ACS 2013-2017 5-year estimates, homeownership from 2015-2019. They are older than the 2019-2023
core indicators and small groups are often suppressed, so every label carries its vintage and a
missing value stays missing with its reason.

Groups (the registry ``group``): "all"; "white_nh" = White alone, not Hispanic or Latino; "black" =
Black or African American alone, of any ethnicity (so it includes Black Latinos); "asian" = Asian
alone, of any ethnicity; "hispanic" = Hispanic or Latino, of any race. The Black and Asian groups
therefore overlap the Hispanic group, unlike the non-Hispanic groups of the 2019-2023 race shares.
"""

from .types import Indicator, Source

INCOME = "ctdata_acs2017_b19013_race"
POVERTY = "ctdata_acs2017_b17001_race"
TENURE = "ctdata_acs2019_b25003_race"
GEOS = ("state", "town")
_LICENSE = ("Census data: public domain (U.S. government work); CTData repository: ODC Public Domain Dedication "
            "and Licence (PDDL)")

SOURCES = [
    Source(
        id=INCOME,
        publisher="U.S. Census Bureau, American Community Survey 5-year estimates (copy kept by CT Data Collaborative)",
        dataset="ACS 2013-2017 tables B19013, B19013B, B19013D, B19013H, B19013I: median household income by race "
        "and Hispanic origin of householder (FactFinder 'with_ann' exports)",
        vintage="2013-2017",
        provenance="acs/ctdata_median-household-income-by-town/raw/2017/ACS_17_5YR_B19013{,B,D,H,I}_with_ann.csv "
        "from github.com/CT-Data-Collaborative/median-household-income-by-town, branch with-2017 @ "
        "799cca0f1c6c194de745a5fc0827b70fd7ef0a5e (files added in d317e57)",
        license=_LICENSE,
        url="https://data.census.gov (tables B19013, B19013B/D/H/I, 2017 ACS 5-year); "
        "https://github.com/CT-Data-Collaborative/median-household-income-by-town",
    ),
    Source(
        id=POVERTY,
        publisher="U.S. Census Bureau, American Community Survey 5-year estimates (reshaped by CT Data Collaborative)",
        dataset="ACS 2013-2017 tables B17001 and B17001B/D/H/I: poverty status by race and Hispanic origin, "
        "CTData 'Poverty Status by Town' long file",
        vintage="2013-2017",
        provenance="acs/ctdata_poverty-status-by-town/data/poverty-status-by-town-2017-only.csv from "
        "github.com/CT-Data-Collaborative/poverty-status-by-town @ 191a602c034e48c54b4276ed141434bd3945cf6e "
        "(blob b9f19119b005463b78acedbde4c21fc982a714cf)",
        license=_LICENSE,
        url="https://github.com/CT-Data-Collaborative/poverty-status-by-town",
    ),
    Source(
        id=TENURE,
        publisher="U.S. Census Bureau, American Community Survey 5-year estimates (reshaped by CT Data Collaborative)",
        dataset="ACS 2015-2019 tables B25003 and B25003B/D/H/I: tenure by race and Hispanic origin of householder, "
        "CTData 'Housing Tenure by Race and Ethnicity by Town' long file",
        vintage="2015-2019",
        provenance="acs/ctdata_housing-tenure-by-race-and-ethnicity-by-town/data/housing_tenure_race_town_2019-only.csv"
        " from github.com/CT-Data-Collaborative/housing-tenure-by-race-and-ethnicity-by-town @ "
        "f470e45dd4306337dab5112e9f875c1c764edde1 (blob 2e1f03154a287c3997f68af99d45d3214455cc1b)",
        license=_LICENSE,
        url="https://github.com/CT-Data-Collaborative/housing-tenure-by-race-and-ethnicity-by-town",
    ),
]

# group -> (name for labels, short name, who the group is, income table, poverty/tenure table suffix)
GROUPS = {
    "all": ("all", "all", "", "B19013", ""),
    "white_nh": ("White non-Hispanic", "White NH", "White alone and not Hispanic or Latino", "B19013H", "H"),
    "black": ("Black", "Black", "Black or African American alone, of any ethnicity", "B19013B", "B"),
    "asian": ("Asian", "Asian", "Asian alone, of any ethnicity", "B19013D", "D"),
    "hispanic": ("Hispanic or Latino", "Latino", "Hispanic or Latino, of any race", "B19013I", "I"),
}
_GROUP_NOTE = ("Black and Asian are race alone of any ethnicity; White is White alone and not Hispanic; Hispanic "
               "or Latino is of any race, so the Black, Asian and Latino groups can overlap.")
_SMALL = ("Small groups have wide margins of error or are missing; missing values are never filled in.")

_INCOME_GAPS = {  # what the 2013-2017 files hold for the 169 towns (checked in the tests)
    "all": "",
    "white_nh": "Published for all 169 towns. ",
    "black": "Not published ('-', too few sample households) for 102 towns. ",
    "asian": ("Not published ('-', too few sample households) for 76 towns; top-coded (250,000+) in Bolton, "
              "Bridgewater, Weston and Wilton; published as '2,500-' (2,500 dollars or less) in Haddam, which is "
              "kept as missing. "),
    "hispanic": "Not published ('-', too few sample households) for 57 towns. ",
}

INDICATORS = []
for g, (name, short, desc, b19013, sfx) in GROUPS.items():
    households = "Households" if g == "all" else f"Households whose householder is {desc}"
    people = "People" if g == "all" else f"People who are {desc}"
    extra = "" if g == "all" else f" {_GROUP_NOTE} {_SMALL}"
    INDICATORS += [
        Indicator(
            id=f"median_hh_income_2017_{g}",
            label=f"Median household income, {name} households, 2013-2017" if g == "all"
            else f"Median household income, {name} householders, 2013-2017",
            short_label=f"Median income, {short} (2013-17)", unit="dollars", fmt="dollars", higher_is_better=True,
            domain="income", source=INCOME, vintage="2013-2017", universe=households,
            definition=f"Median income in the past 12 months of {households[0].lower() + households[1:]}, in 2017 "
                       f"inflation-adjusted dollars ({b19013}).",
            notes=("Dollars are 2017 dollars: do not compare directly with the 2019-2023 median in 2023 dollars. "
                   "The Census Bureau top-codes the median at 250,000 dollars: a value of 250,001 means "
                   "'250,000 or more' and has no margin of error. " + _INCOME_GAPS[g] + extra).strip(),
            geographies=GEOS, has_moe=True, group=g, top_coded=250001.0, tags=("by_race",),
        ),
        Indicator(
            id=f"poverty_rate_2017_{g}",
            label=f"Poverty rate, {name} people, 2013-2017" if g == "all" else f"Poverty rate, {name}, 2013-2017",
            short_label=f"Poverty, {short} (2013-17)", unit="share", fmt="pct1", higher_is_better=False,
            domain="income", source=POVERTY, vintage="2013-2017",
            universe=f"{people}{'' if g == 'all' else ','} for whom poverty status is determined",
            definition=f"Share of {people[0].lower() + people[1:]} (poverty status determined) whose income is below "
                       f"the federal poverty threshold (B17001{sfx}_002 over B17001{sfx}_001, as computed by CTData).",
            notes=("CTData computed the percent and its margin of error from the counts. Missing where no one of the "
                   "group has poverty status determined in the town's sample." + extra).strip(),
            geographies=GEOS, has_moe=True, group=g, tags=("by_race",),
        ),
        Indicator(
            id=f"homeownership_2019_{g}",
            label=f"Homeownership rate, {name} households, 2015-2019" if g == "all"
            else f"Homeownership rate, {name} householders, 2015-2019",
            short_label=f"Homeownership, {short} (2015-19)", unit="share", fmt="pct1", higher_is_better=True,
            domain="housing", source=TENURE, vintage="2015-2019",
            universe="Occupied housing units" + ("" if g == "all" else f" whose householder is {desc}"),
            definition=f"Owner-occupied units as a share of the occupied units of "
                       f"{households[0].lower() + households[1:]} (B25003{sfx}_002 over B25003{sfx}_001; the "
                       f"percent as published by CTData).",
            notes=("Margin of error derived by us from the two count margins with the Census Bureau's formula for a "
                   "proportion, sqrt(MOE_owner^2 - p^2 x MOE_total^2) / total, falling back to the ratio formula "
                   "(plus sign) where the term under the root is zero or negative; CTData's own percent margins are "
                   "rounded to whole points and use the ratio formula throughout. Missing where the group has no "
                   "occupied units in the town's sample." + extra).strip(),
            geographies=GEOS, has_moe=True, group=g, tags=("by_race",),
        ),
    ]
