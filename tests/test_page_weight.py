"""Lighter pages: each page links only the stylesheets it uses, the print poster's sheet does not block
rendering, the published stylesheets are minified (rcssmin, then the zeros before decimal points), and what
blocks a case-study page's first render is weighed, in the light and the dark colour scheme."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import html5lib
import pytest
import rcssmin
from conftest import REPO, make_site

from generator.assets import minified_css
from generator.build import BuildOptions, build_site
from generator.page_plan import CONTENT_SECURITY_POLICY, SEARCH_CONTENT_SECURITY_POLICY
from generator.search import run_pagefind
from generator.templating import dedent_html

THEME_STATIC = REPO / "themes/default/static"
SHEETS = (
    *("base", "cards", "count", "cynefin", "dark", "home", "locator", "map", "method", "network", "pager", "print"),
    *("prose", "search", "terms"),
)
# What blocks the first render of the sample site's largest case-study page (HTML + stylesheets +
# scripts), in bytes, uncompressed: 75.5 kB before the split, 46.8 kB after it, 43.4 kB once base.css lost
# what only other pages use, and 29.8 kB (fr/mozambique-brazil-south-south-cooperation) once the locator map
# became an image file, linked practices a list of titles, cards.css, prose.css and the dark scheme's
# tokens (dark.css) left base.css, the year filter took one element and the indentation went. A dark-scheme
# screen also waits for dark.css: 30.6 kB then, over the goal. 29.0 kB light and 29.7 kB dark once base.css
# lost what other pages use and what restated a default or another rule, the zeros before decimal points
# went from the published sheets, a card's shadow moved to cards.css, and the page's markup lost spaces and
# elements that said nothing twice (the type filter is on the visible kind). The budget
# covers both schemes, with room for the records to grow; the goal holds in both.
BUDGET = 32_000
GOAL = 30_000
DARK = "(prefers-color-scheme: dark)"  # dark.css's media: it blocks rendering only on a dark-scheme screen


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("weight") / "site"
    build_site(
        BuildOptions(content_dir=REPO / "content", out_dir=out, search=False, base_url="https://example.org/cpr/"),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return out


def _render_blocking(page: Path, scheme: str = "light") -> list[Path]:
    """Stylesheets whose media matches a screen (in the light scheme, or also dark.css's in the dark one)
    and scripts without defer, async or type=module."""
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    screen = ("all", "screen", "", *((DARK,) if scheme == "dark" else ()))
    blocking = []
    for link in tree.iter("link"):
        if link.get("rel") == "stylesheet" and link.get("media", "all") in screen:
            blocking.append(link.get("href"))
    for script in tree.iter("script"):
        src = script.get("src")
        if src and not ({"defer", "async"} & set(script.attrib)) and script.get("type") != "module":
            blocking.append(src)
    return [(page.parent / href).resolve() for href in blocking]


def _stylesheets(page: Path) -> dict[str, str]:
    """Linked sheet name -> its media attribute ("" when none)."""
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    return {
        Path(link.get("href")).stem: link.get("media", "")
        for link in tree.iter("link")
        if link.get("rel") == "stylesheet"
    }


def _weight(page: Path, scheme: str = "light") -> int:
    return page.stat().st_size + sum(path.stat().st_size for path in _render_blocking(page, scheme))


def _largest_case_study(site: Path) -> Path:
    return max(site.glob("**/case-studies/*/index.html"), key=lambda p: p.stat().st_size)


def test_each_page_links_only_the_stylesheets_it_uses(sample_site):
    case_study = _largest_case_study(sample_site)
    # its locator map is an image, its linked practices a list (no cards), its body plain prose
    assert _stylesheets(case_study) == {"base": "", "dark": DARK, "print": "print"}
    coding = sample_site / "case-studies/la-paz-participatory-planning/index.html"  # code in its body
    assert "<code>" in coding.read_text(encoding="utf-8")
    assert _stylesheets(coding) == {"base": "", "dark": DARK, "prose": "", "print": "print"}
    assert _stylesheets(sample_site / "about/index.html") == {
        "base": "",
        "dark": DARK,
        "prose": "",
        "print": "print",
    }  # tables
    home = {"base": "", "dark": DARK, "cards": "", "home": "", "terms": "", "count": "", "print": "print"}
    assert _stylesheets(sample_site / "index.html") == home
    method = {"base": "", "dark": DARK, "cards": "", "method": "", "print": "print"}
    assert _stylesheets(sample_site / "methods/peer-review/index.html") == method
    cards = {"base": "", "dark": DARK, "cards": "", "print": "print"}
    assert _stylesheets(sample_site / "topics/mobility/index.html") == cards  # one page
    assert _stylesheets(sample_site / "events/index.html") == cards
    assert _stylesheets(sample_site / "methods/index.html") == cards
    assert _stylesheets(sample_site / "events/bogota-2016-peer-review-la-paz/index.html") == cards
    terms = {"base": "", "dark": DARK, "terms": "", "count": "", "print": "print"}  # a count beside each term
    assert _stylesheets(sample_site / "topics/index.html") == terms
    assert _stylesheets(sample_site / "404.html") == {"base": "", "dark": DARK, "search": "", "print": "print"}
    map_sheets = {"base": "", "dark": DARK, "map": "", "locator": "", "terms": "", "count": "", "print": "print"}
    assert _stylesheets(sample_site / "map/index.html") == map_sheets
    assert _stylesheets(sample_site / "network/index.html") == {
        "base": "",
        "dark": DARK,
        "network": "",
        "print": "print",
    }
    assert _stylesheets(sample_site / "search/index.html") == {"base": "", "dark": DARK, "search": "", "print": "print"}
    assert _stylesheets(sample_site / "cynefin/index.html") == {
        "base": "",
        "dark": DARK,
        "cynefin": "",
        "count": "",
        "print": "print",
    }
    domain = {"base": "", "dark": DARK, "cards": "", "cynefin": "", "print": "print"}  # no count on it
    assert _stylesheets(sample_site / "cynefin/complex/index.html") == domain
    country = {"base": "", "dark": DARK, "cards": "", "locator": "", "print": "print"}
    assert _stylesheets(sample_site / "countries/br/index.html") == country
    city = sample_site / "cities/br/porto-alegre/index.html"
    assert _stylesheets(city) == {"base": "", "dark": DARK, "cards": "", "network": "", "print": "print"}
    assert not (sample_site / "static/style.css").exists()


def test_pages_link_cards_css_exactly_when_they_show_cards(sample_site):
    for page in sorted(sample_site.rglob("*.html")):
        tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
        shows = any("card" in (e.get("class") or "").split() for e in tree.iter())
        shows |= any("cards" in (e.get("class") or "").split() for e in tree.iter())
        assert shows == ("cards" in _stylesheets(page)), page


def test_published_stylesheets_are_the_theme_sources_minified(sample_site):
    for name in SHEETS:
        source = (THEME_STATIC / f"{name}.css").read_text(encoding="utf-8")
        published = (sample_site / f"static/{name}.css").read_text(encoding="utf-8")
        assert published == minified_css(source) + "\n"
        assert "/*" not in published and len(published) < 0.8 * len(source)
        assert len(published) <= len(rcssmin.cssmin(source) + "\n")


def test_minified_css_drops_the_zeros_before_decimal_points_only_in_numbers():
    css = 'a{margin:0.5rem -0.75rem 10.5px;content:"0.5";background:url(v0.5/x0.5.png);b:rgb(0 0 0 / 0.4)}'
    assert (
        minified_css(css)
        == 'a{margin:.5rem -.75rem 10.5px;content:"0.5";background:url(v0.5/x0.5.png);b:rgb(0 0 0 / .4)}'
    )


def test_pages_link_count_css_exactly_when_they_show_a_count(sample_site):
    """The count pill's rules are in one sheet (they were in both cynefin.css and terms.css)."""
    for page in sorted(sample_site.rglob("*.html")):
        tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
        shows = any("count" in (e.get("class") or "").split() for e in tree.iter())
        assert shows == ("count" in _stylesheets(page)), page
    for name in ("cynefin", "terms"):
        assert "--pill-bg" not in (sample_site / f"static/{name}.css").read_text(encoding="utf-8")


def test_a_case_study_page_blocks_rendering_on_less_than_its_budget(sample_site):
    page = _largest_case_study(sample_site)
    assert sorted(p.name for p in _render_blocking(page)) == ["base.css"]  # no script, no print or dark sheet
    assert sorted(p.name for p in _render_blocking(page, "dark")) == ["base.css", "dark.css"]
    for scheme in ("light", "dark"):
        assert _weight(page, scheme) < BUDGET, f"{page}: {_weight(page, scheme)} bytes block rendering ({scheme})"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_case_study_page_blocks_rendering_on_less_than_30_kb(sample_site, scheme):
    """The issue's goal, for every case study of every language tree, on a light-scheme screen and on a
    dark-scheme one (which also waits for dark.css; print.css never blocks)."""
    weights = {p: _weight(p, scheme) for p in sample_site.glob("**/case-studies/*/index.html")}
    assert len(weights) > 40
    assert max(weights.values()) < GOAL, max(weights.items(), key=lambda item: item[1])
    assert (sample_site / "static/dark.css").stat().st_size < 1_000


def test_offline_copy_links_the_split_stylesheets_relatively(tmp_path):
    out = tmp_path / "offline"
    build_site(
        BuildOptions(content_dir=REPO / "tests/fixtures/site/content", out_dir=out, search=False, offline=True),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    page = next(out.glob("case-studies/*/index.html"))
    html = page.read_text(encoding="utf-8")
    assert 'href="../../static/base.css"' in html
    assert 'href="../../static/print.css" media="print"' in html
    for path in _render_blocking(page):
        assert path.is_file(), path


def test_only_lists_of_more_than_one_page_link_the_pager(site_root):
    study = (site_root / "content/case-studies/hangzhou-bikes.md").read_text(encoding="utf-8")
    make_site(
        site_root,
        "".join(
            f"-- content/case-studies/p{n:03d}.md --\n" + study.replace("Hangzhou public", f"P{n}") for n in range(100)
        ),
    )
    out = site_root / "out"
    build_site(BuildOptions(content_dir=site_root / "content", out_dir=out, search=False))
    pager = {"base": "", "dark": DARK, "cards": "", "pager": "", "print": "print"}
    assert _stylesheets(out / "case-studies/index.html") == pager
    assert _stylesheets(out / "case-studies/page/2/index.html") == pager
    assert _stylesheets(out / "topics/mobility/index.html") == pager
    assert _stylesheets(out / "topics/public-space/index.html") == {
        "base": "",
        "dark": DARK,
        "print": "print",
    }  # empty: no cards
    assert _stylesheets(out / "events/index.html") == {"base": "", "dark": DARK, "print": "print"}  # no event: no cards


def test_an_event_discussed_is_not_listed_again_among_related_practices(sample_site):
    """Porto Alegre's record names its two events in `related`; they are listed once, under "Discussed at"."""
    tree = html5lib.parse(
        (sample_site / "case-studies/porto-alegre-participatory-budgeting/index.html").read_bytes(),
        namespaceHTMLElements=False,
    )
    sections = {s.get("aria-labelledby"): s for s in tree.iter("section")}

    def titles(section: str) -> list[str]:
        return [li.find("a").get("href").split("/")[-2] for li in sections[section].iter("li")]

    assert titles("events-heading") == [
        "bogota-2016-peer-review-la-paz",
        "matola-2016-iopd-participatory-budgeting-workshop",
    ]
    assert titles("related-heading") == [
        "mozambique-brazil-south-south-cooperation",
        "matola-participatory-budgeting",
        "la-paz-participatory-planning",
        "porto-alegre-public-spaces",
        "porto-alegre-local-solidarity-governance",
    ]


def test_the_year_filter_in_one_element_gives_pagefind_every_year(sample_site, tmp_path):
    """Porto Alegre's practice runs from 1990 to the build year (2026): one element holds the 37 years, and
    Pagefind indexes each as a value of the year filter."""
    page = sample_site / "case-studies/porto-alegre-participatory-budgeting/index.html"
    tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    [years] = [e for e in tree.iter() if (e.get("data-pagefind-filter") or "").startswith("year[")]
    assert [years.get(f"data-y{i}") for i in range(37)] == [str(y) for y in range(1990, 2027)]
    site = tmp_path / "one"
    (site / "case-studies/x").mkdir(parents=True)
    (site / "case-studies/x/index.html").write_bytes(page.read_bytes())
    run_pagefind(site)
    [fragment] = (site / "pagefind/fragment").iterdir()
    data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
    assert data["filters"]["year"] == [str(y) for y in range(1990, 2027)]
    assert data["filters"]["type"] == ["Case study"] and data["filters"]["city"] == ["Porto Alegre"]


def test_the_content_security_policy_is_printed_unescaped_and_needs_no_escaping():
    """base.html prints the policy with |safe (its quotes as they are): it must hold nothing to escape."""
    for policy in (CONTENT_SECURITY_POLICY, SEARCH_CONTENT_SECURITY_POLICY):
        assert not set(policy) & set('"&<>'), policy


def test_pages_lose_the_templates_indentation_but_pre_and_textarea_keep_theirs():
    html = "<ul>\n  <li>a</li>\n\t<li>b</li>\n</ul>\n<pre>\n  code\n    more</pre>\n  <textarea>\n  x</textarea>\n"
    assert (
        dedent_html(html)
        == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<pre>\n  code\n    more</pre>\n<textarea>\n  x</textarea>\n"
    )
    assert (
        dedent_html('<PRE class="x">\n  kept</PRE>\n  <p>\n  text</p>')
        == '<PRE class="x">\n  kept</PRE>\n<p>\ntext</p>'
    )


def test_links_within_a_language_tree_stay_in_it(sample_site):
    page = (sample_site / "fr/case-studies/porto-alegre-participatory-budgeting/index.html").read_text(encoding="utf-8")
    assert '<a href="../../topics/local-finance/">' in page and "../../../fr/" not in page
    assert 'href="../../../case-studies/porto-alegre-participatory-budgeting/" hreflang="en"' in page  # the original
    assert 'href="../../../static/base.css"' in page  # files every tree shares
    home = (sample_site / "fr/index.html").read_text(encoding="utf-8")
    assert '<a class="brand" href="./">' in home and 'href="./case-studies/"' in home
