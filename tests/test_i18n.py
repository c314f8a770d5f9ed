"""The theme's catalogs: every interface string translated into French, Spanish and Portuguese."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import REPO, render_fragment

from generator.i18n import DEFAULT_THEME, POSTER_SECTIONS, catalog_translations, language_name, poster_section_names
from generator.templating import make_environment

LANGUAGES = ("fr", "es", "pt")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted() -> dict[str | tuple[str, str], str]:
    """Every string the theme and generator mark for translation, as babel.cfg tells pybabel to find them."""
    with (REPO / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, _line, message, _comments, _context in extract_from_dir(str(REPO), method_map, options_map):
        found[message] = filename
    return found


@pytest.fixture(scope="module")
def extracted():
    return _extracted()


def test_the_extraction_finds_the_theme_and_the_poster_sections(extracted):
    assert "Skip to content" in extracted
    assert ("%(num)s practice", "%(num)s practices") in extracted
    assert all(name in extracted for names in POSTER_SECTIONS for name in names)
    assert len(extracted) > 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated_in_the_catalog(extracted, lang):
    path = DEFAULT_THEME / f"locale/{lang}/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing, empty, fuzzy, placeholders = [], [], [], []
    for message_id, filename in sorted(extracted.items(), key=str):
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        message = catalog.get(key)
        if message is None:
            missing.append(f"{filename}: {message_id!r}")
            continue
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(translations):
            empty.append(key)
        if message.fuzzy:
            fuzzy.append(key)
        wanted = set(PLACEHOLDER.findall(" ".join(message_id if isinstance(message_id, tuple) else (message_id,))))
        for text in translations:
            given = set(PLACEHOLDER.findall(text))
            # a plural's singular may spell the number out ("un", "uma"); nothing may be invented
            if given - wanted or (not isinstance(message_id, tuple) and given != wanted):
                placeholders.append(f"{key!r} -> {text!r}")
    assert missing == [], f"run scripts/update-catalogs.sh and translate: {missing}"
    assert empty == []
    assert fuzzy == []
    assert placeholders == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_keep_no_strings_the_theme_no_longer_uses(extracted, lang):
    with (DEFAULT_THEME / f"locale/{lang}/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    ids = {m[0] if isinstance(m, tuple) else m for m in extracted}
    assert (
        sorted(
            m.id if isinstance(m.id, str) else m.id[0]
            for m in catalog
            if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in ids
        )
        == []
    )


def test_templates_render_in_the_readers_language():
    env = make_environment([DEFAULT_THEME], "pt")
    html = env.from_string(
        '{% import "macros.html" as m with context %}{{ m.domain_name("complex") }} · {{ ngettext("%(num)s practice", "%(num)s practices", 12345) }}'
    ).render({"root": "../", "offline": False, "lang": "pt"})
    assert html == "Complexo · 12.345 práticas"
    assert render_fragment('{{ _("Search") }}') == "Search"
    fr = (
        make_environment([DEFAULT_THEME], "fr")
        .from_string('{{ _("Page %(number)s of %(total)s", number=1, total=2000) }}')
        .render()
    )
    assert fr == "Page 1 sur 2\u202f000"


def test_a_custom_theme_translates_first_and_the_default_catalog_fills_in(tmp_path):
    catalog = tmp_path / "theme/locale/fr/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Search"\nmsgstr "Chercher"\n',
        encoding="utf-8",
    )
    translations = catalog_translations((tmp_path / "theme", DEFAULT_THEME), "fr")
    assert translations.gettext("Search") == "Chercher"
    assert translations.gettext("Case studies") == "Études de cas"
    assert (
        catalog_translations((DEFAULT_THEME,), "pt-BR").gettext("Case studies") == "Estudos de caso"
    )  # pt-BR falls back to pt
    assert catalog_translations((DEFAULT_THEME,), "de").gettext("Case studies") == "Case studies"


def test_language_names_come_from_cldr():
    assert language_name("pt", "fr") == "portugais"
    assert language_name("en", "es") == "inglés"
    assert language_name("xx", "en") == "xx"


def test_poster_sections_are_accepted_in_every_language_of_the_site():
    names = poster_section_names((DEFAULT_THEME,), ("en", "pt"))
    assert names[0] == ("Starting point", "Ponto de partida")
    assert names[4] == ("Lessons learnt", "Lessons learned", "Lições aprendidas")


def _french_site(root):
    site_yml = root / "content/site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8").rstrip("\n") + "\nlanguages: [en, fr]\n", encoding="utf-8")


def test_an_edited_catalog_shows_in_the_next_build_of_the_same_process(site_root):
    """`practice serve` builds again and again in one process: a catalog edited between two builds must
    show in the second (a catalog remembered per process never did)."""
    from pathlib import Path

    from generator.build import BuildOptions, build_site

    _french_site(site_root)
    theme = site_root / "theme"
    catalog = theme / "locale/fr/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    (theme / "templates").mkdir()
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    catalog.write_text(header + 'msgid "Case studies"\nmsgstr "Pratiques"\n', encoding="utf-8")
    options = BuildOptions(Path("content"), Path("out"), theme_dir=theme, search=False)
    build_site(options)
    assert "Pratiques" in (site_root / "out/fr/case-studies/index.html").read_text(encoding="utf-8")
    catalog.write_text(header + 'msgid "Case studies"\nmsgstr "Expériences"\n', encoding="utf-8")
    build_site(options)
    page = (site_root / "out/fr/case-studies/index.html").read_text(encoding="utf-8")
    assert "Expériences" in page and "Pratiques" not in page


def test_the_checker_reads_poster_sections_from_the_builds_theme(site_root):
    """A theme that names a section its own way in a language is checked by its own names."""
    from pathlib import Path

    from generator.build import check_content

    _french_site(site_root)
    theme = site_root / "theme"
    catalog = theme / "locale/fr/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Approach"\nmsgstr "Méthode suivie"\n',
        encoding="utf-8",
    )
    study = site_root / "content/case-studies/hangzhou-bikes.md"
    study.write_text(study.read_text(encoding="utf-8").replace("## Approach", "## Méthode suivie"), encoding="utf-8")
    assert "## Méthode suivie" in study.read_text(encoding="utf-8")

    def approach_warnings(theme_dirs):
        _, problems = check_content(Path("content"), theme_dirs=theme_dirs)
        return [p for p in problems if "Approach" in p.message]

    assert approach_warnings((DEFAULT_THEME,))  # the default theme does not know the heading
    assert not approach_warnings((theme, DEFAULT_THEME))
