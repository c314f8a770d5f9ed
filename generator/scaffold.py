"""``practice new``: write a new record with every field of the contract, prompting in a terminal.

Every value, from a flag or typed at a prompt, goes through the checker's own converter for its field
(records.FIELDS), so `new` accepts what `check` accepts (``--cynefin simple``, ``"Complex "``), suggests what
`check` suggests (``Brasil`` -> Brazil) and refuses what `check` refuses, all problems in one run. What is
written is the converted value, safely dumped (source.yaml_value), so the file passes `check` as written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from generator.config import load_site_config, load_topics
from generator.content import POSTER_SECTIONS
from generator.converters import Context, Invalid, Vocabulary
from generator.converters import slug as slug_converter
from generator.errors import ExitCode
from generator.model import CynefinDomain, MonthDate
from generator.records import FIELDS
from generator.source import YamlDocument, yaml_value
from generator.taxonomies import DEFAULT_TAXONOMIES, reserved_paths
from generator.vocab import SLUG_LIMIT, did_you_mean, title_slug, windows_device

__all__ = ["KINDS", "ScaffoldError", "scaffold", "load_setting", "Setting", "convert"]

FOLDERS = {"case-study": "case-studies", "event": "events", "method": "methods", "page": "pages"}
KINDS = tuple(FOLDERS)
KIND_NAMES = {"case-study": "case study", "event": "event", "method": "method", "page": "page"}
_REQUIRED = {
    "case-study": ("summary", "city", "country", "topics", "cynefin"),
    "event": ("summary", "date", "city", "country", "method", "topics"),
    "method": ("summary", "stages"),
    "page": (),
}
_FLAGS = {"topics": "--topic", "stages": "--stage"}  # the others are --<field>
_LISTS = ("topics", "stages")


def flag(name: str) -> str:
    return _FLAGS.get(name, f"--{name}")


class ScaffoldError(Exception):
    """What stops `new`: one message per problem, all of them; nothing was written."""

    def __init__(self, messages: str | list[str], exit_code: int = ExitCode.USAGE) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))
        self.exit_code = exit_code


@dataclass(frozen=True)
class Setting:
    """What values are checked against: the content's topics, methods and languages."""

    content_dir: Path
    vocabulary: Vocabulary
    methods: tuple[str, ...]
    languages: tuple[str, ...]


def load_setting(content_dir: Path) -> Setting:
    """site.yml, topics.yml and the methods of the content folder; their errors stop `new` (exit 1)."""
    display = content_dir.as_posix()
    config, problems = load_site_config(content_dir, display)
    languages = config.languages if config else ("en",)
    topics, more = load_topics(content_dir, display, languages)
    errors = [str(p) for p in (*problems, *more) if p.is_error]
    if errors:
        raise ScaffoldError([*errors, "fix these first (practice check lists them). Nothing was written."], 1)
    methods_dir = content_dir / "methods"
    methods = sorted(p.stem for p in methods_dir.glob("*.md") if "." not in p.stem) if methods_dir.is_dir() else []
    vocabulary = Vocabulary(frozenset(t.slug for t in topics), languages[0], content_dir)
    return Setting(content_dir, vocabulary, tuple(methods), languages)


def convert(kind: str, name: str, value: Any, setting: Setting) -> Any:
    """``value`` converted by the checker's converter for the field ``name`` of ``kind``; raises Invalid.
    A method must also exist in methods/, as the checker's cross-check requires."""
    ctx = Context(YamlDocument({name: value}, {}, {}), setting.vocabulary)
    result = FIELDS[kind][name].convert(value, name, ctx)
    if name == "method" and result not in setting.methods:
        raise Invalid(f"'{result}' is not a method in methods/{did_you_mean(result, setting.methods)}")
    return result


def _messages(label: str, exc: Invalid) -> list[str]:
    return [f"{label}: {failure.message}" for failure in exc.all()]


