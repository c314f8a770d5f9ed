"""The pipeline as one readable function: load -> assemble -> render -> write -> index."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import code_fingerprint, default_cache_dir, load_snapshot, save_snapshot, tree_fingerprint
from generator.errors import BuildFailed, Problem, Severity, sorted_problems
from generator.i18n import DEFAULT_THEME
from generator.mirror import BUNDLE_PATH, MANIFEST_PATH, matches_manifest_quickly, write_bundle, write_manifest
from generator.model import RenderedFile, SiteConfig
from generator.output import (
    check_output_location,
    claim_paths,
    copy_files,
    link_files,
    output_lock,
    output_stat_digest,
    staging_folder,
    swap_in,
    write_file,
    write_files,
)
from generator.search import run_pagefind
from generator.taxonomies import DEFAULT_TAXONOMIES, Taxonomy
from generator.tracked import tracked_files, tracked_generated_problems

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = Path("content")
    out_dir: Path = Path("_site")
    theme_dir: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    offline: bool = False
    search: bool = True
    jobs: int | None = None
    live_reload: bool = False
    cache_dir: Path | None = None
    index: bool = True  # run Pagefind after writing; serve indexes in the background instead (see serve.py)
    taxonomies: tuple[Taxonomy, ...] = DEFAULT_TAXONOMIES  # what the site is indexed by (taxonomies.py)
    bundle: bool = False  # also write the offline copy to download/offline.zip (and link it from the footer)


def build_year_from_environment(environ) -> int:
    """The year that ongoing practices run to: SOURCE_DATE_EPOCH's, for reproducible builds."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).year
    return dt.datetime.now(dt.UTC).year


@dataclass(frozen=True)
class BuildResult:
    warnings: tuple[Problem, ...]
    files: int
    seconds: float
    config: SiteConfig | None  # None when nothing changed and nothing was loaded
    unchanged: bool = False
    pages: int = 0  # HTML pages of the build
    reused: int = 0  # pages hard-linked from the previous output instead of rendered (their digest was unchanged)
    workers: int = 0  # processes that rendered the pages


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


def display_path(path: Path) -> str:
    """Paths in messages as the user would type them: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def theme_dirs_of(options: BuildOptions) -> list[Path]:
    return [options.theme_dir, DEFAULT_THEME] if options.theme_dir else [DEFAULT_THEME]


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


def _inputs(options: BuildOptions, build_year: int) -> str:
    """Everything a build reads: content, themes, options, the generator itself (through its code fingerprint)."""
    settings = repr(
        (
            options.base_url,
            options.drafts,
            options.offline,
            options.search,
            options.index,
            options.live_reload,
            build_year,
            tuple(t.fingerprint for t in options.taxonomies),
            options.bundle,
        )
    )
    return tree_fingerprint([options.content_dir, *theme_dirs_of(options)], settings)


def _builds_snapshot_name(options: BuildOptions) -> str:
    return "builds-" + hashlib.sha256(str(options.out_dir.resolve()).encode()).hexdigest()[:16]


def _unchanged_since_last_build(options: BuildOptions, inputs: str) -> BuildResult | None:
    """The previous result, if the same inputs built this output folder and it is still intact. The record
    is signed (generator.cache) and kept outside the working tree; the output must still hold exactly the
    files of the manifest the record names, with their sizes and modification times, or everything is built
    and written again."""
    record = load_snapshot(options.cache_dir, _builds_snapshot_name(options))
    if (
        not isinstance(record, dict)
        or record.get("inputs") != inputs
        or not isinstance(record.get("manifest"), str)
        or not matches_manifest_quickly(options.out_dir, record["manifest"])
        or record.get("stat") != output_stat_digest(options.out_dir)
    ):
        return None
    try:
        warnings = tuple(
            Problem(w["file"], w["line"], w["field"], w["message"], Severity.WARNING) for w in record["warnings"]
        )
        return BuildResult(warnings, int(record["files"]), 0.0, None, unchanged=True)
    except (KeyError, TypeError, ValueError):
        return None


def _remember_build(options: BuildOptions, inputs: str, result: BuildResult) -> None:
    manifest = (options.out_dir / MANIFEST_PATH).read_bytes()
    record = {
        "inputs": inputs,
        "manifest": hashlib.sha256(manifest).hexdigest(),
        "stat": output_stat_digest(options.out_dir),
        "files": result.files,
        "warnings": [{"file": w.file, "line": w.line, "field": w.field, "message": w.message} for w in result.warnings],
    }
    save_snapshot(options.cache_dir, _builds_snapshot_name(options), record)


def build_site(
    options: BuildOptions, environ=os.environ, progress: Callable[[int, int], None] | None = None
) -> BuildResult:
    """Build the site; with a cache folder, a build whose inputs and output are as they were does nothing.
    ``progress`` is called with (pages rendered, pages in all) while pages are rendered."""
    started = time.monotonic()
    inputs = None
    if options.cache_dir is not None:
        check_output_location(options.out_dir, [options.content_dir, *theme_dirs_of(options), Path.cwd()])
        inputs = _inputs(options, build_year_from_environment(environ))
        with output_lock(options.out_dir):
            unchanged = _unchanged_since_last_build(options, inputs)
        if unchanged is not None:
            return replace(unchanged, seconds=time.monotonic() - started)
    result = _build(options, environ, started, progress)
    if inputs is not None:
        _remember_build(options, inputs, result)
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

    plans: list
    files: list[RenderedFile]
    static: list[tuple[Path, str]]
    config: SiteConfig
    warnings: tuple[Problem, ...]
    styles: list[RenderedFile]  # the theme's stylesheets, minified


def render_options(options: BuildOptions, environ, atlas=None):
    """The planning options of a build (planning.RenderOptions); ``atlas``: the world's shapes, if already read."""
    from generator.planning import RenderOptions

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
    environ,
    theme_dirs: tuple[Path, ...],
    media: list[RenderedFile],
) -> list[RenderedFile]:
    """Every file of a build but its pages, static files and stylesheets: the data exports, the sitemap (of
    ``page_paths``), the feeds, the ``media`` (see published_media), robots.txt and the offline search indexes."""
    from generator.exports import render_data_exports, render_feeds, render_sitemap
    from generator.i18n import catalog_translations
    from generator.provenance import render_offline_readme
    from generator.render import render_offline_search_indexes
    from generator.structured_data import robots_txt

    site = next(iter(sites.values()))  # the default language's: shared files (media, data, the 404 page) come from it
    files = render_data_exports(sites, options.taxonomies, catalog_translations(theme_dirs, site.lang).gettext)
    files += render_sitemap(site, page_paths)
    for tree in sites.values():
        files += render_feeds(tree, catalog_translations(theme_dirs, tree.lang).gettext)
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


