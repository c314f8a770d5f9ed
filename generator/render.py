"""Render the planned pages: in worker processes when there are enough of them, each page a pure function
of (template, plan). Nothing here writes files unless the build hands in a ``sink``; ``page_digest`` says
what a page's bytes depend on, for the build's cache of unchanged pages.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from generator.errors import BuildFailed
from generator.model import RenderedFile
from generator.page_plan import PagePlan, RenderOptions
from generator.site import Site, language_tree
from generator.templating import make_environment, render_page
from generator.views import TreeViews, search_filter_names
from generator.workers import quiet_worker, signals_deferred, worker_context

if TYPE_CHECKING:
    import ctypes
    from multiprocessing.process import BaseProcess

    from generator.workers import WorkerConnection

__all__ = ["page_digest", "render_offline_search_indexes", "render_plans"]


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
_Sunk = TypeVar("_Sunk")  # what a build's sink returns for each page it is handed


def _render_range(
    theme_dirs: tuple[Path, ...],
    plans: list[PagePlan],
    start: int,
    stop: int,
    rendered: Callable[[int], None] | None = None,
    sink: Callable[[RenderedFile], _Sunk] | None = None,
    bytecode_dir: Path | None = None,
    environments: dict[str, Any] | None = None,
) -> list[RenderedFile | _Sunk]:
    """Render plans[start:stop]; ``rendered`` is told how many of them are done after each page. With a
    ``sink``, each page goes to it as soon as it is rendered and what the sink returns is kept instead.
    ``environments``: the Jinja environments by language to use and add to (a caller that renders again
    and again keeps them, with their compiled templates and cards); by default this call's own."""
    # one Jinja environment per language and process: they do not cross processes
    environments = {} if environments is None else environments
    files: list[RenderedFile | _Sunk] = []
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
    theme_dirs: tuple[Path, ...],
    plans: list[PagePlan],
    start: int,
    stop: int,
    connection: WorkerConnection,
    counts: ctypes.Array[ctypes.c_longlong] | None = None,
    slot: int = 0,
    sink: Callable[[RenderedFile], object] | None = None,
    bytecode_dir: Path | None = None,
) -> None:
    """A worker (forked or spawned): its pages (or what went wrong) over ``connection`` at the end; meanwhile, if
    ``counts`` (shared memory) is given, how many it has rendered in ``counts[slot]``."""

    def rendered(done: int) -> None:
        assert counts is not None  # passed to _render_range only when counts are kept
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
    sink: Callable[[RenderedFile], _Sunk] | None = None,
    bytecode_dir: Path | None = None,
    environments: dict[str, Any] | None = None,
) -> list[RenderedFile | _Sunk]:
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
    counts: ctypes.Array[ctypes.c_longlong] | None = (
        context.RawArray("q", len(ranges)) if progress is not None else None
    )
    reported = 0

    def report() -> None:
        nonlocal reported
        assert counts is not None and progress is not None  # called only when progress is asked for
        done = sum(counts)
        if done > reported:
            reported = done
            progress(done, len(plans))

    def rendered_here(done: int) -> None:
        assert counts is not None  # passed to _render_range only when counts are kept
        counts[0] = done
        report()

    children: list[tuple[BaseProcess, WorkerConnection]] = []
    try:
        for slot, (start, stop) in enumerate(ranges[1:], start=1):
            receiver, sender = context.Pipe(duplex=False)
            child: BaseProcess = context.Process(
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
            theme_dirs,
            plans,
            *ranges[0],
            rendered_here if counts is not None else None,
            sink,
            bytecode_dir,
            environments,
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
    ranges: list[tuple[int, int]]
    ranges, start, done = [], 0, 0.0
    for i, cost in enumerate(costs):
        done += cost
        if done >= total * (len(ranges) + 1) / workers and len(ranges) < workers - 1:
            ranges.append((start, i + 1))
            start = i + 1
    if start < len(plans):
        ranges.append((start, len(plans)))
    return ranges


@overload
def render_plans(
    plans: list[PagePlan],
    theme_dirs: tuple[Path, ...],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    sink: None = None,
    bytecode_dir: Path | None = None,
    environments: dict[str, Any] | None = None,
) -> tuple[Sequence[RenderedFile], int]: ...


@overload
def render_plans(
    plans: list[PagePlan],
    theme_dirs: tuple[Path, ...],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    sink: Callable[[RenderedFile], _Sunk],
    bytecode_dir: Path | None = None,
    environments: dict[str, Any] | None = None,
) -> tuple[Sequence[_Sunk], int]: ...


def render_plans(
    plans: list[PagePlan],
    theme_dirs: tuple[Path, ...],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    sink: Callable[[RenderedFile], _Sunk] | None = None,
    bytecode_dir: Path | None = None,
    environments: dict[str, Any] | None = None,
) -> tuple[Sequence[RenderedFile | _Sunk], int]:
    """Render the plans, in worker processes (generator/workers.py) when there are enough of them to pay for the workers;
    returns the results in plan order and the number of processes used.

    ``progress``, if given, is called in this process with (pages rendered so far, pages in all), with
    counts that only grow and end at the total. ``sink``, if given, receives each page in the process
    that rendered it (a worker inherits it by fork, or receives it pickled: it must be picklable), and its return value, not the page, comes back: the
    build writes pages from the workers and gets back only their size and hash. ``environments``, if given,
    are the Jinja environments of a caller that renders again and again (see _render_range), used for the
    pages rendered in this process (worker processes make their own).
    """
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 1 + len(plans) // _PAGES_PER_WORKER)
    if workers > 1 and len(plans) > 1:
        results = _render_forked(theme_dirs, plans, workers, progress, sink, bytecode_dir, environments)
        return results, len(_balanced_ranges(plans, workers))
    results = _render_range(
        theme_dirs,
        plans,
        0,
        len(plans),
        (lambda done: progress(done, len(plans))) if progress is not None else None,
        sink,
        bytecode_dir,
        environments,
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
