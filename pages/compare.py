"""Compare: two to six towns side by side, the differences said in words against the first town."""

import pandas as pd
import streamlit as st

from oca_dash import brief_view, charts, compare, links, ui, views
from oca_dash import map_view as mv
from oca_dash.indicators import INDICATORS
from oca_dash.levels import DEFAULT_INDEX, INDEX_NAMES

DEFAULT_TOWNS = ["Hartford", "West Hartford"]
DEFAULT_IND = "poverty_rate"
MAX_TOWNS = 6

db = ui.db()
names = ui.town_names()
IND_CHOICES = compare.chart_indicators()

# -- read the link ---------------------------------------------------------------------
towns, notes = links.parse_towns(ui.qp_all("towns"), names, max_n=MAX_TOWNS)
if ui.qp_all("towns") and len(towns) < 2:
    pad = [t for t in DEFAULT_TOWNS if t not in towns][: 2 - len(towns)]
    notes.append(f"A comparison needs at least two towns; added {' and '.join(pad)}.")
    towns = towns + pad
elif not towns:
    towns = list(DEFAULT_TOWNS)
idx, note_idx = links.parse_choice(ui.qp("idx"), INDEX_NAMES, DEFAULT_INDEX, "opportunity index")
ind, note_ind = links.parse_choice(ui.qp("ind"), IND_CHOICES, DEFAULT_IND, "figure for the chart")
ui.check_vintage()
ui.show_notices([ui.esc(n) for n in notes + [note_idx, note_ind] if n])


@st.cache_data(show_spinner=False)
def _indices():
    return ui.db().opportunity_indices().set_index("index_name")


@st.cache_data(show_spinner=False, max_entries=200)
def _town_ids(towns: tuple) -> dict:
    t = ui.towns().set_index("town")["town_id"]
    return {name: t[name] for name in towns}


@st.cache_data(show_spinner=False, max_entries=200)
def _values(towns: tuple, idx: str, ind: str):
    return compare.load_values(ui.db(), _town_ids(towns), compare.all_ids(idx, ind))


@st.cache_data(show_spinner=False, max_entries=200)
def _appeals(towns: tuple):
    return compare.load_appeals(ui.db(), _town_ids(towns))


@st.cache_data(show_spinner=False, max_entries=8)
def _area(idx: str):
    d = ui.db()
    towns = d.area_opportunity(idx, "town").merge(ui.towns()[["town_id", "town"]], left_on="geo_id",
                                                   right_on="town_id")
    state = d.area_opportunity(idx, "state")
    return towns, state


def _seed(key: str, url_value):
    """Keep a keyed widget in step with the URL: the link wins unless it still holds what this
    page wrote last (then the widget's own state, the user's latest choice, stands)."""
    if key not in st.session_state or st.session_state.get(f"_seen_{key}") != url_value:
        st.session_state[key] = url_value


indices = _indices()
with ui.controls():
    c1, c2, c3 = st.columns([3, 2, 2])
    _seed("cmp_towns", towns)
    towns = c1.multiselect("Towns to compare (2 to 6; the first is the one the others are compared with)",
                           names, key="cmp_towns", max_selections=MAX_TOWNS,
                           placeholder="Type a town's name", help="Type to search the 169 towns")
    idx = c2.selectbox("Opportunity index", list(INDEX_NAMES), index=list(INDEX_NAMES).index(idx),
                       format_func=lambda k: indices.loc[k, "label"])
    ind = c3.selectbox("Figure for the one-axis chart", IND_CHOICES, index=IND_CHOICES.index(ind),
                       format_func=lambda k: INDICATORS[k].label, help="Type to search every figure")
st.session_state["_seen_cmp_towns"] = list(towns)
ui.share_url({"towns": ",".join(towns), "idx": idx, "ind": ind})

if len(towns) < 2:
    st.title("Compare towns")
    st.info("Choose at least two towns to compare.", icon=":material/info:")
    st.stop()

base = towns[0]
others = towns[1:]
index_label = indices.loc[idx, "label"]
index_vintage = indices.loc[idx, "vintage"]


