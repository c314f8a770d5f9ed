"""Validate front matter into typed records (model.py): one table of fields for each kind of file.

Each field is required or not and has a converter (converters.py) that turns the YAML value into its
typed form or raises ``Invalid``. Every failure becomes a Problem at the line of the field, and all of
them are reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.addresses import contact, image, source
from generator.converters import (
    CITY_LIMIT,
    TITLE_LIMIT,
    Context,
    Invalid,
    Vocabulary,
    boolean,
    choice,
    coordinates,
    country,
    cynefin,
    date,
    date_or_month,
    language,
    limited,
    list_of,
    participant,
    plain_text,
    sdg,
    slug,
    summary,
    text,
    topic,
    year_or_date,
)
from generator.errors import Problem, Severity
from generator.model import (
    Body,
    CaseStudy,
    EventReport,
    FreePage,
    Method,
    Origin,
    Partial,
    Record,
    Stage,
    Status,
    Translation,
    YearOrDate,
)
from generator.source import SourceFile, YamlDocument
from generator.vocab import did_you_mean

__all__ = ["FIELDS", "NO_SOURCES", "TEXT_FIELDS", "build_record", "build_translation", "unreadable"]


@dataclass(frozen=True)
class _Field:
    convert: Callable[[Any, str, Context], Any]
    required: bool = False


# ---------------------------------------------------------------- field tables

_F = _Field
FIELDS: dict[str, dict[str, _Field]] = {
    "case-study": {
        "title": _F(limited(TITLE_LIMIT), True),
        "summary": _F(summary, True),
        "published": _F(date, True),
        "updated": _F(date),
        "city": _F(limited(CITY_LIMIT), True),
        "country": _F(country, True),
        "topics": _F(list_of(topic, non_empty=True), True),
        "cynefin": _F(cynefin, True),
        "start": _F(year_or_date),
        "end": _F(year_or_date),
        "status": _F(choice(Status)),
        "sdgs": _F(list_of(sdg)),
        "partners": _F(list_of(text)),
        "methods": _F(list_of(slug)),
        "related": _F(list_of(slug)),
        "learned_from": _F(list_of(slug)),
        "contact": _F(contact),
        "sources": _F(list_of(source)),
        "coordinates": _F(coordinates),
        "image": _F(image),
        "image_alt": _F(plain_text),
        "lang": _F(language),
        "draft": _F(boolean),
        "aliases": _F(list_of(slug)),
    },
    "event": {
        "title": _F(limited(TITLE_LIMIT), True),
        "summary": _F(summary, True),
        "date": _F(date_or_month, True),
        "end_date": _F(date),
        "city": _F(limited(CITY_LIMIT), True),
        "country": _F(country, True),
        "method": _F(slug, True),
        "topics": _F(list_of(topic, non_empty=True), True),
        "event": _F(text),
        "cynefin": _F(cynefin),
        "organizers": _F(list_of(text)),
        "participants": _F(list_of(participant)),
        "practices": _F(list_of(slug)),
        "sources": _F(list_of(source)),
        "lang": _F(language),
        "draft": _F(boolean),
        "aliases": _F(list_of(slug)),
    },
    "method": {
        "title": _F(limited(TITLE_LIMIT), True),
        "summary": _F(summary, True),
        "stages": _F(list_of(choice(Stage), non_empty=True), True),
        "duration": _F(text),
        "group_size": _F(text),
    },
    "page": {
        "title": _F(limited(TITLE_LIMIT), True),
        "summary": _F(summary),
        "lang": _F(language),
        "draft": _F(boolean),
    },
}

# What a translation may change: the text. Everything else it gives must equal the original's (translations.py).
TEXT_FIELDS = {
    "case-study": ("title", "summary", "image_alt", "sources"),
    "event": ("title", "summary", "event", "sources"),
    "method": ("title", "summary", "duration", "group_size"),
    "page": ("title", "summary"),
}

# An empty list of sources: readers cannot check the practice (the scaffold of practice new writes one).
NO_SOURCES = "lists no sources; add at least one {title, url} where readers can check what the record says"

# reports one more problem at a field's line: (field path, message, severity)
ReportProblem = Callable[..., None]

_RECORD_TYPES: dict[str, type[Record]] = {
    "case-study": CaseStudy,
    "event": EventReport,
    "method": Method,
    "page": FreePage,
}


def _front_matter(
    fields: dict[str, _Field], source_file: SourceFile, vocabulary: Vocabulary
) -> tuple[dict[str, Any], list[Problem], ReportProblem]:
    """Convert each front-matter value with its field's converter; returns the values, the problems and
    a function that reports one more problem at a field's line."""
    doc = source_file.front_matter
    ctx = Context(doc, vocabulary)
    problems: list[Problem] = []

    def problem(path: str, message: str, severity: Severity = Severity.ERROR) -> None:
        top = path.split(".", 1)[0]
        problems.append(Problem(source_file.path, doc.lines.get(path, doc.lines.get(top, 1)), top, message, severity))

    values: dict[str, Any] = {}
    for key, value in doc.values.items():
        spec = fields.get(key)
        if spec is None:
            problem(key, f"unknown field{did_you_mean(key, fields) or ' (allowed: ' + ', '.join(fields) + ')'}")
            continue
        try:
            values[key] = spec.convert(value, key, ctx)
        except Invalid as exc:
            for failure in exc.all():
                problem(failure.path or key, failure.message)
    return values, problems, problem


