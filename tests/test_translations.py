"""Translations (<slug>.<lang>.md): the checker's exact messages, and what each language tree shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import make_site

from generator.build import BuildOptions, build_site, check_content, load_sites

FOUR_LANGUAGES = """
-- content/site.yml --
title: {en: Test Library, fr: Bibliothèque d’essai, es: Biblioteca de prueba, pt: Biblioteca de teste}
description: Practices for testing.
base_url: https://example.org/library/
license: CC-BY-4.0
languages: [en, fr, es, pt]
-- content/topics.yml --
mobility:
  label: {en: Mobility, fr: Mobilité, es: Movilidad, pt: Mobilidade}
  description: Getting around.
public-space:
  label: Public space
"""

TRANSLATION = """
-- content/case-studies/hangzhou-bikes.pt.md --
---
title: Bicicletas públicas de Hangzhou
summary: Um sistema de bicicletas gerido pela prefeitura.
{extra}
---
## Ponto de partida
Escrito para o teste.
## Enquadramento institucional
Escrito para o teste.
## Abordagem
Escrito para o teste.
## Resultados
Escrito para o teste.
## Lições aprendidas
Escrito para o teste.
## Oportunidades de transferência
Escrito para o teste.
"""


def errors(root: Path, spec: str) -> list[str]:
    make_site(root, spec)
    _, problems = check_content(Path("content"))
    return [str(p) for p in problems if p.is_error]


def warnings(root: Path) -> list[str]:
    _, problems = check_content(Path("content"))
    return [str(p) for p in problems if not p.is_error]


def test_a_translation_that_gives_only_text_is_valid(site_root):
    assert errors(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra="")) == []
    # its headings are the Portuguese poster sections, which the theme's catalog names
    assert not [w for w in warnings(site_root) if "hangzhou-bikes.pt.md" in w]


def test_facts_a_translation_repeats_may_be_written_differently_but_must_mean_the_same(site_root):
    extra = "city: Hangzhou\ncountry: China\ncynefin: Complicated\ntopics: [mobility]\npublished: 2026-10-01\nlang: pt"
    assert errors(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=extra)) == []


def test_facts_that_contradict_the_original_are_errors_at_their_line(site_root):
    extra = "city: Suzhou\ncountry: JP\ncynefin: simple\ntopics: [mobility, public-space]\npublished: 2026-10-02"
    assert errors(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=extra)) == [
        "content/case-studies/hangzhou-bikes.pt.md:4: city: 'Suzhou' differs from the original's 'Hangzhou' (content/case-studies/hangzhou-bikes.md:5); "
        "a translation may change only text (title, summary, body, image_alt, source titles)",
        "content/case-studies/hangzhou-bikes.pt.md:5: country: 'JP' differs from the original's 'CN' (content/case-studies/hangzhou-bikes.md:6); "
        "a translation may change only text (title, summary, body, image_alt, source titles)",
        "content/case-studies/hangzhou-bikes.pt.md:6: cynefin: 'clear' differs from the original's 'complicated' (content/case-studies/hangzhou-bikes.md:8); "
        "a translation may change only text (title, summary, body, image_alt, source titles)",
        "content/case-studies/hangzhou-bikes.pt.md:7: topics: 'mobility, public-space' differs from the original's 'mobility' (content/case-studies/hangzhou-bikes.md:7); "
        "a translation may change only text (title, summary, body, image_alt, source titles)",
        "content/case-studies/hangzhou-bikes.pt.md:8: published: '2026-10-02' differs from the original's '2026-10-01' (content/case-studies/hangzhou-bikes.md:4); "
        "a translation may change only text (title, summary, body, image_alt, source titles)",
    ]


def test_sources_may_change_their_titles_only(site_root):
    original = """
-- content/case-studies/hangzhou-bikes.md --
---
title: Hangzhou public bicycles
summary: A city-run bicycle system.
published: 2026-10-01
city: Hangzhou
country: CN
topics: [mobility]
cynefin: complicated
sources:
  - {title: Report, url: "https://example.org/report"}
  - {title: Data, url: "https://example.org/data"}
---
"""
    swapped = 'sources:\n  - {title: Dados, url: "https://example.org/data"}\n  - {title: Relatório, url: "https://example.org/report"}'
    assert errors(site_root, FOUR_LANGUAGES + original + TRANSLATION.format(extra=swapped)) == [
        "content/case-studies/hangzhou-bikes.pt.md:5: sources: 'https://example.org/data' differs from the original's source 1 'https://example.org/report'; only a source's title may change",
        "content/case-studies/hangzhou-bikes.pt.md:6: sources: 'https://example.org/report' differs from the original's source 2 'https://example.org/data'; only a source's title may change",
    ]
    one = 'sources:\n  - {title: Relatório, url: "https://example.org/report"}'
    assert errors(site_root, TRANSLATION.format(extra=one)) == [
        "content/case-studies/hangzhou-bikes.pt.md:4: sources: lists 1 sources, the original 2; give the original's sources in the same order (only their titles may change)",
    ]
    both = 'sources:\n  - {title: Relatório, url: "https://example.org/report"}\n  - {title: Dados, url: "https://example.org/data"}'
    assert errors(site_root, TRANSLATION.format(extra=both)) == []
    sites, _ = load_sites(Path("content"))
    shown = sites["pt"].case_studies["hangzhou-bikes"].sources
    assert [(s.title, s.url) for s in shown] == [
        ("Relatório", "https://example.org/report"),
        ("Dados", "https://example.org/data"),
    ]


def test_unknown_language_orphan_and_same_language_translations_are_errors(site_root):
    spec = (
        FOUR_LANGUAGES
        + TRANSLATION.format(extra="").replace("hangzhou-bikes.pt.md", "hangzhou-bikes.de.md")
        + """
