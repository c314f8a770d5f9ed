"""Machine-readable outputs: Atom feeds, the sitemap, and the JSON and CSV data exports."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from functools import partial
from importlib import resources
from xml.sax.saxutils import escape

from generator.data_tables import FormattedRecords, claim_columns, export_inputs, taxonomy_values
from generator.datapackage import render_tables
from generator.model import CaseStudy, MonthDate, RenderedFile
from generator.site import Practice, Site, language_tree, record_url
from generator.taxonomies import Taxonomy
from generator.vocab import slugify

__all__ = [
    "render_feeds",
    "render_sitemap",
    "render_data_exports",
    "EXPORT_FIELDS",
    "SCHEMA_PATH",
]

_ATOM = "http://www.w3.org/2005/Atom"


def _untranslated(message: str) -> str:
    return message


FEED_SIZE = 50

# The keys of data/practices.json's records in schema 2's order. The columns of the declared taxonomies
# (taxonomies.py: city, country, topics, cynefin, sdgs by default) take their places here by name; a column
# this list does not name comes after these, in the order of the declarations.
EXPORT_FIELDS = (
    "type",
    "slug",
    "lang",
    "url",
    "title",
    "summary",
    "city",
    "country",
    "topics",
    "cynefin",
    "published",
    "updated",
    "date",
    "end_date",
    "start",
    "end",
    "status",
    "sdgs",
    "partners",
    "methods",
    "method",
    "event",
    "organizers",
    "participants",
    "practices",
    "related",
    "learned_from",
    "contact_organisation",
    "contact_url",
    "sources",
    "coordinates",
    "image",
    "image_alt",
    "translations",
)


def _absolute(site: Site, url: str) -> str | None:
    base = site.content.config.base_url
    return base + url if base else None


def _tree(site: Site) -> str:
    return language_tree(site.lang, site.languages)


def _entry_id(site: Site, record: Practice) -> str:
    url = _tree(site) + record_url(record)
    return _absolute(site, url) or f"tag:{slugify(site.content.config.title)},{record.date.isoformat()}:{url}"


def _timestamp(day: dt.date) -> str:
    # Atom needs a full date-time; a month-only date (MonthDate) counts from its first day, as it sorts.
    return f"{dt.date(day.year, day.month, day.day).isoformat()}T00:00:00Z"


def _feed(
    site: Site,
    path: str,
    title: str,
    records: Iterable[Practice],
    gettext: Callable[[str], str],
    memory: FormattedRecords | None = None,
) -> RenderedFile:
    newest = sorted(records, key=lambda r: (-r.date.toordinal(), r.slug))[:FEED_SIZE]
    make = partial(_feed_bytes, site, path, title, newest, gettext)
    # the feed's bytes depend on its title and newest records (and on what one memory keeps the same)
    data = make() if memory is None else memory.get(("feed", path), (title, newest), make)
    return RenderedFile(path, data, "")


def _feed_bytes(site: Site, path: str, title: str, records: list[Practice], gettext: Callable[[str], str]) -> bytes:
    ET.register_namespace("", _ATOM)
    depth = path.count("/")
    relative = "../" * depth
    tree = _tree(site)
    feed = ET.Element(f"{{{_ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": site.lang})
    ET.SubElement(feed, f"{{{_ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{_ATOM}}}id").text = (
        _absolute(site, path) or f"tag:{slugify(site.content.config.title)},2000:{path}"
    )
    newest = max((getattr(r, "updated", None) or r.date for r in records), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{_ATOM}}}updated").text = _timestamp(newest)
    ET.SubElement(feed, f"{{{_ATOM}}}link", rel="self", href=_absolute(site, path) or path.rpartition("/")[2])
    ET.SubElement(
        feed,
        f"{{{_ATOM}}}link",
        rel="alternate",
        type="text/html",
        href=_absolute(site, path.rpartition("/")[0] + "/" if "/" in path else "") or relative or "./",
    )
    author = ET.SubElement(feed, f"{{{_ATOM}}}author")
    ET.SubElement(author, f"{{{_ATOM}}}name").text = site.content.config.title
    if site.content.config.license:
        ET.SubElement(feed, f"{{{_ATOM}}}rights").text = site.content.config.license
    for record in records:
        entry = ET.SubElement(feed, f"{{{_ATOM}}}entry")
        if record.lang != site.lang:
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", record.lang)
        ET.SubElement(entry, f"{{{_ATOM}}}title").text = record.title
        ET.SubElement(entry, f"{{{_ATOM}}}id").text = _entry_id(site, record)
        ET.SubElement(
            entry,
            f"{{{_ATOM}}}link",
            rel="alternate",
            type="text/html",
            href=_absolute(site, tree + record_url(record)) or relative + tree + record_url(record),
        )
        if not isinstance(record.date, MonthDate):  # optional in Atom: left out rather than given a made-up day
            ET.SubElement(entry, f"{{{_ATOM}}}published").text = _timestamp(record.date)
        ET.SubElement(entry, f"{{{_ATOM}}}updated").text = _timestamp(getattr(record, "updated", None) or record.date)
        ET.SubElement(entry, f"{{{_ATOM}}}summary").text = record.summary
        category = gettext("Case study") if isinstance(record, CaseStudy) else gettext("Event")
        ET.SubElement(entry, f"{{{_ATOM}}}category", term=record.kind, label=category)
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def render_feeds(
    site: Site, gettext: Callable[[str], str] = _untranslated, memory: FormattedRecords | None = None
) -> list[RenderedFile]:
    """feed.xml and one feed per term of each taxonomy declared with feeds (topics, Cynefin domains), in the
    site's language tree. ``memory``: feeds an earlier build made (see data_tables.FormattedRecords), used
    where their title and records are unchanged; the caller asks it to forget what no build asked for."""
    practices: list[Practice] = [*site.case_studies.values(), *site.events.values()]
    title = site.content.config.title
    tree = _tree(site)
    feeds = [_feed(site, f"{tree}feed.xml", title, practices, gettext, memory)]
    for taxonomy in site.declarations:
        if not taxonomy.feeds:
            continue
        for term in site.taxonomies[taxonomy.key]:
            name = taxonomy.term_name(term.key, term.label, gettext)
            feeds.append(
                _feed(
                    site,
                    f"{tree}{term.url}feed.xml",
                    f"{title}: {name}",
                    [site.practice(s) for s in (*term.case_studies, *term.events)],
                    gettext,
                    memory,
                )
            )
    return feeds


def render_sitemap(site: Site, page_paths: list[str]) -> list[RenderedFile]:
    """sitemap.xml needs absolute URLs: without base_url there is none."""
    base = site.content.config.base_url
    if not base:
        return []
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(page_paths):
        if path.endswith("index.html") and path != "404.html":
            lines.append(f"  <url><loc>{escape(base + path[: -len('index.html')])}</loc></url>")
    lines.append("</urlset>")
    return [RenderedFile("sitemap.xml", ("\n".join(lines) + "\n").encode("utf-8"))]


_RECORD_FIELDS = (
    *("type", "slug", "lang", "url", "title", "summary", "sources", "translations", "published", "updated"),
    *("start", "end", "status", "partners", "methods", "related", "learned_from", "contact_organisation"),
    *("contact_url", "coordinates", "image", "image_alt", "date", "end_date", "method", "event", "organizers"),
    *("participants", "practices"),
)


def export_record(
    site: Site,
    declarations: Iterable[Taxonomy],
    record: Practice,
    translations: list[dict[str, str]] | None = None,
    url: str | None = None,
) -> dict[str, object]:
    """A record's front matter, normalised (ISO codes, slugs, ISO dates), plus type, slug, lang and url,
    its terms in each declared export column, and where translations exist their language, title and URL."""
    row: dict[str, object] = {
        "type": record.kind,
        "slug": record.slug,
        "lang": record.lang,
        "url": url or record_url(record),
        "title": record.title,
        "summary": record.summary,
        "sources": [{"title": s.title, "url": s.url} for s in record.sources],
        "translations": translations or [],
    }
    for taxonomy, terms in taxonomy_values(site, declarations, record):
        values = [value for value, _, _ in terms]
        row[taxonomy.export_column or ""] = (values[0] if values else None) if taxonomy.export.single else values
    if isinstance(record, CaseStudy):
        row.update(
            {
                "published": record.published.isoformat(),
                "updated": record.updated.isoformat() if record.updated else None,
                "start": record.start.iso() if record.start else None,
                "end": record.end.iso() if record.end else None,
                "status": record.status.value if record.status else None,
                "partners": list(record.partners),
                "methods": list(record.methods),
                "related": list(record.related),
                "learned_from": list(record.learned_from),
                "contact_organisation": record.contact.organisation if record.contact else None,
                "contact_url": record.contact.url if record.contact else None,
                "coordinates": list(record.coordinates) if record.coordinates else None,
                "image": record.image,
                "image_alt": record.image_alt,
            }
        )
    else:
        row.update(
            {
                "date": record.date.isoformat(),
                "end_date": record.end_date.isoformat() if record.end_date else None,
                "method": record.method,
                "event": record.event,
                "organizers": list(record.organizers),
                "participants": [p.name if not p.country else f"{p.name}, {p.country}" for p in record.participants],
                "practices": list(record.practices),
            }
        )
    ordered = {key: row[key] for key in EXPORT_FIELDS if key in row}
    return {**ordered, **{key: value for key, value in row.items() if key not in ordered}}


SCHEMA_VERSION = 2
SCHEMA_PATH = f"data/practices.schema-{SCHEMA_VERSION}.json"


def _schema(static: bytes, declarations: Iterable[Taxonomy]) -> bytes:
    """The JSON Schema of data/practices.json: the one in generator/schemas, with a property for each declared
    export column it does not describe (a taxonomy the site adds). Unchanged when it describes them all."""
    schema = json.loads(static)
    definitions = schema["$defs"]
    added = False
    for taxonomy in declarations:
        column = taxonomy.export_column
        if column is None or column in definitions["case-study"]["properties"]:
            continue
        value = {"type": "integer" if taxonomy.export.type == "integer" else "string"}
        shape = {"type": [value["type"], "null"]} if taxonomy.export.single else {"type": "array", "items": value}
        for kind in ("case-study", "event"):
            if kind == "case-study" or not taxonomy.case_studies_only:
                definitions[kind]["properties"][column] = {**shape, "description": f"taxonomy {taxonomy.key}"}
                added = True
    return (json.dumps(schema, indent=1, ensure_ascii=False) + "\n").encode("utf-8") if added else static


def _original(sites: dict[str, Site], slug: str) -> tuple[Practice | None, str | None, list[dict[str, str]]]:
    """A practice as written (not as a language tree shows it) and the trees that show a translation of it."""
    default = next(iter(sites.values()))
    versions = default.versions[record_url(default.practice(slug))]
    original_lang = versions[0]
    shown_as_written = [site for site in sites.values() if site.practice(slug).lang == original_lang]
    record = shown_as_written[0].practice(slug) if shown_as_written else None
    url = language_tree(shown_as_written[0].lang, default.languages) + record_url(record) if record else None
    translations = [
        {
            "lang": site.lang,
            "title": site.practice(slug).title,
            "url": language_tree(site.lang, site.languages) + record_url(site.practice(slug)),
        }
        for site in sites.values()
        if site.lang in versions[1:]
    ]
    return record, url, translations


def render_data_exports(
    sites: dict[str, Site] | Site,
    declarations: tuple[Taxonomy, ...],
    gettext: Callable[[str], str] = _untranslated,
    memory: FormattedRecords | None = None,
) -> list[RenderedFile]:
    """data/practices.json (with the JSON Schema it names), the CSV tables and data/datapackage.json: every
    practice as written, in its own language, with its translations, and its terms in the export column of each
    of the build's taxonomy ``declarations``. ``gettext`` is the default language's. ``memory``: each
    practice's formatted lines as an earlier build made them, used where their inputs are unchanged (the
    incremental layer's; see data_tables.FormattedRecords), so only the practices that changed are formatted;
    the caller asks it to forget what no build asked for."""
    exported = tuple(t for t in declarations if t.export_column is not None)
    taken = dict.fromkeys(_RECORD_FIELDS, "a field of data/practices.json")
    for taxonomy in exported:
        claim_columns(taken, taxonomy, [taxonomy.export_column or ""])

    if isinstance(sites, Site):
        sites = {sites.lang: sites}
    site = next(iter(sites.values()))
    base = site.content.config.base_url or ""
    practices: list[tuple[Practice, str, list[dict[str, str]]]] = []
    for slug in (*site.case_studies, *site.events):
        record, url, translations = _original(sites, slug)
        if record is None or url is None:  # translated into every language of the site and written in none of them
            record, url = site.practice(slug), record_url(site.practice(slug))
        practices.append((record, url, translations))
    practices.sort(key=lambda p: (p[0].kind, p[0].slug))
    lines = []
    for record, url, translations in practices:
        make = partial(_json_line, site, exported, record, url, translations, base)
        if memory is None:
            lines.append(make())
        else:
            inputs = export_inputs(site, record, url, translations)
            lines.append(memory.get(("json", record.kind, record.slug), inputs, make))
    schema_name = SCHEMA_PATH.rpartition("/")[2]
    header = {"$schema": base + SCHEMA_PATH if base else schema_name, "schema": SCHEMA_VERSION}
    # one record a line: readable and diffable, and written by json's C encoder (indent= would use the slow one)
    data = json.dumps(header, ensure_ascii=False)[:-1] + ', "records": [\n' + ",\n".join(lines) + "\n]}\n"
    schema = _schema(resources.files("generator").joinpath("schemas", schema_name).read_bytes(), exported)
    return [
        RenderedFile("data/practices.json", data.encode("utf-8")),
        RenderedFile(SCHEMA_PATH, schema),
        *render_tables(site, exported, practices, gettext, memory),
    ]


def _json_line(
    site: Site,
    exported: tuple[Taxonomy, ...],
    record: Practice,
    url: str,
    translations: list[dict[str, str]],
    base: str,
) -> str:
    """A practice's record in data/practices.json: one line."""
    absolute = [{**t, "url": base + t["url"]} for t in translations]
    return json.dumps(export_record(site, exported, record, absolute, base + url), ensure_ascii=False)
