"""What a page tells search engines and link previews: canonical URL, Open Graph, Twitter card, schema.org.

``page_head`` builds plain data for one page (lists of tag values and a JSON-LD dictionary); the
templates print it, and ``json_ld_script`` serialises the dictionary so that nothing in it can end the
``<script>`` element it sits in. Nothing here reads files or keeps state.

Open Graph and the canonical link need absolute URLs, so they are made only with a ``base_url`` in an
online build. Without one a page still carries the Open Graph tags that need no URL (title, description,
type, locale, site name), a ``summary`` Twitter card and its JSON-LD without ``url``, ``@id`` and image.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from generator.model import CaseStudy, EventReport, FreePage, Method, Record, YearOrDate
from generator.site import Practice, Site, language_tree, record_url

__all__ = [
    "DEFAULT_SHARE_IMAGE",
    "SHARE_IMAGE_SIZE",
    "iso_date",
    "json_ld_script",
    "og_locale",
    "page_head",
    "robots_txt",
]

DEFAULT_SHARE_IMAGE = "static/share.png"  # made by scripts/build-share-image.py
SHARE_IMAGE_SIZE = (1200, 630)
# the default share image's size, one pair of tags shared by every page that uses it
_DEFAULT_IMAGE_SIZE = (("og:image:width", str(SHARE_IMAGE_SIZE[0])), ("og:image:height", str(SHARE_IMAGE_SIZE[1])))
SCHEMA_ORG = "https://schema.org"
_SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*")

_Json = dict[str, Any]  # a JSON-LD object: strings, numbers, lists and objects
_Absolute = Callable[[str], str | None]  # a path of the tree -> its absolute URL, None without a base_url

# After json.dumps these are the only characters that could end the <script> element or start a comment
# (<, >, &), or that older JavaScript parsers took for line ends (U+2028, U+2029); JSON escapes them all.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def json_ld_script(data: _Json) -> str:
    """The JSON text to put inside ``<script type="application/ld+json">``: compact, and inert whatever
    the strings in it hold (``</script>``, ``<!--``, line separators)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.translate(_SCRIPT_ESCAPES)


def iso_date(value: object) -> str:
    """A date with only the precision the content has: ``2014``, ``2014-05`` or ``2014-05-17``."""
    if isinstance(value, YearOrDate):
        if value.is_year:
            return f"{value.year:04d}"
        return f"{value.year:04d}-{value.month:02d}" if not value.day else value.iso()
    if isinstance(value, dt.date):
        return value.isoformat()
    iso = getattr(value, "iso", None)  # any other partial date that knows its ISO form (e.g. a month)
    return iso() if callable(iso) else str(value)


def og_locale(lang: str) -> str:
    """Open Graph wants ``language_TERRITORY`` (``pt_BR``): the likely territory of a bare language tag."""
    from babel import Locale, UnknownLocaleError

    tag = lang.replace("-", "_")
    try:
        locale = Locale.parse(tag)
        if not locale.territory:
            from babel.core import get_global

            likely = get_global("likely_subtags").get(locale.language)
            locale = Locale.parse(likely) if likely else locale
    except (ValueError, UnknownLocaleError):
        return tag
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def _license(value: str | None) -> str | None:
    """schema.org wants a URL for a licence: an SPDX identifier (``CC-BY-4.0``) becomes its SPDX page."""
    if not value:
        return None
    return f"https://spdx.org/licenses/{value}.html" if _SPDX_ID.fullmatch(value) else value


def page_head(
    site: Site,
    url: str,
    alternates: list[dict[str, str]],
    *,
    base_url: str | None,
    record: Record | None = None,
    home: bool = False,
    locale: Callable[[str], str] | None = None,
    shared: dict[object, Any] | None = None,
) -> dict[str, object]:
    """The head of the page at ``url`` of ``site``'s language tree: ``canonical`` and ``x_default``
    (absolute URLs or None), ``og`` (property, content) pairs, ``twitter`` (name, content) pairs and
    ``json_ld`` (a dictionary or None). ``base_url`` is None for builds without one and offline builds.
    og:title and og:description are the template's: they repeat the page's title and description blocks.
    ``locale``: og_locale, or the same remembered by the caller (it reads CLDR: planning asks for every page).
    ``shared``: the parts pages of one tree have in common (tag pairs, topics, addresses), kept by a caller
    that makes many heads so that each is made once; nothing may change a head's parts."""
    locale = locale or og_locale
    shared = {} if shared is None else shared
    tree = language_tree(site.lang, site.languages)

    def absolute(path: str, in_tree: bool = True) -> str | None:
        return f"{base_url}{tree if in_tree else ''}{path}" if base_url else None

    page_url = absolute(url)
    image, image_alt = _share_image(site, record)
    image_url = absolute(image, in_tree=False)
    og: list[tuple[str, str | None]] = [
        shared.setdefault(pair, pair)
        for pair in (
            ("og:type", "article" if record is not None else "website"),
            ("og:site_name", site.content.config.title),
            ("og:locale", locale(site.lang)),
            *(("og:locale:alternate", locale(a["lang"])) for a in alternates if a["lang"] != site.lang),
        )
    ]
    if page_url:
        og += [("og:url", page_url), ("og:image", image_url), ("og:image:alt", image_alt)]
        if image == DEFAULT_SHARE_IMAGE:
            og += _DEFAULT_IMAGE_SIZE
    if isinstance(record, CaseStudy):
        og.append(("article:published_time", _iso(record.published, shared)))
        if record.updated:
            og.append(("article:modified_time", _iso(record.updated, shared)))
    json_ld = _json_ld(site, url, record, home, absolute, image_url, shared)
    card = ("twitter:card", "summary_large_image" if page_url else "summary")
    return {
        "canonical": page_url,
        "x_default": absolute(url, in_tree=False) if page_url and len(site.languages) > 1 else None,
        "og": og,
        "twitter": shared.setdefault(card, [card]),
        "json_ld": json_ld,
    }


