"""Typed, immutable records of the content, each remembering where it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = [
    "CynefinDomain",
    "Status",
    "Stage",
    "Origin",
    "YearOrDate",
    "MonthDate",
    "Source",
    "Contact",
    "Participant",
    "Topic",
    "SiteConfig",
    "CaseStudy",
    "EventReport",
    "Method",
    "FreePage",
    "Translation",
    "Partial",
    "Body",
    "Content",
    "Record",
    "RenderedFile",
]


class CynefinDomain(StrEnum):
    CLEAR = "clear"
    COMPLICATED = "complicated"
    COMPLEX = "complex"
    CHAOTIC = "chaotic"
    CONFUSED = "confused"


class Status(StrEnum):
    ONGOING = "ongoing"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


class Stage(StrEnum):
    SEEK = "seek"
    SENSE = "sense"
    SHARE = "share"


@dataclass(frozen=True, slots=True)
class Origin:
    """The source file of a record and the line of each of its fields."""

    path: str  # as shown in messages: the --content folder joined with the file's place in it
    lines: tuple[tuple[str, int], ...] = ()
    content_path: str = ""  # inside the content folder: case-studies/matola.md

    def line(self, key: str) -> int:
        """Line of a field (or a nested path such as ``sources.1.url``); 1 if unknown."""
        found = dict(self.lines)
        while key:
            if key in found:
                return found[key]
            key = key.rpartition(".")[0]
        return 1


class MonthDate(dt.date):
    """An event date the sources give only to the month (``date: 2016-10``).

    It is the month's first day wherever dates are compared or sorted, and ``isoformat()`` gives
    ``YYYY-MM``, so that no page, export or feed prints a day the sources do not give.
    """

    __slots__ = ()

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"MonthDate({self.year}, {self.month})"


@dataclass(frozen=True, slots=True, order=True)
class YearOrDate:
    """A year (``2014``) or a full date, as the contract allows for start and end."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def is_year(self) -> bool:
        return not self.month

    def iso(self) -> str:
        return str(self.year) if self.is_year else f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def before(self, other: YearOrDate) -> bool:
        """True if self ends before other starts, comparing only what both know."""
        if self.is_year or other.is_year:
            return self.year < other.year
        return (self.year, self.month, self.day) < (other.year, other.month, other.day)


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Contact:
    organisation: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    """A participating city as written: ``Maputo`` or ``Maputo, MZ``."""

    name: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    label: str  # in the site's default language
    description: str
    origin: Origin
    labels: tuple[tuple[str, str], ...] = ()  # (language, text) where topics.yml gives a map by language
    descriptions: tuple[tuple[str, str], ...] = ()

    def in_language(self, lang: str) -> Topic:
        """This topic as a reader of ``lang`` sees it (the default language's text where none is given)."""
        label, description = (
            dict(self.labels).get(lang, self.label),
            dict(self.descriptions).get(lang, self.description),
        )
        return Topic(self.slug, label, description, self.origin, self.labels, self.descriptions)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    description: str
    base_url: str | None
    language: str
    languages: tuple[str, ...]
    license: str | None
    repository: str | None
    origin: Origin
    titles: tuple[tuple[str, str], ...] = ()  # (language, text) where site.yml gives a map by language
    descriptions: tuple[tuple[str, str], ...] = ()

    def in_language(self, lang: str) -> SiteConfig:
        """The settings as a reader of ``lang`` sees them: title and description in that language where given."""
        return replace(
            self,
            title=dict(self.titles).get(lang, self.title),
            description=dict(self.descriptions).get(lang, self.description),
        )


@dataclass(frozen=True, slots=True)
class Body:
    """A Markdown body rendered to sanitised HTML, with its H2 section titles."""

    html: str
    sections: tuple[str, ...] = ()
    empty_sections: tuple[str, ...] = ()  # the titles of top-level H2s with nothing under them


