"""Mirrors: the manifest, practice verify, and practice bundle."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_manifest_lists_every_file_with_size_and_sha256(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    manifest = json.loads((site_root / "out/data/manifest.json").read_text())
    listed = {e["path"]: e for e in manifest["files"]}
    on_disk = {p.relative_to(site_root / "out").as_posix() for p in (site_root / "out").rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"data/manifest.json"}
    import hashlib

    index = (site_root / "out/index.html").read_bytes()
    assert listed["index.html"] == {
        "path": "index.html",
        "size": len(index),
        "sha256": hashlib.sha256(index).hexdigest(),
    }


def test_verify_reports_missing_changed_and_extra_files(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    result = run("verify", "out")
    assert result.exit_code == 0
    assert result.stderr == "out matches its manifest.\n"
    (site_root / "out/feed.xml").unlink()
    (site_root / "out/index.html").write_text("tampered")
    (site_root / "out/extra.html").write_text("<p>not ours</p>")
    result = run("verify", "out")
    assert result.exit_code == 1
    assert result.stdout == "missing: feed.xml\nchanged: index.html\nextra: extra.html\n"
    assert result.stderr == "out differs from its manifest: 1 missing, 1 changed, 1 extra.\n"


def test_verify_ignores_the_bundle_added_after_the_build(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    (site_root / "out/download").mkdir()
    (site_root / "out/download/offline.zip").write_bytes(b"PK")
    assert run("verify", "out").exit_code == 0


def test_verify_without_a_manifest(site_root):
    (site_root / "plain").mkdir()
    result = run("verify", "plain")
    assert result.exit_code == 1
    assert result.stderr == "Error: plain/data/manifest.json is missing: is plain a copy of the site?\n"


def test_bundle_is_a_reproducible_zip_of_the_offline_build(site_root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert run("bundle", "--out", "a.zip").exit_code == 0
    assert run("bundle", "--out", "b.zip").exit_code == 0
    assert (site_root / "a.zip").read_bytes() == (site_root / "b.zip").read_bytes()
    with zipfile.ZipFile(site_root / "a.zip") as archive:
        names = archive.namelist()
        assert names[0] == "test-library/README.txt"
        assert "open index.html in this folder" in archive.read("test-library/README.txt").decode()
        assert {
            "test-library/index.html",
            "test-library/search/offline-index.js",
            "test-library/data/practices.csv",
            "test-library/data/practices.json",
            "test-library/data/manifest.json",
        } <= set(names)
        assert not any(name.startswith("test-library/pagefind/") for name in names)
        home = archive.read("test-library/index.html").decode()
        assert 'href="./case-studies/index.html"' in home
        assert "download/offline.zip" not in home
        archive.extractall(site_root / "unzipped")
    assert run("verify", str(Path("unzipped/test-library"))).exit_code == 0


def test_hosted_footer_links_the_bundle_only_when_published(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    assert 'href="./download/offline.zip"' in (site_root / "out/index.html").read_text()
    (site_root / "content/site.yml").write_text("title: T\ndescription: D\n")
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    assert "offline.zip" not in (site_root / "out/index.html").read_text()
