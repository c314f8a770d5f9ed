"""The incremental layer: a build kept in memory and patched by edits, for ``practice serve``.

The core (load -> assemble -> plan -> render -> write) keeps nothing between builds and imports nothing
from here (tests/test_architecture.py). This layer runs the core's own functions and keeps what they
returned: each content file's loaded record (or its problems), the settings and vocabulary the files were
loaded with, every page's digest (``render.page_digest``) and what the output folder holds (served.py).

``apply(paths)`` says which files changed, and the build does only what they can change (edit_paths.py):

- a record whose body alone changed: that file is read again, the record put in the assembled trees
  (site_patch.py: assembly never reads a body), and only its page planned, in each tree. Nothing else
  shows a body (the offline search index does, so an offline build takes the third way);
- practices (or translations) whose front matter changed, no page added or removed (affected.py): the
  files read, the site patched if only text changed (site_patch.py) else assembled, the pages that show
  them planned, the other files made again;
- any other change to case-studies/, events/, methods/ or pages/ (a file added, deleted or renamed, a
  method, a file with errors): the changed files read, the folders listed, every page planned;
- anything else (site.yml, topics.yml, media/, a template, a stylesheet, a catalog): everything is
  loaded again, the record cache of --cache-dir helping, as a fresh build (written beside the output and
  swapped in) that links the pages whose digest did not change.

Every way ends alike (_update): only pages whose digest changed are rendered, only files whose bytes
changed written. Kept between edits besides: each practice's formatted export lines and the feeds
(data_tables.FormattedRecords), the Jinja environments with their compiled templates and cards, the
dates and names of each language (formats.LocalFormats); a whole build makes them again.

Content with errors raises BuildFailed and writes nothing: the last good output stays. The equality of
every outcome with a clean build of the same files is the property test in tests/test_incremental.py.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from generator.affected import pages_showing, same_pages
from generator.build import (
    BuildOptions,
    BuildResult,
    display_path,
    published_media,
    render_options,
    site_files,
    template_cache_dir,
    theme_dirs_of,
    theme_files,
    theme_links,
)
from generator.cache import tree_fingerprint
from generator.content import (
    NOT_A_FOLDER,
    ContentFile,
    ContentSettings,
    discover_files,
    gather_content,
    load_file,
    load_files,
    load_settings,
)
from generator.data_tables import FormattedRecords
from generator.edit_paths import differs_in_body_only, kind_of, page_url, passing, resolved
from generator.errors import BuildFailed, Problem, sorted_problems
from generator.formats import LocalFormats
from generator.geo import Cartographer
from generator.markup import MarkdownRenderer
from generator.model import RenderedFile
from generator.output import (
    check_output_location,
    claim_paths,
    copy_files,
    link_files,
    output_lock,
    staging_folder,
    write_file,
    write_files,
)
from generator.page_plan import PagePlan, world_atlas
from generator.planning import plan_pages
from generator.render import page_digest, render_plans
from generator.served import ServedFolder, file_hash, file_hashes
from generator.site import Site, assemble_languages
from generator.site_patch import with_new_bodies, with_new_front_matter

__all__ = ["IncrementalBuild"]

Loaded = tuple[Any, list[Problem]]  # one file's record (a Partial when it has errors) and its problems


class IncrementalBuild:
    """One site built into ``options.out_dir`` and kept in memory; ``build()`` first, then ``apply()`` per edit."""

    def __init__(self, options: BuildOptions, environ: Mapping[str, str] = os.environ) -> None:
        if options.bundle or (options.search and options.index and not options.offline):
            raise ValueError("the incremental build writes pages only: no bundle, and Pagefind run by the caller")
        self.options = options
        self.environ = environ
        self.theme_dirs = tuple(theme_dirs_of(options))
        self.display_dir = display_path(options.content_dir)
        self.output = ServedFolder(options.out_dir)
        self._renderer = MarkdownRenderer()  # this build's, for the files read again one at a time
        self._settings: ContentSettings | None = None
        self._loaded: dict[Path, tuple[ContentFile, Loaded]] = {}  # by path, in discovery order
        self._media: list[str] = []
        self._discovery_problems: list[Problem] = []
        self._media_files: list[RenderedFile] = []
        self._atlas: Any = None
        self._maps: Cartographer | None = None
        self._theme_key = ""
        self._pages: dict[str, tuple[str, str]] = {}  # path -> (digest, source), in plan order
        self._shows: dict[str, tuple[str, ...]] = {}  # path -> the practices a list page shows (PagePlan.shows)
        self._file_count = 0
        self._config: Any = None
        self._sites: dict[str, Site] = {}
        self._good = False  # the output is the build of what is loaded (false after a failed edit)
        self._needs_build = True  # until a whole build succeeded: settings, themes or media may have changed
        self._warnings: tuple[Problem, ...] = ()
        self._theme_paths: set[str] = set()  # the static files and stylesheets, written by build() only
        self._assembly_problems: tuple[Problem, ...] = ()  # the last assembly's (warnings only, once it built)
        # Kept between edits, made again by each whole build (settings, themes or catalogs may have changed):
        # each practice's formatted lines of the data exports, and the Jinja environments by language, with
        # their compiled templates and rendered cards (a card is reused only for an equal item: templating.py)
        self._exports = FormattedRecords()
        self._environments: dict[str, Any] = {}
        self._formats: dict[str, LocalFormats] = {}  # dates and names by language, for planning (CLDR's only)

    # -- the first build, and edits that change what every file is loaded with -------------------------

    def build(self) -> BuildResult:
        """Load everything and write the whole site (beside the output, swapped in), reusing the pages of the
        output already there whose digest is unchanged."""
        started = time.monotonic()
        self._good, self._needs_build = False, True
        gc.unfreeze()  # what this build replaces (the Jinja environments hold cycles) can be collected again
        self._exports, self._environments, self._formats = FormattedRecords(), {}, {}
        options = self.options
        if links := theme_links(options):
            raise BuildFailed(links)
        if not options.content_dir.is_dir():
            raise BuildFailed([Problem(self.display_dir, 0, "", NOT_A_FOLDER)])
        settings, problems = load_settings(options.content_dir, self.display_dir, options.base_url, self.theme_dirs)
        if settings is None:
            raise BuildFailed(sorted_problems(problems))
        self._settings = settings
        files, self._media, self._discovery_problems = discover_files(options.content_dir, self.display_dir)
        results = load_files(files, settings.vocabulary, options.jobs, options.cache_dir, self._media)
        self._loaded = {file.path: (file, result) for file, result in zip(files, results, strict=True)}
        sites, warnings = self._assemble()
        site = next(iter(sites.values()))
        check_output_location(options.out_dir, [options.content_dir, *self.theme_dirs, Path.cwd()])
        self._atlas = world_atlas()
        self._maps = Cartographer(self._atlas)  # kept between edits: what it remembers depends on the atlas only
        self._theme_key = tree_fingerprint(self.theme_dirs, "pages")
        self._media_files = published_media(site, options)
        plans = plan_pages(
            sites, render_options(options, self.environ, self._atlas), maps=self._maps, formats=self._formats
        )
        files_made = self._site_files(sites, [p.path for p in plans])
        claim_paths([*((p.path, p.source) for p in plans), *((f.path, f.source) for f in files_made)])
        static, styles = theme_files(options)
        digests = [page_digest(plan, self._theme_key) for plan in plans]
        previous = {path: digest for path, (digest, _source) in self._pages.items()}
        kept = [plan for plan, digest in zip(plans, digests, strict=True) if previous.get(plan.path) == digest]
        kept_paths = {plan.path for plan in kept}
        known = {path: self.output.files[path] for path in kept_paths if path in self.output.files}
        with output_lock(options.out_dir), staging_folder(options.out_dir) as staging:
            write_files(staging, files_made)
            write_files(staging, styles)
            copy_files(staging, static)
            link_files(staging, [(options.out_dir / path, path) for path in known])
            fresh = [plan for plan in plans if plan.path not in known]
            written, workers = render_plans(
                fresh,
                self.theme_dirs,
                options.jobs,
                sink=partial(write_file, staging),
                bytecode_dir=template_cache_dir(options),
                environments=self._environments,
            )
            hashes = dict(known)
            hashes.update((w.path, (w.size, w.sha256)) for w in written)
            hashes.update(file_hashes(files_made))
            hashes.update(file_hashes(styles))
            hashes.update((path, file_hash(staging / path)) for _source, path in static if path not in hashes)
            self.output.replace_all(staging, hashes)
        self._theme_paths = {path for _source, path in static} | {file.path for file in styles}
        self._remember(sites, plans, digests, warnings, replace=True)
        self._file_count = len(files_made)
        self._needs_build = False
        _settle()
        return self._result(warnings, len(known), workers, started)

    # -- edits ---------------------------------------------------------------------------------------

    def apply(self, changed: Iterable[Path | str]) -> BuildResult:
        """Bring the output up to date with the files that changed (added, edited, deleted, renamed: both
        names). Raises BuildFailed, writing nothing, when the content then has errors."""
        started = time.monotonic()
        content_dir = self.options.content_dir
        paths = {resolved(content_dir, Path(p)) for p in changed}
        kinds = {path: kind_of(content_dir, path) for path in paths}
        if self._needs_build or "other" in kinds.values():
            return self.build()
        records = {
            path
            for path, kind in kinds.items()
            if kind == "record"
            and not passing(content_dir, self.display_dir, path, self._loaded, self._discovery_problems)
        }
        was_good, self._good = self._good, False
        if not records and was_good:  # hidden files, sub-folders: discovery skips them, so does the build
            self._good = True
            return self._result(self._warnings, len(self._pages), 0, started)
        assert self._settings is not None
        reread: set[Path] = set()
        if was_good and not self.options.offline and all(p in self._loaded and p.is_file() for p in records):
            before = {path: self._loaded[path][1][0] for path in records}
            for path in records:
                file = self._loaded[path][0]
                self._loaded[path] = (file, load_file(file, self._settings.vocabulary, self._renderer))
            reread = records
            changes = [(before[path], self._loaded[path][1][0]) for path in sorted(records)]
            if all(differs_in_body_only(old, new) for old, new in changes):
                return self._apply_bodies(records, changes, started)
            if all(self._loaded[path][0].kind in ("case-study", "event") for path in records):
                return self._apply_practices(records, changes, started)
        self._reload(records, already=reread)
        return self._apply_records(started)

    def _apply_bodies(self, records: set[Path], changes: list[tuple[Any, Any]], started: float) -> BuildResult:
        sites = with_new_bodies(self._sites, changes)  # what assembling again would give, without doing it
        warnings = self._problems(self._assembly_problems)
        urls = {page_url(self._loaded[path][0]) for path in records}
        options = render_options(self.options, self.environ, self._atlas)
        plans = plan_pages(sites, options, only=urls, maps=self._maps, formats=self._formats)
        if any(plan.path not in self._pages for plan in plans):  # not the pages it had: plan them all
            return self._apply_records(started)
        return self._update(sites, warnings, plans, started, files=False, whole=False)

    def _apply_practices(self, records: set[Path], changes: list[tuple[Any, Any]], started: float) -> BuildResult:
        """Practices (or their translations) edited, none added or removed: patched if only text changed (site_patch),
        else assembled; when no page comes or goes, only the pages that show them are planned (affected.py)."""
        loaded = (result[0] for _file, result in self._loaded.values())
        patched = with_new_front_matter(self._sites, changes, loaded, self.options.drafts, self.options.taxonomies)
        sites, warnings = (
            (patched, self._problems(self._assembly_problems)) if patched is not None else self._assemble()
        )
        if not same_pages(self._sites, sites):
            return self._apply_records(started, (sites, warnings))
        slugs = {self._loaded[path][0].slug for path in records}
        urls = pages_showing(self._sites, sites, slugs)

        def unchanged(path: str, shows: tuple[str, ...]) -> bool:  # a list page with the same practices
            return self._shows.get(path) == shows and slugs.isdisjoint(shows)

        plans = plan_pages(
            sites,
            render_options(self.options, self.environ, self._atlas),
            only=urls,
            maps=self._maps,
            formats=self._formats,
            unchanged=unchanged,
        )
        if any(plan.path not in self._pages for plan in plans):
            return self._apply_records(started, (sites, warnings))
        return self._update(sites, warnings, plans, started, files=True, whole=False)

    def _apply_records(
        self, started: float, assembled: tuple[dict[str, Site], tuple[Problem, ...]] | None = None
    ) -> BuildResult:
        sites, warnings = assembled or self._assemble()
        plans = plan_pages(
            sites, render_options(self.options, self.environ, self._atlas), maps=self._maps, formats=self._formats
        )
        return self._update(sites, warnings, plans, started, files=True, whole=True)

    def _update(
        self,
        sites: dict[str, Site],
        warnings: tuple[Problem, ...],
        plans: list[PagePlan],
        started: float,
        files: bool,
        whole: bool,
    ) -> BuildResult:
        """What every edit ends with: the pages whose digest changed rendered; with ``files``, the site's other
        files made again (exports, feeds, sitemap) and those whose bytes changed written; the manifest; all of
        it remembered. ``whole``: ``plans`` are every page (else some, the others kept), so files no plan or
        file makes any more are deleted."""
        files_made: list[RenderedFile] = []
        if files:
            page_paths = [plan.path for plan in plans] if whole else list(self._pages)
            files_made = self._site_files(sites, page_paths)
            if whole:
                claim_paths([*((p.path, p.source) for p in plans), *((f.path, f.source) for f in files_made)])
        digests = [page_digest(plan, self._theme_key) for plan in plans]
        fresh = [
            plan
            for plan, digest in zip(plans, digests, strict=True)
            if self._pages.get(plan.path, ("", ""))[0] != digest or plan.path not in self.output.files
        ]
        workers = self.output.render(
            fresh, self.theme_dirs, self.options.jobs, template_cache_dir(self.options), self._environments
        )
        if files:
            self.output.update(files_made)
            pages = {plan.path for plan in plans} if whole else set(self._pages)
            made = pages | {file.path for file in files_made} | self._theme_paths
            self.output.remove([path for path in self.output.files if path not in made])
            self._file_count = len(files_made)
        if fresh or files:
            self.output.finish()
        self._remember(sites, plans, digests, warnings, replace=whole)
        _settle()
        return self._result(warnings, len(self._pages) - len(fresh), workers, started)

    # -- the model -----------------------------------------------------------------------------------

    def _reload(self, changed: set[Path], already: set[Path]) -> None:
        """List the content folders again; read the files that are new or changed (not those in ``already``,
        just read), keep the others' records."""
        assert self._settings is not None
        files, self._media, self._discovery_problems = discover_files(self.options.content_dir, self.display_dir)
        loaded: dict[Path, tuple[ContentFile, Loaded]] = {}
        for file in files:
            kept = self._loaded.get(file.path)
            if kept is not None and kept[0] == file and (file.path not in changed or file.path in already):
                loaded[file.path] = kept
            else:
                loaded[file.path] = (file, load_file(file, self._settings.vocabulary, self._renderer))
        self._loaded = loaded

    def _assemble(self) -> tuple[dict[str, Site], tuple[Problem, ...]]:
        """The content model from what is loaded, assembled; BuildFailed (nothing written) on an error."""
        assert self._settings is not None
        problems = [*self._settings.problems, *self._discovery_problems]
        content, problems = gather_content(
            self._settings, [result for _file, result in self._loaded.values()], self._media, problems
        )
        sites, more = assemble_languages(content, drafts=self.options.drafts, taxonomies=self.options.taxonomies)
        every = sorted_problems([*problems, *more])
        if sites is None or any(p.is_error for p in every):
            raise BuildFailed(every)
        self._assembly_problems = tuple(more)
        return sites, tuple(p for p in every if not p.is_error)

    def _problems(self, assembly: tuple[Problem, ...]) -> tuple[Problem, ...]:
        """The warnings of what is loaded, with those assembly found (no errors: a file with one is a Partial,
        which never differs in its body only)."""
        assert self._settings is not None
        every = [*self._settings.problems, *self._discovery_problems, *assembly]
        for _file, (_record, problems) in self._loaded.values():
            every += problems
        return tuple(sorted_problems(every))

    def _site_files(self, sites: dict[str, Site], page_paths: list[str]) -> list[RenderedFile]:
        media = list(self._media_files)
        return site_files(sites, page_paths, self.options, self.environ, self.theme_dirs, media, self._exports)

    def _remember(
        self,
        sites: dict[str, Site],
        plans: list[PagePlan],
        digests: list[str],
        warnings: tuple[Problem, ...],
        replace: bool,
    ) -> None:
        pages = {plan.path: (digest, plan.source) for plan, digest in zip(plans, digests, strict=True)}
        shows = {plan.path: plan.shows for plan in plans}
        if replace:
            self._pages, self._shows = pages, shows
        else:
            self._pages.update(pages)
            self._shows.update(shows)
        self._sites = sites
        self._warnings = warnings
        self._config = next(iter(sites.values())).content.config
        self._good = True

    def _result(self, warnings: tuple[Problem, ...], reused: int, workers: int, started: float) -> BuildResult:
        return BuildResult(
            warnings,
            len(self._pages) + self._file_count,
            time.monotonic() - started,
            self._config,
            pages=len(self._pages),
            reused=reused,
            workers=workers,
        )


def _settle() -> None:
    """What the process keeps after a build or an edit lives long: this one's cyclic garbage (rendering's)
    collected, then everything frozen (gc.freeze), so that the collector's full passes during the next edit
    do not scan the millions of objects kept (they took 0.45 s of a 2 s title edit at 5,000 practices). What
    is kept and later dropped (records, sites, plans) has no cycles and is freed by reference counting; the
    Jinja environments have, and build() unfreezes before it replaces them. Rendering in worker processes
    unfreezes too (render.py): the next _settle() then scans everything once."""
    gc.collect()
    gc.freeze()
