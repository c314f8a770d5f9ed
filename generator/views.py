"""Plain data for templates: dictionaries and lists built from the assembled site.

Templates never see records or the Site itself, only what is built here, so a
theme author can read every name a template may use in one file.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from html.parser import HTMLParser

from babel import Locale
from babel.dates import format_date, format_skeleton

from generator.geo import LEVELS, Atlas, Marker, locator_map, world_map
from generator.i18n import language_name
from generator.model import CaseStudy, CynefinDomain, EventReport, FreePage, Method, MonthDate
from generator.network import LEARNED, MAX_DRAWN, MET, connected, drawing
from generator.site import City, Site, Term, language_tree, record_url
from generator.vocab import country_name

__all__ = [
    "site_view",
    "card",
    "search_document",
    "plain_text",
    "case_study_view",
    "event_view",
    "method_view",
    "page_view",
    "term_view",
    "text_direction",
    "long_date",
    "map_filters",
    "map_view",
    "locator_view",
    "network_view",
    "city_network_view",
]


@lru_cache(maxsize=32)
def text_direction(lang: str) -> str:
    try:
        return "rtl" if Locale.parse(lang.replace("-", "_")).character_order == "right-to-left" else "ltr"
    except (ValueError, LookupError):
        return "ltr"


@lru_cache(maxsize=8192)  # pure, and asked for the same few thousand dates on every list page
def long_date(value: dt.date, lang: str) -> str:
    """The date in the page's language; a MonthDate as its month and year only ("October 2016")."""
    try:
        if isinstance(value, MonthDate):
            return format_skeleton("yMMMM", value, locale=lang.replace("-", "_"))
        return format_date(value, format="long", locale=lang.replace("-", "_"))
    except (ValueError, LookupError):
        return value.isoformat()


def site_view(site: Site) -> dict:
    config = site.content.config
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "license": config.license,
        "repository": config.repository,
        "base_url": config.base_url,
        "pages": [{"title": p.title, "url": record_url(p)} for p in site.pages.values()],
    }


def translation_view(site: Site, record, lang: str) -> dict:
    """Whether the record's text on this tree's page is the original, a translation or the untranslated
    original, with the language names in the page's language and the tree that shows the original."""
    versions = site.versions.get(record_url(record), (record.lang,))
    original = versions[0]
    if record.lang != lang:
        status = "untranslated"
    elif original != lang:
        status = "translated"
    else:
        status = "original"
    if original in site.languages:
        original_tree = language_tree(original, site.languages)
    else:  # written in a language the site does not speak: the first tree without a translation shows it
        untranslated = [other for other in site.languages if other not in versions]
        original_tree = language_tree(untranslated[0], site.languages) if untranslated else None
    return {
        "status": status,
        "language": language_name(lang, lang),
        "original": language_name(original, lang),
        "original_lang": original,
        "original_tree": original_tree,
    }


# The small dictionaries every card holds are made once and shared (a 10,000-practice site has some
# 100,000 cards): templates only read them, and nothing here changes one after it is made.


@lru_cache(maxsize=65536)
def _city(city: City) -> dict:
    return {"name": city.name, "url": city.url}


@lru_cache(maxsize=4096)
def _country(code: str, lang: str) -> dict:
    return {"code": code, "name": country_name(code, lang), "url": f"countries/{code.lower()}/"}


@lru_cache(maxsize=4096)
def _topic(slug: str, label: str) -> dict:
    return {"slug": slug, "label": label, "url": f"topics/{slug}/"}


def _topics(site: Site, slugs) -> list[dict]:
    labels = site.topic_labels
    return [_topic(s, labels[s]) for s in slugs]


def card(site: Site, slug: str, lang: str) -> dict:
    """A practice (case study or event) as it appears in a list; one shared dictionary per practice
    and language, which nothing may change (copy it to extend it)."""
    memo = site.card_memo
    found = memo.get((slug, lang))
    if found is None:
        found = memo[(slug, lang)] = _card(site, slug, lang)
    return found


