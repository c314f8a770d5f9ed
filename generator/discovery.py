"""What a content folder holds, found before anything is read: its Markdown files, each with its kind, slug
and translation language (``ContentFile``), and the images under media/ that may be published. Names, links
and sizes that cannot be published are refused here, with the same messages wherever the content is loaded."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from generator.addresses import IMAGE_LIMIT_BYTES
from generator.converters import LANG_PATTERN
from generator.errors import Problem, Severity
from generator.vocab import SLUG_RE, slugify

__all__ = ["KIND_FOLDERS", "ContentFile", "discover_files"]

KIND_FOLDERS = {"case-studies": "case-study", "events": "event", "methods": "method", "pages": "page"}

# A translation's file name: <slug>.<lang>.md, the language a BCP 47 tag (pt, pt-BR).
_TRANSLATION_RE = re.compile(rf"^(?P<slug>[^.]+)\.(?P<lang>{LANG_PATTERN})$")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


@dataclass(frozen=True)
class ContentFile:
    """One Markdown file of the content: what it is (kind, slug, translation language) and, once read, its bytes."""

    kind: str
    path: Path
    display: str
    slug: str
    data: bytes = b""
    lang: str = ""  # set for a translation, <slug>.<lang>.md


def discover_files(content_dir: Path, display_dir: str) -> tuple[list[ContentFile], list[str], list[Problem]]:
    """The Markdown files of the content (not yet read), the publishable media, and what was refused."""
    from generator.vocab import device_name_problem

    tasks: list[ContentFile] = []
    problems: list[Problem] = []
    for folder, kind in KIND_FOLDERS.items():
        directory = content_dir / folder
        if directory.is_symlink():
            problems.append(Problem(f"{display_dir}/{folder}", 0, "", "is a symbolic link; links are refused"))
            continue
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            display = f"{display_dir}/{folder}/{path.name}"
            if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()):
                continue
            if path.suffix != ".md":
                problems.append(
                    Problem(display, 0, "", f"is not a Markdown file; {folder}/ holds only .md files", Severity.WARNING)
                )
                continue
            stem = path.name[: -len(".md")]
            device = device_name_problem(path.name)  # con.md, nul.fr.md: Windows cannot check them out
            if device:
                problems.append(Problem(display, 1, "slug", device))
                continue
            translation = _TRANSLATION_RE.match(stem)
            if translation and SLUG_RE.match(translation["slug"]):
                tasks.append(ContentFile(kind, path, display, translation["slug"], lang=translation["lang"]))
                continue
            if not SLUG_RE.match(stem):
                suggestion = slugify(stem)
                problems.append(
                    Problem(
                        display,
                        1,
                        "slug",
                        f"the file name '{path.name}' is not a slug; rename it to '{suggestion}.md' (lowercase ASCII letters, digits and hyphens)",
                    )
                )
                continue
            tasks.append(ContentFile(kind, path, display, stem))
    media, media_problems = _discover_media(content_dir, display_dir)
    return tasks, media, problems + media_problems


def _discover_media(content_dir: Path, display_dir: str) -> tuple[list[str], list[Problem]]:
    """The images under media/ that may be published; links, unportable names and oversized images refused."""
    from generator.media import image_header_problem, media_name_problem

    media: list[str] = []
    problems: list[Problem] = []
    media_dir = content_dir / "media"
    if media_dir.is_symlink():  # media -> / would walk the whole disk
        return media, [Problem(f"{display_dir}/media", 0, "", "is a symbolic link; links are refused")]
    if media_dir.is_dir():
        for root, dirs, files in os.walk(media_dir):
            dirs.sort()
            for name in list(dirs):
                path = Path(root, name)
                shown = f"{display_dir}/{path.relative_to(content_dir).as_posix()}"
                refused = "is a symbolic link; links are refused" if path.is_symlink() else media_name_problem(name)
                if refused and not name.startswith("."):
                    problems.append(Problem(_printable(shown), 0, "", refused))
                if refused or name.startswith("."):
                    dirs.remove(name)
            for name in sorted(files):
                path = Path(root, name)
                rel = path.relative_to(content_dir).as_posix()
                shown = f"{display_dir}/{rel}"
                if path.is_symlink():
                    problems.append(Problem(_printable(shown), 0, "", "is a symbolic link; links are refused"))
                elif name.startswith("."):
                    continue
                elif bad_name := media_name_problem(name):
                    problems.append(Problem(_printable(shown), 0, "", bad_name))
                elif path.suffix.lower() not in _IMAGE_SUFFIXES:
                    problems.append(
                        Problem(shown, 0, "", "is not a PNG, JPEG, WebP or GIF image; media/ holds only images")
                    )
                elif path.stat().st_size > IMAGE_LIMIT_BYTES:
                    problems.append(
                        Problem(
                            shown,
                            0,
                            "",
                            f"is {path.stat().st_size:,} bytes; images may be at most {IMAGE_LIMIT_BYTES:,} bytes",
                        )
                    )
                elif bad_image := image_header_problem(path):
                    problems.append(Problem(shown, 0, "", bad_image))
                else:
                    media.append(rel)
    return media, problems


def _printable(shown: str) -> str:
    """A path as one line of a report, whatever characters its name holds."""
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
