"""Taxonomies are data: one declaration gives a taxonomy its pages, navigation entry, search filter and map
filter, with no other code change (generator/taxonomies.py)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import make_site

from generator.build import BuildOptions, build_site, load_sites
from generator.taxonomies import DEFAULT_TAXONOMIES, Taxonomy, navigation

# A taxonomy the generator does not have: a practice's status (ongoing, completed, discontinued).
STATUSES = Taxonomy(
    "statuses",
    "Statuses",
    "Practices by status",
    lambda record, source: (record.status.value,) if getattr(record, "status", None) else (),
    nav_position=75,
    label=lambda key, source: key.capitalize(),
    lead="Whether a practice is still running.",
    search_filter="status",
    search_label="Status",
    map_filter=True,
    map_heading="By status",
    map_kind_label="Status",
    feeds=True,
    export_column="status",
)


def _with_status(root: Path) -> None:
    study = root / "content/case-studies/hangzhou-bikes.md"
    study.write_text(study.read_text(encoding="utf-8").replace("cynefin:", "status: ongoing\ncynefin:", 1))


def test_a_declared_taxonomy_gets_its_pages_nav_entry_search_and_map_filters(site_root):
    _with_status(site_root)
    build_site(BuildOptions(Path("content"), Path("out"), index=False, taxonomies=(*DEFAULT_TAXONOMIES, STATUSES)))
    out = site_root / "out"
    index = (out / "statuses/index.html").read_text(encoding="utf-8")
    assert "<h1>Practices by status</h1>" in index
    assert '<p class="lead">Whether a practice is still running.</p>' in index
    assert '<a href="../statuses/ongoing/">Ongoing</a>' in index
    term = (out / "statuses/ongoing/index.html").read_text(encoding="utf-8")
    assert "<h1>Ongoing</h1>" in term
    assert "Hangzhou public bicycles" in term
    assert '<a href="../../statuses/ongoing/feed.xml">' in term and (out / "statuses/ongoing/feed.xml").is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    nav = home[
        home.index('<nav class="wrap main-nav"') : home.index("</nav>", home.index('<nav class="wrap main-nav"'))
    ]
    entries = [line.split('href="')[1].split('"')[0] for line in nav.splitlines() if 'href="' in line]
    assert entries.index("./statuses/") == entries.index("./countries/") + 1  # nav_position 75: after countries (70)
    page = (out / "case-studies/hangzhou-bikes/index.html").read_text(encoding="utf-8")
    assert '<span data-pagefind-filter="status">Ongoing</span>' in page
    search = (out / "search/index.html").read_text(encoding="utf-8")
    assert '"status": "Status"' in search  # the search page's filter names (data-filter-labels)
    map_page = (out / "map/statuses/ongoing/index.html").read_text(encoding="utf-8")
    assert "Map: Ongoing" in map_page
    assert "<h3>By status</h3>" in (out / "map/index.html").read_text(encoding="utf-8")


def test_the_offline_search_offers_a_declared_taxonomy_as_a_facet(site_root):
    _with_status(site_root)
    build_site(BuildOptions(Path("content"), Path("out"), offline=True, taxonomies=(*DEFAULT_TAXONOMIES, STATUSES)))
    script = (site_root / "out/search/offline-index.js").read_text(encoding="utf-8")
    data = json.loads(script.removeprefix("window.PRACTICE_SEARCH = ").removesuffix(";\n"))
    assert data["facets"] == ["topic", "cynefin", "country", "city", "status"]
    bikes = next(d for d in data["documents"] if d["id"] == "case-studies/hangzhou-bikes/")
    assert bikes["filters"]["status"] == ["Ongoing"]


def test_a_free_page_cannot_take_a_declared_taxonomys_folder(site_root):
    make_site(site_root, "-- content/pages/statuses.md --\n---\ntitle: Statuses\n---\nText.\n")
    _, without = load_sites(Path("content"))
    assert not [p for p in without if p.is_error]
    _, problems = load_sites(Path("content"), taxonomies=(*DEFAULT_TAXONOMIES, STATUSES))
    assert [str(p) for p in problems if p.is_error] == [
        "content/pages/statuses.md:1: slug: 'statuses' is a section of the site; rename the page"
    ]


def test_the_default_navigation_keeps_its_order():
    assert [e["url"] for e in navigation(DEFAULT_TAXONOMIES)] == [
        "case-studies/",
        "events/",
        "methods/",
        "topics/",
        "cynefin/",
        "cities/",
        "countries/",
        "map/",
        "network/",
        "sdgs/",
    ]


def test_a_changed_declaration_changes_the_builds_fingerprint():
    other = Taxonomy("statuses", "Statuses", "Practices by status", lambda record, source: (), nav_position=75)
    assert STATUSES.fingerprint != other.fingerprint
    assert STATUSES.fingerprint == STATUSES.fingerprint
