"""Hostile contributions, second round (issue 14): each is refused in one `path:line: field: message` line,
exit 1, no traceback, and a build that refuses one leaves the previous output untouched."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from PIL import Image

from generator.build import BuildOptions, build_site, check_content
from generator.errors import BuildFailed

CASE = "content/case-studies/hangzhou-bikes.md"


def _errors(content: str = "content") -> list[str]:
    _, problems = check_content(Path(content))
    return [str(p) for p in problems if p.is_error]


def _add_front_matter(site_root: Path, lines: str, replace: str | None = None) -> None:
    path = site_root / CASE
    text = path.read_text()
    if replace:
        text = "\n".join(row for row in text.split("\n") if not row.startswith(replace + ":"))
    path.write_text(text.replace("cynefin: complicated", "cynefin: complicated\n" + lines))


def _practice(site_root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1790000000"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=site_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,  # a guard against hanging, not a timing assertion
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused_by_build(site_root: Path) -> list[str]:
    """Build once cleanly, break the content with the caller's change, then return `build`'s error lines
    after checking that the failed build exited 1 without a traceback and left the output as it was."""
    before = _snapshot(site_root / "out")
    result = _practice(site_root, "build", "--no-search", "--out", "out")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(site_root / "out") == before
    return [line for line in result.stderr.splitlines() if not line.startswith("Build failed: ")]


# ---------------------------------------------------------------- 2. YAML anchors and aliases


def _alias_bomb(levels: int) -> str:
    rows = ["k0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"k{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(rows)


def test_an_alias_bomb_is_refused_before_anything_is_expanded(site_root):
    _add_front_matter(site_root, _alias_bomb(8))
    result = _practice(site_root, "check")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{CASE}:9: front matter: uses a YAML anchor (&name) or alias (*name); they are not allowed here, write the value out"
    )
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_anchors_are_refused_without_building_any_value(site_root, monkeypatch):
    from generator import source

    def never(*args, **kwargs):
        raise AssertionError("a document with an anchor was composed into values")

    monkeypatch.setattr(source, "_Builder", never)
    monkeypatch.setattr(source.yaml, "compose", never)
    doc, problems = source.parse_yaml("title: T\nsummary: &s S\nother: *s", "x.md", first_line=2, what="front matter")
    assert doc is None
    assert [str(p) for p in problems] == [
        "x.md:3: front matter: uses a YAML anchor (&name) or alias (*name); they are not allowed here, write the value out"
    ]
    doc, problems = source.parse_yaml("title: T\nrefs: [*s]", "x.md", first_line=2, what="front matter")
    assert [p.line for p in problems] == [3]


def test_ampersands_and_asterisks_in_text_are_not_anchors(site_root):
    _add_front_matter(site_root, "partners: ['Parks & Recreation', '*Starred* office', 'A&B']")
    assert _errors() == []


# ---------------------------------------------------------------- 4. image bombs


def _huge_bilevel_png(width: int = 20000, height: int = 20000) -> bytes:
    """A 1-bit PNG of width x height white pixels, a few kilobytes, written row by row (never in memory whole)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _animation(fmt: str, frames: int = 8, size: int = 2500) -> bytes:
    from PIL import ImageDraw

    images = []
    for i in range(frames):  # each frame differs, so no encoder merges them
        frame = Image.new("RGB", (size, size), "white")
        ImageDraw.Draw(frame).rectangle((i * 100, 0, i * 100 + 50, 50), fill="black")
        images.append(frame if fmt == "WEBP" else frame.convert("P"))
    out = io.BytesIO()
    images[0].save(
        out, fmt, save_all=True, append_images=images[1:], **({"quality": 10, "method": 0} if fmt == "WEBP" else {})
    )
    with Image.open(io.BytesIO(out.getvalue())) as check:
        assert check.n_frames == frames and check.size == (size, size)
    return out.getvalue()


def _with_image(site_root: Path, name: str, data: bytes) -> None:
    (site_root / "content/media").mkdir(exist_ok=True)
    (site_root / "content/media" / name).write_bytes(data)