@st.cache_data(show_spinner=False, max_entries=200)
def _view(towns: tuple, idx: str, ind: str, phone: bool) -> dict:
    """Everything the page shows for one choice, shaped once: sentences, tables, chart specs."""
    towns = list(towns)
    vals, state = _values(tuple(towns), idx, ind)
    out = {"said": compare.sentences(vals, towns, compare.sentence_figures(idx, ind))}
    # one axis
    dots = compare.dot_data(vals, state, towns, ind)
    unit = INDICATORS[ind].unit
    fmt = "%" if unit == "share" else ("$,.0f" if unit == "dollars" else "")
    sub = "Lines show the 90% margin of error" if dots["low"].notna().any() else ""
    if dots["top_coded"].any():
        sub = (sub + ". " if sub else "") + "A top-coded value is drawn at the top code; the true figure is higher"
    out["dtitle"] = compare.dot_headline(dots, ind)
    out["dots"] = dots[["place", "text"]].rename(columns={"place": "Place", "text": INDICATORS[ind].short_label})
    out["dspec"] = compare.pad_x(charts.dot_compare(dots, out["dtitle"], sub, fmt).to_dict())
    out["dalt"] = "; ".join(f"{p}: {t}" for p, t in zip(dots["place"], dots["text"]))
    shaky = [p for p, t in zip(dots["place"], dots["text"]) if "⚠" in t]
    out["dwarn"] = (f"⚠ A rough estimate (coefficient of variation above 30%): {compare.join(shaky)}. Read it with its "
                    "margin of error." if shaky else "")
    # race
    race = views.race_chart_data(compare.race_places(vals, state, towns))
    out["rtitle"] = compare.race_headline(vals, towns)
    out["rspec"] = compare.recolour(charts.grouped_shares(race, out["rtitle"]).to_dict(), towns + [compare.STATE])
    out["race"] = (race.pivot(index="group", columns="place", values="share")[towns + [compare.STATE]]
                   .reindex([g for _, g in views.RACE_GROUPS]).map(_pct1))
    # opportunity
    area_towns, area_state = _area(idx)
    area = area_towns[area_towns["town"].isin(towns)].assign(place=lambda d: d["town"])
    area = area.set_index("place").reindex(towns).reset_index().dropna(subset=["share_low"])
    if len(area_state):
        area = pd.concat([area, area_state.head(1).assign(place=compare.STATE)], ignore_index=True)
    label = _indices().loc[idx, "label"]
    out["otitle"] = compare.opportunity_headline(area, towns, label)
    lvl = views.levels_long(area, "place")
    out["ospec"] = charts.level_bars(lvl, out["otitle"], f"{label}, {_indices().loc[idx, 'vintage']}").to_dict()
    out["levels"] = (lvl.pivot(index="place", columns="level", values="share").reindex(list(area["place"]))
                     [list(views.LEVEL_COLS)].map(_pct1))
    # 8-30g
    hist, state_hist = _appeals(tuple(towns))
    out["atitle"] = compare.appeals_headline(hist, towns)
    out["aspec"] = charts.trend_line(
        compare.appeals_chart_data(hist, state_hist, towns), out["atitle"],
        "Denominator: 2000 census units to 2010, 2010 census units 2011-2022, 2020 census units from 2023",
        rule_at=0.10, rule_label="10% threshold").to_dict()
    compare.recolour(out["aspec"], towns + [compare.STATE])
    for k in ("dspec", "rspec", "ospec", "aspec"):
        compare.fit_spec(out[k], phone)
    wide = hist.pivot(index="year", columns="town", values="pct_affordable").reindex(columns=towns)
    wide[compare.STATE] = state_hist.set_index("year")["pct_affordable"]
    out["appeals"] = wide.map(lambda x: "—" if pd.isna(x) else f"{x:.2%}")
    # every figure
    out["tables"] = [(title, compare.comparison_table(vals, state, towns, ids))
                     for title, ids in compare.key_figures(idx)]
    return out


def _pct1(x):
    return "—" if pd.isna(x) else f"{x:.1%}"


view = _view(tuple(towns), idx, ind, mv.is_mobile(st.context.headers.get("User-Agent")))

