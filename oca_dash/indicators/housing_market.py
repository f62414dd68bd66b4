"""Housing market (ACS 2016-2020) and unemployment (CT DOL LAUS 2019 and 2020), state and towns.

Home values, rents and vacancy are from the ACS 2016-2020 5-year estimates: older than the
2019-2023 core indicators because the 2019-2023 fetch has no value, rent or vacancy tables.
Unemployment is the labour department's modelled LAUS series, not the ACS.
"""

from .types import Indicator, Source

B25077 = "ctdata_acs2020_b25077"
DP04 = "ctdata_acs2020_dp04"
LAUS19 = "ctdol_laus_2019"
LAUS20 = "ctdol_laus_2020"
ACS_VINTAGE = "2016-2020"
GEOS = ("state", "town")

_CENSUS_LICENSE = ("Census data: public domain (U.S. government work); CTData repository: ODC Public Domain "
                   "Dedication and Licence (PDDL)")
_LAUS_PROV = ("acs/ctdata_labor-force/raw/town/{f} from github.com/CT-Data-Collaborative/labor-force @ "
              "7febf1ffb9e1822350c869da630d3ac7ea4f2132 (blob {b}); sheets Towns and COUNTIES (STATEWIDE row)")

SOURCES = [
    Source(
        id=B25077,
        publisher="U.S. Census Bureau, American Community Survey 5-year estimates (copy kept by CT Data Collaborative)",
        dataset="ACS 2016-2020 table B25077, median value of owner-occupied housing units (FactFinder-style export)",
        vintage=ACS_VINTAGE,
        provenance="acs/ctdata_median-home-value-by-town/raw/ACS_20_5YR_B25077_with_ann.csv from "
        "github.com/CT-Data-Collaborative/median-home-value-by-town @ b8f01294af8b27ab0e913a93334fd08af397e555 "
        "(blob 311b39769a9a0e352cbf2e834a90676826b08a27)",
        license=_CENSUS_LICENSE,
        url="https://data.census.gov (table B25077, 2020 ACS 5-year); "
        "https://github.com/CT-Data-Collaborative/median-home-value-by-town",
    ),
    Source(
        id=DP04,
        publisher="U.S. Census Bureau, American Community Survey 5-year estimates (copy kept by CT Data Collaborative)",
        dataset="ACS 2016-2020 data profile DP04, selected housing characteristics (FactFinder-style export)",
        vintage=ACS_VINTAGE,
        provenance="acs/ctdata_cost-burdened-households-by-town/raw/ACS_20_5YR_DP04_with_ann.csv from "
        "github.com/CT-Data-Collaborative/cost-burdened-households-by-town @ "
        "1d298b3bdb4d4755ded96601052c89917c56d61b (blob 07dd22054ce3c14ed0bd1282b2b67d6404b4e022)",
        license=_CENSUS_LICENSE,
        url="https://data.census.gov (profile DP04, 2020 ACS 5-year); "
        "https://github.com/CT-Data-Collaborative/cost-burdened-households-by-town",
    ),
    Source(
        id=LAUS19,
        publisher="Connecticut Department of Labor, Office of Research, Local Area Unemployment Statistics "
        "(copy kept by CT Data Collaborative)",
        dataset="Connecticut labor force data by place of residence, towns, 2019 annual averages (2019 benchmark)",
        vintage="2019",
        provenance=_LAUS_PROV.format(f="LAUS Substate 2019 AP 19bm.xlsx",
                                     b="4f8f56ab9d79c4e7c65c84e351b637eba430e129"),
        license="CT DOL public data; CTData repository carries the PDDL licence file (its README says MIT)",
        url="https://github.com/CT-Data-Collaborative/labor-force",
    ),
    Source(
        id=LAUS20,
        publisher="Connecticut Department of Labor, Office of Research, Local Area Unemployment Statistics "
        "(copy kept by CT Data Collaborative)",
        dataset="Connecticut labor force data by place of residence, towns, 2020 annual averages (2020 benchmark)",
        vintage="2020",
        provenance=_LAUS_PROV.format(f="LAUS Substate 2020 AP 20bm.xlsx",
                                     b="f451e16efc21b18fffa3786dcceb9c5030521dc5"),
        license="CT DOL public data; CTData repository carries the PDDL licence file (its README says MIT)",
        url="https://github.com/CT-Data-Collaborative/labor-force",
    ),
]

_OLDER = ("ACS 2016-2020, older than the 2019-2023 core indicators: the 2019-2023 fetch has no home value, rent or "
          "vacancy tables. Dollars are nominal 2020 dollars. The 2016-2020 window includes the 2020 pandemic "
          "collection year.")
_LAUS = ("Modelled by CT DOL with the BLS LAUS method from payroll, claims and survey data, so it has no margin of "
         "error and no breakdown by race. Union's figures are footnoted by CT DOL as 'not official BLS estimates, but "
         "produced using BLS methodology'. Not the ACS unemployment rate (table B23025), which was not available "
         "for towns.")


