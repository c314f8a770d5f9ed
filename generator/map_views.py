"""Plain data for the map pages: the world map of the practices (whole, or of one term of a taxonomy
declared a map filter) and the small locator maps of case-study and country pages. The geometry comes from
geo.py's `Cartographer`, one per build; names and links are added here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.formats import LocalFormats
from generator.geo import LEVELS, Cartographer, Marker
from generator.model import CaseStudy, CynefinDomain, EventReport
from generator.site import Site, record_url

View = dict[str, Any]  # as in views.py: plain data for templates

__all__ = ["map_filters", "map_view", "locator_view"]


def map_filters(site: Site) -> View:
    """The map's filters: every term with practices of each taxonomy declared a map filter, each drawn as
    its own page (``map/topics/mobility/``), grouped by taxonomy in declaration order."""
    return {
        "all": {"url": "map/", "count": len(site.case_studies) + len(site.events)},
        "groups": [
            {
                "kind": t.key,
                "heading": t.map_heading or t.heading,
                "kind_label": t.map_kind_label or t.heading,
                "style": t.term_style,
                "filters": [
                    {"key": term.key, "label": term.label, "url": f"map/{t.key}/{term.key}/", "count": term.count}
                    for term in site.taxonomies[t.key]
                    if term.count
                ],
            }
            for t in site.declarations
            if t.map_filter
        ],
    }


def map_view(
    site: Site,
    maps: Cartographer,
    lang: str,
    *,
    only: tuple[str, str] | None = None,
    formats: LocalFormats | None = None,
) -> View:
    """The world map of the practices (of one term when ``only`` names it: ``("topics", "mobility")``):
    shapes, markers, legend and table. ``formats``: the LocalFormats of ``lang`` to use (and add to)."""

    studies: list[CaseStudy] = list(site.case_studies.values())
    events: list[EventReport] = list(site.events.values())
    if only is not None:  # the term's practices, in the site's order (by slug), as its tables have them
        taxonomy, key = only
        term = next((t for t in site.taxonomies[taxonomy] if t.key == key), None)
        studies = [site.case_studies[s] for s in sorted(term.case_studies)] if term else []
        events = [site.events[s] for s in sorted(term.events)] if term else []
    per_country: dict[str, list[int]] = {}
    for study in studies:
        per_country.setdefault(study.country, [0, 0])[0] += 1
    for event in events:
        per_country.setdefault(event.country, [0, 0])[1] += 1
    located = sorted((r for r in studies if r.coordinates), key=lambda r: r.slug)
    geometry = maps.world_map(
        {cc: sum(n) for cc, n in per_country.items()},
        [Marker(r.slug, *r.coordinates) for r in located if r.coordinates],
    )
    formats = formats or LocalFormats(lang)

    def country(code: str) -> View:
        return {"code": code, "name": formats.country(code), "url": f"countries/{code.lower()}/"}

    drawn = set(geometry.pop("drawn"))
    for shape in geometry["countries"]:
        shape.update(country(shape["code"]))
    for marker, record in zip(geometry["markers"], located):
        marker.update(
            {
                "title": record.title,
                "lang": record.lang,
                "url": record_url(record),
                "cynefin": record.cynefin.value,
                "city": site.city_of[record.slug].name,
                "country": formats.country(record.country),
            }
        )
    rows = [
        {**country(cc), "case_studies": n[0], "events": n[1], "count": n[0] + n[1], "drawn": cc in drawn}
        for cc, n in per_country.items()
    ]
    rows.sort(key=lambda row: (row["name"].casefold(), row["code"]))
    return {
        "svg": geometry,
        "countries": rows,
        "markers": sorted(geometry["markers"], key=lambda m: (m["title"].casefold(), m["url"])),
        "legend": [{"level": i, "low": low, "high": high} for i, (low, high) in enumerate(LEVELS, start=1)],
        "domains": [d.value for d in CynefinDomain if any(m["cynefin"] == d.value for m in geometry["markers"])],
        "counts": {
            "case_studies": len(studies),
            "events": len(events),
            "countries": len(rows),
            "markers": len(located),
        },
        "attribution": maps.atlas.attribution,
    }


def locator_view(
    maps: Cartographer, code: str, points: Sequence[tuple[float, float]] = (), *, whole_country: bool = False
) -> View | None:
    """A small regional map: the country highlighted and a dot at each (latitude, longitude)."""
    view = maps.locator_map(code, list(points), whole_country=whole_country)
    if view is None:
        return None
    x, y, width, height = view["view_box"].split()
    view["box"] = {"x": x, "y": y, "width": width, "height": height}
    return view