st.title(f"{base} compared with {compare.join(others)}")
st.markdown(f"Each town is compared with **{ui.esc(base)}**, the first town chosen. A gap smaller than the "
            "combined margins of error (90%) is called *not significantly different* and never claimed as a "
            "difference. Top-coded incomes are compared as “more than”.")

# -- in words -------------------------------------------------------------------------------
st.header("How they differ, in words")


def _say(lines):
    st.markdown("\n".join(f"- **{ui.esc(f)}**: {ui.esc(t)}" for f, t in lines))


if len(others) == 1:
    st.subheader(f"{others[0]} against {base}")
    _say(view["said"][others[0]])
else:
    for tab, t in zip(st.tabs([f"{t} vs {base}" for t in others]), others):
        with tab:
            _say(view["said"][t])
ui.caption(ui.source_line(compare.sentence_figures(idx, ind), f"Opportunity: {index_label}, {index_vintage}"))
brief_spec = brief_view.Spec("towns", tuple(towns))
row = st.container(border=True, horizontal=True, vertical_alignment="center", gap="medium")
row.page_link("pages/brief.py", label="Talking points for these towns", icon=":material/description:",
              query_params=brief_view.link_params(brief_spec, idx))
ui.word_brief_button(row, brief_spec, idx)

# -- one axis -------------------------------------------------------------------------------
st.header(INDICATORS[ind].label)
st.vega_lite_chart(spec=view["dspec"], width="stretch", alt=f"Dot chart. {view['dtitle']}. {view['dalt']}")
ui.caption(ui.source_line([ind]))
if view["dwarn"]:
    ui.caption(view["dwarn"])
with st.expander("The numbers in this chart"):
    st.dataframe(view["dots"], hide_index=True)

# -- race -------------------------------------------------------------------------------
st.header("Who lives there")
st.vega_lite_chart(spec=view["rspec"], width="stretch",
                   alt=f"Bar chart. {view['rtitle']}. Shares of residents by race and ethnicity in "
                       f"{', '.join(towns)} and Connecticut.")
ui.caption(ui.source_line(["share_hispanic"]))
with st.expander("The numbers in this chart"):
    st.dataframe(view["race"])

# -- opportunity -------------------------------------------------------------------------
st.header("Opportunity")
st.vega_lite_chart(spec=view["ospec"], width="stretch",
                   alt=f"Stacked bars. {view['otitle']}. Share of each town's residents in each of five "
                       "opportunity levels.")
ui.caption(f"Source: {index_label}, {index_vintage}; tract populations ACS 2019-2023. "
           "Levels are statewide quintiles of census tracts.")
with st.expander("The numbers in this chart"):
    st.dataframe(view["levels"])

# -- 8-30g ---------------------------------------------------------------------------------
st.header("Affordable housing (CGS 8-30g)")
st.vega_lite_chart(spec=view["aspec"], width="stretch",
                   alt=f"Line chart. {view['atitle']}. Percent of homes counted as affordable, by year, "
                       f"for {', '.join(towns)} and Connecticut.")
ui.caption(ui.source_line(["ahal_pct_affordable"], "A share can move when the census denominator changes"))
with st.expander("The numbers in this chart"):
    st.dataframe(view["appeals"])

# -- every figure ------------------------------------------------------------------------
st.header("Side by side")
st.caption("Each figure with its margin of error (90%) where the source has one. ⚠ marks an estimate whose "
           "coefficient of variation is above 30%. The note names towns not significantly different from "
           f"{base}.")
for title, t in view["tables"]:
    st.subheader(title)
    st.dataframe(t, hide_index=True, width="stretch",
                 column_config={"Note": st.column_config.TextColumn(width="medium"),
                                "Source": st.column_config.TextColumn(width="medium")})


def _csv():
    t = pd.concat([tb.assign(Section=title) for title, tb in view["tables"]], ignore_index=True)
    cols = ["Section"] + [c for c in t.columns if c != "Section"]
    head = (f"# {ui.APP_TITLE}: {', '.join(towns)} compared (data vintage {db.vintage}).\n"
            "# Values with their 90% margin of error; sources and vintages in the Source column.\n")
    return head + t[cols].to_csv(index=False)


st.download_button("Download this comparison (CSV)", data=_csv(), file_name="comparison.csv", mime="text/csv",
                   on_click="ignore")
