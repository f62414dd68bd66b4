"""Safety (Uniform Crime Reports, 2010-2017) and jobs located in each town (QCEW, 2004-2020).

Built by ``oca_dash.build.safety_jobs``; the yearly series are in the tables ``crime_by_year``
and ``jobs_by_year``.
"""

from .types import Indicator, Source

CRIME = "ctdata_ucr_crime_index"
JOBS = "ctdata_qcew_employment_wages"

SOURCES = [
    Source(
        id=CRIME,
        publisher="CT Department of Emergency Services and Public Protection, Uniform Crime Reports "
        "(processed by CTData Collaborative)",
        dataset="UCR Crime Index by town, 2010-2017 (counts and rates per 100,000)",
        vintage="2010-2017",
        provenance="opportunity/crime/CT-Data-Collaborative_ucr-crime-index/ucr-crime-index_2017.csv from "
        "github.com/CT-Data-Collaborative/ucr-crime-index @ d6158e0e2c82b5fb843e93bebaffc4c88bf0b591",
        license="ODC Public Domain Dedication and Licence (PDDL)",
        url="https://github.com/CT-Data-Collaborative/ucr-crime-index",
    ),
    Source(
        id=JOBS,
        publisher="CT Department of Labor, Quarterly Census of Employment and Wages (processed by CTData "
        "Collaborative)",
        dataset="Annual average employment and wages by town, 2004-2020",
        vintage="2004-2020",
        provenance="opportunity/jobs/CT-Data-Collaborative_annual-average-employment-and-wages/"
        "annual_average_employment_and_wages-2020.csv from "
        "github.com/CT-Data-Collaborative/annual-average-employment-and-wages @ "
        "a79b860291ba60105277b00237111400de5bf081",
        license="ODC Public Domain Dedication and Licence (PDDL)",
        url="https://github.com/CT-Data-Collaborative/annual-average-employment-and-wages",
    ),
]

_UCR = (
    "Crimes known to police, assigned to towns by CTData from the reporting agencies. Every town has a "
    "figure, including small towns with no police department of their own (patrolled by State Police or "
    "resident troopers); the file does not document how CTData split State Police reports among towns, so "
    "figures for those towns carry that unknown. Small towns have few crimes, so one incident moves the rate a "
    "lot: 21 towns recorded no violent crime in 2017 (a zero, not a missing value). "
)
_BAD_2017 = (
    "The 2017 row for eight towns is not usable. For Fairfield, Hartford, Litchfield, New Haven, New London, "
    "Tolland and Windham (the towns that share a county's name) CTData's file holds figures for a far larger "
    "area, apparently the county: the counts and rate imply about 120,000 to 1,030,000 residents, a little above "
    "each county's population (Hartford's row gives 3,735 violent crimes and a rate of 363, against 1,353 and "
    "1,059 in 2016). Ledyard has no 2017 population (its rate is 'Inf'). Those eight towns are missing for 2017, "
    "with the reason; the 2014-2016 average covers them."
)
_QCEW = (
    "Jobs located in the town (place of work, covered by unemployment insurance: most wage and salary jobs, "
    "not the self-employed), not the jobs held by its residents. "
)
GEOS_CRIME = ("state", "town")
GEOS_JOBS = ("state", "county", "town")

