"""`practice serve` as a person meets it (address, port in use, errors at start, what each rebuild says) and
the conventions of other site generators' commands: -q/-v, colour only on a terminal, NO_COLOR, completion,
running from any folder of the repository."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from conftest import make_site

from generator.cli import cli
from generator.console import Console
from generator.errors import Problem, Severity
from generator.serve import changed_files, site_url

BAD = "-- content/case-studies/bad.md --\n---\ntitle: Bad\ncynefin: complexx\n---\n"
NO_SOURCES_STUDY = """-- content/case-studies/{slug}.md --
---
title: {title}
summary: A practice with no sources.
published: 2026-01-05
city: Hangzhou
country: CN
topics: [mobility]
cynefin: clear
---
## Starting point

Text.
"""


class Served:
    """`practice serve` in a subprocess, its standard error collected line by line."""

    def __init__(self, root: Path, *args: str, env: dict | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--no-search", *args],
            stderr=subprocess.PIPE,
            text=True,
            cwd=root,
            env={**os.environ, **(env or {})},
        )
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(iter(self.process.stderr.readline, "")), daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 60, after: int = 0) -> re.Match:
        """The first line from index ``after`` on that matches."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines)[after:]:
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and not any(re.search(pattern, line) for line in self.lines):
                time.sleep(0.2)  # let the reader take the last lines
                if not any(re.search(pattern, line) for line in self.lines):
                    break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in {self.lines}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=20)


def test_serve_on_a_port_in_use_exits_3_with_one_line(site_root):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--no-search", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=site_root,
            timeout=60,
        )
    assert result.returncode == 3
    assert result.stderr == (
        f"Error: cannot serve on 127.0.0.1:{port}: the port is in use "
        "(choose another with --port, or --port 0 for a free one)\n"
    )


def test_serve_with_content_errors_at_start_exits_1_and_promises_no_last_good_site(site_root):
    make_site(site_root, BAD)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--no-search", "--port", "0"],
        capture_output=True,
        text=True,
        cwd=site_root,
        timeout=60,
    )
    assert result.returncode == 1
    assert "content/case-studies/bad.md:3: cynefin: 'complexx' is not a Cynefin domain" in result.stderr
    assert "last good site" not in result.stderr
    assert result.stderr.splitlines()[-1] == "Build failed: 6 errors."
    assert "Traceback" not in result.stderr


def test_each_rebuild_names_the_changed_file_and_prints_only_new_problems(site_root):
    make_site(site_root, NO_SOURCES_STUDY.format(slug="quiet", title="Quiet"))
    served = Served(site_root, "--port", "0")
    try:
        port = served.wait_for(r"Serving on http://127\.0\.0\.1:(\d+)/").group(1)
        warning_lines = [line for line in served.lines if "warning:" in line]
        assert warning_lines, served.lines  # the start-up build shows its warnings once
        version = urllib.request.urlopen(f"http://127.0.0.1:{port}/__practice/version").read()
        make_site(site_root, NO_SOURCES_STUDY.format(slug="loud", title="Loud"))
        served.wait_for(r"^Changed: content/case-studies/loud\.md$")
        start = served.lines.index("Changed: content/case-studies/loud.md\n")
        served.wait_for(r"^Built \d+ files", after=start)
        after = served.lines[start:]
        new_warnings = [line for line in after if "warning:" in line]
        assert new_warnings and all(line.startswith("content/case-studies/loud.md") for line in new_warnings), after
        assert any(re.match(r"\(\d+ problems? as before, not repeated\)", line) for line in after), after
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/__practice/version").read() != version
    finally:
        served.stop()


def test_serve_binds_where_asked_and_opens_the_browser(site_root, tmp_path_factory):
    opened = tmp_path_factory.mktemp("browser") / "opened.txt"
    recorder = tmp_path_factory.mktemp("bin") / "record.py"
    recorder.write_text(f"import sys\nopen({str(opened)!r}, 'w').write(sys.argv[1])\n")
    # webbrowser honours BROWSER: the "browser" here records the address it was asked to open
    served = Served(
        site_root, "--port", "0", "--bind", "0.0.0.0", "--open", env={"BROWSER": f"{sys.executable} {recorder} %s"}
    )
    try:
        found = served.wait_for(r"Serving on http://127\.0\.0\.1:(\d+)/ \(bind address 0\.0\.0\.0\)")
        url = f"http://127.0.0.1:{found.group(1)}/"
        assert urllib.request.urlopen(url).status == 200
        deadline = time.monotonic() + 30
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text() == url
    finally:
        served.stop()