-- content/case-studies/nowhere.fr.md --
---
title: Nulle part
summary: Une traduction sans original.
---
-- content/case-studies/hangzhou-bikes.en.md --
---
title: Hangzhou public bicycles, again
summary: A second English text.
---
"""
    )
    assert errors(site_root, spec) == [
        "content/case-studies/hangzhou-bikes.de.md:1: lang: 'de' is not a language of this site; add it to languages in site.yml (now: en, fr, es, pt)",
        "content/case-studies/hangzhou-bikes.en.md:1: lang: 'en' is the language of the original (content/case-studies/hangzhou-bikes.md); a translation is in another language",
        "content/case-studies/nowhere.fr.md:1: slug: translates 'nowhere', but there is no case-studies/nowhere.md; a translation sits beside its original",
    ]


def test_a_translation_needs_its_text_fields_and_a_matching_lang(site_root):
    spec = (
        FOUR_LANGUAGES
        + """
-- content/case-studies/hangzhou-bikes.pt.md --
---
lang: es
summary: Um sistema de bicicletas.
colour: blue
---
"""
    )
    assert errors(site_root, spec) == [
        "content/case-studies/hangzhou-bikes.pt.md:1: title: is required but missing (a translation gives the text fields in its language)",
        "content/case-studies/hangzhou-bikes.pt.md:2: lang: 'es' differs from the file name's language 'pt' (hangzhou-bikes.pt.md)",
        "content/case-studies/hangzhou-bikes.pt.md:4: colour: unknown field (did you mean 'country'?)",
    ]


def test_a_file_name_with_a_dot_that_is_no_language_is_still_a_bad_slug(site_root):
    spec = """
-- content/case-studies/hangzhou.bikes.2.md --
---
title: x
---
"""
    assert errors(site_root, spec) == [
        "content/case-studies/hangzhou.bikes.2.md:1: slug: the file name 'hangzhou.bikes.2.md' is not a slug; rename it to 'hangzhou-bikes-2.md' (lowercase ASCII letters, digits and hyphens)",
    ]


def test_site_settings_in_languages_the_site_does_not_have_are_errors(site_root):
    spec = """
