"""The pipeline as one readable function: load -> assemble -> render -> write -> index."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from generator.content import load_content
from generator.errors import BuildFailed, Problem, Severity, sorted_problems
from generator.exports import render_data_exports, render_feeds, render_offline_readme, render_sitemap
from generator.media import MediaError, strip_metadata
from generator.cache import tree_fingerprint
from generator.mirror import MANIFEST_PATH, matches_manifest_quickly, write_bundle, write_manifest
from generator.model import RenderedFile, SiteConfig
from generator.output import (
    check_output_location,
    copy_files,
    output_lock,
    staging_folder,
    swap_in,
    write_files,
)
from generator.render import (
    DEFAULT_THEME,
    RenderOptions,
    build_year_from_environment,
    render_site,
)
from generator.search import run_pagefind
from generator.i18n import catalog_translations
from generator.site import Site, assemble_languages
from generator.vocab import slugify

__all__ = ["BuildOptions", "BuildResult", "check_content", "load_sites", "build_site", "build_bundle"]


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


@dataclass(frozen=True)
class BuildResult:
    warnings: tuple[Problem, ...]
    files: int
    seconds: float
    config: SiteConfig | None  # None when nothing changed and nothing was loaded
    unchanged: bool = False
    pages: int = 0  # HTML pages rendered
    # Files whose bytes equal the previous output's, so that the previous file was kept. Always 0 for now:
    # output.py writes every file afresh into the staging folder and swaps the whole folder in, so no file
    # is ever kept, and telling which bytes are unchanged would mean reading the whole previous output.
    # It counts once writing hard-links unchanged files from the previous output (docs/performance.md).
    reused: int = 0
    workers: int = 0  # processes that rendered the pages


def check_content(content_dir: Path, *, drafts: bool = False, base_url: str | None = None, jobs: int | None = None,
                  cache_dir: Path | None = None) -> tuple[Site | None, list[Problem]]:
    """Load and assemble: every problem of the content, nothing written; the site in its default language."""
    sites, problems = load_sites(content_dir, drafts=drafts, base_url=base_url, jobs=jobs, cache_dir=cache_dir)
    return (next(iter(sites.values())) if sites else None), problems


def load_sites(content_dir: Path, *, drafts: bool = False, base_url: str | None = None, jobs: int | None = None,
               cache_dir: Path | None = None) -> tuple[dict[str, Site] | None, list[Problem]]:
    """Load and assemble every language tree (the default language first), or None and the problems."""
    content, problems = load_content(content_dir, display_dir=_display(content_dir), base_url=base_url, jobs=jobs, cache_dir=cache_dir)
    if content is None:
        return None, sorted_problems(problems)
    sites, more = assemble_languages(content, drafts=drafts)
    problems += more
    return (None if any(p.is_error for p in problems) else sites), sorted_problems(problems)


def _display(path: Path) -> str:
    """Paths in messages as the user would type them: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _theme_dirs(options: BuildOptions) -> list[Path]:
    return [options.theme_dir, DEFAULT_THEME] if options.theme_dir else [DEFAULT_THEME]


def _static_copies(site: Site, options: BuildOptions) -> list[tuple[Path, str]]:
    copies: list[tuple[Path, str]] = []
    for theme in _theme_dirs(options):  # the first theme wins a name both have
        static = theme / "static"
        if static.is_dir():
            for root, dirs, files in os.walk(static):
                dirs.sort()
                for name in sorted(files):
                    path = Path(root, name)
                    copies.append((path, "static/" + path.relative_to(static).as_posix()))
    return copies


def _published_media(site: Site, options: BuildOptions) -> list[RenderedFile]:
    files, problems = [], []
    for media in site.content.media:
        path = options.content_dir / media
        try:
            files.append(RenderedFile(media, strip_metadata(path.read_bytes(), path.suffix), media))
        except MediaError as exc:
            problems.append(Problem(f"{_display(options.content_dir)}/{media}", 0, "", str(exc)))
    if problems:
        raise BuildFailed(problems)
    return files


def _inputs(options: BuildOptions, build_year: int) -> str:
    """Everything a build reads: content, themes, options, the generator itself (through its code fingerprint)."""
    settings = repr((options.base_url, options.drafts, options.offline, options.search, options.live_reload, build_year))
    return tree_fingerprint([options.content_dir, *_theme_dirs(options)], settings)


def _unchanged_since_last_build(options: BuildOptions, inputs: str) -> BuildResult | None:
    """The previous result, if the same inputs built this output folder and it is still intact."""
    record_path = options.cache_dir / "builds.json"
    try:
        record = json.loads(record_path.read_text(encoding="utf-8")).get(str(options.out_dir.resolve()))
    except (OSError, ValueError, AttributeError):
        return None
    if not record or record.get("inputs") != inputs or not matches_manifest_quickly(options.out_dir, record.get("manifest", "")):
        return None
    warnings = tuple(Problem(w["file"], w["line"], w["field"], w["message"], Severity.WARNING) for w in record.get("warnings", ()))
    return BuildResult(warnings, record.get("files", 0), 0.0, None, unchanged=True)


