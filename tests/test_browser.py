"""A real browser (Debian's Chromium driven by Playwright) clicking through the built sample site."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

# Needs Chromium: `pytest -m "not browser"` leaves these out (Windows and macOS in CI).
pytestmark = pytest.mark.browser


def test_header_search_runs_the_query_and_finds_the_practice(page, site_url):
    page.goto(site_url)
    page.get_by_role("searchbox", name="Search practices").fill("bicycles")
    page.get_by_role("searchbox", name="Search practices").press("Enter")
    expect(page).to_have_url(f"{site_url}search/?q=bicycles")
    results = page.locator(TOP_RESULTS)
    expect(results.filter(has_text="Hangzhou")).to_have_count(1, timeout=10000)
    expect(results.filter(has_text="Taiyuan")).to_have_count(1)


TOP_RESULTS = "li.pagefind-ui__result > div > p.pagefind-ui__result-title > a"  # not the sub-results


def _result_count(page) -> int:
    """Pagefind's own count ("18 results for participatory"), which settles once the search has run."""
    message = page.locator(".pagefind-ui__message")
    expect(message).to_have_text(re.compile(r"^\d+ results? for "), timeout=10000)
    return int(message.inner_text().split()[0])


def test_a_filter_narrows_the_results_and_a_result_opens(page, site_url):
    page.goto(f"{site_url}search/?q=participatory")
    before = _result_count(page)
    type_filter = page.locator(
        "details.pagefind-ui__filter-block", has=page.locator(".pagefind-ui__filter-name", has_text="type")
    )
    expect(type_filter).to_be_visible(timeout=10000)
    type_filter.locator("summary").click()
    page.get_by_role("checkbox", name=re.compile(r"^Event")).check()
    expect(page.locator(".pagefind-ui__message")).not_to_have_text(re.compile(rf"^{before} results? for "))
    expected = _result_count(page)
    assert 0 < expected < before
    results = page.locator(TOP_RESULTS)
    expect(results).to_have_count(expected)
    for i in range(expected):
        assert "/events/" in results.nth(i).get_attribute("href")
    results.first.click()
    expect(page.locator("p.card-kind").first).to_contain_text("Event")


def test_keyboard_user_can_skip_to_content(page, site_url):
    page.goto(site_url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site_url}#main")


@pytest.mark.parametrize(
    "path",
    [
        "",
        "case-studies/matola-participatory-budgeting/",
        "cynefin/",
        "cynefin/complex/",
        "search/?q=budget",
        "events/bogota-2016-peer-review-la-paz/",
        "methods/world-cafe/",
        "topics/",
        "pt/case-studies/matola-participatory-budgeting/",
        "fr/case-studies/porto-alegre-participatory-budgeting/",
        "pt/search/?q=cidade",
        "es/",
    ],
)
def test_no_serious_accessibility_violations(page, site_url, path):
    page.goto(site_url + path)
    if "search/" in path:
        expect(page.locator(".pagefind-ui__result-link").first).to_be_visible(timeout=10000)
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_phone_layout_has_no_horizontal_scroll(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("", "case-studies/porto-alegre-participatory-budgeting/", "cynefin/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    context.close()


def test_results_show_city_domain_and_summary(page, site_url):
    page.goto(f"{site_url}search/?q=Matola")
    result = page.locator(".pagefind-ui__result", has=page.locator("a", has_text="Participatory budgeting in Matola"))
    expect(result.locator(".result-facts")).to_have_text("Matola · Complex", timeout=10000)
    expect(result.locator(".pagefind-ui__result-excerpt").first).to_contain_text("South–South cooperation")


def test_the_portuguese_tree_finds_a_practice_through_another_word_form(page, site_url):
    """pt/ pages are <html lang="pt">, so Pagefind builds a Portuguese index with Portuguese stemming:
    'cidades' finds the practice whose text says only 'cidade'."""
    page.goto(f"{site_url}pt/search/?q=cidades")
    result = page.locator(TOP_RESULTS, has_text="Orçamento Participativo em Porto Alegre")
    expect(result).to_have_count(1, timeout=10000)
    assert result.get_attribute("href").endswith("/pt/case-studies/porto-alegre-participatory-budgeting/")
    # the filter groups are drawn as Pagefind's filter data arrives: wait for the last one the test names
    expect(page.locator(".pagefind-ui__filter-name", has_text="Tipo")).to_be_visible()
    names = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert "Tipo" in names and "Tema" in names and "type" not in names  # the filters speak Portuguese
    result.click()
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    expect(page.get_by_role("navigation", name="Idiomas").get_by_role("link", name="English")).to_be_visible()


def test_the_english_search_does_not_return_portuguese_pages(page, site_url):
    page.goto(f"{site_url}search/?q=participatory")
    _result_count(page)
    results = page.locator(TOP_RESULTS)
    expect(results.first).to_be_visible(timeout=10000)  # the count shows before the results are drawn
    hrefs = [a.get_attribute("href") for a in results.all()]
    assert hrefs and not [h for h in hrefs if re.search(r"/(pt|fr|es)/", h)]


def test_a_reader_switches_language_and_stays_on_the_same_page(page, site_url):
    page.goto(f"{site_url}case-studies/bogota-public-space-defence/")
    page.get_by_role("navigation", name="Languages").get_by_role("link", name="Español").click()
    expect(page).to_have_url(f"{site_url}es/case-studies/bogota-public-space-defence/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_attribute("data-pagefind-meta", "title")
    expect(page.locator("nav.main-nav")).to_contain_text("Estudios de caso")
    page.get_by_role("navigation", name="Idiomas").get_by_role("link", name="Français").click()
    expect(page).to_have_url(f"{site_url}fr/case-studies/bogota-public-space-defence/")
    expect(page.locator("h1")).not_to_have_attribute("lang", "en")  # the library now has its French translation
    # every case study is translated now; an event with no French text yet shows its English original, marked
    page.goto(f"{site_url}fr/events/bogota-2016-peer-review-la-paz/")
    expect(page.locator("h1")).to_have_attribute("lang", "en")
    expect(page.locator(".translation-note")).to_contain_text("pas encore été traduit en français")
