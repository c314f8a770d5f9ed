"""Problems printed for people (text), for GitHub pull requests (annotations) and for tools (JSON)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from generator.errors import Problem, sorted_problems

__all__ = ["format_text", "format_github", "format_json", "content_paths", "of_paths"]


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
