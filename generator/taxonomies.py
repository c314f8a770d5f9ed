"""The taxonomies of the site — topics, Cynefin domains, countries, cities, SDGs — declared once, as data.

Each `Taxonomy` says what a practice's terms are and everything the site does with them: the index
page and one page per term (with their templates), the entry in the main navigation, the Pagefind
filter on practice pages and in the offline search, the map's filter pages, the feeds and the column of
the data exports. Assembly, planning, navigation, search and exports read these declarations and
nothing else, so a new taxonomy is one more entry here (or in the tuple a build is given) and no other
code changes.

Labels are English message ids, marked with ``N_`` for the theme's catalogs: templates translate them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from types import CodeType

from generator.i18n import N_
from generator.model import CaseStudy, Content, CynefinDomain, Record
from generator.vocab import country_name

__all__ = [
    "DEFAULT_TAXONOMIES",
    "ExportFormat",
    "NAV_SECTIONS",
    "Taxonomy",
    "TermSource",
    "navigation",
    "reserved_paths",
]


@dataclass(frozen=True)
class TermSource:
    """What a taxonomy's term functions may read: the localised content, the tree's language, and each
    practice's city as the assembly identified it (``cn/hangzhou`` and its most used spelling)."""

    content: Content
    lang: str
    city_of: Mapping[str, str]  # practice slug -> its city's key (``cn/hangzhou``)
    city_names: Mapping[str, str]  # city key -> the city's name (its most used spelling)


def _term_key(key: str, label: str) -> str | int:
    return key


@dataclass(frozen=True)
class ExportFormat:
    """How a taxonomy's terms show in the data exports. In data/practices.json, the export column is a key of
    each record: a list of values, or one value (or null) when a practice has one term at most (``single``).
    In the tables of data/, a single term is a column of practices.csv (with its label beside it, if named);
    otherwise the export column names a long table, one row per practice and term, keyed by the slug."""

    field: str | None = None  # the column of a term's value (practices.csv or the long table); else the export column
    single: bool = False  # a practice has one term at most (a Cynefin domain, a country, a city)
    value: Callable[[str, str], str | int] = _term_key  # a term's value in the exports, from its key and label
    type: str = "string"  # the value's Table Schema type ("string" or "integer")
    description: str = ""  # the value column's description in datapackage.json
    constraints: tuple[tuple[str, str | int], ...] = ()  # its Table Schema constraints, in order
    label_field: str | None = None  # a column with the term's name in the site's language
    label_description: str = ""
    table_description: str = ""  # the long table's description (not single)


