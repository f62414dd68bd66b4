"""Districts: the profile of a State Senate or House district (2021 plan) against the state."""

import streamlit as st

from oca_dash import charts, deck_json, profile, ui, views
from oca_dash import district_view as D
from oca_dash.methods import md, wrap

db = ui.db()


@st.cache_data(show_spinner=False, max_entries=4)
def _districts():
    return ui.db().districts()


dists = _districts()
did, note = D.parse_district(ui.qp("district"), dists["district_id"])
ui.check_vintage()
ui.show_notices([ui.esc(note)] if note else [])
by_id = dists.set_index("district_id")

with ui.controls():
    c1, c2 = st.columns([1, 3])
    chambers = list(D.CHAMBERS)
    chamber = c1.radio("Chamber", chambers, index=chambers.index(by_id.loc[did, "chamber"]),
                       format_func=D.CHAMBERS.get, horizontal=True)
    options = dists.loc[dists["chamber"] == chamber, "district_id"].tolist()
    did = c2.selectbox("District", options, index=options.index(did) if did in options else 0,
                       format_func=lambda k: D.label(by_id.loc[k]),
                       help="Type a number or a member's name to search")
ui.share_url({"district": did})

row = by_id.loc[did].to_dict()
chamber = row["chamber"]
name = D.full_name(row)
ids = profile.indicators_for(chamber)


@st.cache_data(show_spinner=False, max_entries=400)
def _profile(chamber: str, did: str):
    return profile.place_profile(ui.db(), chamber, did, profile.indicators_for(chamber),
                                 noun=D.CHAMBER_NOUNS[chamber])


@st.cache_data(show_spinner=False, max_entries=400)
def _towns(did: str):
    return ui.db().district_towns(did)


@st.cache_data(show_spinner=False, max_entries=400)
def _checks(did: str):
    return D.load_checks(ui.db(), did)


@st.cache_data(show_spinner=False, max_entries=200)
def _map(did: str, name: str):
    dt = _towns(did)
    dshape, tshapes = D.load_map(ui.db(), did, dt["town_id"].tolist())
    return deck_json.freeze(D.deck(dshape, tshapes, name))


prof = _profile(chamber, did)
state_vals = prof.set_index("indicator")["state_value"]
dt = _towns(did)

st.title(name)
party = f" ({md(row['party_label'])})" if row.get("party_label") else ""
st.markdown(f"Member: **{md(row['member'])}**{party} · {row['land_sq_mi']:.1f} square miles of land · 2021 plan")
st.markdown(md(D.towns_sentence(name, dt)))

cols = st.columns(3)
for c, m in zip(cols * 2, views.headline_metrics(
        prof, ["population", "share_poc", "median_hh_income", "poverty_rate", "bachelors_plus",
               "homeownership_rate"])):
    c.metric(m["label"], m["value"], help=m["help"])
ui.caption(f"Source: {D.ESTIMATE_SOURCE} (fetched by DataHaven). "
           f"Ranks are among the {len(dists[dists['chamber'] == chamber])} {D.CHAMBER_NOUNS[chamber]}.")

# Race and ethnicity
st.header("Who lives here")
race = views.race_chart_data({name: prof, "Connecticut": prof.assign(value=prof["state_value"])})
title = views.race_headline(name, prof, state_vals)
st.altair_chart(charts.grouped_shares(race, wrap(title)), width="stretch",
                alt=f"Bar chart. {title}. Shares of residents by race and ethnicity in {name} and Connecticut.")
ui.caption(f"Source: {D.ESTIMATE_SOURCE}. Latino: Hispanic or Latino of any race; other groups not Hispanic.")
with st.expander("The numbers in this chart"):
    st.dataframe(profile.profile_table(prof[prof["domain"] == "race"], name, None), hide_index=True,
                 width="stretch")

# Towns
st.header("Towns in this district")
st.dataframe(D.towns_table(dt), hide_index=True, width="stretch", column_config={
    "Residents in the district (estimate)": st.column_config.NumberColumn(format="localized"),
    "Share of the district's residents": st.column_config.NumberColumn(format="percent"),
    "Share of the town's residents": st.column_config.NumberColumn(format="percent")})
pop_check, list_check = _checks(did)
notes = [D.SHARES_NOTE]
s = D.population_check_sentence(pop_check)
if s:
    notes.append(s)
ui.caption(" ".join(notes))
if len(list_check):
    with st.expander("Where the General Assembly's town list differs"):
        st.markdown("\n".join(f"- **{md(r.town)}**: {md(r.note)}" for r in list_check.itertuples()))
st.markdown("**Open a town's profile**")
town_names = dt.sort_values("town")["town"].tolist()
link_cols = st.columns(4)
for i, t in enumerate(town_names):
    link_cols[i % 4].page_link("pages/town.py", label=t, icon=":material/home:", query_params={"town": t})

st.subheader(f"Map of {name}")
st.pydeck_chart(_map(did, name), height=420, width="stretch",
                alt=f"Map of {name} (shaded) with the outlines and names of the towns it covers: "
                    f"{', '.join(dt.sort_values('town')['town'])}.")
ui.caption("District boundary: Connecticut General Assembly, 2021 final plan; town boundaries: Census TIGER 2020. "
           "Shaded: the district; outlined: the towns it covers.")

# Every figure
st.header("Every figure")
st.caption(f"Each figure with its margin of error (90%), Connecticut, and its rank among the "
           f"{D.CHAMBER_NOUNS[chamber]}. ⚠ marks an estimate whose coefficient of variation is above 30%.")
for dom_key in profile.SECTION_ORDER:
    sec = prof[prof["domain"] == dom_key]
    if sec.empty:
        continue
    with st.expander(profile.DOMAIN_TITLES[dom_key], expanded=dom_key in ("income", "housing")):
        st.dataframe(profile.profile_table(sec, name, None), hide_index=True, width="stretch")
ui.caption(D.coverage_note(ids))

st.download_button("Download this profile (CSV)", data=profile.profile_table(prof, name, None).to_csv(index=False),
                   file_name=f"{name.replace(' ', '_')}_profile.csv", mime="text/csv", on_click="ignore")
