#!/usr/bin/env python3
"""Decide whether a pull request needs the generator's checks (tests, linters, other systems).

A pull request that changes only practices (files under content/) needs the content checks alone:
`practice check` and a preview build. Anything else (generator/, themes/, tests/, scripts/, .ci/,
.github/, pyproject.toml, the site's settings, documentation the tests read, a file this list has never
heard of) runs everything. When the change cannot be worked out, everything runs too.

The workflow decides with `git diff` in a step rather than with a path-filter action: only the actions
of the vetted pin list may be used.

Usage: python scripts/ci_changes.py BASE HEAD
Writes `generator=true` or `generator=false` to $GITHUB_OUTPUT (standard output without it) and says
why on standard error. Exit 0 whatever it decides; 2 on a usage error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import PurePosixPath

__all__ = ["changed_files", "needs_generator_checks"]

# Files under content/ that are not practices: the generator's tests and the issue form read them.
_CONTENT_SETTINGS = {"content/site.yml", "content/topics.yml"}


def is_content_only(path: str) -> bool:
    """Whether a changed file is a practice (or its media or translation) and nothing more."""
    parts = PurePosixPath(path).parts
    return len(parts) > 1 and parts[0] == "content" and path not in _CONTENT_SETTINGS


def needs_generator_checks(paths: list[str] | None) -> bool:
    """True unless every changed file is content; None (the change is unknown) needs them too."""
    if not paths:
        return True
    return not all(is_content_only(path) for path in paths)


def changed_files(base: str, head: str) -> list[str] | None:
    """The files that differ between two commits, or None when git cannot tell."""
    try:
        result = subprocess.run(
            ["git", "diff", "--name-only", "--no-renames", "-z", base, head, "--"],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return [name for name in result.stdout.decode("utf-8", "surrogateescape").split("\0") if name]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: ci_changes.py BASE HEAD", file=sys.stderr)
        return 2
    paths = changed_files(*args)
    needed = needs_generator_checks(paths)
    if paths is None:
        reason = "git could not compare the commits, so every check runs"
    elif not paths:
        reason = "no changed files found, so every check runs"
    elif needed:
        others = [path for path in paths if not is_content_only(path)]
        reason = f"{len(others)} changed file(s) outside the practices, e.g. {others[0]!r}"
    else:
        reason = f"only practices changed ({len(paths)} file(s)): the generator's checks are skipped"
    print(f"generator checks: {'yes' if needed else 'no'}: {reason}", file=sys.stderr)
    line = f"generator={'true' if needed else 'false'}\n"
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(line)
    else:
        sys.stdout.write(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
