"""Plain data for templates: dictionaries and lists built from the assembled site.

Templates never see records or the Site itself, only what is built here, so a theme author can read every
name a template may use in one file (maps and the learning network have theirs in map_views.py and
network_views.py).

`TreeViews` builds the views of one language tree. It is made by the planner for one build and dropped
after it: what it remembers (each practice's card, made once and shown on some six lists; the small
city, country and topic dictionaries that every card holds) lives in it, not in the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

from generator.formats import LocalFormats
from generator.model import CaseStudy, EventReport, FreePage, Method, Record
from generator.site import City, Site, Term, language_tree, record_url
from generator.taxonomies import Taxonomy

View = dict[str, Any]  # what a template reads: plain data only (strings, numbers, lists and other views)
_Pairs = tuple[tuple[str, str], ...]  # a practice's terms of one taxonomy: (key, label) each (Site.terms_of)

__all__ = [
    "View",
    "TreeViews",
    "site_view",
    "plain_text",
    "rich_prose",
    "method_summary",
    "taxonomy_view",
    "search_filter_names",
]


def site_view(site: Site) -> View:
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


def method_summary(method: Method) -> View:
    return {
        "title": method.title,
        "summary": method.summary,
        "url": record_url(method),
        "stages": [s.value for s in method.stages],
        "slug": method.slug,
    }


def taxonomy_view(taxonomy: Taxonomy) -> View:
    """What templates need of a taxonomy's declaration: plain data, its labels as message ids."""
    return {
        "key": taxonomy.key,
        "url": taxonomy.url,
        "heading": taxonomy.heading,
        "lead": taxonomy.lead,
        "style": taxonomy.term_style,
        "feeds": taxonomy.feeds,
    }


def search_filter_names(site: Site) -> list[View]:
    """The search page's filters from the taxonomies: ``{"name", "label"}`` (label is a message id)."""
    return [
        {"name": t.search_filter, "label": t.search_label or t.heading} for t in site.declarations if t.search_filter
    ]


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


def _sources(record: CaseStudy | EventReport) -> list[View]:
    return [{"title": s.title, "url": s.url} for s in record.sources]


def _years(study: CaseStudy) -> View | None:
    if not study.start and not study.end:
        return None
    return {"start": study.start.iso() if study.start else None, "end": study.end.iso() if study.end else None}


# What a Markdown body may hold that prose.css styles (the sanitised HTML of markup.py: tags in lower
# case, the classes of Markdown's footnote and task-list extensions).
_RICH_PROSE = re.compile(
    r'<(?:abbr|blockquote|code|dl|hr|kbd|mark|pre|samp|sup|table)[\s>/]|class="(?:footnote|task-list)'
)


def rich_prose(html: str) -> bool:
    """Whether a body needs prose.css: quotations, code, tables, definition lists, rules, footnotes, task
    lists, abbreviations or marked text."""
    return _RICH_PROSE.search(html) is not None