def _card(site: Site, slug: str, lang: str) -> dict:
    record = site.practice(slug)
    return {
        "type": record.kind,
        "slug": record.slug,
        "title": record.title,
        "summary": record.summary,
        "lang": record.lang,
        "url": record_url(record),
        "city": _city(site.city_of[slug]),
        "country": _country(record.country, lang),
        "cynefin": record.cynefin.value if record.cynefin else None,
        "date": record.date.isoformat(),
        "date_label": long_date(record.date, lang),
        "topics": _topics(site, record.topics),
    }


def _sources(record) -> list[dict]:
    return [{"title": s.title, "url": s.url} for s in record.sources]


def _cards(site: Site, slugs, lang: str) -> list[dict]:
    return [card(site, s, lang) for s in slugs if s in site.case_studies or s in site.events]


def _years(study: CaseStudy) -> dict | None:
    if not study.start and not study.end:
        return None
    return {"start": study.start.iso() if study.start else None, "end": study.end.iso() if study.end else None}


def _pagefind_years(study: CaseStudy, build_year: int) -> tuple[str, ...]:
    """Every year from start to end (to the build year while ongoing), or the published year."""
    if study.start is None:
        return _years_between(study.published.year, study.published.year)
    last = study.end.year if study.end else build_year
    return _years_between(study.start.year, max(last, study.start.year))


@lru_cache(maxsize=4096)
def _years_between(first: int, last: int) -> tuple[str, ...]:
    return tuple(str(y) for y in range(first, last + 1))


def case_study_view(site: Site, study: CaseStudy, lang: str, build_year: int) -> dict:
    view = dict(card(site, study.slug, lang))
    view.update(
        {
            "body": study.body.html,
            "published": study.published.isoformat(),
            "published_label": long_date(study.published, lang),
            "updated": study.updated.isoformat() if study.updated else None,
            "updated_label": long_date(study.updated, lang) if study.updated else None,
            "dir": text_direction(study.lang),
            "years": _years(study),
            "search_years": _pagefind_years(study, build_year),
            "status": study.status.value if study.status else None,
            "sdgs": [{"number": n, "url": f"sdgs/{n}/"} for n in study.sdgs],
            "partners": list(study.partners),
            "methods": [
                {"title": site.methods[m].title, "url": record_url(site.methods[m]), "lang": site.methods[m].lang}
                for m in study.methods
            ],
            "sources": _sources(study),
            "contact": {"organisation": study.contact.organisation, "url": study.contact.url}
            if study.contact
            else None,
            "coordinates": list(study.coordinates) if study.coordinates else None,
            "image": {"src": study.image, "alt": study.image_alt} if study.image else None,
            "learned_from": _cards(site, study.learned_from, lang),
            "adapted_by": _cards(site, site.adapted_by.get(study.slug, ()), lang),
            "events": _cards(site, site.events_discussing.get(study.slug, ()), lang),
            "related": _cards(site, site.related.get(study.slug, ()), lang),
            "source_file": study.origin.content_path,
            "translation": translation_view(site, study, lang),
        }
    )
    return view


def event_view(site: Site, event: EventReport, lang: str) -> dict:
    view = dict(card(site, event.slug, lang))
    method = site.methods[event.method]
    view.update(
        {
            "body": event.body.html,
            "dir": text_direction(event.lang),
            "end_date": event.end_date.isoformat() if event.end_date else None,
            "end_date_label": long_date(event.end_date, lang) if event.end_date else None,
            "event": event.event,
            "method": {"title": method.title, "url": record_url(method), "lang": method.lang},
            "organizers": list(event.organizers),
            "participants": [
                {"name": name, "city": _city(city) if city else None} for name, city in site.participants[event.slug]
            ],
            "practices": _cards(site, event.practices, lang),
            "related": _cards(site, site.related.get(event.slug, ()), lang),
            "sources": _sources(event),
            "search_years": sorted({str(event.date.year), str((event.end_date or event.date).year)}),
            "source_file": event.origin.content_path,
            "translation": translation_view(site, event, lang),
        }
    )
    return view


def method_summary(method: Method) -> dict:
    return {
        "title": method.title,
        "summary": method.summary,
        "url": record_url(method),
        "stages": [s.value for s in method.stages],
        "slug": method.slug,
    }


