"""Render the assembled site with Jinja2: every page is a pure function of (template, data).

``plan_pages`` lists what to render (path, template, plain-data context);
``render_page`` turns one plan into a RenderedFile. Nothing here writes files,
so pages can be rendered in any order, in parallel, or served from a cache.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import pickle
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import pass_context
from markupsafe import Markup

from generator.errors import BuildFailed, Problem
from generator.formats import text_direction
from generator.geo import Atlas, Cartographer, parse_atlas
from generator.i18n import DEFAULT_THEME, catalog_translations, format_number, format_variables, language_name
from generator.map_views import locator_view, map_filters, map_view
from generator.model import RenderedFile
from generator.network import learning_graph
from generator.network_views import city_network_view, network_view
from generator.site import Site, Term, language_tree, record_url
from generator.structured_data import json_ld_script, page_head
from generator.taxonomies import navigation
from generator.views import TreeViews, method_summary, search_filter_names, site_view, taxonomy_view
from generator.workers import quiet_worker, signals_deferred, worker_context

__all__ = [
    "DEFAULT_THEME",
    "PAGE_SIZE",
    "RenderOptions",
    "PagePlan",
    "make_environment",
    "plan_pages",
    "page_digest",
    "render_page",
    "render_plans",
    "render_offline_search_indexes",
    "world_atlas",
]

WORLD_ASSET = DEFAULT_THEME / "data" / "world-110m.json"  # made by scripts/build-world-asset.py
PAGE_SIZE = 100

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
    context: dict = field(hash=False)
    source: str = ""
    lang: str = "en"  # the language of the page's interface: which catalog renders it


def make_environment(
    theme_dirs: Iterable[Path], lang: str = "en", bytecode_dir: Path | None = None
) -> jinja2.Environment:
    """Templates from each theme folder in turn, so a custom theme overrides by file name; the
    interface strings in ``lang`` from the themes' catalogs. With ``bytecode_dir`` (in the build's cache
    folder), compiled templates are kept between builds: compiling them costs a quarter of a second in
    every process that renders, which is most of a small rebuild. Jinja keys each entry by the template's
    name and source, so an edited template is compiled again."""
    theme_dirs = tuple(Path(d) for d in theme_dirs)
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d / "templates")) for d in theme_dirs])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat() on every get_template
        bytecode_cache=_bytecode_cache(bytecode_dir) if bytecode_dir is not None else None,
    )
    numbers: dict[int, str] = {}  # this environment's: a list page shows the same counts again and again

    def number(value: int) -> str:
        found = numbers.get(value)
        if found is None:
            found = numbers[value] = format_number(value, lang)
        return found

    _install_translations(env, catalog_translations(theme_dirs, lang), lang, number)
    env.filters["number"] = number
    env.filters["json_ld"] = lambda data: Markup(json_ld_script(data))  # escaped for a <script> element
    env.globals["link"] = _link
    env.globals["asset"] = _asset
    env.globals["render_card"] = _render_card
    env.globals["_card_cache"] = {}  # owned by this environment: one per language and rendering process
    return env


def _bytecode_cache(directory: Path) -> jinja2.BytecodeCache | None:
    """Signed with the key in the user's cache folder: marshal must only load what this program wrote."""
    from generator.cache import authentication_key
    from generator.template_cache import SignedBytecodeCache

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # no cache folder to write: templates are compiled, as without one
    return SignedBytecodeCache(directory, authentication_key())


def _install_translations(env: jinja2.Environment, translations, lang: str, number: Callable[[int], str]) -> None:
    """Jinja's new-style gettext (``_("%(n)s cities", n=3)``), with numbers written the reader's way.

    Autoescaping is always on in this environment, so translations are Markup and their variables are
    escaped. ``_`` is the function itself, not the i18n extension's alias that looks it up on every call,
    and a string without variables is translated once: a page calls ``_`` some forty times.
    """
    plain: dict[str, Markup] = {}

    def gettext(message: str, **variables) -> Markup:
        if not variables:
            text = plain.get(message)
            if text is None:
                text = plain[message] = Markup(translations.gettext(message)) % {}
            return text
        return Markup(translations.gettext(message)) % format_variables(variables, lang, number)

    def ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
        variables.setdefault("num", num)
        return Markup(translations.ngettext(singular, plural, num)) % format_variables(variables, lang, number)

    env.newstyle_gettext = True  # the i18n extension is installed by make_environment
    env.globals.update(gettext=gettext, ngettext=ngettext, _=gettext)


