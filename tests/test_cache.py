"""The --cache-dir cache: a cached build gives the same bytes as a clean one, and a stale entry is never used."""

from __future__ import annotations

from pathlib import Path

from generator.build import BuildOptions, build_site
from generator.cache import Cache


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(out: str, cache: str | None) -> dict[str, bytes]:
    build_site(
        BuildOptions(
            content_dir=Path("content"), out_dir=Path(out), search=False, cache_dir=Path(cache) if cache else None
        ),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    return _tree(Path(out))


def test_cached_and_clean_builds_are_identical_and_edits_are_seen(site_root):
    clean = _build("clean", None)
    assert _build("warm", "cache") == clean
    assert list((site_root / "cache/records").glob("*.json"))
    assert _build("cached", "cache") == clean  # every record from the cache
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(
        path.read_text().replace("A city-run bicycle system.", "A city-run bicycle system with 80,000 bikes.")
    )
    edited = _build("edited", "cache")
    assert "80,000 bikes" in edited["case-studies/hangzhou-bikes/index.html"].decode()
    assert edited == _build("edited-clean", None)


def test_a_topic_change_invalidates_cached_records(site_root):
    _build("first", "cache")
    (site_root / "content/topics.yml").write_text("public-space:\n  label: Public space\n")
    try:
        _build("second", "cache")
    except Exception as exc:  # mobility is no longer a topic: the cached record must not hide that
        assert "'mobility' is not a topic in topics.yml" in str(exc)
    else:
        raise AssertionError("a cached record hid a topic that no longer exists")


def test_a_damaged_cache_is_an_empty_cache(site_root):
    clean = _build("clean", None)
    _build("warm", "cache")
    for shard in (site_root / "cache/records").glob("*.json"):
        shard.write_bytes(b"not a signed JSON shard")
    assert _build("out", "cache") == clean


def test_saving_rewrites_only_the_shards_whose_entries_changed(site_root):
    (site_root / "content/pages").mkdir()
    for i in range(12):  # enough files to fill several shards
        (site_root / f"content/pages/page-{i}.md").write_text(f"---\ntitle: Page {i}\n---\nText {i}.\n")
    _build("first", "cache")
    shards = {p.name: p.stat().st_mtime_ns for p in (site_root / "cache/records").glob("*.json")}
    assert len(shards) >= 6
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(path.read_text().replace("A city-run bicycle system.", "A city-run bicycle system, edited."))
    _build("second", "cache")
    after = {p.name: p.stat().st_mtime_ns for p in (site_root / "cache/records").glob("*.json")}
    changed = {name for name in after if shards.get(name) != after[name]} | (set(shards) - set(after))
    assert 1 <= len(changed) <= 2  # the old entry's shard and the new one's (maybe the same), not all of them


def test_cache_keys_separate_their_parts():
    assert Cache.key("ab", "c") != Cache.key("a", "bc")


def _options(out: str = "out", **changes) -> BuildOptions:
    values = {
        "content_dir": Path("content"),
        "out_dir": Path(out),
        "search": False,
        "cache_dir": Path("cache"),
        **changes,
    }
    return BuildOptions(**values)


def test_a_build_with_nothing_changed_does_nothing(site_root):
    first = build_site(_options())
    assert not first.unchanged
    index = site_root / "out/index.html"
    before = index.stat().st_mtime_ns
    again = build_site(_options())
    assert again.unchanged and again.files == first.files
    assert index.stat().st_mtime_ns == before


def test_any_change_to_inputs_or_output_rebuilds(site_root):
    build_site(_options())
    (site_root / "content/pages").mkdir(exist_ok=True)
    (site_root / "content/pages/about.md").write_text("---\ntitle: About\n---\nHello\n")
    assert not build_site(_options()).unchanged  # content changed
    assert build_site(_options()).unchanged
    (site_root / "out/feed.xml").unlink()
    result = build_site(_options())  # output damaged
    assert not result.unchanged and (site_root / "out/feed.xml").is_file()
    assert not build_site(_options(drafts=True)).unchanged  # options changed
    assert not build_site(_options("elsewhere", drafts=True)).unchanged  # another output folder
    assert build_site(_options("elsewhere", drafts=True)).unchanged


def test_warnings_are_repeated_when_nothing_changed(site_root):
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(path.read_text().replace("## Outcome\n", ""))
    first = build_site(_options())
    again = build_site(_options())
    assert again.unchanged and [str(w) for w in again.warnings] == [str(w) for w in first.warnings] != []


def _result(out: str, cache: str | None = "cache"):
    return build_site(
        BuildOptions(
            content_dir=Path("content"), out_dir=Path(out), search=False, cache_dir=Path(cache) if cache else None
        ),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )


def _edit(site_root: Path, old: str, new: str) -> None:
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(path.read_text().replace(old, new))


def test_a_rebuild_into_the_same_folder_reuses_unchanged_pages_and_equals_a_clean_build(site_root):
    first = _result("out")
    assert first.reused == 0 and first.pages > 20
    _edit(site_root, "A city-run bicycle system.", "A city-run bicycle system with 80,000 bikes.")
    second = _result("out")
    # the practice's own page, and every page that lists or links it, are rendered again; the others are kept
    assert 0 < second.reused < second.pages
    # its page, home, case-studies/, its topic, domain, city and country: the pages that show its summary. The
    # first build parsed every record and the second read them from the cache: page digests must not
    # depend on that (they did once, and a quarter of the pages were rendered again for nothing)
    assert second.pages - second.reused == 7
    built = _tree(site_root / "out")
    for page in (
        "case-studies/hangzhou-bikes/index.html",
        "index.html",
        "case-studies/index.html",
        "topics/mobility/index.html",
        "cynefin/complicated/index.html",
        "countries/cn/index.html",
        "feed.xml",
        "data/practices.json",
    ):
        assert "80,000 bikes" in built[page].decode(), page
    assert built == _build("clean", None)
    assert (
        site_root / "out/methods/world-cafe/index.html"
    ).stat().st_nlink == 1  # the old output is gone: no link left behind


def test_pages_are_not_reused_when_the_theme_changes_or_the_output_was_touched(site_root, tmp_path):
    _result("out")
    (site_root / "out/methods/world-cafe/index.html").write_text("tampered")
    again = _result("out")
    assert again.reused == 0  # the output no longer matches its manifest: nothing of it is trusted
    assert _tree(site_root / "out") == _build("clean", None)
    theme = tmp_path / "theme/templates"
    theme.mkdir(parents=True)
    (theme / "404.html").write_text("{% extends 'base.html' %}{% block main %}gone{% endblock %}")
    changed = build_site(
        BuildOptions(
            content_dir=Path("content"),
            out_dir=Path("out"),
            search=False,
            cache_dir=Path("cache"),
            theme_dir=tmp_path / "theme",
        ),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    assert changed.reused == 0


def test_the_previous_output_is_deleted_in_the_background_beside_the_output(site_root):
    import time

    _result("out")
    _edit(site_root, "A city-run bicycle system.", "A city-run bicycle system, edited.")
    _result("out")
    assert sorted(p.name for p in site_root.iterdir() if p.name.startswith(".out")) == [".out.lock", ".out.trash"]
    assert not (site_root / "cache/trash").exists()  # never in the cache folder, which may be on another disk
    for _ in range(100):  # the detached process deletes the old output
        if not any((site_root / ".out.trash").iterdir()):
            break
        time.sleep(0.05)
    assert list((site_root / ".out.trash").iterdir()) == []


def test_compiled_templates_are_kept_per_generator_version_and_never_change_the_output(site_root, tmp_path):
    clean = _build("clean", None)
    _result("first")
    folders = list((site_root / "cache/templates").iterdir())
    assert len(folders) == 1 and list(folders[0].glob("*.cache"))
    (site_root / "cache/templates/0123456789abcdef").mkdir()  # what an older generator left
    assert _build("second", "cache") == clean  # a fresh folder: compiled templates read back, same bytes
    assert [p.name for p in (site_root / "cache/templates").iterdir()] == [folders[0].name]
