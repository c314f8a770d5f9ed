"""`practice new` with the checker's rules (--slug, pages, translations) and `practice check PATH...`."""

from __future__ import annotations

import json

import click
import yaml
from click.testing import CliRunner
from conftest import REPO, make_site

from generator.cli import cli
from generator.vocab import title_slug, windows_device

CASE = ["--summary", "S.", "--city", "Oslo", "--country", "NO", "--topic", "mobility", "--cynefin", "complex"]


def run(*args):
    return CliRunner().invoke(cli, list(args))


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n"))


def errors(*paths: str) -> list[str]:
    """`practice check`'s errors (warnings left out: what an untouched scaffold warns about is the checker's)."""
    result = run("check", "--format", "json", *paths)
    assert result.exit_code in (0, 1), result.output
    return [
        f"{p['file']}:{p['line']}: {p['field']}: {p['message']}"
        for p in json.loads(result.stdout)
        if p["severity"] == "error"
    ]


# --- the checker's converters ------------------------------------------------------------------------


def test_new_takes_what_check_takes_and_writes_it_so_that_it_reads_back(site_root):
    title = 'Oslo: bikes # and "buses" \\ more'
    result = run("new", "case-study", title, *CASE[:-1], "Simple ")  # the checker's alias, spaces as check takes them
    assert result.exit_code == 0, result.output
    path = site_root / "content/case-studies/oslo-bikes-and-buses-more.md"
    text = path.read_text(encoding="utf-8")
    assert "\ncountry: 'NO'\n" in text  # unquoted, YAML would read Norway as false
    assert "\ncynefin: clear   #" in text  # written as the checker normalises it
    data = front_matter(path)
    assert (data["title"], data["country"], data["cynefin"], data["topics"]) == (title, "NO", "clear", ["mobility"])
    assert errors() == []


def test_bad_and_missing_flags_are_reported_together_and_nothing_is_written(site_root):
    result = run("new", "case-study", "Oslo bikes", "--country", "Norwey", "--topic", "mobility", "--topic", "mobility")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --country: 'Norwey' is not an ISO 3166-1 country code or English country name (did you mean 'Norway'?)",
        "Error: --topic: 'mobility' is listed twice",
        "Error: missing --summary, --city, --cynefin; give them as options (no terminal to ask in). Nothing was written.",
    ]
    assert not (site_root / "content/case-studies/oslo-bikes.md").exists()


def test_a_title_the_checker_refuses_is_refused(site_root):
    result = run("new", "case-study", "x" * 201, *CASE)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "Error: TITLE: is 201 characters long; the limit is 200"


# --- slugs -------------------------------------------------------------------------------------------


def test_slug_option_names_the_file_and_follows_the_checkers_rules(site_root):
    assert run("new", "case-study", "Oslo bikes", "--slug", "oslo-city-bikes", *CASE).exit_code == 0
    assert (site_root / "content/case-studies/oslo-city-bikes.md").is_file()
    result = run("new", "case-study", "Oslo bikes", "--slug", "Oslo_Bikes", *CASE)
    assert result.exit_code == 2
    assert result.stderr == "Error: --slug: 'Oslo_Bikes' is not a slug (lowercase ASCII letters, digits and hyphens)\n"
    again = run("new", "case-study", "Other title", "--slug", "oslo-city-bikes", *CASE)
    assert again.exit_code == 2
    assert again.stderr == (
        "Error: content/case-studies/oslo-city-bikes.md already exists; choose another --slug or edit that file\n"
    )


def test_slugs_made_from_titles_are_cut_at_a_word_and_a_title_without_letters_needs_a_slug(site_root):
    title = "Participatory budgeting and the long road to a city for everyone in the region of Maputo"
    assert title_slug(title) == "participatory-budgeting-and-the-long-road-to-a-city-for"
    assert title_slug("a" * 80) == "a" * 60
    assert run("new", "case-study", title, *CASE).exit_code == 0
    assert (site_root / "content/case-studies/participatory-budgeting-and-the-long-road-to-a-city-for.md").is_file()
    result = run("new", "case-study", "!!!", *CASE)
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: TITLE: '!!!' has no letter or digit to make a file name from; give one with --slug\n"
    )
    assert not (site_root / "content/case-studies/x.md").exists()
    assert run("new", "case-study", "!!!", "--slug", "exclamations", *CASE).exit_code == 0


def test_windows_device_names_are_refused_by_new(site_root):
    assert [windows_device(n) for n in ("con", "NUL", "Com1", "lpt9.md", "aux.fr.md", "console", "com10")] == [
        True, True, True, True, True, False, False,
    ]  # fmt: skip
    result = run("new", "case-study", "Con", *CASE)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: TITLE: its slug 'con' is reserved for a device on Windows, which cannot check it out; choose another with --slug\n"
    )
    result = run("new", "page", "Printers", "--slug", "prn")
    assert result.stderr == (
        "Error: --slug: 'prn' is reserved for a device on Windows, which cannot check it out; choose another with --slug\n"
    )