@pass_context
def _link(context, url: str, tree: str | None = None) -> str:
    """A URL of the current language tree (``case-studies/x/``) as a link relative to the current page,
    naming index.html offline; ``tree`` ("pt/", or "" for the default language) links into another."""
    if context.get("offline") and (url == "" or url.endswith("/")):
        url += "index.html"
    return context["root"] + (context.get("tree", "") if tree is None else tree) + url


@pass_context
def _asset(context, url: str) -> str:
    """A file shared by every language tree (static/, media/, data/, pagefind/) as a relative link."""
    return context["root"] + url


def world_atlas() -> Atlas:
    """The country shapes of the maps (a build reads them once, when it plans its pages)."""
    return parse_atlas(json.loads(WORLD_ASSET.read_text(encoding="utf-8")))


_ROOT_TOKEN = "\x00root\x00"  # stands for the page's path to the site root in a cached card


@pass_context
def _render_card(context, item: dict, heading: str = "h3") -> Markup:
    """card.html for one practice, rendered once and reused: lists of 100 cards are most of a large site.

    The card is rendered with a placeholder for the path to the site root, which each page fills in.
    """
    env = context.environment
    cache = env.globals["_card_cache"]  # this environment's: one language, one build, one process
    # a practice's card is the same wherever it is listed within one build: its URL names it
    key = (heading, context.get("offline", False), context.get("lang"), context.get("tree", ""), item["url"])
    html = cache.get(key)
    if html is None:
        html = (
            env.get_template("card.html")
            .render(
                item=item,
                heading=heading,
                root=_ROOT_TOKEN,
                offline=context.get("offline", False),
                lang=context.get("lang"),
                dir=context.get("dir"),
                tree=context.get("tree", ""),
            )
            .strip()
        )
        cache[key] = html
    return Markup(html.replace(_ROOT_TOKEN, context["root"]))


def _root(path: str) -> str:
    depth = path.count("/")
    return "../" * depth if depth else "./"


def _paginated(base_url: str, items: list) -> list[tuple[str, list, dict]]:
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


def plan_pages(sites: dict[str, Site] | Site, options: RenderOptions) -> list[PagePlan]:
    """Every page of every language tree: the default language's at the root, the others under <lang>/."""
    if isinstance(sites, Site):
        sites = {sites.lang: sites}
    maps = Cartographer(options.atlas or world_atlas())  # this build's: shared by every tree's maps
    plans: list[PagePlan] = []
    for site in sites.values():
        plans += _plan_tree(site, options, maps)
    default = next(iter(sites.values()))
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


def _common(site: Site, options: RenderOptions) -> dict:
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
) -> tuple[list[dict], list[dict]]:
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


