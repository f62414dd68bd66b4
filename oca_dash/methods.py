"""The About-the-data page's content, generated from the registry and the database tables.

Nothing here is written by hand about a particular indicator: the catalogue comes from the
registry (``oca_dash.indicators``), the opportunity method from the ``opportunity_inputs`` and
``opportunity_indices`` tables and the build module's own rules, the margin-of-error rules from
``oca_dash.moe``, the school and district rules from the build modules' docstrings, and the raw
file list from ``raw_files``. Adding an indicator to the registry adds it here.

Pure functions (no Streamlit); ``load`` is the one place that queries the database.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import moe as M
from .format import fmt_number, fmt_value
from .format import md_escape
from .indicators import DOMAINS, INDICATORS, SOURCES, UNITS, Indicator
from .levels import LEVELS

BUILD_DIR = Path(__file__).resolve().parent / "build"
DOMAIN_TITLES = {
    "population": "People", "race": "Race and ethnicity", "income": "Income and poverty", "education": "Education",
    "housing": "Housing and housing costs", "affordable_housing": "Affordable housing (CGS 8-30g)",
    "schools": "Schools", "health": "Health", "safety": "Safety", "jobs": "Jobs and work",
    "environment": "Environment", "opportunity": "Opportunity",
}
GEO_WORDS = {"state": "state", "region": "planning regions", "county": "counties", "town": "towns",
             "tract": "census tracts", "senate": "Senate districts", "house": "House districts"}
OPP_DOMAIN_TITLES = {"education": "Education", "economic": "Economic", "neighborhood": "Neighborhood and housing"}

def md(text) -> str:
    """Text from the data, made safe and literal for st.markdown (see format.md_escape)."""
    return md_escape(text)


def wrap(text: str, width: int = 40) -> list[str]:
    """A chart title as lines (Vega titles do not wrap by themselves; 40 characters fit a phone)."""
    import textwrap

    return textwrap.wrap(text, width) or [text]


def sources_markdown(sources=SOURCES) -> str:
    """Every source in full, readable."""
    out = []
    for s in sources.values():
        lines = [f"**{md(s.publisher)}**  ", f"{md(s.dataset)}", "",
                 f"- *Vintage:* {md(s.vintage)}", f"- *Licence:* {md(s.license)}",
                 f"- *Provenance:* {md(s.provenance)}"]
        if s.url:
            lines.append(f"- *Where to get it:* {md(s.url)}")
        out.append("\n".join(lines))
    return "\n\n---\n\n".join(out)


# -- loading -------------------------------------------------------------------------

def load(db) -> dict[str, pd.DataFrame]:
    """Every table the page draws on (small; the page caches the result)."""
    q = db.df
    return {
        "build_info": q("SELECT key, value FROM build_info ORDER BY key"),
        "inputs": q("SELECT * FROM opportunity_inputs ORDER BY index_name, domain, indicator"),
        "indices": q("SELECT * FROM opportunity_indices ORDER BY is_default DESC, index_name"),
        "level_ranges": q("SELECT index_name, level, level_rank, min(index_value) AS lo, max(index_value) AS hi, "
                          "count(*) AS tracts FROM tract_opportunity WHERE level IS NOT NULL "
                          "GROUP BY ALL ORDER BY index_name, level_rank"),
        "unrated": q("SELECT o.index_name, count(*) AS tracts FROM tract_opportunity o JOIN tracts t "
                     "USING (tract_id) WHERE o.level IS NULL AND t.population > 0 GROUP BY 1"),
        "top_coded": q("SELECT v.indicator, v.geo_type, count(*) AS n FROM indicator_values v "
                       "JOIN indicators i ON i.id = v.indicator WHERE i.top_coded IS NOT NULL "
                       "AND v.estimate >= i.top_coded GROUP BY ALL ORDER BY ALL"),
        "appeals_denominators": q("SELECT denominator, min(year) AS first_year, max(year) AS last_year, "
                                  "count(DISTINCT town_id) AS towns FROM appeals_list GROUP BY 1 ORDER BY 2"),
        "school_roles": q("SELECT role, grades, count(*) AS pairs, count(DISTINCT town_id) AS towns "
                          "FROM school_district_towns GROUP BY ALL ORDER BY towns DESC, role"),
        "school_methods": q("SELECT indicator, method, count(DISTINCT town_id) AS towns, "
                            "count(DISTINCT town_id) FILTER (WHERE estimate IS NULL) AS missing "
                            "FROM school_town_values GROUP BY ALL ORDER BY indicator, towns DESC"),
        "district_method": q("SELECT DISTINCT method FROM district_towns"),
        "district_check": q("SELECT d.chamber, count(*) AS districts, sum(c.within_moe::INT) AS within_moe, "
                            "max(abs(c.relative_error)) AS max_rel_error, "
                            "median(abs(c.relative_error)) AS median_rel_error "
                            "FROM district_population_check c JOIN districts d USING (district_id) "
                            "GROUP BY 1 ORDER BY 1 DESC"),
        "town_list_check": q("SELECT count(*) AS n FROM district_town_list_check"),
        "raw_files": q("SELECT path, bytes, git_blob_sha1 FROM raw_files ORDER BY path"),
        "moe_example": q("SELECT t.town, v.estimate, v.moe, s.estimate AS state_estimate, s.moe AS state_moe "
                         "FROM indicator_values v JOIN towns t ON t.town_id = v.geo_id "
                         "JOIN indicator_values s ON s.indicator = v.indicator AND s.geo_type = 'state' "
                         "JOIN indicator_values p ON p.geo_id = v.geo_id AND p.geo_type = 'town' "
                         "AND p.indicator = 'population' "
                         "WHERE v.geo_type = 'town' AND v.indicator = 'poverty_rate' AND v.moe IS NOT NULL "
                         "ORDER BY p.estimate DESC LIMIT 1"),
    }


# -- the indicator catalogue ---------------------------------------------------------

def _direction(ind: Indicator) -> str:
    return {True: "higher is better", False: "lower is better", None: "neither"}[ind.higher_is_better]


def catalogue(indicators: dict[str, Indicator] = INDICATORS, sources=SOURCES) -> pd.DataFrame:
    """One row per registry indicator, every field a reader needs, in registry order by domain."""
    rows = []
    for ind in indicators.values():
        s = sources[ind.source]
        rows.append({
            "Domain": DOMAIN_TITLES.get(ind.domain, ind.domain), "Indicator": ind.label, "id": ind.id,
            "Definition": ind.definition, "Unit": f"{ind.unit} ({UNITS[ind.unit]})", "Universe": ind.universe,
            "Publisher": s.publisher, "Dataset": s.dataset, "Vintage": ind.vintage, "Licence": s.license,
            "Provenance": s.provenance, "Where to get it": s.url,
            "Geographies": ", ".join(GEO_WORDS.get(g, g) for g in ind.geographies),
            "Margin of error": "yes (90%)" if ind.has_moe else "no",
            "Direction": _direction(ind),
            "Top-coded": "" if ind.top_coded is None else f"at {fmt_value(ind.id, ind.top_coded)}",
            "Opportunity input": OPP_DOMAIN_TITLES.get(ind.opportunity_domain, "") if ind.opportunity_domain else "",
            "Notes": ind.notes, "_domain": ind.domain,
        })
    df = pd.DataFrame(rows)
    order = {d: i for i, d in enumerate(DOMAINS)}
    return df.sort_values("_domain", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


MAX_QUERY = 200


def clean_query(raw) -> str:
    """A search string from the URL: one line, at most MAX_QUERY characters."""
    return " ".join(str(raw or "").split())[:MAX_QUERY]


def search(df: pd.DataFrame, q: str | None) -> pd.DataFrame:
    """Rows where every word of q appears somewhere in the row (case-insensitive, literal)."""
    words = [w for w in str(q or "").lower().split() if w][:12]
    if not words:
        return df
    hay = df.drop(columns=[c for c in df.columns if c.startswith("_")]).astype(str).agg(" ".join, axis=1).str.lower()
    mask = np.ones(len(df), dtype=bool)
    for w in words:
        mask &= hay.str.contains(w, regex=False).to_numpy()
    return df[mask]


def indicator_block(r: pd.Series) -> str:
    """One indicator as readable Markdown (all data text escaped)."""
    lines = [f"**{md(r['Indicator'])}** (`{r['id']}`)  ", md(r["Definition"]), ""]
    facts = [("Unit", r["Unit"]), ("Universe", r["Universe"]), ("Vintage", r["Vintage"]),
             ("Geographies", r["Geographies"]), ("Margin of error", r["Margin of error"]),
             ("Direction", r["Direction"])]
    if r["Top-coded"]:
        facts.append(("Top-coded", r["Top-coded"]))
    if r["Opportunity input"]:
        facts.append(("Opportunity index input", r["Opportunity input"] + " domain"))
    facts += [("Source", f"{r['Publisher']}: {r['Dataset']}"), ("Licence", r["Licence"]),
              ("Provenance", r["Provenance"])]
    if r["Where to get it"]:
        facts.append(("Where to get it", r["Where to get it"]))
    if r["Notes"]:
        facts.append(("Notes", r["Notes"]))
    lines += [f"- *{k}:* {md(v)}" for k, v in facts]
    return "\n".join(lines)


def domain_sections(df: pd.DataFrame) -> list[tuple[str, int, str]]:
    """(title, count, markdown) per domain present in df, in registry domain order."""
    out = []
    for d in DOMAINS:
        part = df[df["_domain"] == d]
        if len(part):
            out.append((DOMAIN_TITLES.get(d, d), len(part),
                        "\n\n---\n\n".join(indicator_block(r) for _, r in part.iterrows())))
    return out


def table_view(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["Domain", "Indicator", "Definition", "Unit", "Universe", "Publisher", "Vintage", "Geographies",
            "Margin of error", "Top-coded", "Opportunity input", "Notes", "Licence", "Where to get it", "id"]
    return df[cols]


def sources_table(sources=SOURCES, indicators: dict[str, Indicator] = INDICATORS) -> pd.DataFrame:
    n = pd.Series([i.source for i in indicators.values()]).value_counts()
    return pd.DataFrame([{
        "Publisher": s.publisher, "Dataset": s.dataset, "Vintage": s.vintage, "Licence": s.license,
        "Provenance": s.provenance, "Where to get it": s.url, "Indicators": int(n.get(s.id, 0)), "id": s.id,
    } for s in sources.values()])


# -- the opportunity index ------------------------------------------------------------

def _fmt_stat(indicator_id: str, x: float) -> str:
    ind = INDICATORS.get(indicator_id)
    if ind is None:
        return f"{x:.3g}"
    if ind.unit == "share":
        return f"{x * 100:.1f}%"
    return fmt_number(x, "dec2" if abs(x) < 10 else "dec1")


def inputs_table(inputs: pd.DataFrame, index_name: str = "oca2025") -> pd.DataFrame:
    d = inputs[inputs["index_name"] == index_name]
    order = {k: i for i, k in enumerate(OPP_DOMAIN_TITLES)}
    d = d.assign(_o=d["domain"].map(order)).sort_values(["_o", "indicator"])
    rows = []
    for r in d.itertuples():
        ind = INDICATORS.get(r.indicator)
        rows.append({
            "Domain": OPP_DOMAIN_TITLES.get(r.domain, r.domain),
            "Input": ind.label if ind else r.indicator,
            "Vintage": ind.vintage if ind else "",
            "Direction": "higher is better" if r.sign > 0 else "lower is better (sign flipped)",
            "Measured for": r.level_used,
            "Mean across tracts": _fmt_stat(r.indicator, r.mean),
            "Standard deviation": _fmt_stat(r.indicator, r.sd),
            "Tracts with a value": int(r.tracts_with_value),
            "id": r.indicator,
        })
    return pd.DataFrame(rows)


def opportunity_steps(inputs: pd.DataFrame, level_ranges: pd.DataFrame, unrated: pd.DataFrame,
                      index_name: str = "oca2025") -> list[str]:
    """The method as numbered steps (Markdown), with the real inputs and numbers."""
    d = inputs[inputs["index_name"] == index_name]
    n_tracts = int(d["tracts_with_value"].max()) if len(d) else 0
    per_domain = []
    for k, title in OPP_DOMAIN_TITLES.items():
        names = [md(INDICATORS[i].short_label) if i in INDICATORS else md(i)
                 for i in d.loc[d["domain"] == k, "indicator"]]
        per_domain.append(f"{title} ({len(names)}): {', '.join(names) if names else 'none'}")
    flipped = [md(INDICATORS[i].short_label) if i in INDICATORS else md(i) for i in d.loc[d["sign"] < 0, "indicator"]]
    town_level = [md(INDICATORS[i].short_label) if i in INDICATORS else md(i)
                  for i in d.loc[d["level_used"].str.startswith("town"), "indicator"]]
    lr = level_ranges[level_ranges["index_name"] == index_name].set_index("level")
    ranges = "; ".join(f"{lv} {lr.loc[lv, 'lo']:+.2f} to {lr.loc[lv, 'hi']:+.2f} ({int(lr.loc[lv, 'tracts'])} tracts)"
                       for lv in LEVELS if lv in lr.index)
    nu = unrated.set_index("index_name")["tracts"].get(index_name, 0) if len(unrated) else 0
    return [
        f"**Pick inputs in three domains.** {len(d)} registry indicators are marked as inputs: "
        + "; ".join(per_domain) + ".",
        f"**Put every input on tracts.** Tract-level inputs are used as they are. Inputs only published for towns "
        f"({', '.join(town_level) or 'none'}) are repeated for every tract in the town, as the 2014 update did; "
        "so tracts in one town differ only on the tract-level inputs.",
        f"**Turn each input into a z-score** across Connecticut's populated tracts (about {n_tracts}): "
        "(value − mean) ÷ standard deviation, unweighted by population, standard deviation with ddof = 0. "
        f"Where lower is better the sign is flipped ({', '.join(flipped) or 'none'}), so a higher z-score always "
        "means more opportunity.",
        "**Average within each domain.** A tract's domain score is the mean of the z-scores it has in that domain "
        "(a missing input is skipped, not filled in).",
        "**Average the three domains** into the index, each domain weighing the same whatever its number of inputs. "
        "A tract missing a whole domain gets no index and no level"
        + (f" ({int(nu)} populated tract(s) in this build)." if nu else " (no populated tract in this build)."),
        "**Cut into five statewide quintiles of tracts**, Very Low to Very High (ties broken by tract id). The "
        f"score ranges in this build: {ranges}. Scores are relative: 0 is the average Connecticut tract.",
        "**Towns, regions and the state** are shown as the share of their residents living in tracts of each level "
        "and a population-weighted average score, with tracts weighted by ACS 2019-2023 population.",
    ]


def left_out(inputs: pd.DataFrame, index_name: str = "oca2025",
             indicators: dict[str, Indicator] = INDICATORS) -> list[tuple[str, str]]:
    """Registry indicators that discuss the opportunity index in their notes but are not inputs:
    (label, the registry's own explanation)."""
    used = set(inputs.loc[inputs["index_name"] == index_name, "indicator"])
    pat = re.compile(r"opportunity[- ]index", re.I)
    out = []
    for ind in indicators.values():
        if ind.id in used or ind.domain == "opportunity" or not pat.search(ind.notes or ""):
            continue
        out.append((ind.label, ind.notes))
    return out


def design_candidates_not_used(inputs: pd.DataFrame, top_coded: pd.DataFrame, index_name: str = "oca2025") -> list[str]:
    """DESIGN.md section 3 names income among the economic inputs; say plainly if it is not one, with the
    facts that bear on it (computed), without guessing at intent."""
    used = set(inputs.loc[inputs["index_name"] == index_name, "indicator"])
    out = []
    if "median_hh_income" not in used and "median_hh_income" in INDICATORS:
        tc = top_coded[(top_coded["indicator"] == "median_hh_income") & (top_coded["geo_type"] == "tract")]
        n = int(tc["n"].sum()) if len(tc) else 0
        econ = [INDICATORS[i].short_label for i in inputs.loc[(inputs["index_name"] == index_name)
                                                               & (inputs["domain"] == "economic"), "indicator"]
                if i in INDICATORS]
        out.append(md(f"Median household income is not an input; the economic domain uses "
                      f"{', '.join(econ)}. Its tract values are top-coded by the Census Bureau in {n} tracts "
                      "('$250,000 or more'), which a z-score would have to treat as exact."))
    return out


# -- margins of error ---------------------------------------------------------------

def moe_section(example: pd.DataFrame) -> list[str]:
    """How margins, reliability flags and comparisons are computed, with a worked example."""
    z, cvmax = M.Z90, M.CV_UNRELIABLE
    out = [
        "**Margins of error.** American Community Survey figures are estimates from a sample. Each comes with a "
        "90% margin of error (MOE): the true value is within ± the margin with 90% confidence. Tables show it as "
        "± after the figure (in percentage points for shares).",
        f"**Reliability.** The coefficient of variation is CV = (MOE ÷ {z}) ÷ estimate. An estimate with a CV above "
        f"{cvmax:.0%} is flagged ⚠ as unreliable: quote it with \"about\", or not at all.",
        "**Derived figures** use the Census Bureau's formulas (ACS handbook, 2020, chapter 8): the MOE of a sum or "
        "difference is the square root of the summed squared MOEs; of a proportion p = x ÷ y (x part of y), "
        "√(MOE_x² − p²·MOE_y²) ÷ y, switching to the ratio formula √(MOE_x² + p²·MOE_y²) ÷ y when the first is "
        "undefined. When summing many tract estimates, the MOE of estimates of zero is counted once.",
        "**Is it different?** Two estimates are called different only when |a − b| > √(MOE_a² + MOE_b²) (the "
        "Bureau's test at 90%). A figure with no sampling error (a count from an administrative list) counts as "
        "MOE 0. Otherwise the dashboard says \"not significantly different\".",
        "**No margin**: administrative counts (the 8-30g Appeals List, school results, crime reports), modelled "
        "estimates published without one (CDC PLACES, life expectancy) and the opportunity scores carry no margin "
        "here; that does not make them exact.",
    ]
    if len(example):
        e = example.iloc[0]
        c = float(M.cv(e["estimate"], e["moe"]))
        diff = bool(M.significantly_different(e["estimate"], e["moe"], e["state_estimate"], e["state_moe"]))
        out.append(md(
            f"Example: {e['town']}'s poverty rate is {e['estimate'] * 100:.1f}% ± {e['moe'] * 100:.1f} points, "
            f"so CV = ({e['moe'] * 100:.2f} ÷ {z}) ÷ {e['estimate'] * 100:.2f} = {c:.1%} "
            f"({'unreliable' if c > cvmax else 'reliable enough to quote'}). Against Connecticut's "
            f"{e['state_estimate'] * 100:.1f}% ± {np.nan_to_num(e['state_moe']) * 100:.1f}: the difference is "
            f"{abs(e['estimate'] - e['state_estimate']) * 100:.1f} points, the combined margin "
            f"{float(M.moe_sum(e['moe'], np.nan_to_num(e['state_moe']))) * 100:.1f}, so the two are "
            f"{'' if diff else 'not '}significantly different."))
    return out


def top_code_section(top_coded: pd.DataFrame, indicators: dict[str, Indicator] = INDICATORS) -> list[str]:
    out = []
    for ind in indicators.values():
        if ind.top_coded is None:
            continue
        n = top_coded[top_coded["indicator"] == ind.id]
        where = ", ".join(f"{int(r.n)} {GEO_WORDS.get(r.geo_type, r.geo_type)}" for r in n.itertuples())
        name = ind.label if ind.vintage in ind.label else f"{ind.label} ({ind.vintage})"
        out.append(md(f"{name}: a value at the top code is shown as "
                      f"\"{fmt_value(ind.id, ind.top_coded)}\"; " + (f"in this build: {where}." if where else
                                                                      "no place reaches it in this build.")))
    return out


# -- docstrings of the build modules ---------------------------------------------------

@lru_cache(maxsize=16)
def build_docstring(module: str) -> str:
    """A build module's docstring, read from its source (the build is not imported)."""
    src = (BUILD_DIR / f"{module}.py").read_text(encoding="utf-8")
    return ast.get_docstring(ast.parse(src)) or ""


def rst_to_md(text: str) -> str:
    """Double-backtick code to Markdown code; dollar signs escaped (no LaTeX)."""
    return text.replace("``", "`").replace("$", "\\$")


def doc_from(doc: str, start: str, stop: str | None = None) -> str:
    """The part of a docstring from the line containing ``start`` up to (not including) the line
    containing ``stop``."""
    lines = doc.splitlines()
    i = next((k for k, ln in enumerate(lines) if start in ln), None)
    if i is None:
        return ""
    j = next((k for k in range(i + 1, len(lines)) if stop and stop in lines[k]), len(lines))
    return "\n".join(lines[i:j]).strip()


def numbered_rules(doc: str, numbers: list[int]) -> str:
    """Items 'N. ...' (with their continuation lines) of a numbered list in a docstring."""
    items, cur, num = {}, [], None
    for ln in doc.splitlines():
        m = re.match(r"^(\d+)\.\s", ln)
        if m:
            if num is not None:
                items[num] = cur
            num, cur = int(m.group(1)), [ln]
        elif num is not None:
            if ln.strip() == "" or re.match(r"^\S", ln):
                items[num], num = cur, None
            else:
                cur.append(ln)
    if num is not None:
        items[num] = cur
    return "\n".join(" ".join(s.strip() for s in items[n]) for n in numbers if n in items)


def school_rule() -> str:
    return rst_to_md(doc_from(build_docstring("schools"), "The town rule"))


def district_rules() -> str:
    return rst_to_md(numbered_rules(build_docstring("legislative"), [2, 3, 4]))


def school_intro(roles: pd.DataFrame) -> str:
    """How many towns the awkward cases cover, from school_district_towns."""
    n = roles.groupby("role")["towns"].sum()
    member = int(n.get("K-12 regional member", 0))
    sends = int(n.get("7-12 regional", 0) + n.get("9-12 regional", 0))
    no_hs = int(n.get("local, no high school", 0))
    return (f"School results are published for school districts, not towns. {member} towns have no district of "
            f"their own (they belong to a K-12 regional district), {sends} send grades 7-12 or 9-12 to a regional "
            f"district, and {no_hs} have a district without a high school of its own. One rule maps districts to "
            "the 169 towns (from oca_dash/build/schools.py):")


def school_methods_table(methods: pd.DataFrame) -> pd.DataFrame:
    names = {i: INDICATORS[i].short_label for i in methods["indicator"].unique() if i in INDICATORS}
    return pd.DataFrame({"Measure": methods["indicator"].map(names).fillna(methods["indicator"]),
                         "How the town value is made": methods["method"], "Towns": methods["towns"],
                         "of which missing": methods["missing"]})


def district_check_sentences(check: pd.DataFrame, town_list: pd.DataFrame) -> list[str]:
    out = []
    for r in check.itertuples():
        out.append(f"{'Senate' if r.chamber == 'senate' else 'House'}: for {int(r.within_moe)} of {int(r.districts)} "
                   f"districts the block-based population estimate is within the ACS margin of error of the Census "
                   f"Bureau's own district population; the median difference is {r.median_rel_error:.1%}, the "
                   f"largest {r.max_rel_error:.1%}.")
    if len(town_list):
        out.append(f"{int(town_list['n'].iloc[0])} town-district pairs differ between the block assignment files, "
                   "the district maps and the General Assembly's town list; each is explained in the table "
                   "district_town_list_check, and shown on its district's page.")
    return out


def appeals_denominators(d: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Lists": [f"{a}-{b}" if a != b else f"{a}" for a, b in zip(d["first_year"], d["last_year"])],
                         "Denominator": "housing units in the " + d["denominator"]})


def raw_files_table(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"File (under shared/data/raw)": raw["path"], "Bytes": raw["bytes"],
                         "Git blob SHA-1": raw["git_blob_sha1"]})
