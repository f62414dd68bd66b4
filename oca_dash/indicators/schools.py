"""School outcomes, 2024-25 (CT State Department of Education, EdSight), by town.

CSDE reports by school district, not by town. The build (``oca_dash.build.schools``) gives each of
the 169 towns a value by one rule, stated in ``TOWN_RULE`` below and repeated in every indicator's
notes. The tables ``school_districts``, ``school_district_towns`` and ``school_town_values`` hold the
district values, which districts serve each town, and which districts and weights made each town
value. No statewide values are stored: the source files have no state row.
"""

from .types import Indicator, Source

CSDE = "csde_edsight_2024_25_outcomes"
DISTRICT_MAP = "csde_datahaven_school_district_towns"
VINTAGE = "2024-25"

SOURCES = [
    Source(
        id=CSDE,
        publisher="Connecticut State Department of Education (EdSight exports, scraped by Seth Zimmerman, "
        "Yale University)",
        dataset="Next Generation Accountability index FY2025; Smarter Balanced ELA and Math, all grades, all "
        "students, 2024-25; four-year cohort graduation rate, class of 2025; student counts by district "
        "2024-25 (used only as weights)",
        vintage=VINTAGE,
        provenance="opportunity/education/edbot317-source_public-CT-ed-data/district_year_accountability.csv, "
        "sbac-2024-25.csv, grad-2024-25.csv, enrollment-race-2024-25.csv from "
        "github.com/edbot317-source/public-CT-ed-data @ 3c96e5ab7ee78b231d9a576f88be1d9410891015 "
        "(repo paths data/district_year_accountability/district_year_accountability.csv, "
        "data/sbac/raw/all_students/sbac-2024-25.csv, data/graduation_4yr/raw/all_students/grad-2024-25.csv, "
        "data/district_year_enrollment/raw/race/enrollment-race-2024-25.csv)",
        license="CC-BY-4.0 (repository README and CITATION.cff)",
        url="https://edsight.ct.gov",
    ),
    Source(
        id=DISTRICT_MAP,
        publisher="Connecticut State Department of Education ('Designated HS and Reg Dist.xlsx'); DataHaven "
        "(district-town pairs)",
        dataset="Member towns of regional school districts with grade levels; designated high schools by sending "
        "town; 197 school district-town pairs",
        vintage="2025",
        provenance="opportunity/crosswalks/CT-Data-Haven_cwi/regional_school_dists.xlsx and school_dists.rda from "
        "github.com/CT-Data-Haven/cwi @ bc710af8a1bac6f1215da994b2d85d13f0e2edbe; cross-checked against the "
        "secondary school district in boundaries/2022tractcrosswalk.csv",
        license="MIT (cwi package)",
        url="https://github.com/CT-Data-Haven/cwi",
    ),
]

TOWN_RULE = (
    "Town rule: CSDE reports by district. A town with its own K-12 district and no regional district takes its "
    "own district's value. A town with no district of its own (the 21 K-12 members of regional school districts, "
    "including Litchfield, which joined Regional School District 20) takes the regional district's value. A town "
    "with a local elementary district that sends grades 7-12 or 9-12 to a regional district takes the regional "
    "district's graduation rate; for Smarter Balanced, the local K-8 district's value when the region is 9-12 "
    "(it covers every tested grade), and when the region is 7-12 the weighted mean w x local + (1 - w) x regional, "
    "w = the member towns' local districts' scored tests / (those + the regional district's), per subject; for the "
    "accountability index the same form with w from 2024-25 enrollment (an approximation: CSDE computes no index "
    "for a town's combined students). A town whose district runs no high school and is in no regional district "
    "takes its own district's Smarter Balanced and accountability values (its grades only) and the graduation rate "
    "of its designated high school's district only when CSDE designates exactly one (Winchester: The Gilbert "
    "School); otherwise the graduation rate is missing. A suppressed component makes the town value missing. "
    "Charter, magnet (RESC), technical-high-school and endowed-academy results are not assigned to towns except as "
    "a designated high school. The table school_town_values shows the districts and weights behind every town value."
)


def _school(id, label, short, unit, fmt, universe, definition, notes):
    return Indicator(id=id, label=label, short_label=short, unit=unit, fmt=fmt, higher_is_better=True,
                     domain="schools", source=CSDE, vintage=VINTAGE, universe=universe, definition=definition,
                     notes=f"{notes} {TOWN_RULE}", geographies=("town",), has_moe=False,
                     opportunity_domain="education", tags=("schools", "csde"))


INDICATORS = [
    _school(
        "school_accountability_index", "Next Generation Accountability index, 2024-25", "Accountability index",
        "score", "dec1", "Students in the public school district(s) serving the town",
        "CSDE's Next Generation Accountability index for the district(s) serving the town: points earned as a "
        "percent of points possible (0-100) across achievement, growth, chronic absenteeism, graduation, college "
        "and career readiness, fitness and arts access indicators.",
        "Fiscal year 2025 (school year 2024-25). This is the OutcomeRatePct of CSDE's accountability file; the "
        "indicators counted depend on the grades a district serves, so a K-8 district's index has no high-school "
        "indicators.",
    ),
    _school(
        "sbac_ela_met", "Smarter Balanced ELA: share meeting or exceeding the standard, 2024-25", "SBAC ELA met",
        "share", "pct1", "Students in grades 3-8 with scored Smarter Balanced ELA tests",
        "Share of students with a scored Smarter Balanced English language arts test (grades 3-8, all students) "
        "who scored at Level 3 (met) or Level 4 (exceeded).",
        "Counts students by the district that tests them, so town residents in magnet, charter or Open Choice "
        "schools are counted in those districts, not the town's. CSDE suppresses small counts.",
    ),
    _school(
        "sbac_math_met", "Smarter Balanced Math: share meeting or exceeding the standard, 2024-25", "SBAC Math met",
        "share", "pct1", "Students in grades 3-8 with scored Smarter Balanced Math tests",
        "Share of students with a scored Smarter Balanced mathematics test (grades 3-8, all students) who scored at "
        "Level 3 (met) or Level 4 (exceeded).",
        "Counts students by the district that tests them, so town residents in magnet, charter or Open Choice "
        "schools are counted in those districts, not the town's. CSDE suppresses small counts.",
    ),
    _school(
        "grad_rate_4yr", "Four-year cohort graduation rate, class of 2025", "4-yr graduation rate", "share", "pct1",
        "Students in the 2021-2025 four-year cohort of the district serving the town's high-school students",
        "Share of the four-year cohort (students who entered grade 9 four years earlier, adjusted for transfers) "
        "who received a standard diploma within four years, including early and summer graduates.",
        "Reported by the district that enrolls the cohort. Towns whose students go to several designated high "
        "schools, or that run no high school and have none designated, have no value.",
    ),
]
