"""Converters: each turns one front-matter value into its typed form or raises ``Invalid``.

A converter takes the YAML value, its path (``sources.1.url``) and a ``Context`` (the document, for the
value as written and its lines, and the ``Vocabulary`` it is checked against). records.py puts them in
one table per kind of file; config.py uses them for site.yml and topics.yml. Values that point somewhere
(URLs, sources, contacts, media paths) are converted in addresses.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from generator.model import CynefinDomain, MonthDate, Participant, YearOrDate
from generator.source import InvalidDate, YamlDocument
from generator.vocab import (
    CYNEFIN_ALIASES,
    SLUG_RE,
    country_code,
    country_suggestion,
    device_name_problem,
    did_you_mean,
)

__all__ = [
    "CITY_LIMIT",
    "EARLIEST_YEAR",
    "LANG_PATTERN",
    "SUMMARY_LIMIT",
    "TEXT_LIMIT",
    "TITLE_LIMIT",
    "YEARS_AHEAD",
    "Context",
    "Converter",
    "Invalid",
    "Vocabulary",
    "boolean",
    "choice",
    "coordinates",
    "country",
    "cynefin",
    "date",
    "date_or_month",
    "language",
    "limited",
    "list_of",
    "participant",
    "plain_text",
    "record",
    "sdg",
    "slug",
    "summary",
    "text",
    "topic",
    "year_or_date",
]

SUMMARY_LIMIT = 300
# Length caps, checked before any pattern runs on a value (a pattern on 240 KB of '<a' took 17 s, and a
# 500 KB title is repeated on every list page): titles, cities and any other text field.
TITLE_LIMIT = 200
CITY_LIMIT = 100
TEXT_LIMIT = 300
# start and end: a year range that bounds the search's year filters (start: 1000, end: 9999 made 9,000).
EARLIEST_YEAR = 1800
YEARS_AHEAD = 10  # a planned end may lie up to ten years after the current year
LANG_PATTERN = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"  # a BCP 47 tag as the contract takes it: pt, pt-BR
_LANG_RE = re.compile(f"^{LANG_PATTERN}$")
_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")
# No text field may hold C0/C1 control characters (other than the line breaks and tabs below), DEL,
# lone surrogates (YAML's "\ud800" escape) or the non-characters U+FFFE and U+FFFF: XML 1.0 cannot
# carry most of them (a feed with one does not parse), UTF-8 cannot encode a lone surrogate, and all
# are invisible in a review.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Nor invisible formatting characters that change what a reader sees: bidi embeddings, overrides and
# isolates (a city "\u202euohzgnaH" shows as Hangzhou but is another city), the direction marks, zero-width
# space, word joiner and a byte-order mark inside text. ZWNJ and ZWJ (U+200C, U+200D) stay: Persian and
# Indic scripts need them.
_INVISIBLE_RE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# Line breaks and tabs inside a value become one space, so no value spans lines of a report.
_BREAK_RE = re.compile("[ ]*[\t\n\r\x0b\x0c\x85\u2028\u2029]+[ ]*")


class Invalid(Exception):
    """A value that breaks a rule; ``others`` carries further failures of the same list."""

    def __init__(self, message: str, path: str | None = None, others: tuple[Invalid, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.path, self.others = message, path, others

    def all(self) -> tuple[Invalid, ...]:
        return (self, *self.others)


@dataclass(frozen=True)
class Vocabulary:
    """What the values of a record are checked against."""

    topics: frozenset[str] | None  # None when topics.yml cannot be read: topics are then not checked
    default_lang: str
    content_dir: Path
    # each poster section's accepted H2 headings, in every language of the site (i18n.poster_section_names)
    poster_sections: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Context:
    doc: YamlDocument
    vocabulary: Vocabulary


# A converter: (YAML value, its path such as sources.1.url, context) -> the typed value, or raises Invalid.
Converter = Callable[[Any, str, Context], Any]


# ---------------------------------------------------------------- converters


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return "text"


def text(value: Any, path: str, ctx: Context, limit: int = TEXT_LIMIT) -> str:
    if isinstance(value, str) and not isinstance(value, InvalidDate):
        if len(value) > limit:  # before any pattern runs on it
            raise Invalid(f"is {len(value):,} characters long; the limit is {limit}")
        invisible = _CONTROL_RE.search(value) or _INVISIBLE_RE.search(value)
        if invisible:
            raise Invalid(
                f"contains the character U+{ord(invisible.group()):04X}, which is invisible and cannot be published; remove it"
            )
        result = _BREAK_RE.sub(" ", value).strip()
        if not result:
            raise Invalid("must not be empty")
        return result
    raw = ctx.doc.raw.get(path)
    if raw is not None and not isinstance(value, (list, dict)) and value is not None:
        raise Invalid(f'expected text, but YAML reads {raw} as {_describe(value)}; put it in quotes: "{raw}"')
    raise Invalid(f"expected text, got {_describe(value)}")


def limited(limit: int) -> Converter:
    """``text`` with its own length cap."""

    def convert(value: Any, path: str, ctx: Context) -> str:
        return text(value, path, ctx, limit)

    return convert


def plain_text(value: Any, path: str, ctx: Context, limit: int = TEXT_LIMIT) -> str:
    result = text(value, path, ctx, limit)
    if _TAG_RE.search(result):
        raise Invalid("must be plain text, without HTML tags")
    return result


def summary(value: Any, path: str, ctx: Context) -> str:
    if isinstance(value, str):  # measured as published (spaces collapsed), before any pattern runs
        length = len(" ".join(value.split()))
        if length > SUMMARY_LIMIT:
            raise Invalid(f"is {length:,} characters long; the limit is {SUMMARY_LIMIT}")
    # the raw cap leaves room for the spaces and line breaks a folded YAML block may hold
    return " ".join(plain_text(value, path, ctx, limit=2 * SUMMARY_LIMIT).split())


def date(value: Any, path: str, ctx: Context) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = ctx.doc.raw.get(path, value)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(f"'{raw}' is not a valid date (write it as YYYY-MM-DD)")


_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")


def date_or_month(value: Any, path: str, ctx: Context) -> dt.date:
    """An event's date: an ISO date, or ``YYYY-MM`` when the sources give only the month (a MonthDate)."""
    if isinstance(value, str) and not isinstance(value, InvalidDate):
        month = _MONTH_RE.fullmatch(value.strip())
        if month and 1 <= int(month.group(2)) <= 12 and int(month.group(1)) >= 1:
            return MonthDate(int(month.group(1)), int(month.group(2)), 1)
    try:
        return date(value, path, ctx)
    except Invalid:
        raw = ctx.doc.raw.get(path, value)
        raise Invalid(
            f"'{raw}' is not a valid date (write it as YYYY-MM-DD, or YYYY-MM when only the month is known)"
        ) from None