def method_view(site: Site, method: Method, lang: str) -> dict:
    view = method_summary(method)
    view.update(
        {
            "body": method.body.html,
            "lang": method.lang,
            "dir": text_direction(method.lang),
            "duration": method.duration,
            "group_size": method.group_size,
            "events": _cards(site, site.events_by_method.get(method.slug, ()), lang),
            "case_studies": _cards(site, site.case_studies_by_method.get(method.slug, ()), lang),
            "source_file": method.origin.content_path,
            "translation": translation_view(site, method, lang),
        }
    )
    return view


def page_view(site: Site, page: FreePage, lang: str) -> dict:
    return {
        "title": page.title,
        "summary": page.summary,
        "body": page.body.html,
        "lang": page.lang,
        "dir": text_direction(page.lang),
        "url": record_url(page),
        "source_file": page.origin.content_path,
        "translation": translation_view(site, page, lang),
    }


def term_view(site: Site, term: Term, lang: str) -> dict:
    view = {"taxonomy": term.taxonomy, "key": term.key, "label": term.label, "url": term.url, "count": term.count}
    if term.taxonomy == "topics":
        view["description"] = next(t.description for t in site.content.topics if t.slug == term.key)
    if term.taxonomy == "countries":
        view["label"] = country_name(term.key, lang)
        view["code"] = term.key.upper()
    if term.taxonomy == "cities":
        view["country"] = _country(term.key.split("/")[0].upper(), lang)
    return view


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment (for the offline search index, never for safety)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def search_document(site: Site, slug: str, lang: str, build_year: int) -> dict:
    """One practice as the offline search indexes it, with the same filters as the hosted search."""
    record = site.practice(slug)
    view = card(site, slug, lang)
    if isinstance(record, CaseStudy):
        methods = [site.methods[m].title for m in record.methods]
        years = _pagefind_years(record, build_year)
    else:
        methods = [site.methods[record.method].title]
        years = sorted({str(record.date.year), str((record.end_date or record.date).year)})
    return {
        "id": view["url"],
        "type": record.kind,
        "title": record.title,
        "summary": record.summary,
        "text": plain_text(record.body.html),
        "lang": record.lang,
        "city": view["city"]["name"],
        "country": view["country"]["name"],
        "cynefin": record.cynefin.value if record.cynefin else "",
        "topics": [t["label"] for t in view["topics"]],
        "methods": methods,
        "years": years,
        "date": view["date"],
        "date_label": view["date_label"],
    }


# --- the world map and the locator maps ------------------------------------------------------------------


def map_filters(site: Site) -> dict:
    """The map's filters: every topic and Cynefin domain with practices, each drawn as its own page."""

    def url(kind: str, key: str) -> str:
        return f"map/{kind}/{key}/"

    return {
        "all": {"url": "map/", "count": len(site.case_studies) + len(site.events)},
        "topics": [
            {"key": t.key, "label": t.label, "url": url("topics", t.key), "count": t.count}
            for t in site.taxonomies["topics"]
            if t.count
        ],
        "domains": [
            {"key": t.key, "url": url("cynefin", t.key), "count": t.count}
            for t in site.taxonomies["cynefin"]
            if t.count
        ],
    }


def map_view(site: Site, atlas: Atlas, lang: str, *, topic: str | None = None, domain: str | None = None) -> dict:
    """The world map of the practices (of one topic or domain when given): shapes, markers, legend and table."""

    def keep(record) -> bool:
        if topic is not None and topic not in record.topics:
            return False
        return domain is None or (record.cynefin is not None and record.cynefin.value == domain)

    studies = [r for r in site.case_studies.values() if keep(r)]
    events = [r for r in site.events.values() if keep(r)]
    per_country: dict[str, list[int]] = {}
    for record in studies:
        per_country.setdefault(record.country, [0, 0])[0] += 1
    for record in events:
        per_country.setdefault(record.country, [0, 0])[1] += 1
    located = sorted((r for r in studies if r.coordinates), key=lambda r: r.slug)
    geometry = world_map(
        atlas, {cc: sum(n) for cc, n in per_country.items()}, [Marker(r.slug, *r.coordinates) for r in located]
    )
    drawn = set(geometry.pop("drawn"))
    for shape in geometry["countries"]:
        shape.update(_country(shape["code"], lang))
    for marker, record in zip(geometry["markers"], located):
        marker.update(
            {
                "title": record.title,
                "lang": record.lang,
                "url": record_url(record),
                "cynefin": record.cynefin.value,
                "city": site.city_of[record.slug].name,
                "country": country_name(record.country, lang),
            }
        )
    rows = [
        {**_country(cc, lang), "case_studies": n[0], "events": n[1], "count": n[0] + n[1], "drawn": cc in drawn}
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
        "attribution": atlas.attribution,
    }