def _remember_build(options: BuildOptions, inputs: str, result: BuildResult) -> None:
    record_path = options.cache_dir / "builds.json"
    try:
        records = json.loads(record_path.read_text(encoding="utf-8"))
        records = records if isinstance(records, dict) else {}
    except (OSError, ValueError):
        records = {}
    manifest = (options.out_dir / MANIFEST_PATH).read_bytes()
    records[str(options.out_dir.resolve())] = {
        "inputs": inputs,
        "manifest": hashlib.sha256(manifest).hexdigest(),
        "files": result.files,
        "warnings": [{"file": w.file, "line": w.line, "field": w.field, "message": w.message} for w in result.warnings],
    }
    try:
        options.cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = record_path.with_name(f".builds.json.{os.getpid()}")
        temporary.write_text(json.dumps(records, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, record_path)
    except OSError:
        pass  # a cache that cannot be written costs speed, never correctness


def build_site(options: BuildOptions, environ=os.environ, progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Build the site; with a cache folder, a build whose inputs and output are as they were does nothing.
    ``progress`` is called with (pages rendered, pages in all) while pages are rendered."""
    started = time.monotonic()
    inputs = None
    if options.cache_dir is not None:
        check_output_location(options.out_dir, [options.content_dir, *_theme_dirs(options), Path.cwd()])
        inputs = _inputs(options, build_year_from_environment(environ))
        with output_lock(options.out_dir):
            unchanged = _unchanged_since_last_build(options, inputs)
        if unchanged is not None:
            return replace(unchanged, seconds=time.monotonic() - started)
    result = _build(options, environ, started, progress)
    if inputs is not None:
        _remember_build(options, inputs, result)
    return result


def _theme_links(options: BuildOptions) -> list[Problem]:
    """Symbolic links in a theme are refused: Jinja and the static copy would follow them out of it."""
    problems = []
    for theme in _theme_dirs(options):
        for folder, dirs, names in os.walk(theme):
            for name in sorted(dirs + names):
                path = Path(folder, name)
                if path.is_symlink():
                    problems.append(Problem(str(path), 0, "", "is a symbolic link; links are refused in themes"))
    return problems


def _build(options: BuildOptions, environ, started: float, progress: Callable[[int, int], None] | None = None) -> BuildResult:
    if links := _theme_links(options):
        raise BuildFailed(links)
    sites, problems = load_sites(options.content_dir, drafts=options.drafts, base_url=options.base_url, jobs=options.jobs, cache_dir=options.cache_dir)
    if sites is None or any(p.is_error for p in problems):
        raise BuildFailed(problems)
    site = next(iter(sites.values()))  # the default language's: shared files (media, data, the 404 page) come from it
    check_output_location(options.out_dir, [options.content_dir, *_theme_dirs(options), Path.cwd()])

    theme_dirs = tuple(_theme_dirs(options))
    render_options = RenderOptions(build_year_from_environment(environ), options.offline, options.search, options.live_reload)
    rendering: dict = {}
    pages = render_site(sites, theme_dirs, render_options, options.jobs, progress, rendering)
    files = pages + render_data_exports(sites) + render_sitemap(site, [p.path for p in pages])
    for tree in sites.values():
        files += render_feeds(tree, catalog_translations(theme_dirs, tree.lang).gettext)
    files += _published_media(site, options)
    if options.offline:
        files.append(render_offline_readme(site))

    with output_lock(options.out_dir), staging_folder(options.out_dir) as staging:
        write_files(staging, files)
        copy_files(staging, _static_copies(site, options))
        if options.search and not options.offline:  # Pagefind cannot run from file://
            run_pagefind(staging)
        write_manifest(staging)
        swap_in(staging, options.out_dir)
    return BuildResult(tuple(p for p in problems if not p.is_error), len(files), time.monotonic() - started, site.content.config,
                       pages=rendering["pages"], reused=0, workers=rendering["workers"])


def build_bundle(options: BuildOptions, target: Path, environ=os.environ) -> BuildResult:
    """``practice bundle``: the offline build, zipped with a README on how to open it."""
    with tempfile.TemporaryDirectory(prefix="practice-bundle-") as temporary:
        site_dir = Path(temporary) / "site"
        result = build_site(replace(options, out_dir=site_dir, offline=True), environ)
        write_bundle(site_dir, target, slugify(result.config.title))
    return result
