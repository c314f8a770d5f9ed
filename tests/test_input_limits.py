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
    return [line for line in result.stderr.splitlines() if ": " in line and not line.startswith(("Error", "error"))]


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
