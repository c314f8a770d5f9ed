"""For the incremental layer: which way an edit goes, from the paths that changed and the records read.

A changed path is a record's file (case-studies/, events/, methods/, pages/), a file discovery skips (hidden,
or in a sub-folder) or anything else (settings, media, themes: everything is loaded again); a file made and
deleted within one batch of changes is passing, and nothing; a record whose body alone changed takes the
quickest way (site_patch.py). Pure functions of their arguments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Iterable
from pathlib import Path
from typing import Any

from generator.content import KIND_FOLDERS, ContentFile
from generator.errors import Problem
from generator.model import Partial

__all__ = ["differs_in_body_only", "kind_of", "page_url", "passing", "relative_to", "resolved"]


def relative_to(content_dir: Path, path: Path) -> Path | None:
    """A path under the content folder, relative to it; None for a path outside it."""
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(content_dir.resolve())
    except ValueError:
        return None


def resolved(content_dir: Path, path: Path) -> Path:
    """A changed path as discovery names it (content_dir / folder / name), as given if outside the content."""
    relative = relative_to(content_dir, path)
    return path if relative is None else content_dir.joinpath(*relative.parts)


def kind_of(content_dir: Path, path: Path) -> str:
    """'record' (a file of case-studies/, events/, methods/, pages/), 'ignored' (a hidden file or a
    folder there, which discovery skips too) or 'other' (everything else: all is loaded again)."""
    relative = relative_to(content_dir, path)
    if relative is None:
        return "other"
    parts = relative.parts
    if len(parts) < 2 or parts[0] not in KIND_FOLDERS:
        return "other"
    if any(part.startswith(".") for part in parts[1:]) or len(parts) > 2:
        return "ignored"
    return "record"


def passing(
    content_dir: Path, display_dir: str, path: Path, loaded: Container[Path], discovery_problems: Iterable[Problem]
) -> bool:
    """A file that was not there at the last build and is gone again (an editor's temporary file, made and
    deleted within one batch of changes): discovery would not see it."""
    if path in loaded or path.exists() or path.is_symlink():
        return False
    relative = relative_to(content_dir, path)
    shown = f"{display_dir}/{relative.as_posix()}" if relative is not None else ""
    return not any(problem.file == shown for problem in discovery_problems)


def differs_in_body_only(before: Any, after: Any) -> bool:
    """Two loaded records that are the same but for their body (a Partial never is: its problems count)."""
    if isinstance(before, Partial) or isinstance(after, Partial) or type(before) is not type(after):
        return False
    return bool(dataclasses.replace(after, body=before.body) == before)


def page_url(file: ContentFile) -> str:
    """The URL (in every language tree) of the page a content file's record or translation is shown on."""
    folder = next(name for name, kind in KIND_FOLDERS.items() if kind == file.kind)
    return f"{file.slug}/" if file.kind == "page" else f"{folder}/{file.slug}/"