@dataclass(frozen=True)
class Taxonomy:
    key: str  # the URL prefix (``topics/<term>/``) and the name templates and exports use
    nav_label: str  # its entry in the main navigation ("Cynefin")
    heading: str  # its index page's heading, and the link above each term's heading ("Cynefin framework")
    values: Callable[[Record, TermSource], Iterable[str]]  # the keys of a practice's terms
    nav_position: int  # its place among the sections of NAV_SECTIONS (smaller first)
    label: Callable[[str, TermSource], str] = lambda key, source: key  # a term's label in the tree's language
    vocabulary: Callable[[TermSource], Iterable[tuple[str, str]]] | None = None  # every term, in order, even empty
    description: Callable[[str, TermSource], str] = lambda key, source: ""  # a sentence on a term's page
    list_template: str = "terms.html"
    term_template: str = "term.html"
    term_style: str = "label"  # how templates name a term: label, domain, sdg or city (macros.html: term_name)
    lead: str | None = None  # a sentence under the index page's heading
    search_filter: str | None = None  # the Pagefind filter (and offline search facet) of practice pages
    search_label: str | None = None  # that filter's name on the search page
    map_filter: bool = False  # the map has a page per term ("By topic")
    map_heading: str | None = None  # the heading of those filters on the map page
    map_kind_label: str | None = None  # a filtered map's kind ("Topic")
    feeds: bool = False  # an Atom feed per term
    export_column: str | None = None  # the key of data/practices.json's records and the column or table of data/
    export: ExportFormat = ExportFormat()  # the shape of that column (one value or a list, its type, a label)
    extras: tuple[str, ...] = ()  # what the planner adds to a term page: "locator" (a country map), "peers"
    case_studies_only: bool = False  # events have no terms of it (SDGs)

    @property
    def url(self) -> str:
        return f"{self.key}/"

    @property
    def fingerprint(self) -> str:
        """The declaration as text that is the same in every process (functions by their names), so that a
        build's record of its inputs notices a changed declaration."""
        return repr(tuple(_stable(getattr(self, f.name)) for f in fields(self)))

    def terms(
        self, records: Iterable[Record], source: TermSource, keys: Iterable[str] | None = None
    ) -> list[tuple[str, str]]:
        """(key, label) of every term, in the order of its index page: the declared vocabulary's order,
        else by label in the tree's language. ``keys``: the records' values, when the caller has them."""
        if self.vocabulary is not None:
            return list(self.vocabulary(source))
        if keys is None:
            keys = {key for record in records for key in self.values(record, source)}
        labelled = [(key, self.label(key, source)) for key in keys]
        return sorted(labelled, key=lambda pair: (pair[1].casefold(), pair[0]))

    def applies_to(self, record: Record) -> bool:
        return isinstance(record, CaseStudy) or not self.case_studies_only

    def term_name(self, key: str, label: str, gettext: Callable[[str], str]) -> str:
        """A term's name in the language of ``gettext``: a Cynefin domain's is the theme's (its key,
        translated); other terms have their own labels."""
        return gettext(key.capitalize()) if self.term_style == "domain" else label


def _stable(value: object) -> object:
    """A declaration's field as text that is the same in every process: a function by its name and code."""
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_stable(getattr(value, f.name)) for f in fields(value)))
    if not callable(value):
        return value
    code = getattr(value, "__code__", None)
    body = hashlib.sha256(_code_text(code).encode()).hexdigest()[:16] if isinstance(code, CodeType) else ""
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}:{body}"


def _code_text(code: CodeType) -> str:
    """A function's code as text without memory addresses: a nested function or generator (a code object
    among the constants) by its own code, not by its repr, which names where it lies in memory."""
    return code.co_code.hex() + repr([_const_text(c) for c in code.co_consts])


def _const_text(value: object) -> str:
    if isinstance(value, CodeType):
        return _code_text(value)
    if isinstance(value, frozenset):  # ``x in {"a", "b"}``: its order changes with the process's hash seed
        return repr(sorted(repr(item) for item in value))
    return repr(value)


def _topics(record: Record, source: TermSource) -> Iterable[str]:
    return getattr(record, "topics", ())


def _domain(record: Record, source: TermSource) -> Iterable[str]:
    domain = getattr(record, "cynefin", None)
    return (domain.value,) if domain is not None else ()


def _country(record: Record, source: TermSource) -> Iterable[str]:
    country: str = getattr(record, "country", "")  # practices only: every one has a country
    return (country.lower(),) if country else ()


def _city(record: Record, source: TermSource) -> Iterable[str]:
    return (source.city_of[record.slug],)


def _city_name(key: str, source: TermSource) -> str:
    return source.city_names[key]


def _sdgs(record: Record, source: TermSource) -> Iterable[str]:
    return tuple(str(n) for n in getattr(record, "sdgs", ()))


