"""Taxonomies are data: one declaration gives a taxonomy its pages, navigation entry, search filter and map
filter, with no other code change (generator/taxonomies.py)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import make_site
from frictionless import validate

from generator.build import BuildOptions, build_site, load_sites
from generator.exports import EXPORT_FIELDS, render_data_exports
from generator.taxonomies import DEFAULT_TAXONOMIES, ExportFormat, Taxonomy, navigation

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
    export_column="statuses",
    export=ExportFormat(
        "status", label_field="status_label", description="status slug", table_description="Status of each practice."
    ),
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


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _valid(descriptor: Path) -> None:
    report = validate(descriptor)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_declared_taxonomy_is_an_export_column_and_a_long_table(site_root):
    _with_status(site_root)
    build_site(BuildOptions(Path("content"), Path("out"), search=False, taxonomies=(*DEFAULT_TAXONOMIES, STATUSES)))
    data = site_root / "out/data"
    assert _rows(data / "statuses.csv") == [{"slug": "hangzhou-bikes", "status": "ongoing", "status_label": "Ongoing"}]
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names[:4] == ["practices", "topics", "sdgs", "statuses"]  # the declared lists, then the other fields
    table = package["resources"][3]
    assert (table["path"], table["description"]) == ("statuses.csv", "Status of each practice.")
    assert table["schema"]["fields"] == [
        {
            "name": "slug",
            "type": "string",
            "description": "the practice (practices.csv)",
            "constraints": {"required": True},
        },
        {"name": "status", "type": "string", "description": "status slug"},
        {"name": "status_label", "type": "string"},
    ]
    assert table["schema"]["primaryKey"] == ["slug", "status"]
    assert table["schema"]["foreignKeys"] == [
        {"fields": "slug", "reference": {"resource": "practices", "fields": "slug"}}
    ]
    _valid(data / "datapackage.json")
    export = json.loads((data / "practices.json").read_text(encoding="utf-8"))
    records = {r["slug"]: r for r in export["records"]}
    assert list(records["hangzhou-bikes"])[-1] == "statuses"  # after schema 2's columns
    assert records["hangzhou-bikes"]["statuses"] == ["ongoing"]
    assert all(r["statuses"] == [] for slug, r in records.items() if slug != "hangzhou-bikes")
    schema = json.loads((data / "practices.schema-2.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["event"]["properties"]["statuses"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": "taxonomy statuses",
    }
    jsonschema.validate(export, schema, cls=jsonschema.Draft202012Validator)


def test_a_taxonomy_with_one_term_a_practice_is_a_column_of_practices_csv(site_root):
    _with_status(site_root)
    single = dataclasses.replace(
        STATUSES,
        export_column="state",
        export=ExportFormat(single=True, label_field="state_label", description="status slug"),
        case_studies_only=True,
    )
    build_site(BuildOptions(Path("content"), Path("out"), search=False, taxonomies=(*DEFAULT_TAXONOMIES, single)))
    data = site_root / "out/data"
    practices = {r["slug"]: r for r in _rows(data / "practices.csv")}
    assert list(practices["hangzhou-bikes"])[-3:] == ["draft", "state", "state_label"]
    assert (practices["hangzhou-bikes"]["state"], practices["hangzhou-bikes"]["state_label"]) == ("ongoing", "Ongoing")
    assert {(r["type"], r["state"]) for slug, r in practices.items() if slug != "hangzhou-bikes"} <= {
        ("case-study", ""),
        ("event", ""),
    }
    assert not (data / "state.csv").exists()
    _valid(data / "datapackage.json")
    export = json.loads((data / "practices.json").read_text(encoding="utf-8"))
    records = {r["slug"]: r for r in export["records"]}
    assert records["hangzhou-bikes"]["state"] == "ongoing"
    assert all("state" not in r for r in records.values() if r["type"] == "event")  # case studies only
    schema = json.loads((data / "practices.schema-2.json").read_text(encoding="utf-8"))
    assert "state" in schema["$defs"]["case-study"]["properties"]
    assert "state" not in schema["$defs"]["event"]["properties"]
    jsonschema.validate(export, schema, cls=jsonschema.Draft202012Validator)


def test_without_a_declaration_its_export_column_is_gone(site_root):
    (_,) = [t for t in DEFAULT_TAXONOMIES if t.key == "sdgs"]
    sites, _ = load_sites(Path("content"))
    declarations = tuple(t for t in DEFAULT_TAXONOMIES if t.key != "sdgs")
    files = {f.path: f.data for f in render_data_exports(sites, declarations)}
    assert "data/sdgs.csv" not in files and "data/topics.csv" in files
    export = json.loads(files["data/practices.json"])
    assert not any("sdgs" in r for r in export["records"]) and all("topics" in r for r in export["records"])


_CLASHES = {
    ("status", None, False): "its export column 'status' is already a field of data/practices.json",
    ("methods", None, False): "its export column 'methods' is already a field of data/practices.json",
    ("topics", None, False): "its export column 'topics' is already the export column of taxonomy 'topics'",
    ("event_practices", None, False): "its export column 'event_practices' is already a table of data/",
    ("state", "published", True): "its export column 'published' is already a column of practices.csv",
    ("state", "country_name", True): "its export column 'country_name' is already the export column of taxonomy "
    "'countries'",
}


@pytest.mark.parametrize(("column", "field", "single"), list(_CLASHES))
def test_an_export_column_may_not_take_a_name_the_exports_use(site_root, column, field, single):
    sites, _ = load_sites(Path("content"))
    clash = dataclasses.replace(STATUSES, export_column=column, export=ExportFormat(field, single=single))
    with pytest.raises(ValueError) as raised:
        render_data_exports(sites, (*DEFAULT_TAXONOMIES, clash))
    assert str(raised.value) == "taxonomy 'statuses': " + _CLASHES[(column, field, single)]


def test_schema_2_names_every_column_of_the_default_declarations():
    columns = {t.export_column for t in DEFAULT_TAXONOMIES}
    assert columns == {"topics", "cynefin", "country", "city", "sdgs"}
    assert columns <= set(EXPORT_FIELDS)


def test_the_default_declarations_fingerprint_is_the_same_in_every_process():
    """A build's record of its inputs compares fingerprints across runs: no memory address may leak into them
    (the lambdas of TOPICS hold a generator, whose code object's repr names its address)."""
    script = "from generator.taxonomies import DEFAULT_TAXONOMIES as D; print([t.fingerprint for t in D])"
    runs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout for _ in "ab"
    }
    assert len(runs) == 1
    assert runs == {str([t.fingerprint for t in DEFAULT_TAXONOMIES]) + "\n"}


def test_a_fingerprint_does_not_depend_on_the_hash_seed():
    """``key in {"a", "b"}`` compiles to a frozenset, whose order follows the process's hash seed."""
    script = (
        "from generator.taxonomies import Taxonomy\n"
        "t = Taxonomy('x', 'X', 'X', lambda r, s: [k for k in ('a', 'b') if k in {'alpha', 'beta', 'gamma'}], 1)\n"
        "print(t.fingerprint)"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1