def year_or_date(value: Any, path: str, ctx: Context) -> YearOrDate:
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1000 <= value <= 9999:
            raise Invalid(f"'{value}' is not a year (write a four-digit year or YYYY-MM-DD)")
        found = YearOrDate(value)
    else:
        try:
            day = date(value, path, ctx)
        except Invalid:
            raise Invalid(
                f"'{ctx.doc.raw.get(path, value)}' is not a year or a date (write 2014 or 2014-05-01)"
            ) from None
        found = YearOrDate(day.year, day.month, day.day)
    latest = dt.date.today().year + YEARS_AHEAD
    if not EARLIEST_YEAR <= found.year <= latest:
        raise Invalid(f"{found.year} is out of range; years run from {EARLIEST_YEAR} to {latest}")
    return found


def boolean(value: Any, path: str, ctx: Context) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid(f"expected true or false, got {_describe(value)}")


def list_of(item: Converter, *, non_empty: bool = False, unique: bool = True, most: int | None = None) -> Converter:
    def convert(value: Any, path: str, ctx: Context) -> tuple[Any, ...]:
        if not isinstance(value, list):
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                raise Invalid(f"expected a list; write [{value}] or one '- {value}' line per item")
            raise Invalid(f"expected a list, got {_describe(value)}")
        if non_empty and not value:
            raise Invalid("must list at least one item")
        if most is not None and len(value) > most:
            raise Invalid(f"lists {len(value):,} items; the limit is {most}")
        results, failures = [], []
        for i, element in enumerate(value):
            try:
                converted = item(element, f"{path}.{i}", ctx)
            except Invalid as exc:  # every failure of the item: a source may have a bad title and a bad url
                failures += [Invalid(f.message, f.path or f"{path}.{i}") for f in exc.all()]
                continue
            if unique and converted in results:
                failures.append(Invalid(f"'{element}' is listed twice", f"{path}.{i}"))
            results.append(converted)
        if failures:
            raise Invalid(failures[0].message, failures[0].path, tuple(failures[1:]))
        return tuple(results)

    return convert


