"""What the command prints for people: how much (`-q`, `-v`) and in what colour.

Everything for people goes to standard error, so standard output stays for data (`check --format json`).
Colour appears on a terminal only (click strips it from pipes and files) and never with ``NO_COLOR`` set
to a non-empty value (https://no-color.org). The one `Console` of a run is made from the options and the
environment by the CLI and passed to whatever prints: nothing here is process-wide state.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TextIO

import click

from generator.errors import Problem, sorted_problems

__all__ = ["Console", "ProgressBar", "in_ci", "wants_progress"]

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


def in_ci(environ: Mapping[str, str]) -> bool:
    """Whether this runs in continuous integration: CI set to anything but empty, 0, false or no."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def wants_progress(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """A progress bar only for a person watching: standard error is a terminal, and not in CI."""
    try:
        return stream.isatty() and not in_ci(environ)
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class ProgressBar:
    """``Rendering pages [#######-------------] 3800/10745`` on one line of standard error, redrawn in
    place with a carriage return. It appears only once the build has run for ``delay`` seconds, so that
    quick builds print nothing but their summary, and ``clear`` blanks the line again."""

    WIDTH = 20

    def __init__(
        self, stream: TextIO, started: float, delay: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream, self.started, self.delay, self.clock = stream, started, delay, clock
        self.drawn: float | None = None  # when the line was last drawn
        self.length = 0  # the characters it holds

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.drawn is not None and done < total and now - self.drawn < 0.1:
            return  # at most ten redraws a second, but always the last one
        filled = self.WIDTH * done // total if total else self.WIDTH
        line = f"Rendering pages [{'#' * filled}{'-' * (self.WIDTH - filled)}] {done}/{total}"
        self.stream.write("\r" + line.ljust(self.length))
        self.stream.flush()
        self.drawn, self.length = now, max(self.length, len(line))

    def clear(self) -> None:
        if self.drawn is not None:
            self.stream.write("\r" + " " * self.length + "\r")
            self.stream.flush()
            self.drawn, self.length = None, 0
