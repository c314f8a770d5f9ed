"""The learning network in a real browser (Debian's Chromium): keyboard, no script, print, phone, accessibility."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import A4_PRINTABLE
from playwright.sync_api import expect

# Needs Chromium: `pytest -m "not browser"` leaves these out (Windows and macOS in CI).
pytestmark = pytest.mark.browser


def test_a_line_of_the_drawing_is_a_link_to_the_practice_behind_it(page, site_url):
    page.goto(f"{site_url}network/")
    line = page.locator("svg.network-svg").get_by_role(
        "link", name="2. Taiyuan learned Hangzhou public bicycle system from Hangzhou", exact=True
    )
    expect(line).to_have_count(1)
    line.focus()
    expect(line).to_be_focused()
    assert line.locator(".network-line").evaluate("p => getComputedStyle(p).stroke") == "rgb(194, 65, 12)"  # --focus
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site_url}case-studies/taiyuan-public-bicycles/")


def test_a_city_of_the_drawing_opens_its_page_and_names_its_peers(page, site_url):
    page.goto(f"{site_url}network/")
    page.locator('svg.network-svg a.network-city[href$="cities/mz/matola/"]').click()
    expect(page).to_have_url(f"{site_url}cities/mz/matola/")
    learned = page.get_by_role("region", name="Learned from")
    # the sources say only "from Brazilian cities": no arrow from Porto Alegre (the library's correction)
    expect(learned.get_by_role("link", name="Porto Alegre", exact=True)).to_have_count(0)
    expect(
        page.get_by_role("region", name="Met at").get_by_role(
            "link", name="Participatory budgeting workshop at the 16th ODP Conference in Matola"
        )
    ).to_be_visible()


def test_the_network_works_without_javascript_and_asks_no_other_host(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(site_url) else None)
    page.goto(f"{site_url}network/")
    expect(page.locator("svg.network-svg a.network-edge")).to_have_count(20)  # no Porto Alegre -> Matola arrow now
    expect(page.locator("svg.network-svg .network-city")).to_have_count(20)
    box = page.locator("svg.network-svg").bounding_box()
    assert box["width"] > 600 and box["height"] > 350
    assert outside == []
    context.close()


def test_the_network_prints_on_one_a4_page(browser, site_url):
    context = browser.new_context(viewport={"width": round(A4_PRINTABLE[0]), "height": round(A4_PRINTABLE[1])})
    page = context.new_page()
    page.goto(f"{site_url}network/")
    page.emulate_media(media="print")
    figure = page.locator("figure.network-figure").bounding_box()
    svg = page.locator("svg.network-svg").bounding_box()
    assert figure["height"] <= A4_PRINTABLE[1]
    assert page.locator("figure.network-figure").evaluate("f => getComputedStyle(f).breakInside") == "avoid"
    assert svg["width"] >= 0.9 * A4_PRINTABLE[0]
    assert (
        page.locator(".network-learned .network-line").first.evaluate("p => getComputedStyle(p).stroke")
        == "rgb(0, 0, 0)"
    )
    assert page.pdf(format="A4").startswith(b"%PDF")
    context.close()


def test_phone_layout_has_no_horizontal_scroll(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("network/", "cities/br/porto-alegre/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    font = page.goto(site_url + "network/") and page.locator(".network-label").first.evaluate(
        "t => t.getBoundingClientRect().height"
    )
    assert font >= 9  # the drawing scrolls inside its frame rather than shrinking its names below legibility
    context.close()


@pytest.mark.parametrize("path", ["network/", "cities/br/porto-alegre/", "cities/co/bogota/"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site_url, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + path)
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()
