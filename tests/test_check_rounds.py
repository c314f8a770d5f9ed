"""Every problem in one run (issue 16): a record with errors is still cross-checked, every failure of one field
is reported, a broken site.yml or topics.yml comes alone, and empty poster sections or sources warn."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, make_site

from generator.build import BuildOptions, build_site, check_content
from generator.cli import cli
from generator.errors import BuildFailed
from generator.markup import MarkdownRenderer

SECTIONS = (
    "## Starting point\nText.\n## Institutional setting\nText.\n## Approach\nText.\n"
    "## Outcome\nText.\n## Lessons learnt\nText.\n## Transfer opportunities\nText.\n"
)


def study(slug: str, extra: str = "", body: str = SECTIONS, cynefin: str = "complex") -> str:
    return f"""
-- content/case-studies/{slug}.md --
---
title: A practice
summary: What it did.
published: 2026-01-01
city: Matola
country: MZ
topics: [mobility]
cynefin: {cynefin}
contact: {{organisation: Matola City Council}}
{extra}---
{body}"""


EVENT = """
-- content/events/{slug}.md --
---
title: Forum
summary: S
date: 2016-10-12
city: Bogotá
country: CO
method: world-cafe
topics: [mobility]
{extra}---
Text.
"""


def problems(root: Path, spec: str = "", **options) -> list[str]:
    make_site(root, spec)
    _, found = check_content(Path("content"), **options)
    return [str(p) for p in found]


# ---------------------------------------------------------------- a record with errors is still cross-checked


def test_duplicate_slug_unknown_domain_and_missing_section_in_one_run(site_root):
    """The issue's example: before, only the Cynefin error showed; the other two came in later rounds."""
    body = SECTIONS.replace("## Approach\nText.\n", "")
    spec = study("forum", body=body, cynefin="compex") + EVENT.format(slug="forum", extra="")
    assert problems(site_root, spec) == [
        "content/case-studies/forum.md:1: slug: 'forum' is used by both a case study and an event; slugs must be unique across both",
        "content/case-studies/forum.md:8: cynefin: 'compex' is not a Cynefin domain (did you mean 'complex'?)",
        "content/case-studies/forum.md:11: body: warning: has no '## Approach' section (one of the six poster sections)",
        "content/events/forum.md:1: slug: 'forum' is used by both a case study and an event; slugs must be unique across both",
    ]


def test_a_too_large_image_still_asks_for_its_text(site_root):
    """The issue's example: a 5 MB image hid its missing image_alt."""
    (site_root / "content/media").mkdir()
    (site_root / "content/media/assembly.jpg").write_bytes(b"\xff\xd8\xff" + bytes(5 * 1024 * 1024))
    assert problems(site_root, study("matola", "image: media/assembly.jpg\n")) == [
        "content/case-studies/matola.md:10: image: 'media/assembly.jpg' is 5,242,883 bytes; images may be at most 2,097,152 bytes",
        "content/case-studies/matola.md:10: image: needs an image_alt text describing the image",
        "content/media/assembly.jpg: is 5,242,883 bytes; images may be at most 2,097,152 bytes",
    ]


def test_a_record_with_errors_keeps_its_references_checked_and_its_slug_known(site_root):
    """Its own references are checked; references to it are not reported as unknown; a draft stays a draft."""
    spec = (
        study("matola", "related: [hangzhou-bikes, nowhere]\nmethods: [world-caffe]\nsdgs: [0]\ndraft: true\n")
        + EVENT.format(slug="forum", extra="practices: [matola]\n")
        + study("maputo", "learned_from: [matola]\n").replace("city: Matola", "city: Maputo")
    )
    assert problems(site_root, spec) == [
        "content/case-studies/maputo.md:10: learned_from: 'matola' is a draft; a published record cannot reference it",
        "content/case-studies/matola.md:10: related: 'nowhere' is not a case study or event",
        "content/case-studies/matola.md:11: methods: 'world-caffe' is not a method in methods/ (did you mean 'world-cafe'?)",
        "content/case-studies/matola.md:12: sdgs: 0 is not an SDG; the goals are numbered 1 to 17",
        "content/events/forum.md:9: practices: 'matola' is a draft; a published record cannot reference it",
    ]


def test_learned_from_the_same_city_is_found_through_a_record_with_errors(site_root):
    spec = study("matola", "learned_from: [hangzhou-bikes]\nsdgs: [18]\n").replace("city: Matola", "city: Hangzhou")
    spec = spec.replace("country: MZ", "country: CN")
    assert problems(site_root, spec) == [
        "content/case-studies/matola.md:10: learned_from: 'hangzhou-bikes' is in the same city; learned_from names a practice of another city",
        "content/case-studies/matola.md:11: sdgs: 18 is not an SDG; the goals are numbered 1 to 17",
    ]


def test_a_file_that_cannot_be_read_still_holds_its_slug(site_root):
    spec = "-- content/case-studies/matola.md --\n---\ntitle: [unclosed\n---\n" + EVENT.format(
        slug="forum", extra="practices: [matola, nowhere]\n"
    )
    found = problems(site_root, spec)
    assert [p for p in found if "forum.md" in p] == [
        "content/events/forum.md:9: practices: 'nowhere' is not a case study"
    ]
    assert len([p for p in found if "matola.md" in p]) == 1, found


