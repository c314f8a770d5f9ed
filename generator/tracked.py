"""What Git tracks that it must not: build output, caches and locks, which a pull request could plant.

Asked of ``git ls-files`` when Git and a repository are there; without them there is nothing to check.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from generator.errors import Problem

__all__ = ["GENERATED_PATTERNS", "tracked_files", "tracked_generated_problems"]

# Folders and files the generator writes beside the content (see .gitignore): never committed.
GENERATED_PATTERNS = (".practice-cache/", "_site*", "._site.*", "_preview/")


def tracked_files(folder: Path, pathspecs: list[str]) -> list[str] | None:
    """Paths (relative to the repository's top) that Git tracks and that match ``pathspecs``, given
    relative to the top; None when there is no git or ``folder`` is not inside a repository."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return None
    try:
        listed = subprocess.run(
            [git, "-C", str(folder), "ls-files", "-z", "--full-name", "--", *pathspecs],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None  # not a repository
    return sorted(p.decode("utf-8", "surrogateescape") for p in listed.stdout.split(b"\0") if p)


def tracked_generated_problems(repository: Path) -> list[Problem]:
    """One problem per generated folder or file that Git tracks (named by its top-level entry)."""
    tracked = tracked_files(repository, [f":(top){pattern}" for pattern in GENERATED_PATTERNS])
    groups: dict[str, list[str]] = {}
    for path in tracked or ():
        groups.setdefault(path.split("/", 1)[0], []).append(path)
    problems = []
    for entry, paths in sorted(groups.items()):
        what = (
            "is tracked by Git"
            if paths == [entry]
            else (f"holds {len(paths)} file{'s' if len(paths) != 1 else ''} tracked by Git (first: {paths[0]})")
        )
        problems.append(
            Problem(
                entry,
                1,
                "git",
                f"{what}; build output, caches and locks must never be committed "
                f"(a pull request could plant them): run git rm -r --cached {entry}",
            )
        )
    return problems
