"""The world map in a real browser (Debian's Chromium): keyboard, pointer, no script, print, accessibility."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import A4_PRINTABLE
from playwright.sync_api import expect

# Needs Chromium: `pytest -m "not browser"` leaves these out (Windows and macOS in CI).
pytestmark = pytest.mark.browser


def _marker(page, title: str):
    return page.locator("svg.map-svg").get_by_role("link", name=title, exact=True)


def test_a_marker_is_focusable_and_opens_its_practice(page, site_url):
    page.goto(f"{site_url}map/")
    marker = _marker(page, "Participatory budgeting in Matola")
    expect(marker).to_have_count(1)
    marker.focus()
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site_url}case-studies/matola-participatory-budgeting/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Participatory budgeting in Matola")


def test_the_tab_key_reaches_the_markers_and_shows_where_focus_is(page, site_url):
    page.goto(f"{site_url}map/")
    page.locator("svg.map-svg a").first.focus()
    target = _marker(page, "Hangzhou public bicycle system")
    for _ in range(40):
        if target.evaluate("e => e === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(target).to_be_focused()
    stroke = target.locator("circle").evaluate("c => getComputedStyle(c).stroke")
    assert stroke == "rgb(194, 65, 12)"  # --focus: the ring moves to the focused marker


def test_a_country_opens_its_page_with_the_pointer(page, site_url):
    page.goto(f"{site_url}map/")
    brazil = page.locator('svg.map-svg a.map-country[href$="countries/br/"]')
    expect(brazil).to_have_accessible_name(re.compile(r"^Brazil: \d+ practices$"))
    brazil.click()
    expect(page).to_have_url(f"{site_url}countries/br/")
    expect(page.get_by_role("img", name="Brazil on a map")).to_be_visible()


def test_the_map_and_its_filters_work_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(site_url) else None)
    page.goto(f"{site_url}map/")
    expect(page.locator("svg.map-svg a.marker")).to_have_count(12)  # 12 located case studies
    page.get_by_role("navigation", name="Filter the map").get_by_role("link", name="Mobility").click()
    expect(page).to_have_url(f"{site_url}map/topics/mobility/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Map: Mobility")
    expect(page.locator("svg.map-svg a.marker")).to_have_count(2)
    page.get_by_role("link", name="Complex", exact=True).click()
    expect(page).to_have_url(f"{site_url}map/cynefin/complex/")
    assert outside == []  # no tiles, fonts or scripts from anywhere else
    context.close()


def test_the_map_prints_legibly_on_one_a4_page(browser, site_url):
    context = browser.new_context(viewport={"width": round(A4_PRINTABLE[0]), "height": round(A4_PRINTABLE[1])})
    page = context.new_page()
    page.goto(f"{site_url}map/")
    page.emulate_media(media="print")
    figure = page.locator("figure.world-map").bounding_box()
    svg = page.locator("svg.map-svg").bounding_box()
    assert figure["height"] <= A4_PRINTABLE[1]  # map and legend fit one page ...
    assert (
        page.locator("figure.world-map").evaluate("f => getComputedStyle(f).breakInside") == "avoid"
    )  # ... and stay on one
    assert svg["width"] >= 0.95 * A4_PRINTABLE[0]  # the full width of the paper: 18 cm for the world
    assert page.locator(".map-filter").evaluate("e => getComputedStyle(e).display") == "none"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()


def test_phone_layout_has_no_horizontal_scroll(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ("map/", "countries/cn/", "case-studies/hangzhou-public-bicycles/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    context.close()


@pytest.mark.parametrize(
    "path", ["map/", "map/cynefin/complex/", "countries/br/", "case-studies/taiyuan-public-bicycles/"]
)
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
