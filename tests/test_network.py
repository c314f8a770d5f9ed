"""The learning network between cities: the graph from inline sites, the drawing, golden SVG, the built pages.

Browser checks (keyboard, print, phone, accessibility) are in test_network_browser.py.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import html5lib
import pytest
from conftest import REPO, check_golden, make_site, render_fragment

from generator import network
from generator.build import BuildOptions, build_site, check_content
from generator.views import city_network_view, network_view

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "content"
GOLDEN_NETWORK = Path(__file__).parent / "golden-network"


def _study(slug: str, city: str, country: str, extra: str = "") -> str:
    return (
        f"-- content/case-studies/{slug}.md --\n---\ntitle: {slug.replace('-', ' ').capitalize()}\nsummary: S\n"
        f"published: 2026-01-01\ncity: {city}\ncountry: {country}\ntopics: [mobility]\ncynefin: complex\n"
        f"contact: {{organisation: City Hall, url: 'https://example.org/'}}\n{extra}---\n"
    )


def _event(slug: str, city: str, country: str, date: str, participants: str) -> str:
    return (
        f"-- content/events/{slug}.md --\n---\ntitle: {slug.replace('-', ' ').capitalize()}\nsummary: S\ndate: {date}\n"
        f"city: {city}\ncountry: {country}\nmethod: world-cafe\ntopics: [mobility]\nparticipants: {participants}\n---\n"
    )


def _graph(root: Path, spec: str):
    make_site(root, spec)
    site, problems = check_content(Path("content"))
    assert [str(p) for p in problems if p.is_error] == []
    return site, network.learning_graph(site)


def _edges(graph) -> list[tuple]:
    return sorted(
        (u, v, d["kind"], d.get("practice") or d["event"], d.get("source"), d["number"])
        for u, v, d in graph.edges(data=True)
    )


# ---------------------------------------------------------------- the graph


def test_a_learned_practice_is_an_edge_from_its_city_to_the_city_it_learned_from(site_root):
    _, graph = _graph(site_root, _study("taiyuan-bikes", "Taiyuan", "CN", "learned_from: [hangzhou-bikes]\n"))
    assert _edges(graph) == [("cn/taiyuan", "cn/hangzhou", "learned", "taiyuan-bikes", "hangzhou-bikes", 1)]
    assert dict(graph.nodes["cn/hangzhou"]) == {
        "name": "Hangzhou",
        "country": "CN",
        "url": "cities/cn/hangzhou/",
        "practices": 1,
    }
    assert network.activity(graph, "cn/taiyuan") == 2  # one practice, one connection


def test_every_city_of_the_library_is_a_node_even_without_connections(site_root):
    _, graph = _graph(site_root, _study("rome-group", "Rome", "IT"))
    assert sorted(graph) == ["cn/hangzhou", "it/rome"] and graph.number_of_edges() == 0
    assert network.connected(graph) == []
    assert network.drawing(graph)["nodes"] == [] and network.drawing(graph)["edges"] == []


def test_an_event_links_its_host_to_each_participating_city(site_root):
    spec = _study("matola-budget", "Matola", "MZ") + _event(
        "matola-workshop",
        "Matola",
        "MZ",
        "2016-05-04",
        '[Matola, Hangzhou, "Maputo, MZ", Maputo, Ampasy, "Caruaru, BR"]',
    )
    _, graph = _graph(site_root, spec)
    assert _edges(graph) == [
        ("mz/matola", "-/ampasy", "met", "matola-workshop", None, 1),
        ("mz/matola", "br/caruaru", "met", "matola-workshop", None, 1),
        ("mz/matola", "cn/hangzhou", "met", "matola-workshop", None, 1),
        ("mz/matola", "mz/maputo", "met", "matola-workshop", None, 1),
    ]  # no edge to the host itself; Maputo named twice is one city; Hangzhou is the library's
    assert dict(graph.nodes["mz/maputo"]) == {"name": "Maputo", "country": "MZ", "url": None, "practices": 0}
    assert dict(graph.nodes["-/ampasy"]) == {"name": "Ampasy", "country": None, "url": None, "practices": 0}
    assert graph.nodes["cn/hangzhou"]["url"] == "cities/cn/hangzhou/"


def test_events_with_the_same_cities_are_parallel_edges_numbered_after_the_learned_ones(site_root):
    spec = (
        _study("bogota-space", "Bogotá", "CO")
        + _study("porto-alegre-space", "Porto Alegre", "BR", "learned_from: [bogota-space]\n")
        + _event("forum-b", "Bogotá", "CO", "2016-10-12", "[Porto Alegre, Barcelona]")
        + _event("forum-a", "Bogotá", "CO", "2015-01-01", "[Porto Alegre]")
        + _event("no-one", "Bogotá", "CO", "2014-01-01", "[Bogotá]")
    )
    _, graph = _graph(site_root, spec)
    assert _edges(graph) == [
        ("br/porto-alegre", "co/bogota", "learned", "porto-alegre-space", "bogota-space", 1),
        ("co/bogota", "-/barcelona", "met", "forum-b", None, 3),
        ("co/bogota", "br/porto-alegre", "met", "forum-a", None, 2),  # by date: forum-a (2015) before forum-b (2016)
        ("co/bogota", "br/porto-alegre", "met", "forum-b", None, 3),
    ]  # an event whose only participant is its host adds no edge and no number
    assert graph.number_of_edges("co/bogota", "br/porto-alegre") == 2


def test_cities_may_learn_from_each_other_but_a_practice_may_not_learn_from_itself(site_root):
    spec = _study("hangzhou-app", "Hangzhou", "CN", "learned_from: [taiyuan-bikes]\n") + _study(
        "taiyuan-bikes", "Taiyuan", "CN", "learned_from: [hangzhou-bikes]\n"
    )
    _, graph = _graph(site_root, spec)  # a cycle between cities is two practices travelling, both ways
    assert [(u, v) for u, v, *_ in _edges(graph)] == [("cn/hangzhou", "cn/taiyuan"), ("cn/taiyuan", "cn/hangzhou")]

    make_site(
        site_root,
        _study("hangzhou-app", "Hangzhou", "CN", "learned_from: [taiyuan-bikes]\n")
        + _study("taiyuan-bikes", "Taiyuan", "CN", "learned_from: [hangzhou-app]\n"),
    )
    site, problems = check_content(Path("content"))
    assert site is None  # no site, so no network: the checker stops at the cycle
    assert [str(p) for p in problems if p.is_error] == [
        "content/case-studies/hangzhou-app.md:10: learned_from: forms a cycle: a practice cannot have learned from itself through others",
        "content/case-studies/taiyuan-bikes.md:10: learned_from: forms a cycle: a practice cannot have learned from itself through others",
    ]


def test_learned_from_the_same_city_is_an_error_not_a_loop(site_root):
    make_site(site_root, _study("hangzhou-app", "Hangzhou", "CN", "learned_from: [hangzhou-bikes]\n"))
    site, problems = check_content(Path("content"))
    assert site is None
    assert [str(p) for p in problems if p.is_error] == [
        "content/case-studies/hangzhou-app.md:10: learned_from: 'hangzhou-bikes' is in the same city; learned_from names a practice of another city"
    ]


def test_drafts_stay_out_of_the_network(site_root):
    spec = _study("taiyuan-bikes", "Taiyuan", "CN", "learned_from: [hangzhou-bikes]\ndraft: true\n")
    _, graph = _graph(site_root, spec)
    assert "cn/taiyuan" not in graph and graph.number_of_edges() == 0


# ---------------------------------------------------------------- the drawing


def test_drawing_is_deterministic_inside_its_frame_and_numbers_every_edge():
    site, _ = check_content(REPO / "content")
    graph = network.learning_graph(site)
    first = network.drawing(graph)
    assert first == network.drawing(network.learning_graph(site))
    keys = {n["key"] for n in first["nodes"]}
    assert keys == {k for k in graph if graph.degree(k)}
    for node in first["nodes"]:
        x, y, r = float(node["x"]), float(node["y"]), float(node["r"])
        assert r <= x <= network.WIDTH - r and r <= y <= network.HEIGHT - r, node
        assert re.fullmatch(r"-?\d+(\.\d)?", node["x"]) and re.fullmatch(r"-?\d+(\.\d)?", node["y"])  # rounded
    assert len(first["edges"]) == graph.number_of_edges()
    assert [e["number"] for e in first["edges"]] == sorted(e["number"] for e in first["edges"])
    learned = [e for e in first["edges"] if e["kind"] == "learned"]
    assert (
        learned
        and all(e["arrow"] for e in learned)
        and not any(e["arrow"] for e in first["edges"] if e["kind"] == "met")
    )
    # parallel edges (Matola and Porto Alegre: a practice and a workshop) are bowed apart, each with its badge
    pair = [e for e in first["edges"] if {e["source"], e["target"]} == {"mz/matola", "br/porto-alegre"}]
    assert len(pair) == 2 and all("Q" in e["d"] for e in pair)
    assert (
        pair[0]["badge"]["text_x"] != pair[1]["badge"]["text_x"]
        or pair[0]["badge"]["text_y"] != pair[1]["badge"]["text_y"]
    )


def test_only_the_most_active_cities_are_drawn_on_a_large_network():
    site, _ = check_content(REPO / "content")
    graph = network.learning_graph(site)
    small = network.drawing(graph, limit=3)
    assert [n["key"] for n in small["nodes"]] == sorted(network.connected(graph)[:3])
    assert small["omitted"] == len(network.connected(graph)) - 3
    drawn = {n["key"] for n in small["nodes"]}
    assert all(e["source"] in drawn and e["target"] in drawn for e in small["edges"])


# ---------------------------------------------------------------- golden SVG of a small graph


def test_network_svg_of_the_fixture_matches_golden(request):
    """The fixture: Cairo learned from Porto Alegre; Porto Alegre and Maputo met at a peer review in Bogotá."""
    site, _ = check_content(FIXTURE)
    view = network_view(site, network.learning_graph(site), "en")
    svg = render_fragment(
        '{% import "network_macros.html" as nets with context %}{{ nets.graph(net) }}\n{{ nets.legend() }}\n', net=view
    )
    check_golden(request, GOLDEN_NETWORK / "network.svg.html", svg)
    assert (
        svg.count('<a href="../cities/') == 3 and '<g class="network-city network-outside">' in svg
    )  # Maputo has no page
    assert 'href="../case-studies/cairo-street-market/" class="network-edge network-learned"' in svg
    assert svg.count('href="../events/peer-review-porto-alegre/" class="network-edge network-met"') == 2
    assert "<title>1. القاهرة learned Participatory budgeting in Porto Alegre from Porto Alegre</title>" in svg
    assert "<title>2. Bogotá and Maputo met at Peer review of participatory budgeting</title>" in svg


def test_city_peers_of_the_fixture():
    site, _ = check_content(FIXTURE)
    graph = network.learning_graph(site)
    porto_alegre = city_network_view(site, graph, "br/porto-alegre", "en")
    assert porto_alegre["learned_from"] == []
    assert [(i["city"]["name"], i["practice"]["url"]) for i in porto_alegre["shared_with"]] == [
        ("القاهرة", "case-studies/cairo-street-market/")
    ]
    (met,) = porto_alegre["met_at"]
    assert (met["event"]["url"], met["hosted_here"], met["host"]["url"]) == (
        "events/peer-review-porto-alegre/",
        False,
        "cities/co/bogota/",
    )
    assert met["cities"] == [{"name": "Maputo", "url": None, "country": "Mozambique"}]
    bogota = city_network_view(site, graph, "co/bogota", "en")
    assert bogota["met_at"][0]["hosted_here"] and [c["name"] for c in bogota["met_at"][0]["cities"]] == [
        "Maputo",
        "Porto Alegre",
    ]


# ---------------------------------------------------------------- the built sample site


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.svg_links: list[str] = []
        self.ids: list[str] = []
        self.labelledby: list[str] = []
        self.in_svg = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if attrs.get("aria-labelledby"):
            self.labelledby += attrs["aria-labelledby"].split()
        if tag == "svg" and "network-svg" in (attrs.get("class") or ""):
            self.in_svg = True
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append(attrs[name])
                if self.in_svg:
                    self.svg_links.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg = False


def _page(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("network") / "site"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=out, search=False),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    site, _ = check_content(REPO / "content")
    return out, site


def test_every_link_on_the_network_page_resolves(sample):
    out, site = sample
    page = out / "network" / "index.html"
    parsed = _page(page)
    graph = network.learning_graph(site)
    assert len(parsed.svg_links) == graph.number_of_edges() + sum(
        1 for k in network.connected(graph) if graph.nodes[k]["url"]
    )
    for link in parsed.links:
        if urlsplit(link).scheme in ("http", "https", "mailto"):
            continue
        target_url, _ = urldefrag(link)
        assert not link.startswith("/") and urlsplit(link).netloc == "", link  # relative, inside the site
        target = (page.parent / unquote(target_url)).resolve() if target_url else page
        if target.is_dir():
            target = target / "index.html"
        assert target.is_file() and out.resolve() in target.parents, link
    for city in site.taxonomies["cities"]:  # every city of the library is linked: drawn, or named as not yet connected
        assert f'href="../{city.url}"' in page.read_text(encoding="utf-8"), city.url


def test_network_page_tells_the_story_in_text(sample):
    out, _ = sample
    html = (out / "network" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert (
        "Taiyuan learned Hangzhou public bicycle system from Hangzhou, and adapted it as Taiyuan public bicycle system."
        in text
    )
    assert (
        "Matola learned Participatory budgeting in Porto Alegre from Porto Alegre, and adapted it as Participatory budgeting in Matola."
        in text
    )
    assert re.search(
        r"Cities that met at Participatory budgeting workshop at the 16th IOPD Conference in Matola \(May 4, 2016\), hosted by Matola: "
        r"Ampasy, Caruaru \(Brazil\), Maputo \(Mozambique\), Mbombela \(South Africa\), Porto Alegre\.",
        text,
    )
    assert "Cities with no connection yet" in text and ">London<" in html
    assert "<script" not in html and ' style="' not in html
    assert 'href="../network/" aria-current="page">Network</a>' in html  # the nav entry, after Map
    assert html.index(">Map</a>") < html.index(">Network</a>") < html.index(">SDGs</a>")


def test_network_and_city_pages_are_valid_html(sample):
    """html5lib in strict mode raises on any parse error; ids are unique and every aria-labelledby resolves."""
    out, site = sample
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    pages = [out / "network" / "index.html"] + [out / t.url / "index.html" for t in site.taxonomies["cities"]]
    for page in pages:
        parser.parse(page.read_bytes())
        parsed = _page(page)
        assert len(parsed.ids) == len(set(parsed.ids)), page
        assert set(parsed.labelledby) <= set(parsed.ids), page


def test_every_city_page_names_its_peers(sample):
    out, site = sample
    for term in site.taxonomies["cities"]:
        html = (out / term.url / "index.html").read_text(encoding="utf-8")
        for heading in ("Learned from", "Shared with", "Met at"):
            assert f">{heading}</h2>" in html, (term.url, heading)
        assert 'href="../../../network/"' in html
    taiyuan = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", (out / "cities/cn/taiyuan/index.html").read_text(encoding="utf-8"))
    )
    assert "Hangzhou: Hangzhou public bicycle system, adapted here as Taiyuan public bicycle system" in taiyuan
    hangzhou = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", (out / "cities/cn/hangzhou/index.html").read_text(encoding="utf-8"))
    )
    assert "Taiyuan: adapted Hangzhou public bicycle system as Taiyuan public bicycle system" in hangzhou
    porto_alegre = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", (out / "cities/br/porto-alegre/index.html").read_text(encoding="utf-8"))
    )
    assert (
        "Participatory budgeting workshop at the 16th IOPD Conference in Matola (May 4, 2016), hosted by Matola, "
        "with Ampasy, Caruaru (Brazil), Maputo (Mozambique), Mbombela (South Africa)"
    ) in porto_alegre


def test_case_study_pages_keep_lineage_and_contact(sample):
    out, site = sample
    for slug, study in site.case_studies.items():
        html = (out / "case-studies" / slug / "index.html").read_text(encoding="utf-8")
        if study.contact and study.contact.url:
            assert f'<dt>Contact</dt><dd><a href="{study.contact.url}">' in html, slug
        elif study.contact:  # the url is optional: the organisation is named, not linked
            assert f"<dt>Contact</dt><dd>{escape(study.contact.organisation)}</dd>" in html, slug
        if study.learned_from or site.adapted_by.get(slug):
            assert '<h2 id="lineage-heading">Lineage</h2>' in html, slug
    taiyuan = (out / "case-studies/taiyuan-public-bicycles/index.html").read_text(encoding="utf-8")
    assert 'href="../../case-studies/hangzhou-public-bicycles/"' in taiyuan.split('id="lineage-heading"')[1]


def test_two_builds_give_the_same_bytes(sample, tmp_path):
    out, site = sample
    again = tmp_path / "again"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=again, search=False),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    for path in ["network/index.html"] + [f"{t.url}index.html" for t in site.taxonomies["cities"]]:
        assert (out / path).read_bytes() == (again / path).read_bytes(), path
