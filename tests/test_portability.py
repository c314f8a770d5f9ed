"""Runs where Windows and macOS run it: no fcntl, no SIGALRM or setitimer, workers started with spawn."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.timelimit import TooSlow, Watchdog, time_limit

# Loaded by every Python process of the run (the command and the workers it spawns) through PYTHONPATH:
# what Windows lacks is taken away before anything else is imported.
SITECUSTOMIZE = """
import multiprocessing, signal, sys
sys.modules["fcntl"] = None  # import fcntl now raises ImportError, as on Windows
for name in ("SIGALRM", "setitimer", "getitimer", "ITIMER_REAL", "alarm"):
    if hasattr(signal, name):
        delattr(signal, name)
multiprocessing.set_start_method("spawn", force=True)
"""


@pytest.fixture
def windows_like(tmp_path):
    folder = tmp_path / "sitecustomize"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return {**os.environ, "PYTHONPATH": str(folder), "SOURCE_DATE_EPOCH": "1790000000"}


def _practice(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_launcher_really_takes_them_away(site_root, windows_like):
    probe = (
        "import multiprocessing, signal\n"
        "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
        "print(fcntl, hasattr(signal, 'SIGALRM'), hasattr(signal, 'setitimer'), multiprocessing.get_start_method())"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=windows_like, capture_output=True, text=True)
    assert done.stdout.split() == ["None", "False", "False", "spawn"]


def test_help_check_and_build_work_without_fcntl_sigalrm_or_fork(site_root, windows_like):
    done = _practice("--help", cwd=site_root, env=windows_like)
    assert done.returncode == 0, done.stderr
    assert "build" in done.stdout
    done = _practice("check", cwd=site_root, env=windows_like)
    assert done.returncode == 0, done.stderr
    done = _practice("build", "--no-search", "--jobs", "2", "--cache-dir", "cache", cwd=site_root, env=windows_like)
    assert done.returncode == 0, done.stderr
    assert "with 2 workers" in done.stderr  # pages rendered by spawned workers
    assert "Traceback" not in done.stderr
    built = {p.relative_to(site_root / "_site").as_posix() for p in (site_root / "_site").rglob("*.html")}
    assert "case-studies/hangzhou-bikes/index.html" in built
    # the same bytes as a build on this system, with fork and fcntl
    spawned = {p: (site_root / "_site" / p).read_bytes() for p in built}
    native = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000"}
    done = _practice("build", "--no-search", "--jobs", "2", "--out", "native", cwd=site_root, env=native)
    assert done.returncode == 0, done.stderr
    assert {p: (site_root / "native" / p).read_bytes() for p in built} == spawned


def test_a_pathological_body_is_stopped_without_signals(site_root, windows_like):
    """The Markdown time limit, with SIGALRM gone: a quadratic body is reported, not waited for."""
    (site_root / "content/methods/brackets.md").write_text(
        "---\ntitle: Brackets\nsummary: Many brackets.\nstages: [seek]\n---\n" + "[" * 60000 + "\n"
    )
    started = time.monotonic()
    done = _practice("check", cwd=site_root, env=windows_like)
    assert time.monotonic() - started < 120
    assert done.returncode == 1
    assert (
        "content/methods/brackets.md:6: body: took more than 5 s to render; simplify its Markdown "
        "(long runs of brackets or deep nesting)"
    ) in done.stderr.splitlines()


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_the_time_limit_stops_pure_python_work_in_any_thread():
    outcome = []

    def run() -> None:
        started = time.monotonic()
        try:
            with time_limit(0.2):
                _busy(30)
        except TooSlow:
            outcome.append(time.monotonic() - started)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(20)
    assert len(outcome) == 1 and outcome[0] < 5  # stopped soon after its limit, not after 30 s
    with time_limit(5):  # a block within its limit is left alone, and nothing is raised afterwards
        _busy(0.05)
    _busy(0.1)


def test_one_watchdog_limits_many_blocks_and_stops_only_the_slow_one():
    with Watchdog() as watchdog:
        for _ in range(50):  # blocks within their limit: nothing raised, during or after
            with watchdog.limit(5):
                _busy(0.001)
        started = time.monotonic()
        with pytest.raises(TooSlow), watchdog.limit(0.2):
            _busy(30)
        assert time.monotonic() - started < 5
        with watchdog.limit(5):  # still usable after a block it stopped
            _busy(0.3)
        _busy(0.1)
    assert not any(t.name == "practice-time-limit" for t in threading.enumerate())  # its thread ended with it
