"""Town profile: one town against the state and its planning region."""

import streamlit as st

from oca_dash import brief_view, charts, links, profile, ui, views
from oca_dash.levels import DEFAULT_INDEX, INDEX_NAMES

db = ui.db()
names = ui.town_names()
town, note_town = links.parse_town(ui.qp("town"), names, default="Hartford")
idx, note_idx = links.parse_choice(ui.qp("idx"), INDEX_NAMES, DEFAULT_INDEX, "opportunity index")
ui.check_vintage()
ui.show_notices([ui.esc(n) for n in (note_town, note_idx) if n])

indices = db.opportunity_indices().set_index("index_name")
title_slot = st.empty()  # the town's name heads the page, above the controls
with ui.controls():
    c1, c2 = st.columns([2, 2])
    town = c1.selectbox("Town", names, index=names.index(town), help="Type to search the 169 towns")
    idx = c2.selectbox("Opportunity index", list(INDEX_NAMES), index=list(INDEX_NAMES).index(idx),
                       format_func=lambda k: indices.loc[k, "label"])
ui.share_url({"town": town, "idx": idx})

row = db.town(town)
tid, region_id = row["town_id"], row["region_id"]
region = db.regions().set_index("region_id").loc[region_id, "region"]
ids = profile.indicators_for("town")


@st.cache_data(show_spinner=False, max_entries=400)
def _profile(tid: str, region_id: str, town: str, region: str):
    prof = profile.place_profile(ui.db(), "town", tid, ids, region_id)
    table = profile.profile_table(prof, town, region)  # once; each section is its rows
    tables = {d: table[(prof["domain"] == d).values].reset_index(drop=True) for d in profile.SECTION_ORDER}
    return prof, tables, table.to_csv(index=False)


prof, section_tables, profile_csv = _profile(tid, region_id, town, region)
state_vals = prof.set_index("indicator")["state_value"]

with title_slot.container():
    st.title(town)
    st.markdown(f"{ui.esc(region)} · {ui.esc(row['county'])} · {row['land_sq_mi']:.1f} square miles of land · "
                f"data vintage {ui.esc(db.vintage)}")

metrics = views.headline_metrics(prof, ["population", "share_poc", "median_hh_income", "poverty_rate",
                                        "ahal_pct_affordable", f"{idx}_share_low"])
for start in (0, 3):  # two rows of three, so a phone reads them in order
    for c, m in zip(st.columns(3), metrics[start:start + 3]):
        c.metric(m["label"], m["value"], help=m["help"])

# Talking points: a link to the Brief page, and the Word brief (built once per town and index, then cached)
brief_spec = brief_view.Spec("town", (town,))
row = st.container(border=True, horizontal=True, vertical_alignment="center", gap="medium")
row.page_link("pages/brief.py", label=f"Talking points for {town}", icon=":material/description:",
              query_params=brief_view.link_params(brief_spec, idx))
ui.word_brief_button(row, brief_spec, idx)


@st.cache_data(show_spinner=False, max_entries=400)
def _charts(tid: str, region_id: str, idx: str, town: str, region: str) -> dict:
    """The three charts (as Vega-Lite specs) and their tables: built once per town and index, so a
    rerun only sends them (Altair's validation alone cost about 60 ms a rerun)."""
    db = ui.db()
    prof = _profile(tid, region_id, town, region)[0]
    state_vals = prof.set_index("indicator")["state_value"]
    out = {}
    race = views.race_chart_data({town: prof, region: prof.assign(value=prof["region_value"]),
                                  "Connecticut": prof.assign(value=prof["state_value"])})
    out["race_title"] = views.race_headline(town, prof, state_vals)
    out["race_spec"] = charts.grouped_shares(race, out["race_title"]).to_dict()
    out["race_table"] = race.pivot(index="group", columns="place", values="share")

    area = db.area_opportunity(idx, "town", tid).iloc[0]
    label = indices.loc[idx, "label"]
    out["area"], out["label"] = area, label
    out["level"] = views.level_of_score(area["weighted_index"], db.tract_opportunity(idx))
    lvl = views.levels_long(area.to_frame().T.assign(place=town), "place")
    out["opp_title"] = views.opportunity_headline(town, area, label)
    out["opp_spec"] = charts.level_bars(lvl, out["opp_title"]).to_dict()
    out["opp_table"] = lvl[["level", "share"]].set_index("level")

    hist = db.appeals_history(tid)
    out["ahal_title"] = views.appeals_headline(town, hist)
    out["ahal_spec"] = charts.trend_line(
        views.appeals_chart_data(hist, town, db.appeals_state()), out["ahal_title"],
        "Denominator: 2000 census units to 2010, 2010 census units 2011-2022, 2020 census units from 2023",
        rule_at=0.10, rule_label="10% threshold").to_dict()
    out["ahal_table"] = hist[["year", "census_units", "total_assisted", "pct_affordable", "units_to_10pct", "note"]]
    out["districts"] = db.town_districts(tid)
    return out


