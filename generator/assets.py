"""The theme's stylesheets, minified as they are published (rcssmin, then the zeros before a decimal
point: 0.75rem is .75rem): readers download less, and the theme keeps its readable, commented sources."""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import BuildFailed, Problem
from generator.model import RenderedFile

__all__ = ["minified_css", "minified_styles"]

# A string or url(...) is left as it is; elsewhere a 0 that starts a number before its decimal point goes
# (0.75rem, -0.5rem, (0.4): not 10.5 or a name's 0.5).
_ZERO_BEFORE_POINT = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|url\([^)]*\))|(?<![\w.#%-])(-?)0\.(?=\d)""")


def minified_css(text: str) -> str:
    """A stylesheet as it is published: rcssmin's output without the zeros before decimal points."""
    import rcssmin  # type: ignore[import-untyped]  # the library ships no type information

    return _ZERO_BEFORE_POINT.sub(lambda m: m.group(1) or m.group(2) + ".", rcssmin.cssmin(text))


def minified_styles(copies: list[tuple[Path, str]]) -> tuple[list[tuple[Path, str]], list[RenderedFile]]:
    """Split the theme's static copies into the files to copy as they are and the stylesheets, minified.
    ``copies`` lists the first theme's files first, and the first theme wins a name both have."""
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
        styles.append(RenderedFile(relative, (minified_css(text) + "\n").encode("utf-8"), str(source)))
    if problems:
        raise BuildFailed(problems)
    return plain, styles
