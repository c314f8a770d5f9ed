"""Read content files: front matter split from body, YAML with the line of every value.

python-frontmatter is not used (nor installed), although it was the stack's first choice for the split:
it hides the errors our contributors make (a file without front matter loads as empty metadata, an
unclosed ``---`` is a bare ValueError, duplicate keys silently keep the last), keeps no line numbers, and
loads YAML with PyYAML's SafeLoader, which expands anchors and aliases (a 500-byte alias bomb takes
gigabytes). We split on ``---`` lines ourselves, compose YAML into nodes and build plain values from
them, keeping each value's line and raw text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import yaml

from generator.errors import Problem

__all__ = [
    "InvalidDate",
    "MAX_FILE_BYTES",
    "SourceFile",
    "YamlDocument",
    "read_bytes",
    "read_source",
    "parse_yaml",
    "read_yaml_file",
    "yaml_lines",
    "yaml_value",
]

MAX_FILE_BYTES = 512 * 1024
_MAX_DEPTH = 16
_C_LOADER_MAX_BRACKETS = 500  # libyaml's composer recurses in C and can crash on deep flow nesting

_Loader: TypeAlias = "type[yaml.SafeLoader] | type[yaml.CSafeLoader]"  # a string: CSafeLoader may be missing
_FAST_LOADER: _Loader
try:
    _FAST_LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _FAST_LOADER = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A YAML mapping as plain values, with the line and raw text of each value.

    Paths are dotted: ``title``, ``sources.0.url``.
    """

    values: dict[str, Any]  # plain YAML values: str, int, float, bool, date, None, lists and dicts of them
    lines: dict[str, int]
    raw: dict[str, str]


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    front_matter: YamlDocument
    body: str
    body_line: int


class _YamlError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def read_source(path: Path, display: str, data: bytes | None = None) -> tuple[SourceFile | None, list[Problem]]:
    """Read a Markdown file with YAML front matter between ``---`` lines (``data``: its bytes, if read already)."""
    text, problems = _read_text(path, display, data)
    if text is None:
        return None, problems
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, [
            Problem(display, 1, "front matter", "the file must start with a '---' line opening the front matter")
        ]
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        return None, [
            Problem(display, 1, "front matter", "the front matter opened on line 1 is never closed with a '---' line")
        ]
    doc, problems = parse_yaml("\n".join(lines[1:closing]), display, first_line=2, what="front matter")
    if doc is None:
        return None, problems
    body = "\n".join(lines[closing + 1 :])
    return SourceFile(display, doc, body, closing + 2), problems


def read_yaml_file(path: Path, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    text, problems = _read_text(path, display)
    if text is None:
        return None, problems
    return parse_yaml(text, display, first_line=1, what=path.name)


def read_bytes(path: Path, display: str) -> tuple[bytes | None, list[Problem]]:
    """A content file's bytes, refusing symbolic links (a link to /etc/passwd must never be published)."""
    if path.is_symlink():
        return None, [
            Problem(
                display,
                0,
                "",
                "is a symbolic link; links are refused so that nothing outside the repository gets published",
            )
        ]
    try:
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(display, 0, "", f"cannot be read: {exc.strerror}")]


