"""Plan every page of the site: which template renders it, from which plain data.

``plan_pages`` lists what to render (path, template, plain-data context) for every language tree; it reads
the assembled ``Site`` only, and nothing here touches Jinja or the disk (but the world atlas, read once per
build), so a plan can be rendered anywhere, in any order, or compared with the previous build's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.formats import LocalFormats, text_direction
from generator.geo import Atlas, Cartographer, parse_atlas
from generator.i18n import DEFAULT_THEME, language_name
from generator.map_views import locator_view, map_filters, map_view
from generator.model import CaseStudy, EventReport, Record
from generator.network import learning_graph
from generator.network_views import city_network_view, network_view
from generator.site import Site, Term, language_tree, record_url
from generator.structured_data import og_locale, page_head
from generator.taxonomies import navigation
from generator.views import TreeViews, method_summary, search_filter_names, site_view, taxonomy_view

__all__ = ["LOCATOR_FOLDER", "PAGE_SIZE", "WORLD_ASSET", "PagePlan", "RenderOptions", "plan_pages", "world_atlas"]

WORLD_ASSET = DEFAULT_THEME / "data" / "world-110m.json"  # made by scripts/build-world-asset.py
PAGE_SIZE = 100
# The locator maps of case-study pages are SVG files of their own, shown with <img>: one file for each
# country and point set, shared by every language tree (it holds no text), named by what it draws.
LOCATOR_FOLDER = "map/locators/"

# Scripts and styles only from the site itself: no page has a style attribute or element, inline
# scripts, plugins, frames or a <base>. Only the search page (served, not offline) runs Pagefind, which
# compiles WebAssembly ('wasm-unsafe-eval'); its UI sets styles through the DOM, which CSP allows.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'self'"
)
SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
)


@dataclass(frozen=True)
class RenderOptions:
    build_year: int
    offline: bool = False
    search: bool = True
    live_reload: bool = False
    bundle: bool = False  # download/offline.zip is part of the build: the footer links it
    atlas: Atlas | None = None  # the country shapes of the maps; None: the default theme's world-110m.json


@dataclass(frozen=True)
class PagePlan:
    path: str  # under the output folder, e.g. "case-studies/x/index.html" or "pt/case-studies/x/index.html"
    template: str
    context: dict[str, Any] = field(hash=False)
    source: str = ""
    lang: str = "en"  # the language of the page's interface: which catalog renders it
    # a list page's practices (slugs), in order: what the incremental layer compares to leave it unplanned
    # (plan_pages(unchanged=...)); not part of what the page's bytes depend on (its context has the cards)
    shows: tuple[str, ...] = ()


def world_atlas() -> Atlas:
    """The country shapes of the maps (a build reads them once, when it plans its pages)."""
    return parse_atlas(json.loads(WORLD_ASSET.read_text(encoding="utf-8")))


def _root(path: str) -> str:
    depth = path.count("/")
    return "../" * depth if depth else "./"


def _paginated(base_url: str, items: list[Any]) -> list[tuple[str, list[Any], dict[str, Any]]]:
    """Lists longer than PAGE_SIZE continue on page/<n>/index.html beside them."""
    chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
    pages = []
    for n, chunk in enumerate(chunks, start=1):
        url = base_url if n == 1 else f"{base_url}page/{n}/"
        pager = {
            "number": n,
            "total": len(chunks),
            "previous": (base_url if n == 2 else f"{base_url}page/{n - 1}/") if n > 1 else None,
            "next": f"{base_url}page/{n + 1}/" if n < len(chunks) else None,
        }
        pages.append((url, chunk, pager))
    return pages


def plan_pages(
    sites: dict[str, Site] | Site,
    options: RenderOptions,
    only: Collection[str] | None = None,
    maps: Cartographer | None = None,
    formats: dict[str, LocalFormats] | None = None,
    unchanged: Callable[[str, tuple[str, ...]], bool] | None = None,
) -> list[PagePlan]:
    """Every page of every language tree: the default language's at the root, the others under <lang>/.

    ``only``, if given, plans just the pages with these URLs (as a tree names them: "case-studies/x/",
    "" for home, "404.html"), in every tree; a list's URL brings all its pages, and the planned pages bring
    the SVG files of their locator maps.
    The pages planned are the same, in the same order, as among all pages: the incremental layer re-plans
    the pages an edit can change with it. ``maps``: a Cartographer of ``options.atlas`` made before (what it
    remembers depends on the atlas only), which the incremental layer keeps between edits. ``formats``: the
    LocalFormats of each language (dates and names from CLDR, which depend on the language only), kept by
    the same caller; by default this call's own. ``unchanged(path, slugs)``: whether the caller has the list
    page at ``path`` showing these practices, in this order, none of them changed since; such a page is left
    out (only pages of the lists of practices and of terms without a locator map or network peers, whose
    other content a practice's front matter cannot change while the set of pages stays: affected.py)."""
    if isinstance(sites, Site):
        sites = {sites.lang: sites}
    maps = maps or Cartographer(options.atlas or world_atlas())  # this build's: shared by every tree's maps
    plans: list[PagePlan] = []
    locators: dict[str, dict[str, Any]] = {}  # path of a locator map's SVG file -> what it draws
    formats = {} if formats is None else formats
    locales: dict[str, str] = {}  # og:locale of each language, asked for by every page

    def locale(lang: str) -> str:
        found = locales.get(lang)
        if found is None:
            found = locales[lang] = og_locale(lang)
        return found

    for site in sites.values():
        local = formats.get(site.lang)
        if local is None:
            local = formats[site.lang] = LocalFormats(site.lang)
        plans += _plan_tree(site, options, maps, locators, only, local, locale, unchanged)
    default = next(iter(sites.values()))
    plans += [
        PagePlan(path, "locator.svg", {"view": view}, lang=default.lang) for path, view in sorted(locators.items())
    ]
    if only is not None and "404.html" not in only:
        return plans
    plans.append(
        PagePlan(
            "404.html",
            "404.html",
            {
                **_common(default, options),
                "root": default.content.config.base_url or "/",
                "page_url": "404.html",
                "offline": False,
                "languages": [],
                "alternates": [],
                "head": None,  # a page served at any missing path: no canonical URL, nothing to share
            },
            lang=default.lang,
        )
    )
    return plans


def _common(site: Site, options: RenderOptions) -> dict[str, Any]:
    return {
        "site": site_view(site),
        "nav": navigation(site.declarations),
        "lang": site.lang,
        "dir": text_direction(site.lang),
        "tree": language_tree(site.lang, site.languages),
        "offline": options.offline,
        "search_enabled": options.search,
        "live_reload": options.live_reload,
        "bundle": options.bundle,
        "content_security_policy": CONTENT_SECURITY_POLICY,
    }


def _language_links(
    site: Site, versions: tuple[str, ...] | None, autonyms: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The language switcher of a page (every language of the site, each marked when the page's text
    is not in it) and its hreflang alternates (the languages its text exists in)."""
    if len(site.languages) < 2:
        return [], []
    switcher = [
        {
            "lang": lang,
            "name": autonyms[lang],
            "tree": language_tree(lang, site.languages),
            "current": lang == site.lang,
            "translated": versions is None or lang in versions,
        }
        for lang in site.languages
    ]
    return switcher, [{"lang": s["lang"], "tree": s["tree"]} for s in switcher if s["translated"]]


def _autonym(lang: str) -> str:
    """A language's name in itself, capitalised for the switcher: Português, Français."""
    name = language_name(lang, lang)
    return name[:1].upper() + name[1:]


def _plan_tree(
    site: Site,
    options: RenderOptions,
    maps: Cartographer,
    locators: dict[str, dict[str, Any]],
    only: Collection[str] | None,
    formats: LocalFormats,
    locale: Callable[[str], str],
    unchanged: Callable[[str, tuple[str, ...]], bool] | None = None,
) -> list[PagePlan]:
    def wanted(url: str) -> bool:
        return only is None or url in only

    lang = site.lang
    tree = language_tree(lang, site.languages)
    common = _common(site, options)
    views = TreeViews(site, options.build_year, formats)  # this tree's, for this build: cards are made once each
    plans: list[PagePlan] = []
    autonyms = {other: _autonym(other) for other in site.languages}
    shared_links = _language_links(site, None, autonyms)

    base_url = None if options.offline else site.content.config.base_url  # absolute URLs: online builds only

    def add(
        url: str,
        template: str,
        source: str = "",
        record: Record | None = None,
        shows: tuple[str, ...] = (),
        **context: Any,
    ) -> None:
        path = f"{tree}{url}index.html"
        languages, alternates = (
            _language_links(site, site.versions[url], autonyms) if url in site.versions else shared_links
        )
        home = template == "home.html"
        head = page_head(site, url, alternates, base_url=base_url, record=record, home=home, locale=locale)
        plans.append(
            PagePlan(
                path,
                template,
                {
                    **common,
                    "root": _root(path),
                    "page_url": url,
                    "languages": languages,
                    "alternates": alternates,
                    "head": head,
                    **context,
                },
                source,
                lang,
                shows,
            )
        )

    def add_list(url: str, template: str, slugs: Iterable[str], skippable: bool = True, **context: Any) -> None:
        if not wanted(url):
            return
        for page_url, chunk, pager in _paginated(url, list(slugs)):
            shows = tuple(chunk)
            if skippable and unchanged is not None and unchanged(f"{tree}{page_url}index.html", shows):
                continue
            cards = [views.card(s) for s in chunk]
            add(page_url, template, items=cards, pager=pager, list_url=url, shows=shows, **context)

    terms = site.taxonomies
    practices: list[CaseStudy | EventReport] = [*site.case_studies.values(), *site.events.values()]
    if wanted(""):
        newest = sorted(practices, key=lambda r: (-r.date.toordinal(), r.slug))
        add(
            "",
            "home.html",
            newest=[views.card(r.slug) for r in newest[:8]],
            topics=[views.term(t) for t in terms["topics"]],
            domains=[views.term(t) for t in terms["cynefin"]],
            cities=[views.term(t) for t in terms["cities"]],
            methods=[method_summary(m) for m in site.methods.values()],
            counts={
                "case_studies": len(site.case_studies),
                "events": len(site.events),
                "cities": len(terms["cities"]),
                "countries": len(terms["countries"]),
            },
        )

    by_title = sorted(site.case_studies.values(), key=lambda r: (r.title.casefold(), r.slug))
    add_list("case-studies/", "list.html", [r.slug for r in by_title], section="case-studies")
    add_list(
        "events/",
        "list.html",
        [r.slug for r in sorted(site.events.values(), key=lambda r: (-r.date.toordinal(), r.slug))],
        section="events",
    )
    if wanted("methods/"):
        add("methods/", "methods.html", methods=[method_summary(m) for m in site.methods.values()], section="methods")

    for study in site.case_studies.values():
        if not wanted(record_url(study)):
            continue
        add(
            record_url(study),
            "case_study.html",
            study.origin.path,
            record=study,
            page=views.case_study(study),
            section="case-studies",
            locator=_locator_image(
                locator_view(maps, study.country, [study.coordinates] if study.coordinates else []), locators
            ),
        )
    for event in site.events.values():
        if not wanted(record_url(event)):
            continue
        add(
            record_url(event),
            "event.html",
            event.origin.path,
            record=event,
            page=views.event(event),
            section="events",
        )
    for method in site.methods.values():
        if not wanted(record_url(method)):
            continue
        add(
            record_url(method),
            "method.html",
            method.origin.path,
            record=method,
            page=views.method(method),
            section="methods",
        )
    for page in site.pages.values():
        if not wanted(record_url(page)):
            continue
        add(
            record_url(page),
            "page.html",
            page.origin.path,
            record=page,
            page=views.page(page),
            section=page.slug,
        )

    graph: list[Any] = []  # the learning network, made when a page first needs it

    def network() -> Any:
        if not graph:
            graph.append(learning_graph(site))
        return graph[0]

    for taxonomy in site.declarations:  # each declared taxonomy: its index page and a page per term
        about = taxonomy_view(taxonomy)
        if wanted(taxonomy.url):
            add(
                taxonomy.url,
                taxonomy.list_template,
                taxonomy=about,
                terms=[views.term(t) for t in terms[taxonomy.key]],
                section=taxonomy.key,
            )
        for term in terms[taxonomy.key]:
            if not wanted(term.url):
                continue
            extra = {}
            if "locator" in taxonomy.extras:
                extra["locator"] = _country_locator(site, maps, term)
            if "peers" in taxonomy.extras:
                extra["peers"] = city_network_view(site, network(), term.key, lang)
            add_list(
                term.url,
                taxonomy.term_template,
                _term_slugs(term),
                skippable=not extra,  # a locator map or peers: more than the cards, left to plan again
                term=views.term(term),
                taxonomy=about,
                section=taxonomy.key,
                **extra,
            )

    if only is None or any(url.startswith("map/") for url in only):  # the map and its filter pages
        filters = map_filters(site)
        if wanted("map/"):
            view = map_view(site, maps, lang, formats=formats)
            add("map/", "map.html", map=view, filters=filters, current=None, section="map")
        for group in filters["groups"]:
            for f in group["filters"]:
                if not wanted(f["url"]):
                    continue
                add(
                    f["url"],
                    "map.html",
                    map=map_view(site, maps, lang, only=(group["kind"], f["key"]), formats=formats),
                    filters=filters,
                    current={"kind": group["kind"], "kind_label": group["kind_label"], "style": group["style"], **f},
                    section="map",
                )

    if wanted("network/"):
        add("network/", "network.html", network=network_view(site, network(), lang), section="network")

    for old, new, source in site.redirects:
        if wanted(old):
            add(old, "redirect.html", source, target=new)
    if wanted("search/"):
        pagefind = options.search and not options.offline
        add(
            "search/",
            "search.html",
            section="search",
            filters=search_filter_names(site),
            content_security_policy=SEARCH_CONTENT_SECURITY_POLICY if pagefind else CONTENT_SECURITY_POLICY,
        )
    return plans


def _locator_image(view: dict[str, Any] | None, locators: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """A locator map as an image: its SVG file (planned once in ``locators``, whichever pages show it) and
    its size in CSS pixels (the view box's, so the page keeps its place before the image arrives)."""
    if view is None:
        return None
    drawn = json.dumps([view[key] for key in ("view_box", "land", "country", "dots", "dot_radius")]).encode()
    path = f"{LOCATOR_FOLDER}{hashlib.sha256(drawn).hexdigest()[:16]}.svg"
    locators.setdefault(path, view)
    box = view["box"]
    return {"src": path, "width": round(float(box["width"])), "height": round(float(box["height"]))}


def _country_locator(site: Site, maps: Cartographer, term: Term) -> dict[str, Any] | None:
    code = term.key.upper()
    points = sorted({point for s in term.case_studies if (point := site.case_studies[s].coordinates) is not None})
    return locator_view(maps, code, points, whole_country=True)


def _term_slugs(term: Term) -> list[str]:
    return [*term.case_studies, *term.events]