def test_a_decompression_bomb_is_refused_by_check_and_by_build_in_one_line(site_root):
    data = _huge_bilevel_png()
    assert len(data) < 100_000
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    _with_image(site_root, "bomb.png", data)
    expected = (
        "content/media/bomb.png: is more than the 40,000,000 pixels (width x height x frames) an image may have;"
        " publish a smaller one"
    )
    assert _errors() == [expected]
    result = _practice(site_root, "check")
    assert (result.returncode, result.stderr.splitlines()[0]) == (1, expected)
    assert "Traceback" not in result.stderr
    assert expected in _refused_by_build(site_root)


@pytest.mark.parametrize("fmt, name", [("WEBP", "many.webp"), ("GIF", "many.gif")])
def test_an_animation_with_too_many_pixels_across_its_frames_is_refused(site_root, fmt, name):
    _with_image(site_root, name, _animation(fmt))
    assert _errors() == [
        f"content/media/{name}: is 2500x2500 pixels in 8 frames, more than the 40,000,000 pixels"
        " (width x height x frames) an image may have; publish a smaller one"
    ]


def test_the_pixel_cap_is_read_from_the_header_without_decoding(site_root, monkeypatch):
    from PIL import ImageFile

    def never(self):
        raise AssertionError("an image was decoded to check its size")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    _with_image(site_root, "many.webp", _animation("WEBP", frames=8, size=2500))
    _with_image(site_root, "small.png", _huge_bilevel_png(40, 20))
    assert [e.split(":")[0] for e in _errors()] == ["content/media/many.webp"]


def test_a_build_reports_an_image_it_cannot_publish_without_a_traceback(site_root, monkeypatch):
    """Whatever Pillow raises while re-saving an image becomes the one-line error (defence behind check)."""
    from generator import media
    from generator.media import MediaError, strip_metadata

    _with_image(site_root, "photo.png", _huge_bilevel_png(40, 20))

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(media.ImageOps, "exif_transpose", broken)
    with pytest.raises(MediaError, match=r"^cannot be read as an image \(division by zero\)$"):
        strip_metadata((site_root / "content/media/photo.png").read_bytes(), ".png")
    with pytest.raises(BuildFailed) as failed:
        build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    assert [str(p) for p in failed.value.problems] == [
        "content/media/photo.png: cannot be read as an image (division by zero)"
    ]


def test_a_bomb_that_reaches_the_publishing_step_is_one_line(tmp_path):
    from generator.media import MediaError, strip_metadata

    with pytest.raises(MediaError, match="pixels"):
        strip_metadata(_huge_bilevel_png(), ".png")
    with pytest.raises(MediaError, match="2500x2500 pixels in 8 frames"):
        strip_metadata(_animation("GIF"), ".gif")


# ---------------------------------------------------------------- 5. symbolic links under media/


def _can_link(tmp_path: Path) -> bool:
    try:
        (tmp_path / "link-probe").symlink_to(tmp_path)
    except (OSError, NotImplementedError):
        return False
    (tmp_path / "link-probe").unlink()
    return True


