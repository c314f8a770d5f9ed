"""The pipeline as one readable function: load -> assemble -> render -> write -> index."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build_memory import (
    inputs_fingerprint,
    page_digests,
    previous_pages,
    remember_build,
    remember_pages,
    template_cache_dir,
    unchanged_since_last_build,
)
from generator.build_options import BuildOptions, BuildResult, build_year_from_environment, display_path, theme_dirs_of
from generator.cache import default_cache_dir
from generator.errors import BuildFailed, Problem, sorted_problems
from generator.i18n import DEFAULT_THEME
from generator.mirror import BUNDLE_PATH, write_bundle, write_manifest
from generator.model import RenderedFile, SiteConfig
from generator.output import (
    check_output_location,
    claim_paths,
    copy_files,
    link_files,
    output_lock,
    staging_folder,
    swap_in,
    write_file,
    write_files,
)
from generator.search import run_pagefind
from generator.taxonomies import DEFAULT_TAXONOMIES, Taxonomy
from generator.tracked import tracked_files, tracked_generated_problems

if TYPE_CHECKING:
    from generator.data_tables import FormattedRecords
    from generator.geo import Atlas
    from generator.page_plan import PagePlan, RenderOptions
    from generator.site import Site

# The stages that load, render and export (Markdown, Jinja2, networkx, Babel, Pillow: about a quarter of a
# second of imports) are imported where they are used, so that a build that finds nothing changed, which
# needs none of them, answers at once.

__all__ = [
    "BuildOptions",
    "BuildResult",
    "CacheRefused",
    "check_content",
    "load_sites",
    "build_site",
    "build_bundle",
    "resolve_cache_dir",
    # for the incremental layer (incremental.py), which builds from the same pieces
    "published_media",
    "render_options",
    "site_files",
    "template_cache_dir",
    "display_path",
    "theme_dirs_of",
    "theme_files",
    "theme_links",
]


def check_content(
    content_dir: Path,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    theme_dirs: tuple[Path, ...] = (DEFAULT_THEME,),
) -> tuple[Site | None, list[Problem]]:
    """Load and assemble: every problem of the content, nothing written; the site in its default language.
    Also a problem: build output, caches or locks that Git tracks in the repository (a planted cache)."""
    sites, problems = load_sites(
        content_dir, drafts=drafts, base_url=base_url, jobs=jobs, cache_dir=cache_dir, theme_dirs=theme_dirs
    )
    problems = sorted_problems([*tracked_generated_problems(content_dir.resolve().parent), *problems])
    return (next(iter(sites.values())) if sites else None), problems


class CacheRefused(Exception):
    """An explicit --cache-dir that Git tracks files in: a usage error (exit 2)."""


def resolve_cache_dir(cache_dir: Path | None, content_dir: Path) -> Path:
    """The cache folder to use: by default one in the user's cache folder for this repository (the folder
    holding the content); an explicit one is refused when Git tracks anything in it, since a pull request
    could then plant its entries."""
    if cache_dir is None:
        return default_cache_dir(content_dir.resolve().parent)
    if cache_dir.is_dir() and tracked_files(cache_dir, ["."]):
        raise CacheRefused(
            f"--cache-dir {cache_dir}: Git tracks files in it, so a pull request could plant cache entries; "
            "use a folder outside the repository (the default) or an untracked one"
        )
    return cache_dir


def load_sites(
    content_dir: Path,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    theme_dirs: tuple[Path, ...] = (DEFAULT_THEME,),
    taxonomies: tuple[Taxonomy, ...] = DEFAULT_TAXONOMIES,
) -> tuple[dict[str, Site] | None, list[Problem]]:
    """Load and assemble every language tree (the default language first), or None and the problems."""
    from generator.content import load_content
    from generator.site import assemble_languages

    content, problems = load_content(
        content_dir,
        display_dir=display_path(content_dir),
        base_url=base_url,
        jobs=jobs,
        cache_dir=cache_dir,
        theme_dirs=theme_dirs,
    )
    if content is None:
        return None, sorted_problems(problems)
    sites, more = assemble_languages(content, drafts=drafts, taxonomies=taxonomies)
    problems += more
    return (None if any(p.is_error for p in problems) else sites), sorted_problems(problems)


def _static_copies(options: BuildOptions) -> list[tuple[Path, str]]:
    copies: list[tuple[Path, str]] = []
    for theme in theme_dirs_of(options):  # the first theme wins a name both have
        static = theme / "static"
        if static.is_dir():
            for root, dirs, files in os.walk(static):
                dirs.sort()
                for name in sorted(files):
                    path = Path(root, name)
                    copies.append((path, "static/" + path.relative_to(static).as_posix()))
    return copies


def published_media(site: Site, options: BuildOptions) -> list[RenderedFile]:
    from generator.media import MediaError, strip_metadata

    files, problems = [], []
    for media in site.content.media:
        path = options.content_dir / media
        try:
            files.append(RenderedFile(media, strip_metadata(path.read_bytes(), path.suffix), media))
        except MediaError as exc:
            problems.append(Problem(f"{display_path(options.content_dir)}/{media}", 0, "", str(exc)))
    if problems:
        raise BuildFailed(problems)
    return files


def build_site(
    options: BuildOptions,
    environ: Mapping[str, str] = os.environ,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the site; with a cache folder, a build whose inputs and output are as they were does nothing.
    ``progress`` is called with (pages rendered, pages in all) while pages are rendered."""
    started = time.monotonic()
    inputs = None
    if options.cache_dir is not None:
        check_output_location(options.out_dir, [options.content_dir, *theme_dirs_of(options), Path.cwd()])
        inputs = inputs_fingerprint(options, build_year_from_environment(environ))
        with output_lock(options.out_dir):
            unchanged = unchanged_since_last_build(options, inputs)
        if unchanged is not None:
            return replace(unchanged, seconds=time.monotonic() - started)
    result = _build(options, environ, started, progress)
    if inputs is not None:
        remember_build(options, inputs, result)
    return result