def _read_text(path: Path, display: str, data: bytes | None = None) -> tuple[str | None, list[Problem]]:
    if data is None:
        data, problems = read_bytes(path, display)
        if data is None:
            return None, problems
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(display, 0, "", f"is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes per file")
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "", "is not valid UTF-8; save it as UTF-8")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def parse_yaml(text: str, display: str, *, first_line: int, what: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse a YAML mapping; lines are numbered so that ``first_line`` is the text's first line."""
    offset = first_line - 1
    if not text.strip():
        return YamlDocument({}, {}, {}), []
    loader = _FAST_LOADER if text.count("[") + text.count("{") <= _C_LOADER_MAX_BRACKETS else yaml.SafeLoader
    try:
        anchor_line = _first_anchor_line(text, loader)
        if anchor_line is not None:
            return None, [Problem(display, anchor_line + offset, what, _NO_ANCHORS)]
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        return None, [Problem(display, line, what, f"is not valid YAML: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, first_line, what, f"is not valid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(display, first_line, what, "is nested too deeply")]
    if root is None:
        return YamlDocument({}, {}, {}), []
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        return None, [
            Problem(
                display, root.start_mark.line + 1 + offset, what, f"must be a mapping of 'key: value' lines, not {kind}"
            )
        ]
    lines: dict[str, int] = {}
    raw: dict[str, str] = {}
    problems: list[Problem] = []
    builder = _Builder(offset, lines, raw)
    try:
        values = builder.mapping(root, "", 0)
    except _YamlError as exc:
        return None, [Problem(display, exc.line, what, exc.message)]
    for path, line in builder.duplicates:
        problems.append(Problem(display, line, path, "is given twice; remove one of them"))
    if problems:
        return None, problems
    return YamlDocument(values, lines, raw), []


# Anchors and aliases let ~500 bytes expand to gigabytes (each level repeats the one before ten times);
# front matter never needs them, so they are refused on sight, before any value is built.
_NO_ANCHORS = "uses a YAML anchor (&name) or alias (*name); they are not allowed here, write the value out"


def _first_anchor_line(text: str, loader: _Loader) -> int | None:
    """The 1-based line of the first anchor or alias, read from the parser's events (nothing is composed)."""
    if "&" not in text and "*" not in text:  # neither can occur without its sign: skip the second parse
        return None
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return event.start_mark.line + 1 if event.start_mark is not None else 1
    return None


class _Builder:
    """Turns YAML nodes into plain values, recording the line of each one."""

    def __init__(self, offset: int, lines: dict[str, int], raw: dict[str, str]) -> None:
        self.offset, self.lines, self.raw = offset, lines, raw
        self.duplicates: list[tuple[str, int]] = []
        self._constructor = yaml.SafeLoader("")  # constructs scalars by their resolved tag

    def value(self, node: yaml.Node, path: str, depth: int) -> Any:
        line = node.start_mark.line + 1 + self.offset
        self.lines.setdefault(path, line)
        if depth > _MAX_DEPTH:
            raise _YamlError(line, f"is nested more than {_MAX_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, f"{path}.{i}", depth + 1) for i, item in enumerate(node.value)]
        self.raw[path] = node.value
        if not node.tag.startswith("tag:yaml.org,2002:") or "python" in node.tag:
            raise _YamlError(line, f"{path}: the tag !!{node.tag.removeprefix('tag:yaml.org,2002:')} is not allowed")
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return InvalidDate(node.value)
            raise _YamlError(line, f"{path}: '{node.value}' cannot be read ({node.tag.rpartition(':')[2]})") from None

    def mapping(self, node: yaml.MappingNode, path: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1 + self.offset
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise _YamlError(line, "keys must be plain words")
            key = str(key_node.value)
            full = f"{path}.{key}" if path else key
            if key in result:
                self.duplicates.append((full, line))
                continue
            self.lines[full] = line
            result[key] = self.value(value_node, full, depth + 1)
            self.lines[full] = line
        return result


class InvalidDate(str):
    """A value YAML took for a date that is not one (``2016-13-45``): validation reports it."""


# ---------------------------------------------------------------- writing (practice new)

_NO_WRAP = 2**31 - 1  # one line per value: a folded line would move the lines the checker reports


def yaml_value(value: object, *, quoted: bool = False) -> str:
    """One value for a ``key: value`` line of front matter, as PyYAML's safe_dump writes it: quoted wherever
    YAML would read it as something else (``country: 'NO'``, a title holding ``: `` or `` #``), lists in flow
    style; ``quoted`` double-quotes every text."""
    text = yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=True, default_style='"' if quoted else None, width=_NO_WRAP
    )
    return text.removesuffix("\n").removesuffix("\n...")


def yaml_lines(mapping: dict[str, object]) -> str:
    """A mapping as block-style YAML lines in the given order, safely dumped (text that looks like YAML stays text)."""
    return yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, default_flow_style=False, width=_NO_WRAP)
