"""The world map (map/) and the locator maps: projection, asset, golden SVG, links, validity and size.

Browser checks (focus, keyboard, print, accessibility) are in test_map_browser.py.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import html5lib
import pycountry
import pytest
from conftest import REPO, check_golden, render_fragment

from generator import geo, map_geometry
from generator.build import BuildOptions, build_site, check_content
from generator.geo import Cartographer
from generator.i18n import DEFAULT_THEME
from generator.map_views import locator_view, map_view
from generator.page_plan import WORLD_ASSET, world_atlas
from generator.templating import make_environment

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "content"
GOLDEN_MAP = Path(__file__).parent / "golden-map"
MAP_PAGE_BUDGET = 150_000  # bytes, the whole HTML page


# ---------------------------------------------------------------- projection

# PROJ 9 (`proj -f %.12f +proj=eqearth +R=1`), the reference implementation: (lat, lon) -> (x, y).
PROJ_ORACLE = [
    ((-31.9535, 115.8571), (1.614621210487, -0.629372441721)),  # Perth
    ((51.5074, -0.1278), (-0.001565514410, 0.965105647318)),  # London
    ((40.7128, -74.0060), (-0.981861449986, 0.787064220049)),  # New York
    ((35.6895, 139.6917), (1.909462941700, 0.697844715778)),  # Tokyo
    ((-33.9189, 18.4233), (0.254226330215, -0.665601683690)),  # Cape Town
]


@pytest.mark.parametrize(("position", "expected"), PROJ_ORACLE)
def test_equal_earth_matches_proj_at_known_points(position, expected):
    lat, lon = position
    x, y = map_geometry.equal_earth(lon, lat)
    assert x == pytest.approx(expected[0], abs=1e-9) and y == pytest.approx(expected[1], abs=1e-9)


def test_equal_earth_landmarks():
    assert map_geometry.equal_earth(0, 0) == (0.0, 0.0)
    assert map_geometry.equal_earth(122, 47) == (
        pytest.approx(1.549254, abs=1e-6),
        pytest.approx(0.893308, abs=1e-6),
    )  # PROJ's docs: 1.55 0.89
    assert map_geometry.equal_earth(180, 0)[0] * 6378137 == pytest.approx(
        17263256.84, abs=0.01
    )  # PROJ's test suite, +R=6378137
    assert map_geometry.equal_earth(0, 90)[1] == pytest.approx(1.3173627591574, abs=1e-12)  # the pole line
    # the width of the pole line is 0.59247 of the equator's (the projection's defining ratio)
    assert map_geometry.equal_earth(180, 90)[0] / map_geometry.equal_earth(180, 0)[0] == pytest.approx(
        0.59247, abs=1e-5
    )
    # symmetric about both axes
    x, y = map_geometry.equal_earth(-60.5, -20.25)
    assert (-x, -y) == pytest.approx(map_geometry.equal_earth(60.5, 20.25))


@pytest.mark.parametrize("lat", [-80, -45, -10, 0, 25, 60, 85])
@pytest.mark.parametrize("lon", [-170, -30, 0, 100])
def test_equal_earth_is_equal_area(lat, lon):
    """The Jacobian of (lon, lat in radians) -> (x, y) is cos(lat) everywhere: areas keep their size."""
    h = 1e-6

    def f(lon_r, lat_r):
        return map_geometry.equal_earth(math.degrees(lon_r), math.degrees(lat_r))

    lam, phi = math.radians(lon), math.radians(lat)
    (x1, y1), (x0, y0) = f(lam + h, phi), f(lam - h, phi)
    (x3, y3), (x2, y2) = f(lam, phi + h), f(lam, phi - h)
    jacobian = ((x1 - x0) * (y3 - y2) - (x3 - x2) * (y1 - y0)) / (4 * h * h)
    assert jacobian == pytest.approx(math.cos(phi), rel=1e-5)


def test_map_frame_corners():
    assert map_geometry.project(0, -180) == pytest.approx((0, map_geometry.HEIGHT / 2), abs=0.05)
    assert map_geometry.project(0, 180) == pytest.approx((map_geometry.WIDTH, map_geometry.HEIGHT / 2), abs=0.05)
    assert map_geometry.project(90, 0) == pytest.approx((map_geometry.WIDTH / 2, 0), abs=1e-9)
    assert map_geometry.project(-90, 0) == pytest.approx((map_geometry.WIDTH / 2, map_geometry.HEIGHT), abs=0.05)
    x, y = map_geometry.project(51.5074, -0.1278)  # London: north of the middle, just west of it
    assert x < map_geometry.WIDTH / 2 and y < map_geometry.HEIGHT / 2


# ---------------------------------------------------------------- geometry helpers


def test_path_data_is_compact_and_relative():
    assert map_geometry.path_data([[(10, 20), (13, 18), (17, 23)]]) == "M10 20l3-2 4 5z"
    assert (
        map_geometry.path_data([[(10, 20), (13, 18), (13, 18), (17, 23)], [(30, 21), (31, 25), (29.5, 25)]])
        == "M10 20l3-2 4 5zm20 1l1 4-1.5 0z"
    )
    assert map_geometry.path_data([[(1, 1), (2, 2)]]) == ""  # fewer than three points is not an area


def test_levels_cover_every_count():
    assert [geo.level(n) for n in (0, 1, 2, 4, 5, 9, 10, 250)] == [0, 1, 2, 2, 3, 3, 4, 4]


def test_markers_at_one_place_are_set_apart_deterministically():
    markers = [geo.Marker(s, -30.0346, -51.2177) for s in ("c", "a", "b")] + [geo.Marker("rome", 41.9, 12.5)]
    placed = geo.world_map(_mini_atlas(), {}, markers)["markers"]
    assert [m["key"] for m in placed] == ["c", "a", "b", "rome"]
    spots = {(m["x"], m["y"]) for m in placed[:3]}
    assert len(spots) == 3 and all(m["grouped"] for m in placed[:3]) and not placed[3]["grouped"]
    assert geo.world_map(_mini_atlas(), {}, markers)["markers"] == placed
    for a in placed[:3]:
        for b in placed[:3]:
            if a is not b:
                assert (
                    math.dist((float(a["x"]), float(a["y"])), (float(b["x"]), float(b["y"]))) >= 2 * geo.MARKER_RADIUS
                )


def test_locator_frames_the_point_and_clips_the_shapes():
    atlas = world_atlas()
    view = geo.locator_map(atlas, "BR", [(-30.0346, -51.2177)])  # Porto Alegre
    x0, y0, w, h = map(float, view["view_box"].split())
    px, py = map_geometry.project(-30.0346, -51.2177)
    assert x0 < px < x0 + w and y0 < py < y0 + h and w >= 280 and abs(w / h - 280 / 175) < 0.01
    left, top, right, bottom = map_geometry.bounding_box(atlas.shape("BR").main_ring)
    assert x0 <= left and right <= x0 + w and y0 <= top and bottom <= y0 + h  # framed on the whole country
    recife = geo.locator_map(atlas, "BR", [(-8.05, -34.9)])
    assert (recife["view_box"], recife["land"], recife["country"]) == (view["view_box"], view["land"], view["country"])
    assert recife["dots"] != view["dots"]
    away = geo.locator_map(atlas, "FR", [(-21.11, 55.53)])  # Réunion lies outside metropolitan France's frame
    ax0, ay0, aw, ah = map(float, away["view_box"].split())
    rx, ry = map_geometry.project(-21.11, 55.53)
    assert ax0 < rx < ax0 + aw and ay0 < ry < ay0 + ah
    for d in (view["land"], view["country"]):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d.split("l")[0])]
        assert x0 - 10 <= numbers[0] <= x0 + w + 10  # paths start inside the (slightly larger) clip
    assert geo.locator_map(atlas, "SG") is None  # not drawn at 1:110m, and no point to show
    assert geo.locator_map(atlas, "SG", [(1.29, 103.85)])["country"] == ""
    whole = geo.locator_map(atlas, "RU", [(55.75, 37.62)], whole_country=True)  # Moscow, and all of mainland Russia
    x0, y0, w, h = map(float, whole["view_box"].split())
    left, top, right, bottom = map_geometry.bounding_box(atlas.shape("RU").main_ring)
    assert x0 <= left and right <= x0 + w and y0 <= top and bottom <= y0 + h and w > 280


# ---------------------------------------------------------------- the asset


def test_world_asset_is_small_complete_and_matched_to_iso_codes():
    assert WORLD_ASSET.stat().st_size < 60_000
    data = json.loads(WORLD_ASSET.read_text(encoding="utf-8"))
    assert data["width"] == map_geometry.WIDTH and "Natural Earth" in data["attribution"]
    codes = [c["code"] for c in data["countries"] if c["code"]]
    assert codes == sorted(codes) and len(codes) == len(set(codes)) == 174
    assert all(pycountry.countries.get(alpha_2=code) for code in codes)
    assert sorted(c["name"] for c in data["countries"] if not c["code"]) == ["Kosovo", "N. Cyprus", "Somaliland"]
    atlas = world_atlas()
    for shape in atlas.shapes:
        for ring in shape.rings:
            assert len(ring) >= 3
            assert all(0 <= x <= map_geometry.WIDTH and 0 <= y <= math.ceil(map_geometry.HEIGHT) for x, y in ring), (
                shape.name
            )
    licence = (WORLD_ASSET.parent / "LICENSE-world-atlas.txt").read_text(encoding="utf-8")
    assert "Copyright 2013-2019 Michael Bostock" in licence


def test_every_country_of_the_sample_content_has_a_shape():
    site, _ = check_content(REPO / "content")
    drawn = {s.code for s in world_atlas().shapes}
    assert {t.key.upper() for t in site.taxonomies["countries"]} <= drawn


def _script():
    spec = importlib.util.spec_from_file_location("build_world_asset", REPO / "scripts" / "build-world-asset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_asset_script_cuts_rings_at_the_antimeridian():
    script = _script()
    # an island crossing 180°: one ring each side
    west, east = script.cut_antimeridian([(178.0, -16.0), (-178.0, -16.0), (-178.0, -18.0), (178.0, -18.0)])
    assert {lon for lon, _ in west} == {178.0, 180.0} and {lon for lon, _ in east} == {-180.0, -178.0}
    # a ring around the South Pole is closed along the pole line instead of across the map
    (ring,) = script.cut_antimeridian([(-180.0, -70.0), (-60.0, -65.0), (60.0, -66.0), (180.0, -70.0)])
    assert (180.0, -90.0) in ring and (-180.0, -90.0) in ring
    # rings that do not cross stay as they are
    square = [(1.0, 1.0), (2.0, 1.0), (2.0, 2.0)]
    assert script.cut_antimeridian(square) == [square]


def test_asset_script_decodes_topojson_arcs_and_simplifies_keeping_ends():
    script = _script()
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [-10, 20]}, "arcs": [[[0, 0], [2, 4], [-1, 0]]]}
    assert script.decode_arcs(topology) == [[(-10.0, 20.0), (-9.0, 21.0), (-9.5, 21.0)]]
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0)]
    assert script.simplify(line, 0.5) == [0, 2, 3, 4]


@pytest.mark.skipif(
    not os.environ.get("WORLD_ATLAS_TGZ"),
    reason="set WORLD_ATLAS_TGZ to a world-atlas-2.0.2.tgz to check the asset rebuilds byte for byte",
)
def test_asset_rebuilds_byte_for_byte(tmp_path, monkeypatch):
    script = _script()
    monkeypatch.setattr(script, "OUT", tmp_path)
    script.main(["build-world-asset.py", os.environ["WORLD_ATLAS_TGZ"]])
    assert (tmp_path / "world-110m.json").read_bytes() == WORLD_ASSET.read_bytes()


# ---------------------------------------------------------------- golden SVG of a small fixture


def _mini_atlas() -> geo.Atlas:
    """Three square countries and one uncoded piece of land, in map units."""

    def square(x, y, size):
        return [x, y, size, 0, 0, size, -size, 0]

    return geo.parse_atlas(
        {
            "width": map_geometry.WIDTH,
            "attribution": "Test shapes.",
            "countries": [
                {"code": "BR", "name": "Brazil", "rings": [square(300, 280, 40), square(360, 300, 5)]},
                {"code": "CO", "name": "Colombia", "rings": [square(270, 220, 20)]},
                {"code": "EG", "name": "Egypt", "rings": [square(560, 150, 20)]},
                {"code": "", "name": "Nowhere", "rings": [square(700, 100, 30)]},
            ],
        }
    )


def test_world_map_svg_of_the_fixture_matches_golden(request):
    site, _ = check_content(FIXTURE)
    view = map_view(site, Cartographer(_mini_atlas()), "en")
    svg = render_fragment(
        '{% import "map_macros.html" as maps with context %}{{ maps.world(map) }}\n{{ maps.legend(map) }}\n', map=view
    )
    check_golden(request, GOLDEN_MAP / "world.svg.html", svg)
    assert 'href="../countries/br/"' in svg and 'href="../countries/eg/"' in svg and 'href="../countries/co/"' in svg
    assert (
        'href="../case-studies/porto-alegre-budget/"' in svg
        and '<title lang="en">Participatory budgeting in Porto Alegre</title>' in svg
    )


def test_locator_svg_of_the_fixture_matches_golden(request):
    view = locator_view(Cartographer(_mini_atlas()), "BR", [(-30.0346, -51.2177)])
    svg = render_fragment(
        '{% import "map_macros.html" as maps with context %}{{ maps.locator(view, "Porto Alegre, Brazil on a map") }}\n',
        view=view,
    )
    check_golden(request, GOLDEN_MAP / "locator.svg.html", svg)
    assert '<path class="map-here"' in svg and '<circle class="map-pin"' in svg


def test_locator_image_of_the_fixture_matches_golden(request):
    """A case-study page's locator map as a file: well-formed SVG, no text (every language shows it), the
    light colours as attributes and the dark ones in a media query; the page gives the text alternative."""
    view = locator_view(Cartographer(_mini_atlas()), "BR", [(-30.0346, -51.2177)])
    svg = make_environment([DEFAULT_THEME]).get_template("locator.svg").render(view=view)
    check_golden(request, GOLDEN_MAP / "locator-image.svg", svg)
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == view["view_box"]
    style = root.find("{http://www.w3.org/2000/svg}style")
    assert style is not None and style.text.strip().startswith("@media (prefers-color-scheme: dark)")
    assert "".join(root.itertext()).strip() == style.text.strip()  # no text but the style
    pin = root.find("{http://www.w3.org/2000/svg}circle")
    assert pin is not None and pin.get("class") == "map-pin" and pin.get("fill") == "#c2410c"
    image = render_fragment(
        '{% import "map_macros.html" as maps with context %}{{ maps.locator_image(image, "Porto Alegre, Brazil") }}',
        image={"src": "map/locators/x.svg", "width": 280, "height": 175},
    )
    assert '<img class="locator-map" src="../map/locators/x.svg" alt="Porto Alegre, Brazil" width="280"' in image


def test_filtered_map_keeps_only_matching_practices():
    site, _ = check_content(FIXTURE)
    complex_only = map_view(site, Cartographer(_mini_atlas()), "en", only=("cynefin", "complex"))
    assert [c["code"] for c in complex_only["svg"]["countries"]] == ["BR"]  # the event in CO has no domain
    assert [m["url"] for m in complex_only["markers"]] == ["case-studies/porto-alegre-budget/"]
    mobility = map_view(site, Cartographer(_mini_atlas()), "en", only=("topics", "mobility"))
    assert [c["code"] for c in mobility["svg"]["countries"]] == ["EG"] and mobility["markers"] == []


# ---------------------------------------------------------------- the built sample site


class _Anchors(HTMLParser):
    """Links inside the world map's <svg>, with the text of their <title>; and all ids and labelled-by refs."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[dict] = []
        self.current: dict | None = None
        self.in_title = False
        self.ids: list[str] = []
        self.labelledby: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if attrs.get("aria-labelledby"):
            self.labelledby += attrs["aria-labelledby"].split()
        if tag == "svg" and "map-svg" in (attrs.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "a":
            self.current = {"href": attrs["href"], "class": attrs.get("class", ""), "title": ""}
            self.links.append(self.current)
        elif self.current is not None and tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "svg" and self.depth:
            self.depth = 0
        elif tag == "a":
            self.current = None
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title and self.current is not None:
            self.current["title"] += data


def _anchors(path: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("map") / "site"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=out, search=False),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    site, _ = check_content(REPO / "content")
    return out, site


def _map_pages(out: Path) -> list[Path]:
    return sorted((out / "map").rglob("index.html"))


def test_map_page_and_its_filters_exist(sample):
    out, site = sample
    pages = {p.relative_to(out).as_posix() for p in _map_pages(out)}
    expected = {"map/index.html"}
    expected |= {f"map/topics/{t.key}/index.html" for t in site.taxonomies["topics"] if t.count}
    expected |= {f"map/cynefin/{t.key}/index.html" for t in site.taxonomies["cynefin"] if t.count}
    assert pages == expected


def test_every_map_link_resolves_and_every_practice_has_its_marker(sample):
    out, site = sample
    page = out / "map" / "index.html"
    links = _anchors(page).links
    countries = [a for a in links if a["class"] == "map-country"]
    markers = [a for a in links if a["class"] == "marker"]
    assert len(countries) + len(markers) == len(links)
    for a in links:
        target = (page.parent / unquote(a["href"])).resolve()
        assert urlsplit(a["href"]).scheme == "" and (target / "index.html").is_file(), a["href"]
    assert sorted(a["href"] for a in countries) == sorted(f"../{t.url}" for t in site.taxonomies["countries"])
    located = {s.slug: s for s in site.case_studies.values() if s.coordinates}
    assert sorted(a["href"] for a in markers) == sorted(f"../case-studies/{slug}/" for slug in located)
    for a in markers:  # the accessible name of a marker is its practice's title
        assert a["title"] == located[a["href"].split("/")[-2]].title
    for a in countries:
        assert re.fullmatch(r".+: \d+ practices?", a["title"])


def test_filter_pages_link_only_their_practices(sample):
    out, site = sample
    for term in site.taxonomies["topics"]:
        if not term.count:
            continue
        page = out / "map" / "topics" / term.key / "index.html"
        markers = [a["href"] for a in _anchors(page).links if a["class"] == "marker"]
        expected = [f"../../../case-studies/{s}/" for s in term.case_studies if site.case_studies[s].coordinates]
        assert sorted(markers) == sorted(expected), term.key
        for href in markers:
            assert (page.parent / href / "index.html").resolve().is_file()


def test_map_pages_are_small_self_contained_and_need_no_script(sample):
    out, _ = sample
    for page in _map_pages(out):
        data = page.read_bytes()
        assert len(data) < MAP_PAGE_BUDGET, f"{page}: {len(data)} bytes"
        html = data.decode("utf-8")
        assert "<script" not in html and "<img" not in html and "<iframe" not in html
        assert not re.search(r'\s(?:src|href)="(?:https?:)?//(?!www\.naturalearthdata\.com/)', html), page
    html = (out / "map" / "index.html").read_text(encoding="utf-8")
    assert "Natural Earth" in html and "public domain" in html and "Equal Earth" in html
    assert '<table class="map-table"' in html and '<svg class="map-svg"' in html


def test_map_locator_and_country_pages_are_valid_html(sample):
    """html5lib in strict mode raises on any parse error; ids are unique and every aria-labelledby resolves."""
    out, site = sample
    pages = _map_pages(out) + sorted((out / "countries").glob("*/index.html"))
    pages += [out / "case-studies" / slug / "index.html" for slug in site.case_studies]
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in pages:
        parser.parse(page.read_bytes())
        anchors = _anchors(page)
        assert len(anchors.ids) == len(set(anchors.ids)), page
        assert set(anchors.labelledby) <= set(anchors.ids), page


def test_case_study_and_country_pages_have_a_locator(sample):
    """Country pages draw theirs; a case-study page shows its SVG file, one for each country and point set,
    which every language tree shares."""
    out, site = sample
    files = set()
    for slug in site.case_studies:
        html = (out / "case-studies" / slug / "index.html").read_text(encoding="utf-8")
        assert "<svg" not in html, slug
        found = re.findall(
            r'<img class="locator-map" src="([^"]+)" alt="([^"]+) on a map" width="\d+" height="\d+">', html
        )
        assert len(found) == 1, slug
        src, alt = found[0]
        assert src.startswith("../../map/locators/") and src.endswith(".svg") and "," in alt, slug
        svg = (out / "case-studies" / slug / src).resolve()
        assert '<circle class="map-pin"' in svg.read_text(encoding="utf-8"), slug
        files.add(svg)
        translated = (out / "pt" / "case-studies" / slug / "index.html").read_text(encoding="utf-8")
        assert f'src="../{src}"' in translated and "no mapa" in translated, slug
    assert len(files) < len(site.case_studies)  # Porto Alegre's three practices share one file
    assert files == set((out / "map" / "locators").iterdir())
    for term in site.taxonomies["countries"]:
        html = (out / term.url / "index.html").read_text(encoding="utf-8")
        assert html.count('<svg class="locator-map"') == 1 and '<path class="map-here"' in html, term.key
    assert 'href="../map/">Map</a>' in (out / "cities" / "index.html").read_text(encoding="utf-8")  # the nav entry


def test_sample_map_is_deterministic(sample, tmp_path):
    out, _ = sample
    again = tmp_path / "again"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=again, search=False),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    for page in _map_pages(out):
        assert page.read_bytes() == (again / page.relative_to(out)).read_bytes()
