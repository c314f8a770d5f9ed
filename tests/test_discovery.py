"""What pages tell search engines and link previews: canonical URLs, Open Graph, Twitter cards, schema.org
JSON-LD (read back with extruct, the parser search-engine tooling uses), robots.txt and the share image."""

from __future__ import annotations

import io
import json
import runpy
from pathlib import Path

import extruct
import html5lib
from conftest import REPO, make_site
from PIL import Image

from generator.build import BuildOptions, build_site
from generator.model import YearOrDate
from generator.structured_data import iso_date, json_ld_script, og_locale

BASE = "https://example.org/library/"
STUDY_URL = BASE + "case-studies/taiyuan-bikes/"

PRACTICES = """
-- content/site.yml --
title: {en: Test Library, pt: Biblioteca de Teste}
description: Practices for testing.
base_url: https://example.org/library/
languages: [en, pt]
license: CC-BY-4.0
-- content/case-studies/taiyuan-bikes.md --
---
title: Taiyuan public bicycles
summary: Taiyuan adapted Hangzhou's bicycle system.
published: 2026-10-02
updated: 2026-10-20
city: Taiyuan
country: CN
topics: [mobility, public-space]
cynefin: complicated
start: 2012
learned_from: [hangzhou-bikes]
coordinates: [37.87, 112.55]
contact: {organisation: Taiyuan bicycle office}
---
## Starting point
-- content/case-studies/taiyuan-bikes.pt.md --
---
title: Bicicletas públicas de Taiyuan
summary: Taiyuan adaptou o sistema de Hangzhou.
---
## Ponto de partida
-- content/events/bike-forum.md --
---
title: Bicycle forum
summary: Cities compared their bicycle systems.
date: 2019-05-14
end_date: 2019-05-16
city: Hangzhou
country: CN
method: world-cafe
topics: [mobility]
event: Learning Forum
organizers: [City of Hangzhou]
---
Notes.
"""