def test_translations_of_and_by_records_with_errors_are_checked(site_root):
    """A translation of a record with errors is no orphan; a translation with errors still has its facts compared."""
    translation = """
-- content/case-studies/{slug}.fr.md --
---
title: Une pratique
summary: {summary}
city: {city}
---
Texte.
"""
    spec = (
        study("matola", "sdgs: [0]\n")
        + translation.format(slug="matola", summary="Ce qu'elle fit.", city="Matola")
        + translation.format(slug="hangzhou-bikes", summary="[a, b]", city="Suzhou")
        + "\n-- content/site.yml --\ntitle: T\ndescription: D\nbase_url: https://example.org/\nlanguages: [en, fr]\n"
    )
    assert [p for p in problems(site_root, spec) if ": warning: " not in p] == [
        "content/case-studies/hangzhou-bikes.fr.md:3: summary: expected text, got a list",
        "content/case-studies/hangzhou-bikes.fr.md:4: city: 'Suzhou' differs from the original's 'Hangzhou' "
        "(content/case-studies/hangzhou-bikes.md:5); a translation may change only text (title, summary, body, image_alt, source titles)",
        "content/case-studies/matola.md:10: sdgs: 0 is not an SDG; the goals are numbered 1 to 17",
    ]


def test_a_markdown_body_that_fails_keeps_the_front_matter_checked(site_root, monkeypatch):
    from generator.markup import MarkdownRenderer as Renderer

    render = Renderer.render_checked

    def failing(self, text):
        if "DEEP" in text:
            raise RecursionError
        return render(self, text)

    monkeypatch.setattr(Renderer, "render_checked", failing)
    spec = study("matola", "sdgs: [0]\n", body="DEEP\n") + EVENT.format(slug="forum", extra="practices: [matola]\n")
    assert problems(site_root, spec, jobs=1) == [
        "content/case-studies/matola.md:10: sdgs: 0 is not an SDG; the goals are numbered 1 to 17",
        "content/case-studies/matola.md:12: body: is nested too deeply to render",
    ]


# ---------------------------------------------------------------- every failure of one field


def test_every_failure_of_one_field_is_reported(site_root):
    extra = (
        "topics: [mobilty, housing]\n"
        "sources:\n"
        "  - {title: 5, url: 'ftp://x.org/a'}\n"
        "  - {titel: Report}\n"
        "contact: {organisation: '', url: 'javascript:alert(1)'}\n"
    )
    spec = (
        study("matola", extra)
        .replace("topics: [mobility]\n", "")
        .replace("contact: {organisation: Matola City Council}\n", "")
    )
    assert [p for p in problems(site_root, spec) if ": warning: " not in p] == [
        "content/case-studies/matola.md:8: topics: 'mobilty' is not a topic in topics.yml (did you mean 'mobility'?)",
        "content/case-studies/matola.md:8: topics: 'housing' is not a topic in topics.yml",
        'content/case-studies/matola.md:10: sources: title: expected text, but YAML reads 5 as a number; put it in quotes: "5"',
        "content/case-studies/matola.md:10: sources: url: 'ftp://x.org/a' is not an absolute http or https URL",
        "content/case-studies/matola.md:11: sources: unknown field 'titel' (did you mean 'title'?)",
        "content/case-studies/matola.md:11: sources: 'title' is required",
        "content/case-studies/matola.md:11: sources: 'url' is required",
        "content/case-studies/matola.md:12: contact: organisation: must not be empty",
        "content/case-studies/matola.md:12: contact: url: 'javascript:alert(1)' is not an absolute http or https or mailto URL",
    ]


# ---------------------------------------------------------------- site.yml and topics.yml alone

SAMPLE_SITE_YML = (REPO / "content/site.yml").read_text(encoding="utf-8")
SAMPLE_TOPICS_YML = (REPO / "content/topics.yml").read_text(encoding="utf-8")