def _plan_tree(site: Site, options: RenderOptions, maps: Cartographer) -> list[PagePlan]:
    lang = site.lang
    tree = language_tree(lang, site.languages)
    common = _common(site, options)
    views = TreeViews(site, options.build_year)  # this tree's, for this build: cards are made once each
    plans: list[PagePlan] = []
    autonyms = {other: _autonym(other) for other in site.languages}
    shared_links = _language_links(site, None, autonyms)

    base_url = None if options.offline else site.content.config.base_url  # absolute URLs: online builds only

    def add(url: str, template: str, source: str = "", record=None, **context) -> None:
        path = f"{tree}{url}index.html"
        languages, alternates = (
            _language_links(site, site.versions[url], autonyms) if url in site.versions else shared_links
        )
        head = page_head(site, url, alternates, base_url=base_url, record=record, home=template == "home.html")
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
            )
        )

    def add_list(url: str, template: str, slugs, **context) -> None:
        cards = [views.card(s) for s in slugs]
        for page_url, chunk, pager in _paginated(url, cards):
            add(page_url, template, items=chunk, pager=pager, list_url=url, **context)

    terms = site.taxonomies
    newest = sorted([*site.case_studies.values(), *site.events.values()], key=lambda r: (-r.date.toordinal(), r.slug))
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
    add("methods/", "methods.html", methods=[method_summary(m) for m in site.methods.values()], section="methods")

    for study in site.case_studies.values():
        add(
            record_url(study),
            "case_study.html",
            study.origin.path,
            record=study,
            page=views.case_study(study),
            section="case-studies",
            locator=locator_view(maps, study.country, [study.coordinates] if study.coordinates else []),
        )
    for event in site.events.values():
        add(
            record_url(event),
            "event.html",
            event.origin.path,
            record=event,
            page=views.event(event),
            section="events",
        )
    for method in site.methods.values():
        add(
            record_url(method),
            "method.html",
            method.origin.path,
            record=method,
            page=views.method(method),
            section="methods",
        )
    for page in site.pages.values():
        add(
            record_url(page),
            "page.html",
            page.origin.path,
            record=page,
            page=views.page(page),
            section=page.slug,
        )

    network = learning_graph(site)
    for taxonomy in site.declarations:  # each declared taxonomy: its index page and a page per term
        about = taxonomy_view(taxonomy)
        add(
            taxonomy.url,
            taxonomy.list_template,
            taxonomy=about,
            terms=[views.term(t) for t in terms[taxonomy.key]],
            section=taxonomy.key,
        )
        for term in terms[taxonomy.key]:
            extra = {}
            if "locator" in taxonomy.extras:
                extra["locator"] = _country_locator(site, maps, term)
            if "peers" in taxonomy.extras:
                extra["peers"] = city_network_view(site, network, term.key, lang)
            add_list(
                term.url,
                taxonomy.term_template,
                _term_slugs(term),
                term=views.term(term),
                taxonomy=about,
                section=taxonomy.key,
                **extra,
            )

    filters = map_filters(site)
    add("map/", "map.html", map=map_view(site, maps, lang), filters=filters, current=None, section="map")
    for group in filters["groups"]:
        for f in group["filters"]:
            add(
                f["url"],
                "map.html",
                map=map_view(site, maps, lang, only=(group["kind"], f["key"])),
                filters=filters,
                current={"kind": group["kind"], "kind_label": group["kind_label"], "style": group["style"], **f},
                section="map",
            )

    add("network/", "network.html", network=network_view(site, network, lang), section="network")

    for old, new, source in site.redirects:
        add(old, "redirect.html", source, target=new)
    pagefind = options.search and not options.offline
    add(
        "search/",
        "search.html",
        section="search",
        filters=search_filter_names(site),
        **({"content_security_policy": SEARCH_CONTENT_SECURITY_POLICY} if pagefind else {}),
    )
    return plans


def _country_locator(site: Site, maps: Cartographer, term: Term) -> dict | None:
    code = term.key.upper()
    points = sorted({site.case_studies[s].coordinates for s in term.case_studies if site.case_studies[s].coordinates})
    return locator_view(maps, code, points, whole_country=True)


def _term_slugs(term: Term) -> list[str]:
    return [*term.case_studies, *term.events]


