"""Brief: talking points for one town, 2 to 6 towns, a legislative district or a set of towns from
Find; previewed by topic with their figures and numbered notes, downloadable as Word, PDF, Markdown
and CSV."""

import datetime as dt
from urllib.parse import urlsplit

import streamlit as st

from oca_dash import brief_view as BV
from oca_dash import charts, ui
from oca_dash.compare import fit_spec
from oca_dash.map_view import is_mobile
from oca_dash import district_view as D
from oca_dash.brief_export import FORMATS, METHOD_NOTE
from oca_dash.levels import INDEX_NAMES
from oca_dash.talking_points import TOPICS, UnknownPlace

db = ui.db()
names = ui.town_names()


@st.cache_data(show_spinner=False, max_entries=4)
def _districts():
    return ui.db().districts()


@st.cache_data(show_spinner=False, max_entries=4)
def _indices():
    return ui.db().opportunity_indices().set_index("index_name")


@st.cache_data(show_spinner=False, max_entries=200)
def _senate_district_of(town: str) -> str:
    """The State Senate district holding most of a town's residents ('' if none)."""
    d = ui.db().town_districts(ui.db().town(town)["town_id"])
    d = d[d["chamber"] == "senate"].sort_values("pop_share_of_town", ascending=False)
    return str(d["district_id"].iloc[0]) if len(d) else ""


@st.cache_data(show_spinner=False, max_entries=200)
def _brief(kind, towns, district, desc, topics, idx, day):
    spec = BV.Spec(kind, towns, district, desc)
    return BV.build(ui.db(), spec, list(topics), idx, dt.date.fromisoformat(day))


@st.cache_data(show_spinner=False, max_entries=200)
def _view(kind, towns, district, desc, topics, idx, day, phone: bool) -> dict:
    """Everything the page draws for one choice, shaped once."""
    brief = _brief(kind, towns, district, desc, topics, idx, day)
    pv = BV.preview(brief)
    out = {"brief": brief, "pv": pv}
    if len(pv.chart):
        out["chart"] = fit_spec(charts.level_bars(pv.chart, pv.chart_title,
                                                  f"{brief.index_name_full}. Levels are statewide fifths of "
                                                  "census tracts.").to_dict(), phone)
    return out


@st.cache_data(show_spinner=False, max_entries=200)
def _export(kind, towns, district, desc, topics, idx, day, fmt) -> bytes:
    from oca_dash.brief_export import export

    return export(_brief(kind, towns, district, desc, topics, idx, day), fmt)[0]


def _seed(key: str, url_value):
    """Keep a keyed widget in step with the URL: the link wins unless it still holds what this
    page wrote last (then the widget's own state, the user's latest choice, stands)."""
    if key not in st.session_state or st.session_state.get(f"_seen_{key}") != url_value:
        st.session_state[key] = url_value


dists = _districts()
by_id = dists.set_index("district_id")
indices = _indices()

# -- read the link ---------------------------------------------------------------------
p = BV.parse({k: st.query_params.get_all(k) for k in st.query_params}, names, dists["district_id"])
ui.check_vintage()
ui.show_notices([ui.esc(n) for n in p.notices])
url = p.spec
if url.kind == "set":
    st.session_state["b_set"] = (url.towns, url.desc)  # kept, so the user can come back to it
found = st.session_state.get("b_set")

title_slot = st.empty()  # the brief's title heads the page, above the controls
with ui.controls():
    kinds = [k for k in BV.KINDS if k != "set" or found]
    _seed("b_kind", url.kind)
    kind = st.segmented_control("Talking points for", kinds, format_func=BV.KINDS.get, key="b_kind",
                                required=True)
    c1, c2 = st.columns([3, 2])
    here = url.towns[0] if url.towns else BV.DEFAULT_TOWN  # carried over when the kind changes
    with c1:
        if kind == "town":
            if url.kind == "town":
                _seed("b_town", url.towns[0])
            st.session_state.setdefault("b_town", here)
            spec = BV.Spec("town", (st.selectbox("Town", names, key="b_town",
                                                 help="Type to search the 169 towns"),))
        elif kind == "towns":
            if url.kind == "towns":
                _seed("b_towns", list(url.towns))
            pair = [here] + [t for t in BV.DEFAULT_PAIR if t != here][: 1]
            st.session_state.setdefault("b_towns", list(url.towns[: BV.MAX_TOWNS]) if url.kind == "set" else pair)
            spec = BV.Spec("towns", tuple(st.multiselect(
                "Towns (2 to 6)", names, key="b_towns", max_selections=BV.MAX_TOWNS,
                placeholder="Type a town's name", help="Type to search the 169 towns")))
        elif kind == "district":
            if url.kind == "district":
                _seed("b_district", url.district)
            st.session_state.setdefault("b_district", _senate_district_of(here) or D.DEFAULT_DISTRICT)
            spec = BV.Spec("district", district=st.selectbox(
                "District (2021 plan)", list(dists["district_id"]), key="b_district",
                format_func=lambda k: D.label(by_id.loc[k]), help="Type a number or a member's name to search"))
        else:
            spec = BV.Spec("set", found[0], desc=found[1])
            st.markdown(f"**The {len(spec.towns)} towns found on the Find towns page.** To change them, change "
                        "the filters there and follow its link to a brief again.")
    with c2:
        _seed("b_idx", p.idx)
        idx = st.selectbox("Opportunity index", list(INDEX_NAMES), key="b_idx",
                           format_func=lambda k: indices.loc[k, "label"])
    _seed("b_topics", p.topics)
    topics = st.pills("Topics", list(TOPICS), selection_mode="multi", format_func=TOPICS.get, key="b_topics",
                      help="Leave out what you do not need; the downloads hold the topics chosen here")
