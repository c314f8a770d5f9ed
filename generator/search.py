"""Index the built site for full-text search with Pagefind (from the pagefind-bin package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.errors import EnvironmentFailure

__all__ = ["run_pagefind"]


def run_pagefind(site_dir: Path, output: Path | None = None) -> None:
    """Index ``site_dir`` into its pagefind/ folder, or into ``output`` (a folder outside it)."""
    where = ["--output-path", str(output)] if output is not None else ["--output-subdir", "pagefind"]
    command = [sys.executable, "-m", "pagefind_bin", "--site", str(site_dir), *where, "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentFailure(
            f"Pagefind could not run: {exc}; install pagefind-bin or build with --no-search"
        ) from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        if "No module named pagefind_bin" in result.stderr:
            raise EnvironmentFailure("Pagefind is not installed (pip install pagefind-bin), or build with --no-search")
        raise EnvironmentFailure("Pagefind failed: " + (detail[-1] if detail else f"exit code {result.returncode}"))
