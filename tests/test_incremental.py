"""The incremental layer (generator/incremental.py): after any sequence of edits, the site it keeps in memory
and patches writes exactly the bytes a clean build of the same files writes, and an edit renders only the
pages it can change."""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build_site, load_sites, render_options
from generator.errors import BuildFailed
from generator.incremental import IncrementalBuild
from generator.planning import plan_pages

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site" / "content"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "themes" / "default" / "templates"
ENVIRON = {"SOURCE_DATE_EPOCH": "1790000000"}
CATALOG_HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'

NEW_STUDY = """---
title: {title}
summary: A practice added while serving.
published: 2026-0{month}-05
city: {city}
country: {country}
topics: [{topic}]
cynefin: clear
---
## Starting point

Added {n}.
"""


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Workspace:
    """A copy of the fixture site, a theme of its own (one template, one catalog), the incrementally built
    folder and a folder for clean builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        shutil.copytree(FIXTURE, self.content)
        self.theme = root / "theme"
        (self.theme / "templates").mkdir(parents=True)
        shutil.copy(DEFAULT_TEMPLATES / "card.html", self.theme / "templates" / "card.html")
        self.catalog = self.theme / "locale/pt/LC_MESSAGES/messages.po"
        self.catalog.parent.mkdir(parents=True)
        self.catalog.write_text(CATALOG_HEADER + 'msgid "Case studies"\nmsgstr "Casos"\n', encoding="utf-8")
        self.served = root / "served"
        self.site = IncrementalBuild(self.options(self.served), ENVIRON)
        self.edits = 0

    def options(self, out: Path) -> BuildOptions:
        return BuildOptions(content_dir=self.content, out_dir=out, theme_dir=self.theme, search=False)

    def clean(self) -> dict[str, bytes] | None:
        """A clean build of the files as they are now, or None when it fails."""
        out = self.root / f"clean-{self.edits}"
        try:
            build_site(self.options(out), ENVIRON)
        except BuildFailed:
            return None
        tree = _tree(out)
        shutil.rmtree(out)
        return tree

    def studies(self) -> list[Path]:
        return sorted(p for p in (self.content / "case-studies").glob("*.md") if "." not in p.stem)

    def edit(self, path: Path, old: str, new: str, count: int = 1) -> list[Path]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, count) if old else text + new, encoding="utf-8")
        return [path]


def _step(space: Workspace, step: tuple[str, int]) -> list[Path]:
    """One edit of the files; returns the paths that changed (as the file watcher names them)."""
    kind, n = step
    space.edits += 1
    studies = space.studies()
    study = studies[n % len(studies)] if studies else None
    if kind == "title" and study:
        return space.edit(study, "title: ", f"title: Retitled {space.edits} ")
    if kind == "body" and study:
        return space.edit(study, "", f"\nA sentence added in edit {space.edits}.\n")
    if kind == "add":
        path = space.content / "case-studies" / f"added-{space.edits}.md"
        city, country = [("Hangzhou", "CN"), ("Porto Alegre", "BR"), ("Lyon", "FR")][n % 3]
        topic = ["mobility", "participatory-governance"][n % 2]
        text = NEW_STUDY.format(title=f"Added {n}", month=1 + n % 9, city=city, country=country, topic=topic, n=n)
        path.write_text(text, encoding="utf-8")
        return [path]
    if kind == "delete" and study:
        study.unlink()
        return [study]
    if kind == "rename" and study:
        target = study.with_name(f"renamed-{space.edits}.md")
        study.rename(target)
        return [study, target]
    if kind == "site":
        return space.edit(space.content / "site.yml", "Golden Library", f"Golden Library {space.edits}")
    if kind == "topic":
        return space.edit(space.content / "topics.yml", "label: Mobility", f"label: Mobility {space.edits}")
    if kind == "template":
        return space.edit(space.theme / "templates/card.html", "card-summary", f"card-summary edit-{space.edits}")
    if kind == "catalog":
        return space.edit(space.catalog, 'msgstr "Casos', f'msgstr "Casos {space.edits}')
    if kind == "translation":
        translation = space.content / "case-studies/porto-alegre-budget.pt.md"
        if translation.exists():
            return space.edit(translation, "", f"\nUma frase da edição {space.edits}.\n")
    if kind == "translation-title":  # a translation's front matter: its title and summary
        translation = space.content / "case-studies/porto-alegre-budget.pt.md"
        if translation.exists():
            field = ["title: ", "summary: "][n % 2]
            return space.edit(translation, field, f"{field}Traduzido {space.edits} ")
    if kind == "event-title":
        event = space.content / "events/peer-review-porto-alegre.md"
        return space.edit(event, "title: ", f"title: Event {space.edits} ")
    if kind == "summary" and study:
        return space.edit(study, "summary: ", f"summary: Summarised {space.edits} ")
    if kind == "date" and study:
        return space.edit(study, "published: 2026-10-0", f"published: 2025-0{1 + n % 9}-1")
    if kind == "event":
        event = space.content / "events/peer-review-porto-alegre.md"
        return space.edit(event, "participants: [Porto Alegre", f"participants: [Porto Alegre, Lyon {space.edits}")
    if kind == "place":  # the locator map's file is named by what it draws: back and forth
        path = space.content / "case-studies/porto-alegre-budget.md"
        if path.exists():
            latitude = ["-30.0346", "-30.5", "-29.9"]
            text = path.read_text(encoding="utf-8")
            now = next((value for value in latitude if f"[{value}," in text), None)
            if now is not None:
                return space.edit(path, f"[{now},", f"[{latitude[n % 3]},")
    if kind == "other-body":  # a free page's or a method's body
        target = ["pages/about.md", "methods/peer-review.md"][n % 2]
        return space.edit(space.content / target, "", f"\nAnother sentence, edit {space.edits}.\n")
    if kind == "method":
        return space.edit(space.content / "methods/peer-review.md", "title: ", f"title: Method {space.edits} ")
    if kind == "error" and study:
        return space.edit(study, "cynefin: ", "cynefin: complexx-")
    return []


STEPS = st.tuples(
    st.sampled_from(
        [
            *("title", "body", "summary", "date", "add", "delete", "rename", "translation", "event"),
            *("translation-title", "event-title"),
            *("method", "other-body", "place"),
            *("site", "topic", "template", "catalog", "error"),
        ]
    ),
    st.integers(0, 7),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEPS, min_size=1, max_size=5))
def test_after_any_edits_the_served_folder_equals_a_clean_build(steps):
    with tempfile.TemporaryDirectory(prefix="practice-incremental-") as temporary:
        space = Workspace(Path(temporary))
        space.site.build()
        good = _tree(space.served)
        assert good == space.clean()
        for step in steps:
            changed = _step(space, step)
            expected = space.clean()
            if expected is None:  # the content has errors: the last good output stays
                with pytest.raises(BuildFailed):
                    space.site.apply(changed)
                assert _tree(space.served) == good, step
            else:
                space.site.apply(changed)
                good = _tree(space.served)
                assert good == expected, step


FRONT_MATTER = st.tuples(
    st.sampled_from(["title", "summary", "translation-title", "event-title", "date", "event", "place", "body"]),
    st.integers(0, 7),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRONT_MATTER, min_size=1, max_size=4))
def test_after_front_matter_edits_the_sites_kept_equal_freshly_assembled_ones(steps):
    """Not only the bytes: the Site objects patched for a front-matter edit (site_patch.py) equal those a
    fresh load and assembly gives, field by field."""
    with tempfile.TemporaryDirectory(prefix="practice-patch-") as temporary:
        space = Workspace(Path(temporary))
        space.site.build()
        for step in steps:
            space.site.apply(_step(space, step))
            fresh, problems = load_sites(space.content, theme_dirs=space.site.theme_dirs)
            assert fresh is not None, problems
            kept = space.site._sites
            assert list(kept) == list(fresh), step
            for lang, site in fresh.items():
                for name in [f.name for f in fields(site)]:
                    assert getattr(kept[lang], name) == getattr(site, name), (step, lang, name)


def test_a_title_edit_assembles_nothing_again(space, monkeypatch):
    def assemble() -> None:
        raise AssertionError("assembled again")

    monkeypatch.setattr(space.site, "_assemble", assemble)
    for path, old in [
        ("case-studies/cairo-street-market.md", "title: "),
        ("case-studies/porto-alegre-budget.pt.md", "summary: "),
        ("events/peer-review-porto-alegre.md", "title: "),
    ]:
        space.site.apply(space.edit(space.content / path, old, f"{old}Edited "))
    assert _tree(space.served) == space.clean()


@pytest.fixture
def space(tmp_path) -> Workspace:
    space = Workspace(tmp_path)
    space.site.build()
    return space


def test_a_body_edit_renders_only_the_record_s_pages(space):
    path = space.content / "case-studies/porto-alegre-budget.md"
    folder = space.served.stat().st_ino
    result = space.site.apply(space.edit(path, "", "\nA sentence only its page shows.\n"))
    assert space.served.stat().st_ino == folder  # changed in place, not built again beside it
    # its page in the English tree; the Portuguese tree shows the translation's own body
    assert result.pages - result.reused == 1 and result.pages > 90
    page = (space.served / "case-studies/porto-alegre-budget/index.html").read_text(encoding="utf-8")
    assert "A sentence only its page shows." in page
    assert _tree(space.served) == space.clean()


def test_a_title_edit_renders_the_pages_that_show_the_title_and_no_others(space):
    path = space.content / "case-studies/porto-alegre-budget.md"
    folder = space.served.stat().st_ino
    result = space.site.apply(space.edit(path, "title: Participatory budgeting", "title: Budgeting together"))
    assert space.served.stat().st_ino == folder
    rendered = result.pages - result.reused
    assert 5 < rendered < result.pages // 3, rendered
    assert "Budgeting together" in (space.served / "index.html").read_text(encoding="utf-8")
    assert _tree(space.served) == space.clean()


def test_an_edit_with_errors_keeps_the_last_good_output_and_a_fix_catches_up(space):
    good = _tree(space.served)
    study = space.content / "case-studies/cairo-street-market.md"
    space.edit(study, "", "\nFirst edit, while another file is broken.\n")
    broken = space.content / "events/peer-review-porto-alegre.md"
    space.edit(broken, "---\n", "---\ncynefin: nonsense\n")
    with pytest.raises(BuildFailed) as failed:
        space.site.apply([study, broken])
    assert any("cynefin" in str(p) for p in failed.value.problems)
    assert _tree(space.served) == good
    space.edit(broken, "cynefin: nonsense\n", "")
    space.site.apply([broken])
    served = _tree(space.served)
    assert "First edit, while another file is broken." in served["case-studies/cairo-street-market/index.html"].decode()
    assert served == space.clean()


def test_a_catalog_edit_shows_in_the_next_apply(space):
    assert "Casos" in (space.served / "pt/case-studies/index.html").read_text(encoding="utf-8")
    space.site.apply(space.edit(space.catalog, 'msgstr "Casos"', 'msgstr "Experiências"'))
    page = (space.served / "pt/case-studies/index.html").read_text(encoding="utf-8")
    assert "Experiências" in page and ">Casos<" not in page
    assert _tree(space.served) == space.clean()


def test_a_deleted_practice_s_pages_and_empty_folders_go(space):
    study = space.content / "case-studies/cairo-street-market.md"
    study.unlink()
    space.site.apply([study])
    assert not (space.served / "case-studies/cairo-street-market").exists()
    assert _tree(space.served) == space.clean()


def test_hidden_files_change_nothing(space):
    before = _tree(space.served)
    swap = space.content / "case-studies/.cairo-street-market.md.swp"
    swap.write_text("an editor's swap file")
    result = space.site.apply([swap])
    assert result.reused == result.pages and _tree(space.served) == before


def test_an_editor_s_temporary_file_made_and_deleted_changes_nothing(space):
    before = _tree(space.served)
    manifest = (space.served / "data/manifest.json").stat().st_ino
    result = space.site.apply([space.content / "case-studies/4913", space.content / "case-studies/about.md~"])
    assert result.reused == result.pages and _tree(space.served) == before
    assert (space.served / "data/manifest.json").stat().st_ino == manifest  # nothing was written at all
    notes = space.content / "case-studies/notes.txt"  # one that stays is reported, as a build reports it
    notes.write_text("not a practice")
    result = space.site.apply([notes])
    assert any("is not a Markdown file" in w.message for w in result.warnings)
    notes.unlink()
    result = space.site.apply([notes])
    assert not any("is not a Markdown file" in w.message for w in result.warnings)


def test_planning_some_pages_plans_them_as_planning_all_does():
    sites, problems = load_sites(FIXTURE)
    assert sites is not None, problems
    options = render_options(BuildOptions(content_dir=FIXTURE, search=False), ENVIRON)
    everything = plan_pages(sites, options)
    only = {"", "case-studies/", "case-studies/porto-alegre-budget/", "topics/mobility/", "map/", "404.html"}
    only |= {"map/cynefin/complex/", "network/"}
    some = plan_pages(sites, options, only=only)

    def url(path: str) -> str:
        trimmed = path.split("/", 1)[1] if path.startswith("pt/") else path
        return trimmed.removesuffix("index.html")

    def chosen(path: str) -> bool:
        page = url(path)
        return path == "404.html" or page in only or page.startswith("case-studies/page/")

    def locator(path: str) -> bool:
        return path.startswith("map/locators/")

    assert len(some) > 10
    assert [(p.path, p.template, p.context) for p in some if not locator(p.path)] == [
        (p.path, p.template, p.context) for p in everything if chosen(p.path) and not locator(p.path)
    ]
    # the locator maps of the case studies planned, as planning everything makes them
    drawn = [(p.path, p.context) for p in some if locator(p.path)]
    assert drawn and all(plan in [(p.path, p.context) for p in everything] for plan in drawn)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.text(min_size=1), st.tuples(st.integers(0, 2**40), st.text(alphabet="0123456789abcdef"))))
def test_the_manifest_written_from_known_hashes_is_the_json_of_write_manifest(hashes):
    import json

    from generator.mirror import manifest_documents

    manifest, _sums = manifest_documents(hashes)
    entries = [{"path": name, "size": size, "sha256": sha256} for name, (size, sha256) in sorted(hashes.items())]
    assert manifest == (json.dumps({"schema": 1, "files": entries}, indent=1) + "\n").encode("utf-8")


def test_a_relative_content_folder_and_absolute_changed_paths_take_the_quick_way(tmp_path, monkeypatch):
    """serve's content folder is usually relative ('content') while the file watcher names absolute paths."""
    shutil.copytree(FIXTURE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    site = IncrementalBuild(BuildOptions(content_dir=Path("content"), out_dir=tmp_path / "served", search=False))
    site.build()
    path = tmp_path / "content/case-studies/porto-alegre-budget.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    folder = (tmp_path / "served").stat().st_ino
    result = site.apply([str(path)])
    assert result.pages - result.reused == 1
    assert (tmp_path / "served").stat().st_ino == folder  # changed in place: not loaded and swapped in whole
    assert "One more sentence." in (tmp_path / "served/case-studies/porto-alegre-budget/index.html").read_text()


def test_edits_in_lists_of_several_pages_equal_a_clean_build(tmp_path):
    """Lists longer than a page: a list page whose practices and their order stay, none of them edited, is not
    planned again (PagePlan.shows); a title that moves a practice across the case-studies list's pages, one that
    keeps its place, and a date that moves an event in the events list all give a clean build's bytes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from corpus import write_corpus
    finally:
        sys.path.pop(0)
    write_corpus(560, tmp_path)  # 448 case studies (5 list pages), 112 events (2 pages)
    options = BuildOptions(content_dir=tmp_path / "content", out_dir=tmp_path / "served", search=False)
    site = IncrementalBuild(options, ENVIRON)
    site.build()
    study = tmp_path / "content/case-studies/practice-00258.md"
    event = tmp_path / "content/events/practice-00259.md"
    edits = [
        (study, r"(?m)^title: .*$", "title: Aardvark practice"),  # from the middle to the first page
        (study, r"(?m)^title: .*$", "title: Aardvark practices"),  # stays where it is
        (study, r"(?m)^summary: .*$", "summary: Only the summary changed."),
        (event, r"(?m)^date: .*$", "date: 2001-01-02"),  # to the events list's last page
    ]
    for n, (path, pattern, replacement) in enumerate(edits):
        path.write_text(re.sub(pattern, replacement, path.read_text(encoding="utf-8")), encoding="utf-8")
        result = site.apply([path])
        assert result.pages - result.reused < result.pages // 10
        clean = tmp_path / f"clean-{n}"
        build_site(replace(options, out_dir=clean), ENVIRON)
        assert _tree(options.out_dir) == _tree(clean), replacement
