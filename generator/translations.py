"""Translations (``<slug>.<lang>.md``): checked against their originals, then applied per language.

A translation may change only text; any fact it repeats must equal the original's once both are
normalised (the converters in converters.py already turn ``simple`` into ``clear`` and ``Colombia`` into
``CO``). ``localise_content`` gives the content as one language's tree shows it. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from enum import Enum
from typing import Any, TypeVar, cast

from generator.errors import Problem
from generator.model import Contact, Content, Partial, Participant, Record, Source, Translation, YearOrDate
from generator.records import TEXT_FIELDS

__all__ = ["check_translations", "localise_content", "localised_record", "text_versions"]

R = TypeVar("R", bound=Record)  # a record kind: localising keeps it


def _text_changes(kind: str) -> str:
    """What a translation of this kind may change, for the message about a contradicted fact."""
    fields = [("source titles" if name == "sources" else name) for name in TEXT_FIELDS[kind]]
    names = [*fields[:2], "body", *fields[2:]]
    return f"a translation may change only text ({', '.join(names)})"


def _key(record: Record | Translation) -> tuple[str, str]:
    """(content folder, slug): how a translation names its original."""
    return ("pages" if record.kind == "page" else record.section), record.slug


def _records_by_key(content: Content) -> dict[tuple[str, str], Record]:
    records: list[Record] = [*content.case_studies, *content.events, *content.methods, *content.pages]
    return {_key(r): r for r in records}


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, YearOrDate):
        return value.iso()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Participant):
        return f"{value.name}, {value.country}" if value.country else value.name
    if isinstance(value, Contact):
        return value.organisation + (f" <{value.url}>" if value.url else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_translations(content: Content) -> list[Problem]:
    """Unknown languages, orphans, a second text in the original's language, and contradicted facts; over the
    valid translations and originals and the partial ones (files with errors: the fields that converted)."""
    problems: list[Problem] = []
    originals: dict[tuple[str, str], Record | Partial] = {
        **{(p.section, p.slug): p for p in content.partial if not p.lang},
        **_records_by_key(content),
    }
    languages = content.config.languages
    translations: list[Translation | Partial] = [*content.translations, *(p for p in content.partial if p.lang)]
    for t in sorted(translations, key=lambda t: (t.section, t.slug, t.lang)):
        where = t.origin.path
        if t.lang not in languages:
            problems.append(
                Problem(
                    where,
                    1,
                    "lang",
                    f"'{t.lang}' is not a language of this site; add it to languages in site.yml (now: {', '.join(languages)})",
                )
            )
        original = originals.get((t.section, t.slug))
        if original is None:
            problems.append(
                Problem(
                    where,
                    1,
                    "slug",
                    f"translates '{t.slug}', but there is no {t.section}/{t.slug}.md; a translation sits beside its original",
                )
            )
            continue
        if t.lang == _value(original, "lang"):
            problems.append(
                Problem(
                    where,
                    1,
                    "lang",
                    f"'{t.lang}' is the language of the original ({original.origin.path}); a translation is in another language",
                )
            )
        problems += _contradictions(t, original)
    return problems


_MISSING = object()  # a field a partial original lacks or could not convert: nothing to compare with


def _value(record: Record | Partial, key: str) -> object:
    if isinstance(record, Partial):
        return record.get(key, _MISSING)
    return getattr(record, key, None)


def _contradictions(t: Translation | Partial, original: Record | Partial) -> list[Problem]:
    problems: list[Problem] = []
    text_fields = set(TEXT_FIELDS[t.kind]) - {"sources"}
    for key, value in t.values:
        theirs = _value(original, key)
        if key in text_fields or key in ("lang", "draft") or theirs is _MISSING:
            continue
        line = t.origin.line(key)
        if key == "sources":
            problems += _source_contradictions(
                t, cast(tuple[Source, ...], value), cast(tuple[Source, ...], theirs or ())
            )
            continue
        if value != theirs:
            shown = f"'{_show(theirs)}'" if theirs not in (None, ()) else "nothing"
            problems.append(
                Problem(
                    t.origin.path,
                    line,
                    key,
                    f"'{_show(value)}' differs from the original's {shown} ({original.origin.path}:{original.origin.line(key)}); {_text_changes(t.kind)}",
                )
            )
    return problems


def _source_contradictions(
    t: Translation | Partial, sources: tuple[Source, ...], originals: tuple[Source, ...]
) -> list[Problem]:
    if len(sources) != len(originals):
        return [
            Problem(
                t.origin.path,
                t.origin.line("sources"),
                "sources",
                f"lists {len(sources)} sources, the original {len(originals)}; give the original's sources in the same order (only their titles may change)",
            )
        ]
    return [
        Problem(
            t.origin.path,
            t.origin.line(f"sources.{i}.url"),
            "sources",
            f"'{mine.url}' differs from the original's source {i + 1} '{theirs.url}'; only a source's title may change",
        )
        for i, (mine, theirs) in enumerate(zip(sources, originals))
        if mine.url != theirs.url
    ]


def _applied(content: Content, drafts: bool) -> list[Translation]:
    return [t for t in content.translations if drafts or not t.draft]


def text_versions(content: Content, *, drafts: bool = False) -> dict[tuple[str, str], tuple[str, ...]]:
    """(section, slug) -> the languages its text exists in: the original's first, then its translations'."""
    versions = {key: [record.lang] for key, record in _records_by_key(content).items()}
    for t in _applied(content, drafts):
        if (t.section, t.slug) in versions:
            versions[(t.section, t.slug)].append(t.lang)
    return {key: tuple(langs) for key, langs in versions.items()}


def localised_record(record: R, t: Translation) -> R:
    """A record as its translation ``t`` shows it: the translation's text, the original's facts."""
    values = dict(t.values)
    changes: dict[str, Any] = {"lang": t.lang, "title": values["title"], "body": t.body, "origin": t.origin}
    for key in TEXT_FIELDS[t.kind]:
        if key in values and key not in ("title", "sources"):
            changes[key] = values[key]
    if "sources" in values:
        changes["sources"] = tuple(
            Source(mine.title, theirs.url)
            for mine, theirs in zip(cast(tuple[Source, ...], values["sources"]), getattr(record, "sources", ()))
        )
    return replace(record, **changes)


def localise_content(content: Content, lang: str, *, drafts: bool = False) -> Content:
    """The content as the ``lang`` tree shows it: each record in its ``lang`` translation where one exists
    (else as written), topic labels and the site's title and description in ``lang``."""
    by_key = {(t.section, t.slug): t for t in _applied(content, drafts) if t.lang == lang}

    def localised(records: Iterable[R]) -> tuple[R, ...]:
        return tuple(localised_record(r, by_key[_key(r)]) if _key(r) in by_key else r for r in records)

    return replace(
        content,
        config=content.config.in_language(lang),
        topics=tuple(t.in_language(lang) for t in content.topics),
        case_studies=localised(content.case_studies),
        events=localised(content.events),
        methods=localised(content.methods),
        pages=localised(content.pages),
    )