class TreeViews:
    """The views of one language tree's pages (``site.lang``), for one build."""

    def __init__(self, site: Site, build_year: int, formats: LocalFormats | None = None) -> None:
        self.site = site
        self.lang = site.lang
        self.build_year = build_year
        self.formats = formats or LocalFormats(site.lang)  # the tree language's, perhaps kept by the caller
        # Shared, never changed once made (a 10,000-practice site has some 100,000 cards): templates only
        # read them, and a view that extends one copies it first.
        self._cards: dict[str, View] = {}
        self._cities: dict[City, View] = {}
        self._countries: dict[str, View] = {}
        self._topics: dict[str, View] = {}
        # a case study's years, its search filters and SDG links: most practices share them with others
        self._years: dict[tuple[int, int], list[str]] = {}
        self._filter_lists: dict[tuple[tuple[str, _Pairs], ...], list[View]] = {}
        self._filters: dict[tuple[str, _Pairs], View] = {}
        self._filter_values: dict[tuple[str, str], View] = {}
        self._sdgs: dict[tuple[int, ...], list[View]] = {}
        self._topic_labels = {t.slug: t.label for t in site.content.topics}

    # --- the small shared parts ------------------------------------------------------------------------

    def city(self, city: City) -> View:
        found = self._cities.get(city)
        if found is None:
            found = self._cities[city] = {"name": city.name, "url": city.url}
        return found

    def country(self, code: str) -> View:
        found = self._countries.get(code)
        if found is None:
            found = self._countries[code] = {
                "code": code,
                "name": self.formats.country(code),
                "url": f"countries/{code.lower()}/",
            }
        return found

    def topic(self, slug: str) -> View:
        found = self._topics.get(slug)
        if found is None:
            found = self._topics[slug] = {"slug": slug, "label": self._topic_labels[slug], "url": f"topics/{slug}/"}
        return found

    def card(self, slug: str) -> View:
        """A practice (case study or event) as it appears in a list: one shared dictionary per practice,
        which nothing may change (copy it to extend it)."""
        found = self._cards.get(slug)
        if found is None:
            record = self.site.practice(slug)
            found = self._cards[slug] = {
                "type": record.kind,
                "slug": record.slug,
                "title": record.title,
                "summary": record.summary,
                "lang": record.lang,
                "url": record_url(record),
                "city": self.city(self.site.city_of[slug]),
                "country": self.country(record.country),
                "cynefin": record.cynefin.value if record.cynefin else None,
                "date": record.date.isoformat(),
                "date_label": self.formats.date(record.date),
                "topics": [self.topic(t) for t in record.topics],
            }
        return found

    def cards(self, slugs: Iterable[str]) -> list[View]:
        site = self.site
        return [self.card(s) for s in slugs if s in site.case_studies or s in site.events]

    # --- one record's page ------------------------------------------------------------------------------

    def translation(self, record: Record) -> View:
        """Whether the record's text on this tree's page is the original, a translation or the untranslated
        original, with the language names in the page's language and the tree that shows the original."""
        site, lang = self.site, self.lang
        versions = site.versions.get(record_url(record), (record.lang,))
        original = versions[0]
        if record.lang != lang:
            status = "untranslated"
        elif original != lang:
            status = "translated"
        else:
            status = "original"
        original_tree: str | None
        if original in site.languages:
            original_tree = language_tree(original, site.languages)
        else:  # written in a language the site does not speak: the first tree without a translation shows it
            untranslated = [other for other in site.languages if other not in versions]
            original_tree = language_tree(untranslated[0], site.languages) if untranslated else None
        return {
            "status": status,
            "language": self.formats.language(lang),
            "original": self.formats.language(original),
            "original_lang": original,
            "original_tree": original_tree,
        }

    def search_years(self, record: CaseStudy | EventReport) -> list[str]:
        """A case study's every year from start to end (to the build year while ongoing), or its published
        year; an event's year (or years)."""
        if isinstance(record, EventReport):
            return sorted({str(record.date.year), str((record.end_date or record.date).year)})
        if record.start is None:
            return [str(record.published.year)]
        first = record.start.year
        last = max(record.end.year if record.end else self.build_year, first)
        found = self._years.get((first, last))
        if found is None:
            found = self._years[(first, last)] = [str(y) for y in range(first, last + 1)]
        return found

    def search_filters(self, slug: str) -> list[View]:
        """A practice's values of each taxonomy that is a search filter, in declaration order:
        ``{"name": "topic", "style": "label", "values": [{"key", "label"}]}`` (templates name them by style).
        One list, filter and value per distinct content, shared by the practices that have it (never changed
        once made)."""
        found = self.site.terms_of.get(slug, {})
        chosen = [(t, found.get(t.key, ())) for t in self.site.declarations if t.search_filter]
        key = tuple((t.key, pairs) for t, pairs in chosen)
        filters = self._filter_lists.get(key)
        if filters is None:
            filters = self._filter_lists[key] = [self._search_filter(t, pairs) for t, pairs in chosen]
        return filters

    def _search_filter(self, taxonomy: Taxonomy, pairs: _Pairs) -> View:
        view = self._filters.get((taxonomy.key, pairs))
        if view is None:
            values = [self._filter_values.setdefault(pair, {"key": pair[0], "label": pair[1]}) for pair in pairs]
            view = {"name": taxonomy.search_filter, "style": taxonomy.term_style, "values": values}
            self._filters[(taxonomy.key, pairs)] = view
        return view

    def sdgs(self, numbers: tuple[int, ...]) -> list[View]:
        found = self._sdgs.get(numbers)
        if found is None:
            found = self._sdgs[numbers] = [{"number": n, "url": f"sdgs/{n}/"} for n in numbers]
        return found

    def case_study(self, study: CaseStudy) -> View:
        site, formats = self.site, self.formats
        view = dict(self.card(study.slug))
        view.update(
            {
                "body": study.body.html,
                "rich_prose": rich_prose(study.body.html),
                "published": study.published.isoformat(),
                "published_label": formats.date(study.published),
                "updated": study.updated.isoformat() if study.updated else None,
                "updated_label": formats.date(study.updated) if study.updated else None,
                "dir": formats.direction(study.lang),
                "years": _years(study),
                "search_years": self.search_years(study),
                "search_filters": self.search_filters(study.slug),
                "status": study.status.value if study.status else None,
                "sdgs": self.sdgs(study.sdgs),
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
                "learned_from": self.cards(study.learned_from),
                "adapted_by": self.cards(site.adapted_by.get(study.slug, ())),
                "events": self.cards(site.events_discussing.get(study.slug, ())),
                "related": self.cards(site.related.get(study.slug, ())),
                "source_file": study.origin.content_path,
                "translation": self.translation(study),
            }
        )
        return view

    def event(self, event: EventReport) -> View:
        site, formats = self.site, self.formats
        view = dict(self.card(event.slug))
        method = site.methods[event.method]
        view.update(
            {
                "body": event.body.html,
                "rich_prose": rich_prose(event.body.html),
                "dir": formats.direction(event.lang),
                "end_date": event.end_date.isoformat() if event.end_date else None,
                "end_date_label": formats.date(event.end_date) if event.end_date else None,
                "event": event.event,
                "method": {"title": method.title, "url": record_url(method), "lang": method.lang},
                "organizers": list(event.organizers),
                "participants": [
                    {"name": name, "city": self.city(city) if city else None}
                    for name, city in site.participants[event.slug]
                ],
                "practices": self.cards(event.practices),
                "related": self.cards(site.related.get(event.slug, ())),
                "sources": _sources(event),
                "search_years": self.search_years(event),
                "search_filters": self.search_filters(event.slug),
                "source_file": event.origin.content_path,
                "translation": self.translation(event),
            }
        )
        return view

    def method(self, method: Method) -> View:
        site = self.site
        view = method_summary(method)
        view.update(
            {
                "body": method.body.html,
                "rich_prose": rich_prose(method.body.html),
                "lang": method.lang,
                "dir": self.formats.direction(method.lang),
                "duration": method.duration,
                "group_size": method.group_size,
                "events": self.cards(site.events_by_method.get(method.slug, ())),
                "case_studies": self.cards(site.case_studies_by_method.get(method.slug, ())),
                "source_file": method.origin.content_path,
                "translation": self.translation(method),
            }
        )
        return view

    def page(self, page: FreePage) -> View:
        return {
            "title": page.title,
            "summary": page.summary,
            "body": page.body.html,
            "rich_prose": rich_prose(page.body.html),
            "lang": page.lang,
            "dir": self.formats.direction(page.lang),
            "url": record_url(page),
            "source_file": page.origin.content_path,
            "translation": self.translation(page),
        }

    def term(self, term: Term) -> View:
        """A term for its own page and for lists of terms; a city's term also carries its country."""
        view = {
            "taxonomy": term.taxonomy,
            "key": term.key,
            "label": term.label,
            "url": term.url,
            "count": term.count,
            "description": term.description,
        }
        if any(t.key == term.taxonomy and t.term_style == "city" for t in self.site.declarations):
            view["country"] = self.country(term.key.split("/")[0].upper())  # a city's key: <country code>/<slug>
        return view

    def search_document(self, slug: str) -> View:
        """One practice as the offline search indexes it, with the same filters as the hosted search."""
        site = self.site
        record = site.practice(slug)
        view = self.card(slug)
        if isinstance(record, CaseStudy):
            methods = [site.methods[m].title for m in record.methods]
        else:
            methods = [site.methods[record.method].title]
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
            "years": self.search_years(record),
            "date": view["date"],
            "date_label": view["date_label"],
            # the facets of the offline search, by Pagefind filter name: a domain by its key, others by label
            "filters": {
                f["name"]: [v["key"] if f["style"] == "domain" else v["label"] for v in f["values"]]
                for f in self.search_filters(slug)
            },
        }
