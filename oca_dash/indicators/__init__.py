"""The one registry of indicators and sources.

Each small module here (named for its domain) lists ``SOURCES`` and ``INDICATORS``.
Everything that lists indicators (the build, profiles, filters, talking points, the
methods page) reads them from here, so adding an indicator is one entry plus its
build step.
"""

from __future__ import annotations

import importlib

from .types import DOMAINS, GEO_TYPES, UNITS, Indicator, Source

_MODULES = (
    "acs",
    "acs_by_race",
    "housing_market",
    "affordable_housing",
    "schools",
    "health",
    "safety_jobs",
    "environment",
    "opportunity",
)


def _collect():
    sources: dict[str, Source] = {}
    indicators: dict[str, Indicator] = {}
    for name in _MODULES:
        try:
            mod = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{name}":
                continue  # a domain not yet written
            raise
        for s in getattr(mod, "SOURCES", ()):
            if s.id in sources and sources[s.id] != s:
                raise ValueError(f"source {s.id} defined twice differently")
            sources[s.id] = s
        for ind in getattr(mod, "INDICATORS", ()):
            if ind.id in indicators:
                raise ValueError(f"indicator {ind.id} defined twice")
            indicators[ind.id] = ind
    for ind in indicators.values():
        if ind.source not in sources:
            raise ValueError(f"indicator {ind.id} names unknown source {ind.source}")
    return sources, indicators


SOURCES, INDICATORS = _collect()


def sources_of(indicator_ids) -> list[tuple[Source, str]]:
    """The distinct (source, vintage) pairs behind some indicators, in the order first met."""
    seen, out = set(), []
    for i in indicator_ids:
        ind = INDICATORS[i]
        if (ind.source, ind.vintage) not in seen:
            seen.add((ind.source, ind.vintage))
            out.append((SOURCES[ind.source], ind.vintage))
    return out


def get(indicator_id: str) -> Indicator:
    """The registry entry for an id; KeyError for an unknown one."""
    return INDICATORS[indicator_id]


def by_domain(domain: str) -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.domain == domain]


__all__ = ["DOMAINS", "GEO_TYPES", "UNITS", "Indicator", "Source", "SOURCES", "INDICATORS", "get", "by_domain"]
