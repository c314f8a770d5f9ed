"""For the incremental layer: the assembled sites with records whose body alone changed put in place, as
assembling the content again would give them, without assembling it again (a second or so at 10,000
practices, against a few milliseconds).

Assembly never reads a body: references, taxonomies, cities, back-links, redirects and translation checks
read the front matter only (tests/test_incremental.py proves the outcome equals a clean build). So a record
whose body alone changed leaves everything assembled as it was but the record itself, in each language
tree that shows its text: the trees without a translation of it show the record as loaded (the same
object), and a translation's tree shows the original with the translation's text, its body the
translation's own (the same object too).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.model import CaseStudy, Content, EventReport, FreePage, Method, Translation
from generator.site import Site

__all__ = ["with_new_bodies"]

_FIELDS = {"case-study": "case_studies", "event": "events", "method": "methods", "page": "pages"}
_KINDS = {CaseStudy: "case-study", EventReport: "event", Method: "method", FreePage: "page"}
_CONTENT_FIELDS = ("case_studies", "events", "methods", "pages", "translations")


def with_new_bodies(sites: dict[str, Site], changes: list[tuple[Any, Any]]) -> dict[str, Site]:
    """``sites`` with each (before, after) pair of loaded records or translations, which differ in their
    body only, put in place."""
    return {lang: _patched(site, changes) for lang, site in sites.items()}


def _patched(site: Site, changes: list[tuple[Any, Any]]) -> Site:
    swaps: list[tuple[Any, Any]] = []  # (object in this tree, its replacement): few, so compared one by one
    records: dict[str, Any] = {}  # the record tables of this tree that change, by Site field
    for before, after in changes:
        if isinstance(after, Translation):
            field = _FIELDS[after.kind]
            shown = getattr(site, field).get(after.slug)
            swaps.append((before, after))  # the translation itself, in the tree's content
            if shown is not None and shown.lang == after.lang and shown.body is before.body:
                swaps.append((shown, replace(shown, body=after.body)))
        else:
            field = _FIELDS[_KINDS[type(after)]]
            shown = getattr(site, field).get(after.slug)
            swaps.append((before, after))
            if shown is not None and shown is not before:
                continue  # this tree shows a translation's text, body included
        if shown is not None:
            table = records.setdefault(field, dict(getattr(site, field)))
            for old, new in swaps:
                if table[after.slug] is old:
                    table[after.slug] = new
    if not swaps:
        return site
    tables: dict[str, Any] = {
        name: tuple(_swapped(item, swaps) for item in getattr(site.content, name)) for name in _CONTENT_FIELDS
    }
    content: Content = replace(site.content, **tables)
    return replace(site, content=content, **records)


def _swapped(item: Any, swaps: list[tuple[Any, Any]]) -> Any:
    for old, new in swaps:
        if item is old:
            return new
    return item
