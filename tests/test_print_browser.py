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


# In print: every element (or ::before/::after) that shows text in type smaller than 7.5 pt (10 CSS px).
SMALL_TYPE = """() => {
  const small = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.getClientRects().length) continue;
    const text = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      if (pseudo ? ["none", "normal", '""'].includes(style.content) : !text) continue;
      if (parseFloat(style.fontSize) < 9.99) small.push(`${el.localName}.${el.className}${pseudo || ""}`);
    }
  }
  return small;
}"""

# In print: what the poster shows of the record (title, summary, facts, each body section, each source).
POSTER = """() => {
  const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const parts = [...document.querySelectorAll(
    ".case-study h1, .case-study .lead, .case-study .facts, .poster .body-section > h2, .case-study .sources li")];
  return {
    sections: document.querySelectorAll(".poster .body-section").length,
    sources: document.querySelectorAll(".case-study .sources li").length,
    hidden: parts.filter(el => !shown(el)).map(el => el.textContent.trim().slice(0, 40)),
  };
}"""


@pytest.fixture(scope="module")
def printed(browser, site_url) -> dict[str, dict]:
    """Each case study of each language tree, printed to A4 in Chromium: its number of pages, the text set
    in type under 7.5 pt, and what of the poster the print leaves out."""
    context = browser.new_context()
    page = context.new_page()
    results = {}
    for tree in TREES:
        for slug in CASE_STUDIES:
            page.goto(f"{site_url}{tree}case-studies/{slug}/")
            pages = _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
            page.emulate_media(media="print")
            results[tree + slug] = {"pages": pages, "small": page.evaluate(SMALL_TYPE), **page.evaluate(POSTER)}
            page.emulate_media(media=None)  # page.pdf() prints with the emulated media: back to the default
    context.close()
    return results


def test_every_case_study_prints_on_one_a4_page(printed):
    assert {name: p["pages"] for name, p in printed.items()} == {
        tree + slug: 1 for tree in TREES for slug in CASE_STUDIES
    }


def test_the_poster_is_legible_no_type_under_7_5_pt(printed):
    assert {name: p["small"] for name, p in printed.items() if p["small"]} == {}


def test_the_poster_shows_all_six_sections_and_every_source(printed):
    assert {name: p["hidden"] for name, p in printed.items() if p["hidden"]} == {}
    assert {p["sections"] for p in printed.values()} == {6}
    assert all(p["sources"] >= 1 for p in printed.values())


def test_the_print_sheet_applies_only_to_print(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}case-studies/{CASE_STUDIES[0]}/")
    nav = page.locator("nav.main-nav")
    assert nav.evaluate("e => getComputedStyle(e).display") != "none"
    page.emulate_media(media="print")
    assert nav.evaluate("e => getComputedStyle(e).display") == "none"
    context.close()
