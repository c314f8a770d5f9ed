"""The repository around the current folder: the folder holding ``content/site.yml``, found from any folder
inside it, so that the commands' default paths name the same folders wherever they are run."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["find_repository", "located"]


def find_repository(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``content/site.yml``: the repository's root."""
    for folder in (start, *start.parents):
        if (folder / "content" / "site.yml").is_file():
            return folder
    return None


def located(paths: Sequence[tuple[Path, bool]], cwd: Path) -> tuple[tuple[Path, ...], Path | None]:
    """A command's paths, the content folder first, each with whether the person typed it, as seen from ``cwd``;
    and the repository's root when they moved (else None).

    Only paths left at their defaults move, and only when the default content folder is not found: run from
    ``content/case-studies/``, the default ``content`` becomes ``../../content`` and ``_site`` becomes
    ``../../_site``, so messages name files as the person can open them and the site is written where it
    always is. A path the person typed is taken as typed.
    """
    given = tuple(path for path, _ in paths)
    content_dir, content_typed = paths[0]
    if content_typed or content_dir.exists():
        return given, None
    root = find_repository(cwd)
    if root is None or root == cwd:
        return given, None
    moved = tuple(
        path if typed or path.is_absolute() else Path(os.path.relpath(root / path, cwd)) for path, typed in paths
    )
    return moved, root
