"""Bytes a reader's browser fetches for a first search: python bench/search_bandwidth.py [N] [QUERY]

Without N, measures the bundled sample content; with N, a synthetic corpus of N practices
(bench/corpus.py). Builds with Pagefind, serves the site on 127.0.0.1, opens
search/?q=QUERY in Debian's Chromium and adds up the bytes of every response,
split into the page itself and Pagefind's files.
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
from corpus import write_corpus  # noqa: E402

from generator.build import BuildOptions, build_site  # noqa: E402

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
            browser = playwright.chromium.launch(executable_path=os.environ.get("PRACTICE_CHROMIUM", "/usr/bin/chromium"),
                                                 args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page()
            page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body()) if r.ok else 0))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q={query}")
            expect(page.locator(".pagefind-ui__message")).to_have_text(re.compile(r"^[\d,]+ results? for "), timeout=60000)
            page.wait_for_load_state("networkidle")
            results = int(page.locator(".pagefind-ui__message").inner_text().split()[0].replace(",", ""))
            browser.close()
    finally:
        server.shutdown()
    pagefind = sum(v for k, v in sizes.items() if "/pagefind/" in k)
    return {"requests": len(sizes), "total_bytes": sum(sizes.values()), "pagefind_bytes": pagefind, "results_shown": results}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    query = sys.argv[2] if len(sys.argv) > 2 else ("budget" if n else "participatory")
    with tempfile.TemporaryDirectory() as temp:
        content = REPO / "content"
        if n:
            write_corpus(n, Path(temp))
            content = Path(temp) / "content"
        started = time.monotonic()
        build_site(BuildOptions(content_dir=content, out_dir=Path(temp) / "site"))
        built = time.monotonic() - started
        figures = measure(Path(temp) / "site", query)
    label = f"synthetic {n}" if n else "sample"
    print(f"{label}: build with search {built:.1f} s; first query '{query}': {figures['requests']} requests, "
          f"{figures['total_bytes'] / 1024:.0f} KiB in all, of which Pagefind {figures['pagefind_bytes'] / 1024:.0f} KiB; "
          f"{figures['results_shown']} results")


if __name__ == "__main__":
    main()
