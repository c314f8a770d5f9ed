"""Hostile or broken contributions never reach readers, and a failed build loses nothing."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, make_site
from PIL import Image

from generator.build import BuildOptions, build_site, check_content
from generator.errors import BuildFailed


def _photo_with_location() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # rotated: the published copy must still stand upright
    exif[0x8825] = {1: "N", 2: (41.0, 53.0, 24.0), 3: "E", 4: (12.0, 29.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def test_published_images_lose_their_metadata(site_root):
    (site_root / "content/media").mkdir()
    (site_root / "content/media/assembly.jpg").write_bytes(_photo_with_location())
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(
        path.read_text().replace(
            "cynefin: complicated",
            "cynefin: complicated\nimage: media/assembly.jpg\nimage_alt: Residents at a district assembly",
        )
    )
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    published = (site_root / "out/media/assembly.jpg").read_bytes()
    assert b"PhoneMaker" not in published and b"taken at home" not in published
    with Image.open(io.BytesIO(published)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (20, 40)
    page = (site_root / "out/case-studies/hangzhou-bikes/index.html").read_text()
    assert '<img src="../../media/assembly.jpg" alt="Residents at a district assembly">' in page


def test_media_holds_only_real_images(site_root):
    make_site(
        site_root,
        "-- content/media/page.html --\n<script>alert(1)</script>\n-- content/media/logo.svg --\n<svg onload='alert(1)'/>\n",
    )
    _, problems = check_content(Path("content"))
    assert [str(p) for p in problems if p.is_error] == [
        "content/media/logo.svg: is not a PNG, JPEG, WebP or GIF image; media/ holds only images",
        "content/media/page.html: is not a PNG, JPEG, WebP or GIF image; media/ holds only images",
    ]
    (site_root / "content/media/logo.svg").unlink()
    (site_root / "content/media/page.html").unlink()
    (site_root / "content/media/fake.png").write_text("<script>alert(1)</script>")
    try:
        build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    except BuildFailed as exc:
        assert len(exc.problems) == 1
        assert str(exc.problems[0]).startswith("content/media/fake.png: cannot be read as an image (")
    else:
        raise AssertionError("a fake image was published")
    assert not (site_root / "out").exists()


def _build_in_subprocess(out: Path, **env) -> dict[str, bytes]:
    environ = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", **env}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--no-search",
            "--out",
            str(out),
            "--content",
            str(REPO / "content"),
        ],
        check=True,
        env=environ,
        capture_output=True,
    )
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_builds_are_byte_identical_whatever_the_hash_seed_time_zone_and_locale(tmp_path):
    first = _build_in_subprocess(tmp_path / "a", PYTHONHASHSEED="1", TZ="Pacific/Kiritimati", LC_ALL="C")
    second = _build_in_subprocess(tmp_path / "b", PYTHONHASHSEED="4242", TZ="America/Adak", LC_ALL="C.UTF-8")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_build_killed_mid_way_leaves_the_output_as_it_was(site_root):
    for n in range(400):
        (site_root / f"content/case-studies/p{n:03d}.md").write_text(
            f"---\ntitle: P{n}\nsummary: S\npublished: 2026-01-01\ncity: Hangzhou\ncountry: CN\ntopics: [mobility]\ncynefin: clear\n---\n"
            + "## Approach\n\n"
            + "Text. " * 200
        )
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False, jobs=1))
    before = {p: p.read_bytes() for p in sorted((site_root / "out").rglob("*")) if p.is_file()}
    (site_root / "content/case-studies/p000.md").write_text(
        (site_root / "content/case-studies/p000.md").read_text().replace("title: P0", "title: Changed")
    )
    for sig in (signal.SIGINT, signal.SIGKILL):
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--no-search", "--jobs", "1", "--out", "out"],
            cwd=site_root,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while not list(site_root.glob(".out.staging-*")) and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(sig)
        _, err = process.communicate(timeout=30)
        if sig == signal.SIGINT:
            assert process.returncode == 130, err
            assert not list(site_root.glob(".out.staging-*"))
        after = {p: p.read_bytes() for p in sorted((site_root / "out").rglob("*")) if p.is_file()}
        assert after == before
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False, jobs=1))
    # the previous output waits in .out.trash for the background process that deletes it
    assert sorted(p.name for p in site_root.iterdir() if p.name.startswith(".out")) == [".out.lock", ".out.trash"]
    assert "Changed" in (site_root / "out/case-studies/p000/index.html").read_text()


def test_nothing_is_written_outside_the_output_folder(site_root):
    from generator.model import RenderedFile
    from generator.output import write_files

    (site_root / "out").mkdir()
    try:
        write_files(site_root / "out", [RenderedFile("../escaped.html", b"x")])
    except BuildFailed as exc:
        assert str(exc) == "../escaped.html: would be written outside the output folder"
    assert not (site_root / "escaped.html").exists()


def test_two_sources_for_one_output_path_are_named(site_root):
    make_site(
        site_root,
        "-- content/case-studies/old-name.md --\n---\ntitle: Old\nsummary: S\npublished: 2026-01-01\ncity: A\ncountry: BR\ntopics: [mobility]\ncynefin: clear\n---\n",
    )
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(path.read_text().replace("cynefin: complicated", "cynefin: complicated\naliases: [old-name]"))
    _, problems = check_content(Path("content"))
    assert [str(p) for p in problems if p.is_error] == [
        "content/case-studies/hangzhou-bikes.md:9: aliases: 'old-name' is already the slug or alias of another case study"
    ]


def test_symbolic_links_in_a_theme_are_refused(site_root, tmp_path):
    theme = make_site(tmp_path / "theme", "-- templates/page.html --\n<p>{{ page.title }}</p>\n")
    (theme / "templates/secret.html").symlink_to("/etc/passwd")
    try:
        build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), theme_dir=theme, search=False))
    except BuildFailed as exc:
        assert [str(p) for p in exc.problems] == [
            f"{theme}/templates/secret.html: is a symbolic link; links are refused in themes"
        ]
    else:
        raise AssertionError("a theme with a symbolic link was built")
    assert not (site_root / "out").exists()


def test_two_files_for_one_output_path_name_both_sources(site_root):
    from generator.model import RenderedFile
    from generator.output import write_files

    (site_root / "out").mkdir()
    try:
        write_files(
            site_root / "out",
            [
                RenderedFile("about/index.html", b"a", "content/pages/about.md"),
                RenderedFile("about/index.html", b"b", "content/case-studies/about.md"),
            ],
        )
    except BuildFailed as exc:
        assert (
            str(exc)
            == "content/case-studies/about.md: writes about/index.html, which content/pages/about.md writes too"
        )
    else:
        raise AssertionError("a clash was not reported")


def test_a_clash_with_a_page_the_site_makes_itself_names_the_file():
    from generator.output import claim_paths

    try:
        claim_paths([("about/index.html", "content/pages/about.md"), ("about/index.html", "")])
    except BuildFailed as exc:
        assert [str(p) for p in exc.problems] == [
            "content/pages/about.md: writes about/index.html, which the site itself writes too"
        ]
    else:
        raise AssertionError("a clash was not reported")
