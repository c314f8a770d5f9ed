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
from collections.abc import Callable, Iterable
from functools import partial
from typing import TypeVar

from generator.data_tables import (
    TO_PRACTICES,
    Field,
    FormattedRecords,
    Table,
    export_inputs,
    tables,
    taxonomy_values,
)
from generator.model import CaseStudy, MonthDate, RenderedFile, YearOrDate
from generator.site import Practice, Site
from generator.taxonomies import Taxonomy
from generator.vocab import slugify

__all__ = ["render_tables"]

_T = TypeVar("_T")


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


class _Lines:
    """CSV lines (with the tables' dialect) as text, one practice's rows of one table at a time."""

    def __init__(self) -> None:
        self._out = io.StringIO()
        self._writer = csv.writer(self._out, lineterminator="\r\n")

    def header(self, fields: tuple[Field, ...]) -> str:
        self._writer.writerow([f[0] for f in fields])
        return self._taken()

    def rows(self, fields: tuple[Field, ...], rows: list[dict[str, object]]) -> str:
        for row in rows:
            self._writer.writerow([_cell(row.get(name), kind) for name, kind, *_ in fields])
        return self._taken()

    def _taken(self) -> str:
        text = self._out.getvalue()
        self._out.seek(0)
        self._out.truncate()
        return text


def _record_lines(
    site: Site,
    declarations: tuple[Taxonomy, ...],
    record: Practice,
    url: str,
    translations: list[dict[str, str]],
    gettext: Callable[[str], str],
    every: dict[str, Table],
    lines: _Lines,
) -> dict[str, str]:
    """A practice's rows in each table of data/, as CSV text."""
    absolute = _Urls(site)
    rows = {"practices": [_practice_row(site, declarations, record, absolute(url), gettext)]}
    translated: list[dict[str, str | None]] = [{**t, "url": absolute(t["url"])} for t in translations]
    rows.update(_list_rows(site, declarations, record, translated, absolute, gettext))
    return {name: lines.rows(every[name][1], found) for name, found in rows.items()}


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
            schema["foreignKeys"] = [TO_PRACTICES, *foreign]
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
    memory: FormattedRecords | None = None,
) -> list[RenderedFile]:
    """data/<table>.csv and data/datapackage.json, with the export columns of the taxonomy ``declarations``.
    ``practices`` is [(record as written, its url relative to the site root, its translations as
    [{lang, title, url}])], sorted as the exports list them. ``memory``: each practice's lines as an earlier
    build made them (see FormattedRecords), used where their inputs are unchanged."""
    every = tables(declarations)
    lines = _Lines()
    parts: dict[str, list[str]] = {name: [lines.header(table[1])] for name, table in every.items()}
    for record, url, translations in practices:
        make = partial(_record_lines, site, declarations, record, url, translations, gettext, every, lines)
        if memory is None:
            made = make()
        else:
            key = ("csv", record.kind, record.slug)
            made = memory.get(key, export_inputs(site, record, url, translations), make)
        for name, text in made.items():
            parts[name].append(text)
    files = [
        RenderedFile(f"data/{name}.csv", "".join(parts[name]).encode("utf-8-sig" if name == "practices" else "utf-8"))
        for name in every
    ]
    descriptor = json.dumps(_descriptor(site, every), indent=1, ensure_ascii=False) + "\n"
    files.append(RenderedFile("data/datapackage.json", descriptor.encode("utf-8")))
    return files
