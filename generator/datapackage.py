"""The tidy tables of data/ and the Frictionless Data Package (data/datapackage.json) that describes them.

practices.csv holds one row per case study or event with typed columns; every list field has a long table
of its own (one row per value, keyed by the practice's slug), so no cell ever needs a separator.
The same site gives the same bytes: rows and columns are in a fixed order and nothing depends on the clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from generator.model import CaseStudy, MonthDate, RenderedFile, YearOrDate
from generator.site import Site
from generator.vocab import country_name, slugify

__all__ = ["TABLES", "render_tables"]

# A field is (name, Table Schema type, description, extra properties).
_DATE_OR_MONTH = "date only when the content gives the day; the month column always has the month"
_PRACTICE_FIELDS = (
    ("type", "string", "case-study or event", {"constraints": {"required": True, "enum": ["case-study", "event"]}}),
    ("slug", "string", "the record's identifier (its file name)", {"constraints": {"required": True, "unique": True}}),
    ("lang", "string", "language of the record's text (BCP 47)", {}),
    ("url", "string", "the record's page: absolute when the site has a base_url, else relative to the site", {}),
    ("title", "string", "", {"constraints": {"required": True}}),
    ("summary", "string", "", {}),
    ("city", "string", "the city as written", {}),
    ("country", "string", "ISO 3166-1 alpha-2 code", {"constraints": {"pattern": "[A-Z]{2}"}}),
    ("country_name", "string", "the country's name in the site's language", {}),
    ("cynefin", "string", "Cynefin domain slug (empty for events without one)", {}),
    ("cynefin_label", "string", "the Cynefin domain's name in the site's language", {}),
    ("status", "string", "case studies: ongoing, completed or discontinued", {}),
    ("published", "date", "case studies: when the practice entered the library", {}),
    ("updated", "date", "case studies: last substantial update", {}),
    ("start_year", "integer", "case studies: the year the practice started", {}),
    ("start_date", "date", "case studies: the day it started, when the content gives a full date", {}),
    ("end_year", "integer", "case studies: the year the practice ended", {}),
    ("end_date", "date", "the last day: of a case study when given as a full date, of an event", {}),
    ("date", "date", f"events: the first day ({_DATE_OR_MONTH})", {}),
    ("date_month", "yearmonth", "events: the month of the first day (YYYY-MM)", {}),
    ("end_month", "yearmonth", "events: the month of the last day (YYYY-MM)", {}),
    ("method", "string", "events: the learning method's slug", {}),
    ("method_title", "string", "events: the learning method's title", {}),
    ("event", "string", "events: the series or forum", {}),
    ("contact_organisation", "string", "case studies: the team or office to ask", {}),
    ("contact_url", "string", "", {}),
    ("latitude", "number", "WGS 84", {"constraints": {"minimum": -90, "maximum": 90}}),
    ("longitude", "number", "WGS 84", {"constraints": {"minimum": -180, "maximum": 180}}),
    ("image", "string", "path of the image in the site (media/...)", {}),
    ("image_alt", "string", "the image's text alternative", {}),
    ("draft", "boolean", "true only in builds with --drafts", {}),
)

_SLUG = ("slug", "string", "the practice (practices.csv)", {"constraints": {"required": True}})
_POSITION = ("position", "integer", "order as written, from 1", {"constraints": {"required": True, "minimum": 1}})
_TO_PRACTICES = {"fields": "slug", "reference": {"resource": "practices", "fields": "slug"}}

# name -> (description, fields, primary key, foreign keys besides slug -> practices.slug)
TABLES: dict[str, tuple[str, tuple, list[str], list[dict]]] = {
    "practices": ("One row per case study or event.", _PRACTICE_FIELDS, ["slug"], []),
    "topics": (
        "Topics of each practice.",
        (_SLUG, ("topic", "string", "topic slug (topics.yml)", {}), ("topic_label", "string", "", {})),
        ["slug", "topic"],
        [],
    ),
    "sdgs": (
        "Sustainable Development Goals of each case study.",
        (_SLUG, ("sdg", "integer", "goal number", {"constraints": {"minimum": 1, "maximum": 17}})),
        ["slug", "sdg"],
        [],
    ),
    "methods": (
        "Learning methods a case study used.",
        (_SLUG, ("method", "string", "method slug", {}), ("method_title", "string", "", {})),
        ["slug", "method"],
        [],
    ),
    "sources": (
        "Sources of each practice.",
        (_SLUG, _POSITION, ("title", "string", "", {}), ("url", "string", "http(s) URL", {})),
        ["slug", "position"],
        [],
    ),
    "partners": (
        "Partner organisations and networks of each case study.",
        (_SLUG, _POSITION, ("partner", "string", "", {})),
        ["slug", "position"],
        [],
    ),
    "organizers": (
        "Organisers of each event.",
        (_SLUG, _POSITION, ("organizer", "string", "", {})),
        ["slug", "position"],
        [],
    ),
    "related": (
        "Practices each practice names as related.",
        (_SLUG, ("related", "string", "slug of the related practice", {})),
        ["slug", "related"],
        [{"fields": "related", "reference": {"resource": "practices", "fields": "slug"}}],
    ),
    "learned_from": (
        "Case studies each case study adapted (who learned from whom).",
        (_SLUG, ("learned_from", "string", "slug of the case study learned from", {})),
        ["slug", "learned_from"],
        [{"fields": "learned_from", "reference": {"resource": "practices", "fields": "slug"}}],
    ),
    "participants": (
        "Participating cities of each event.",
        (
            _SLUG,
            _POSITION,
            ("participant", "string", "the city as written", {}),
            ("participant_country", "string", "ISO code, when the content gives it", {}),
            ("city_url", "string", "the city's page, when the name matches one city of the library", {}),
        ),
        ["slug", "position"],
        [],
    ),
    "event_practices": (
        "Case studies discussed at each event.",
        (_SLUG, ("practice", "string", "case-study slug", {})),
        ["slug", "practice"],
        [{"fields": "practice", "reference": {"resource": "practices", "fields": "slug"}}],
    ),
    "translations": (
        "Translations of each practice.",
        (_SLUG, ("lang", "string", "", {}), ("title", "string", "", {}), ("url", "string", "", {})),
        ["slug", "lang"],
        [],
    ),
}

_NUMBERS = re.compile(r"-?\d+(\.\d+)?")


def _text(value: str) -> str:
    # A cell starting like a formula would run in a spreadsheet (CSV injection): make it text.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBERS.fullmatch(value):
        return "'" + value
    return value


def _cell(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("integer", "number"):
        return repr(value)
    return _text(str(value))


def _unique(values) -> list:
    return list(dict.fromkeys(values))


def _day_and_month(value: dt.date | YearOrDate | None) -> tuple[str | None, str | None]:
    """(ISO date or None, YYYY-MM or None): a date only when the day is known, never an invented one."""
    if value is None:
        return None, None
    if isinstance(value, MonthDate):  # the sources give only the month: no day is invented
        return None, f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, dt.date):
        return value.isoformat(), f"{value.year:04d}-{value.month:02d}"
    if getattr(value, "day", 0):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}", f"{value.year:04d}-{value.month:02d}"
    if getattr(value, "month", 0):
        return None, f"{value.year:04d}-{value.month:02d}"
    return None, None


class _Urls:
    def __init__(self, site: Site) -> None:
        self.base = site.content.config.base_url or ""

    def __call__(self, url: str | None) -> str | None:
        return self.base + url if url is not None else None


def _practice_row(site: Site, record, url: str, gettext) -> dict:
    row = {
        "type": record.kind,
        "slug": record.slug,
        "lang": record.lang,
        "url": url,
        "title": record.title,
        "summary": record.summary,
        "city": site.city_of[record.slug].name,
        "country": record.country,
        "country_name": country_name(record.country, site.lang),
        "cynefin": record.cynefin.value if record.cynefin else None,
        "cynefin_label": gettext(record.cynefin.value.capitalize()) if record.cynefin else None,
        "draft": bool(record.draft),
    }
    if isinstance(record, CaseStudy):
        start_day, _ = _day_and_month(record.start)
        end_day, _ = _day_and_month(record.end)
        row.update(
            status=record.status.value if record.status else None,
            published=record.published.isoformat(),
            updated=record.updated.isoformat() if record.updated else None,
            start_year=record.start.year if record.start else None,
            start_date=start_day,
            end_year=record.end.year if record.end else None,
            end_date=end_day,
            contact_organisation=record.contact.organisation if record.contact else None,
            contact_url=record.contact.url if record.contact else None,
            latitude=record.coordinates[0] if record.coordinates else None,
            longitude=record.coordinates[1] if record.coordinates else None,
            image=record.image,
            image_alt=record.image_alt,
        )
    else:
        row["date"], row["date_month"] = _day_and_month(record.date)
        row["end_date"], row["end_month"] = _day_and_month(record.end_date)
        method = site.methods.get(record.method)
        row.update(method=record.method, method_title=method.title if method else None, event=record.event)
    return row


def _list_rows(site: Site, record, translations: list[dict], absolute: _Urls) -> dict[str, list[dict]]:
    slug = record.slug
    rows: dict[str, list[dict]] = {name: [] for name in TABLES if name != "practices"}
    labels = {t.slug: t.label for t in site.content.topics}
    rows["topics"] = [{"slug": slug, "topic": t, "topic_label": labels.get(t)} for t in _unique(record.topics)]
    rows["sources"] = [
        {"slug": slug, "position": i, "title": s.title, "url": s.url} for i, s in enumerate(record.sources, 1)
    ]
    rows["translations"] = [{"slug": slug, **t} for t in translations]
    if isinstance(record, CaseStudy):
        rows["sdgs"] = [{"slug": slug, "sdg": n} for n in _unique(record.sdgs)]
        rows["methods"] = [
            {"slug": slug, "method": m, "method_title": site.methods[m].title if m in site.methods else None}
            for m in _unique(record.methods)
        ]
        rows["partners"] = [{"slug": slug, "position": i, "partner": p} for i, p in enumerate(record.partners, 1)]
        rows["related"] = [{"slug": slug, "related": r} for r in _unique(record.related)]
        rows["learned_from"] = [{"slug": slug, "learned_from": r} for r in _unique(record.learned_from)]
    else:
        rows["organizers"] = [{"slug": slug, "position": i, "organizer": o} for i, o in enumerate(record.organizers, 1)]
        matched = dict(site.participants.get(slug, ()))
        rows["participants"] = [
            {
                "slug": slug,
                "position": i,
                "participant": p.name,
                "participant_country": p.country,
                "city_url": absolute(matched[f"{p.name}, {p.country}" if p.country else p.name].url)
                if matched.get(f"{p.name}, {p.country}" if p.country else p.name)
                else None,
            }
            for i, p in enumerate(record.participants, 1)
        ]
        rows["event_practices"] = [{"slug": slug, "practice": p} for p in _unique(record.practices)]
    return rows


def _csv(fields: tuple, rows: list[dict], bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f[0] for f in fields])
    for row in rows:
        writer.writerow([_cell(row.get(name), kind) for name, kind, *_ in fields])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _schema_field(name: str, kind: str, description: str, extra: dict) -> dict:
    field = {"name": name, "type": kind}
    if description:
        field["description"] = description
    return {**field, **extra}


def _descriptor(site: Site, names: list[str]) -> dict:
    config = site.content.config
    package: dict = {
        "profile": "tabular-data-package",
        "name": slugify(config.title) or "practices",
        "title": config.title,
        "description": config.description,
    }
    if config.base_url:
        package["homepage"] = config.base_url
    if config.license:
        package["licenses"] = [{"name": config.license, "path": f"https://spdx.org/licenses/{config.license}.html"}]
    package["sources"] = [
        {"title": config.title, "path": config.repository or config.base_url}
        if config.repository or config.base_url
        else {"title": config.title}
    ]
    package["resources"] = []
    for name in names:
        description, fields, key, foreign = TABLES[name]
        schema = {
            "fields": [_schema_field(*f) for f in fields],
            "missingValues": [""],
            "primaryKey": key,
        }
        if name != "practices":
            schema["foreignKeys"] = [_TO_PRACTICES, *foreign]
        package["resources"].append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                # practices.csv starts with a byte-order mark so spreadsheet programs read it as UTF-8
                "encoding": "utf-8-sig" if name == "practices" else "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": schema,
            }
        )
    return package


def render_tables(site: Site, practices: list[tuple], gettext=lambda message: message) -> list[RenderedFile]:
    """data/<table>.csv and data/datapackage.json. ``practices`` is [(record as written, its url relative to the
    site root, its translations as [{lang, title, url}])], sorted as the exports list them."""
    absolute = _Urls(site)
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for record, url, translations in practices:
        rows["practices"].append(_practice_row(site, record, absolute(url), gettext))
        translated = [{**t, "url": absolute(t["url"])} for t in translations]
        for name, found in _list_rows(site, record, translated, absolute).items():
            rows[name].extend(found)
    names = list(TABLES)
    files = [RenderedFile(f"data/{n}.csv", _csv(TABLES[n][1], rows[n], bom=n == "practices")) for n in names]
    descriptor = json.dumps(_descriptor(site, names), indent=1, ensure_ascii=False) + "\n"
    files.append(RenderedFile("data/datapackage.json", descriptor.encode("utf-8")))
    return files