def test_site_urls_for_wildcard_and_ipv6_binds():
    assert site_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert site_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert site_url("::", 8000) == "http://[::1]:8000/"
    assert site_url("192.168.1.5", 80) == "http://192.168.1.5:80/"


def test_changed_files_are_named_relative_and_counted_past_five(site_root):
    changes = [(1, str(site_root / f"content/case-studies/p{n}.md")) for n in range(7)]
    assert changed_files(changes) == (
        "content/case-studies/p0.md, content/case-studies/p1.md, content/case-studies/p2.md, "
        "content/case-studies/p3.md, content/case-studies/p4.md and 2 more"
    )


def run(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def test_quiet_prints_only_problems_and_verbose_prints_where_things_are(site_root):
    make_site(site_root, NO_SOURCES_STUDY.format(slug="quiet", title="Quiet"))
    normal = run("build", "--no-search")
    quiet = run("-q", "build", "--no-search")
    verbose = run("--verbose", "build", "--no-search")
    assert normal.exit_code == quiet.exit_code == verbose.exit_code == 0
    assert "Built " in normal.stderr and "Built " not in quiet.stderr
    assert quiet.stderr == ""  # warnings too are left out with -q
    assert "warning:" in normal.stderr
    assert "Content: content; output: _site" in verbose.stderr and "Content:" not in normal.stderr
    clean = run("-q", "check")
    assert clean.exit_code == 0 and clean.stderr == ""
    make_site(site_root, BAD)
    failed = run("-q", "check")
    assert failed.exit_code == 1
    assert "content/case-studies/bad.md:3: cynefin: 'complexx' is not a Cynefin domain" in failed.stderr
    assert "warning:" not in failed.stderr and "errors," not in failed.stderr


def test_quiet_and_verbose_together_is_a_usage_error(site_root):
    result = run("-q", "-v", "check")
    assert result.exit_code == 2
    assert "-q/--quiet and -v/--verbose cannot be used together" in result.stderr


def test_colour_on_a_terminal_only_and_never_with_no_color(site_root, monkeypatch):
    make_site(site_root, BAD)
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = run("check", color=True)  # as on a terminal
    assert "\x1b[31m" in coloured.stderr and "\x1b[1m" in coloured.stderr
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run("check", color=True)
    assert "\x1b[" not in plain.stderr
    assert plain.stderr.splitlines()[0] == "content/case-studies/bad.md:1: summary: is required but missing"
    monkeypatch.delenv("NO_COLOR")
    piped = run("check")  # not a terminal
    assert "\x1b[" not in piped.stderr


def test_a_problem_line_keeps_its_text_when_coloured():
    problem = Problem("content/x.md", 7, "cynefin", "'a' is not a Cynefin domain", Severity.WARNING)
    styled = Console.styled(problem)
    assert re.sub(r"\x1b\[[0-9;]*m", "", styled) == str(problem)
    assert styled.startswith("\x1b[1mcontent/x.md:7: \x1b[0m\x1b[33m")


def test_runs_from_any_folder_inside_the_repository(site_root, monkeypatch):
    monkeypatch.chdir(site_root / "content" / "case-studies")
    checked = run("check")
    assert checked.exit_code == 0, checked.stderr
    make_site(site_root, BAD)
    failed = run("check")
    assert failed.exit_code == 1
    assert "../case-studies/bad.md:3: cynefin:" in failed.stderr  # a path this folder can open
    (site_root / "content/case-studies/bad.md").unlink()
    built = run("build", "--no-search")
    assert built.exit_code == 0, built.stderr
    assert (site_root / "_site" / "index.html").is_file()  # where it always goes, not inside content/
    assert not (site_root / "content" / "case-studies" / "_site").exists()


def test_a_typed_content_path_is_taken_as_typed(site_root, monkeypatch):
    monkeypatch.chdir(site_root / "content")
    result = run("check", "--content", "missing")
    assert result.exit_code != 0


def test_shell_completion_script_for_bash(site_root):
    result = subprocess.run(
        [sys.executable, "-m", "generator"],
        capture_output=True,
        text=True,
        env={**os.environ, "_PRACTICE_COMPLETE": "bash_source"},
        timeout=60,
    )
    assert result.returncode == 0
    assert "_practice_completion()" in result.stdout
    assert "complete -o nosort -F _practice_completion practice" in result.stdout
