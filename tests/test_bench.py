"""The benchmark runs (a smoke run on a small corpus: a check that it works, not a timed test)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_benchmark_smoke_run_builds_the_synthetic_corpus():
    result = subprocess.run(
        [sys.executable, "bench/compare.py", "--smoke"], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "practice build, clean" in result.stdout
