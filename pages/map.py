"""Map: the 169 towns coloured by opportunity level or by any town indicator; click a town for its profile."""

import streamlit as st

from oca_dash import deck_json, links, profile, ui
from oca_dash import map_view as mv
from oca_dash.format import fmt_value
from oca_dash.indicators import INDICATORS, SOURCES
from oca_dash.levels import DEFAULT_INDEX, INDEX_NAMES

LEVEL = mv.LEVEL_MODE
IDS = mv.indicator_options(profile.indicators_for("town"))
LABELS = mv.option_labels(IDS)
CHOICES = [LEVEL] + IDS
# Map height by device, and the width x height the state is fitted into: the whole state on first sight.
# The server does not know the browser's width; phones are told by their user agent.
SIZES = {"desk": (560, 800, 560), "present": (640, 860, 640), "phone": (None, 350, None)}
# The finding is an h2 (after the h1 title; axe heading-order), drawn at the size of an h4.
FINDING_CSS = ("<style>.st-key-finding h2 { font-size: 1.5rem !important; padding: .5rem 0 1rem 0; }\n"
               "@media (max-width: 640px) { .st-key-finding h2 { font-size: 1.2rem !important; } }</style>")
PRESENT_FIX = """<style>
h1 span, h2 span, h3 span, h4 span { font-size: inherit !important; }
[data-testid="stMainBlockContainer"] { padding-top: 3rem !important; }
</style>"""


# -- cached data (every expensive step runs once per process and argument) -------------

@st.cache_data(show_spinner=False, max_entries=4)
def _shapes(layer: str):
    id_col = {"town": "town_id", "town_fill": "town_id", "state": "state_id", "tract": "tract_id"}[layer]
    return ui.db().shapes(layer)[[id_col, "geojson", "min_lon", "min_lat", "max_lon", "max_lat"]]


@st.cache_data(show_spinner=False, max_entries=2)
def _bounds() -> tuple[float, float, float, float]:
    return mv.bounds_of(_shapes("state"))


@st.cache_data(show_spinner=False, max_entries=8)
def _indices():
    return ui.db().opportunity_indices().set_index("index_name")


@st.cache_data(show_spinner=False, max_entries=8)
def _levels(idx: str):
    db = ui.db()
    return mv.level_table(db.area_opportunity(idx, "town"), ui.towns(), db.tract_opportunity(idx))


@st.cache_data(show_spinner=False, max_entries=128)
def _indicator(ind: str):
    db = ui.db()
    t = mv.indicator_table(ind, db.ranked(ind, "town"), ui.towns())
    sv = db.values([ind], "state", ["09"])
    return t, (float(sv["estimate"].iloc[0]) if len(sv) and sv["estimate"].notna().iloc[0] else None)


@st.cache_data(show_spinner=False, max_entries=8)
def _tract_legend(idx: str) -> dict:
    o = ui.db().tract_opportunity(idx).set_index("tract_id")["level"]
    ids = _shapes("tract")["tract_id"]
    return mv.level_legend(ids.map(o), unit="tracts", no_data_label="No score (no residents)")


@st.cache_data(show_spinner=False, max_entries=128)
def _spec(ind: str, idx: str, tracts: bool, size: str) -> str:
    """The whole deck.gl spec as one compact JSON string (the GeoJSON is built here, once)."""
    if ind == LEVEL:
        props = mv.level_properties(_levels(idx))
    else:
        props = mv.indicator_properties(_indicator(ind)[0], ind)
    _, w, h = SIZES[size]
    view = mv.fit_view(_bounds(), w, h or mv.fit_height(_bounds(), w))
    if tracts and ind == LEVEL:
        db = ui.db()
        tract_fc = mv.feature_collection(_shapes("tract"), "tract_id",
                                         mv.tract_properties(db.tract_opportunity(idx), db.tracts()))
        return mv.deck_json(view, mv.feature_collection(_shapes("town"), "town_id", props), tract_fc=tract_fc)
    return mv.towns_map_json(view, _shapes("town_fill"), _shapes("state"), props)


@st.cache_data(show_spinner=False, max_entries=128)
def _csv(ind: str, idx: str) -> str:
    if ind == LEVEL:
        label = _indices().loc[idx, "label"]
        return mv.level_csv(_levels(idx), idx, f"{label} ({_indices().loc[idx, 'vintage']})")
    i = INDICATORS[ind]
    return mv.indicator_csv(_indicator(ind)[0], ind, f"{SOURCES[i.source].publisher}: {SOURCES[i.source].dataset}")


# -- the link ------------------------------------------------------------------------

names = ui.town_names()
ind, note_ind = links.parse_choice(ui.qp("ind"), CHOICES, LEVEL, "map figure")
idx, note_idx = links.parse_choice(ui.qp("idx"), INDEX_NAMES, DEFAULT_INDEX, "opportunity index")
tr, note_tr = links.parse_choice(ui.qp("tracts"), ("0", "1"), "0", "tract-layer setting")
tracts = tr == "1"
ui.check_vintage()
ui.show_notices([mv.md_text(n) for n in (note_ind, note_idx, note_tr) if n])

indices = _indices()
title_slot = st.empty()
with ui.controls():
    c1, c2, c3 = st.columns([3, 2, 1.4], vertical_alignment="bottom")
    ind = c1.selectbox("Colour the towns by", CHOICES, index=CHOICES.index(ind),
                       format_func=lambda k: "Opportunity level" if k == LEVEL else LABELS[k],
                       help="Opportunity level, or any of the town figures. Type to search.")
    if ind == LEVEL:
        idx = c2.selectbox("Opportunity index", list(INDEX_NAMES), index=list(INDEX_NAMES).index(idx),
                           format_func=lambda k: indices.loc[k, "label"],
                           help="Which index's levels to show. About the data explains how they differ.")
        tracts = c3.toggle("Show census tracts", value=tracts,
                           help="Colour each census tract by its level, with town borders on top.")
