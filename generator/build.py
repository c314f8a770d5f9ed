"""The pipeline as one readable function: load -> assemble -> render -> write -> index."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from generator.content import load_content
from generator.errors import BuildFailed, Problem, sorted_problems
from generator.exports import render_data_exports, render_feeds, render_offline_readme, render_sitemap
from generator.media import MediaError, strip_metadata
from generator.mirror import write_bundle, write_manifest
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
from generator.site import Site, assemble
from generator.vocab import slugify

__all__ = ["BuildOptions", "BuildResult", "check_content", "build_site", "build_bundle"]


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
    config: SiteConfig


def check_content(content_dir: Path, *, drafts: bool = False, base_url: str | None = None, jobs: int | None = None,
                  cache_dir: Path | None = None) -> tuple[Site | None, list[Problem]]:
    """Load and assemble: every problem of the content, nothing written."""
    content, problems = load_content(content_dir, display_dir=_display(content_dir), base_url=base_url, jobs=jobs, cache_dir=cache_dir)
    if content is None:
        return None, sorted_problems(problems)
    site, more = assemble(content, drafts=drafts)
    problems += more
    return (None if any(p.is_error for p in problems) else site), sorted_problems(problems)


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


def build_site(options: BuildOptions, environ=os.environ) -> BuildResult:
    started = time.monotonic()
    site, problems = check_content(options.content_dir, drafts=options.drafts, base_url=options.base_url, jobs=options.jobs, cache_dir=options.cache_dir)
    if site is None or any(p.is_error for p in problems):
        raise BuildFailed(problems)
    check_output_location(options.out_dir, [options.content_dir, *_theme_dirs(options), Path.cwd()])

    render_options = RenderOptions(build_year_from_environment(environ), options.offline, options.search, options.live_reload)
    pages = render_site(site, tuple(_theme_dirs(options)), render_options, options.jobs)
    files = pages + render_feeds(site) + render_data_exports(site) + render_sitemap(site, [p.path for p in pages])
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
    return BuildResult(tuple(p for p in problems if not p.is_error), len(files), time.monotonic() - started, site.content.config)


def build_bundle(options: BuildOptions, target: Path, environ=os.environ) -> BuildResult:
    """``practice bundle``: the offline build, zipped with a README on how to open it."""
    with tempfile.TemporaryDirectory(prefix="practice-bundle-") as temporary:
        site_dir = Path(temporary) / "site"
        result = build_site(replace(options, out_dir=site_dir, offline=True), environ)
        write_bundle(site_dir, target, slugify(result.config.title))
    return result