def scaffold(
    kind: str,
    title: str,
    content_dir: Path,
    flags: dict[str, Any],
    *,
    interactive: bool,
    slug: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Write ``content/<folder>/<slug>.md``; raises ScaffoldError naming every problem, having written nothing."""
    setting = load_setting(content_dir)
    problems: list[str] = []
    try:
        title = convert(kind, "title", title, setting)
    except Invalid as exc:
        problems += _messages("TITLE", exc)
    slug, slug_problems = _slug(kind, title, slug, setting)
    problems += slug_problems
    values: dict[str, Any] = {}
    order = list(FIELDS[kind])  # problems in the order of the file's fields
    for name, given in sorted(flags.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99):
        if given is None or given == ():
            continue
        if name not in FIELDS[kind]:
            problems.append(f"{flag(name)}: a {KIND_NAMES[kind]} has no {name} field; leave it out")
            continue
        try:
            values[name] = convert(kind, name, list(given) if name in _LISTS else given, setting)
        except Invalid as exc:
            problems += _messages(flag(name), exc)
    missing = [name for name in _REQUIRED[kind] if flags.get(name) in (None, ())]
    if missing and not interactive:
        problems.append(f"missing {', '.join(flag(n) for n in missing)}; give them as options (no terminal to ask in).")
    if problems:
        last = problems.pop()
        raise ScaffoldError([*problems, f"{last} Nothing was written." if last.startswith("missing ") else last])
    path = content_dir / FOLDERS[kind] / f"{slug}.md"
    for name in missing:
        values[name] = _prompt(kind, name, setting)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _render(kind, title, values, today or dt.date.today())
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; choose another --slug or edit that file") from None
    return path


def _slug(kind: str, title: str, given: str | None, setting: Setting) -> tuple[str, list[str]]:
    """The file's slug (given with --slug, else made from the title) and what is wrong with it."""
    if given is not None and windows_device(given):  # before the converter, which would say "rename it"
        found, subject = given, f"--slug: '{given}'"
    elif given is not None:
        ctx = Context(YamlDocument({"slug": given}, {}, {}), setting.vocabulary)
        try:
            found = slug_converter(given, "slug", ctx)
        except Invalid as exc:
            return given, _messages("--slug", exc)
        subject = f"--slug: '{found}'"
    else:
        found = title_slug(title, SLUG_LIMIT)
        if not found:
            return found, [f"TITLE: '{title}' has no letter or digit to make a file name from; give one with --slug"]
        subject = f"TITLE: its slug '{found}'"
    if windows_device(found):
        return found, [
            f"{subject} is reserved for a device on Windows, which cannot check it out; choose another with --slug"
        ]
    path = setting.content_dir / FOLDERS[kind] / f"{found}.md"
    if path.exists() or path.is_symlink():
        return found, [f"{path} already exists; choose another --slug or edit that file"]
    other = {"case-study": "event", "event": "case-study"}.get(kind)
    if other and (setting.content_dir / FOLDERS[other] / f"{found}.md").exists():
        return found, [
            f"{subject} is already the slug of {'an' if other == 'event' else 'a'} {KIND_NAMES[other]} "
            f"({FOLDERS[other]}/{found}.md), and slugs are unique across case studies and events; choose another with --slug"
        ]
    if kind == "page" and found in reserved_paths(DEFAULT_TAXONOMIES):
        return found, [f"{subject} is a section of the site; choose another with --slug"]
    if kind == "page" and found in setting.languages[1:]:
        return found, [f"{subject} is the folder of the site's pages in that language; choose another with --slug"]
    return found, []


_PROMPTS = {
    "summary": "Summary (plain text, at most 300 characters)",
    "date": "Date (YYYY-MM-DD, or YYYY-MM if only the month is known)",
    "stages": "Stages, comma-separated (seek, sense, share)",
    "cynefin": f"Cynefin domain ({', '.join(d.value for d in CynefinDomain)})",
    "city": "City",
    "country": "Country (ISO code or English name)",
}


def _prompt(kind: str, name: str, setting: Setting) -> Any:
    """Ask until the checker accepts the answer, showing its message for each refusal (never a traceback)."""
    if name == "topics":
        question = f"Topics, comma-separated ({', '.join(sorted(setting.vocabulary.topics or ()))})"
    elif name == "method":
        question = f"Method ({', '.join(setting.methods)})"
    else:
        question = _PROMPTS.get(name, name.capitalize())
    while True:
        raw = click.prompt(question)
        value: Any = [part.strip() for part in raw.split(",") if part.strip()] if name in _LISTS else raw
        try:
            return convert(kind, name, value, setting)
        except Invalid as exc:
            for failure in exc.all():
                click.echo(f"Error: {failure.message}", err=True)


def _text(value: str) -> str:
    return yaml_value(value, quoted=True)


def _plain(value: Any) -> str:
    """A converted value (a code, a slug, an enum, a date, a list of them) as YAML."""
    if isinstance(value, MonthDate):
        return yaml_value(value.isoformat())
    if isinstance(value, tuple | list):
        return yaml_value([_raw(v) for v in value])
    return yaml_value(_raw(value))


def _raw(value: Any) -> Any:
    return getattr(value, "value", value)  # an enum's value


def _render(kind: str, title: str, v: dict[str, Any], today: dt.date) -> str:
    lines = ["---", f"title: {_text(title)}"]
    lines.append(f"summary: {_text(v['summary'])}" if "summary" in v else "# summary: One or two sentences, plain text")
    if kind == "case-study":
        lines += [
            f"published: {today.isoformat()}",
            f"city: {_text(v['city'])}",
            f"country: {_plain(v['country'])}",
            f"topics: {_plain(v['topics'])}",
            f"cynefin: {_plain(v['cynefin'])}   # clear, complicated, complex, chaotic or confused (not yet assessed)",
            "# start: 2014            # a year or YYYY-MM-DD",
            "# end: 2018              # not before start",
            "# status: ongoing        # ongoing, completed or discontinued",
            "# sdgs: [11]             # Sustainable Development Goals, 1 to 17",
            "# partners: [UCLG]",
            "# methods: []            # method slugs from content/methods/",
            "# related: []            # case-study or event slugs",
            "# learned_from: []       # case studies of other cities this practice adapted",
            "# contact: {organisation: City Hall, url: https://example.org}   # an office to ask, never a person (check warns without one)",
            "# coordinates: [0.0, 0.0]   # [latitude, longitude]",
            "# image: media/photo.jpg    # PNG, JPEG, WebP or GIF inside content/media/, at most 2 MB",
            "# image_alt: What the photo shows",
            "# updated: YYYY-MM-DD",
            "# draft: true",
            "sources: []              # - {title: ..., url: https://...}",
        ]
        body = "\n".join(f"## {names[0]}\n\n" for names in POSTER_SECTIONS)
    elif kind == "event":
        lines += [
            f"date: {_plain(v['date'])}",
            "# end_date: YYYY-MM-DD   # not before date",
            f"city: {_text(v['city'])}",
            f"country: {_plain(v['country'])}",
            f"method: {_plain(v['method'])}",
            f"topics: {_plain(v['topics'])}",
            "# event: Name of the series or forum",
            f"cynefin: {_plain(v['cynefin'])}" if "cynefin" in v else "# cynefin: complex",
            "# organizers: []",
            "# participants: []       # city names, or 'Maputo, MZ' to disambiguate",
            "# practices: []          # case-study slugs discussed at the event",
            "# draft: true",
            "sources: []",
        ]
        body = "## What happened\n\n## What was learnt\n\n"
    elif kind == "method":
        lines += [
            f"stages: {_plain(v['stages'])}",
            "# duration: 2 hours",
            "# group_size: 12 to 40 people",
        ]
        body = "## How it works\n\n## When to use it\n\n"
    else:
        lines += ["# draft: true            # leaves the page out of the published site"]
        body = ""
    return "\n".join(lines) + "\n---\n\n" + body
