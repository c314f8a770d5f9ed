"""The checker's exact messages: path:line: field: message, all of them, sorted."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_site

from generator.build import check_content

CASE = """
-- content/case-studies/matola.md --
---
title: Matola participatory budgeting
summary: Residents decide on part of the budget.
published: 2026-01-01
city: Matola
country: MZ
topics: [mobility]
cynefin: complex
{extra}
contact: {organisation: Matola City Council, url: "https://example.org/matola"}
---
## Starting point
Written for the test.
## Institutional setting
Written for the test.
## Approach
Written for the test.
## Outcome
Written for the test.
## Lessons learned
Written for the test.
## Transfer opportunities
Written for the test.
"""


def messages(root: Path, spec: str = "") -> list[str]:
    make_site(root, spec)
    _, problems = check_content(Path("content"))
    return [str(p) for p in problems if p.is_error]


def case(extra: str) -> str:
    """The valid case study with fields replaced in place (same line; contact is on line 10) or added on line 9."""
    text = CASE
    added = []
    for line in extra.strip("\n").splitlines():
        key = line.split(":", 1)[0]
        if f"\n{key}:" in text:
            start = text.index(f"\n{key}:") + 1
            text = text[:start] + line + text[text.index("\n", start) :]
        else:
            added.append(line)
    return text.replace("{extra}", "\n".join(added))


def test_valid_site_has_no_errors(site_root):
    assert messages(site_root) == []


def test_unknown_domain_suggests_the_closest(site_root):
    assert messages(site_root, case("").replace("cynefin: complex", "cynefin: complexx")) == [
        "content/case-studies/matola.md:8: cynefin: 'complexx' is not a Cynefin domain (did you mean 'complex'?)"
    ]


@pytest.mark.parametrize(
    "alias, domain", [("simple", "clear"), ("obvious", "clear"), ("disorder", "confused"), ("Complex", "complex")]
)
def test_domain_aliases_are_accepted(site_root, alias, domain):
    make_site(site_root, case("").replace("cynefin: complex", f"cynefin: {alias}"))
    site, problems = check_content(Path("content"))
    assert [p for p in problems if p.is_error] == []
    assert site.case_studies["matola"].cynefin.value == domain


def test_every_error_of_a_file_is_reported_in_line_order(site_root):
    bad = """
-- content/case-studies/matola.md --
---
title: 123
summary: S
published: 2016-13-45
city: Matola
country: Frence
topics: mobility
topic: [x]
cynefin: simple
sdgs: [0, 18, 11]
start: 2015
end: 2012
status: ongoin
sources:
  - title: A
    url: ftp://example.org/x
