"""Health: CDC PLACES model-based estimates and USALEEP life expectancy, as DataHaven aggregates them.

DataHaven (``CT-Data-Haven/cdc_aggs``) aggregates CDC PLACES tract estimates and USALEEP
(2010-2015) tract life expectancy to the state, the planning regions (COGs), counties, towns
and the 2022 legislative districts. Two releases are used (built by ``oca_dash.build.health``):

* the 2024 file: PLACES measures for 2023 (dental visits 2022) -- the current values;
* the 2023 file: life expectancy (absent from the 2024 file) and the two PLACES measures the
  2024 file does not carry, current smoking (2021) and short sleep (2020).

All PLACES values are shares of adults (0-1), model-based small-area estimates with no margin
of error; they are crude (not age-adjusted) prevalences, so towns with older residents show more
heart disease, high blood pressure and disability for that reason alone.
"""

from .types import Indicator, Source

SRC_2024 = "datahaven_cdc_aggs_2024"
SRC_2023 = "datahaven_cdc_aggs_2023"
REPO_URL = "https://github.com/CT-Data-Haven/cdc_aggs"
PLACES_URL = "https://www.cdc.gov/places/"

SOURCES = [
    Source(
        id=SRC_2024,
        publisher="DataHaven, from CDC PLACES (CDC, Division of Population Health)",
        dataset="CDC PLACES health measures aggregated to Connecticut geographies (cdc_aggs, 2024 output): "
        "measures for 2023 (dental visits 2022)",
        vintage="2023",
        provenance="opportunity/health_datahaven/CT-Data-Haven_cdc_aggs/cdc_health_all_lvls_wide_2024.csv from "
        "github.com/CT-Data-Haven/cdc_aggs @ 34c674dae1a83b4ff5795456ea0155ccd94c9262 "
        "(output_data/cdc_health_all_lvls_wide_2024.csv)",
        license="No licence stated by DataHaven; CDC PLACES is a US federal public-domain product",
        url=REPO_URL,
    ),
    Source(
        id=SRC_2023,
        publisher="DataHaven, from CDC PLACES and NCHS USALEEP",
        dataset="CDC PLACES health measures (2020-2021) and USALEEP life expectancy (2010-2015) aggregated to "
        "Connecticut geographies (cdc_aggs, 2023 output)",
        vintage="2010-2015 (life expectancy); 2020-2021 (PLACES)",
        provenance="opportunity/health_datahaven/CT-Data-Haven_cdc_aggs/cdc_health_all_lvls_wide_2023.csv from "
        "github.com/CT-Data-Haven/cdc_aggs @ b7c71958024defd930977cc65b1d88fd48da6b2c "
        "(output_data/cdc_health_all_lvls_wide_2023.csv)",
        license="No licence stated by DataHaven; CDC PLACES and USALEEP are US federal public-domain products",
        url=REPO_URL,
    ),
]

GEOS_2024 = ("state", "region", "county", "town", "tract", "senate", "house")
GEOS_2023 = ("state", "region", "county", "town", "senate", "house")

_PLACES = (
    "CDC PLACES model-based small-area estimate (BRFSS survey responses modelled with census population "
    "data), not a count; no margin of error is published with these aggregates. Crude prevalence, not "
    "age-adjusted. Towns, regions, counties and districts are DataHaven's population-weighted "
    "aggregates of tract estimates."
)
_OLD = ("From DataHaven's 2023 file because the 2024 file does not carry this measure; older than the other "
        "PLACES measures.")


def _places(id, label, short, hib, vintage, definition, notes="", src=SRC_2024, geos=GEOS_2024,
            universe="adults 18 and over"):
    return Indicator(
        id=id, label=label, short_label=short, unit="share", fmt="pct1", higher_is_better=hib, domain="health",
        source=src, vintage=vintage, universe=universe, definition=definition,
        notes=(_PLACES + (" " + notes if notes else "")).strip(), geographies=geos, tags=("model_based", "cdc_places"),
    )


