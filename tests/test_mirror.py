"""Mirrors: the manifest, SHA256SUMS, practice verify, practice bundle and build --bundle."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_manifest_lists_every_file_with_size_and_sha256(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    manifest = json.loads((site_root / "out/data/manifest.json").read_text())
    listed = {e["path"]: e for e in manifest["files"]}
    on_disk = {p.relative_to(site_root / "out").as_posix() for p in (site_root / "out").rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"data/manifest.json", "SHA256SUMS"}

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


def test_verify_reports_a_bundle_the_build_did_not_make(site_root):
    """download/ is part of the build now (build --bundle): a zip dropped in afterwards is not the build's."""
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    (site_root / "out/download").mkdir()
    (site_root / "out/download/offline.zip").write_bytes(b"PK")
    result = run("verify", "out")
    assert result.exit_code == 1
    assert result.stdout == "extra: download/offline.zip\n"


def test_sha256sums_lists_every_file_and_the_manifest(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    out = site_root / "out"
    lines = (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert [line.partition("  ")[2] for line in lines] == on_disk
    assert "data/manifest.json" in on_disk
    for line in lines:
        digest, _, name = line.partition("  ")
        assert digest == hashlib.sha256((out / name).read_bytes()).hexdigest(), name


@pytest.mark.parametrize("command", [["sha256sum", "-c"], ["shasum", "-a", "256", "-c"]])
def test_a_fresh_copy_passes_the_system_checksum_tool(site_root, command):
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    assert run("build", "--no-search", "--bundle", "--out", "out").exit_code == 0
    shutil.copytree(site_root / "out", site_root / "copy")
    checked = subprocess.run([*command, "SHA256SUMS"], cwd=site_root / "copy", capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "download/offline.zip: OK" in checked.stdout
    (site_root / "copy/index.html").write_text("tampered")
    checked = subprocess.run([*command, "SHA256SUMS"], cwd=site_root / "copy", capture_output=True, text=True)
    assert checked.returncode == 1
    assert "index.html: FAILED" in checked.stdout


def test_verify_reports_a_tampered_or_missing_sha256sums(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    sums = site_root / "out/SHA256SUMS"
    sums.write_text(sums.read_text().replace("index.html", "other.html", 1))
    result = run("verify", "out")
    assert (result.exit_code, result.stdout) == (1, "changed: SHA256SUMS\n")
    sums.unlink()
    result = run("verify", "out")
    assert (result.exit_code, result.stdout) == (1, "missing: SHA256SUMS\n")


def test_verify_without_a_manifest(site_root):
    (site_root / "plain").mkdir()
    result = run("verify", "plain")
    assert result.exit_code == 1
    assert result.stderr == "Error: plain/data/manifest.json is missing: is plain a copy of the site?\n"


def test_bundle_is_a_reproducible_zip_of_the_offline_build(site_root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
    assert run("bundle", "--out", "a.zip").exit_code == 0
    assert run("bundle", "--out", "b.zip").exit_code == 0
    assert (site_root / "a.zip").read_bytes() == (site_root / "b.zip").read_bytes()
    with zipfile.ZipFile(site_root / "a.zip") as archive:
        names = archive.namelist()
        assert names[0] == "test-library/README.txt"
        readme = archive.read("test-library/README.txt").decode()
        assert "open index.html in this folder" in readme
        assert "  Built:    2026-09-21\n" in readme  # SOURCE_DATE_EPOCH's day
        assert "  Commit:   0123456789abcdef0123456789abcdef01234567\n" in readme
        assert "  Source:   https://example.org/library/\n" in readme
        assert "  Licence:  CC-BY-4.0\n" in readme
        assert "sha256sum -c SHA256SUMS" in readme and "shasum -a 256 -c SHA256SUMS" in readme
        assert "Get-FileHash -Algorithm SHA256" in readme
        assert "data/datapackage.json" in readme
        assert (
            "Test Library (2026). Offline copy, commit 0123456789ab. https://example.org/library/. "
            "Licence: CC-BY-4.0." in readme
        )
        assert {
            "test-library/index.html",
            "test-library/search/offline-index.js",
            "test-library/data/practices.csv",
            "test-library/data/practices.json",
            "test-library/data/manifest.json",
            "test-library/data/datapackage.json",
            "test-library/SHA256SUMS",
        } <= set(names)
        assert not any(name.startswith("test-library/pagefind/") for name in names)
        home = archive.read("test-library/index.html").decode()
        assert 'href="./case-studies/index.html"' in home
        assert "download/offline.zip" not in home
        archive.extractall(site_root / "unzipped")
    assert run("verify", str(Path("unzipped/test-library"))).exit_code == 0


def test_bundle_readme_without_epoch_or_commit_says_unknown(site_root, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    assert run("bundle", "--out", "a.zip").exit_code == 0
    with zipfile.ZipFile(site_root / "a.zip") as archive:
        readme = archive.read("test-library/README.txt").decode()
    assert "  Built:    unknown (SOURCE_DATE_EPOCH was not set)\n" in readme
    assert "  Commit:   unknown\n" in readme  # tmp_path is no Git repository
    assert "Test Library (n.d.). Offline copy. https://example.org/library/." in readme


def test_bundle_has_no_offline_option(site_root):
    """bundle is always the offline copy; the flag it used to accept and ignore is refused."""
    result = run("bundle", "--offline", "--out", "a.zip")
    assert result.exit_code == 2
    assert "Error: No such option '--offline'." in result.output
    assert not (site_root / "a.zip").exists()


def test_footer_links_the_bundle_only_when_the_build_makes_it(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    assert not (site_root / "out/download").exists()
    assert "offline.zip" not in (site_root / "out/index.html").read_text()
    assert "offline.zip" not in (site_root / "out/case-studies/hangzhou-bikes/index.html").read_text()
    assert run("build", "--no-search", "--bundle", "--out", "out").exit_code == 0
    assert 'href="./download/offline.zip"' in (site_root / "out/index.html").read_text()
    assert 'href="../../download/offline.zip"' in (site_root / "out/case-studies/hangzhou-bikes/index.html").read_text()
    assert zipfile.is_zipfile(site_root / "out/download/offline.zip")
    assert run("verify", "out").exit_code == 0


def test_build_bundle_zip_is_the_offline_copy_and_reproducible(site_root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert run("build", "--no-search", "--bundle", "--out", "one").exit_code == 0
    assert run("build", "--no-search", "--bundle", "--out", "two").exit_code == 0
    zipped = (site_root / "one/download/offline.zip").read_bytes()
    assert zipped == (site_root / "two/download/offline.zip").read_bytes()
    assert run("bundle", "--out", "alone.zip").exit_code == 0
    assert zipped == (site_root / "alone.zip").read_bytes()  # the same zip practice bundle writes
    with zipfile.ZipFile(site_root / "one/download/offline.zip") as archive:
        infos = archive.infolist()
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        names = [info.filename for info in infos]
        assert names[1:] == sorted(names[1:]) and names[0] == "test-library/README.txt"
        assert not any("download/" in name for name in names)


def test_a_failed_bundle_build_leaves_the_output_untouched(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    before = {p: p.read_bytes() for p in (site_root / "out").rglob("*") if p.is_file()}
    (site_root / "content/case-studies/broken.md").write_text("---\ntitle: x\n---\n")
    assert run("build", "--no-search", "--bundle", "--out", "out").exit_code == 1
    assert {p: p.read_bytes() for p in (site_root / "out").rglob("*") if p.is_file()} == before


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src") and value is not None]


def _broken_links(root: Path) -> list[str]:
    broken = []
    for page in root.rglob("*.html"):
        if page.name == "404.html":  # absolute on base_url: a host serves it at any path
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            if urlsplit(link).scheme in ("http", "https", "mailto"):
                continue
            target = (page.parent / unquote(urldefrag(link)[0])).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(root)}: {link}")
    return broken


@pytest.mark.parametrize("bundle", [[], ["--bundle"]])
def test_plain_and_bundle_builds_have_no_broken_links(site_root, bundle):
    assert run("build", "--no-search", *bundle, "--out", "out").exit_code == 0
    assert ("download/offline.zip" in (site_root / "out/index.html").read_text()) == bool(bundle)
    assert _broken_links(site_root / "out") == []
