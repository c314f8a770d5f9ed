"""The records added to grow the sample library: what the seeds say, in every language of the site."""

from __future__ import annotations

import re

from conftest import REPO

from generator.build import check_content

GROWN = (
    "mozambique-brazil-south-south-cooperation",
    "mozambican-participatory-budgeting-network",
    "uclg-learning-agenda",
    "idea-knowledge-hub",
)
LANGUAGES = ("en", "es", "fr", "pt")
# The domain paragraph (as in the Porto Alegre record) and the closing editors' note, in each language.
WHY = {"en": "**Why *", "fr": "**Pourquoi *", "es": "**Por qué *", "pt": "**Por que *"}
NOTE = {"en": "**Editors' note.**", "fr": "**Note de la rédaction.**", "es": "**Nota de la redacción.**"}
NOTE["pt"] = "**Nota da redação.**"


def _site():
    site, problems = check_content(REPO / "content")
    assert site is not None, [str(p) for p in problems if p.is_error]
    return site


def test_south_south_cooperation_gives_the_link_the_seeds_give_and_no_more():
    site = _site()
    project = site.case_studies["mozambique-brazil-south-south-cooperation"]
    # UCLG 2016: "8 cities in Mozambique and 6 cities in Brazil ... coordinated and implemented by UCLG, ANAMM,
    # and FNP between 2013 and 2015"; Matola is the only participating city the sources name.
    assert (project.start.year, project.end.year) == (2013, 2015)
    assert project.partners == ("UCLG (United Cities & Local Governments)", "ANAMM", "FNP")
    assert site.city_of[project.slug].name == "Matola"
    assert project.learned_from == ()  # the sources name no Brazilian city that Matola learned from
    assert {"matola-participatory-budgeting", "mozambican-participatory-budgeting-network"} <= set(project.related)


def test_the_network_record_names_the_network_and_is_not_yet_assessed():
    network = _site().case_studies["mozambican-participatory-budgeting-network"]
    assert network.contact.organisation == "Mozambican Participatory Budgeting Network"
    assert network.contact.url is None  # the sources give no address
    assert network.cynefin.value == "confused"


def test_grown_case_studies_exist_in_every_language_with_their_domain_and_editors_note():
    site = _site()
    for slug in GROWN:
        assert site.versions[f"case-studies/{slug}/"] == LANGUAGES
        for lang in LANGUAGES:
            path = REPO / "content" / "case-studies" / (f"{slug}.md" if lang == "en" else f"{slug}.{lang}.md")
            body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
            assert WHY[lang] in body, path
            last = re.split(r"\n\s*\n", body.strip())[-1]
            assert last.startswith(NOTE[lang]), path


def test_the_third_forum_and_its_keynote_are_events_of_the_forum():
    site = _site()
    forum = site.events["bogota-2016-third-uclg-learning-forum"]
    keynote = site.events["bogota-2016-keynote-learning-concepts-and-trends"]
    assert forum.event == keynote.event == "Third UCLG Learning Forum"
    assert (forum.method, keynote.method) == ("strategic-facilitation", "working-out-loud")
    assert site.city_of[forum.slug].name == site.city_of[keynote.slug].name == "Bogotá"


def test_the_learning_agenda_is_filed_where_the_sources_place_it_and_gives_no_start():
    agenda = _site().case_studies["uclg-learning-agenda"]
    # UCLG 2016 places only the Third Forum (Bogota, October 2016); "Learning is an open-ended process, and you
    # cannot predict how and where it will end up" is the domain's ground; the sources give no start year.
    assert agenda.contact.organisation == "UCLG Learning"
    assert agenda.cynefin.value == "complex"
    assert agenda.start is None and agenda.learned_from == ()
    assert "bogota-2016-third-uclg-learning-forum" in agenda.related


def test_the_about_page_names_what_was_left_out_as_too_thin_in_every_language():
    headings = {
        "en": "## What the library leaves out, and why",
        "fr": "## Ce que la bibliothèque laisse de côté, et pourquoi",
        "es": "## Lo que la biblioteca deja fuera, y por qué",
        "pt": "## O que a biblioteca deixa de fora, e por quê",
    }
    for lang, heading in headings.items():
        name = "about.md" if lang == "en" else f"about.{lang}.md"
        text = (REPO / "content" / "pages" / name).read_text(encoding="utf-8")
        assert text.count(heading) == 1, name
        assert text.count("Sorsogon") == 1 and text.count("CapaciPoa") == 1, name
