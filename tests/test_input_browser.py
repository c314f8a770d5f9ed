"""The offline search counts facets in maps without a prototype: a city named like an Object property counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SITE, make_site
from playwright.sync_api import expect

from generator.build import BuildOptions, build_site

_CASE = """
-- content/case-studies/{slug}.md --
---
title: Practice in {city}
summary: A practice.
published: 2026-01-0{n}
city: "{city}"
country: MZ
topics: [mobility]
cynefin: clear
---
Text.
"""


pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("facets"), SITE)
    for n, (slug, city) in enumerate([("a", "constructor"), ("b", "__proto__"), ("c", "__proto__")], 1):
        make_site(root, _CASE.format(slug=slug, city=city, n=n))
    out = root / "mirror"
    build_site(
        BuildOptions(content_dir=root / "content", out_dir=out, offline=True),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return out


def test_cities_named_like_object_properties_are_counted(page, offline_site):
    page.goto((offline_site / "search/index.html").as_uri())
    expect(page.get_by_role("checkbox", name=re.compile(r"^constructor \(1\)$"))).to_have_count(1)
    expect(page.get_by_role("checkbox", name=re.compile(r"^__proto__ \(2\)$"))).to_have_count(1)
    page.get_by_role("checkbox", name=re.compile(r"^__proto__ \(2\)$")).check()
    expect(page.locator("#offline-results .card-title a")).to_have_count(2)
