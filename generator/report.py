"""Problems printed for people (text), for GitHub pull requests (annotations) and for tools (JSON), and the
one-line summaries that end ``check`` and ``build``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import Problem, sorted_problems

if TYPE_CHECKING:
    from generator.build_options import BuildResult

__all__ = [
    "format_text",
    "format_github",
    "format_json",
    "content_paths",
    "of_paths",
    "counted",
    "check_summary",
    "failure_summary",
    "build_summary",
]


def format_text(problems: Iterable[Problem]) -> str:
    return "".join(f"{p}\n" for p in sorted_problems(problems))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Iterable[Problem]) -> str:
    """GitHub workflow commands, escaped so that no front-matter text can inject another command."""
    lines = []
    for p in sorted_problems(problems):
        props = [f"file={_escape_property(p.file)}"]
        if p.line:
            props.append(f"line={p.line}")
        if p.field:
            props.append(f"title={_escape_property(p.field)}")
        lines.append(f"::{'error' if p.is_error else 'warning'} {','.join(props)}::{_escape_data(p.message)}\n")
    return "".join(lines)


def format_json(problems: Iterable[Problem]) -> str:
    records = [
        {"file": p.file, "line": p.line, "field": p.field, "severity": p.severity.value, "message": p.message}
        for p in sorted_problems(problems)
    ]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def _key(path: Path | str) -> str:
    return os.path.normcase(os.path.abspath(path))


def content_paths(paths: Iterable[Path], content_dir: Path) -> list[str]:
    """The named files and folders inside the content folder (the content folder itself included), in a form
    to compare; the others are left out, since a pre-commit hook passes every file a commit changes."""
    root = _key(content_dir)
    keys = [_key(path) for path in paths]
    return [key for key in keys if key == root or key.startswith(root + os.sep)]


def of_paths(problems: Iterable[Problem], keys: list[str], content_dir: Path) -> list[Problem]:
    """The problems of the named files (``content_paths``), and the errors of site.yml and topics.yml, against
    which every file is checked, whether named or not."""
    context = {_key(content_dir / "site.yml"), _key(content_dir / "topics.yml")}

    def named(problem: Problem) -> bool:
        key = _key(problem.file)
        return any(key == k or key.startswith(k + os.sep) for k in keys) or (problem.is_error and key in context)

    return [p for p in problems if named(p)]


def counted(number: int, noun: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def check_summary(problems: Sequence[Problem]) -> str:
    """The last line of ``practice check``: how many errors and warnings, or that there were none."""
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{counted(errors, 'error')}, {counted(warnings, 'warning')}." if problems else "No problems found."


def failure_summary(problems: Iterable[Problem]) -> str:
    """The last line of a build that failed on its content."""
    return f"Build failed: {counted(sum(p.is_error for p in problems), 'error')}."


def build_summary(result: BuildResult, out_dir: Path) -> str:
    """The last line of ``practice build``: what was written, or that nothing had changed."""
    if result.unchanged:
        return f"Nothing changed since the last build of {out_dir} (checked in {result.seconds:.1f} s)."
    return (
        f"Built {counted(result.files, 'file')} ({counted(result.pages, 'page')}, {result.reused} reused) into {out_dir} "
        f"in {result.seconds:.1f} s with {counted(result.workers, 'worker')}."
    )
