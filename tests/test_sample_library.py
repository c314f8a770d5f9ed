"""The records added to grow the sample library: what the seeds say, in every language of the site."""

from __future__ import annotations

import re

from conftest import REPO

from generator.build import check_content

GROWN = ("mozambique-brazil-south-south-cooperation", "mozambican-participatory-budgeting-network")
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
