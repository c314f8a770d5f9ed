"""The incremental layer's output folder: what is in it (path -> size and SHA-256), changed file by file.

A full build is written as the core writes one (a staging folder beside the output, swapped in). After
that, an edit changes the folder in place: each new or changed file is written beside its target and
renamed over it (``os.replace``: a reader sees the old file or the new one, never half of one), files
the build no longer makes are deleted, and the manifest and SHA256SUMS are made again from the hashes
kept here, without reading the folder. Pages are rendered into a staging folder first and moved in only
when all of them rendered, so a page that fails leaves the last good output as it was.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import BuildFailed, Problem
from generator.mirror import CHECKSUMS_PATH, MANIFEST_PATH, manifest_documents
from generator.model import RenderedFile
from generator.output import output_lock, staging_folder, swap_in, write_file
from generator.page_plan import PagePlan
from generator.render import render_plans

__all__ = ["ServedFolder", "file_hash", "file_hashes"]


def file_hashes(files: Iterable[RenderedFile]) -> dict[str, tuple[int, str]]:
    """Each file's size and SHA-256, as the folder keeps them."""
    return {file.path: (len(file.data), hashlib.sha256(file.data).hexdigest()) for file in files}


def file_hash(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def _inside(root: Path, relative: str) -> Path:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BuildFailed([Problem(relative, 0, "", "would be written outside the output folder")])
    return root.joinpath(*path.parts)


def _replace(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically: a temporary file beside it, renamed over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


class ServedFolder:
    """The output folder of an incremental build and the size and hash of every file in it (but the
    manifest and SHA256SUMS, which are made from them)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, tuple[int, str]] = {}

    def replace_all(self, staging: Path, files: dict[str, tuple[int, str]]) -> None:
        """A complete build in ``staging`` (its manifest still to be written) becomes the folder."""
        self.files = dict(files)
        self._write_manifest(staging)
        swap_in(staging, self.root)

    def render(
        self,
        plans: list[PagePlan],
        theme_dirs: tuple[Path, ...],
        jobs: int | None,
        bytecode_dir: Path | None,
        environments: dict[str, Any] | None = None,
    ) -> int:
        """Render ``plans`` into a staging folder, then move each page into place; returns the processes used.
        If any page fails, nothing is moved: the folder stays as it was. ``environments``: the caller's Jinja
        environments, kept between edits (render.render_plans)."""
        if not plans:
            return 0
        with output_lock(self.root), staging_folder(self.root) as staging:
            written, workers = render_plans(
                plans,
                theme_dirs,
                jobs,
                sink=partial(write_file, staging),
                bytecode_dir=bytecode_dir,
                environments=environments,
            )
            for page in written:
                target = _inside(self.root, page.path)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(_inside(staging, page.path), target)
                self.files[page.path] = (page.size, page.sha256)
        return workers

    def update(self, files: Iterable[RenderedFile]) -> int:
        """Write the files whose bytes differ from what the folder holds; returns how many were written."""
        written = 0
        for file in files:
            digest = hashlib.sha256(file.data).hexdigest()
            if self.files.get(file.path) != (len(file.data), digest):
                _replace(_inside(self.root, file.path), file.data)
                self.files[file.path] = (len(file.data), digest)
                written += 1
        return written

    def remove(self, paths: Iterable[str]) -> None:
        """Delete files the build no longer makes, and the folders they leave empty."""
        for path in paths:
            target = _inside(self.root, path)
            target.unlink(missing_ok=True)
            self.files.pop(path, None)
            folder = target.parent
            while folder != self.root:
                try:
                    folder.rmdir()  # only when empty
                except OSError:
                    break
                folder = folder.parent

    def finish(self) -> None:
        """The manifest and SHA256SUMS of what the folder now holds."""
        self._write_manifest(self.root)

    def _write_manifest(self, root: Path) -> None:
        manifest, sums = manifest_documents(self.files)
        _replace(_inside(root, MANIFEST_PATH), manifest)
        _replace(_inside(root, CHECKSUMS_PATH), sums)
