"""Bytes a reader's browser fetches for a first search: python bench/search_bandwidth.py [--files] [N] [QUERY ...]

Without N (or with N=0), measures the bundled sample content; with N, a synthetic corpus of N
practices (bench/corpus.py). Builds with Pagefind, serves the site on 127.0.0.1, opens
search/?q=QUERY in Debian's Chromium and adds up the bytes of every response,
split into the page itself and Pagefind's files. Each QUERY is measured in a fresh browser
(an empty cache) on the same build; the default is 'participatory' for the sample and
'budget' for a synthetic corpus. A number such as 7777 is a rare query in a synthetic
corpus of 10,000: it occurs only on practice-07777's page, whereas every word of its small
vocabulary occurs on nearly every page. --files lists every response with its size.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

from generator.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


def measure(site: Path, query: str) -> dict:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("PRACTICE_CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
            )
            page = browser.new_page()
            page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body()) if r.ok else 0))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q={query}")
            expect(page.locator(".pagefind-ui__message")).to_have_text(
                re.compile(r"^[\d,]+ results? for "), timeout=60000
            )
            page.wait_for_load_state("networkidle")
            results = int(page.locator(".pagefind-ui__message").inner_text().split()[0].replace(",", ""))
            browser.close()
    finally:
        server.shutdown()
    pagefind = sum(v for k, v in sizes.items() if "/pagefind/" in k)
    return {
        "requests": len(sizes),
        "total_bytes": sum(sizes.values()),
        "pagefind_bytes": pagefind,
        "results_shown": results,
        "sizes": sizes,
    }


def main() -> None:
    args = sys.argv[1:]
    show_files = "--files" in args  # also list every response with its size
    args = [a for a in args if a != "--files"]
    n = int(args[0]) if args else 0
    queries = args[1:] or ["budget" if n else "participatory"]
    with tempfile.TemporaryDirectory() as temp:
        content = REPO / "content"
        if n:
            write_corpus(n, Path(temp))
            content = Path(temp) / "content"
        started = time.monotonic()
        build_site(BuildOptions(content_dir=content, out_dir=Path(temp) / "site"))
        built = time.monotonic() - started
        label = f"synthetic {n}" if n else "sample"
        for query in queries:
            figures = measure(Path(temp) / "site", query)
            print(
                f"{label}: build with search {built:.1f} s; first query '{query}': {figures['requests']} requests, "
                f"{figures['total_bytes'] / 1024:.0f} KiB in all, of which Pagefind {figures['pagefind_bytes'] / 1024:.0f} KiB; "
                f"{figures['results_shown']} results",
                flush=True,
            )
            if show_files:
                for url, size in sorted(figures["sizes"].items(), key=lambda item: -item[1]):
                    print(f"  {size / 1024:8.1f} KiB  {url.split('/', 3)[-1]}")


if __name__ == "__main__":
    main()