for k, v in (("b_kind", kind), ("b_idx", idx), ("b_topics", topics)):
    st.session_state[f"_seen_{k}"] = v
if kind == "town":
    st.session_state["_seen_b_town"] = spec.towns[0]
elif kind == "towns":
    st.session_state["_seen_b_towns"] = list(spec.towns)
elif kind == "district":
    st.session_state["_seen_b_district"] = spec.district
ui.share_url(BV.to_params(spec, topics, idx))

if not spec.ready or not topics:
    title_slot.title("Talking points")
    st.info("Choose at least two towns to compare." if not spec.ready else "Choose at least one topic.",
            icon=":material/info:")
    st.stop()

day = dt.date.today().isoformat()
key = (spec.kind, spec.towns, spec.district, spec.desc, tuple(topics), idx, day)
try:
    view = _view(*key, is_mobile(st.context.headers.get("User-Agent")))
except UnknownPlace as e:  # not expected for a checked choice; said plainly rather than as a traceback
    st.info(ui.esc(str(e)), icon=":material/info:")
    st.stop()
brief, pv = view["brief"], view["pv"]

with title_slot.container():
    st.title(ui.esc(brief.title))
    st.markdown(f"Generated **{pv.generated}** · data vintage **{ui.esc(db.vintage)}** · opportunity figures "
                f"on the {ui.esc(brief.index_name_full)}")
    lines = list(brief.context)
    if spec.kind == "set" and len(spec.towns) > 12:  # a long list of towns goes in an expander
        lines = lines[:-1]
    for line in lines:
        st.markdown(ui.esc(line))
    if len(lines) < len(brief.context):
        with st.expander(f"The {len(spec.towns)} towns"):
            st.markdown(ui.esc(", ".join(spec.towns) + "."))

# -- downloads ------------------------------------------------------------------------------
st.markdown(f"**Download the brief** ({len(brief.points)} talking points, each with its source in a footnote)")
for c, fmt in zip(st.columns(4), FORMATS):
    label, what = BV.FORMAT_LABELS[fmt]
    c.download_button(label, data=_export(*key, fmt), file_name=BV.file_name(spec, db.vintage, fmt),
                      mime=FORMATS[fmt], on_click="ignore", icon=":material/download:",
                      type="primary" if fmt == "docx" else "secondary", help=what.capitalize() + ".",
                      width="stretch", key=f"dl_{fmt}")
ui.caption(pv.vintages)

# -- the points --------------------------------------------------------------------------------
for title, lines, figs in pv.sections:
    st.header(title, anchor=False)
    st.markdown("\n".join(f"{n}. {ui.esc(s)}{BV.superscript(note)}" for n, s, note in lines))
    if title == TOPICS["opportunity"] and "chart" in view:
        st.vega_lite_chart(spec=view["chart"], width="stretch",
                           alt=f"Stacked bars. {pv.chart_title}. Share of residents in each of five opportunity "
                               f"levels, for {', '.join(pv.chart_table.index)}.")
        ui.caption(f"Source: {brief.index_name_full}; tract populations ACS 2019-2023. The same chart is on the "
                   "PDF.")
        with st.expander("The numbers in this chart"):
            st.dataframe(pv.chart_table)
    with st.expander("The figures behind these points"):
        st.dataframe(figs, hide_index=True, width="stretch")

# -- notes and sources ------------------------------------------------------------------------
st.header("Notes", anchor=False)
st.markdown("\n".join(f"{i}. {ui.esc(n)}" for i, n in enumerate(pv.notes, 1)))
st.markdown("**Sources**\n\n" + "\n".join(
    f"- **{ui.esc(pub)}.** {ui.esc(ds)} ({ui.esc(vin)}).{f' [{ui.esc(urlsplit(u).netloc)}]({u})' if u else ''}"
    for pub, ds, vin, u in pv.sources))
ui.caption(METHOD_NOTE)
