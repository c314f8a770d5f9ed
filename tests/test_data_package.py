"""The data exports as analysts and their tools read them: the Frictionless Data Package (validated with the
frictionless library, loaded with pandas) and data/practices.json against the JSON Schema it names."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import sys
import time
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from conftest import REPO, make_site
from frictionless import validate

from generator.build import BuildOptions, build_site, load_sites
from generator.data_tables import FormattedRecords
from generator.datapackage import _day_and_month
from generator.exports import render_data_exports
from generator.model import YearOrDate
from generator.taxonomies import DEFAULT_TAXONOMIES

BASE = "https://example.org/repo/"


@pytest.fixture(scope="module")
def sample_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("data") / "site"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=out, search=False, base_url=BASE),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return out / "data"


def _valid(descriptor: Path) -> None:
    report = validate(descriptor)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def _load(data: Path) -> dict[str, pd.DataFrame]:
    """Every table of the package, with the dtypes its Table Schema gives (the way the README shows it)."""
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    dtypes = {"integer": "Int64", "number": "float64", "boolean": "boolean"}
    tables = {}
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        tables[resource["name"]] = pd.read_csv(
            data / resource["path"],
            encoding=resource["encoding"],
            dtype={f["name"]: dtypes.get(f["type"], "string") for f in fields if f["type"] != "date"},
            parse_dates=[f["name"] for f in fields if f["type"] == "date"],
            keep_default_na=False,
            na_values=[""],
        )
    return tables


def test_sample_package_is_valid_frictionless(sample_data):
    _valid(sample_data / "datapackage.json")


def test_package_names_its_licence_sources_and_keys(sample_data):
    package = json.loads((sample_data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://spdx.org/licenses/CC-BY-4.0.html"}]
    assert package["homepage"] == BASE
    names = [r["name"] for r in package["resources"]]
    assert names[0] == "practices"
    assert {"topics", "sdgs", "methods", "sources", "partners", "related", "learned_from"} <= set(names)
    assert {"participants", "event_practices", "translations", "organizers"} <= set(names)
    for resource in package["resources"][1:]:
        assert {"fields": "slug", "reference": {"resource": "practices", "fields": "slug"}} in resource["schema"][
            "foreignKeys"
        ]
        assert (sample_data / resource["path"]).read_bytes()[:3] != b"\xef\xbb\xbf"
    assert (sample_data / "practices.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # for spreadsheet programs


def test_pandas_loads_every_table_with_typed_columns(sample_data):
    tables = _load(sample_data)
    practices = tables["practices"]
    assert str(practices["start_year"].dtype) == "Int64"  # not float64 (1974.0)
    assert str(practices["latitude"].dtype) == "float64"
    assert str(practices["published"].dtype).startswith("datetime64")
    assert str(practices["draft"].dtype) == "boolean"
    assert str(tables["sdgs"]["sdg"].dtype) == "Int64"
    assert practices["slug"].is_unique
    studies = practices[practices["type"] == "case-study"]
    events = practices[practices["type"] == "event"]
    assert studies["start_year"].notna().any() and studies["date"].isna().all()
    # the sample's sources date its events to the month only: the month column always, the date never invented
    assert events["date_month"].notna().all() and events["start_year"].isna().all()
    assert all(url.startswith(BASE) for url in practices["url"])
    assert set(studies["cynefin_label"].dropna()) <= {"Clear", "Complicated", "Complex", "Chaotic", "Confused"}
    # every long table points at practices that exist
    for name, table in tables.items():
        if name != "practices":
            assert set(table["slug"]) <= set(practices["slug"]), name
    assert set(tables["learned_from"]["learned_from"]) <= set(practices["slug"])
    topics = tables["topics"]
    assert topics["topic_label"].notna().all() and (topics["topic"] != topics["topic_label"]).any()
    assert tables["sources"]["url"].str.startswith("http").all()


def test_json_export_validates_against_the_schema_it_names(sample_data):
    export = json.loads((sample_data / "practices.json").read_text(encoding="utf-8"))
    assert export["$schema"] == BASE + "data/practices.schema-2.json"
    assert export["schema"] == 2
    schema = json.loads((sample_data / "practices.schema-2.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(export, schema, cls=jsonschema.Draft202012Validator)
    assert {r["type"] for r in export["records"]} == {"case-study", "event"}
    assert all(r["url"].startswith(BASE) for r in export["records"])


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("records", 0, "sdgs"), [18]),
        (("records", 0, "country"), "Colombia"),
        (("records", 0, "published"), "2024"),
        (("records", 0, "coordinates"), [91, 0]),
        (("records", 0, "cynefin"), "complexx"),
        (("records", 0, "sources"), [{"title": "x", "url": "javascript:alert(1)"}]),
        (("records", 0, "topic"), ["mobility"]),
        (("records", 0, "slug"), "../../etc"),
        (("schema",), 1),
    ],
)
def test_schema_rejects_a_record_that_breaks_it(sample_data, path, value):
    export = json.loads((sample_data / "practices.json").read_text(encoding="utf-8"))
    schema = json.loads((sample_data / "practices.schema-2.json").read_text(encoding="utf-8"))
    export["records"].sort(key=lambda r: r["type"])  # a case study first
    broken = copy.deepcopy(export)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


TINY = """
-- content/site.yml --
title: Test Library
description: No base_url, so URLs stay relative.
license: CC-BY-4.0
-- content/case-studies/hangzhou-bikes.md --
---
title: "=HYPERLINK(1)"
summary: A city-run bicycle system.
published: 2026-10-01
city: Hangzhou
country: CN
topics: [mobility, public-space]
cynefin: simple
start: 1974
end: 2020-06-30
sdgs: [11, 3]
partners: ["Bikes; Inc.", "Ring, \\"quoted\\""]
coordinates: [30.25, 120.17]
sources:
  - {title: "A; B", url: "https://example.org/a?x=1;y=2"}
