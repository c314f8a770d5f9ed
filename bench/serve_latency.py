"""How long `practice serve` takes to show an edited practice: from saving the file to the open page
being told to reload (the long poll on /__practice/version answering), and to the new text being served.

    .venv/bin/python bench/serve_latency.py --n 10000 [--edits 3] [--search]

Writes the synthetic corpus of bench/corpus.py (N practices) into a temporary folder, starts
`python -m generator serve` there (with --no-search unless --search: the search index is refreshed in the
background after the pages and does not delay them), waits for the first build, then edits one case study
several times and prints each latency and their median.
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import write_corpus


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
        process = subprocess.Popen(command, cwd=work, stderr=subprocess.PIPE, text=True)
        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True).start()
        started = time.monotonic()
        port = None
        while port is None:
            if process.poll() is not None:
                raise SystemExit("serve stopped: " + "".join(lines[-5:]))
            found = next((re.search(r"127\.0\.0\.1:(\d+)/", line) for line in lines if "Serving on" in line), None)
            port = found.group(1) if found else None
            time.sleep(0.05)
        print(f"first build (and index) ready after {time.monotonic() - started:.1f} s")
        base = f"http://127.0.0.1:{port}"
        target = sorted((work / "content/case-studies").glob("*.md"))[
            len(list((work / "content/case-studies").glob("*.md"))) // 2
        ]
        url = f"{base}/case-studies/{target.stem}/"
        told, shown = [], []
        for i in range(args.edits):
            version = urllib.request.urlopen(f"{base}/__practice/version").read().decode()
            marker = f"Edited for the latency test, round {i + 1}."
            answer: dict = {}

            def wait(answer: dict = answer, version: str = version) -> None:
                answer["version"] = (
                    urllib.request.urlopen(f"{base}/__practice/version?seen={version}", timeout=300).read().decode()
                )
                answer["at"] = time.monotonic()

            waiter = threading.Thread(target=wait)
            waiter.start()
            time.sleep(0.3)
            text = target.read_text(encoding="utf-8")
            saved = time.monotonic()
            target.write_text(text.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
            waiter.join()
            while marker not in urllib.request.urlopen(url).read().decode():
                time.sleep(0.02)
            told.append(answer["at"] - saved)
            shown.append(time.monotonic() - saved)
            print(f"edit {i + 1}: page told to reload after {told[-1]:.2f} s, new text served after {shown[-1]:.2f} s")
            time.sleep(1)
        print(
            f"median: reload after {statistics.median(told):.2f} s, new text after {statistics.median(shown):.2f} s (N={args.n})"
        )
        process.terminate()
        process.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