def test_windows_device_names_are_refused_by_check(site_root):
    study = (site_root / "content/case-studies/hangzhou-bikes.md").read_text(encoding="utf-8")
    make_site(
        site_root, f"-- content/case-studies/con.md --\n{study}-- content/pages/aux.fr.md --\n---\ntitle: A\n---\n"
    )
    (site_root / "content/media").mkdir()
    (site_root / "content/media/nul.png").write_bytes(b"")
    assert errors() == [
        "content/case-studies/con.md:1: slug: the name 'con.md' is reserved for a device on Windows, which cannot check it out; rename it",
        "content/media/nul.png:0: : the name 'nul.png' is reserved for a device on Windows, which cannot check it out; rename it",
        "content/pages/aux.fr.md:1: slug: the name 'aux.fr.md' is reserved for a device on Windows, which cannot check it out; rename it",
    ]


def test_a_case_study_cannot_take_an_events_slug(site_root):
    event = ["--summary", "S", "--city", "Bogotá", "--country", "CO", "--topic", "mobility", "--method", "world-cafe"]
    assert run("new", "event", "Forum", *event, "--date", "2016-10").exit_code == 0
    result = run("new", "case-study", "Forum", *CASE)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: TITLE: its slug 'forum' is already the slug of an event (events/forum.md), and slugs are unique "
        "across case studies and events; choose another with --slug\n"
    )


# --- pages and translations --------------------------------------------------------------------------


def test_new_page_writes_a_page_that_checks(site_root):
    result = run("new", "page", "About the network", "--summary", "Who we are: cities # and networks.")
    assert result.exit_code == 0, result.output
    path = site_root / "content/pages/about-the-network.md"
    assert front_matter(path) == {"title": "About the network", "summary": "Who we are: cities # and networks."}
    assert run("new", "page", "Contribute").exit_code == 0
    assert front_matter(site_root / "content/pages/contribute.md") == {"title": "Contribute"}
    assert errors() == []
    taken = run("new", "page", "Search")
    assert taken.exit_code == 2
    assert taken.stderr == "Error: TITLE: its slug 'search' is a section of the site; choose another with --slug\n"
    assert run("new", "page", "About", "--city", "Oslo").exit_code == 2  # a page has no city: no such option


TRANSLATED = """
-- content/site.yml --
title: Test Library
description: Practices for testing.
base_url: https://example.org/library/
languages: [en, fr]
-- content/case-studies/hangzhou-bikes.md --
---
title: Hangzhou public bicycles
summary: "A city-run bicycle system: the largest."
published: 2026-10-01
city: Hangzhou
country: CN
topics: [mobility]
cynefin: complicated
contact: {organisation: Hangzhou public bicycle office, url: "https://example.org/hangzhou-bikes"}
sources:
  - {title: "Report", url: "https://example.org/report"}
---

## Starting point

Traffic grew.

## Institutional setting
## Approach
## Outcome
## Lessons learnt
## Transfer opportunities
"""


def test_new_translation_copies_the_text_fields_and_body_and_checks(site_root):
    make_site(site_root, TRANSLATED)
    result = run("new", "translation", "hangzhou-bikes", "fr")
    assert result.exit_code == 0, result.output
    path = site_root / "content/case-studies/hangzhou-bikes.fr.md"
    assert front_matter(path) == {
        "lang": "fr",
        "title": "Hangzhou public bicycles",
        "summary": "A city-run bicycle system: the largest.",
        "sources": [{"title": "Report", "url": "https://example.org/report"}],
    }
    assert path.read_text(encoding="utf-8").endswith(
        "---\n\n## Starting point\n\nTraffic grew.\n\n## Institutional setting\n## Approach\n## Outcome\n## Lessons learnt\n## Transfer opportunities\n"
    )
    assert run("new", "translation", "methods/world-cafe", "fr").exit_code == 0
    assert front_matter(site_root / "content/methods/world-cafe.fr.md") == {
        "lang": "fr",
        "title": "World café",
        "summary": "Small-table conversations.",
    }
    assert errors() == []


