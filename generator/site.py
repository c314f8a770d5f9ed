"""assemble_languages(): the in-memory site from loaded content — URLs, taxonomies, back-links — once
references.py has cross-checked the whole content (only the whole content knows which slugs exist).

Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from generator.errors import Problem
from generator.model import (
    CaseStudy,
    Content,
    EventReport,
    FreePage,
    Method,
    Participant,
    Record,
)
from generator.references import check_references
from generator.taxonomies import DEFAULT_TAXONOMIES, Taxonomy, TermSource
from generator.translations import check_translations, localise_content, text_versions
from generator.vocab import slugify

__all__ = ["Term", "City", "Site", "assemble_languages", "record_url", "language_tree"]


def language_tree(lang: str, languages: tuple[str, ...]) -> str:
    """Where a language's pages live: the default language at the root, every other under <lang>/."""
    return "" if lang == languages[0] else f"{lang}/"


def record_url(record: Record) -> str:
    """Root-relative URL of a record's page: ``case-studies/<slug>/``."""
    if isinstance(record, FreePage):
        return f"{record.slug}/"
    return f"{record.section}/{record.slug}/"


@dataclass(frozen=True)
class City:
    country: str
    slug: str
    name: str

    @property
    def url(self) -> str:
        return f"cities/{self.country.lower()}/{self.slug}/"


@dataclass(frozen=True)
class Term:
    """One term of a taxonomy (a topic, a Cynefin domain, a city...): its page and its records, newest first."""

    taxonomy: str
    key: str
    label: str
    url: str
    case_studies: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    description: str = ""

    @property
    def count(self) -> int:
        return len(self.case_studies) + len(self.events)