def locator_view(atlas: Atlas, code: str, points=(), *, whole_country: bool = False) -> dict | None:
    """A small regional map: the country highlighted and a dot at each (latitude, longitude)."""
    view = locator_map(atlas, code, list(points), whole_country=whole_country)
    if view is None:
        return None
    x, y, width, height = view["view_box"].split()
    view["box"] = {"x": x, "y": y, "width": width, "height": height}
    return view


# --- the learning network between cities ----------------------------------------------------------------


def _node(graph, key: str, lang: str) -> dict:
    """A city of the network: its page (None for a participant outside the library) and country name."""
    data = graph.nodes[key]
    return {
        "name": data["name"],
        "url": data["url"],
        "country": country_name(data["country"], lang) if data["country"] else None,
    }


def _linked(record, lang: str) -> dict:
    view = {"title": record.title, "url": record_url(record), "lang": record.lang}
    if isinstance(record, EventReport):
        view.update({"date": record.date.isoformat(), "date_label": long_date(record.date, lang)})
    return view


def _learned_item(site: Site, graph, u: str, v: str, data: dict, lang: str) -> dict:
    return {
        "number": data["number"],
        "city": _node(graph, u, lang),
        "source_city": _node(graph, v, lang),
        "practice": _linked(site.case_studies[data["practice"]], lang),
        "source": _linked(site.case_studies[data["source"]], lang),
    }


def network_view(site: Site, graph, lang: str) -> dict:
    """network/: the drawing (geometry from network.drawing, with names, links and labels) and its text:
    who learned from whom, which cities met at which event, and the cities with no connection yet."""
    svg = drawing(graph)
    for node in svg["nodes"]:
        node.update(_node(graph, node["key"], lang))
        node.update({"practices": graph.nodes[node["key"]]["practices"], "connections": graph.degree(node["key"])})
    learned, events = [], {}
    for u, v, data in graph.edges(data=True):
        if data["kind"] == LEARNED:
            learned.append(_learned_item(site, graph, u, v, data, lang))
        else:
            item = events.setdefault(
                data["number"],
                {
                    "number": data["number"],
                    "event": _linked(site.events[data["event"]], lang),
                    "host": _node(graph, u, lang),
                    "cities": [],
                },
            )
            item["cities"].append(_node(graph, v, lang))
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
            (_node(graph, key, lang) for key in graph if graph.nodes[key]["url"] and not graph.degree(key)),
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


def city_network_view(site: Site, graph, key: str, lang: str) -> dict:
    """A city page's peers: the practices it learned from other cities, those other cities learned from
    it, and the events it hosted or took part in, with their host and the other cities that took part."""
    learned_from = sorted(
        (
            _learned_item(site, graph, u, v, d, lang)
            for u, v, d in graph.out_edges(key, data=True)
            if d["kind"] == LEARNED
        ),
        key=lambda item: item["number"],
    )
    shared_with = sorted(
        (
            _learned_item(site, graph, u, v, d, lang)
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
                "event": _linked(site.events[slug], lang),
                "hosted_here": host == key,
                "host": _node(graph, host, lang),
                "cities": sorted(
                    (_node(graph, c, lang) for c in dict.fromkeys(others)),
                    key=lambda c: (c["name"].casefold(), c["country"] or ""),
                ),
            }
        )
    met_at.sort(key=lambda item: (item["event"]["date"], item["event"]["url"]), reverse=True)
    return {"learned_from": learned_from, "shared_with": shared_with, "met_at": met_at}