@dataclass(frozen=True, slots=True)
class CaseStudy:
    origin: Origin
    slug: str
    lang: str
    title: str
    summary: str
    published: dt.date
    city: str
    country: str
    topics: tuple[str, ...]
    cynefin: CynefinDomain
    body: Body
    updated: dt.date | None = None
    start: YearOrDate | None = None
    end: YearOrDate | None = None
    status: Status | None = None
    sdgs: tuple[int, ...] = ()
    partners: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    learned_from: tuple[str, ...] = ()
    contact: Contact | None = None
    sources: tuple[Source, ...] = ()
    coordinates: tuple[float, float] | None = None
    image: str | None = None
    image_alt: str | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()

    kind = "case-study"
    section = "case-studies"

    @property
    def date(self) -> dt.date:
        return self.published


@dataclass(frozen=True, slots=True)
class EventReport:
    origin: Origin
    slug: str
    lang: str
    title: str
    summary: str
    date: dt.date  # a MonthDate when the sources give only the month
    city: str
    country: str
    method: str
    topics: tuple[str, ...]
    body: Body
    end_date: dt.date | None = None
    event: str | None = None
    cynefin: CynefinDomain | None = None
    organizers: tuple[str, ...] = ()
    participants: tuple[Participant, ...] = ()
    practices: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    draft: bool = False
    aliases: tuple[str, ...] = ()

    kind = "event"
    section = "events"


@dataclass(frozen=True, slots=True)
class Method:
    origin: Origin
    slug: str
    lang: str
    title: str
    summary: str
    stages: tuple[Stage, ...]
    body: Body
    duration: str | None = None
    group_size: str | None = None
    draft: bool = False

    kind = "method"
    section = "methods"


@dataclass(frozen=True, slots=True)
class FreePage:
    origin: Origin
    slug: str
    lang: str
    title: str
    body: Body
    summary: str | None = None
    draft: bool = False

    kind = "page"
    section = ""


Record = CaseStudy | EventReport | Method | FreePage


@dataclass(frozen=True, slots=True)
class Translation:
    """``<slug>.<lang>.md``: a record's text in another language. Facts it repeats are kept only to be
    compared with the original's; the text fields replace the original's in that language's tree."""

    origin: Origin
    kind: str  # case-study, event, method or page, from the folder
    slug: str  # the original's
    lang: str
    body: Body
    values: tuple[tuple[str, object], ...] = ()  # every front-matter field it gives, validated
    draft: bool = False

    @property
    def section(self) -> str:
        return {"case-study": "case-studies", "event": "events", "method": "methods", "page": "pages"}[self.kind]


_SECTIONS = {"case-study": "case-studies", "event": "events", "method": "methods", "page": "pages"}


@dataclass(frozen=True, slots=True)
class Partial:
    """A record or translation whose file has errors: the front-matter fields that did convert, so that the
    cross-checks (duplicate slugs, references, translations) still run on it and every problem shows in one
    run. It is never published. A file that could not be read at all has no values."""

    origin: Origin
    kind: str  # case-study, event, method or page, from the folder
    slug: str
    lang: str = ""  # a translation's language (<slug>.<lang>.md); "" for a record
    values: tuple[tuple[str, object], ...] = ()  # each field that converted, by name

    @property
    def section(self) -> str:
        return _SECTIONS[self.kind]

    @property
    def is_translation(self) -> bool:
        return bool(self.lang)

    def get(self, key: str, default: object = None) -> object:
        """The converted value of a field, or ``default`` when it is missing or did not convert."""
        return dict(self.values).get(key, default)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything loaded from a content folder, each kind sorted by slug."""

    config: SiteConfig
    topics: tuple[Topic, ...]
    case_studies: tuple[CaseStudy, ...] = ()
    events: tuple[EventReport, ...] = ()
    methods: tuple[Method, ...] = ()
    pages: tuple[FreePage, ...] = ()
    media: tuple[str, ...] = field(default=())  # paths relative to content/, e.g. media/a.jpg
    translations: tuple[Translation, ...] = ()
    # files that exist but failed validation, with what could be read of them: they are cross-checked
    # (slugs, references, translations) but never published, and no reference to one is reported as unknown
    partial: tuple[Partial, ...] = ()
    # errors were found while loading (a partial record, a broken topics.yml...): the content is cross-checked,
    # never assembled into a site
    has_errors: bool = False


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One file of the built site: its path under the output folder, its bytes, and what made it."""

    path: str
    data: bytes
    source: str = ""
