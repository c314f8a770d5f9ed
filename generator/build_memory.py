"""What a build remembers between builds, in the cache folder (signed JSON, generator/cache.py), and never
needs to be correct: the fingerprint of its inputs (a build with the same inputs into an intact output does
nothing), each page's digest with the size and hash written (an unchanged page is hard-linked from the
previous output), and where compiled templates are kept. Without a cache folder none of it is used.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build_options import BuildOptions, BuildResult, theme_dirs_of
from generator.cache import code_fingerprint, load_snapshot, save_snapshot, tree_fingerprint
from generator.errors import Problem, Severity
from generator.mirror import MANIFEST_PATH, matches_manifest_quickly
from generator.output import output_stat_digest

if TYPE_CHECKING:
    from generator.page_plan import PagePlan

__all__ = [
    "inputs_fingerprint",
    "page_digests",
    "previous_pages",
    "remember_build",
    "remember_pages",
    "template_cache_dir",
    "unchanged_since_last_build",
]


def inputs_fingerprint(options: BuildOptions, build_year: int) -> str:
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


def builds_snapshot_name(options: BuildOptions) -> str:
    return "builds-" + hashlib.sha256(str(options.out_dir.resolve()).encode()).hexdigest()[:16]


def unchanged_since_last_build(options: BuildOptions, inputs: str) -> BuildResult | None:
    """The previous result, if the same inputs built this output folder and it is still intact. The record
    is signed (generator.cache) and kept outside the working tree; the output must still hold exactly the
    files of the manifest the record names, with their sizes and modification times, or everything is built
    and written again."""
    record = load_snapshot(options.cache_dir, builds_snapshot_name(options))
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


def remember_build(options: BuildOptions, inputs: str, result: BuildResult) -> None:
    manifest = (options.out_dir / MANIFEST_PATH).read_bytes()
    record = {
        "inputs": inputs,
        "manifest": hashlib.sha256(manifest).hexdigest(),
        "stat": output_stat_digest(options.out_dir),
        "files": result.files,
        "warnings": [{"file": w.file, "line": w.line, "field": w.field, "message": w.message} for w in result.warnings],
    }
    save_snapshot(options.cache_dir, builds_snapshot_name(options), record)


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


def page_digests(options: BuildOptions, theme_dirs: tuple[Path, ...], plans: Sequence[PagePlan]) -> list[str | None]:
    from generator.render import page_digest

    if options.cache_dir is None:
        return [None] * len(plans)
    theme_key = tree_fingerprint(theme_dirs, "pages")
    return [page_digest(plan, theme_key) for plan in plans]


def pages_snapshot_name(options: BuildOptions) -> str:
    return "pages-" + hashlib.sha256(str(options.out_dir.resolve()).encode()).hexdigest()[:16]


def previous_pages(options: BuildOptions, digests: list[str | None]) -> dict[str, tuple[str, int, str]]:
    """path -> (digest, size, sha256) of the previous build into this output folder, if it is intact."""
    if options.cache_dir is None or not any(digests):
        return {}
    record = load_snapshot(options.cache_dir, pages_snapshot_name(options))
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("pages"), dict)
        or not matches_manifest_quickly(options.out_dir, record.get("manifest", ""))
        or record.get("stat") != output_stat_digest(options.out_dir)
    ):
        return {}  # a page changed in place, even to the same size, is not linked into the new output
    pages: dict[str, tuple[str, int, str]] = record["pages"]
    return pages


def remember_pages(
    options: BuildOptions,
    digests: Sequence[str | None],
    plans: Sequence[PagePlan],
    hashes: dict[str, tuple[int, str]],
    manifest: bytes,
) -> None:
    if options.cache_dir is None:
        return
    pages = {plan.path: (digest, *hashes[plan.path]) for plan, digest in zip(plans, digests) if digest is not None}
    save_snapshot(
        options.cache_dir,
        pages_snapshot_name(options),
        {
            "manifest": hashlib.sha256(manifest).hexdigest(),
            "stat": output_stat_digest(options.out_dir),
            "pages": pages,
        },
    )
