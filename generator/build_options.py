"""What a build is asked to do (``BuildOptions``) and what it reports (``BuildResult``), with the few facts
every stage of the build derives from them the same way: the themes in order, the build year, paths as shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem
from generator.i18n import DEFAULT_THEME
from generator.model import SiteConfig
from generator.taxonomies import DEFAULT_TAXONOMIES, Taxonomy

__all__ = ["BuildOptions", "BuildResult", "build_year_from_environment", "display_path", "theme_dirs_of"]


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


def build_year_from_environment(environ: Mapping[str, str]) -> int:
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
    pages: int = 0  # planned files of the build: its HTML pages and the locator maps drawn for them
    reused: int = 0  # pages hard-linked from the previous output instead of rendered (their digest was unchanged)
    workers: int = 0  # processes that rendered the pages


def display_path(path: Path) -> str:
    """Paths in messages as the user would type them: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def theme_dirs_of(options: BuildOptions) -> list[Path]:
    return [options.theme_dir, DEFAULT_THEME] if options.theme_dir else [DEFAULT_THEME]
