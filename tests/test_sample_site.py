"""The bundled sample content: it checks clean, builds with search, and every internal link resolves."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from conftest import REPO

from generator.build import BuildOptions, build_site, check_content


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append(attrs[name])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "site"
    build_site(BuildOptions(content_dir=REPO / "content", out_dir=out, search=True))
    return out


# Case studies whose seeds name no organisation to ask. Every case study now names the organisation
# its sources give (contact:), so check has no warning but the missing base_url.
WITHOUT_CONTACT: set[str] = set()


def test_sample_content_checks_without_errors_or_warnings():
    _, problems = check_content(REPO / "content")
    allowed = [p for p in problems if p.field == "contact" and not p.is_error and Path(p.file).stem in WITHOUT_CONTACT]
    assert [str(p) for p in problems if "base_url" not in p.field and p not in allowed] == []


def test_sample_lineages_and_contacts_follow_the_seeds():
    site, _ = check_content(REPO / "content")
    assert {slug for slug, s in site.case_studies.items() if s.contact is None} == WITHOUT_CONTACT
    assert site.case_studies["taiyuan-public-bicycles"].learned_from == ("hangzhou-public-bicycles",)
    # the source says Matola took participatory budgeting "from Brazilian cities", naming none: no lineage arrow
    assert site.case_studies["matola-participatory-budgeting"].learned_from == ()
    # Matola's workshop carries the connection the sources give; they give no country for its guests
    met = {name for name, _ in site.participants["matola-2016-iopd-participatory-budgeting-workshop"]}
    assert {"Porto Alegre", "Caruaru", "Maputo", "Mbombela", "Ampasy"} <= met
    # months the sources give, never a day they do not
    assert site.events["matola-2016-iopd-participatory-budgeting-workshop"].date.isoformat() == "2016-05"
    assert {e.date.isoformat() for s, e in site.events.items() if s.startswith("bogota-2016-")} == {"2016-10"}


def test_sample_content_is_rich_enough():
    site, _ = check_content(REPO / "content")
    assert len(site.case_studies) >= 8 and len(site.events) >= 4 and len(site.methods) >= 5
    assert {"about", "contribute"} <= set(site.pages)
    assert {"world-cafe", "gallery-of-good-practices", "peer-review", "temporary-think-tank"} <= set(site.methods)
    assert {"complicated", "complex", "confused"} <= {s.cynefin.value for s in site.case_studies.values()}
    assert site.case_studies["taiyuan-public-bicycles"].cynefin.value == "complicated"  # it surpassed its model
    assert {"strategic-facilitation", "working-out-loud"} <= set(site.methods) and len(site.methods) >= 8
    assert all(s.sources for s in site.case_studies.values())


def test_every_internal_link_and_anchor_resolves(sample_site):
    pages = {p: _parse(p) for p in sample_site.rglob("*.html") if "pagefind" not in p.parts}
    assert len(pages) > 50
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            if urlsplit(link).scheme in ("http", "https", "mailto") or page.name == "404.html":
                continue
            target_url, fragment = urldefrag(link)
            target = (page.parent / unquote(target_url)).resolve() if target_url else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(sample_site)}: {link}")
                continue
            if sample_site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(sample_site)}: {link} leaves the site")
            elif fragment and target.suffix == ".html" and fragment not in pages.get(target, _parse(target)).ids:
                broken.append(f"{page.relative_to(sample_site)}: {link} (no id '{fragment}')")
    assert broken == []


def test_search_index_holds_only_practices(sample_site):
    site, _ = check_content(REPO / "content")
    assert (sample_site / "pagefind/pagefind-ui.js").is_file()
    entry = (sample_site / "pagefind/pagefind-entry.json").read_text()
    assert f'"page_count":{len(site.case_studies) + len(site.events)}' in entry.replace(" ", "")


def test_every_page_in_the_url_table_exists(sample_site):
    site, _ = check_content(REPO / "content")
    expected = [
        "index.html",
        "case-studies/index.html",
        "events/index.html",
        "methods/index.html",
        "topics/index.html",
        "cynefin/index.html",
        "cities/index.html",
        "countries/index.html",
        "sdgs/index.html",
        "search/index.html",
        "feed.xml",
        "404.html",
        "data/practices.json",
        "data/practices.csv",
        "about/index.html",
        "contribute/index.html",
        "map/index.html",
        "network/index.html",
    ]
    expected += [f"case-studies/{s}/index.html" for s in site.case_studies] + [
        f"events/{s}/index.html" for s in site.events
    ]
    expected += [f"methods/{s}/index.html" for s in site.methods] + [
        f"cynefin/{d}/index.html" for d in ("clear", "complicated", "complex", "chaotic", "confused")
    ]
    expected += [f"cynefin/{d}/feed.xml" for d in ("complicated", "complex")] + [
        f"sdgs/{n}/index.html" for n in range(1, 18)
    ]
    expected += [f"topics/{t.slug}/index.html" for t in site.content.topics] + [
        f"topics/{t.slug}/feed.xml" for t in site.content.topics
    ]
    assert [p for p in expected if not (sample_site / p).is_file()] == []
    assert (sample_site / "cities/cn/hangzhou/index.html").is_file()
    assert (sample_site / "countries/mz/index.html").is_file()
