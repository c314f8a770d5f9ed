"""Plain data for the learning network: network/'s drawing and text, and each city page's peers (the practices
it learned or shared, the events it met other cities at). The graph and its geometry come from network.py."""

from __future__ import annotations

from typing import Any

from generator.formats import LocalFormats
from generator.model import CaseStudy, EventReport
from generator.network import LEARNED, MAX_DRAWN, MET, LearningGraph, connected, drawing
from generator.site import Site, record_url

View = dict[str, Any]  # as in views.py: plain data for templates

__all__ = ["network_view", "city_network_view"]


def _node(graph: LearningGraph, key: str, formats: LocalFormats) -> View:
    """A city of the network: its page (None for a participant outside the library) and country name."""
    data = graph.nodes[key]
    return {
        "name": data["name"],
        "url": data["url"],
        "country": formats.country(data["country"]) if data["country"] else None,
    }


def _linked(record: CaseStudy | EventReport, formats: LocalFormats) -> View:
    view = {"title": record.title, "url": record_url(record), "lang": record.lang}
    if isinstance(record, EventReport):
        view.update({"date": record.date.isoformat(), "date_label": formats.date(record.date)})
    return view


def _learned_item(
    site: Site, graph: LearningGraph, u: str, v: str, data: dict[str, Any], formats: LocalFormats
) -> View:
    return {
        "number": data["number"],
        "city": _node(graph, u, formats),
        "source_city": _node(graph, v, formats),
        "practice": _linked(site.case_studies[data["practice"]], formats),
        "source": _linked(site.case_studies[data["source"]], formats),
    }


def network_view(site: Site, graph: LearningGraph, lang: str) -> View:
    """network/: the drawing (geometry from network.drawing, with names, links and labels) and its text:
    who learned from whom, which cities met at which event, and the cities with no connection yet."""
    formats = LocalFormats(lang)
    svg = drawing(graph)
    for node in svg["nodes"]:
        node.update(_node(graph, node["key"], formats))
        node.update({"practices": graph.nodes[node["key"]]["practices"], "connections": graph.degree(node["key"])})
    learned: list[View] = []
    events: dict[int, View] = {}
    for u, v, data in graph.edges(data=True):
        if data["kind"] == LEARNED:
            learned.append(_learned_item(site, graph, u, v, data, formats))
        else:
            item = events.setdefault(
                data["number"],
                {
                    "number": data["number"],
                    "event": _linked(site.events[data["event"]], formats),
                    "host": _node(graph, u, formats),
                    "cities": [],
                },
            )
            item["cities"].append(_node(graph, v, formats))
    learned.sort(key=lambda item: item["number"])
    met = [events[n] for n in sorted(events)]
    for item in met:
        item["cities"].sort(key=lambda c: (c["name"].casefold(), c["country"] or ""))
    by_number = {item["number"]: item for item in (*learned, *met)}
    for edge in svg["edges"]:
        item = by_number[edge["number"]]
        if edge["kind"] == LEARNED:
            edge.update(
                {
                    "url": item["practice"]["url"],
                    "city": item["city"]["name"],
                    "title": item["source"]["title"],
                    "source_city": item["source_city"]["name"],
                }
            )
        else:
            edge.update(
                {
                    "url": item["event"]["url"],
                    "host": item["host"]["name"],
                    "title": item["event"]["title"],
                    "city": graph.nodes[edge["target"]]["name"],
                }
            )
    linked = connected(graph)
    return {
        "svg": svg,
        "learned": learned,
        "met": met,
        "unconnected": sorted(
            (_node(graph, key, formats) for key in graph if graph.nodes[key]["url"] and not graph.degree(key)),
            key=lambda c: (c["name"].casefold(), c["url"]),
        ),
        "counts": {
            "cities": len(linked),
            "library_cities": sum(1 for key in linked if graph.nodes[key]["url"]),
            "learned": len(learned),
            "events": len(met),
            "drawn": len(svg["nodes"]),
            "limit": MAX_DRAWN,
        },
    }


def city_network_view(site: Site, graph: LearningGraph, key: str, lang: str) -> View:
    """A city page's peers: the practices it learned from other cities, those other cities learned from
    it, and the events it hosted or took part in, with their host and the other cities that took part."""
    formats = LocalFormats(lang)
    learned_from = sorted(
        (
            _learned_item(site, graph, u, v, d, formats)
            for u, v, d in graph.out_edges(key, data=True)
            if d["kind"] == LEARNED
        ),
        key=lambda item: item["number"],
    )
    shared_with = sorted(
        (
            _learned_item(site, graph, u, v, d, formats)
            for u, v, d in graph.in_edges(key, data=True)
            if d["kind"] == LEARNED
        ),
        key=lambda item: item["number"],
    )
    hosts = {
        d["event"]: u
        for u, _, d in (*graph.out_edges(key, data=True), *graph.in_edges(key, data=True))
        if d["kind"] == MET
    }
    met_at = []
    for slug, host in hosts.items():
        others = [
            v for _, v, d in graph.out_edges(host, data=True) if d["kind"] == MET and d["event"] == slug and v != key
        ]
        met_at.append(
            {
                "event": _linked(site.events[slug], formats),
                "hosted_here": host == key,
                "host": _node(graph, host, formats),
                "cities": sorted(
                    (_node(graph, c, formats) for c in dict.fromkeys(others)),
                    key=lambda c: (c["name"].casefold(), c["country"] or ""),
                ),
            }
        )
    met_at.sort(key=lambda item: (item["event"]["date"], item["event"]["url"]), reverse=True)
    return {"learned_from": learned_from, "shared_with": shared_with, "met_at": met_at}
