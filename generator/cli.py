"""The ``practice`` command: a thin layer of options, printing and exit codes over build.py."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar, overload

import click

from generator.build import BuildOptions, CacheRefused, build_bundle, build_site, check_content, resolve_cache_dir
from generator.console import Console, ProgressBar, wants_progress
from generator.errors import BuildFailed, EnvironmentFailure, ExitCode, Problem, Terminated
from generator.mirror import verify_mirror
from generator.new_commands import make_new_group
from generator.report import (
    build_summary,
    check_summary,
    content_paths,
    failure_summary,
    format_github,
    format_json,
    of_paths,
)
from generator.repository import located

__all__ = ["main", "cli"]

_content_option = click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path),
    default=Path("content"),
    show_default=True,
    help="The content folder (holding site.yml).",
)


F = TypeVar("F", bound=Callable[..., Any])


@overload
def _build_options(func: F, *, offline: bool = True) -> F: ...
@overload
def _build_options(func: None = None, *, offline: bool = True) -> Callable[[F], F]: ...
def _build_options(func: F | None = None, *, offline: bool = True) -> F | Callable[[F], F]:
    """build's options; ``offline=False`` leaves out --offline (bundle is always the offline copy)."""
    if func is None:
        return lambda f: _build_options(f, offline=offline)
    options = [
        _content_option,
        click.option(
            "--theme",
            "theme_dir",
            type=click.Path(path_type=Path, file_okay=False, exists=True),
            help="A theme folder whose templates override the default theme's by name.",
        ),
        click.option("--base-url", help="Absolute URL where the site is published (overrides site.yml)."),
        click.option("--drafts", is_flag=True, help="Include records marked draft: true."),
        *(
            [click.option("--offline", is_flag=True, help="Build a copy that works from file:// with no server.")]
            if offline
            else []
        ),
        click.option("--no-search", "no_search", is_flag=True, help="Skip the Pagefind search index."),
        click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: by site size and cores)."),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path),
            default=None,
            help="Cache folder; safe to delete. Default: one per repository in the user's cache folder "
            "(see README); refused if Git tracks files in it.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _in_terminal() -> bool:
    """Whether someone can answer prompts: with no terminal, `new` must never wait for input."""
    return sys.stdin.isatty() and sys.stdout.isatty()


_PROGRESS_DELAY = 1.0  # seconds a build runs before its progress bar appears


def _console() -> Console:
    """The run's console, made by the group from -q/-v and NO_COLOR (a plain one when a command is invoked alone)."""
    context = click.get_current_context(silent=True)
    found = context.find_object(Console) if context else None
    return found or Console()


def _print_problems(problems: Iterable[Problem]) -> None:
    _console().problems(problems)


def _cache_dir(cache_dir: Path | None, content_dir: Path) -> Path:
    try:
        return resolve_cache_dir(cache_dir, content_dir)
    except CacheRefused as exc:
        _console().error(str(exc))
        sys.exit(ExitCode.USAGE)


def _fail(exc: Exception) -> None:
    console = _console()
    if isinstance(exc, BuildFailed):
        console.problems(exc.problems)
        console.info(failure_summary(exc.problems))
        sys.exit(ExitCode.CONTENT)
    console.error(str(exc))
    sys.exit(ExitCode.ENVIRONMENT)


def _located(content_dir: Path, *defaults: tuple[str, Path]) -> tuple[Path, ...]:
    """The content folder, and the folders given by default, found from any folder inside the repository
    (repository.located): only the options left at their defaults move."""
    context = click.get_current_context()

    def typed(name: str) -> bool:
        return context.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT

    paths, root = located(
        [(content_dir, typed("content_dir")), *((value, typed(name)) for name, value in defaults)], Path.cwd()
    )
    if root is not None:
        _console().detail(f"Repository found at {root}")
    return paths


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="city-practice-repository", prog_name="practice")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Also print where things are and what each step did.")
@click.pass_context
def cli(context: click.Context, quiet: bool, verbose: bool) -> None:
    """Build, check and preview the city practice repository.

    Run it from anywhere inside the repository: it finds content/site.yml above the current folder.
    Colour is used on a terminal only, never with NO_COLOR set.
    """
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be used together.")
    context.obj = Console.from_options(quiet=quiet, verbose=verbose, environ=os.environ)


@cli.command()
@_build_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("_site"),
    show_default=True,
    help="Where the site is written; replaced whole on success.",
)
@click.option("--bundle", is_flag=True, help="Also write the offline copy to download/offline.zip and link it.")
def build(
    content_dir: Path,
    theme_dir: Path | None,
    base_url: str | None,
    drafts: bool,
    offline: bool,
    no_search: bool,
    jobs: int | None,
    cache_dir: Path | None,
    out_dir: Path,
    bundle: bool,
) -> None:
    """Build the site from the content folder."""
    console = _console()
    content_dir, out_dir = _located(content_dir, ("out_dir", out_dir))
    cache_dir = _cache_dir(cache_dir, content_dir)
    console.detail(f"Content: {content_dir}; output: {out_dir}; cache: {cache_dir}")
    options = BuildOptions(
        content_dir,
        out_dir,
        theme_dir,
        base_url,
        drafts,
        offline,
        not no_search,
        jobs,
        cache_dir=cache_dir,
        bundle=bundle,
    )
    progress = (
        ProgressBar(sys.stderr, time.monotonic(), _PROGRESS_DELAY)
        if wants_progress(sys.stderr, os.environ) and not console.quiet
        else None
    )
    try:
        try:
            result = build_site(options, progress=progress)
        finally:
            if progress is not None:
                progress.clear()
    except (BuildFailed, EnvironmentFailure, OSError) as exc:
        _fail(exc)
    console.problems(result.warnings)
    console.info(build_summary(result, out_dir))