def _build(root: Path, **options) -> Path:
    build_site(
        BuildOptions(content_dir=root / "content", out_dir=root / "out", search=False, jobs=1, **options),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return root / "out"


def _metadata(page: Path, url: str | None = None) -> dict:
    return extruct.extract(page.read_text(encoding="utf-8"), base_url=url, syntaxes=["json-ld", "opengraph"])


def _og(data: dict) -> dict:
    """Open Graph properties as {property: [values]} (og:locale:alternate repeats)."""
    found: dict[str, list[str]] = {}
    for item in data["opengraph"]:
        for key, value in item["properties"]:
            found.setdefault(key, []).append(value)
    return found


def _head_links(page: Path) -> list[dict]:
    tree = html5lib.parse(page.read_text(encoding="utf-8"), namespaceHTMLElements=False)
    return [dict(link.attrib) for link in tree.find("head").iter("link")]


def test_case_study_has_canonical_alternates_open_graph_and_twitter_card(site_root):
    make_site(site_root, PRACTICES)
    out = _build(site_root)
    page = out / "case-studies/taiyuan-bikes/index.html"
    links = _head_links(page)
    assert {"rel": "canonical", "href": STUDY_URL} in links
    alternates = {link["hreflang"]: link["href"] for link in links if "hreflang" in link}
    assert alternates == {"en": STUDY_URL, "pt": BASE + "pt/case-studies/taiyuan-bikes/", "x-default": STUDY_URL}

    og = _og(_metadata(page, STUDY_URL))
    assert og["og:title"] == ["Taiyuan public bicycles"]
    assert og["og:description"] == ["Taiyuan adapted Hangzhou's bicycle system."]
    assert og["og:type"] == ["article"]
    assert og["og:url"] == [STUDY_URL]
    assert og["og:locale"] == ["en_US"]
    assert og["og:locale:alternate"] == ["pt_BR"]
    assert og["og:image"] == [BASE + "static/share.png"]
    assert og["og:image:alt"] == ["Test Library"]
    assert og["article:published_time"] == ["2026-10-02"]
    assert og["article:modified_time"] == ["2026-10-20"]
    assert '<meta name="twitter:card" content="summary_large_image">' in page.read_text(encoding="utf-8")

    translated = out / "pt/case-studies/taiyuan-bikes/index.html"
    assert {"rel": "canonical", "href": BASE + "pt/case-studies/taiyuan-bikes/"} in _head_links(translated)
    og = _og(_metadata(translated))
    assert og["og:locale"] == ["pt_BR"]
    assert og["og:locale:alternate"] == ["en_US"]
    assert og["og:title"] == ["Bicicletas públicas de Taiyuan"]
    assert og["og:site_name"] == ["Biblioteca de Teste"]


def test_case_study_json_ld_is_an_article_with_place_dates_topics_licence_and_lineage(site_root):
    make_site(site_root, PRACTICES)
    out = _build(site_root)
    (article,) = _metadata(out / "case-studies/taiyuan-bikes/index.html", STUDY_URL)["json-ld"]
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "Article"
    assert article["url"] == STUDY_URL
    assert article["headline"] == "Taiyuan public bicycles"
    assert "description" not in article  # the meta description and og:description carry the summary
    assert article["inLanguage"] == "en"
    assert article["datePublished"] == "2026-10-02"
    assert article["dateModified"] == "2026-10-20"
    assert article["temporalCoverage"] == "2012/.."  # a year stays a year; ongoing is an open interval
    assert article["contentLocation"] == {
        "@type": "Place",
        "name": "Taiyuan",
        "address": {"@type": "PostalAddress", "addressLocality": "Taiyuan", "addressCountry": "CN"},
        "geo": {"@type": "GeoCoordinates", "latitude": 37.87, "longitude": 112.55},
    }
    assert article["about"] == [
        {"@type": "Thing", "name": "Mobility", "url": BASE + "topics/mobility/"},
        {"@type": "Thing", "name": "Public space", "url": BASE + "topics/public-space/"},
    ]
    assert article["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert article["isBasedOn"] == [BASE + "case-studies/hangzhou-bikes/"]
    assert "image" not in article  # no image of its own: the share image is for previews only

    (untranslated,) = _metadata(out / "pt/case-studies/hangzhou-bikes/index.html")["json-ld"]
    assert untranslated["inLanguage"] == "en"  # the text's language, not the interface's
    assert "geo" not in untranslated["contentLocation"]  # no coordinates given
    assert "temporalCoverage" not in untranslated and "isBasedOn" not in untranslated


def test_event_method_and_home_json_ld(site_root):
    make_site(site_root, PRACTICES)
    out = _build(site_root)
    (event,) = _metadata(out / "events/bike-forum/index.html")["json-ld"]
    assert event["@type"] == "Event"
    assert event["name"] == "Bicycle forum"
    assert (event["startDate"], event["endDate"]) == ("2019-05-14", "2019-05-16")
    assert event["location"]["@type"] == "Place"
    assert event["location"]["address"]["addressLocality"] == "Hangzhou"
    assert event["organizer"] == [{"@type": "Organization", "name": "City of Hangzhou"}]
    assert event["superEvent"] == {"@type": "EventSeries", "name": "Learning Forum"}
    assert _og(_metadata(out / "events/bike-forum/index.html"))["og:type"] == ["article"]

    (method,) = _metadata(out / "methods/world-cafe/index.html")["json-ld"]
    assert method["@type"] == "CreativeWork"
    assert (method["name"], method["url"]) == ("World café", BASE + "methods/world-cafe/")

    (website,) = _metadata(out / "index.html")["json-ld"]
    assert website["@type"] == "WebSite"
    assert website["url"] == BASE
    assert website["potentialAction"] == {
        "@type": "SearchAction",
        "target": {"@type": "EntryPoint", "urlTemplate": BASE + "search/?q={search_term_string}"},
        "query-input": "required name=search_term_string",
    }
    (website_pt,) = _metadata(out / "pt/index.html")["json-ld"]
    assert website_pt["potentialAction"]["target"]["urlTemplate"] == BASE + "pt/search/?q={search_term_string}"
    assert _og(_metadata(out / "index.html"))["og:type"] == ["website"]
    assert not _metadata(out / "topics/index.html")["json-ld"]  # lists carry Open Graph only


def test_practice_image_is_the_share_image(site_root):
    make_site(
        site_root,
        """
        -- content/case-studies/hangzhou-bikes.md --
        ---
        title: Hangzhou public bicycles
        summary: A city-run bicycle system.
        published: 2026-10-01
        city: Hangzhou
        country: CN
        topics: [mobility]
        cynefin: complicated
        image: media/bikes.png
        image_alt: Rows of red bicycles at a station
        contact: {organisation: Hangzhou public bicycle office}
        ---
        ## Starting point
        """,
    )
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, "PNG")
    (site_root / "content/media").mkdir()
    (site_root / "content/media/bikes.png").write_bytes(picture.getvalue())
    out = _build(site_root)
    page = out / "case-studies/hangzhou-bikes/index.html"
    og = _og(_metadata(page))
    assert og["og:image"] == [BASE + "media/bikes.png"]
    assert og["og:image:alt"] == ["Rows of red bicycles at a station"]
    assert "og:image:width" not in og  # only the theme's image has known dimensions
    (article,) = _metadata(page)["json-ld"]
    assert article["image"] == BASE + "media/bikes.png"


def test_without_base_url_only_what_needs_no_absolute_url(site_root):
    (site_root / "content/site.yml").write_text("title: Test Library\ndescription: Practices for testing.\n")
    out = _build(site_root)
    page = out / "case-studies/hangzhou-bikes/index.html"
    html = page.read_text(encoding="utf-8")
    assert 'rel="canonical"' not in html and "x-default" not in html
    og = _og(_metadata(page))
    assert og["og:title"] == ["Hangzhou public bicycles"] and og["og:type"] == ["article"]
    assert not {"og:url", "og:image", "og:image:alt"} & set(og)
    assert '<meta name="twitter:card" content="summary">' in html
    (article,) = _metadata(page)["json-ld"]
    assert "url" not in article and article["headline"] == "Hangzhou public bicycles"
    assert "license" not in article  # site.yml names none
    (website,) = _metadata(out / "index.html")["json-ld"]
    assert "potentialAction" not in website and "url" not in website
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"


def test_offline_copy_names_no_published_url(site_root):
    out = _build(site_root, offline=True)
    html = (out / "case-studies/hangzhou-bikes/index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in html and "og:url" not in html and BASE not in html.split("</head>")[0]


def test_robots_txt_names_the_sitemap(site_root):
    out = _build(site_root)
    assert (out / "robots.txt").read_text(encoding="utf-8") == (
        f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"
    )
    assert (out / "sitemap.xml").is_file()
    manifest = json.loads((out / "data/manifest.json").read_text(encoding="utf-8"))
    assert "robots.txt" in [entry["path"] for entry in manifest["files"]]


HOSTILE = "</script><script>alert(1)</script> <!-- & \"quoted\" 'single'"  # U+2028: see the unit test below


def test_json_ld_stays_inert_whatever_the_title_holds(site_root):
    make_site(
        site_root,
        f"""
        -- content/case-studies/hangzhou-bikes.md --
        ---
        title: {json.dumps(HOSTILE)}
        summary: "a < b && c > d <!-- e"
        published: 2026-10-01
        city: "Hang</script>zhou"
        country: CN
        topics: [mobility]
        cynefin: complicated
        contact: {{organisation: Hangzhou public bicycle office}}
        ---
        ## Starting point
        """,
    )
    out = _build(site_root)
    html = (out / "case-studies/hangzhou-bikes/index.html").read_text(encoding="utf-8")
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    scripts = list(tree.iter("script"))
    assert [s.get("type") for s in scripts] == ["application/ld+json"]  # no script the title could open
    assert not any("alert" in (s.text or "") and s.get("type") != "application/ld+json" for s in scripts)
    text = scripts[0].text
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    data = json.loads(text)
    assert data["headline"] == HOSTILE
    assert "description" not in data  # the summary is in the meta description and og:description only
    assert _og(_metadata(out / "case-studies/hangzhou-bikes/index.html"))["og:description"] == ["a < b && c > d <!-- e"]
    assert data["contentLocation"]["name"] == "Hang</script>zhou"
    # nothing in the head or body became an element: the page's only image is its locator map, the theme's
    assert [(i.get("class"), i.get("alt")) for i in tree.iter("img")] == [
        ("locator-map", "Hang</script>zhou, China on a map")
    ]
    og = _og(_metadata(out / "case-studies/hangzhou-bikes/index.html"))
    assert og["og:title"] == [HOSTILE]


def test_json_ld_script_escapes_what_could_end_the_element():
    text = json_ld_script({"a": "</script><!--x-->&\u2028\u2029é"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!--x--\\u003e\\u0026\\u2028\\u2029é"}'
    assert json.loads(text) == {"a": "</script><!--x-->&\u2028\u2029é"}


def test_dates_keep_the_precision_the_content_has():
    assert iso_date(YearOrDate(2014)) == "2014"
    assert iso_date(YearOrDate(2019, 5)) == "2019-05"  # a month-only event date stays a month
    assert iso_date(YearOrDate(2019, 5, 14)) == "2019-05-14"
    import datetime as dt

    assert iso_date(dt.date(2019, 5, 14)) == "2019-05-14"


def test_open_graph_locales_name_a_territory():
    assert [og_locale(lang) for lang in ("en", "fr", "es", "pt", "pt-BR", "zh")] == [
        "en_US",
        "fr_FR",
        "es_ES",
        "pt_BR",
        "pt_BR",
        "zh_CN",
    ]


def test_share_image_is_a_1200_by_630_png_made_by_its_script():
    path = REPO / "themes/default/static/share.png"
    image = Image.open(path)
    assert (image.format, image.size) == ("PNG", (1200, 630))
    script = runpy.run_path(str(REPO / "scripts/build-share-image.py"))
    assert script["draw"]() == path.read_bytes(), "run scripts/build-share-image.py and commit share.png"
