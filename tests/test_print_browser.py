"""The case-study poster in a real browser (Debian's Chromium): print.css is linked with media="print", so it
must still turn every case study into one A4 page, and must not touch the page on screen."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

CASE_STUDIES = sorted(p.stem for p in (REPO / "content/case-studies").glob("*.md") if p.stem.count(".") == 0)
TREES = ("", "fr/", "es/", "pt/")  # every language tree: translations and interface strings change the length

# Needs Chromium: `pytest -m "not browser"` leaves these out (Windows and macOS in CI).
pytestmark = pytest.mark.browser


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.xfail(
    strict=True,
    reason="the corrected and translated library's longer records (why-domain paragraphs, sources, editors' notes) "
    "overflow the A4 poster layout in several languages; a new print layout is open work (issue 17)",
)
def test_every_case_study_prints_on_one_a4_page(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    pages = {}
    for tree in TREES:
        for slug in CASE_STUDIES:
            page.goto(f"{site_url}{tree}case-studies/{slug}/")
            pages[tree + slug] = _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    context.close()
    assert pages == {tree + slug: 1 for tree in TREES for slug in CASE_STUDIES}


def test_the_print_sheet_applies_only_to_print(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}case-studies/{CASE_STUDIES[0]}/")
    nav = page.locator("nav.main-nav")
    assert nav.evaluate("e => getComputedStyle(e).display") != "none"
    page.emulate_media(media="print")
    assert nav.evaluate("e => getComputedStyle(e).display") == "none"
    context.close()
