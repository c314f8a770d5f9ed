"""Problems printed for people (text), for GitHub pull requests (annotations) and for tools (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from generator.errors import Problem, sorted_problems

__all__ = ["format_text", "format_github", "format_json"]


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
