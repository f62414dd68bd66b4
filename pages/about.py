"""About the data: every indicator and source, and how the figures are computed. Generated from the
registry and the database tables (oca_dash/methods.py), so it stays true when an indicator is added."""

import streamlit as st

from oca_dash import methods as T
from oca_dash import ui
from oca_dash.format import no_autolink

db = ui.db()
q = T.clean_query(ui.qp("q"))
ui.check_vintage()


@st.cache_data(show_spinner=False, max_entries=2)
def _tables():
    return T.load(ui.db())


@st.cache_data(show_spinner=False, max_entries=2)
def _catalogue():
    return T.catalogue()


@st.cache_data(show_spinner=False, max_entries=64)
def _found(query: str):
    found = T.search(_catalogue(), query)
    return found, T.table_view(found), T.domain_sections(found)


tb = _tables()
info = dict(zip(tb["build_info"]["key"], tb["build_info"]["value"]))
cat = _catalogue()

st.title("About the data")
st.markdown(
    f"Where every figure on this dashboard comes from and how it is computed. This page is generated from the "
    f"indicator registry and the database, so it lists exactly what the dashboard holds: **{len(cat)} indicators** "
    f"from **{len(T.SOURCES)} source datasets**. Data vintage **{T.md(info.get('data_vintage', ''))}**, "
    f"built by oca\\_dash {T.md(info.get('oca_dash_version', ''))} with DuckDB {T.md(info.get('duckdb_version', ''))}.")
st.markdown("On this page: [Indicators](#indicators) · [Sources](#sources) · "
            "[The opportunity index](#the-opportunity-index) · [Margins of error](#margins-of-error) · "
            "[Top-coded values](#top-coded-values) · [8-30g denominators](#8-30g-denominators) · "
            "[Schools](#schools-from-districts-to-towns) · [Legislative districts](#legislative-districts) · "
            "[Raw files](#raw-files)")

# Indicators
st.header("Indicators", anchor="indicators")
with ui.controls():
    q = T.clean_query(st.text_input("Search the indicators", value=q, max_chars=T.MAX_QUERY,
                                    placeholder="a word or two: poverty, tract, CDC, 2019-2023, top-coded …",
                                    help="Every word must appear somewhere in the indicator's entry."))
ui.share_url({"q": q})
found, view, sections = _found(q)
if q:
    st.markdown(f"**{len(found)} of {len(cat)} indicators** match “{T.md(no_autolink(q))}”.")
if len(found):
    st.dataframe(view, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(view)),
                 column_config={"Definition": st.column_config.TextColumn(width="large"),
                                "Notes": st.column_config.TextColumn(width="large")})
    st.download_button("Download this table (CSV)", data=found.drop(columns=["_domain"]).to_csv(index=False),
                       file_name="indicators.csv", mime="text/csv", on_click="ignore")
    st.caption("Each indicator in full, by topic:")
    for title, n, body in sections:
        with st.expander(f"{title} ({n})", expanded=bool(q) and len(found) <= 5):
            st.markdown(body)
else:
    st.info("No indicator matches that search. Try one word, such as “income” or “school”.", icon=":material/info:")

# Sources
st.header("Sources", anchor="sources")
st.dataframe(T.sources_table(), hide_index=True, width="stretch",
             column_config={"Provenance": st.column_config.TextColumn(width="large")})
with st.expander("Every source in full"):
    st.markdown(T.sources_markdown())
ui.caption("Provenance names the raw file(s) under shared/data/raw and the repository and commit they came from; "
           "the files and their hashes are listed under Raw files below.")

# Opportunity
st.header("The opportunity index", anchor="the-opportunity-index")
idx = tb["indices"].set_index("index_name")
st.markdown("The coalition's opportunity maps (with the Kirwan Institute, 2009; updated 2014 and 2020) rate "
            "census tracts from Very Low to Very High opportunity. The dashboard computes the index by the "
            "coalition's method on current data, and also carries two published indices.")
st.subheader("The current index, step by step")
st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(T.opportunity_steps(
    tb["inputs"], tb["level_ranges"], tb["unrated"]), start=1)))
st.markdown("**The inputs used in this build**")
st.dataframe(T.inputs_table(tb["inputs"]), hide_index=True, width="stretch")
ui.caption("From the table opportunity_inputs, written by the build (oca_dash/build/opportunity.py). Mean and "
           "standard deviation are across populated tracts, with town values repeated for each tract.")
with st.expander("What was left out, and why"):
    for s in T.design_candidates_not_used(tb["inputs"], tb["top_coded"]):
        st.markdown(f"- {s}")
    st.markdown("\n".join(f"- **{T.md(label)}**: {T.md(notes)}" for label, notes in T.left_out(tb["inputs"])))
st.subheader("The published indices")
for k in idx.index:
    r = idx.loc[k]
    st.markdown(f"**{T.md(r['label'])}** ({T.md(r['vintage'])}; {T.md(r['tract_vintage'])})"
                f"{' — the default' if r['is_default'] else ''}. {T.md(r['method'])}  \n"
                f"*Caveats:* {T.md(r['caveats'])}")

# Margins of error
st.header("Margins of error and reliability", anchor="margins-of-error")
st.markdown("\n\n".join(T.moe_section(tb["moe_example"])))

st.header("Top-coded values", anchor="top-coded-values")
st.markdown("The Census Bureau does not publish medians above a ceiling; a value at the ceiling means “this or "
            "more”. The dashboard shows it with a plus sign and never ranks or compares it as a number (places at "
            "the top code tie).")
st.markdown("\n".join(f"- {s}" for s in T.top_code_section(tb["top_coded"])))

st.header("Affordable housing: the 8-30g denominators", anchor="8-30g-denominators")
ah = T.INDICATORS["ahal_pct_affordable"]
st.markdown(T.md(ah.notes))
st.dataframe(T.appeals_denominators(tb["appeals_denominators"]), hide_index=True)

st.header("Schools: from districts to towns", anchor="schools-from-districts-to-towns")
st.markdown(T.school_intro(tb["school_roles"]))
st.markdown(T.school_rule())
with st.expander("How many towns each part of the rule applies to"):
    st.dataframe(T.school_methods_table(tb["school_methods"]), hide_index=True, width="stretch")

st.header("Legislative districts", anchor="legislative-districts")
st.markdown("District figures are the Census Bureau's ACS 2019-2023 estimates for the 2021-plan State Legislative "
            "Districts (with margins of error). Which towns a district covers, and what share of each town's "
            "residents live in it, are the dashboard's estimates from the General Assembly's census-block "
            "assignment files (BAF), by rules 2 to 4 of oca_dash/build/legislative.py (xwalk.rda is DataHaven's "
            "census block to tract and town crosswalk):")
st.markdown(T.district_rules())
st.markdown("\n".join(f"- {T.md(s)}" for s in T.district_check_sentences(tb["district_check"],
                                                                          tb["town_list_check"])))

st.header("Raw files", anchor="raw-files")
st.markdown(f"The database is built from **{len(tb['raw_files'])} raw files**; each is identified by its Git blob "
            "SHA-1 (what `git hash-object` prints), so anyone can check they have the same file.")
st.dataframe(T.raw_files_table(tb["raw_files"]), hide_index=True, width="stretch", height=360,
             column_config={"Bytes": st.column_config.NumberColumn(format="localized")})
