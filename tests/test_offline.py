"""The offline copy: opened from file:// with no server, it browses and searches fully."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO
from playwright.sync_api import expect

from generator.build import BuildOptions, build_site


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("offline") / "mirror"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=out, offline=True),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return out


def test_every_internal_link_names_a_file(offline_site):
    folder_links = []
    for html in offline_site.rglob("*.html"):
        if html.name == "404.html":
            continue
        for link in re.findall(r'(?:href|src)="([^"#?]*)', html.read_text(encoding="utf-8")):
            if (
                link
                and not link.startswith(("http:", "https:", "mailto:"))
                and (link.endswith("/") or not Path(link).suffix)
            ):
                folder_links.append(f"{html.relative_to(offline_site)}: {link}")
    assert folder_links == []


def test_browse_from_disk_home_topic_practice_domain(page, offline_site):
    page.goto((offline_site / "index.html").as_uri())
    page.get_by_role("link", name="Mobility").first.click()
    expect(page).to_have_url(re.compile(r"/topics/mobility/index\.html$"))
    page.get_by_role("link", name=re.compile("Hangzhou")).first.click()
    expect(page).to_have_url(re.compile(r"/case-studies/hangzhou-public-bicycles/index\.html$"))
    page.locator(".facts a.badge").click()
    expect(page).to_have_url(re.compile(r"/cynefin/complicated/index\.html$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Complicated")


def test_a_case_study_shows_its_locator_map_and_dark_colours_from_disk(browser, offline_site):
    """The locator map is an image file (map/locators/), the dark scheme's colours a sheet with a media
    query (dark.css): both load from file:// under the pages' Content-Security-Policy."""
    for scheme, background in (("light", "rgb(255, 255, 255)"), ("dark", "rgb(18, 23, 29)")):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console", lambda message, errors=errors: errors.append(message.text) if message.type == "error" else None
        )
        page.goto((offline_site / "fr/case-studies/porto-alegre-participatory-budgeting/index.html").as_uri())
        image = page.get_by_role("img", name="Carte de situation : Porto Alegre, Brésil")
        expect(image).to_be_visible()
        assert image.evaluate("i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
        assert errors == []  # nothing refused by the Content-Security-Policy, nothing missing
        context.close()


def test_search_from_disk_with_prefix_and_filter(page, offline_site):
    page.goto((offline_site / "index.html").as_uri())
    page.get_by_role("searchbox", name="Search practices").fill("particip")
    page.get_by_role("searchbox", name="Search practices").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/index\.html\?q=particip$"))
    results = page.locator("#offline-results .card-title a")
    expect(results.first).to_be_visible()
    before = results.count()
    page.get_by_role("checkbox", name=re.compile(r"^Mozambique \(\d+\)$")).check()
    expect(results).not_to_have_count(before)
    assert 0 < results.count() < before
    for i in range(results.count()):
        assert results.nth(i).get_attribute("href").endswith("/index.html")
    page.get_by_role("checkbox", name=re.compile(r"^Complex \(\d+\)$")).check()
    results.first.click()
    expect(page).to_have_url(re.compile(r"/case-studies/matola-participatory-budgeting/index\.html$"))


def test_offline_build_is_reproducible(tmp_path, offline_site):
    again = tmp_path / "again"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=again, offline=True),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(again) == files(offline_site)