def _origin(source_file: SourceFile) -> Origin:
    content_path = "/".join(source_file.path.rsplit("/", 2)[-2:])
    return Origin(source_file.path, tuple(sorted(source_file.front_matter.lines.items())), content_path)


def build_record(
    kind: str, slug_: str, source_file: SourceFile, body: Body | None, vocabulary: Vocabulary
) -> tuple[Record | Partial, list[Problem]]:
    """Validate one file's front matter; returns (record, problems), the record a ``Partial`` (the fields
    that converted) when there is an error or no ``body`` (its Markdown failed), so it is still cross-checked."""
    fields = FIELDS[kind]
    doc = source_file.front_matter
    values, problems, problem = _front_matter(fields, source_file, vocabulary)
    for key, spec in fields.items():
        if spec.required and key not in doc.values:
            problems.append(Problem(source_file.path, 1, key, "is required but missing"))

    _check_order(values, doc, problem)
    # checked on the fields as written, so a too-large or misplaced image still asks for its text
    if "image" in doc.values and "image_alt" not in doc.values:
        problem("image", "needs an image_alt text describing the image")
    if "image_alt" in doc.values and "image" not in doc.values:
        problem("image_alt", "is given without an image")
    if values.get("sources") == ():
        problem("sources", NO_SOURCES, Severity.WARNING)
    if "lang" not in doc.values:
        values["lang"] = vocabulary.default_lang
    if body is None or any(p.is_error for p in problems):
        return Partial(_origin(source_file), kind, slug_, values=tuple(sorted(values.items()))), problems
    return _RECORD_TYPES[kind](origin=_origin(source_file), slug=slug_, body=body, **values), problems


def build_translation(
    kind: str, slug_: str, lang: str, source_file: SourceFile, body: Body | None, vocabulary: Vocabulary
) -> tuple[Translation | Partial, list[Problem]]:
    """Validate a translation's front matter (``<slug>.<lang>.md``): the same fields as its kind, of which
    only the text ones are required; returns (Translation, or a Partial when there is an error or no body,
    and the problems)."""
    fields = {**FIELDS[kind], "lang": _F(language), "draft": _F(boolean)}
    values, problems, problem = _front_matter(fields, source_file, vocabulary)
    for key in TEXT_FIELDS[kind]:
        if fields[key].required and key not in source_file.front_matter.values:
            problems.append(
                Problem(
                    source_file.path,
                    1,
                    key,
                    "is required but missing (a translation gives the text fields in its language)",
                )
            )
    if "lang" in values and values["lang"] != lang:
        problem("lang", f"'{values['lang']}' differs from the file name's language '{lang}' ({slug_}.{lang}.md)")
    if body is None or any(p.is_error for p in problems):
        return Partial(_origin(source_file), kind, slug_, lang, tuple(sorted(values.items()))), problems
    draft = values.pop("draft", False)
    return Translation(_origin(source_file), kind, slug_, lang, body, tuple(sorted(values.items())), draft), problems


def unreadable(kind: str, slug_: str, display: str, lang: str = "") -> Partial:
    """A file that exists but could not be read (its problems are reported where reading failed): it still
    holds its slug, so references to it are not reported as unknown."""
    return Partial(Origin(display, (), "/".join(display.rsplit("/", 2)[-2:])), kind, slug_, lang)


def _check_order(values: dict[str, Any], doc: YamlDocument, problem: ReportProblem) -> None:
    pairs = [("published", "updated"), ("start", "end"), ("date", "end_date")]
    for first, second in pairs:
        if first in values and second in values:
            a, b = values[first], values[second]
            if b.before(a) if isinstance(a, YearOrDate) else b < a:
                problem(second, f"{_iso(b)} is before {first} {_iso(a)}")


def _iso(value: YearOrDate | dt.date) -> str:
    return value.iso() if isinstance(value, YearOrDate) else value.isoformat()
