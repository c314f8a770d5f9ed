"""A real browser (Debian's Chromium driven by Playwright) clicking through the built sample site."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from conftest import REPO
from generator.build import BuildOptions, build_site


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(BuildOptions(content_dir=REPO / "content", out_dir=out, search=True))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_header_search_runs_the_query_and_finds_the_practice(page, site_url):
    page.goto(site_url)
    page.get_by_role("searchbox", name="Search practices").fill("bicycles")
    page.get_by_role("searchbox", name="Search practices").press("Enter")
    expect(page).to_have_url(f"{site_url}search/?q=bicycles")
    results = page.locator(".pagefind-ui__result-link")
    expect(results.filter(has_text="Hangzhou")).to_have_count(1, timeout=10000)
    expect(results.filter(has_text="Taiyuan")).to_have_count(1)


def test_a_filter_narrows_the_results_and_a_result_opens(page, site_url):
    page.goto(f"{site_url}search/?q=participatory")
    results = page.locator(".pagefind-ui__result-link")
    expect(results.first).to_be_visible(timeout=10000)
    before = results.count()
    page.locator(".pagefind-ui__filter-name", has_text="type").click()
    page.get_by_role("checkbox", name="Event").check()
    expect(results).not_to_have_count(before)
    after = results.count()
    assert 0 < after < before
    for i in range(after):
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


@pytest.mark.parametrize("path", ["", "case-studies/matola-participatory-budgeting/", "cynefin/", "cynefin/complex/", "search/?q=budget", "events/bogota-2016-peer-review-la-paz/", "methods/world-cafe/", "topics/"])
def test_no_serious_accessibility_violations(page, site_url, path):
    page.goto(site_url + path)
    if path.startswith("search/"):
        expect(page.locator(".pagefind-ui__result-link").first).to_be_visible(timeout=10000)
    results = Axe().run(page)
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_phone_layout_has_no_horizontal_scroll(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("", "case-studies/porto-alegre-participatory-budgeting/", "cynefin/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    context.close()