def test_new_translation_follows_the_translation_rules(site_root):
    make_site(site_root, TRANSLATED)
    cases = {
        ("hangzhou-bikes", "de"): "Error: LANG: 'de' is not a language of this site; site.yml lists en, fr\n",
        ("hangzhou-bikes", "en"): (
            "Error: LANG: 'en' is the language of the original (content/case-studies/hangzhou-bikes.md); "
            "a translation is in another language\n"
        ),
        ("hangzhu-bikes", "fr"): (
            "Error: SLUG: there is no hangzhu-bikes.md in case-studies/, events/, methods/ or pages/ "
            "(did you mean 'hangzhou-bikes'?)\n"
        ),
        ("topics/hangzhou-bikes", "fr"): (
            "Error: SLUG: 'topics' is not a content folder; use one of case-studies, events, methods, pages\n"
        ),
    }
    for (slug, lang), message in cases.items():
        result = run("new", "translation", slug, lang)
        assert (result.exit_code, result.stderr) == (2, message)
    assert run("new", "translation", "hangzhou-bikes", "fr").exit_code == 0
    again = run("new", "translation", "hangzhou-bikes", "fr")
    assert (again.exit_code, again.stderr) == (
        2,
        "Error: content/case-studies/hangzhou-bikes.fr.md already exists; edit that file\n",
    )


# --- help and check PATH... --------------------------------------------------------------------------


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_option_of_every_command_has_help():
    missing = [
        f"{name} {param.opts[0]}"
        for name, command in _commands(cli)
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()
    ]
    assert missing == []
    assert {name for name, _ in _commands(cli) if name.startswith("new ")} == {
        "new case-study", "new event", "new method", "new page", "new translation",
    }  # fmt: skip


BROKEN = "-- content/case-studies/bad.md --\n---\ntitle: Bad\ncynefin: complexx\n---\n"


def test_check_paths_reports_only_the_named_files_in_the_context_of_the_whole_content(site_root):
    make_site(site_root, BROKEN)
    good = run("check", "--format", "json", "content/case-studies/hangzhou-bikes.md", "content/topics.yml")
    assert good.exit_code == 0
    assert {p["file"] for p in json.loads(good.stdout)} <= {"content/case-studies/hangzhou-bikes.md"}
    bad = run("check", "--format", "json", "content/case-studies/bad.md")
    assert bad.exit_code == 1
    assert {p["file"] for p in json.loads(bad.stdout)} == {"content/case-studies/bad.md"}
    assert "content/case-studies/bad.md:3: cynefin: 'complexx' is not a Cynefin domain (did you mean 'complex'?)" in (
        errors("content/case-studies/bad.md")
    )
    assert run("check", "content/case-studies").exit_code == 1  # a folder: the files in it
    assert errors("content/case-studies") == errors("content/case-studies/bad.md") == errors()


LINKED = """
-- content/case-studies/linked.md --
---
title: Taiyuan public bicycles
summary: Learned from Hangzhou.
published: 2026-10-01
city: Taiyuan
country: CN
topics: [mobility]
cynefin: complicated
learned_from: [hangzhou-bikes]
contact: {organisation: Taiyuan office, url: "https://example.org/taiyuan"}
---
## Starting point\n\nText.\n
## Institutional setting\n\nText.\n
## Approach\n\nText.\n
## Outcome\n\nText.\n
## Lessons learnt\n\nText.\n
## Transfer opportunities\n\nText.
"""


def test_check_paths_sees_the_whole_content_and_ignores_files_outside_it(site_root, monkeypatch):
    make_site(site_root, LINKED)
    (site_root / "notes.txt").write_text("not content")
    assert run("check", "content/case-studies/linked.md").stderr == "No problems found.\n"  # learned_from resolves
    outside = run("check", "notes.txt")
    assert (outside.exit_code, outside.stderr) == (0, "No file of the content folder named; nothing to check.\n")
    monkeypatch.chdir(site_root / "content/case-studies")  # as from a sub-folder, paths relative to it
    result = run("check", "linked.md", "../../notes.txt")
    assert (result.exit_code, result.stderr) == (0, "No problems found.\n")
    (site_root / "content/topics.yml").write_text("mobility: [\n")  # what every file is checked against
    broken = run("check", "linked.md")
    assert broken.exit_code == 1
    assert any(line.startswith("../topics.yml:2: topics.yml: is not valid YAML") for line in broken.stderr.splitlines())


def test_the_pre_commit_hook_names_a_real_command():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["practice-check"]
    hook = hooks[0]
    assert (hook["language"], hook["files"], hook["entry"]) == ("python", "^content/", "practice check")
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    program, command = hook["entry"].split()
    assert scripts[program] == "generator.cli:main" and command in cli.commands


def test_a_slug_in_front_matter_named_after_a_windows_device_is_refused(site_root):
    # an alias becomes a redirect folder (case-studies/con/), which Windows cannot check out
    study = (site_root / "content/case-studies/hangzhou-bikes.md").read_text(encoding="utf-8")
    make_site(
        site_root, "-- content/case-studies/hangzhou-bikes.md --\n" + study.replace("---\n", "---\naliases: [con]\n", 1)
    )
    assert errors() == [
        "content/case-studies/hangzhou-bikes.md:2: aliases: the name 'con' is reserved for a device on Windows, "
        "which cannot check it out; rename it",
    ]