INDICATORS = [
    Indicator(
        id="violent_crime_rate",
        label="Violent crimes per 100,000 residents",
        short_label="Violent crime rate",
        unit="rate_per_100k",
        fmt="dec0",
        higher_is_better=False,
        domain="safety",
        source=CRIME,
        vintage="2017",
        universe="crimes known to police; residents",
        definition="Murders, rapes, robberies and aggravated assaults known to police in 2017 per 100,000 "
        "residents (UCR Crime Index).",
        notes=_UCR + _BAD_2017 + " The latest town figures found: no 2018+ (NIBRS) town data.",
        geographies=GEOS_CRIME,
    ),
    Indicator(
        id="violent_crime_rate_2014_16",
        label="Violent crimes per 100,000 residents, average of 2014-2016",
        short_label="Violent crime rate (2014-16)",
        unit="rate_per_100k",
        fmt="dec0",
        higher_is_better=False,
        domain="safety",
        source=CRIME,
        vintage="2014-2016",
        universe="crimes known to police; residents",
        definition="The mean of the published yearly violent crime rates per 100,000 residents for 2014, 2015 "
        "and 2016 (UCR Crime Index).",
        notes=_UCR + "Used in the opportunity index (neighborhood domain) instead of 2017 alone because "
        "CTData's 2017 file has what look like county totals in place of seven town rows (among them Hartford and "
        "New Haven) and no rate for Ledyard, and because three years steady the small-town rates.",
        geographies=GEOS_CRIME,
        opportunity_domain="neighborhood",
    ),
    Indicator(
        id="property_crime_rate",
        label="Property crimes per 100,000 residents",
        short_label="Property crime rate",
        unit="rate_per_100k",
        fmt="dec0",
        higher_is_better=False,
        domain="safety",
        source=CRIME,
        vintage="2017",
        universe="crimes known to police; residents",
        definition="Burglaries, larcenies and motor vehicle thefts known to police in 2017 per 100,000 "
        "residents (UCR Crime Index).",
        notes=_UCR + _BAD_2017 + " Towns with shopping centres or through traffic record crimes against "
        "non-residents too, so their rate per resident runs high.",
        geographies=GEOS_CRIME,
    ),
    Indicator(
        id="jobs_in_town",
        label="Jobs located in the town (annual average employment), 2020",
        short_label="Jobs in town (2020)",
        unit="count",
        fmt="int",
        higher_is_better=None,
        domain="jobs",
        source=JOBS,
        vintage="2020",
        universe="jobs covered by unemployment insurance, by place of work",
        definition="Annual average number of jobs at employers located in the town, all industries, 2020.",
        notes=_QCEW + "2020 is a pandemic year: about 7.5 % fewer jobs statewide than in 2019. Cornwall's 2020 "
        "figure is suppressed by CT DOL.",
        geographies=GEOS_JOBS,
    ),
    Indicator(
        id="jobs_in_town_2019",
        label="Jobs located in the town (annual average employment), 2019",
        short_label="Jobs in town (2019)",
        unit="count",
        fmt="int",
        higher_is_better=None,
        domain="jobs",
        source=JOBS,
        vintage="2019",
        universe="jobs covered by unemployment insurance, by place of work",
        definition="Annual average number of jobs at employers located in the town, all industries, 2019 "
        "(the last year before the pandemic).",
        notes=_QCEW,
        geographies=GEOS_JOBS,
    ),
    Indicator(
        id="avg_annual_wage",
        label="Average annual wage of jobs located in the town, 2020",
        short_label="Average wage (2020)",
        unit="dollars",
        fmt="dollars",
        higher_is_better=True,
        domain="jobs",
        source=JOBS,
        vintage="2020",
        universe="jobs covered by unemployment insurance, by place of work",
        definition="Total wages paid by employers located in the town divided by their annual average "
        "employment, all industries, 2020.",
        notes=_QCEW + "The wage of jobs in the town, not the earnings of its residents. The 2020 average rose "
        "partly because low-wage jobs were lost in the pandemic. Cornwall's figure is suppressed by CT DOL.",
        geographies=GEOS_JOBS,
    ),
    Indicator(
        id="jobs_per_resident",
        label="Jobs located in the town per resident (2019 jobs)",
        short_label="Jobs per resident",
        unit="per_resident",
        fmt="dec2",
        higher_is_better=True,
        domain="jobs",
        source=JOBS,
        vintage="2019 (jobs); 2019-2023 (population)",
        universe="jobs by place of work; residents",
        definition="Annual average jobs located in the town in 2019 divided by the town's population "
        "(ACS 2019-2023, the sum of its tracts).",
        notes=_QCEW + "Uses 2019, the last year before the pandemic, because 2020 job losses were deep and "
        "uneven across towns (hospitality, retail) and the population estimate is centred on 2021. A value "
        "above 1 marks a job centre that draws commuters. Feeds the economic domain of the opportunity index.",
        geographies=GEOS_JOBS,
        opportunity_domain="economic",
    ),
]