coordinates: [95, 10]
image: ../secret.png
lang: "English!"
---
"""
    assert messages(site_root, bad) == [
        'content/case-studies/matola.md:2: title: expected text, but YAML reads 123 as a number; put it in quotes: "123"',
        "content/case-studies/matola.md:4: published: '2016-13-45' is not a valid date (write it as YYYY-MM-DD)",
        "content/case-studies/matola.md:6: country: 'Frence' is not an ISO 3166-1 country code or English country name (did you mean 'France'?)",
        "content/case-studies/matola.md:7: topics: expected a list; write [mobility] or one '- mobility' line per item",
        "content/case-studies/matola.md:8: topic: unknown field (did you mean 'topics'?)",
        "content/case-studies/matola.md:10: sdgs: 0 is not an SDG; the goals are numbered 1 to 17",
        "content/case-studies/matola.md:10: sdgs: 18 is not an SDG; the goals are numbered 1 to 17",
        "content/case-studies/matola.md:12: end: 2012 is before start 2015",
        "content/case-studies/matola.md:13: status: 'ongoin' is not one of ongoing, completed, discontinued (did you mean 'ongoing'?)",
        "content/case-studies/matola.md:16: sources: url: 'ftp://example.org/x' is not an absolute http or https URL",
        "content/case-studies/matola.md:17: coordinates: [95, 10] is out of range (latitude -90..90, longitude -180..180)",
        "content/case-studies/matola.md:18: image: '../secret.png' must be a path inside media/, relative to content/ (e.g. media/photo.jpg)",
        # asked for even though the image itself is refused: every problem in one run
        "content/case-studies/matola.md:18: image: needs an image_alt text describing the image",
        "content/case-studies/matola.md:19: lang: 'English!' is not a BCP 47 language tag (e.g. en, pt, pt-BR)",
    ]


def test_missing_required_fields_are_reported_on_line_one(site_root):
    assert messages(site_root, "-- content/events/e.md --\n---\ntitle: E\n---\n") == [
        f"content/events/e.md:1: {field}: is required but missing"
        for field in ("summary", "date", "city", "country", "method", "topics")
    ]


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            "title: 2016",
            'content/case-studies/matola.md:2: title: expected text, but YAML reads 2016 as a number; put it in quotes: "2016"',
        ),
        (
            "city: NO",
            'content/case-studies/matola.md:5: city: expected text, but YAML reads NO as true/false; put it in quotes: "NO"',
        ),
        (
            "country: Atlantis",
            "content/case-studies/matola.md:6: country: 'Atlantis' is not an ISO 3166-1 country code or English country name",
        ),
        (
            "country: ZZ",
            "content/case-studies/matola.md:6: country: 'ZZ' is not an ISO 3166-1 country code or English country name",
        ),
        ("topics: []", "content/case-studies/matola.md:7: topics: must list at least one item"),
        (
            "topics: [mobilty]",
            "content/case-studies/matola.md:7: topics: 'mobilty' is not a topic in topics.yml (did you mean 'mobility'?)",
        ),
        ("topics: [mobility, mobility]", "content/case-studies/matola.md:7: topics: 'mobility' is listed twice"),
        (
            "summary: '" + "x" * 301 + "'",
            "content/case-studies/matola.md:3: summary: is 301 characters long; the limit is 300",
        ),
        (
            "summary: 'A <b>bold</b> claim'",
            "content/case-studies/matola.md:3: summary: must be plain text, without HTML tags",
        ),
        ("updated: 2025-01-01", "content/case-studies/matola.md:9: updated: 2025-01-01 is before published 2026-01-01"),
        (
            "contact: {organisation: City Hall, url: 'javascript:alert(1)'}",
            "content/case-studies/matola.md:10: contact: url: 'javascript:alert(1)' is not an absolute http or https or mailto URL",
        ),
        (
            "image: media/missing.jpg\nimage_alt: A square",
            "content/case-studies/matola.md:9: image: 'media/missing.jpg' does not exist in the content folder",
        ),
        ("draft: maybe", "content/case-studies/matola.md:9: draft: expected true or false, got text"),
        (
            "related: [hangzhou-bike]",
            "content/case-studies/matola.md:9: related: 'hangzhou-bike' is not a case study or event (did you mean 'hangzhou-bikes'?)",
        ),
        (
            "methods: [world-cafee]",
            "content/case-studies/matola.md:9: methods: 'world-cafee' is not a method in methods/ (did you mean 'world-cafe'?)",
        ),
        ("learned_from: [nowhere]", "content/case-studies/matola.md:9: learned_from: 'nowhere' is not a case study"),
        ("sdgs: [11, '7']", "content/case-studies/matola.md:9: sdgs: expected a number from 1 to 17, got text"),
        (
            "start: 20145",
            "content/case-studies/matola.md:9: start: '20145' is not a year (write a four-digit year or YYYY-MM-DD)",
        ),
    ],
)
def test_single_rule(site_root, extra, expected):
    assert messages(site_root, case(extra)) == [expected]


def test_references_to_drafts_fail_unless_drafts_are_built(site_root):
    make_site(site_root, case("related: [hangzhou-bikes]"))
    target = site_root / "content/case-studies/hangzhou-bikes.md"
    target.write_text(target.read_text().replace("cynefin: complicated", "cynefin: complicated\ndraft: true"))
    _, problems = check_content(Path("content"))
    assert [str(p) for p in problems] == [
        "content/case-studies/matola.md:9: related: 'hangzhou-bikes' is a draft; a published record cannot reference it"
    ]
    _, problems = check_content(Path("content"), drafts=True)
    assert problems == []


def test_learned_from_must_be_another_city_and_acyclic(site_root):
    make_site(site_root, case("learned_from: [hangzhou-bikes]"))
    target = site_root / "content/case-studies/hangzhou-bikes.md"
    target.write_text(
        target.read_text().replace("cynefin: complicated", "cynefin: complicated\nlearned_from: [matola]")
    )
    assert messages(site_root) == [
        "content/case-studies/hangzhou-bikes.md:9: learned_from: forms a cycle: a practice cannot have learned from itself through others",
        "content/case-studies/matola.md:9: learned_from: forms a cycle: a practice cannot have learned from itself through others",
    ]


def test_event_references(site_root):
    event = """
