"""How long `practice serve` takes to show an edited practice: from saving the file to the open page
being told to reload (the long poll on /__practice/version answering), and to the new text being served.
Two kinds of edit are timed, in turn: a sentence added to the body (only the practice's own page shows
it) and a new title (which the lists, term pages, home page and feeds that show its card repeat).

    .venv/bin/python bench/serve_latency.py --n 10000 [--edits 3] [--search]

Writes the synthetic corpus of bench/corpus.py (N practices) into a temporary folder, starts
`python -m generator serve` there (with --no-search unless --search: the search index is refreshed in the
background after the pages and does not delay them), waits for the first build, then edits one case study
several times (body, title, body, title, ...) and prints each latency and the medians of each kind. bench/compare.py calls `measure_serve_latency` for
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
    told: list[float]  # per body edit: saving the file -> the open page told to reload
    shown: list[float]  # per body edit: saving the file -> the new text served
    title_told: list[float]  # the same for each title edit
    title_shown: list[float]


def _wait_for_reload(base: str, version: str, answer: dict) -> None:
    answer["version"] = urllib.request.urlopen(f"{base}/__practice/version?seen={version}", timeout=300).read().decode()
    answer["at"] = time.monotonic()


def _edited(original: bytes, title: str | None, sentence: str | None) -> bytes:
    """The case study with ``title`` as its title and ``sentence`` added to its body (either may be None)."""
    text = original
    if title is not None:
        head, separator, rest = text.partition(b"\ntitle: ")
        assert separator, "the case study has no title line"
        text = head + separator + title.encode() + b"\n" + rest.partition(b"\n")[2]
    if sentence is not None:
        text = text.rstrip(b"\n") + f"\n\n{sentence}\n".encode()
    return text


def measure_serve_latency(
    command: list[str],
    site: Path,
    edits: int,
    env: dict[str, str] | None = None,
    verbose: bool = True,
    kinds: tuple[str, ...] = ("body", "title"),
) -> ServeLatency:
    """Run ``command`` (a `practice serve --port 0` command line) in ``site`` (which holds content/ as written by
    bench/corpus.py), edit one case study ``edits`` times of each kind (its body, its title), in turn, and time
    each edit. The file is restored."""
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
        told: dict[str, list[float]] = {kind: [] for kind in ("body", "title")}
        shown: dict[str, list[float]] = {kind: [] for kind in ("body", "title")}
        latest: dict[str, str | None] = {"title": None, "body": None}  # each edit changes one thing only
        for i in range(edits):
            for kind in kinds:
                version = urllib.request.urlopen(f"{base}/__practice/version").read().decode()
                marker = f"Edited for the latency test, round {i + 1}" + ("." if kind == "body" else "")
                answer: dict = {}
                waiter = threading.Thread(target=_wait_for_reload, args=(base, version, answer))
                waiter.start()
                time.sleep(0.3)
                saved = time.monotonic()
                latest[kind] = marker
                target.write_bytes(_edited(original, latest["title"], latest["body"]))
                waiter.join()
                while marker not in urllib.request.urlopen(url).read().decode():
                    time.sleep(0.02)
                told[kind].append(answer["at"] - saved)
                shown[kind].append(time.monotonic() - saved)
                if verbose:
                    print(
                        f"{kind} edit {i + 1}: page told to reload after {told[kind][-1]:.2f} s, "
                        f"new text served after {shown[kind][-1]:.2f} s",
                        flush=True,
                    )
                time.sleep(1)
        return ServeLatency(first, told["body"], shown["body"], told["title"], shown["title"])
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
        for kind, told, shown in (
            ("body", result.told, result.shown),
            ("title", result.title_told, result.title_shown),
        ):
            print(
                f"median of {kind} edits: reload after {statistics.median(told):.2f} s, "
                f"new text after {statistics.median(shown):.2f} s (N={args.n})"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