@pytest.fixture
def sample(tmp_path, monkeypatch) -> Path:
    """A copy of the sample library (four languages, translations, topic labels by language)."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _typo(text: str, line: int) -> str:
    """The text with a YAML typo (an unclosed flow list) at the end of a line (1-based)."""
    lines = text.split("\n")
    lines[line - 1] += " ["
    return "\n".join(lines)


def test_a_yaml_typo_in_site_yml_is_the_only_problem(sample):
    """Before, one typo gave 49 errors and 36 warnings from every topic and translation."""
    line = next(i for i, t in enumerate(SAMPLE_SITE_YML.split("\n"), 1) if t.startswith("languages:"))
    (sample / "content/site.yml").write_text(_typo(SAMPLE_SITE_YML, line), encoding="utf-8")
    expected = f"content/site.yml:{line}: site.yml: is not valid YAML: did not find expected key"
    assert problems(sample) == [expected]
    result = CliRunner().invoke(cli, ["check"])
    assert (result.exit_code, result.stderr) == (1, f"{expected}\n1 error, 0 warnings.\n")
    with pytest.raises(BuildFailed) as failed:
        build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    assert [str(p) for p in failed.value.problems] == [expected]


def test_serve_shows_a_broken_site_yml_alone(sample):
    (sample / "content/site.yml").write_text(SAMPLE_SITE_YML.replace("language: en", "language: fr"), encoding="utf-8")
    line = next(i for i, t in enumerate(SAMPLE_SITE_YML.split("\n"), 1) if t.startswith("language:"))
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--no-search", "--port", "0"],
        capture_output=True,
        text=True,
        cwd=sample,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("content/")] == [
        "content/site.yml:1: base_url: warning: is not set, so the build has no sitemap and feeds use tag: ids",
        f"content/site.yml:{line}: language: 'fr' must equal the first of languages ('en')",
    ]


def test_a_yaml_typo_in_topics_yml_is_the_only_error(sample):
    # a tab where YAML wants spaces
    (sample / "content/topics.yml").write_text(
        SAMPLE_TOPICS_YML.replace("\n  label:", "\n\tlabel:", 1), encoding="utf-8"
    )
    assert problems(sample) == [
        "content/site.yml:1: base_url: warning: is not set, so the build has no sitemap and feeds use tag: ids",
        "content/topics.yml:2: topics.yml: is not valid YAML: found character that cannot start any token",
    ]


def test_a_bad_topic_label_gives_no_errors_in_the_records_that_use_the_topic(sample):
    """An entry with errors still declares its slug; a record's unknown topic is still reported in the same run."""
    (sample / "content/topics.yml").write_text(SAMPLE_TOPICS_YML.replace("  en: ", "  eng: ", 1), encoding="utf-8")
    study_path = sample / "content/case-studies/idea-knowledge-hub.md"
    study_path.write_text(
        study_path.read_text().replace("topics: [knowledge-management]", "topics: [knowledge-managment]")
    )
    errors = [p for p in problems(sample) if ": warning: " not in p]
    assert errors[-2:] == [
        "content/topics.yml:1: mobility: has no text for the default language 'en'",
        "content/topics.yml:3: mobility: 'eng' is not one of the site's languages (en, fr, es, pt)",
    ]
    assert errors[:-2] == [
        "content/case-studies/idea-knowledge-hub.md:7: topics: 'knowledge-managment' is not a topic in topics.yml"
        " (did you mean 'knowledge-management'?)"
    ]


# ---------------------------------------------------------------- empty poster sections and sources


def test_empty_poster_sections_and_empty_sources_are_warnings(site_root):
    body = SECTIONS.replace("## Approach\nText.\n", "## Approach\n\n<!-- what was done -->\n\n").replace(
        "## Outcome\nText.\n", "## Outcome\n### Numbers\n12 districts.\n"
    )
    spec = study("matola", "sources: []\n", body=body) + EVENT.format(slug="forum", extra="sources: []\n")
    assert problems(site_root, spec) == [
        "content/case-studies/matola.md:10: sources: warning: lists no sources; add at least one {title, url} "
        "where readers can check what the record says",
        "content/case-studies/matola.md:16: body: warning: '## Approach' has nothing under it; write the section "
        "(one of the six poster sections)",
        "content/events/forum.md:9: sources: warning: lists no sources; add at least one {title, url} "
        "where readers can check what the record says",
    ]
    result = CliRunner().invoke(cli, ["check"])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (0, "0 errors, 3 warnings.")
    assert CliRunner().invoke(cli, ["check", "--strict"]).exit_code == 1


def test_an_untouched_scaffold_warns(site_root):
    new = ["new", "case-study", "Matola participatory budgeting", "--summary", "Residents decide.", "--city"]
    result = CliRunner().invoke(cli, [*new, "Matola", "--country", "MZ", "--topic", "mobility", "--cynefin", "complex"])
    assert result.exit_code == 0, result.output
    found = problems(site_root)
    assert [p.split(": warning: ")[1] for p in found] == [
        "practice names no contact; add contact: {organisation, url} so readers know whom to ask",
        "lists no sources; add at least one {title, url} where readers can check what the record says",
        *(
            f"'## {name}' has nothing under it; write the section (one of the six poster sections)"
            for name in (
                "Starting point",
                "Institutional setting",
                "Approach",
                "Outcome",
                "Lessons learnt",
                "Transfer opportunities",
            )
        ),
    ]
    assert all(p.startswith("content/case-studies/matola-participatory-budgeting.md:") for p in found)
    assert CliRunner().invoke(cli, ["check", "--strict"]).exit_code == 1


@pytest.mark.parametrize(
    "markdown, empty",
    [
        ("## A\n\n## B\ntext\n", ("A",)),
        ("## A\n<!-- a comment -->\n\n## B\n\n", ("A", "B")),
        ("## A &amp; *b*\n", ("A & b",)),
        ("## A\n### Sub\n", ()),
        ("## A\n- item\n", ()),
        ("Intro.\n\n> ## Quoted\n\n## A\nx\n", ()),
    ],
)
def test_empty_sections_are_found_in_the_rendered_body(markdown, empty):
    assert MarkdownRenderer().render(markdown).empty_sections == empty
