"""Connecticut Opportunity Dashboard: the entry point. Declares the pages; each page is thin."""

import streamlit as st

from oca_dash import ui

st.set_page_config(
    page_title=ui.APP_TITLE,
    page_icon="🏘️",
    layout="wide",
    initial_sidebar_state="collapsed" if ui.presenting() else "auto",
)
ui.page_setup()
ui.db()  # a missing or broken database stops here with a clear page

PAGES = [
    st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="home", default=True),  # served at /
    st.Page("pages/town.py", title="Town profile", icon=":material/home:", url_path="town"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("pages/find.py", title="Find towns", icon=":material/search:", url_path="find"),
    st.Page("pages/brief.py", title="Brief", icon=":material/description:", url_path="brief"),
    st.Page("pages/opportunity.py", title="Opportunity and race", icon=":material/bar_chart:", url_path="opportunity"),
    st.Page("pages/districts.py", title="Districts", icon=":material/account_balance:", url_path="districts"),
    st.Page("pages/about.py", title="About the data", icon=":material/menu_book:", url_path="about"),
]
# The map is the landing page at "/"; /map is the same page, so links to it also work.
PAGES.append(st.Page("pages/map.py", title="Map", url_path="map", visibility="hidden"))
pg = st.navigation(PAGES, position="top")
pg.run()