def theme_links(options: BuildOptions) -> list[Problem]:
    """Symbolic links in a theme are refused: Jinja and the static copy would follow them out of it."""
    problems = []
    for theme in theme_dirs_of(options):
        for folder, dirs, names in os.walk(theme):
            for name in sorted(dirs + names):
                path = Path(folder, name)
                if path.is_symlink():
                    problems.append(Problem(str(path), 0, "", "is a symbolic link; links are refused in themes"))
    return problems


@dataclass
class _Prepared:
    """What a build writes, once the content is loaded and every page planned: the records themselves
    are no longer needed (plans hold plain data), so they are not kept while pages render."""

    plans: list[PagePlan]
    files: list[RenderedFile]
    static: list[tuple[Path, str]]
    config: SiteConfig
    warnings: tuple[Problem, ...]
    styles: list[RenderedFile]  # the theme's stylesheets, minified


def render_options(options: BuildOptions, environ: Mapping[str, str], atlas: Atlas | None = None) -> RenderOptions:
    """The planning options of a build (planning.RenderOptions); ``atlas``: the world's shapes, if already read."""
    from generator.page_plan import RenderOptions

    return RenderOptions(
        build_year_from_environment(environ),
        options.offline,
        options.search,
        options.live_reload,
        bundle=options.bundle and not options.offline,
        atlas=atlas,
    )


def site_files(
    sites: dict[str, Site],
    page_paths: list[str],
    options: BuildOptions,
    environ: Mapping[str, str],
    theme_dirs: tuple[Path, ...],
    media: list[RenderedFile],
    memory: FormattedRecords | None = None,
) -> list[RenderedFile]:
    """Every file of a build but its pages, static files and stylesheets: the data exports, the sitemap (of
    ``page_paths``), the feeds, the ``media`` (see published_media), robots.txt and the offline search indexes.
    ``memory``: a data_tables.FormattedRecords kept by a caller that builds again and again."""
    from generator.exports import render_data_exports, render_feeds, render_sitemap
    from generator.i18n import catalog_translations
    from generator.provenance import render_offline_readme
    from generator.render import render_offline_search_indexes
    from generator.structured_data import robots_txt

    site = next(iter(sites.values()))  # the default language's: shared files (media, data, the 404 page) come from it
    gettext = catalog_translations(theme_dirs, site.lang).gettext
    files = render_data_exports(sites, options.taxonomies, gettext, memory)
    files += render_sitemap(site, page_paths)
    for tree in sites.values():
        files += render_feeds(tree, catalog_translations(theme_dirs, tree.lang).gettext, memory)
    if memory is not None:
        memory.forget_unused()  # practices and feeds this build no longer has
    files += media
    files.append(RenderedFile("robots.txt", robots_txt(site.content.config.base_url).encode()))
    if options.offline:
        files += render_offline_search_indexes(sites, render_options(options, environ))
        files.append(render_offline_readme(site, environ, options.content_dir))
    return files


