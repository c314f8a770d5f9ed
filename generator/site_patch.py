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

from collections.abc import Iterable
from dataclasses import fields, replace
from typing import Any

from generator.model import CaseStudy, Content, EventReport, FreePage, Method, Translation
from generator.records import TEXT_FIELDS
from generator.site import Site
from generator.taxonomies import DEFAULT_TAXONOMIES, Taxonomy
from generator.translations import localised_record

__all__ = ["front_matter_patchable", "with_new_bodies", "with_new_front_matter"]

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


# -- front matter: text fields that assembly carries but never reads ------------------------------------


_NONE = object()  # a field a translation does not give


def front_matter_patchable(changes: list[tuple[Any, Any]], declarations: tuple[Taxonomy, ...]) -> bool:
    """Whether each (before, after) pair of loaded practices or translations differs only in what assembly
    carries without reading it: the body and the text fields but sources (title, summary, image_alt,
    event), and where the front matter lies in its file. References, cities, terms, dates, drafts, slugs and
    a fact a translation repeats are read (and a source's URL a translation must repeat): assemble again.
    Only with the default taxonomies (another's terms may be made from any field)."""
    if not all(taxonomy in DEFAULT_TAXONOMIES for taxonomy in declarations):
        return False
    for before, after in changes:
        if type(before) is not type(after) or not isinstance(after, (CaseStudy, EventReport, Translation)):
            return False
        text = set(TEXT_FIELDS[after.kind]) - {"sources"}
        carried = {*text, "body", "origin"}
        if before.origin.path != after.origin.path or after.kind not in ("case-study", "event"):
            return False
        if isinstance(after, Translation):
            if (before.kind, before.slug, before.lang, before.draft) != (
                after.kind,
                after.slug,
                after.lang,
                after.draft,
            ):
                return False
            mine, theirs = dict(before.values), dict(after.values)
            if any(mine.get(k, _NONE) != theirs.get(k, _NONE) for k in {*mine, *theirs} - text):
                return False
        elif any(getattr(before, f.name) != getattr(after, f.name) for f in fields(after) if f.name not in carried):
            return False
    return True


def with_new_front_matter(
    sites: dict[str, Site],
    changes: list[tuple[Any, Any]],
    loaded: Iterable[Any],
    drafts: bool,
    declarations: tuple[Taxonomy, ...],
) -> dict[str, Site] | None:
    """None unless ``front_matter_patchable``; else ``sites`` with each (before, after) pair put in place: in
    each tree, the record as that tree shows it made again from its original (among the ``loaded`` records)
    and the tree's translation of it, as localise_content would. Nothing else changes: what assembly reads
    of these records is the same."""
    if not front_matter_patchable(changes, declarations):
        return None
    keys = {(after.kind, after.slug) for _before, after in changes}
    originals = {
        (r.kind, r.slug): r for r in loaded if isinstance(r, (CaseStudy, EventReport)) and (r.kind, r.slug) in keys
    }
    return {lang: _front_patched(site, changes, originals, drafts) for lang, site in sites.items()}


def _front_patched(
    site: Site, changes: list[tuple[Any, Any]], originals: dict[tuple[str, str], Any], drafts: bool
) -> Site:
    swaps = [(before, after) for before, after in changes if isinstance(after, Translation)]
    translations = tuple(_swapped(t, swaps) for t in site.content.translations)
    keys = {(after.kind, after.slug) for _before, after in changes}
    shown: dict[tuple[str, str], Any] = {}
    for key in keys:
        record = originals[key]
        theirs = [t for t in translations if (t.kind, t.slug, t.lang) == (*key, site.lang) and (drafts or not t.draft)]
        shown[key] = localised_record(record, theirs[0]) if theirs else record
    tables: dict[str, Any] = {"translations": translations}
    records: dict[str, Any] = {}
    for name, kind in (("case_studies", "case-study"), ("events", "event")):
        slugs = {slug: record for (k, slug), record in shown.items() if k == kind}
        if not slugs:
            continue
        tables[name] = tuple(slugs.get(r.slug, r) for r in getattr(site.content, name))
        table = getattr(site, name)
        if any(slug in table for slug in slugs):
            records[name] = {slug: slugs.get(slug, r) for slug, r in table.items()}
    content: Content = replace(site.content, **tables)
    return replace(site, content=content, **records)