TOPICS = Taxonomy(
    "topics",
    N_("Topics"),
    N_("Topics"),
    _topics,
    nav_position=40,
    vocabulary=lambda source: [(t.slug, t.label) for t in source.content.topics],
    description=lambda key, source: next(t.description for t in source.content.topics if t.slug == key),
    lead=N_("The topics of the library, with the number of case studies and events in each."),
    search_filter="topic",
    search_label=N_("Topic"),
    map_filter=True,
    map_heading=N_("By topic"),
    map_kind_label=N_("Topic"),
    feeds=True,
    export_column="topics",
    export=ExportFormat(
        "topic",
        description="topic slug (topics.yml)",
        label_field="topic_label",
        table_description="Topics of each practice.",
    ),
)
CYNEFIN = Taxonomy(
    "cynefin",
    N_("Cynefin"),
    N_("Cynefin framework"),
    _domain,
    nav_position=50,
    vocabulary=lambda source: [(d.value, d.value) for d in CynefinDomain],
    list_template="cynefin.html",
    term_style="domain",
    search_filter="cynefin",
    search_label=N_("Cynefin domain"),
    map_filter=True,
    map_heading=N_("By Cynefin domain"),
    map_kind_label=N_("Cynefin domain"),
    feeds=True,
    export_column="cynefin",
    export=ExportFormat(
        single=True,
        description="Cynefin domain slug (empty for events without one)",
        label_field="cynefin_label",
        label_description="the Cynefin domain's name in the site's language",
    ),
)
COUNTRIES = Taxonomy(
    "countries",
    N_("Countries"),
    N_("Countries"),
    _country,
    nav_position=70,
    label=lambda key, source: country_name(key.upper(), source.lang),
    search_filter="country",
    search_label=N_("Country"),
    extras=("locator",),
    export_column="country",
    export=ExportFormat(
        single=True,
        value=lambda key, label: key.upper(),
        description="ISO 3166-1 alpha-2 code",
        constraints=(("pattern", "[A-Z]{2}"),),
        label_field="country_name",
        label_description="the country's name in the site's language",
    ),
)
CITIES = Taxonomy(
    "cities",
    N_("Cities"),
    N_("Cities"),
    _city,
    nav_position=60,
    label=_city_name,
    term_style="city",
    search_filter="city",
    search_label=N_("City"),
    extras=("peers",),
    export_column="city",
    export=ExportFormat(single=True, value=lambda key, label: label, description="the city as written"),
)
SDGS = Taxonomy(
    "sdgs",
    N_("SDGs"),
    N_("Sustainable Development Goals"),
    _sdgs,
    nav_position=100,
    vocabulary=lambda source: [(str(n), str(n)) for n in range(1, 18)],
    term_style="sdg",
    lead=N_("The 17 goals of the 2030 Agenda for Sustainable Development, and the practices that serve each of them."),
    export_column="sdgs",
    export=ExportFormat(
        "sdg",
        value=lambda key, label: int(key),
        type="integer",
        description="goal number",
        constraints=(("minimum", 1), ("maximum", 17)),
        table_description="Sustainable Development Goals of each case study.",
    ),
    case_studies_only=True,
)

# In the order of the practice pages' search filters (type first, then these, then method and year).
DEFAULT_TAXONOMIES: tuple[Taxonomy, ...] = (TOPICS, CYNEFIN, COUNTRIES, CITIES, SDGS)

# The sections of the main navigation that are not taxonomies, with their places among them.
NAV_SECTIONS: tuple[tuple[int, str, str], ...] = (
    (10, "case-studies/", N_("Case studies")),
    (20, "events/", N_("Events")),
    (30, "methods/", N_("Methods")),
    (80, "map/", N_("Map")),
    (90, "network/", N_("Network")),
)

# Top-level paths of the built site besides the sections and taxonomies: a free page may not take them.
_OTHER_PATHS = ("media", "search", "data", "pagefind", "download", "static", "page", "feed", "sitemap", "404")


def navigation(taxonomies: Iterable[Taxonomy]) -> list[dict[str, str]]:
    """The main navigation as plain data: ``{"url", "label"}`` (label is a message id), in order."""
    entries = [*NAV_SECTIONS, *((t.nav_position, t.url, t.nav_label) for t in taxonomies)]
    return [{"url": url, "label": label} for _, url, label in sorted(entries)]


def reserved_paths(taxonomies: Iterable[Taxonomy]) -> frozenset[str]:
    """Every top-level folder the site makes, which a free page's slug must not take."""
    return frozenset([*(url.rstrip("/") for _, url, _ in NAV_SECTIONS), *(t.key for t in taxonomies), *_OTHER_PATHS])