ui.share_url({"ind": ind, "idx": idx, "tracts": "1" if tracts and ind == LEVEL else None})
tracts = tracts and ind == LEVEL

size = "present" if ui.presenting() else ("phone" if mv.is_mobile(st.context.headers.get("User-Agent")) else "desk")
height = SIZES[size][0] or mv.fit_height(_bounds(), SIZES[size][1])
if size == "present":
    st.markdown(PRESENT_FIX, unsafe_allow_html=True)
index_label = indices.loc[idx, "label"]

# -- what the map shows ----------------------------------------------------------------

if ind == LEVEL:
    table = _levels(idx)
    title = "Opportunity level by town"
    finding = mv.level_finding(table)
    if tracts:
        legend = _tract_legend(idx)
        legend_title = "Census tracts by opportunity level"
        notes = ["Levels are statewide fifths of census tracts. Dark lines are town borders.",
                 "Scroll or pinch to zoom. Click or tap a tract, or choose a town below, to open the town's profile."]
        unit = "tracts"
    else:
        legend = mv.level_legend(table["level"])
        legend_title = "Opportunity level"
        notes = ["A town's colour is the level whose range of tract scores holds its population-weighted score. "
                 "Hover for the share of its residents in each level.",
                 "Click or tap a town, or choose one below, to open its profile."]
        unit = "towns"
    source = ui.source_line([f"{idx}_index", "population"],
                            f"Levels are statewide fifths of census tracts ({indices.loc[idx, 'tract_vintage']}); "
                            "town scores weight each tract by its population")
    alt = (f"Map of Connecticut's 169 towns coloured by opportunity level on the {index_label}"
           f"{', with census tracts' if tracts else ''}. {finding}")
else:
    meta = INDICATORS[ind]
    table, state_value = _indicator(ind)
    title = f"{meta.label}, by town"
    finding = mv.indicator_finding(table, ind, state_value)
    legend = mv.indicator_legend(table, ind)
    legend_title = meta.short_label
    notes = [legend["note"], "Click or tap a town, or choose one below, to open its profile."]
    unit = "towns"
    source = ui.source_line([ind])
    alt = f"Map of Connecticut's 169 towns coloured by {meta.label.lower()}. {finding}"

title_slot.title(title, anchor=False)
map_col, legend_col = st.columns([2.4, 1] if size == "present" else [3, 1], gap="medium")
with map_col:
    deck = deck_json.FrozenDeck(_spec(ind, idx, tracts, size), mv.tooltip())
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map", height=height,
                            alt=alt)
with legend_col:
    subtitle = f"{index_label}, {indices.loc[idx, 'vintage']}" if ind == LEVEL else f"{meta.vintage} · {meta.universe}"
    legend_md = FINDING_CSS + "\n" + mv.legend_html(legend_title, legend, unit, notes, subtitle)
    st.markdown(legend_md, unsafe_allow_html=True)  # every text in it is escaped by legend_html
    # The same action without a pointer: keyboard and screen-reader users, and browsers whose
    # WebGL is too slow to register a click (software rendering).
    picked = st.selectbox("Town profile", names, index=None, placeholder="Type a town name",
                          key="open_town")

clicked = mv.town_from_selection((event or {}).get("selection"), names) or picked
if clicked:
    st.switch_page("pages/town.py", query_params={"town": clicked, "idx": idx})

with st.container(key="finding"):
    st.markdown(f"## {mv.md_text(finding)}")
ui.caption(source)

if ind != LEVEL:
    with st.expander("About this figure"):
        md = mv.md_text
        st.markdown(f"**{md(meta.label)}** ({md(meta.vintage)}). {md(meta.definition)}\n\n"
                    f"Universe (whom or what it counts): {md(meta.universe)}."
                    + (f"\n\n{md(meta.notes)}" if meta.notes else ""))

st.subheader("The numbers", anchor=False)
# Numbers stay numbers (so columns sort by value) and the grid formats them; a pandas Styler costs
# 15-90 ms a rerun, so it is used only where a value must read "$250,000+" or a missing one "—".
NUM = st.column_config.NumberColumn
if ind == LEVEL:
    show = mv.level_display(table)
    pct = [c for c in show.columns if c.startswith("% ")]
    show[pct] = show[pct] * 100
    config = {c: NUM(c, format="%.0f%%") for c in pct}
    config["Weighted score"] = NUM("Weighted score", format="%+.2f")
    st.caption("Share of each town's residents living in census tracts of each level, its population-weighted "
               "score (0 = the average Connecticut tract) and its rank among the 169 towns. Click a column to sort.")
    data = show
else:
    show = mv.indicator_display(table, ind)
    col = meta.short_label
    if mv.needs_styler(ind, table):
        data, config = show.style.format({col: lambda x, i=ind: fmt_value(i, x)}, na_rep="—"), {}
    else:
        f, scale = mv.number_format(ind)
        data, config = show.assign(**{col: show[col] * scale}), {col: NUM(col, format=f)}
    st.caption("Rank 1 is the highest value" + (" (top-coded values tie)" if meta.top_coded else "") + ". "
               + ("± is the 90% margin of error; ⚠ marks an estimate whose coefficient of variation is above 30%. "
                  if meta.has_moe else "") + "Click a column to sort.")
st.dataframe(data, hide_index=True, width="stretch", height=420, column_config=config)
st.download_button("Download these numbers (CSV)", data=_csv(ind, idx),
                   file_name=f"ct_towns_{'opportunity_' + idx if ind == LEVEL else ind}.csv", mime="text/csv",
                   on_click="ignore")