def _prepare(options: BuildOptions, environ, theme_dirs: tuple[Path, ...]) -> _Prepared:
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
    options: BuildOptions, environ, started: float, progress: Callable[[int, int], None] | None = None
) -> BuildResult:
    from generator.render import render_plans

    theme_dirs = tuple(theme_dirs_of(options))
    prepared = _prepare(options, environ, theme_dirs)
    plans, file_count = prepared.plans, len(prepared.files)
    digests = _page_digests(options, theme_dirs, plans)

    with output_lock(options.out_dir), staging_folder(options.out_dir) as staging:
        write_files(staging, prepared.files)
        write_files(staging, prepared.styles)
        copy_files(staging, prepared.static)
        prepared.files = []  # written: their bytes need not stay in memory while pages render
        previous = _previous_pages(options, digests)
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
        _remember_pages(options, digests, plans, hashes, manifest)
    return BuildResult(
        prepared.warnings,
        len(plans) + file_count,
        time.monotonic() - started,
        prepared.config,
        pages=len(plans),
        reused=len(kept),
        workers=workers,
    )


def template_cache_dir(options: BuildOptions) -> Path | None:
    """Where compiled templates are kept: a folder per generator version, since Jinja keys its entries by
    the template's source only and the environment's settings live in the generator's code."""
    if options.cache_dir is None:
        return None
    folder = options.cache_dir / "templates"
    current = folder / code_fingerprint()[:16]
    if folder.is_dir():
        for other in folder.iterdir():
            if other != current:
                shutil.rmtree(other, ignore_errors=True)
    return current


# Reusing pages of the previous build: with --cache-dir, each page's digest (page_digest: the templates,
# catalogs, generator and the page's data) is remembered with the size and hash of what was written. A page
# whose digest is unchanged is hard-linked from the previous output instead of rendered and written again,
# provided that output is still the one the record describes (its manifest, and every file's size).


def _page_digests(options: BuildOptions, theme_dirs: tuple[Path, ...], plans) -> list[str | None]:
    from generator.render import page_digest

    if options.cache_dir is None:
        return [None] * len(plans)
    theme_key = tree_fingerprint(theme_dirs, "pages")
    return [page_digest(plan, theme_key) for plan in plans]


def _pages_snapshot_name(options: BuildOptions) -> str:
    return "pages-" + hashlib.sha256(str(options.out_dir.resolve()).encode()).hexdigest()[:16]


def _previous_pages(options: BuildOptions, digests: list[str | None]) -> dict[str, tuple[str, int, str]]:
    """path -> (digest, size, sha256) of the previous build into this output folder, if it is intact."""
    if options.cache_dir is None or not any(digests):
        return {}
    record = load_snapshot(options.cache_dir, _pages_snapshot_name(options))
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("pages"), dict)
        or not matches_manifest_quickly(options.out_dir, record.get("manifest", ""))
        or record.get("stat") != output_stat_digest(options.out_dir)
    ):
        return {}  # a page changed in place, even to the same size, is not linked into the new output
    return record["pages"]


def _remember_pages(options: BuildOptions, digests, plans, hashes: dict[str, tuple[int, str]], manifest: bytes) -> None:
    if options.cache_dir is None:
        return
    pages = {plan.path: (digest, *hashes[plan.path]) for plan, digest in zip(plans, digests) if digest is not None}
    save_snapshot(
        options.cache_dir,
        _pages_snapshot_name(options),
        {
            "manifest": hashlib.sha256(manifest).hexdigest(),
            "stat": output_stat_digest(options.out_dir),
            "pages": pages,
        },
    )


def build_bundle(options: BuildOptions, target: Path, environ=os.environ) -> BuildResult:
    """``practice bundle``: the offline build, zipped with a README on how to open it."""
    from generator.vocab import slugify

    with tempfile.TemporaryDirectory(prefix="practice-bundle-") as temporary:
        site_dir = Path(temporary) / "site"
        result = build_site(replace(options, out_dir=site_dir, offline=True), environ)
        write_bundle(site_dir, target, slugify(result.config.title))
    return result
