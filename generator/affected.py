"""For the incremental layer: which pages an edit of some practices can change, when it changes no page's
existence, so that only those are planned again.

An edit qualifies when every language tree keeps the same records (by slug), the same terms with the same
practices in each (so every list keeps its number of pages), the same cities, places (each case study's
locator map is a file of its own), translations and redirects:
then the set of pages is the same, and a practice's front matter shows only on

- its own page;
- the home page, the case-studies and events lists, the taxonomy indexes, the search page (its card,
  the newest practices, counts, filter names);
- the page of every term it is filed under, in every taxonomy (cards, and a country's locator map), and
  the map with each of its filter pages that shows it (markers, titles);
- the pages of the records linked to it, either way (related, adapted by, learned from, events
  discussing it, its methods and participants): they name it (but not the pages of the other records
  linked to the same one: a method's other case studies);
- the network page and every city's page, if it takes part in the learning network (they name the
  practices behind each link).

Anything else (a method or a free page changed, a practice added, deleted or renamed, a term gained or
lost) plans every page. tests/test_incremental.py proves the outcome equals a clean build.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.model import CaseStudy, EventReport
from generator.site import Site, record_url

__all__ = ["pages_showing", "same_pages"]

_REFERENCES = ("learned_from", "practices", "related", "methods")  # fields of a practice naming other records

_RELATIONS = (
    "events_discussing",
    "related",
    "adapted_by",
    "events_by_method",
    "case_studies_by_method",
    "participants",
)


def _shape(site: Site) -> tuple[Any, ...]:
    """What decides which pages a tree has (and how many pages each list takes)."""
    terms = {
        key: sorted((t.url, t.key, frozenset(t.case_studies), frozenset(t.events)) for t in terms)
        for key, terms in site.taxonomies.items()
    }
    return (
        tuple(site.case_studies),
        tuple(site.events),
        tuple(site.methods),
        tuple(site.pages),
        terms,
        site.city_of,
        # a case study's place draws its locator map, a file of its own named by what it draws
        tuple((study.slug, study.country, study.coordinates) for study in site.case_studies.values()),
        site.redirects,
        site.versions,
        site.languages,
    )


def same_pages(before: dict[str, Site], after: dict[str, Site]) -> bool:
    """Whether the trees have the same pages, each list as many: see the module's description."""
    return list(before) == list(after) and all(_shape(before[lang]) == _shape(after[lang]) for lang in before)


def _linked(site: Site, slugs: set[str]) -> set[str]:
    """The records linked to these practices, either way: by any of the assembled relations, or by a
    reference in any practice's front matter."""
    linked: set[str] = set()
    for name in _RELATIONS:
        relation: dict[str, tuple[Any, ...]] = getattr(site, name)
        for key, values in relation.items():
            # the page of ``key`` shows its ``values``: the pages of the other values do not (a method's
            # hundreds of case studies do not show each other)
            members = {v[0] if isinstance(v, tuple) else v for v in values}
            if key in slugs:
                linked |= members
            elif not members.isdisjoint(slugs):
                linked.add(key)
    practices: list[CaseStudy | EventReport] = [*site.case_studies.values(), *site.events.values()]
    for practice in practices:
        named = {getattr(practice, "method", "")}
        for field in _REFERENCES:
            named.update(getattr(practice, field, ()))
        if practice.slug in slugs:
            linked |= named
        elif named & slugs:
            linked.add(practice.slug)
    return linked


def _in_network(site: Site, slugs: set[str]) -> bool:
    """Whether any of these practices is behind a link of the learning network (learned from, adapted by,
    an event's participants)."""
    for slug in slugs:
        practice = site.case_studies.get(slug) or site.events.get(slug)
        if practice is None:
            continue
        if getattr(practice, "learned_from", ()) or site.adapted_by.get(slug) or site.participants.get(slug):
            return True
    return False


def _urls(site: Site, slugs: set[str]) -> set[str]:
    urls = {""}  # home
    urls |= {"case-studies/", "events/", "search/", "map/", "methods/"}
    urls |= {taxonomy.url for taxonomy in site.declarations}
    map_taxonomies = {taxonomy.key for taxonomy in site.declarations if taxonomy.map_filter}
    for slug in slugs:
        for table in (site.case_studies, site.events, site.methods, site.pages):
            if slug in table:
                urls.add(record_url(table[slug]))
        for taxonomy_key, terms in site.terms_of.get(slug, {}).items():
            for key, _label in terms:
                if taxonomy_key in map_taxonomies:
                    urls.add(f"map/{taxonomy_key}/{key}/")
    for taxonomy in site.declarations:
        for term in site.taxonomies[taxonomy.key]:
            if slugs.intersection(term.case_studies) or slugs.intersection(term.events):
                urls.add(term.url)
    for slug in _linked(site, slugs):
        for table in (site.case_studies, site.events, site.methods, site.pages):
            if slug in table:
                urls.add(record_url(table[slug]))
    if _in_network(site, slugs):
        urls.add("network/")
        urls |= {
            term.url
            for taxonomy in site.declarations
            if "peers" in taxonomy.extras
            for term in site.taxonomies[taxonomy.key]
        }
    return urls


def pages_showing(before: dict[str, Site], after: dict[str, Site], slugs: Iterable[str]) -> set[str]:
    """The URLs (as each tree names them) of the pages that can show these practices' front matter, before
    or after the edit, in any tree."""
    chosen = set(slugs)
    urls: set[str] = set()
    for sites in (before, after):
        for site in sites.values():
            urls |= _urls(site, chosen)
    return urls