def render_page(env: jinja2.Environment, plan: PagePlan) -> RenderedFile:
    try:
        html = env.get_template(plan.template).render(plan.context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildFailed(
            [Problem(exc.filename or plan.template, exc.lineno, "template", exc.message or str(exc))]
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise BuildFailed([_template_problem(exc, plan)]) from None
    return RenderedFile(plan.path, html.encode("utf-8"), plan.source)


def _template_problem(exc: Exception, plan: PagePlan) -> Problem:
    """Point at the template line that failed, and say which page was being rendered."""
    file, line = plan.template, 0
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            file, line = frame.filename, frame.lineno or 0
    return Problem(file, line, "template", f"{exc} (while rendering {plan.path})")


def render_offline_search_index(site: Site, options: RenderOptions) -> RenderedFile:
    """A language tree's offline search index as a plain script: file:// pages cannot fetch JSON."""
    lang = site.lang
    views = TreeViews(site, options.build_year)
    documents = [views.search_document(slug) for slug in sorted([*site.case_studies, *site.events])]
    facets = [f["name"] for f in search_filter_names(site)]  # in declaration order: the facets shown
    data = json.dumps(
        {"documents": documents, "facets": facets}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return RenderedFile(
        f"{language_tree(lang, site.languages)}search/offline-index.js",
        f"window.PRACTICE_SEARCH = {data};\n".encode(),
    )


_PAGES_PER_WORKER = 400


def _render_range(
    theme_dirs: tuple[Path, ...],
    plans: list[PagePlan],
    start: int,
    stop: int,
    rendered: Callable[[int], None] | None = None,
    sink: Callable[[RenderedFile], object] | None = None,
    bytecode_dir: Path | None = None,
) -> list:
    """Render plans[start:stop]; ``rendered`` is told how many of them are done after each page. With a
    ``sink``, each page goes to it as soon as it is rendered and what the sink returns is kept instead."""
    environments: dict[str, jinja2.Environment] = {}  # one per language and process: they do not cross processes
    files = []
    for plan in plans[start:stop]:
        env = environments.get(plan.lang)
        if env is None:
            env = environments[plan.lang] = make_environment(theme_dirs, plan.lang, bytecode_dir)
        page = render_page(env, plan)
        files.append(sink(page) if sink is not None else page)
        if rendered is not None:
            rendered(len(files))
    return files


def _render_child(
    theme_dirs, plans, start: int, stop: int, connection, counts=None, slot: int = 0, sink=None, bytecode_dir=None
) -> None:
    """A worker (forked or spawned): its pages (or what went wrong) over ``connection`` at the end; meanwhile, if
    ``counts`` (shared memory) is given, how many it has rendered in ``counts[slot]``."""

    def rendered(done: int) -> None:
        counts[slot] = done

    quiet_worker()
    try:
        connection.send(
            (
                "done",
                _render_range(
                    theme_dirs, plans, start, stop, rendered if counts is not None else None, sink, bytecode_dir
                ),
            )
        )
    except BuildFailed as exc:
        connection.send(("failed", exc))
    except Exception as exc:
        connection.send(("crashed", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def _render_forked(
    theme_dirs: tuple[Path, ...],
    plans: list[PagePlan],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    sink: Callable[[RenderedFile], object] | None = None,
    bytecode_dir: Path | None = None,
) -> list:
    """Render ranges of the plans in child processes (forked on Linux, which inherit the plans instead of receiving
    them pickled) and one range here; results come back in plan order.

    For ``progress``, each process keeps its count of rendered pages in its own slot of a small
    shared array (no lock: one writer per slot); this process adds them up between its own pages and
    while it waits for the children's results.
    """
    context = worker_context()  # fork on Linux, spawn on macOS and Windows (generator/workers.py)
    ranges = _balanced_ranges(plans, workers)
    # The children share this process's memory until they write to it; the garbage collector writes to
    # every object it scans, so move what exists now out of its sight (the children need none of it freed).
    gc.freeze()
    counts = context.RawArray("q", len(ranges)) if progress is not None else None
    reported = 0

    def report() -> None:
        nonlocal reported
        done = sum(counts)
        if done > reported:
            reported = done
            progress(done, len(plans))

    def rendered_here(done: int) -> None:
        counts[0] = done
        report()

    children = []
    try:
        for slot, (start, stop) in enumerate(ranges[1:], start=1):
            receiver, sender = context.Pipe(duplex=False)
            child = context.Process(
                target=_render_child,
                # its own range only: a spawned worker receives what it is given pickled
                args=(theme_dirs, plans[start:stop], 0, stop - start, sender, counts, slot, sink, bytecode_dir),
                daemon=True,
            )
            with signals_deferred():  # see workers.py: a signal during the fork would be dropped
                child.start()
                children.append((child, receiver))
            sender.close()
        files = _render_range(
            theme_dirs, plans, *ranges[0], rendered_here if counts is not None else None, sink, bytecode_dir
        )
        for _child, receiver in children:
            if counts is not None:
                while not receiver.poll(0.1):  # also true once the child died: recv then fails as before
                    report()
            try:
                status, value = receiver.recv()
            except EOFError:
                raise RuntimeError("a rendering worker stopped without an answer") from None
            if status == "failed":
                raise value
            if status == "crashed":
                raise RuntimeError(f"a rendering worker failed: {value}")
            files += value
        if counts is not None:
            report()
        return files
    finally:
        gc.unfreeze()
        for child, receiver in children:
            receiver.close()
            if child.is_alive():
                child.terminate()
            child.join()


def _balanced_ranges(plans: list[PagePlan], workers: int) -> list[tuple[int, int]]:
    """Contiguous ranges of about equal rendering work (a list page of 100 cards costs some six record
    pages), so that no worker is left rendering alone at the end. Contiguous, not interleaved: each
    worker renders a card once for its own pages, and interleaving would make both render most cards."""
    costs = [1 + len(plan.context.get("items", ())) / 20 for plan in plans]
    total = sum(costs)
    ranges, start, done = [], 0, 0.0
    for i, cost in enumerate(costs):
        done += cost
        if done >= total * (len(ranges) + 1) / workers and len(ranges) < workers - 1:
            ranges.append((start, i + 1))
            start = i + 1
    if start < len(plans):
        ranges.append((start, len(plans)))
    return ranges


def render_plans(
    plans: list[PagePlan],
    theme_dirs: tuple[Path, ...],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    sink: Callable[[RenderedFile], object] | None = None,
    bytecode_dir: Path | None = None,
) -> tuple[list, int]:
    """Render the plans, in worker processes (generator/workers.py) when there are enough of them to pay for the workers;
    returns the results in plan order and the number of processes used.

    ``progress``, if given, is called in this process with (pages rendered so far, pages in all), with
    counts that only grow and end at the total. ``sink``, if given, receives each page in the process
    that rendered it (a worker inherits it by fork, or receives it pickled: it must be picklable), and its return value, not the page, comes back: the
    build writes pages from the workers and gets back only their size and hash.
    """
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 1 + len(plans) // _PAGES_PER_WORKER)
    if workers > 1 and len(plans) > 1:
        results = _render_forked(theme_dirs, plans, workers, progress, sink, bytecode_dir)
        return results, len(_balanced_ranges(plans, workers))
    results = _render_range(
        theme_dirs,
        plans,
        0,
        len(plans),
        (lambda done: progress(done, len(plans))) if progress is not None else None,
        sink,
        bytecode_dir,
    )
    return results, 1


def page_digest(plan: PagePlan, theme_key: str) -> str:
    """What a page's bytes depend on: the templates, catalogs and generator (``theme_key``) and the plan.
    Rendering is pure, so two plans with one digest render the same bytes. The plan is plain data, and its
    pickle is a faithful and fast serialisation of it, made without pickle's memo so that the bytes depend
    only on the values, not on which of them happen to be one shared object (records read from the cache
    share strings differently from records just parsed)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: every value written out where it occurs (the plans hold no cycles)
    pickler.dump((theme_key, plan.path, plan.template, plan.lang, plan.context))
    return hashlib.blake2b(buffer.getbuffer(), digest_size=20).hexdigest()


def render_offline_search_indexes(sites: dict[str, Site], options: RenderOptions) -> list[RenderedFile]:
    return [render_offline_search_index(site, options) for site in sites.values()]
