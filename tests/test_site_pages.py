"""Pages the assembled site must have: pagination, cities kept apart by country, participants linked, serve."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from conftest import make_site

from generator.build import BuildOptions, build_site

STUDY = """---
title: Practice {n:03d}
summary: Practice number {n}.
published: 2026-01-{day:02d}
city: {city}
country: {country}
topics: [mobility]
cynefin: clear
---
## Starting point
"""


def test_long_lists_continue_on_numbered_pages(site_root):
    for n in range(205):
        (site_root / f"content/case-studies/p{n:03d}.md").write_text(
            STUDY.format(n=n, day=1 + n % 28, city="Hangzhou", country="CN")
        )
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False, jobs=2))
    first = (site_root / "out/case-studies/index.html").read_text()
    assert first.count('class="card card-case-study"') == 100
    assert '<a rel="next" href="../case-studies/page/2/">' in first
    third = (site_root / "out/case-studies/page/3/index.html").read_text()
    assert third.count('class="card card-case-study"') == 6  # 206 with the fixture's own
    assert '<a rel="prev" href="../../../case-studies/page/2/">' in third
    assert not (site_root / "out/case-studies/page/4").exists()
    assert (site_root / "out/topics/mobility/page/3/index.html").exists()


def test_cities_of_the_same_name_stay_apart(site_root):
    for n, country in ((1, "AR"), (2, "ES")):
        (site_root / f"content/case-studies/cordoba-{country.lower()}.md").write_text(
            STUDY.format(n=n, day=n, city="Córdoba", country=country)
        )
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    assert "Practice 001" in (site_root / "out/cities/ar/cordoba/index.html").read_text()
    assert "Practice 001" not in (site_root / "out/cities/es/cordoba/index.html").read_text()
    assert "Argentina" in (site_root / "out/cities/ar/cordoba/index.html").read_text()


def test_participants_link_to_the_one_matching_city(site_root):
    make_site(
        site_root,
        """
-- content/events/forum.md --
---
title: Forum
summary: S
date: 2016-10-12
city: Bogotá
country: CO
method: world-cafe
topics: [mobility]
participants: [Hangzhou, "Hangzhou, CN", Maputo]
---
""",
    )
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    page = (site_root / "out/events/forum/index.html").read_text()
    assert page.count('<a href="../../cities/cn/hangzhou/"><bdi>Hangzhou') == 2
    assert "<li><bdi>Maputo</bdi></li>" in page
    assert "Forum" in (site_root / "out/methods/world-cafe/index.html").read_text()


def test_serve_rebuilds_and_tells_the_page_to_reload(site_root):
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--no-search", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=site_root,
    )
    try:
        port = None
        deadline = time.monotonic() + 30
        while port is None and time.monotonic() < deadline:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stderr.readline())
            port = found and found.group(1)
        assert port, "serve did not start"
        base = f"http://127.0.0.1:{port}"
        page = urllib.request.urlopen(f"{base}/case-studies/hangzhou-bikes/").read().decode()
        assert '<script src="/__practice/reload.js"></script>' in page
        version = urllib.request.urlopen(f"{base}/__practice/version").read()
        path = site_root / "content/case-studies/hangzhou-bikes.md"
        path.write_text(path.read_text().replace("title: Hangzhou public bicycles", "title: Hangzhou public bikes"))
        while time.monotonic() < deadline and urllib.request.urlopen(f"{base}/__practice/version").read() == version:
            time.sleep(0.2)
        assert "Hangzhou public bikes" in urllib.request.urlopen(f"{base}/case-studies/hangzhou-bikes/").read().decode()
        assert not (site_root / "_site").exists()  # serve never touches --out
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_practice_in_another_language_is_marked_and_found_by_the_sites_search(site_root):
    """A one-language site: a Portuguese practice's text carries lang="pt" where it sits, and the page stays
    in the site's language, so the site's one search index (English) finds it."""
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(
        path.read_text().replace("cynefin: complicated", "cynefin: complicated\nlang: pt")
        + "\nAs bicicletas públicas da cidade.\n"
    )
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=True))
    page = (site_root / "out/case-studies/hangzhou-bikes/index.html").read_text()
    assert '<html lang="en" dir="ltr">' in page
    assert '<h1 data-pagefind-meta="title" lang="pt" dir="ltr">' in page
    assert '<div class="prose poster" lang="pt" dir="ltr">' in page
    assert (
        "This text has not been translated into English yet; it is shown in its original language, Portuguese." in page
    )
    languages = json.loads((site_root / "out/pagefind/pagefind-entry.json").read_text())["languages"]
    assert list(languages) == ["en"]


def test_serve_answers_a_waiting_page_as_soon_as_the_rebuild_is_done_and_refreshes_search_after(site_root):
    """Pages wait on /__practice/version?seen=N (a long poll) and hear of a rebuild at once; the search
    index is served from its own folder and refreshed in the background after the pages."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0"], stderr=subprocess.PIPE, text=True, cwd=site_root
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        port = None
        while port is None and time.monotonic() < deadline:
            found = next(
                (re.search(r"http://127\.0\.0\.1:(\d+)/", line) for line in lines if "Serving on" in line), None
            )
            port = found and found.group(1)
            time.sleep(0.05)
        assert port, f"serve did not start: {lines}"
        base = f"http://127.0.0.1:{port}"
        assert urllib.request.urlopen(f"{base}/pagefind/pagefind-ui.js").status == 200
        entry = json.loads(urllib.request.urlopen(f"{base}/pagefind/pagefind-entry.json").read())
        assert list(entry["languages"]) == ["en"]
        version = urllib.request.urlopen(f"{base}/__practice/version").read().decode()
        answer: dict = {}

        def wait() -> None:
            started = time.monotonic()
            answer["version"] = (
                urllib.request.urlopen(f"{base}/__practice/version?seen={version}", timeout=40).read().decode()
            )
            answer["at"] = time.monotonic()
            answer["waited"] = answer["at"] - started

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(0.5)
        assert "version" not in answer  # the poll is held open while nothing changes
        path = site_root / "content/case-studies/hangzhou-bikes.md"
        path.write_text(path.read_text().replace("title: Hangzhou public bicycles", "title: Hangzhou public bikes"))
        waiter.join(timeout=40)
        assert answer["version"] != version
        assert "Hangzhou public bikes" in urllib.request.urlopen(f"{base}/case-studies/hangzhou-bikes/").read().decode()
        while time.monotonic() < deadline and sum("Search index refreshed." in line for line in lines) < 2:
            time.sleep(0.1)
        assert sum("Search index refreshed." in line for line in lines) == 2  # at start, and after the edit
        assert urllib.request.urlopen(f"{base}/pagefind/pagefind-ui.js").status == 200
        assert urllib.request.urlopen(f"{base}/search/").status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
