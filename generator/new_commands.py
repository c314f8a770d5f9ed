"""``practice new``'s sub-commands: a case study, event, method or page from a title, or a translation.

cli.py makes the group with its own helpers (finding the repository, the run's console, whether a person can
answer prompts), so that this module needs nothing from it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from generator.console import Console

if TYPE_CHECKING:
    from generator.scaffold import ScaffoldError

__all__ = ["make_new_group"]

F = TypeVar("F", bound=Callable[..., Any])

_FIELD_OPTIONS = {
    "summary": click.option("--summary", help="One or two sentences of plain text (at most 300 characters)."),
    "city": click.option("--city", help="The city, as its people write it (São Paulo)."),
    "country": click.option("--country", help="An ISO 3166-1 code or English name: BR, Brazil."),
    "topics": click.option("--topic", "topics", multiple=True, help="A topic slug of topics.yml; repeat for several."),
    "cynefin": click.option("--cynefin", help="The Cynefin domain: clear, complicated, complex, chaotic or confused."),
    "method": click.option("--method", help="The slug of the method used, from content/methods/."),
    "date": click.option("--date", help="The date: YYYY-MM-DD, or YYYY-MM when only the month is known."),
    "stages": click.option("--stage", "stages", multiple=True, help="seek, sense or share; repeat for several."),
}
_KIND_FLAGS = {
    "case-study": ("summary", "city", "country", "topics", "cynefin"),
    "event": ("summary", "date", "city", "country", "method", "topics", "cynefin"),
    "method": ("summary", "stages"),
    "page": ("summary",),
}
_HELP = {
    "case-study": "Write content/case-studies/<slug>.md: a case study with every field of the contract.",
    "event": "Write content/events/<slug>.md: the report of a peer-learning event.",
    "method": "Write content/methods/<slug>.md: a learning method.",
    "page": "Write content/pages/<slug>.md: a free page (about, contribute) with its title.",
}


def _content_option(func: F) -> F:
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(path_type=Path),
        default=Path("content"),
        show_default=True,
        help="The content folder (holding site.yml).",
    )(func)


def make_new_group(
    located: Callable[[Path], tuple[Path, ...]], console: Callable[[], Console], in_terminal: Callable[[], bool]
) -> click.Group:
    """The ``new`` group; ``located`` finds the content folder from any folder of the repository."""

    def fail(exc: ScaffoldError) -> NoReturn:
        for message in exc.messages:
            console().error(message)
        sys.exit(exc.exit_code)

    @click.group()
    def new() -> None:
        """Write a new record: case-study|event|method|page TITLE [--slug SLUG] [field flags], or
        translation SLUG LANG.

        Every value is checked by the checker's own rules, all problems in one run (exit 2). In a terminal it
        asks for what the flags did not give; with no terminal it names the missing flags and writes nothing.
        It never overwrites a file.
        """

    def record_command(kind: str) -> click.Command:
        def run(title: str, content_dir: Path, slug: str | None, **fields: Any) -> None:
            from generator.scaffold import ScaffoldError, scaffold

            (content_dir,) = located(content_dir)
            try:
                path = scaffold(kind, title, content_dir, fields, interactive=in_terminal(), slug=slug)
            except ScaffoldError as exc:
                fail(exc)
            console().info(f"Wrote {path}. Fill it in, then run: practice check {path}")

        run.__doc__ = _HELP[kind]
        for name in reversed(_KIND_FLAGS[kind]):
            run = _FIELD_OPTIONS[name](run)
        run = click.option(
            "--slug",
            metavar="SLUG",
            help="The file's name (lowercase ASCII letters, digits, hyphens); "
            "default: made from TITLE, at most 60 characters.",
        )(run)
        run = _content_option(run)
        run = click.argument("title")(run)
        return click.command(kind)(run)

    for kind in _KIND_FLAGS:
        new.add_command(record_command(kind))

    @new.command("translation")
    @click.argument("slug")
    @click.argument("lang")
    @_content_option
    def translation(slug: str, lang: str, content_dir: Path) -> None:
        """Write <slug>.<LANG>.md beside the original (case study, event, method or page; SLUG may be
        FOLDER/SLUG where two share a slug), with the original's text fields and body to translate."""
        from generator.scaffold import ScaffoldError
        from generator.translation_scaffold import scaffold_translation

        (content_dir,) = located(content_dir)
        try:
            path = scaffold_translation(slug, lang, content_dir)
        except ScaffoldError as exc:
            fail(exc)
        console().info(f"Wrote {path}. Translate its text, then run: practice check {path}")

    return new
