"""Environmental burdens (CDC/ATSDR Environmental Justice Index 2024) and the Index of Concentration at
the Extremes (Krieger), both by tract, with population-weighted town, region, county and state means.

Built by ``oca_dash.build.environment``. The tract files come from ``geomarker-io/tract_indices``
(trimmed to Connecticut). The EJI columns are the EJI's *estimates* (``E_`` fields), not its
percentile ranks (``EPL_``): geomarker's script maps ``prop_near_parks`` to ``E_PARK`` and so on,
and the values confirm it (0-100 with most tracts at exactly 0 or 100, which ranks would not be).
The Area Deprivation Index file in the same folder is deliberately not used (its terms restrict
redistribution).
"""

from .types import Indicator, Source

EJI = "cdc_eji_2024"
ICE = "krieger_ice_acs2023"
REPO = "github.com/geomarker-io/tract_indices"

SOURCES = [
    Source(
        id=EJI,
        publisher="CDC / ATSDR (Environmental Justice Index), via geomarker-io/tract_indices",
        dataset="Environmental Justice Index 2024, environmental burden estimates by 2020 census tract",
        vintage="EJI 2024",
        provenance="opportunity/tract_indices_geomarker/geomarker-io_tract_indices/eji_CT.csv (data/eji.rds "
        f"trimmed to Connecticut and converted to CSV, values unchanged) from {REPO} @ "
        "33825385984b068e6494294dbf0b1e5a8518d2dc (snapshot 6ed975656b879f8824923167c82b7e5dcc411cd7)",
        license="US federal (CDC/ATSDR) data, public domain; the geomarker repository states no licence",
        url="https://www.atsdr.cdc.gov/place-health/php/eji/eji-data-download.html",
    ),
    Source(
        id=ICE,
        publisher="geomarker-io (Cincinnati Children's), computed from the Census Bureau's ACS 2019-2023",
        dataset="Index of Concentration at the Extremes (Krieger), race and income, by 2020 census tract",
        vintage="2019-2023",
        provenance="opportunity/tract_indices_geomarker/geomarker-io_tract_indices/kreiger_ice_CT.csv (data/"
        f"kreiger_ice.rds trimmed to Connecticut and converted to CSV, values unchanged) from {REPO} @ "
        "33825385984b068e6494294dbf0b1e5a8518d2dc (snapshot 6ed975656b879f8824923167c82b7e5dcc411cd7)",
        license="No licence stated in the repository; the ACS inputs are US federal public-domain data",
        url=f"https://{REPO}",
    ),
]

GEOS = ("state", "region", "county", "town", "tract")
_AGG = (
    " Towns, regions, counties and the state: the mean of their tracts' values weighted by tract population "
    "(ACS 2019-2023); tracts without a value or without residents are left out."
)
_EJI = "EJI 2024 estimate for the tract (not its percentile rank)."
_NOT_INDEX = " Not an opportunity-index input: "


def _eji(id, label, short, unit, fmt, hib, definition, notes, opportunity_domain=None):
    return Indicator(
        id=id, label=label, short_label=short, unit=unit, fmt=fmt, higher_is_better=hib, domain="environment",
        source=EJI, vintage="EJI 2024", universe="census tracts (residents, for the weighted means)",
        definition=definition, notes=_EJI + " " + notes + _AGG, geographies=GEOS,
        opportunity_domain=opportunity_domain, tags=("eji",),
    )