INDICATORS = [
    Indicator(
        id="life_expectancy",
        label="Life expectancy at birth (years)",
        short_label="Life expectancy",
        unit="years",
        fmt="dec1",
        higher_is_better=True,
        domain="health",
        source=SRC_2023,
        vintage="2010-2015",
        universe="residents",
        definition="Years a newborn would live on average at the death rates of 2010-2015 in the area "
        "(USALEEP tract estimates aggregated by DataHaven).",
        notes="USALEEP (NCHS, with NAPHSIS and RWJF) estimated life expectancy for 2010 census tracts from "
        "2010-2015 deaths; DataHaven aggregates the tracts to larger areas. Missing for Beacon Falls, Canterbury, "
        "Cornwall, Pomfret, Roxbury and Warren (USALEEP did not estimate enough of their tracts) and for Canaan "
        "(no row in DataHaven's file). A decade old: read it as a long-run pattern, not current conditions. "
        "Feeds the neighborhood domain of the opportunity index (the coalition's index counts health there).",
        geographies=GEOS_2023,
        opportunity_domain="neighborhood",
        tags=("model_based", "usaleep"),
    ),
    _places("places_diabetes", "Adults with diagnosed diabetes", "Diabetes", False, "2023",
            "Share of adults who report ever being told by a doctor that they have diabetes (CDC PLACES DIABETES)."),
    _places("places_high_blood_pressure", "Adults with high blood pressure", "High blood pressure", False, "2023",
            "Share of adults who report ever being told they have high blood pressure (CDC PLACES BPHIGH)."),
    _places("places_current_asthma", "Adults with current asthma", "Current asthma", False, "2023",
            "Share of adults who have been told they have asthma and still have it (CDC PLACES CASTHMA)."),
    _places("places_coronary_heart_disease", "Adults with coronary heart disease", "Coronary heart disease", False,
            "2023", "Share of adults ever told they had angina or coronary heart disease (CDC PLACES CHD)."),
    _places("places_any_disability", "Adults with any disability", "Any disability", None, "2023",
            "Share of adults reporting a hearing, vision, cognitive, mobility, self-care or independent-living "
            "disability (CDC PLACES DISABILITY).",
            notes="Shown as a description of who lives in a place (for accessible housing), not as a good or bad."),
    _places("places_mobility_disability", "Adults with a mobility disability", "Mobility disability", None, "2023",
            "Share of adults with serious difficulty walking or climbing stairs (CDC PLACES MOBILITY).",
            notes="Shown as a description of who lives in a place (for accessible housing), not as a good or bad."),
    _places("places_no_health_insurance", "Adults 18-64 without health insurance", "No health insurance", False,
            "2023", "Share of adults aged 18-64 with no current health insurance coverage (CDC PLACES ACCESS2).",
            notes="DataHaven's column is named 'Health insurance', but it is the share WITHOUT insurance: "
            "DataHaven's own legislative profiles label the same values 'Ages 18-64, no health insurance', and "
            "the values (state 9.8 %, Hartford 20.6 %, Darien 4.3 %) fit the uninsured rate, not the insured one.",
            universe="adults 18 to 64"),
    _places("places_annual_checkup", "Adults with a routine checkup in the past year", "Annual checkup", True,
            "2023", "Share of adults who visited a doctor for a routine checkup within the past year "
            "(CDC PLACES CHECKUP)."),
    _places("places_dental_visit", "Adults with a dental visit in the past year", "Dental visit", True, "2022",
            "Share of adults who visited a dentist or dental clinic within the past year (CDC PLACES DENTAL).",
            notes="Asked every other year in BRFSS, so its latest year (2022) is a year older than the others."),
    _places("places_current_smoking", "Adults who currently smoke cigarettes", "Current smoking", False, "2021",
            "Share of adults who have smoked at least 100 cigarettes and smoke now (CDC PLACES CSMOKING).",
            notes=_OLD + " No tract values (that file uses 2010 tracts).", src=SRC_2023, geos=GEOS_2023),
    _places("places_short_sleep", "Adults sleeping less than 7 hours", "Short sleep", False, "2020",
            "Share of adults who usually sleep less than 7 hours in 24 hours (CDC PLACES SLEEP).",
            notes=_OLD + " No tract values (that file uses 2010 tracts).", src=SRC_2023, geos=GEOS_2023),
]
