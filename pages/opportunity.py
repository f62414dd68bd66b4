"""Opportunity and race: the share of each group living in each opportunity level, and where."""

import streamlit as st

from oca_dash import charts, deck_json, links, ui
from oca_dash import opportunity_view as O
from oca_dash.indicators import INDICATORS
from oca_dash.methods import md, wrap
from oca_dash.levels import DEFAULT_INDEX, INDEX_NAMES

db = ui.db()
idx, note_idx = links.parse_choice(ui.qp("idx"), INDEX_NAMES, DEFAULT_INDEX, "opportunity index")
group, note_group = links.parse_choice(ui.qp("group"), list(O.GROUPS), O.DEFAULT_GROUP, "group")
ui.check_vintage()
ui.show_notices([ui.esc(n) for n in (note_idx, note_group) if n])


@st.cache_data(show_spinner=False, max_entries=8)
def _indices():
    return ui.db().opportunity_indices().set_index("index_name")


@st.cache_data(show_spinner=False, max_entries=8)
def _tables(index_name: str):
    d = ui.db()
    tracts = O.load_tracts(d, index_name)
    levels = O.level_table(O.load_by_race(d, index_name), tracts)
    return tracts, levels


@st.cache_data(show_spinner=False, max_entries=2)
def _agreement():
    return O.load_level_agreement(ui.db())


@st.cache_data(show_spinner=False, max_entries=2)
def _inputs():
    return O.load_inputs(ui.db())


@st.cache_resource(show_spinner=False)
def _geoms():
    return O.load_tract_geojson(ui.db())


@st.cache_data(show_spinner=False, max_entries=16)
def _map(index_name: str, grp: str):
    """The map, serialized once per index and group (pydeck's own serializer is slow)."""
    tracts, _ = _tables(index_name)
    dots = O.dot_data(tracts, grp)
    return deck_json.freeze(O.deck(O.tract_features(tracts, _geoms(), grp), dots, grp)), dots.head(1)


indices = _indices()
with ui.controls():
    idx = st.selectbox("Opportunity index", list(INDEX_NAMES), index=list(INDEX_NAMES).index(idx),
                       format_func=lambda k: f"{indices.loc[k, 'label']} ({indices.loc[k, 'vintage']})")

tracts, levels = _tables(idx)
label, vintage = indices.loc[idx, "label"], indices.loc[idx, "vintage"]

st.title("Opportunity and race")
st.markdown(f"Where Connecticut's Black, Latino, Asian and White residents live, against opportunity. "
            f"Index in use: **{md(label)}** ({md(vintage)}; {md(indices.loc[idx, 'tract_vintage'])}).")

# The headline and the chart
head = O.headline(levels)
st.altair_chart(charts.level_bars(O.chart_data(levels), wrap(head), y="group"), width="stretch",
                alt=f"100% stacked bar chart. {head}. For Black, Latino, Asian, White and all residents, the "
                    f"share living in census tracts of each of five opportunity levels on the {label}.")
src = (f"Source: {label}, {vintage}; residents by race and ethnicity from ACS 2019-2023 tract estimates "
       f"(U.S. Census Bureau). {O.GROUP_NOTE}")
ui.caption(src)
points = O.likelihood_points(levels)
if points:
    st.markdown("\n".join(f"- {md(p)}" for p in points))
with st.expander("The numbers in this chart, with margins of error"):
    st.dataframe(O.wide_table(levels), hide_index=True, width="stretch")
    ui.caption("Share of each group's residents (in tracts with a score) living in tracts of each level, "
               "± approximate 90% margin of error in percentage points. " + O.all_residents_note(levels))
    st.download_button("Download these numbers (CSV)", data=O.csv_table(levels, idx).to_csv(index=False),
                       file_name=f"opportunity_by_race_{idx}.csv", mime="text/csv", on_click="ignore")

with st.expander("Which index is this? How the three differ"):
    for k in INDEX_NAMES:
        r = indices.loc[k]
        mark = " (in use)" if k == idx else ""
        st.markdown(f"**{md(r['label'])}**{mark}: {md(r['vintage'])}, {md(r['tract_vintage'])}. "
                    f"{md(r['method'])} *Caveats:* {md(r['caveats'])}")
    labels = {k: indices.loc[k, "label"] for k in INDEX_NAMES}
    for s in O.agreement_sentences(_agreement(), labels, idx):
        st.markdown(md(s))
    st.page_link("pages/about.py", label="How the opportunity index is computed (About the data)", icon=":material/menu_book:")

# The map
st.header("Where each group lives against opportunity")
names = {k: v[0] for k, v in O.GROUPS.items()}
if not ui.presenting():  # the page's other control is in ui.controls(); this one sits by its map
    group = st.radio("Show residents who are", list(O.GROUPS), index=list(O.GROUPS).index(group),
                     format_func=names.get, horizontal=True)
ui.share_url({"idx": idx, "group": group})

conc = O.concentration(tracts, group)
mtitle = O.map_title(conc)
st.subheader(mtitle)
frozen, biggest = _map(idx, group)
st.pydeck_chart(frozen, height=560, width="stretch",
                alt=f"Map of Connecticut's census tracts coloured by opportunity level on the {label}, with a "
                    f"circle on each tract sized by its number of {names[group]} residents. {mtitle}.")
st.markdown(O.legend_html(), unsafe_allow_html=True)  # fixed level names and colours only, no data text
st.markdown(O.circle_note(biggest, group, md))
ui.caption(src)
with st.expander(f"The numbers in this map: every tract, by {names[group]} residents"):
    st.dataframe(O.tract_table(tracts, group), hide_index=True, width="stretch",
                 column_config={f"{names[group]} share of residents": st.column_config.NumberColumn(
                     format="percent")})

# Caveats
st.header("Read this before quoting")
st.markdown("\n".join(f"- {md(c)}" for c in O.index_caveats(
    idx, tracts, _inputs() if idx == "oca2025" else None, {k: v.short_label for k, v in INDICATORS.items()})))
