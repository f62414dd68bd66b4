"""Find towns: filter the 169 towns by opportunity, who lives there, affordable housing, region,
size and any other figure; the result as a sentence, a sortable table, a CSV and a map."""

import streamlit as st

from oca_dash import brief_view, deck_json, find, ui
from oca_dash import map_view as mv
from oca_dash.find import Filter
from oca_dash.indicators import INDICATORS
from oca_dash.levels import INDEX_NAMES, LEVELS

db = ui.db()
AHAL_TOP = 50.0  # the 8-30g slider's top; no town is near it, so the top means "no maximum"
IND_CHOICES = find.filter_indicators()


@st.cache_data(show_spinner=False)
def _indices():
    return ui.db().opportunity_indices().set_index("index_name")


@st.cache_data(show_spinner=False)
def _regions() -> dict:
    r = ui.db().regions()
    return dict(zip(r["region_id"], r["region"]))


@st.cache_data(show_spinner=False, max_entries=8)
def _frame(idx: str):
    return find.load_towns(ui.db(), idx)


@st.cache_data(show_spinner=False, max_entries=2)
def _shapes(layer: str):
    return ui.db().shapes(layer)


@st.cache_data(show_spinner=False, max_entries=64)
def _map(idx: str, matched: tuple, phone: bool) -> str:
    w, h = (340, 380) if phone else (1000, 440)
    return find.map_spec(_shapes("town_fill"), _shapes("state"), _frame(idx), matched, w, h)


regions = _regions()
indices = _indices()

# -- read the link ---------------------------------------------------------------------
params = {k: st.query_params.get_all(k) for k in st.query_params}
f, notes = find.parse(params, regions)
ui.check_vintage()
ui.show_notices([ui.esc(n) for n in notes])


def _seed(key: str, url_value):
    """Keep a keyed widget in step with the URL: the link wins unless it still holds what this
    page wrote last (then the widget's own state, the user's latest choice, stands)."""
    if key not in st.session_state or st.session_state.get(f"_seen_{key}") != url_value:
        st.session_state[key] = url_value


def _slider_value(lo, hi, top=100.0):
    return (0.0 if lo is None else float(lo), top if hi is None else float(min(hi, top)))


def _from_slider(v, top=100.0):
    lo, hi = v
    return (None if lo <= 0 else lo, None if hi >= top else hi)


seen = {}


def widget(fn, key, url_value, *args, **kw):
    _seed(key, url_value)
    v = fn(*args, key=key, **kw)
    seen[key] = v
    return v


st.title("Find towns")
result_box = st.container(key="find_result")  # the finding goes above the filters, so a shared link reads first
# The result line is an h2, right after the h1 (axe heading-order), drawn at an h3's size.
st.html("<style>.st-key-find_result h2 { font-size: 1.75rem !important; padding: .75rem 0 1rem 0; }</style>")
with ui.controls():
    st.caption("Every filter is optional; the towns must pass all that are set. Shares are percents of residents.")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown("**Opportunity**")
        idx = widget(st.selectbox, "f_idx", f.idx, "Opportunity index", list(INDEX_NAMES),
                     format_func=lambda k: indices.loc[k, "label"])
        levels = widget(st.multiselect, "f_levels", list(f.levels), "Town's opportunity level", list(LEVELS),
                        placeholder="Any level",
                        help="The level whose range of tract scores contains the town's population-weighted score")
        high_min = widget(st.slider, "f_high", float(f.high_min or 0.0),
                          "At least this % of residents in High or Very High tracts", 0.0, 100.0, step=5.0,
                          format="%g%%")
    with c2:
        st.markdown("**Who lives there**")
        ranges = {}
        lo, hi = f.group_range("poc")
        ranges["poc"] = _from_slider(widget(st.slider, "f_poc", _slider_value(lo, hi), "People of colour, %",
                                            0.0, 100.0, step=1.0, format="%g%%"))
        with st.expander("By group: Black, Latino, Asian, White"):
            for g in ("black", "latino", "asian", "white"):
                lo, hi = f.group_range(g)
                label = {"black": "Black", "latino": "Latino", "asian": "Asian", "white": "White (non-Hispanic)"}[g]
                ranges[g] = _from_slider(widget(st.slider, f"f_{g}", _slider_value(lo, hi), f"{label}, %",
                                                0.0, 100.0, step=1.0, format="%g%%"))
    with c3:
        st.markdown("**Housing and place**")
        top = AHAL_TOP if (f.ahal_max or 0) <= AHAL_TOP and (f.ahal_min or 0) <= AHAL_TOP else 100.0
        ahal = _from_slider(widget(st.slider, "f_ahal", _slider_value(f.ahal_min, f.ahal_max, top),
                                   "Affordable homes under 8-30g, %", 0.0, top, step=0.5, format="%g%%",
                                   help="Share of homes counted on the Affordable Housing Appeals List; "
                                        "10% exempts a town from the 8-30g appeals procedure"), top)
        region_ids = list(regions)
        regs = widget(st.multiselect, "f_region", list(f.regions), "Planning region", region_ids,
                      format_func=lambda r: regions[r].replace(" Planning Region", ""), placeholder="Any region")
        p1, p2 = st.columns(2)
        pop_min = widget(p1.number_input, "f_pop_min", f.pop_min, "Population from", value=None, min_value=0.0,
                         max_value=float(find.POP_MAX), step=1000.0, format="%.0f", placeholder="any")
        pop_max = widget(p2.number_input, "f_pop_max", f.pop_max, "to", value=None, min_value=0.0,
                         max_value=float(find.POP_MAX), step=1000.0, format="%.0f", placeholder="any")
    d1, d2, d3 = st.columns([2, 1, 1])
    ind = widget(d1.selectbox, "f_ind", f.ind, "Any other figure", IND_CHOICES, index=None,
                 format_func=lambda k: INDICATORS[k].label, placeholder="Choose a figure to filter on",
                 help="Type to search every figure; set a minimum, a maximum or both")
    unit = "%" if ind and INDICATORS[ind].unit == "share" else ""
    ind_min = widget(d2.number_input, "f_ind_min", f.ind_min if f.ind == ind else None,
                     f"at least{' (' + unit + ')' if unit else ''}", value=None, placeholder="no minimum", format="%g",
                     disabled=ind is None)
    ind_max = widget(d3.number_input, "f_ind_max", f.ind_max if f.ind == ind else None,
                     f"at most{' (' + unit + ')' if unit else ''}", value=None, placeholder="no maximum", format="%g",
                     disabled=ind is None)
    if st.button("Clear all filters"):
        for k in list(st.session_state):
            if str(k).startswith(("f_", "_seen_f_")):
                del st.session_state[k]
        st.query_params.from_dict({"present": "1"} if ui.presenting() else {})
        st.rerun()