def test_a_symlinked_media_folder_is_refused(site_root, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    if not _can_link(elsewhere):
        pytest.skip("this system cannot make symbolic links")
    (elsewhere / "secret.png").write_bytes(_huge_bilevel_png(4, 4))
    (site_root / "content/media").symlink_to(elsewhere, target_is_directory=True)
    assert _errors() == ["content/media: is a symbolic link; links are refused"]


def test_an_image_through_a_symlinked_sub_folder_is_refused(site_root, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    if not _can_link(elsewhere):
        pytest.skip("this system cannot make symbolic links")
    (elsewhere / "secret.png").write_bytes(_huge_bilevel_png(4, 4))
    (site_root / "content/media").mkdir()
    (site_root / "content/media/sub").symlink_to(elsewhere, target_is_directory=True)
    _add_front_matter(site_root, "image: media/sub/secret.png\nimage_alt: A secret")
    assert _errors() == [
        f"{CASE}:9: image: 'media/sub/secret.png' goes through media/sub, a symbolic link; links are refused",
        "content/media/sub: is a symbolic link; links are refused",
    ]


# ---------------------------------------------------------------- 9. media file names


def test_unportable_media_names_are_refused_one_line_each(site_root):
    png = _huge_bilevel_png(4, 4)
    names = ["new\nline.png", "a#b.png", "con.png", "Photo.PNG", "fine-name_2.png", "x" * 101 + ".png"]
    for name in names:
        _with_image(site_root, name, png)
    assert sorted(_errors()) == sorted(
        [
            "content/media/new\\nline.png: the name 'new\\nline.png' is not portable; use lowercase ASCII letters,"
            " digits, '-', '_' and '.' (rename it to 'new-line.png')",
            "content/media/a#b.png: the name 'a#b.png' is not portable; use lowercase ASCII letters, digits, '-', '_'"
            " and '.' (rename it to 'a-b.png')",
            "content/media/con.png: the name 'con.png' is reserved for a device on Windows, which cannot check it out;"
            " rename it",
            "content/media/Photo.PNG: the name 'Photo.PNG' is not portable; use lowercase ASCII letters, digits, '-',"
            " '_' and '.' (rename it to 'photo.png')",
            f"content/media/{'x' * 101}.png: the name is 105 characters long; the limit is 100",
        ]
    )


# ---------------------------------------------------------------- 6. length caps, languages, years


@pytest.mark.parametrize(
    "line, field, message",
    [
        ("title: " + "x" * 201, "title", "is 201 characters long; the limit is 200"),
        ("city: " + "x" * 101, "city", "is 101 characters long; the limit is 100"),
        ("summary: " + "<a" * 120_000, "summary", "is 240,000 characters long; the limit is 300"),
        ("partners: [ok, " + "x" * 301 + "]", "partners", "is 301 characters long; the limit is 300"),
        ("sources: [{title: " + "x" * 301 + ", url: 'https://example.org/'}]", "sources", None),
        ("contact: {organisation: " + "x" * 301 + "}", "contact", None),
        ("start: 1000", "start", None),
        ("end: 9999", "end", None),
    ],
)
def test_every_text_field_has_a_length_cap_and_years_a_range(site_root, line, field, message):
    _add_front_matter(site_root, line, replace=line.split(":")[0])
    errors = _errors()
    assert len(errors) == 1 and errors[0].startswith(f"{CASE}:"), errors
    assert f": {field}: " in errors[0]
    if message:
        assert errors[0].endswith(f": {field}: {message}")


def test_image_alt_and_event_fields_are_capped(site_root):
    _with_image(site_root, "photo.png", _huge_bilevel_png(4, 4))
    _add_front_matter(site_root, "image: media/photo.png\nimage_alt: " + "x" * 301)
    assert _errors() == [f"{CASE}:10: image_alt: is 301 characters long; the limit is 300"]


def test_years_run_from_1800_to_ten_years_ahead(site_root):
    import datetime as dt

    latest = dt.date.today().year + 10
    _add_front_matter(site_root, f"start: 1799-05-01\nend: {latest + 1}")
    assert _errors() == [
        f"{CASE}:9: start: 1799 is out of range; years run from 1800 to {latest}",
        f"{CASE}:10: end: {latest + 1} is out of range; years run from 1800 to {latest}",
    ]
    _add_front_matter(site_root, f"start: 1800\nend: {latest}", replace="start")
    path = site_root / CASE
    path.write_text(
        "\n".join(r for r in path.read_text().split("\n") if r not in ("start: 1799-05-01", f"end: {latest + 1}"))
    )
    assert _errors() == []


def test_the_length_cap_runs_before_any_pattern(site_root, monkeypatch):
    """240 KB of '<a' took 17 s in the tag pattern: the cap must refuse it before any pattern sees it."""
    from generator import converters

    class Watched:
        def __init__(self, pattern):
            self.pattern = pattern

        def search(self, value, *args):
            assert len(value) <= 2 * converters.SUMMARY_LIMIT, "a pattern ran on an over-long value"
            return self.pattern.search(value, *args)

        def sub(self, repl, value, *args):
            assert len(value) <= 2 * converters.SUMMARY_LIMIT, "a pattern ran on an over-long value"
            return self.pattern.sub(repl, value, *args)

    for name in ("_TAG_RE", "_CONTROL_RE", "_INVISIBLE_RE", "_BREAK_RE"):
        monkeypatch.setattr(converters, name, Watched(getattr(converters, name)))
    _add_front_matter(site_root, "summary: " + "<a" * 120_000 + "\ntitle: " + "<a" * 5000, replace="summary")
    path = site_root / CASE
    path.write_text(path.read_text().replace("title: Hangzhou public bicycles\n", ""))
    assert _errors() == [
        f"{CASE}:7: summary: is 240,000 characters long; the limit is 300",
        f"{CASE}:8: title: is 10,000 characters long; the limit is 200",
    ]


def test_languages_are_capped(site_root):
    codes = [f"x{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(21)]
    path = site_root / "content/site.yml"
    path.write_text(path.read_text() + f"\nlanguages: [{', '.join(codes)}]\n")
    errors = _errors()
    assert errors == ["content/site.yml:5: languages: lists 21 items; the limit is 20"]


# ---------------------------------------------------------------- 9. invisible characters in text


@pytest.mark.parametrize(
    "char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u200b", "\u2060", "\ufeff"]
)
@pytest.mark.parametrize("field", ["title", "city"])
def test_invisible_characters_are_refused_in_single_line_text(site_root, char, field):
    value = {"title": "Hangzhou bicycles", "city": "Hangzhou"}[field]
    _add_front_matter(site_root, f'{field}: "{value[:3]}{char}{value[3:]}"', replace=field)
    assert _errors() == [
        f"{CASE}:8: {field}: contains the character U+{ord(char):04X}, which is invisible and cannot be published; remove it"
    ]


def test_a_reversed_city_is_not_a_second_hangzhou(site_root):
    _add_front_matter(site_root, 'city: "\\u202euohzgnaH"', replace="city")
    assert _errors() == [
        f"{CASE}:8: city: contains the character U+202E, which is invisible and cannot be published; remove it"
    ]


def test_zero_width_joiners_stay_allowed_for_persian_and_hindi(site_root):
    _add_front_matter(site_root, 'title: "می\u200cخواهم: क्\u200dष"\npartners: ["نیم\u200cفاصله"]', replace="title")
    assert _errors() == []


# ---------------------------------------------------------------- 3. URLs to other hosts

OTHER_HOST_URLS = [
    "//attacker.example/share/bus.png",
    "\\\\attacker2.example\\share\\x.png",
    "/\\attacker.example/x.png",
    "\\/attacker.example/x.png",
    " \t//attacker.example/x.png",
    "\x01//attacker.example/x.png",
    "/\t/attacker.example/x.png",
]


def _with_body(site_root: Path, body: str) -> None:
    path = site_root / CASE
    path.write_text(path.read_text() + body)


@pytest.mark.parametrize("url", OTHER_HOST_URLS)
@pytest.mark.parametrize(
    "form",
    ["![map]({url})", "[map]({url})", '<img src="{url}" alt="m">', '<img srcset="a.png 1x, {url} 2x" alt="m">'],
)
def test_urls_to_other_hosts_are_refused_in_bodies_and_stripped(site_root, url, form):
    from generator.markup import MarkdownRenderer

    if "srcset" in form and "\t" in url.strip():
        pytest.skip("in srcset, blanks end the URL: '/' and a descriptor, not another host")
    if form.startswith(("!", "[")):
        if "\t" in url:
            pytest.skip("Markdown's link syntax ends a URL at a tab")
        # Markdown's link syntax takes no leading blanks, and reads '\\' as one escaped backslash
        url = url.lstrip(" \x01").replace("\\", "\\\\")
    _with_body(site_root, "\nText.\n\n" + form.format(url=url) + "\n")
    errors = _errors()
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{CASE}:26: body: '") and "names another host" in errors[0]
    html = MarkdownRenderer().render(form.format(url=url)).html
    assert "attacker" not in html


def test_images_load_only_from_inside_the_site(site_root):
    from generator.markup import MarkdownRenderer

    _with_body(site_root, "\n![remote](https://tracker.example/pixel.png)\n\n![local](../../media/x.png)\n")
    assert _errors() == [
        f"{CASE}:24: body: the image 'https://tracker.example/pixel.png' is not inside the site;"
        " put it in content/media/ and link it from there"
    ]
    html = MarkdownRenderer().render("![remote](https://tracker.example/pixel.png) [site](https://example.org/)").html
    assert html == '<p><img alt="remote"> <a href="https://example.org/">site</a></p>'


@pytest.mark.parametrize("image", ["//attacker.example/x.png", "\\\\attacker.example\\x.png", " //a.example/x.png"])
def test_a_front_matter_image_on_another_host_is_refused(site_root, image):
    _add_front_matter(site_root, f'image: "{image.replace(chr(92), chr(92) * 2)}"\nimage_alt: A map')
    errors = _errors()
    assert len(errors) == 1 and errors[0].startswith(f"{CASE}:9: image: "), errors


def test_a_build_refuses_a_url_to_another_host_and_keeps_the_output(site_root):
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    _with_body(site_root, "\n![map](//attacker.example/share/bus.png)\n")
    assert _refused_by_build(site_root) == [
        f"{CASE}:24: body: '//attacker.example/share/bus.png' starts with two slashes (or backslashes), so it names"
        " another host (from an offline copy, file://host/...); write https:// for another site, or a path inside the site"
    ]


# ---------------------------------------------------------------- 7. sections start at top-level H2s only


def test_only_top_level_h2s_start_a_section():
    from generator.markup import MarkdownRenderer

    html = (
        MarkdownRenderer()
        .render(
            "Intro.\n\n## One\n\n> ## Quoted\n> still quoted\n\n<details><summary>More</summary>\n\n<h2>Inside</h2>\n\n"
            "</details>\n\n<ul><li><h2>Listed</h2></li></ul>\n\n## Two\n\nEnd.\n"
        )
        .html
    )
    assert html.count('<section class="body-section">') == 2
    one, two = html.split('<section class="body-section">')[1:]
    assert "<blockquote>\n<h2" in one and "still quoted</p>\n</blockquote>" in one
    assert "<h2>Inside</h2>" in one and "</details>" in one and "<h2>Listed</h2></li></ul>" in one
    assert one.rstrip().endswith("</section>") and two.startswith('\n<h2 id="two">Two</h2>')


# ---------------------------------------------------------------- 9. controls in the body


def test_the_body_never_publishes_c0_controls_or_non_characters(site_root):
    _with_body(site_root, "\nBell\x07 escape\x1b[31m red\ufffe\uffff end\x7f.\tTab stays.\n")
    build_site(BuildOptions(content_dir=Path("content"), out_dir=Path("out"), search=False))
    page = (site_root / "out/case-studies/hangzhou-bikes/index.html").read_text()
    assert "Bell escape[31m red end." in page
    for char in "\x07\x1b\ufffe\uffff\x7f":
        assert char not in page


# ---------------------------------------------------------------- 10. the content security policy, page by page


def _policies(out: Path) -> dict[str, str]:
    import html
    import re

    found = {}
    for page in sorted(out.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<[^>]+\sstyle=|<style", text), f"{page}: an inline style needs 'unsafe-inline'"
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)
        found[page.relative_to(out).as_posix()] = html.unescape(policy[1]) if policy else ""
    return found


@pytest.mark.parametrize("offline", [False, True])
def test_only_the_pagefind_search_page_may_compile_webassembly(site_root, offline):
    build_site(
        BuildOptions(content_dir=Path("content"), out_dir=Path("out"), offline=offline),
        environ={"SOURCE_DATE_EPOCH": "1790000000"},
    )
    policies = _policies(site_root / "out")
    assert "case-studies/hangzhou-bikes/index.html" in policies and "search/index.html" in policies
    assert [page for page, policy in policies.items() if "'unsafe-inline'" in policy] == []
    assert [page for page, policy in policies.items() if "'wasm-unsafe-eval'" in policy] == (
        [] if offline else ["search/index.html"]
    )
    assert all("script-src 'self'" in policy and "style-src 'self';" in policy for policy in policies.values())
