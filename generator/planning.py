"""Plan every page of the site: which template renders it, from which plain data.

``plan_pages`` lists what to render (path, template, plain-data context) for every language tree; it reads
the assembled ``Site`` only, and nothing here touches Jinja or the disk (but the world atlas, read once per
build), so a plan can be rendered anywhere, in any order, or compared with the previous build's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from generator.formats import LocalFormats
from generator.geo import Cartographer
from generator.map_views import locator_view, map_filters, map_view
from generator.model import CaseStudy, EventReport, Record
from generator.network import learning_graph
from generator.network_views import city_network_view, network_view
from generator.page_plan import (
    CONTENT_SECURITY_POLICY,
    SEARCH_CONTENT_SECURITY_POLICY,
    PagePlan,
    RenderOptions,
    autonym,
    common_context,
    country_locator,
    language_links,
    locator_image,
    paginated,
    relative_root,
    world_atlas,
)
from generator.site import Site, Term, language_tree, record_url
from generator.structured_data import og_locale, page_head
from generator.views import TreeViews, method_summary, search_filter_names, taxonomy_view

__all__ = ["plan_pages"]


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
                **common_context(default, options),
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
    common = common_context(site, options)
    views = TreeViews(site, options.build_year, formats)  # this tree's, for this build: cards are made once each
    head_parts: dict[object, Any] = {}  # what this tree's pages' heads share (structured_data.page_head)
    plans: list[PagePlan] = []
    autonyms = {other: autonym(other) for other in site.languages}
    shared_links = language_links(site, None, autonyms)

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
            language_links(site, site.versions[url], autonyms) if url in site.versions else shared_links
        )
        home = template == "home.html"
        head = page_head(
            site,
            url,
            alternates,
            base_url=base_url,
            record=record,
            home=home,
            locale=locale,
            shared=head_parts,
        )
        plans.append(
            PagePlan(
                path,
                template,
                {
                    **common,
                    "root": relative_root(path),
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
        for page_url, chunk, pager in paginated(url, list(slugs)):
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
            locator=locator_image(
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
                extra["locator"] = country_locator(site, maps, term)
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


def _term_slugs(term: Term) -> list[str]:
    return [*term.case_studies, *term.events]
