"""``practice new``: write a new record with every field of the contract, prompting in a terminal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from generator.config import load_site_config, load_topics
from generator.content import POSTER_SECTIONS
from generator.errors import ExitCode
from generator.model import CynefinDomain, Stage
from generator.vocab import country_code, slugify

__all__ = ["ScaffoldError", "scaffold"]

_FOLDERS = {"case-study": "case-studies", "event": "events", "method": "methods"}
_REQUIRED = {
    "case-study": ("summary", "city", "country", "topics", "cynefin"),
    "event": ("summary", "date", "city", "country", "method", "topics"),
    "method": ("summary", "stages"),
}
_FLAGS = {"topics": "--topic", "stages": "--stage"}


class ScaffoldError(Exception):
    def __init__(self, message: str, exit_code: int = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_list(values) -> str:
    return "[" + ", ".join(values) + "]"


def _validate(name: str, value, topics: list[str], methods: list[str]):
    if name == "country" and country_code(value) is None:
        raise click.BadParameter(f"'{value}' is not an ISO 3166-1 code or English country name")
    if name == "cynefin" and value not in [d.value for d in CynefinDomain]:
        raise click.BadParameter(f"choose one of {', '.join(d.value for d in CynefinDomain)}")
    if name == "topics":
        unknown = [t for t in value if t not in topics]
        if unknown:
            raise click.BadParameter(f"unknown topic '{unknown[0]}'; topics.yml defines {', '.join(topics)}")
    if name == "method" and value not in methods:
        raise click.BadParameter(f"'{value}' is not a method; choose one of {', '.join(methods)}")
    if name == "stages" and any(s not in [x.value for x in Stage] for s in value):
        raise click.BadParameter("stages are seek, sense and share")
    if name == "date":  # an ISO date, or YYYY-MM when only the month is known
        dt.date.fromisoformat(value + "-01" if len(value.strip()) == 7 else value)
    return value


def scaffold(
    kind: str, title: str, content_dir: Path, flags: dict, *, interactive: bool, today: dt.date | None = None
) -> Path:
    slug = slugify(title)
    path = content_dir / _FOLDERS[kind] / f"{slug}.md"
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{path} already exists; choose another title or edit that file", ExitCode.USAGE)
    config, _ = load_site_config(content_dir, content_dir.as_posix())
    topics_found, _ = load_topics(content_dir, content_dir.as_posix(), config.languages if config else ("en",))
    topics = [t.slug for t in topics_found]
    methods_dir = content_dir / "methods"
    methods = sorted(
        p.stem for p in methods_dir.glob("*.md") if "." not in p.stem
    )  # not translations if methods_dir.is_dir() else []
    values = {
        "summary": flags.get("summary"),
        "city": flags.get("city"),
        "country": flags.get("country"),
        "topics": list(flags.get("topics") or ()) or None,
        "cynefin": flags.get("cynefin"),
        "method": flags.get("method"),
        "date": flags.get("date"),
        "stages": list(flags.get("stages") or ()) or None,
    }
    for name, value in values.items():
        if value is not None:
            try:
                _validate(name, value, topics, methods)
            except (click.BadParameter, ValueError) as exc:
                raise ScaffoldError(f"--{name.rstrip('s') if name in _FLAGS else name}: {exc}") from None
    missing = [name for name in _REQUIRED[kind] if values[name] is None]
    if missing and not interactive:
        flags_needed = ", ".join(_FLAGS.get(n, f"--{n}") for n in missing)
        raise ScaffoldError(
            f"missing {flags_needed}; give them as options (no terminal to ask in). Nothing was written."
        )
    for name in missing:
        values[name] = _prompt(name, topics, methods)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = _render(kind, title, values, today or dt.date.today())
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path


def _prompt(name: str, topics: list[str], methods: list[str]):
    while True:
        if name == "topics":
            raw = click.prompt(f"Topics, comma-separated ({', '.join(topics)})")
            value = [t.strip() for t in raw.split(",") if t.strip()]
        elif name == "stages":
            raw = click.prompt("Stages, comma-separated (seek, sense, share)")
            value = [t.strip() for t in raw.split(",") if t.strip()]
        elif name == "cynefin":
            value = click.prompt("Cynefin domain", type=click.Choice([d.value for d in CynefinDomain]))
        elif name == "method":
            value = click.prompt("Method", type=click.Choice(methods))
        elif name == "date":
            value = click.prompt("Date (YYYY-MM-DD, or YYYY-MM if only the month is known)")
        elif name == "summary":
            value = click.prompt("Summary (plain text, at most 300 characters)")
        else:
            value = click.prompt(name.capitalize())
        try:
            return _validate(name, value, topics, methods)
        except (click.BadParameter, ValueError) as exc:
            click.echo(f"Error: {exc}", err=True)


def _render(kind: str, title: str, v: dict, today: dt.date) -> str:
    lines = ["---", f"title: {_yaml_text(title)}", f"summary: {_yaml_text(v['summary'])}"]
    if kind == "case-study":
        lines += [
            f"published: {today.isoformat()}",
            f"city: {_yaml_text(v['city'])}",
            f"country: {country_code(v['country'])}",
            f"topics: {_yaml_list(v['topics'])}",
            f"cynefin: {v['cynefin']}   # clear, complicated, complex, chaotic or confused (not yet assessed)",
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
            f"date: {v['date']}",
            "# end_date: YYYY-MM-DD   # not before date",
            f"city: {_yaml_text(v['city'])}",
            f"country: {country_code(v['country'])}",
            f"method: {v['method']}",
            f"topics: {_yaml_list(v['topics'])}",
            "# event: Name of the series or forum",
            "# cynefin: complex",
            "# organizers: []",
            "# participants: []       # city names, or 'Maputo, MZ' to disambiguate",
            "# practices: []          # case-study slugs discussed at the event",
            "# draft: true",
            "sources: []",
        ]
        body = "## What happened\n\n## What was learnt\n\n"
    else:
        lines += [
            f"stages: {_yaml_list(v['stages'])}",
            "# duration: 2 hours",
            "# group_size: 12 to 40 people",
        ]
        body = "## How it works\n\n## When to use it\n\n"
    return "\n".join(lines) + "\n---\n\n" + body