INDICATORS = [
    _eji("eji_diesel_pm", "Diesel particulate matter in the air (micrograms per cubic metre)", "Diesel PM",
         "score", "dec2", False,
         "Modelled annual average concentration of diesel particulate matter in the tract's air, in micrograms "
         "per cubic metre (EJI E_DSLPM).",
         "Unit: micrograms per cubic metre (the registry has no concentration unit, so it is filed as 'score'). "
         "Highest near highways, rail yards, ports and bus depots. Feeds the neighborhood domain of the "
         "opportunity index (higher is worse): of the EJI's environmental measures it is the one that varies "
         "continuously across Connecticut's tracts (706 distinct values), and it is higher in tracts with more "
         "concentrated deprivation (correlation -0.37 with the ICE). About half its variation is between counties: "
         "Fairfield County tracts are highest on average, so some wealthy I-95 towns score high too.",
         opportunity_domain="neighborhood"),
    _eji("eji_air_toxics_cancer_risk", "Lifetime cancer risk from air toxics (per million)", "Air toxics cancer risk",
         "score", "dec0", False,
         "Modelled lifetime cancer risk from breathing the tract's air toxics, in cases per million people "
         "(EJI E_TOTCR).",
         "Unit: cases per million over a lifetime (filed as 'score'). Published rounded: Connecticut tracts take "
         "only the values 20, 30 and 40, and 94 % are 20." + _NOT_INDEX + "with three values it would add "
         "almost no information and a few large jumps."),
    _eji("eji_high_ozone_days", "Days a year above the ozone standard", "High ozone days", "score", "dec1", False,
         "Annual mean number of days above the ozone air-quality standard (EJI E_OZONE).",
         "Unit: days a year (filed as 'score'). Only 37 distinct values across Connecticut's tracts: it varies "
         "by part of the state more than by neighbourhood." + _NOT_INDEX + "regional, not local."),
    _eji("eji_high_pm_days", "Days a year above the fine-particulate (PM2.5) standard", "High PM2.5 days", "score",
         "dec2", False,
         "Annual mean number of days above the PM2.5 air-quality standard (EJI E_PM).",
         "Unit: days a year (filed as 'score'). Under one day a year everywhere in Connecticut; 73 % of tracts "
         "have none." + _NOT_INDEX + "almost no variation."),
    _eji("eji_near_parks", "Share of the tract's area near a park or green space", "Near parks", "share", "pct0",
         True,
         "Share of the tract's area within the EJI's buffer distance of a park or green space (EJI E_PARK, "
         "published as a percent of area, stored here as a fraction).",
         "82 % of Connecticut tracts are at 100 %, so it separates few places. For a town it is the resident-"
         "weighted average of its tracts' area shares, not the share of residents near a park." + _NOT_INDEX +
         "most tracts are at the maximum."),
    _eji("eji_walkability", "National Walkability Index", "Walkability", "score", "dec1", True,
         "EPA National Walkability Index for the tract, from 1 (least walkable) to 20 (most) (EJI E_WLKIND).",
         "Based on street intersection density, transit proximity and mix of land uses; the EJI counts low "
         "walkability as a burden." + _NOT_INDEX + "it measures urban form, which the coalition's index does not "
         "rank."),
    _eji("eji_near_railway", "Share of the tract's area near a railway", "Near railway", "share", "pct0", False,
         "Share of the tract's area within the EJI's buffer distance of a railway (EJI E_RAIL, published as a "
         "percent of area, stored here as a fraction).",
         "The EJI counts proximity to railways as a burden (noise, diesel, hazardous cargo), though for "
         "commuter-rail towns it also marks access." + _NOT_INDEX + "its direction is ambiguous."),
    _eji("eji_near_airport", "Share of the tract's area near an airport", "Near airport", "share", "pct0", False,
         "Share of the tract's area within the EJI's buffer distance of an airport (EJI E_AIRPRT, published as a "
         "percent of area, stored here as a fraction).",
         "81 % of Connecticut tracts are at 0." + _NOT_INDEX + "it concerns few tracts."),
    Indicator(
        id="ice_race_income",
        label="Index of Concentration at the Extremes: race and income (Krieger)",
        short_label="ICE race-income",
        unit="score",
        fmt="dec2",
        higher_is_better=None,
        domain="race",
        source=ICE,
        vintage="2019-2023",
        universe="households",
        definition="(High-income white non-Hispanic households - low-income households of colour) / all "
        "households, where high income is $100,000 or more and low income under $25,000; from -1 (all households "
        "are low-income households of colour) to +1 (all are high-income white non-Hispanic households).",
        notes="A measure of economic and racial polarisation (privilege concentrated at one end, deprivation at "
        "the other), computed by geomarker from ACS 2019-2023 tables B19001 and B19001H. Missing for tracts "
        "with no households. Income thresholds are not adjusted for Connecticut's costs. Towns, regions, "
        "counties and the state are population-weighted means of tract values (households would be the exact "
        "weight; the ACS tract population is what the build has), not the index recomputed from town counts."
        " Not an opportunity-index input (the coalition's index does not rank places by race).",
        geographies=GEOS,
        tags=("segregation",),
    ),
]