contact: {organisation: Hangzhou public bicycle office}
---
Text.
-- content/events/forum.md --
---
title: Forum
summary: A forum.
date: 2025-05-12
city: Bogotá
country: Colombia
method: world-cafe
topics: [mobility]
participants: [Hangzhou, "Maputo, MZ"]
practices: [hangzhou-bikes]
---
Text.
"""


def test_lists_live_in_long_tables_and_cells_need_no_separator(site_root):
    make_site(site_root, TINY)
    out = site_root / "out"
    build_site(BuildOptions(content_dir=Path("content"), out_dir=out, search=False))
    _valid(out / "data/datapackage.json")
    rows = lambda name: list(csv.DictReader(io.StringIO((out / f"data/{name}.csv").read_text("utf-8-sig"))))  # noqa: E731
    study, event = sorted(rows("practices"), key=lambda r: r["type"])
    assert study["title"] == "'=HYPERLINK(1)"  # a formula-like cell stays text in spreadsheets
    assert (study["start_year"], study["start_date"], study["end_year"], study["end_date"]) == (
        "1974",
        "",
        "2020",
        "2020-06-30",
    )
    assert (study["latitude"], study["longitude"], study["cynefin"], study["cynefin_label"]) == (
        "30.25",
        "120.17",
        "clear",
        "Clear",
    )
    assert (study["country"], study["country_name"], study["url"]) == ("CN", "China", "case-studies/hangzhou-bikes/")
    assert (event["date"], event["date_month"], event["country_name"], event["method_title"]) == (
        "2025-05-12",
        "2025-05",
        "Colombia",
        "World café",
    )
    assert rows("partners") == [
        {"slug": "hangzhou-bikes", "position": "1", "partner": "Bikes; Inc."},
        {"slug": "hangzhou-bikes", "position": "2", "partner": 'Ring, "quoted"'},
    ]
    assert rows("sources") == [
        {"slug": "hangzhou-bikes", "position": "1", "title": "A; B", "url": "https://example.org/a?x=1;y=2"}
    ]
    assert rows("topics") == [
        {"slug": "hangzhou-bikes", "topic": "mobility", "topic_label": "Mobility"},
        {"slug": "hangzhou-bikes", "topic": "public-space", "topic_label": "Public space"},
        {"slug": "forum", "topic": "mobility", "topic_label": "Mobility"},
    ]
    assert [r["sdg"] for r in rows("sdgs")] == ["11", "3"]
    assert rows("participants") == [
        {
            "slug": "forum",
            "position": "1",
            "participant": "Hangzhou",
            "participant_country": "",
            "city_url": "cities/cn/hangzhou/",
        },
        {"slug": "forum", "position": "2", "participant": "Maputo", "participant_country": "MZ", "city_url": ""},
    ]
    assert rows("event_practices") == [{"slug": "forum", "practice": "hangzhou-bikes"}]


def test_exports_are_reproducible_bytes(site_root):
    make_site(site_root, TINY)
    sites, _ = load_sites(Path("content"))
    first = render_data_exports(sites, DEFAULT_TAXONOMIES)
    sites, _ = load_sites(Path("content"))
    assert [(f.path, f.data) for f in first] == [
        (f.path, f.data) for f in render_data_exports(sites, DEFAULT_TAXONOMIES)
    ]


def test_kept_lines_give_the_bytes_of_a_clean_export(site_root):
    """practice serve keeps each practice's formatted lines (FormattedRecords): after an edit, the exports made
    with them are those made without, and only the edited practice is formatted again."""
    make_site(site_root, TINY)
    memory = FormattedRecords()
    sites, _ = load_sites(Path("content"))
    render_data_exports(sites, DEFAULT_TAXONOMIES, memory=memory)
    memory.forget_unused()
    study = Path("content/case-studies/hangzhou-bikes.md")
    study.write_text(study.read_text(encoding="utf-8").replace("=HYPERLINK(1)", "Public bicycles"), encoding="utf-8")
    sites, _ = load_sites(Path("content"))
    made: list[object] = []
    original_get = memory.get

    def counting_get(key, inputs, make):
        return original_get(key, inputs, lambda: made.append(key) or make())

    memory.get = counting_get  # type: ignore[method-assign]
    kept = render_data_exports(sites, DEFAULT_TAXONOMIES, memory=memory)
    assert [(f.path, f.data) for f in kept] == [
        (f.path, f.data) for f in render_data_exports(sites, DEFAULT_TAXONOMIES)
    ]
    assert b"Public bicycles" in next(f.data for f in kept if f.path == "data/practices.csv")
    assert sorted(made) == [("csv", "case-study", "hangzhou-bikes"), ("json", "case-study", "hangzhou-bikes")]


def test_a_month_only_date_keeps_its_precision():
    """Event dates may give only the month: the date column stays empty, the yearmonth column has it."""
    assert _day_and_month(YearOrDate(2024, 5)) == (None, "2024-05")
    assert _day_and_month(YearOrDate(2024, 5, 7)) == ("2024-05-07", "2024-05")
    assert _day_and_month(dt.date(2024, 5, 7)) == ("2024-05-07", "2024-05")
    assert _day_and_month(YearOrDate(2024)) == (None, None)


def test_synthetic_thousand_practice_site_validates(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from corpus import write_corpus
    finally:
        sys.path.remove(str(REPO / "bench"))
    started = time.monotonic()
    write_corpus(1000, tmp_path)
    sites, problems = load_sites(tmp_path / "content")
    assert sites is not None, [str(p) for p in problems if p.is_error]
    data = tmp_path / "data"
    for file in render_data_exports(sites, DEFAULT_TAXONOMIES):
        (tmp_path / file.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file.path).write_bytes(file.data)
    _valid(data / "datapackage.json")
    export = json.loads((data / "practices.json").read_text(encoding="utf-8"))
    assert len(export["records"]) == 1000
    schema = json.loads((data / "practices.schema-2.json").read_text(encoding="utf-8"))
    jsonschema.validate(export, schema, cls=jsonschema.Draft202012Validator)
    tables = _load(data)
    assert len(tables["practices"]) == 1000 and str(tables["practices"]["start_year"].dtype) == "Int64"
    assert time.monotonic() - started < 60