view = _charts(tid, region_id, idx, town, region)

# Race and ethnicity
st.header("Who lives here")
st.vega_lite_chart(spec=view["race_spec"], width="stretch",
                   alt=f"Bar chart. {view['race_title']}. Shares of residents by race and ethnicity in {town}, "
                       f"{region} and Connecticut.")
ui.caption(ui.source_line(["share_hispanic"]))
with st.expander("The numbers in this chart"):
    st.dataframe(view["race_table"].style.format("{:.1%}"))

# Opportunity
st.header("Opportunity")
area, label, lv = view["area"], view["label"], view["level"]
st.markdown(f"**{ui.esc(label)}** ({ui.esc(indices.loc[idx, 'vintage'])}). Population-weighted score "
            f"**{area['weighted_index']:+.2f}** (0 = the average Connecticut tract), in the **{lv or '—'}** range. "
            f"{int(area['tracts_rated'])} of {int(area['tracts'])} census tracts rated.")
dom = [("Education", area.get("domain_education")), ("Economic", area.get("domain_economic")),
       ("Neighborhood and housing", area.get("domain_neighborhood"))]
if any(v == v and v is not None for _, v in dom):
    dc = st.columns(3)
    for c, (n, v) in zip(dc, dom):
        c.metric(f"{n} domain", "—" if v != v or v is None else f"{v:+.2f}")
st.vega_lite_chart(spec=view["opp_spec"], width="stretch",
                   alt=f"Stacked bar. {view['opp_title']}. Share of {town}'s residents in each of five opportunity "
                       "levels.")
ui.caption(f"Source: {label}, {indices.loc[idx, 'vintage']}; tract populations ACS 2019-2023. "
           f"Levels are statewide quintiles of census tracts.")
with st.expander("The numbers in this chart"):
    st.dataframe(view["opp_table"].style.format("{:.1%}"))

# Affordable housing
st.header("Affordable housing (CGS 8-30g)")
st.vega_lite_chart(spec=view["ahal_spec"], width="stretch",
                   alt=f"Line chart. {view['ahal_title']}. Percent of homes counted as affordable, 2002-2023.")
ui.caption(ui.source_line(["ahal_pct_affordable"], "A share can move when the census denominator changes"))
with st.expander("The numbers in this chart"):
    st.dataframe(view["ahal_table"].style.format({"pct_affordable": "{:.2%}"}, na_rep="—"), hide_index=True)

# Every figure
st.header("Every figure")
st.caption("Each figure with its margin of error (90%), Connecticut and the planning region, and its rank "
           "among the 169 towns. ⚠ marks an estimate whose coefficient of variation is above 30%.")
for dom_key in profile.SECTION_ORDER:
    if section_tables[dom_key].empty:
        continue
    with st.expander(profile.DOMAIN_TITLES[dom_key], expanded=dom_key in ("income", "housing")):
        st.dataframe(section_tables[dom_key], hide_index=True, width="stretch")

dist = view["districts"]
if len(dist):
    st.header("Legislative districts")
    d = dist.assign(share=dist["pop_share_of_town"].map("{:.0%}".format))
    st.dataframe(d[["name", "member", "party", "share"]].rename(columns={
        "name": "District", "member": "Member", "party": "Party", "share": "Share of town's residents"}),
        hide_index=True)
    ui.caption("Districts of the 2021 plan; members from Open States. Shares estimated from census-block "
               "assignment files and ACS 2019-2023 tract populations.")

st.download_button("Download this profile (CSV)",
                   data=profile_csv,
                   file_name=f"{town.replace(' ', '_')}_profile.csv", mime="text/csv", on_click="ignore")
