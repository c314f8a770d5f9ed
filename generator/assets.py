"""The theme's stylesheets, minified as they are published (rcssmin): readers download less, and
the theme keeps its readable, commented sources."""

from __future__ import annotations

from pathlib import Path

from generator.errors import BuildFailed, Problem
from generator.model import RenderedFile

__all__ = ["minified_styles"]


def minified_styles(copies: list[tuple[Path, str]]) -> tuple[list[tuple[Path, str]], list[RenderedFile]]:
    """Split the theme's static copies into the files to copy as they are and the stylesheets, minified.
    ``copies`` lists the first theme's files first, and the first theme wins a name both have."""
    import rcssmin  # type: ignore[import-untyped]  # the library ships no type information

    plain, styles, seen, problems = [], [], set(), []
    for source, relative in copies:
        if not relative.endswith(".css"):
            plain.append((source, relative))
            continue
        if relative in seen:
            continue
        seen.add(relative)
        try:
            text = source.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(source), 0, "", f"cannot be read as UTF-8 ({exc})"))
            continue
        styles.append(RenderedFile(relative, (rcssmin.cssmin(text) + "\n").encode("utf-8"), str(source)))
    if problems:
        raise BuildFailed(problems)
    return plain, styles
