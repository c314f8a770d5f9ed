"""Build progress: render_plans' progress callback (in one process and in forked workers), the summary line
of `practice build`, and the progress bar that only a person at a terminal sees."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

import generator.cli
import generator.render
from generator.build import load_sites
from generator.cli import cli
from generator.console import ProgressBar, wants_progress
from generator.errors import BuildFailed
from generator.i18n import DEFAULT_THEME
from generator.page_plan import RenderOptions
from generator.planning import plan_pages
from generator.render import render_plans
from generator.workers import worker_context

FIXTURE = Path(__file__).parent / "fixtures" / "site"
OPTIONS = RenderOptions(build_year=2026, search=False)
SUMMARY = re.compile(r"Built (\d+) files \((\d+) pages, 0 reused\) into out in \d+\.\d s with (\d+) workers?\.")


@pytest.fixture(scope="module")
def sites():
    sites, problems = load_sites(FIXTURE / "content")
    assert sites is not None, problems
    return sites


@pytest.fixture
def fixture_root(tmp_path, monkeypatch) -> Path:
    shutil.copytree(FIXTURE / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def render(sites, theme_dirs, jobs, progress=None):
    """Every page of the fixture, as the build renders them: (files, processes used)."""
    return render_plans(plan_pages(sites, OPTIONS), theme_dirs, jobs, progress)


# ---------------------------------------------------------------- render_plans' progress callback


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_progress_counts_grow_to_the_total_and_leave_the_output_as_it_was(sites, jobs):
    total = len(plan_pages(sites, OPTIONS))
    calls: list[tuple[int, int]] = []
    files, workers = render(sites, (DEFAULT_THEME,), jobs, lambda done, all_: calls.append((done, all_)))

    assert calls, "progress was never reported"
    assert {all_ for _, all_ in calls} == {total}
    counts = [done for done, _ in calls]
    assert counts == sorted(set(counts)) and counts[0] >= 1  # strictly increasing
    assert counts[-1] == total
    if jobs == 1:
        assert counts == list(range(1, total + 1))  # called directly after every page
    assert (len(files), workers) == (total, jobs)
    assert files == render(sites, (DEFAULT_THEME,), jobs)[0]  # same files, same bytes, same order
    assert files == render(sites, (DEFAULT_THEME,), 1)[0]


def test_a_template_error_in_a_worker_still_fails_the_build(sites, tmp_path):
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/404.html").write_text("{{ nope.missing }}\n")  # the last page: a worker's
    calls = []
    with pytest.raises(BuildFailed) as failure:
        render(sites, (theme, DEFAULT_THEME), 2, lambda done, total: calls.append(done))
    assert "while rendering 404.html" in failure.value.problems[0].message


@pytest.mark.skipif(
    worker_context().get_start_method() != "fork", reason="the patched render_page reaches workers only by fork"
)
def test_a_worker_killed_without_an_answer_still_fails_the_build(sites, monkeypatch):
    parent = os.getpid()
    render_page = generator.render.render_page

    def dying(env, plan):
        if os.getpid() != parent and plan.path == "404.html":
            os._exit(9)  # as if killed: no answer on the pipe
        return render_page(env, plan)

    monkeypatch.setattr(generator.render, "render_page", dying)
    with pytest.raises(RuntimeError, match="a rendering worker stopped without an answer"):
        render(sites, (DEFAULT_THEME,), 2, lambda done, total: None)


# ---------------------------------------------------------------- the summary line


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_ends_with_one_summary_line(fixture_root, jobs):
    result = CliRunner().invoke(cli, ["build", "--no-search", "--out", "out", "--jobs", jobs])
    assert result.exit_code == 0, result.stderr
    last = result.stderr.splitlines()[-1]
    match = SUMMARY.fullmatch(last)
    assert match, last
    files, pages, workers = map(int, match.groups())
    out = fixture_root / "out"
    # what the build renders: the HTML pages and the case studies' locator maps (an SVG file per country
    # and point set, rendered like a page: planning.py), which the count of pages includes
    assert pages == len(list(out.rglob("*.html"))) + len(list((out / "map/locators").glob("*.svg"))) == 103 + 2
    # every file the build wrote itself: not the theme's static files, nor the manifest written after them
    assert files == len(
        [
            p
            for p in out.rglob("*")
            if p.is_file() and p.parts[len(out.parts)] != "static" and p.name not in ("manifest.json", "SHA256SUMS")
        ]
    )
    assert workers == int(jobs)
    assert last.endswith("with 1 worker.") if jobs == "1" else last.endswith("with 2 workers.")
    assert "\r" not in result.stderr  # no progress bar: standard error is not a terminal


def test_an_unchanged_build_still_says_nothing_changed(fixture_root):
    assert CliRunner().invoke(cli, ["build", "--no-search", "--out", "out"]).exit_code == 0
    again = CliRunner().invoke(cli, ["build", "--no-search", "--out", "out"])
    assert again.exit_code == 0, again.stderr
    assert re.fullmatch(
        r"Nothing changed since the last build of out \(checked in \d+\.\d s\)\.", again.stderr.splitlines()[-1]
    )


# ---------------------------------------------------------------- the progress bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_a_terminal_outside_ci():
    assert wants_progress(Terminal(), {})
    assert wants_progress(Terminal(), {"CI": "false"})
    assert not wants_progress(Terminal(), {"CI": "true"})
    assert not wants_progress(Terminal(), {"CI": "1"})
    assert not wants_progress(io.StringIO(), {})
    assert not wants_progress(object(), {})  # a stream replaced by something without isatty


def test_no_progress_output_when_stderr_is_not_a_terminal(fixture_root, monkeypatch):
    monkeypatch.setattr(generator.cli, "_PROGRESS_DELAY", 0.0)  # even a quick build would show it
    monkeypatch.delenv("CI", raising=False)
    result = CliRunner().invoke(cli, ["build", "--no-search", "--out", "out"])
    assert result.exit_code == 0, result.stderr
    assert "\r" not in result.stderr and "Rendering" not in result.stderr
    assert SUMMARY.fullmatch(result.stderr.splitlines()[-1])


def test_in_a_terminal_the_bar_is_drawn_in_place_and_cleared_before_the_summary(fixture_root, monkeypatch):
    monkeypatch.setattr(generator.cli, "_PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(generator.cli, "wants_progress", lambda stream, environ: True)
    result = CliRunner().invoke(cli, ["build", "--no-search", "--out", "out", "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    bar, _, rest = result.stderr.rpartition("\r")
    assert bar.startswith("\rRendering pages [")
    assert "] 105/105" in bar  # the last count is always drawn (103 pages and 2 locator maps)
    assert bar.endswith("\r" + " " * len("Rendering pages [####################] 105/105"))  # then blanked
    assert SUMMARY.fullmatch(rest.splitlines()[-1])


def test_the_bar_waits_a_second_redraws_at_most_ten_times_a_second_and_clears():
    now = [100.0]
    stream = Terminal()
    bar = ProgressBar(stream, started=100.0, delay=1.0, clock=lambda: now[0])
    bar(10, 200)
    now[0] = 100.9
    bar(50, 200)
    assert stream.getvalue() == ""  # under a second: nothing
    now[0] = 101.0
    bar(60, 200)
    assert stream.getvalue() == "\rRendering pages [######--------------] 60/200"
    now[0] = 101.05
    bar(70, 200)  # too soon after the last redraw
    assert stream.getvalue().count("\r") == 1
    bar(200, 200)  # but the end always shows
    assert stream.getvalue().endswith("\rRendering pages [####################] 200/200")
    bar.clear()
    assert stream.getvalue().endswith("\r" + " " * len("Rendering pages [####################] 200/200") + "\r")
    bar.clear()  # a second clear writes nothing
    assert stream.getvalue().count("\r") == 4


def test_a_build_that_never_draws_the_bar_clears_nothing():
    stream = Terminal()
    bar = ProgressBar(stream, started=0.0, delay=1.0, clock=lambda: 0.5)
    bar(1, 2)
    bar.clear()
    assert stream.getvalue() == ""


def _build_in_a_terminal(root: Path, environ: dict) -> str:
    """`practice build` with the bar's one-second delay set to 0, its standard error a real (pseudo-)terminal."""
    import pty

    script = "import sys, generator.cli as c; c._PROGRESS_DELAY = 0.0; sys.argv[0] = 'practice'; c.main()"
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", script, "build", "--no-search", "--out", "out", "--jobs", "2"],
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            env={**environ, "PYTHONPATH": str(REPO)},
        )
        os.close(terminal)
        output = b""
        while True:  # read while it runs, so that it never waits on a full terminal
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the command closed its side
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=300) == 0, output
    finally:
        os.close(controller)
    return output.decode().replace("\r\n", "\n")  # the terminal turns \n into \r\n


def test_a_terminal_shows_the_bar_and_clears_it(fixture_root):
    output = _build_in_a_terminal(fixture_root, {k: v for k, v in os.environ.items() if k != "CI"})
    bar, _, rest = output.rpartition("\r")
    assert bar.startswith("\rRendering pages [") and "] 105/105" in bar  # 103 pages and 2 locator maps
    assert bar.endswith(" " * len("Rendering pages [####################] 105/105"))
    assert SUMMARY.fullmatch(rest.splitlines()[-1])


def test_a_terminal_in_ci_gets_no_bar(fixture_root):
    output = _build_in_a_terminal(fixture_root, {**os.environ, "CI": "true"})
    assert "\r" not in output and "Rendering" not in output
    assert SUMMARY.fullmatch(output.splitlines()[-1])
