"""What a planned page is, and the pieces every page's plan shares.

``PagePlan`` (a page's path, template and plain-data context) and ``RenderOptions`` are what planning hands
to rendering; the helpers here make the parts of a context that do not depend on the kind of page: the
settings and navigation every page shows, its language switcher, the relative root of its links, the pages
of a long list and the SVG files of locator maps. planning.py decides which pages there are.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from generator.formats import text_direction
from generator.geo import Atlas, Cartographer, parse_atlas
from generator.i18n import DEFAULT_THEME, language_name
from generator.map_views import locator_view
from generator.site import Site, Term, language_tree
from generator.taxonomies import navigation
from generator.views import site_view

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LOCATOR_FOLDER",
    "PAGE_SIZE",
    "SEARCH_CONTENT_SECURITY_POLICY",
    "WORLD_ASSET",
    "PagePlan",
    "RenderOptions",
    "autonym",
    "common_context",
    "country_locator",
    "language_links",
    "locator_image",
    "paginated",
    "relative_root",
    "world_atlas",
]

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


def relative_root(path: str) -> str:
    depth = path.count("/")
    return "../" * depth if depth else "./"


def paginated(base_url: str, items: list[Any]) -> list[tuple[str, list[Any], dict[str, Any]]]:
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


def common_context(site: Site, options: RenderOptions) -> dict[str, Any]:
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


def language_links(
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


def autonym(lang: str) -> str:
    """A language's name in itself, capitalised for the switcher: Português, Français."""
    name = language_name(lang, lang)
    return name[:1].upper() + name[1:]


def locator_image(view: dict[str, Any] | None, locators: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """A locator map as an image: its SVG file (planned once in ``locators``, whichever pages show it) and
    its size in CSS pixels (the view box's, so the page keeps its place before the image arrives)."""
    if view is None:
        return None
    drawn = json.dumps([view[key] for key in ("view_box", "land", "country", "dots", "dot_radius")]).encode()
    path = f"{LOCATOR_FOLDER}{hashlib.sha256(drawn).hexdigest()[:16]}.svg"
    locators.setdefault(path, view)
    box = view["box"]
    return {"src": path, "width": round(float(box["width"])), "height": round(float(box["height"]))}


def country_locator(site: Site, maps: Cartographer, term: Term) -> dict[str, Any] | None:
    code = term.key.upper()
    points = sorted({point for s in term.case_studies if (point := site.case_studies[s].coordinates) is not None})
    return locator_view(maps, code, points, whole_country=True)
