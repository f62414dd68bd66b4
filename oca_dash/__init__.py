"""Connecticut opportunity dashboard: the library.

Data flows one way: raw public files -> ``oca_dash.build`` -> ``data/oca.duckdb``
-> ``oca_dash.query`` (read-only) -> pure shaping functions -> thin Streamlit pages.
"""

__version__ = "0.1.0"
