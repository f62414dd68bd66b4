"""Opportunity indices: the coalition's method on current data, and two published indices."""

from .types import Indicator, Source

SOURCES = [
    Source(
        id="oca_method_current",
        publisher="This project, by the coalition's opportunity-mapping method (Kirwan Institute 2009; updated 2014)",
        dataset="Connecticut opportunity index computed from the current inputs in this database",
        vintage="inputs 2016-2025 (ACS 2019-2023 at tract level; schools 2024-25; others as listed)",
        provenance="computed in oca_dash/build/opportunity.py from the indicators marked as opportunity inputs "
        "in the registry (see the About the data page for each input's own source)",
        license="derived from public data",
        url="",
    ),
    Source(
        id="coi3",
        publisher="diversitydatakids.org, Brandeis University (via geomarker-io/tract_indices)",
        dataset="Child Opportunity Index 3.0, nationally normed z-scores, 2021 data year, on 2020 tracts",
        vintage="2021",
        provenance="opportunity/tract_indices_geomarker/geomarker-io_tract_indices/coi_CT.csv from "
        "github.com/geomarker-io/tract_indices @ 33825385984b068e6494294dbf0b1e5a8518d2dc (trimmed to CT, RDS to CSV)",
        license="no licence stated in the repository; check diversitydatakids.org terms",
        url="https://www.diversitydatakids.org/child-opportunity-index",
    ),
    Source(
        id="oca2014",
        publisher="Open Communities Alliance with the Kirwan Institute and CT Fair Housing Center "
        "(compiled by Scott Gaul; prepared by Jack Dougherty)",
        dataset="2014 Connecticut Opportunity Index, 2010 census tracts",
        vintage="2014 (inputs 2008-2013)",
        provenance="opportunity/ct_opportunity_index_2014/JackDougherty_ctoca-opp-index/opp-index-2014.csv and "
        ".geojson from github.com/JackDougherty/ctoca-opp-index @ 68b1996a450db7c7ed661e8461455c5aa44a4cdf; "
        "2010 tract names to GEOIDs via opportunity/crosswalks/CT-Data-Collaborative_ct-census-tract-to-town/"
        "tract2town-2010.csv",
        license="MIT (repository)",
        url="https://github.com/JackDougherty/ctoca-opp-index",
    ),
]

_IDX = {
    "oca2025": ("Opportunity index (current data, coalition method)", "oca_method_current",
                "inputs 2016-2025"),
    "coi3": ("Child Opportunity Index 3.0", "coi3", "2021"),
    "oca2014": ("2014 Connecticut Opportunity Index", "oca2014", "2014"),
}

INDICATORS = []
for key, (name, src, vintage) in _IDX.items():
    INDICATORS += [
        Indicator(
            id=f"{key}_index", label=f"{name}: population-weighted score", short_label=f"{name.split(':')[0]}",
            unit="zscore", fmt="dec2", higher_is_better=True, domain="opportunity", source=src, vintage=vintage,
            universe="Residents (tract scores weighted by ACS 2019-2023 tract population)",
            definition=f"The {name} of the town's census tracts, averaged with each tract weighted by its population.",
            notes="Tract scores are standardized across Connecticut's tracts (0 = the average tract).",
            geographies=("town", "region", "state", "tract"),
        ),
        Indicator(
            id=f"{key}_share_low", label=f"{name}: residents in Low or Very Low opportunity tracts",
            short_label="% in low-opportunity tracts", unit="share", fmt="pct0", higher_is_better=False,
            domain="opportunity", source=src, vintage=vintage,
            universe="Residents of tracts with a score (ACS 2019-2023 population)",
            definition=f"Share of residents living in census tracts rated Low or Very Low on the {name} "
                       f"(statewide quintiles of tracts).",
            geographies=("town", "region", "state"),
        ),
        Indicator(
            id=f"{key}_share_high", label=f"{name}: residents in High or Very High opportunity tracts",
            short_label="% in high-opportunity tracts", unit="share", fmt="pct0", higher_is_better=None,
            domain="opportunity", source=src, vintage=vintage,
            universe="Residents of tracts with a score (ACS 2019-2023 population)",
            definition=f"Share of residents living in census tracts rated High or Very High on the {name} "
                       f"(statewide quintiles of tracts).",
            geographies=("town", "region", "state"),
        ),
    ]