def _acs(id, label, short, unit, fmt, hib, source, universe, definition, notes="", top=None, opp=None):
    return Indicator(id=id, label=label, short_label=short, unit=unit, fmt=fmt, higher_is_better=hib,
                     domain="housing", source=source, vintage=ACS_VINTAGE, universe=universe, definition=definition,
                     notes=f"{notes} {_OLDER}".strip(), geographies=GEOS, has_moe=True, opportunity_domain=opp,
                     top_coded=top)


def _laus(id, label, short, unit, fmt, hib, source, vintage, definition, notes="", opp=None):
    return Indicator(id=id, label=label, short_label=short, unit=unit, fmt=fmt, higher_is_better=hib, domain="jobs",
                     source=source, vintage=vintage, universe="Civilian labor force 16 and over, by place of residence",
                     definition=definition, notes=f"{notes} {_LAUS}".strip(), geographies=GEOS, has_moe=False,
                     opportunity_domain=opp)


INDICATORS = [
    _acs("median_home_value", "Median value of owner-occupied homes", "Median home value", "dollars", "dollars",
         None, B25077, "Owner-occupied housing units",
         "Median of owners' estimates of what their home would sell for (B25077_001).",
         notes="Neither higher nor lower is 'better': high values mean wealth for owners and a barrier for "
               "buyers. The Census Bureau top-codes this median at 2,000,000 dollars (stored as 2,000,001, shown "
               "as '2,000,000+'); no Connecticut town reaches it in 2016-2020.",
         top=2000001.0),
    _acs("median_gross_rent", "Median gross rent", "Median rent", "dollars", "dollars", None, DP04,
         "Renter-occupied units paying cash rent",
         "Median monthly contract rent plus utilities and fuels paid by the renter (DP04_0134).",
         notes="Neither direction is 'better' (cost to renters versus the quality of the housing stock). The "
               "Census Bureau top-codes this median at 3,500 dollars (stored as 3,501, shown as '3,500+'); no "
               "Connecticut town reaches it in 2016-2020. Not published for Middlebury and Middlefield (too few "
               "sample renters).",
         top=3501.0),
    _acs("homeowner_vacancy_rate", "Homeowner vacancy rate", "Owner vacancy", "share", "pct1", None, DP04,
         "Homeowner inventory: owner-occupied units plus vacant units for sale or sold not yet occupied",
         "Vacant units for sale only as a share of the homeowner inventory (DP04_0004).",
         notes="No direction: a very low rate means a tight market that is hard to buy into, a high one can mean "
               "weak demand. Small towns have very wide margins of error."),
    _acs("rental_vacancy_rate", "Rental vacancy rate", "Rental vacancy", "share", "pct1", None, DP04,
         "Rental inventory: renter-occupied units plus vacant units for rent or rented not yet occupied",
         "Vacant units for rent as a share of the rental inventory (DP04_0005).",
         notes="No direction: a low rate means a tight market in which renters struggle to find homes (about 5 "
               "percent is often called balanced), a high one can mean weak demand or disinvestment. Small towns "
               "have very wide margins of error."),
    _acs("vacant_housing_share", "Vacant housing units", "Vacant units", "share", "pct1", False, DP04,
         "All housing units",
         "Vacant housing units of every kind as a share of all housing units (DP04_0003).",
         notes="This is the vacancy measure of the coalition's 2014 opportunity index (1 minus B25002_003 over "
               "B25002_001 in sgaul/opportunity census.R), where more vacancy counts against a neighbourhood. It "
               "includes seasonal and recreational homes, so it is high in lake and shore towns (Salisbury 46 "
               "percent) for reasons unrelated to distress. For that reason, and because it is only available by "
               "town (2016-2020), the current opportunity index does not use it: repeated over a town's tracts it "
               "would mark resort towns as distressed."),
    _laus("unemployment_rate", "Unemployment rate, 2019 annual average", "Unemployment", "share", "pct1", False,
          LAUS19, "2019",
          "Unemployed residents as a share of the civilian labor force living in the town, 2019 annual average (CT "
          "DOL LAUS).",
          notes="2019 is used as the last pre-pandemic year.", opp="economic"),
    _laus("unemployment_rate_2020", "Unemployment rate, 2020 annual average", "Unemployment 2020", "share", "pct1",
          False, LAUS20, "2020",
          "Unemployed residents as a share of the civilian labor force living in the town, 2020 annual average (CT "
          "DOL LAUS).",
          notes="2020 is a pandemic year: rates were far above normal (statewide 7.9 percent against 3.7 in 2019)."),
    _laus("labor_force", "Civilian labor force, 2019 annual average", "Labor force", "count", "int", None, LAUS19,
          "2019", "Residents 16 and over who were employed or looking for work, 2019 annual average (CT DOL LAUS)."),
]