@dataclass(frozen=True)
class Site:
    content: Content
    case_studies: dict[str, CaseStudy]
    events: dict[str, EventReport]
    methods: dict[str, Method]
    pages: dict[str, FreePage]
    taxonomies: dict[str, tuple[Term, ...]]
    city_of: dict[str, City]  # practice slug -> its city
    events_discussing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    adapted_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    events_by_method: dict[str, tuple[str, ...]] = field(default_factory=dict)
    case_studies_by_method: dict[str, tuple[str, ...]] = field(default_factory=dict)
    participants: dict[str, tuple[tuple[str, City | None], ...]] = field(default_factory=dict)
    redirects: tuple[tuple[str, str, str], ...] = ()  # (old url, new url, source file)
    lang: str = "en"  # the language of this tree: its interface, and its records' text where translated
    languages: tuple[str, ...] = ("en",)  # every language of the site, the default first
    versions: dict[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # record url -> languages of its text, original first
    declarations: tuple[Taxonomy, ...] = DEFAULT_TAXONOMIES  # what taxonomies holds, in this order
    # practice slug -> taxonomy key -> its terms there, (key, label) in the practice's own order
    terms_of: dict[str, dict[str, tuple[tuple[str, str], ...]]] = field(default_factory=dict)

    def practice(self, slug: str) -> CaseStudy | EventReport:
        return self.case_studies.get(slug) or self.events[slug]


Practice = CaseStudy | EventReport


def _newest_first(records: Iterable[Practice]) -> list[Practice]:
    return sorted(records, key=lambda r: (-r.date.toordinal(), r.slug))


def assemble_languages(
    content: Content, *, drafts: bool = False, taxonomies: tuple[Taxonomy, ...] = DEFAULT_TAXONOMIES
) -> tuple[dict[str, Site] | None, list[Problem]]:
    """One site per language of site.yml, the default first: the trees of the built site; None (and the
    cross-check problems) when loading found errors, whose records may be partial."""
    problems = check_references(content, drafts, taxonomies) + check_translations(content)
    if problems or content.has_errors or content.partial:
        return None, problems
    return {lang: _assemble(content, lang, drafts, taxonomies) for lang in content.config.languages}, []


def _assemble(original: Content, lang: str, drafts: bool, declarations: tuple[Taxonomy, ...]) -> Site:
    versions = text_versions(original, drafts=drafts)
    content = localise_content(original, lang, drafts=drafts)

    def keep(record: Practice | FreePage) -> bool:
        return drafts or not record.draft

    studies = {r.slug: r for r in sorted(content.case_studies, key=lambda r: r.slug) if keep(r)}
    events = {r.slug: r for r in sorted(content.events, key=lambda r: r.slug) if keep(r)}
    methods = {r.slug: r for r in sorted(content.methods, key=lambda r: r.slug)}
    pages = {r.slug: r for r in sorted(content.pages, key=lambda r: r.slug) if keep(r)}

    practices: list[Practice] = [*studies.values(), *events.values()]
    records: list[Record] = [*practices, *methods.values(), *pages.values()]
    city_of, cities = _cities(practices)
    discussing: defaultdict[str, set[str]] = defaultdict(set)
    related: defaultdict[str, set[str]] = defaultdict(set)
    adapted: defaultdict[str, set[str]] = defaultdict(set)
    by_method: defaultdict[str, set[str]] = defaultdict(set)
    studies_by_method: defaultdict[str, set[str]] = defaultdict(set)
    for event in events.values():
        by_method[event.method].add(event.slug)
        for s in event.practices:
            if s in studies:
                discussing[s].add(event.slug)
    for study in studies.values():
        for s in study.related:
            if s in studies or s in events:
                related[study.slug].add(s)
                related[s].add(study.slug)
        for s in study.learned_from:
            if s in studies:
                adapted[s].add(study.slug)
        for m in study.methods:
            studies_by_method[m].add(study.slug)

    def ordered(mapping: Mapping[str, set[str]]) -> dict[str, tuple[str, ...]]:
        def key(slug: str) -> tuple[int, str]:
            record: Practice = studies.get(slug) or events[slug]
            return (-record.date.toordinal(), slug)

        return {k: tuple(sorted(v, key=key)) for k, v in sorted(mapping.items())}

    participants: dict[str, tuple[tuple[str, City | None], ...]] = {}
    for event in events.values():
        participants[event.slug] = tuple(
            (p.name if not p.country else f"{p.name}, {p.country}", _match_city(p, cities)) for p in event.participants
        )

    taxonomies, terms_of = _taxonomies(declarations, content, studies, events, city_of, lang)
    site = Site(
        content=content,
        case_studies=studies,
        events=events,
        methods=methods,
        pages=pages,
        taxonomies=taxonomies,
        terms_of=terms_of,
        city_of=city_of,
        events_discussing=ordered(discussing),
        related=ordered(related),
        adapted_by=ordered(adapted),
        events_by_method=ordered(by_method),
        case_studies_by_method=ordered(studies_by_method),
        participants=participants,
        redirects=tuple(
            sorted((f"{r.section}/{alias}/", record_url(r), r.origin.path) for r in practices for alias in r.aliases)
        ),
        lang=lang,
        declarations=declarations,
        languages=content.config.languages,
        versions={record_url(r): versions[(("pages" if r.kind == "page" else r.section), r.slug)] for r in records},
    )
    return site


def _cities(records: Iterable[Practice]) -> tuple[dict[str, City], dict[tuple[str, str], City]]:
    """A city is its country plus its name's slug, so Córdoba AR and Córdoba ES stay apart."""
    slugs: dict[str, str] = {}  # each spelling's slug, made once: thousands of practices share a few cities
    for r in records:
        if r.city not in slugs:
            slugs[r.city] = slugify(r.city)
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in records:
        names[(r.country, slugs[r.city])][r.city] += 1
    cities = {  # named by its most frequent spelling (the first in order of code points among equals)
        key: City(key[0], key[1], min(spellings, key=lambda s: (-spellings[s], s))) for key, spellings in names.items()
    }
    return {r.slug: cities[(r.country, slugs[r.city])] for r in records}, cities


def _match_city(participant: Participant, cities: dict[tuple[str, str], City]) -> City | None:
    """A participant links to a city page when exactly one city of the library matches it."""
    slug = slugify(participant.name)
    matches = [c for (cc, s), c in cities.items() if s == slug and (participant.country in (None, cc))]
    return matches[0] if len(matches) == 1 else None


def _taxonomies(
    declarations: tuple[Taxonomy, ...],
    content: Content,
    studies: dict[str, CaseStudy],
    events: dict[str, EventReport],
    city_of: dict[str, City],
    lang: str,
) -> tuple[dict[str, tuple[Term, ...]], dict[str, dict[str, tuple[tuple[str, str], ...]]]]:
    """Every declared taxonomy's terms, each with its practices newest first; and each practice's terms."""
    keys = {slug: f"{c.country.lower()}/{c.slug}" for slug, c in city_of.items()}
    source = TermSource(content, lang, keys, {keys[slug]: c.name for slug, c in city_of.items()})
    records: list[Practice] = [*studies.values(), *events.values()]
    result = {}
    keys_of: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for taxonomy in declarations:
        members: dict[str, list[Practice]] = defaultdict(list)
        for record in records:
            if taxonomy.applies_to(record):
                found = keys_of[record.slug][taxonomy.key] = list(dict.fromkeys(taxonomy.values(record, source)))
                for key in found:
                    members[key].append(record)
        terms = []
        applicable = [r for r in records if taxonomy.applies_to(r)]
        for key, label in taxonomy.terms(applicable, source, keys=set(members)):  # the values found above
            newest = _newest_first(members.get(key, ()))
            terms.append(
                Term(
                    taxonomy.key,
                    key,
                    label,
                    f"{taxonomy.key}/{key}/",
                    tuple(r.slug for r in newest if isinstance(r, CaseStudy)),
                    tuple(r.slug for r in newest if isinstance(r, EventReport)),
                    taxonomy.description(key, source),
                )
            )
        result[taxonomy.key] = tuple(terms)
    labels = {(t.taxonomy, t.key): t.label for terms in result.values() for t in terms}
    terms_of = {
        slug: {name: tuple((key, labels[(name, key)]) for key in keys) for name, keys in by_taxonomy.items()}
        for slug, by_taxonomy in keys_of.items()
    }
    return result, terms_of