ranges = tuple((g, lo, hi) for g, (lo, hi) in ranges.items() if lo is not None or hi is not None)
bad = []
for what, (lo, hi) in (("population", (pop_min, pop_max)), ("the other figure", (ind_min, ind_max))):
    if lo is not None and hi is not None and lo > hi:
        bad.append(f"The minimum {what} is above the maximum; that range is ignored.")
if pop_min is not None and pop_max is not None and pop_min > pop_max:
    pop_min = pop_max = None
if ind_min is not None and ind_max is not None and ind_min > ind_max:
    ind_min = ind_max = None
f = Filter(idx=idx, levels=tuple(lv for lv in LEVELS if lv in levels), high_min=high_min or None,
           ranges=ranges, ahal_min=ahal[0], ahal_max=ahal[1], regions=tuple(sorted(regs)),
           pop_min=pop_min, pop_max=pop_max, ind=ind,
           ind_min=ind_min if ind else None, ind_max=ind_max if ind else None)
for k, v in seen.items():
    st.session_state[f"_seen_{k}"] = v
ui.share_url(find.to_params(f))
ui.show_notices(bad)

# -- the result -------------------------------------------------------------------------
frame = _frame(f.idx)
res = find.apply(f, frame)
label, vintage = indices.loc[f.idx, "label"], indices.loc[f.idx, "vintage"]
words = find.describe(f, regions, label)
line = find.summary(res, frame)

with result_box:
    st.header(line, anchor=False)
    st.markdown("**Filters:** " + (ui.esc("; ".join(words)) if words else "none (all 169 towns)"))
    ui.show_notices([find.unknown_note(res)])

table = find.result_table(res, f)
srcs = ["population", "share_poc", "ahal_pct_affordable"] + ([f.ind] if f.ind else [])
source = ui.source_line(srcs, f"Opportunity levels: {label}, {vintage}")

if len(table):
    phone = mv.is_mobile(st.context.headers.get("User-Agent"))
    mtitle = find.map_title(res, frame)
    st.markdown(f"**{ui.esc(mtitle)}**")
    st.pydeck_chart(deck_json.FrozenDeck(_map(f.idx, tuple(sorted(res.towns["town_id"])), phone), mv.tooltip()),
                    height=380 if phone else 440,
                    alt=f"Map of Connecticut's 169 towns with the matching towns in blue. {mtitle}. "
                        f"The matching towns: {', '.join(res.towns['town'])}.")
    st.dataframe(table.style.format(find.table_formats(table, f)), hide_index=True, width="stretch",
                 height="content" if len(table) <= 15 else 560,
                 alt=f"Table of the {len(table)} matching towns: {', '.join(table.columns)}.")
    st.caption("The same towns as a table: click a column's name to sort. A town's opportunity level is the level "
               "whose range of tract scores contains its population-weighted score.")
    ui.caption(source)
    header = [f"{ui.APP_TITLE}: towns found by a filter (data vintage {db.vintage})",
              "Filters: " + ("; ".join(words) if words else "none (all 169 towns)"), line,
              source, "Percent columns are percents (0-100) of residents or of homes."]
    st.download_button("Download these towns (CSV)", data=find.csv_text(table, f, header),
                       file_name="towns.csv", mime="text/csv", on_click="ignore")
    brief_spec = brief_view.set_spec(res.towns["town"], "; ".join(words) or "no filter (all 169 towns)")
    row = st.container(border=True, horizontal=True, vertical_alignment="center", gap="medium")
    row.page_link("pages/brief.py", label=f"Talking points for {brief_view.subject_label(brief_spec)}", icon=":material/description:",
                  query_params=brief_view.link_params(brief_spec, f.idx))
    ui.word_brief_button(row, brief_spec, f.idx, on_request=True)
else:
    st.info("Loosen a filter to see towns: each one set above must hold.", icon=":material/info:")