def _iso(day: dt.date, shared: dict[object, Any]) -> str:
    """A date as ISO 8601, one string per date for every head that names it (twice per case study)."""
    found = shared.get(day)
    if found is None:
        found = shared[day] = day.isoformat()
    return found


def _share_image(site: Site, record: Record | None) -> tuple[str, str]:
    """The practice's own image when it has one, else the theme's share image (described by the site title)."""
    if isinstance(record, CaseStudy) and record.image:
        return record.image, record.image_alt or record.title
    return DEFAULT_SHARE_IMAGE, site.content.config.title


def _json_ld(
    site: Site,
    url: str,
    record: Record | None,
    home: bool,
    absolute: _Absolute,
    image_url: str | None,
    shared: dict[object, Any],
) -> _Json | None:
    config = site.content.config
    data: _Json
    if home:
        data = {
            "@context": SCHEMA_ORG,
            "@type": "WebSite",
            "name": config.title,
            "description": config.description,
            "inLanguage": site.lang,
        }
        if (home_url := absolute(url)) and (search := absolute("search/")):
            data["url"] = home_url
            data["potentialAction"] = {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={search_term_string}"},
                "query-input": "required name=search_term_string",
            }
        return data
    if isinstance(record, CaseStudy):
        data = _work(site, "Article", record, url, absolute)
        data["headline"] = record.title
        data["datePublished"] = _iso(record.published, shared)
        if record.updated:
            data["dateModified"] = _iso(record.updated, shared)
        if record.start:
            # an ISO 8601 interval, open ("..") while the practice goes on
            end = iso_date(record.end) if record.end else ".."
            data["temporalCoverage"] = f"{iso_date(record.start)}/{end}"
        data["contentLocation"] = _place(site, record, record.coordinates, shared)
        data["about"] = _about(site, record, absolute, shared)
        if record.learned_from:
            data["isBasedOn"] = [
                absolute(record_url(site.case_studies[s])) or record_url(site.case_studies[s])
                for s in record.learned_from
                if s in site.case_studies
            ]
        if record.image and image_url:
            data["image"] = image_url
        if license_url := _license(config.license):
            data["license"] = license_url
        return data
    if isinstance(record, EventReport):
        data = _work(site, "Event", record, url, absolute)
        data["startDate"] = iso_date(record.date)
        if record.end_date:
            data["endDate"] = iso_date(record.end_date)
        data["location"] = _place(site, record, None, shared)
        data["about"] = _about(site, record, absolute, shared)
        if record.organizers:
            data["organizer"] = [{"@type": "Organization", "name": name} for name in record.organizers]
        if record.event:
            data["superEvent"] = {"@type": "EventSeries", "name": record.event}
        return data
    if isinstance(record, Method):
        data = _work(site, "CreativeWork", record, url, absolute)
        data["learningResourceType"] = "learning method"
        if license_url := _license(config.license):
            data["license"] = license_url
        return data
    if isinstance(record, FreePage):
        return _work(site, "WebPage", record, url, absolute)
    return None


def _work(site: Site, kind: str, record: Record, url: str, absolute: _Absolute) -> _Json:
    data: _Json = {"@context": SCHEMA_ORG, "@type": kind}
    if link := absolute(url):
        data["url"] = link
    if kind != "Article":  # an article's name is its headline
        data["name"] = record.title
    # no "description": the summary is the page's meta description and og:description already, and the
    # JSON-LD copy was a third one in every record page's head
    data["inLanguage"] = record.lang
    return data


def _place(site: Site, record: Practice, coordinates: tuple[float, float] | None, shared: dict[object, Any]) -> _Json:
    city = site.city_of[record.slug].name if record.slug in site.city_of else record.city
    address = shared.get(("address", city, record.country))
    if address is None:
        address = shared[("address", city, record.country)] = {
            "@type": "PostalAddress",
            "addressLocality": city,
            "addressCountry": record.country,
        }
    place: _Json = {"@type": "Place", "name": city, "address": address}
    if coordinates:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": coordinates[0], "longitude": coordinates[1]}
    return place


def _about(site: Site, record: Practice, absolute: _Absolute, shared: dict[object, Any]) -> list[_Json]:
    about = []
    for slug in record.topics:
        thing = shared.get(("topic", slug))
        if thing is None:
            labels = {t.slug: t.label for t in site.content.topics}
            thing = shared[("topic", slug)] = {"@type": "Thing", "name": labels.get(slug, slug)}
            if link := absolute(f"topics/{slug}/"):
                thing["url"] = link
        about.append(thing)
    return about


def robots_txt(base_url: str | None) -> str:
    """Every page may be crawled; the sitemap is named when there is one (it needs ``base_url``). Crawlers
    read robots.txt only at a host's root, so under a sub-path it is there for mirrors that serve one."""
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines += ["", f"Sitemap: {base_url}sitemap.xml"]
    return "\n".join(lines) + "\n"