-- content/site.yml --
title: {en: Test Library, de: Testbibliothek}
description: Practices for testing.
base_url: https://example.org/library/
languages: [en, pt]
"""
    assert errors(site_root, spec) == ["content/site.yml:1: title: 'de' is not one of the site's languages (en, pt)"]


def _build(root: Path, offline: bool = False) -> Path:
    out = root / ("offline" if offline else "out")
    build_site(
        BuildOptions(content_dir=Path("content"), out_dir=out, search=False, offline=offline),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return out


def _html_files(out: Path, tree: str) -> set[str]:
    base = out / tree if tree else out
    skip = {"fr", "es", "pt"} if not tree else set()
    return {p.relative_to(base).as_posix() for p in base.rglob("*.html") if p.relative_to(base).parts[0] not in skip}


def test_every_language_tree_has_the_same_pages_in_its_language(site_root):
    make_site(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=""))
    out = _build(site_root)
    root_pages = _html_files(out, "") - {"404.html"}
    for lang in ("fr", "es", "pt"):
        assert _html_files(out, lang) == root_pages
        for name in root_pages:
            assert f'<html lang="{lang}"' in (out / lang / name).read_text()
    assert '<html lang="en"' in (out / "case-studies/hangzhou-bikes/index.html").read_text()


def test_translated_and_untranslated_pages_say_so_and_mark_their_text(site_root):
    make_site(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=""))
    out = _build(site_root)
    pt = (out / "pt/case-studies/hangzhou-bikes/index.html").read_text()
    assert '<h1 data-pagefind-meta="title">Bicicletas públicas de Hangzhou</h1>' in pt
    assert (
        'Tradução do original em inglês. <a href="../../../case-studies/hangzhou-bikes/" hreflang="en">Ler o original</a>'
        in pt
    )
    fr = (out / "fr/case-studies/hangzhou-bikes/index.html").read_text()
    assert '<h1 data-pagefind-meta="title" lang="en" dir="ltr">Hangzhou public bicycles</h1>' in fr
    assert (
        "Ce texte n’a pas encore été traduit en français\u00a0; il est présenté dans sa langue d’origine (anglais)."
        in fr
    )
    assert '<div class="prose poster" lang="en" dir="ltr">' in fr
    # the switcher: every language, the untranslated ones marked; hreflang only where the text exists
    assert re.findall(r'<link rel="alternate" hreflang="(\w+)"', fr) == ["en", "pt"]
    assert (
        '<a href="../../../es/case-studies/hangzhou-bikes/" hreflang="es" lang="es">Español</a> <span class="untranslated-mark">(texte original)</span>'
        in fr
    )
    assert '<span aria-current="page">Français</span> <span class="untranslated-mark">(texte original)</span>' in fr
    assert '<a href="../../../pt/case-studies/hangzhou-bikes/" hreflang="pt" lang="pt">Português</a></li>' in fr


def test_localised_facts_country_names_dates_numbers_and_topic_labels(site_root):
    make_site(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=""))
    out = _build(site_root)
    fr = (out / "fr/case-studies/hangzhou-bikes/index.html").read_text()
    assert '<a href="../../countries/cn/">Chine</a>' in fr  # a link within the tree stays in it
    assert '<time datetime="2026-10-01">1 octobre 2026</time>' in fr
    assert '<a href="../../topics/mobility/">Mobilité</a>' in fr
    es = (out / "es/index.html").read_text()
    assert '<a class="brand" href="./">Biblioteca de prueba</a>' in es
    assert '<a href="../countries/cn/">China</a>' in (out / "es/countries/index.html").read_text()
    from generator.i18n import format_number

    assert format_number(10000, "fr") == "10\u202f000"
    assert format_number(10000, "es") == "10.000"
    assert format_number(10000, "en") == "10,000"


def _switcher_links(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="wrap language-switcher".*?</nav>', page, re.S)
    return re.findall(r'<a href="([^"]+)" hreflang="([\w-]+)"', nav.group()) if nav else []


def test_switcher_links_resolve_to_the_same_page_in_each_tree_hosted_and_offline(site_root):
    make_site(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=""))
    for offline in (False, True):
        out = _build(site_root, offline)
        checked = 0
        for page in sorted(out.rglob("*.html")):
            if page.name == "404.html":
                continue
            links = _switcher_links(page.read_text())
            assert len(links) == 3, page  # every language but the current one
            for href, lang in links:
                target = (page.parent / href).resolve()
                if not offline:
                    target = target / "index.html"
                assert target.is_file(), f"{page}: {href}"
                assert f'<html lang="{lang}"' in target.read_text()
                assert (
                    target.relative_to(out / lang if lang != "en" else out).as_posix().rsplit("/", 1)[0]
                    == page.relative_to(
                        out / (page.relative_to(out).parts[0])
                        if page.relative_to(out).parts[0] in ("fr", "es", "pt")
                        else out
                    )
                    .as_posix()
                    .rsplit("/", 1)[0]
                )
                checked += 1
        assert checked > 100


def test_exports_list_each_practice_as_written_with_its_translations(site_root):
    make_site(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=""))
    out = _build(site_root)
    record = json.loads((out / "data/practices.json").read_text())["records"][0]
    # absolute: the site has a base_url (data/practices.json schema 2)
    assert (record["lang"], record["title"], record["url"]) == (
        "en",
        "Hangzhou public bicycles",
        "https://example.org/library/case-studies/hangzhou-bikes/",
    )
    assert record["translations"] == [
        {
            "lang": "pt",
            "title": "Bicicletas públicas de Hangzhou",
            "url": "https://example.org/library/pt/case-studies/hangzhou-bikes/",
        }
    ]
    translations = (out / "data/translations.csv").read_bytes().decode("utf-8")
    assert translations == (
        "slug,lang,title,url\r\n"
        "hangzhou-bikes,pt,Bicicletas públicas de Hangzhou,https://example.org/library/pt/case-studies/hangzhou-bikes/\r\n"
    )
    feed = (out / "pt/feed.xml").read_text()
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pt">' in feed
    assert 'href="https://example.org/library/pt/case-studies/hangzhou-bikes/"' in feed
    assert 'label="Estudo de caso"' in feed


def test_offline_search_is_split_by_language(site_root):
    make_site(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra=""))
    out = _build(site_root, offline=True)
    pt = (out / "pt/search/offline-index.js").read_text()
    en = (out / "search/offline-index.js").read_text()
    assert "Bicicletas públicas de Hangzhou" in pt and "Bicicletas públicas de Hangzhou" not in en
    assert '"country":"China"' in pt and '"country":"Chine"' in (out / "fr/search/offline-index.js").read_text()
    assert 'data-root="../../pt/"' in (out / "pt/search/index.html").read_text()


def test_a_draft_translation_is_left_out_unless_drafts_are_built(site_root):
    make_site(site_root, FOUR_LANGUAGES + TRANSLATION.format(extra="draft: true"))
    out = _build(site_root)
    assert "Bicicletas públicas" not in (out / "pt/case-studies/hangzhou-bikes/index.html").read_text()


def test_a_free_page_cannot_take_the_folder_of_a_language(site_root):
    spec = (
        FOUR_LANGUAGES
        + """
-- content/pages/pt.md --
---
title: Português
---
"""
    )
    assert errors(site_root, spec) == [
        "content/pages/pt.md:1: slug: 'pt' is the folder of the site's pages in that language; rename the page"
    ]