@cli.command()
@_content_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for workflow annotations, json for tools (on standard output).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--drafts", is_flag=True, hidden=True)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
def check(content_dir: Path, output_format: str, strict: bool, drafts: bool, paths: tuple[Path, ...]) -> None:
    """Check the content: every error as path:line: field: message.

    With PATHS (files or folders, as a pre-commit hook passes them), only their problems are reported, checked
    against the whole content (and the errors of site.yml and topics.yml); paths outside the content folder are
    ignored.
    """
    (content_dir,) = _located(content_dir)
    keys = content_paths(paths, content_dir)
    if paths and not keys:
        _console().info("No file of the content folder named; nothing to check.")
        sys.exit(ExitCode.OK)
    _, problems = check_content(content_dir, drafts=drafts)
    if paths:
        problems = of_paths(problems, keys, content_dir)
    failed = any(p.is_error or strict for p in problems)
    if output_format == "json":
        click.echo(format_json(problems), nl=False)
    elif output_format == "github":
        click.echo(format_github(problems), nl=False)
    else:
        console = _console()
        console.problems(problems)
        console.info(check_summary(problems))
    sys.exit(ExitCode.CONTENT if failed else ExitCode.OK)


@cli.command()
@_build_options(offline=False)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("offline.zip"),
    show_default=True,
    help="The zip file to write.",
)
def bundle(
    content_dir: Path,
    theme_dir: Path | None,
    base_url: str | None,
    drafts: bool,
    no_search: bool,
    jobs: int | None,
    cache_dir: Path | None,
    out_file: Path,
) -> None:
    """Zip the offline build, with the data exports and a README on how to open it."""
    content_dir, out_file = _located(content_dir, ("out_file", out_file))
    cache_dir = _cache_dir(cache_dir, content_dir)
    options = BuildOptions(
        content_dir, Path("unused"), theme_dir, base_url, drafts, True, not no_search, jobs, cache_dir=cache_dir
    )
    try:
        result = build_bundle(options, out_file)
    except (BuildFailed, EnvironmentFailure, OSError) as exc:
        _fail(exc)
    _print_problems(result.warnings)
    _console().info(f"Wrote {out_file}: the offline copy of {result.files} files.")


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True))
def verify(directory: Path) -> None:
    """Check a mirror against its data/manifest.json and SHA256SUMS: missing, changed and extra files."""
    try:
        report = verify_mirror(directory)
    except ValueError as exc:
        _console().error(str(exc))
        sys.exit(ExitCode.CONTENT)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        click.echo(
            f"{directory} differs from its manifest: {len(report.missing)} missing, {len(report.changed)} changed, {len(report.extra)} extra.",
            err=True,
        )
        sys.exit(ExitCode.CONTENT)
    _console().info(f"{directory} matches its manifest.")


@cli.command()
@_build_options
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to serve on; 0 takes a free one (the address is printed).",
)
@click.option(
    "--bind",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on: 0.0.0.0 (or ::) shows the site to other devices of the network.",
)
@click.option(
    "--open", "open_browser", is_flag=True, help="Open the site in the default web browser once it is served."
)
def serve(
    content_dir: Path,
    theme_dir: Path | None,
    base_url: str | None,
    drafts: bool,
    offline: bool,
    no_search: bool,
    jobs: int | None,
    cache_dir: Path | None,
    port: int,
    bind: str,
    open_browser: bool,
) -> None:
    """Build into a temporary folder, serve it, rebuild and reload open pages on every change."""
    from generator.serve import ServeOptions, serve_site

    (content_dir,) = _located(content_dir)
    cache_dir = _cache_dir(cache_dir, content_dir)
    options = BuildOptions(
        content_dir,
        Path("unused"),
        theme_dir,
        base_url,
        drafts,
        offline,
        not no_search,
        jobs,
        live_reload=True,
        cache_dir=cache_dir,
    )
    try:
        serve_site(options, ServeOptions(bind, port, open_browser), _console())
    except (BuildFailed, EnvironmentFailure) as exc:
        _fail(exc)


def _asks() -> bool:
    return _in_terminal()  # looked up at each call (tests replace it)


cli.add_command(make_new_group(_located, _console, _asks))


def main() -> None:
    # SIGTERM (a CI runner cancelling, a service manager stopping serve) cleans up exactly as Ctrl-C does:
    # it raises Terminated, a KeyboardInterrupt. Remembered here too, since click and watchfiles turn what
    # they catch into Abort or a plain KeyboardInterrupt.
    terminated: list[int] = []

    def on_sigterm(signum: int, frame: object) -> None:
        terminated.append(signum)
        raise Terminated

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_sigterm)
    # click's standalone mode would turn Ctrl-C into "Aborted!" with exit code 1; the contract says 130.
    try:
        code = cli.main(prog_name="practice", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        if terminated:
            click.echo("Terminated.", err=True)
            sys.exit(ExitCode.TERMINATED)
        click.echo("Interrupted.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    if terminated:  # raised where Python drops exceptions (a finaliser): the command finished, but was asked not to
        click.echo("Terminated.", err=True)
        sys.exit(ExitCode.TERMINATED)
    sys.exit(code or 0)