def slug(value: Any, path: str, ctx: Context) -> str:
    result = text(value, path, ctx)
    if not SLUG_RE.match(result):
        raise Invalid(f"'{result}' is not a slug (lowercase ASCII letters, digits and hyphens)")
    if problem := device_name_problem(result):  # an alias of that name would be a folder Windows cannot check out
        raise Invalid(problem)
    return result


def topic(value: Any, path: str, ctx: Context) -> str:
    result = text(value, path, ctx)
    if ctx.vocabulary.topics is None:  # topics.yml is broken: its own errors say so, not every record's
        return result
    if result not in ctx.vocabulary.topics:
        raise Invalid(f"'{result}' is not a topic in topics.yml{did_you_mean(result, sorted(ctx.vocabulary.topics))}")
    return result


def cynefin(value: Any, path: str, ctx: Context) -> CynefinDomain:
    result = text(value, path, ctx).lower()
    if result in CYNEFIN_ALIASES:
        return CYNEFIN_ALIASES[result]
    try:
        return CynefinDomain(result)
    except ValueError:
        choices = [d.value for d in CynefinDomain] + list(CYNEFIN_ALIASES)
        hint = did_you_mean(result, choices) or f" (choose {', '.join(d.value for d in CynefinDomain)})"
        raise Invalid(f"'{value}' is not a Cynefin domain{hint}") from None


def choice(enum: type[StrEnum]) -> Converter:
    def convert(value: Any, path: str, ctx: Context) -> StrEnum:
        result = text(value, path, ctx)
        try:
            return enum(result)
        except ValueError:
            names = [e.value for e in enum]
            raise Invalid(f"'{result}' is not one of {', '.join(names)}{did_you_mean(result, names)}") from None

    return convert


def country(value: Any, path: str, ctx: Context) -> str:
    result = text(value, path, ctx)
    code = country_code(result)
    if code is None:
        raise Invalid(
            f"'{result}' is not an ISO 3166-1 country code or English country name{country_suggestion(result)}"
        )
    return code


def sdg(value: Any, path: str, ctx: Context) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a number from 1 to 17, got {_describe(value)}")
    if not 1 <= value <= 17:
        raise Invalid(f"{value} is not an SDG; the goals are numbered 1 to 17")
    return value


def record(fields: dict[str, Converter], required: tuple[str, ...], build: Callable[..., Any]) -> Converter:
    def convert(value: Any, path: str, ctx: Context) -> Any:
        if not isinstance(value, dict):
            raise Invalid(f"expected a mapping with {', '.join(fields)}, got {_describe(value)}")
        out, failures = {}, []
        for key, item in value.items():  # each key on its own: every failure is reported
            if key not in fields:
                failures.append(Invalid(f"unknown field '{key}'{did_you_mean(key, fields)}", f"{path}.{key}"))
                continue
            try:
                out[key] = fields[key](item, f"{path}.{key}", ctx)
            except Invalid as exc:
                failures += [Invalid(f"{key}: {f.message}", f.path or f"{path}.{key}") for f in exc.all()]
        failures += [Invalid(f"'{k}' is required") for k in required if k not in value]
        if failures:
            raise Invalid(failures[0].message, failures[0].path, tuple(failures[1:]))
        return build(**out)

    return convert


def coordinates(value: Any, path: str, ctx: Context) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        raise Invalid("expected [latitude, longitude] as two numbers")
    lat, lon = float(value[0]), float(value[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid(f"[{value[0]}, {value[1]}] is out of range (latitude -90..90, longitude -180..180)")
    return lat, lon


def language(value: Any, path: str, ctx: Context) -> str:
    result = text(value, path, ctx)
    if not _LANG_RE.match(result):
        raise Invalid(f"'{result}' is not a BCP 47 language tag (e.g. en, pt, pt-BR)")
    return result


def participant(value: Any, path: str, ctx: Context) -> Participant:
    result = text(value, path, ctx)
    name, sep, code = result.rpartition(",")
    if sep and len(code.strip()) == 2:
        found = country_code(code.strip())
        if not found:
            raise Invalid(f"'{code.strip()}' in '{result}' is not an ISO 3166-1 country code")
        return Participant(name.strip(), found)
    return Participant(result)
