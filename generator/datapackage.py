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
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from generator.model import CaseStudy, MonthDate, RenderedFile, YearOrDate
from generator.site import Practice, Site
from generator.taxonomies import Taxonomy
from generator.vocab import slugify

__all__ = ["LIST_TABLES", "claim_columns", "render_tables", "tables", "taxonomy_values"]

_T = TypeVar("_T")

# A field is (name, Table Schema type, description, extra properties).
Field = tuple[str, str, str, dict[str, object]]
# A table is (description, fields, primary key, foreign keys besides slug -> practices.slug).
Table = tuple[str, tuple[Field, ...], list[str], list[dict[str, object]]]
_DATE_OR_MONTH = "date only when the content gives the day; the month column always has the month"
_PRACTICE_FIELDS: tuple[Field, ...] = (
    ("type", "string", "case-study or event", {"constraints": {"required": True, "enum": ["case-study", "event"]}}),
    ("slug", "string", "the record's identifier (its file name)", {"constraints": {"required": True, "unique": True}}),
    ("lang", "string", "language of the record's text (BCP 47)", {}),
    ("url", "string", "the record's page: absolute when the site has a base_url, else relative to the site", {}),
    ("title", "string", "", {"constraints": {"required": True}}),
    ("summary", "string", "", {}),
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

_SLUG: Field = ("slug", "string", "the practice (practices.csv)", {"constraints": {"required": True}})
_POSITION: Field = (
    "position",
    "integer",
    "order as written, from 1",
    {"constraints": {"required": True, "minimum": 1}},
)
_TO_PRACTICES: dict[str, object] = {"fields": "slug", "reference": {"resource": "practices", "fields": "slug"}}

# The columns of practices.csv in schema 2's order. The columns of the declared taxonomies with one term a
# practice (taxonomies.py: city, country, cynefin by default) take their places here by name; a column this
# list does not name comes last, in the order of the declarations.
_PRACTICE_ORDER = (
    *(f[0] for f in _PRACTICE_FIELDS[:6]),  # type ... summary
    *("city", "country", "country_name", "cynefin", "cynefin_label"),
    *(f[0] for f in _PRACTICE_FIELDS[6:]),  # status ... draft
)

# The long tables of the fields that are not taxonomies, after those of the declared taxonomies with a list
# of terms (topics, sdgs by default): name -> (description, fields, primary key, foreign keys besides
# slug -> practices.slug)
LIST_TABLES: dict[str, Table] = {
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


def taxonomy_values(
    site: Site, declarations: Iterable[Taxonomy], record: Practice
) -> Iterator[tuple[Taxonomy, list[tuple[str | int, str, str]]]]:
    """Each declared export column's taxonomy with a practice's terms there, as (value in the exports, key,
    label) in the practice's order; a taxonomy that does not apply to the practice (SDGs of events) is left out."""
    found = site.terms_of.get(record.slug, {})
    for taxonomy in declarations:
        terms = found.get(taxonomy.key)
        if taxonomy.export_column is not None and terms is not None:
            yield taxonomy, [(taxonomy.export.value(key, label), key, label) for key, label in terms]


def claim_columns(taken: dict[str, str], taxonomy: Taxonomy, names: Iterable[str]) -> None:
    """Note that ``taxonomy`` exports to ``names``; ``taken`` says what each name already is. A declared export
    column may not take a name the exports already use."""
    for name in names:
        if name in taken:
            raise ValueError(f"taxonomy {taxonomy.key!r}: its export column {name!r} is already {taken[name]}")
        taken[name] = f"the export column of taxonomy {taxonomy.key!r}"


def tables(declarations: Iterable[Taxonomy]) -> dict[str, Table]:
    """Every table of data/, in order: practices, the long table of each declared taxonomy with a list of
    terms, then the long tables of the other list fields."""
    practice_fields = [*_PRACTICE_FIELDS]
    taken_tables = dict.fromkeys(["practices", *LIST_TABLES], "a table of data/")
    taken_columns = {f[0]: "a column of practices.csv" for f in _PRACTICE_FIELDS}
    lists: dict[str, Table] = {}
    for taxonomy in declarations:
        export, column = taxonomy.export, taxonomy.export_column
        if column is None:
            continue
        extra: dict[str, object] = {"constraints": dict(export.constraints)} if export.constraints else {}
        value: Field = (export.field or column, export.type, export.description, extra)
        label: tuple[Field, ...] = (
            ((export.label_field, "string", export.label_description, {}),) if export.label_field else ()
        )
        if export.single:
            claim_columns(taken_columns, taxonomy, [value[0], *(f[0] for f in label)])
            practice_fields += [value, *label]
        else:
            claim_columns(taken_tables, taxonomy, [column])
            lists[column] = (export.table_description, (_SLUG, value, *label), ["slug", value[0]], [])
    order = {name: i for i, name in enumerate(_PRACTICE_ORDER)}
    practice_fields.sort(key=lambda f: order.get(f[0], len(order)))
    practices: Table = ("One row per case study or event.", tuple(practice_fields), ["slug"], [])
    return {"practices": practices, **lists, **LIST_TABLES}


_NUMBERS = re.compile(r"-?\d+(\.\d+)?")


def _text(value: str) -> str:
    # A cell starting like a formula would run in a spreadsheet (CSV injection): make it text.
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBERS.fullmatch(value):
        return "'" + value
    return value


def _cell(value: object, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("integer", "number"):
        return repr(value)
    return _text(str(value))


def _unique(values: Iterable[_T]) -> list[_T]:
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


def _practice_row(
    site: Site, declarations: Iterable[Taxonomy], record: Practice, url: str | None, gettext: Callable[[str], str]
) -> dict[str, object]:
    row: dict[str, object] = {
        "type": record.kind,
        "slug": record.slug,
        "lang": record.lang,
        "url": url,
        "title": record.title,
        "summary": record.summary,
        "draft": bool(record.draft),
    }
    for taxonomy, terms in taxonomy_values(site, declarations, record):
        if taxonomy.export.single:
            value, key, label = terms[0] if terms else (None, "", "")
            row[taxonomy.export.field or taxonomy.export_column or ""] = value
            if taxonomy.export.label_field:
                row[taxonomy.export.label_field] = taxonomy.term_name(key, label, gettext) if terms else None
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


def _list_rows(
    site: Site,
    declarations: Iterable[Taxonomy],
    record: Practice,
    translations: list[dict[str, str | None]],
    absolute: _Urls,
    gettext: Callable[[str], str],
) -> dict[str, list[dict[str, object]]]:
    slug = record.slug
    rows: dict[str, list[dict[str, object]]] = {}
    for taxonomy, terms in taxonomy_values(site, declarations, record):
        if not taxonomy.export.single:
            export, column = taxonomy.export, taxonomy.export_column or ""
            rows[column] = [
                {
                    "slug": slug,
                    export.field or column: value,
                    **({export.label_field: taxonomy.term_name(key, label, gettext)} if export.label_field else {}),
                }
                for value, key, label in terms
            ]
    rows["sources"] = [
        {"slug": slug, "position": i, "title": s.title, "url": s.url} for i, s in enumerate(record.sources, 1)
    ]
    rows["translations"] = [{"slug": slug, **t} for t in translations]
    if isinstance(record, CaseStudy):
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
        rows["participants"] = []
        for i, p in enumerate(record.participants, 1):
            city = matched.get(f"{p.name}, {p.country}" if p.country else p.name)
            rows["participants"].append(
                {
                    "slug": slug,
                    "position": i,
                    "participant": p.name,
                    "participant_country": p.country,
                    "city_url": absolute(city.url) if city else None,
                }
            )
        rows["event_practices"] = [{"slug": slug, "practice": p} for p in _unique(record.practices)]
    return rows


def _csv(fields: tuple[Field, ...], rows: list[dict[str, object]], bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f[0] for f in fields])
    for row in rows:
        writer.writerow([_cell(row.get(name), kind) for name, kind, *_ in fields])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def _schema_field(name: str, kind: str, description: str, extra: dict[str, object]) -> dict[str, object]:
    field: dict[str, object] = {"name": name, "type": kind}
    if description:
        field["description"] = description
    return {**field, **extra}


def _descriptor(site: Site, tables: dict[str, Table]) -> dict[str, object]:
    config = site.content.config
    package: dict[str, object] = {
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
    resources: list[dict[str, object]] = []
    for name, (description, fields, key, foreign) in tables.items():
        schema: dict[str, object] = {
            "fields": [_schema_field(*f) for f in fields],
            "missingValues": [""],
            "primaryKey": key,
        }
        if name != "practices":
            schema["foreignKeys"] = [_TO_PRACTICES, *foreign]
        resources.append(
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
    package["resources"] = resources
    return package


def render_tables(
    site: Site,
    declarations: tuple[Taxonomy, ...],
    practices: list[tuple[Practice, str, list[dict[str, str]]]],
    gettext: Callable[[str], str],
) -> list[RenderedFile]:
    """data/<table>.csv and data/datapackage.json, with the export columns of the taxonomy ``declarations``.
    ``practices`` is [(record as written, its url relative to the site root, its translations as
    [{lang, title, url}])], sorted as the exports list them."""
    absolute = _Urls(site)
    every = tables(declarations)
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in every}
    for record, url, translations in practices:
        rows["practices"].append(_practice_row(site, declarations, record, absolute(url), gettext))
        translated = [{**t, "url": absolute(t["url"])} for t in translations]
        for name, found in _list_rows(site, declarations, record, translated, absolute, gettext).items():
            rows[name].extend(found)
    files = [RenderedFile(f"data/{n}.csv", _csv(t[1], rows[n], bom=n == "practices")) for n, t in every.items()]
    descriptor = json.dumps(_descriptor(site, every), indent=1, ensure_ascii=False) + "\n"
    files.append(RenderedFile("data/datapackage.json", descriptor.encode("utf-8")))
    return files
