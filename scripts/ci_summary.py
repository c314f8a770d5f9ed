#!/usr/bin/env python3
"""Turn `practice check --format json` into a Markdown table for a GitHub job summary or comment.

GitHub shows only the first ten annotations of a step, so the pull-request workflow also lists every
problem in the job summary. Every message may quote what a contributor wrote, so each cell is escaped:
nothing in it can end the cell or the row, start a link, an image, HTML or a code span.

Usage: python scripts/ci_summary.py PROBLEMS.json [--title TEXT] >> "$GITHUB_STEP_SUMMARY"
Exit codes: 0 written (whatever the problems), 2 usage, 3 the file is missing or not the checker's JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["escape_cell", "summary_table"]

MAX_CELL = 2000  # characters of one cell: a long message is cut, the file and line still say where
MAX_BYTES = 900_000  # GitHub refuses a step summary over 1 MiB; the table stops short of it

# Markdown and HTML characters written as numeric references: GitHub shows them as the characters
# themselves, and none of them can start markup.
_REFERENCES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "\\": "&#92;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "!": "&#33;",
    "~": "&#126;",
    ":": "&#58;",  # no automatic links (https://...) from a contributor's text
    "@": "&#64;",  # no mentions that notify people
    "#": "&#35;",  # no references to issues or pull requests
}


def escape_cell(value: object) -> str:
    """One table cell: every line of ``value`` kept, joined with <br>, and nothing else able to render."""
    text = "" if value is None else str(value)
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL] + "…"
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        out.append(
            "".join(
                _REFERENCES.get(char, char) if char.isprintable() or char == " " else f"&#{ord(char)};" for char in line
            )
        )
    return "<br>".join(out)


def summary_table(problems: list[dict], title: str = "practice check") -> str:
    """The Markdown: a heading with the counts, then one row per problem (errors first, as given)."""
    errors = sum(1 for problem in problems if problem.get("severity") == "error")
    warnings = len(problems) - errors
    heading = f"### {escape_cell(title)}: {errors} error{'s' if errors != 1 else ''}, "
    heading += f"{warnings} warning{'s' if warnings != 1 else ''}\n\n"
    if not problems:
        return heading + "No problems found.\n"
    lines = [heading + "| | file | line | field | message |\n|---|---|---|---|---|\n"]
    size = len(lines[0].encode())
    ordered = sorted(problems, key=lambda problem: problem.get("severity") != "error")
    for shown, problem in enumerate(ordered):
        mark = "error" if problem.get("severity") == "error" else "warning"
        row = "| {} | {} | {} | {} | {} |\n".format(
            mark,
            escape_cell(problem.get("file")),
            escape_cell(problem.get("line")),
            escape_cell(problem.get("field")),
            escape_cell(problem.get("message")),
        )
        if size + len(row.encode()) > MAX_BYTES:
            lines.append(f"\n{len(ordered) - shown} more not shown here: run `practice check` to see them all.\n")
            break
        lines.append(row)
        size += len(row.encode())
    return "".join(lines)


def read_problems(path: Path) -> list[dict]:
    """The checker's JSON list; ValueError when the file is not that."""
    problems = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(problems, list) or not all(isinstance(problem, dict) for problem in problems):
        raise ValueError("expected a list of problems")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problems", type=Path, help="the output of practice check --format json")
    parser.add_argument("--title", default="practice check", help="the heading above the table")
    args = parser.parse_args(argv)
    try:
        problems = read_problems(args.problems)
    except (OSError, ValueError) as exc:
        print(f"{args.problems}: cannot read the checker's report: {exc}", file=sys.stderr)
        return 3
    sys.stdout.reconfigure(encoding="utf-8")  # the summary file is UTF-8 on every runner
    sys.stdout.write(summary_table(problems, args.title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
