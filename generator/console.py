"""What the command prints for people: how much (`-q`, `-v`) and in what colour.

Everything for people goes to standard error, so standard output stays for data (`check --format json`).
Colour appears on a terminal only (click strips it from pipes and files) and never with ``NO_COLOR`` set
to a non-empty value (https://no-color.org). The one `Console` of a run is made from the options and the
environment by the CLI and passed to whatever prints: nothing here is process-wide state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import click

from generator.errors import Problem, sorted_problems

__all__ = ["Console"]

QUIET, NORMAL, VERBOSE = -1, 0, 1


@dataclass(frozen=True)
class Console:
    verbosity: int = NORMAL
    color: bool | None = None  # None: click decides (colour on a terminal only); False: never

    @classmethod
    def from_options(cls, *, quiet: bool, verbose: bool, environ: Mapping[str, str]) -> Console:
        verbosity = QUIET if quiet else VERBOSE if verbose else NORMAL
        return cls(verbosity, False if environ.get("NO_COLOR") else None)

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET

    def info(self, text: str) -> None:
        """What a run did (built, served, nothing changed): not with -q."""
        if self.verbosity >= NORMAL:
            click.echo(text, err=True, color=self.color)

    def notice(self, text: str) -> None:
        """What the person must see whatever the verbosity (where `serve` is listening)."""
        click.echo(text, err=True, color=self.color)

    def detail(self, text: str) -> None:
        """Where things are and how long they took: with -v only."""
        if self.verbosity >= VERBOSE:
            click.echo(click.style(text, dim=True), err=True, color=self.color)

    def error(self, text: str) -> None:
        """An environment or usage error: always."""
        click.echo(click.style("Error:", fg="red", bold=True) + f" {text}", err=True, color=self.color)

    def problems(self, problems: Iterable[Problem]) -> None:
        """Content problems, one line each: errors always, warnings unless -q."""
        for problem in sorted_problems(problems):
            if problem.is_error or not self.quiet:
                click.echo(self.styled(problem), err=True, color=self.color)

    @staticmethod
    def styled(problem: Problem) -> str:
        """The problem's one line: its place in bold, its text red (error) or yellow (warning)."""
        text = str(problem)
        place = str(Problem(problem.file, problem.line, "", ""))  # "file:line: ", escaped as the line is
        colour = "red" if problem.is_error else "yellow"
        if not text.startswith(place):
            return click.style(text, fg=colour)
        return click.style(place, bold=True) + click.style(text[len(place) :], fg=colour)