-- content/events/forum.md --
---
title: Forum
summary: S
date: 2016-10-12
end_date: 2016-10-10
city: Bogotá
country: Colombia
method: world-caffe
topics: [mobility]
practices: [nope, hangzhou-bikes]
participants: ["Maputo, ZZ", "Hangzhou"]
---
"""
    # an event with front-matter errors is still cross-checked: its references are reported in the same run
    assert messages(site_root, event) == [
        "content/events/forum.md:5: end_date: 2016-10-10 is before date 2016-10-12",
        "content/events/forum.md:8: method: 'world-caffe' is not a method in methods/ (did you mean 'world-cafe'?)",
        "content/events/forum.md:10: practices: 'nope' is not a case study",
        "content/events/forum.md:11: participants: 'ZZ' in 'Maputo, ZZ' is not an ISO 3166-1 country code",
    ]
    make_site(site_root, event.replace("2016-10-10", "2016-10-13").replace(', ZZ"', ', MZ"'))
    assert messages(site_root) == [
        "content/events/forum.md:8: method: 'world-caffe' is not a method in methods/ (did you mean 'world-cafe'?)",
        "content/events/forum.md:10: practices: 'nope' is not a case study",
    ]


def test_front_matter_shapes(site_root):
    spec = """
-- content/case-studies/a.md --
---
title: [unclosed
---
-- content/case-studies/b.md --
no front matter
-- content/case-studies/c.md --
---
title: x
-- content/case-studies/d.md --
---
- a
- b
---
-- content/case-studies/e.md --
---
title: A
title: B
---
-- content/case-studies/Bad_Name.md --
---
title: x
---
-- content/case-studies/f.md --
---
x: !!python/object:os.system ls
---
"""
    assert messages(site_root, spec) == [
        "content/case-studies/Bad_Name.md:1: slug: the file name 'Bad_Name.md' is not a slug; rename it to 'bad-name.md' (lowercase ASCII letters, digits and hyphens)",
        "content/case-studies/a.md:3: front matter: is not valid YAML: did not find expected ',' or ']'",
        "content/case-studies/b.md:1: front matter: the file must start with a '---' line opening the front matter",
        "content/case-studies/c.md:1: front matter: the front matter opened on line 1 is never closed with a '---' line",
        "content/case-studies/d.md:2: front matter: must be a mapping of 'key: value' lines, not a list",
        "content/case-studies/e.md:3: title: is given twice; remove one of them",
        "content/case-studies/f.md:2: front matter: x: the tag !!python/object:os.system is not allowed",
    ]


def test_byte_order_mark_and_crlf_are_accepted(site_root):
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert messages(site_root) == []


def test_deeply_nested_yaml_is_an_error_not_a_crash(site_root):
    path = site_root / "content/case-studies/deep.md"
    path.write_text("---\nx: " + "[" * 60000 + "]" * 60000 + "\n---\n")
    assert messages(site_root) == ["content/case-studies/deep.md:2: front matter: is nested too deeply"]


def test_symlinks_are_refused(site_root):
    (site_root / "content/case-studies/link.md").symlink_to("/etc/passwd")
    assert messages(site_root) == [
        "content/case-studies/link.md: is a symbolic link; links are refused so that nothing outside the repository gets published"
    ]


def test_site_settings(site_root):
    spec = """
-- content/site.yml --
title: T
description: {en: In English, fr: En français}
language: fr
languages: [en, fr]
base_url: example.org
licence: CC-BY-4.0
"""
    assert messages(site_root, spec) == [
        "content/site.yml:3: language: 'fr' must equal the first of languages ('en')",
        "content/site.yml:5: base_url: 'example.org' is not an absolute http or https URL",
        "content/site.yml:6: licence: unknown setting (did you mean 'license'?)",
    ]


def test_free_page_may_not_take_a_section_name(site_root):
    assert messages(site_root, "-- content/pages/topics.md --\n---\ntitle: Topics\n---\n") == [
        "content/pages/topics.md:1: slug: 'topics' is a section of the site; rename the page"
    ]


def test_slug_shared_by_case_study_and_event(site_root):
    event = "-- content/events/hangzhou-bikes.md --\n---\ntitle: E\nsummary: S\ndate: 2016-10-12\ncity: Hangzhou\ncountry: CN\nmethod: world-cafe\ntopics: [mobility]\n---\n"
    assert messages(site_root, event) == [
        "content/case-studies/hangzhou-bikes.md:1: slug: 'hangzhou-bikes' is used by both a case study and an event; slugs must be unique across both",
        "content/events/hangzhou-bikes.md:1: slug: 'hangzhou-bikes' is used by both a case study and an event; slugs must be unique across both",
    ]


NO_CONTACT = "contact: warning: practice names no contact; add contact: {organisation, url} so readers know whom to ask"
CONTACT_LINE = 'contact: {organisation: Matola City Council, url: "https://example.org/matola"}\n'


def test_missing_poster_sections_are_warnings(site_root):
    make_site(site_root, case("").replace("## Outcome\n", "").replace("## Approach\n", "## approach\n"))
    _, problems = check_content(Path("content"))
    assert [str(p) for p in problems] == [
        "content/case-studies/matola.md:12: body: warning: has no '## Outcome' section (one of the six poster sections)"
    ]


def test_a_case_study_without_contact_is_a_warning_not_an_error(site_root):
    make_site(site_root, case("").replace(CONTACT_LINE, ""))
    site, problems = check_content(Path("content"))
    assert site is not None and not any(p.is_error for p in problems)
    assert [str(p) for p in problems] == [f"content/case-studies/matola.md:1: {NO_CONTACT}"]
    make_site(
        site_root, case("contact: {organisation: Matola City Council}")
    )  # an office without an address says whom to ask
    _, problems = check_content(Path("content"))
    assert problems == []


@pytest.mark.parametrize(
    "address",
    [
        "https://example.org/participation",
        "http://example.org/",
        "mailto:participacao@matola.gov.mz",
        "mailto:Office@Example.org?subject=Participatory%20budgeting",
        "mailto:info@xn--mnchen-3ya.de",
    ],
)
def test_contact_urls_that_are_accepted(site_root, address):
    assert messages(site_root, case(f"contact: {{organisation: City Hall, url: '{address}'}}")) == []


@pytest.mark.parametrize(
    "address",
    [
        "mailto:office",
        "mailto:office@localhost",
        "mailto:@example.org",
        "mailto:office@.org",
        "mailto:office@example",
        "mailto:a@example.org,b@example.org",
        "mailto:office@example..org",
        "mailto:office@192.168.0.1",
        "mailto:office@example.o",
    ],
)
def test_mailto_contacts_need_one_address_with_a_domain(site_root, address):
    expected = (
        f"content/case-studies/matola.md:10: contact: url: '{address}' is not one e-mail address with a domain; "
        "write mailto:office@example.org, the address of an office"
    )
    assert messages(site_root, case(f"contact: {{organisation: City Hall, url: '{address}'}}")) == [expected]


def test_contact_url_schemes_are_http_https_or_mailto(site_root):
    assert messages(site_root, case("contact: {organisation: City Hall, url: 'tel:+258123'}")) == [
        "content/case-studies/matola.md:10: contact: url: 'tel:+258123' is not an absolute http or https or mailto URL"
    ]
