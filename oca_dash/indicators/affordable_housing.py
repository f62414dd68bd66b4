"""The Affordable Housing Appeals List (CGS 8-30g), CT Department of Housing.

Each year DOH counts, for every town, the housing units that are "assisted" in the
statute's sense and divides by the town's housing units in the latest decennial census.
A town at or above 10 % is exempt from the 8-30g affordable housing appeals procedure
(a developer whose affordable proposal is refused cannot then use the statute's appeal,
where the town carries the burden of proof). The dashboard shows the latest list (2023)
by town, planning region and state; the full 2002-2023 series is in the tables
``appeals_list`` and ``appeals_state`` (built by ``oca_dash.build.appeals``).
"""

from .types import Indicator, Source

PORTAL = "ct_doh_ahal_portal"
CTDATA = "ct_doh_ahal_ctdata"
VINTAGE = "2023"
GEOS = ("state", "region", "town")

SOURCES = [
    Source(
        id=PORTAL,
        publisher="Connecticut Department of Housing (via the CT Open Data Portal)",
        dataset="Affordable Housing Appeals List, CGS 8-30g: 'Affordable Housing by Town 2011-Present' "
        "(data.ct.gov 3udy-56vi), lists 2011-2023",
        vintage="2011-2023",
        provenance="opportunity/affordable_housing_appeals/Pirate-Emperor_HouseValuation/"
        "Affordable_Housing_by_Town_2011-2023.csv from github.com/Pirate-Emperor/HouseValuation @ "
        "cbdf4eaf2924c068a68c57adf0b47ec873979be4 (an unmodified portal export; the repository owner is not the "
        "publisher)",
        license="No licence stated in the repository; Connecticut open data is public",
        url="https://data.ct.gov/d/3udy-56vi",
    ),
    Source(
        id=CTDATA,
        publisher="Connecticut Department of Housing (reshaped by CTData Collaborative)",
        dataset="Affordable Housing Appeals List, CGS 8-30g: 'Subsidized Housing by Type', lists 2002-2019",
        vintage="2002-2019",
        provenance="opportunity/affordable_housing_appeals/CT-Data-Collaborative_subsidized-housing-by-type/"
        "subsidized-housing-by-type_2019.csv (and raw/*.xls, the DOH spreadsheets as published) from "
        "github.com/CT-Data-Collaborative/subsidized-housing-by-type @ b0eea4623db860c8aa65a110b847635b5ddadc66",
        license="ODC Public Domain Dedication and Licence (PDDL)",
        url="https://github.com/CT-Data-Collaborative/subsidized-housing-by-type",
    ),
]

_DENOM = (
    "The denominator is the town's housing units in the latest decennial census: 2000 census for the 2002-2010 "
    "lists, 2010 census for 2011-2022, 2020 census from the 2023 list, so a town's percent can jump in the year "
    "the denominator changes without any change in assisted housing."
)
_EXEMPT = (
    "A town at or above 10 % is exempt from the CGS 8-30g affordable housing appeals procedure."
)
_ASSISTED = (
    "Assisted units are: governmentally assisted housing (public housing and other state or federally funded "
    "rental units), households using tenant rental assistance (Section 8 / Housing Choice Vouchers and state "
    "Rental Assistance Program), single-family homes with CHFA or USDA mortgages, and units deed-restricted to be "
    "affordable to households at or below 80 % of area median income."
)
_AGG = (
    "Region and state counts are sums over the member towns of the 2023 list (DOH publishes no regional figures)."
)


def _ahal(id, label, short, unit, fmt, hib, universe, definition, notes):
    return Indicator(id=id, label=label, short_label=short, unit=unit, fmt=fmt, higher_is_better=hib,
                     domain="affordable_housing", source=PORTAL, vintage=VINTAGE, universe=universe,
                     definition=definition, notes=notes, geographies=GEOS, has_moe=False, opportunity_domain=None,
                     tags=("8-30g",))


INDICATORS = [
    _ahal("ahal_census_units", "Housing units counted by the 8-30g Appeals List (2020 census)",
          "Census housing units", "count", "int", None, "Housing units, 2020 decennial census",
          "The housing units DOH uses as the denominator of the 2023 Affordable Housing Appeals List: the town's "
          "total housing units in the 2020 census.",
          f"{_DENOM} {_AGG}"),
    _ahal("ahal_gov_assisted", "Governmentally assisted housing units (8-30g Appeals List)",
          "Gov't assisted units", "count", "int", None, "Assisted housing units",
          "Units of governmentally assisted housing on the 2023 Appeals List: public housing and rental units built "
          "or operated with state or federal funding.",
          f"Before 2011 this column also included tenant rental assistance, which was not broken out. {_AGG}"),
    _ahal("ahal_tenant_rental", "Households with tenant rental assistance (8-30g Appeals List)",
          "Tenant rental assistance", "count", "int", None, "Households receiving rental assistance",
          "Households in the town using tenant-based rental assistance (Section 8 Housing Choice Vouchers, state "
          "Rental Assistance Program and similar) on the 2023 Appeals List.",
          f"Not broken out before 2011 (then counted in governmentally assisted). {_AGG}"),
    _ahal("ahal_chfa_usda", "Single-family homes with CHFA or USDA mortgages (8-30g Appeals List)",
          "CHFA/USDA mortgages", "count", "int", None, "Owner-occupied single-family homes",
          "Single-family homes financed with an active Connecticut Housing Finance Authority or U.S. Department of "
          "Agriculture (rural housing) mortgage, on the 2023 Appeals List.",
          _AGG),
    _ahal("ahal_deed_restricted", "Deed-restricted affordable units (8-30g Appeals List)",
          "Deed-restricted units", "count", "int", None, "Housing units",
          "Units whose deeds restrict their sale or rent to prices affordable to households at or below 80 % of "
          "area median income (under 8-30g, for at least 40 years), on the 2023 Appeals List.",
          _AGG),
    _ahal("ahal_total_assisted", "Total assisted housing units (8-30g Appeals List)",
          "Total assisted units", "count", "int", None, "Assisted housing units",
          "The sum of governmentally assisted units, tenant rental assistance, CHFA/USDA mortgages and "
          "deed-restricted units on the 2023 Appeals List, as published by DOH.",
          f"{_ASSISTED} {_AGG}"),
    _ahal("ahal_pct_affordable", "Share of housing that is affordable under CGS 8-30g (Appeals List)",
          "% affordable (8-30g)", "share", "pct1", True, "Housing units, 2020 decennial census",
          "Total assisted units as a share of the town's 2020 census housing units, as published on the 2023 "
          "Affordable Housing Appeals List.",
          f"{_EXEMPT} {_ASSISTED} {_DENOM} Town values are DOH's published percent (rounded to 0.01 percentage "
          "points; checked against total / units). Region and state values are computed as summed assisted units "
          "over summed census units, unrounded."),
    _ahal("ahal_units_to_10pct", "Additional assisted units needed to reach 10 % (8-30g)",
          "Units short of 10 %", "count", "int", False, "Assisted housing units",
          "Additional assisted units a town would need to reach 10 % of its 2020 census housing units on the 2023 "
          "list: max(0, ceil(0.10 x census units - total assisted)); 0 for towns already at or above 10 %.",
          f"{_EXEMPT} Computed by the dashboard (in integer arithmetic), not published by DOH; it holds the "
          "census denominator fixed. For a region or the state it is the sum of the member towns' shortfalls "
          "(towns above 10 % do not offset towns below), so it is not the aggregate's own shortfall."),
]
