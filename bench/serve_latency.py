"""How long `practice serve` takes to show an edited practice: from saving the file to the open page
being told to reload (the long poll on /__practice/version answering), and to the new text being served.

    .venv/bin/python bench/serve_latency.py --n 10000 [--edits 3] [--search]

Writes the synthetic corpus of bench/corpus.py (N practices) into a temporary folder, starts
`python -m generator serve` there (with --no-search unless --search: the search index is refreshed in the
background after the pages and does not delay them), waits for the first build, then edits one case study
several times and prints each latency and their median. bench/compare.py calls `measure_serve_latency` for
its serve row.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import write_corpus


@dataclass(frozen=True)
class ServeLatency:
    first_build: float  # seconds from start to the first page served
    told: list[float]  # per edit: saving the file -> the open page told to reload
    shown: list[float]  # per edit: saving the file -> the new text served


def _wait_for_reload(base: str, version: str, answer: dict) -> None:
    answer["version"] = urllib.request.urlopen(f"{base}/__practice/version?seen={version}", timeout=300).read().decode()
    answer["at"] = time.monotonic()


def measure_serve_latency(
    command: list[str], site: Path, edits: int, env: dict[str, str] | None = None, verbose: bool = True
) -> ServeLatency:
    """Run ``command`` (a `practice serve --port 0` command line) in ``site`` (which holds content/ as written by
    bench/corpus.py), edit the body of one case study ``edits`` times and time each edit. The file is restored."""
    process = subprocess.Popen(command, cwd=site, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True).start()
    studies = sorted((site / "content/case-studies").glob("*.md"))
    target = studies[len(studies) // 2]
    original = target.read_bytes()
    try:
        started = time.monotonic()
        port = None
        while port is None:
            if process.poll() is not None:
                raise RuntimeError("serve stopped: " + "".join(lines[-5:]))
            found = next((re.search(r"127\.0\.0\.1:(\d+)/", line) for line in lines if "Serving on" in line), None)
            port = found.group(1) if found else None
            time.sleep(0.05)
        first = time.monotonic() - started
        if verbose:
            print(f"first build ready after {first:.1f} s", flush=True)
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/case-studies/{target.stem}/"
        told, shown = [], []
        for i in range(edits):
            version = urllib.request.urlopen(f"{base}/__practice/version").read().decode()
            marker = f"Edited for the latency test, round {i + 1}."
            answer: dict = {}
            waiter = threading.Thread(target=_wait_for_reload, args=(base, version, answer))
            waiter.start()
            time.sleep(0.3)
            saved = time.monotonic()
            target.write_bytes(original.rstrip(b"\n") + f"\n\n{marker}\n".encode())
            waiter.join()
            while marker not in urllib.request.urlopen(url).read().decode():
                time.sleep(0.02)
            told.append(answer["at"] - saved)
            shown.append(time.monotonic() - saved)
            if verbose:
                print(
                    f"edit {i + 1}: page told to reload after {told[-1]:.2f} s, new text served after {shown[-1]:.2f} s",
                    flush=True,
                )
            time.sleep(1)
        return ServeLatency(first, told, shown)
    finally:
        target.write_bytes(original)
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument(
        "--search", action="store_true", help="serve with search (Pagefind indexes at start and after each edit)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="practice-serve-bench-"))
    try:
        write_corpus(args.n, work)  # writes work/content
        command = [sys.executable, "-m", "generator", "serve", "--port", "0", *([] if args.search else ["--no-search"])]
        result = measure_serve_latency(command, work, args.edits)
        print(
            f"median: reload after {statistics.median(result.told):.2f} s, "
            f"new text after {statistics.median(result.shown):.2f} s (N={args.n})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
