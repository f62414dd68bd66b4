"""A deck.gl map as compact JSON, in the one form every page hands to ``st.pydeck_chart``.

pydeck's ``Deck.to_json`` pretty-prints with sorted keys through a Python ``default`` hook:
for a few hundred polygons it takes about 0.2 s and writes about 4 MB, on every rerun.
``FrozenDeck`` holds JSON built once (by ``freeze`` from a pydeck Deck, or directly, as
``map_view.deck_json`` writes it) and is all that ``st.pydeck_chart`` reads: ``to_json`` and the
tooltip. It pickles, so ``st.cache_data`` can hold it. No Streamlit here.
"""

from __future__ import annotations

import json


class FrozenDeck:
    """The parts of a ``pydeck.Deck`` that ``st.pydeck_chart`` reads, with the JSON precomputed."""

    layers = None  # nothing for Streamlit's pandas-3 workaround to convert
    deck_widget = None
    mapbox_key = None
    width = None

    def __init__(self, spec: str, tooltip: dict | None):
        self._spec = spec
        self._tooltip = tooltip

    def to_json(self) -> str:
        return self._spec

    def __reduce__(self):  # picklable, so st.cache_data can hold it
        return (FrozenDeck, (self._spec, self._tooltip))


def freeze(deck) -> FrozenDeck:
    """Serialize a pydeck Deck once, compactly (same content as ``deck.to_json()``)."""
    for layer in deck.layers or []:  # pandas 3 frames lack __dict__: give pydeck plain records
        data = getattr(layer, "data", None)
        if hasattr(data, "to_dict") and not isinstance(data, dict):
            layer.data = data.to_dict(orient="records")
    spec = json.dumps(json.loads(deck.to_json()), separators=(",", ":"))
    tip = getattr(deck, "_tooltip", None)
    return FrozenDeck(spec, tip if isinstance(tip, dict) else None)