def theme_files(options: BuildOptions) -> tuple[list[tuple[Path, str]], list[RenderedFile]]:
    """The themes' static files to copy (source, output path) and their stylesheets, minified."""
    from generator.assets import minified_styles

    return minified_styles(_static_copies(options))


def _prepare(options: BuildOptions, environ: Mapping[str, str], theme_dirs: tuple[Path, ...]) -> _Prepared:
    from generator.planning import plan_pages

    if links := theme_links(options):
        raise BuildFailed(links)
    sites, problems = load_sites(
        options.content_dir,
        drafts=options.drafts,
        base_url=options.base_url,
        jobs=options.jobs,
        cache_dir=options.cache_dir,
        theme_dirs=theme_dirs,
        taxonomies=options.taxonomies,
    )
    if sites is None or any(p.is_error for p in problems):
        raise BuildFailed(problems)
    site = next(iter(sites.values()))
    check_output_location(options.out_dir, [options.content_dir, *theme_dirs, Path.cwd()])
    plans = plan_pages(sites, render_options(options, environ))
    files = site_files(sites, [p.path for p in plans], options, environ, theme_dirs, published_media(site, options))
    claim_paths([*((p.path, p.source) for p in plans), *((f.path, f.source) for f in files)])
    static, styles = theme_files(options)
    return _Prepared(plans, files, static, site.content.config, tuple(p for p in problems if not p.is_error), styles)


def _build(
    options: BuildOptions,
    environ: Mapping[str, str],
    started: float,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    from generator.render import render_plans

    theme_dirs = tuple(theme_dirs_of(options))
    prepared = _prepare(options, environ, theme_dirs)
    plans, file_count = prepared.plans, len(prepared.files)
    digests = page_digests(options, theme_dirs, plans)

    with output_lock(options.out_dir), staging_folder(options.out_dir) as staging:
        write_files(staging, prepared.files)
        write_files(staging, prepared.styles)
        copy_files(staging, prepared.static)
        prepared.files = []  # written: their bytes need not stay in memory while pages render
        previous = previous_pages(options, digests)
        kept = [i for i, plan in enumerate(plans) if plan.path in previous and previous[plan.path][0] == digests[i]]
        link_files(staging, [(options.out_dir / plans[i].path, plans[i].path) for i in kept])
        kept_indexes = set(kept)
        fresh = [plan for i, plan in enumerate(plans) if i not in kept_indexes]
        # pages are written by the process that renders them: only their size and hash come back
        written, workers = render_plans(
            fresh,
            theme_dirs,
            options.jobs,
            progress,
            sink=partial(write_file, staging),
            bytecode_dir=template_cache_dir(options),
        )
        if options.search and options.index and not options.offline:  # Pagefind cannot run from file://
            run_pagefind(staging)
        hashes = {w.path: (w.size, w.sha256) for w in written}
        hashes.update((plans[i].path, previous[plans[i].path][1:]) for i in kept)
        if options.bundle and not options.offline:  # inside the staging folder: swapped in with the rest, or not at all
            build_bundle(replace(options, bundle=False, cache_dir=None), staging / BUNDLE_PATH, environ)
        manifest = write_manifest(staging, hashes)
        swap_in(staging, options.out_dir)
        remember_pages(options, digests, plans, hashes, manifest)
    return BuildResult(
        prepared.warnings,
        len(plans) + file_count,
        time.monotonic() - started,
        prepared.config,
        pages=len(plans),
        reused=len(kept),
        workers=workers,
    )


def build_bundle(options: BuildOptions, target: Path, environ: Mapping[str, str] = os.environ) -> BuildResult:
    """``practice bundle``: the offline build, zipped with a README on how to open it."""
    from generator.vocab import slugify

    with tempfile.TemporaryDirectory(prefix="practice-bundle-") as temporary:
        site_dir = Path(temporary) / "site"
        result = build_site(replace(options, out_dir=site_dir, offline=True), environ)
        assert result.config is not None  # a new, empty folder is never an unchanged build: the content was loaded
        write_bundle(site_dir, target, slugify(result.config.title))
    return result
