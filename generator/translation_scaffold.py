"""``practice new translation SLUG LANG``: ``<slug>.<lang>.md`` beside its original, to translate.

The file holds the original's text fields (records.TEXT_FIELDS: title, summary, image_alt, the source titles,
event, ...) and its body, copied for the translator to replace; the facts (city, dates, topics, ...) are left
out, since they come from the original and a translation may only repeat them unchanged. The rules are the
checker's (translations.py): LANG is one of site.yml's languages and not the original's, and the file does
not exist yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.discovery import KIND_FOLDERS
from generator.errors import ExitCode
from generator.records import TEXT_FIELDS
from generator.scaffold import ScaffoldError, load_setting
from generator.source import read_source, yaml_lines
from generator.vocab import SLUG_RE, did_you_mean

__all__ = ["scaffold_translation"]


def scaffold_translation(slug: str, lang: str, content_dir: Path) -> Path:
    """Write the translation; raises ScaffoldError naming every problem, having written nothing."""
    setting = load_setting(content_dir)
    folder, name = _original(slug, content_dir)
    kind = KIND_FOLDERS[folder]
    original = content_dir / folder / f"{name}.md"
    display = f"{content_dir.as_posix()}/{folder}/{name}.md"
    source, problems = read_source(original, display)
    if source is None:
        raise ScaffoldError(
            [str(p) for p in problems] + [f"fix {display} first (practice check {display}). Nothing was written."],
            ExitCode.CONTENT,
        )
    values = source.front_matter.values
    original_lang = values.get("lang") if isinstance(values.get("lang"), str) else setting.languages[0]
    found: list[str] = []
    languages = ", ".join(setting.languages)
    if lang not in setting.languages:
        found.append(
            f"LANG: '{lang}' is not a language of this site{did_you_mean(lang, setting.languages)}; "
            f"site.yml lists {languages}"
        )
    elif lang == original_lang:
        found.append(
            f"LANG: '{lang}' is the language of the original ({display}); a translation is in another language"
        )
    path = content_dir / folder / f"{name}.{lang}.md"
    if path.exists() or path.is_symlink():
        found.append(f"{path} already exists; edit that file")
    if found:
        raise ScaffoldError(found)
    front: dict[str, Any] = {"lang": lang}
    for key in TEXT_FIELDS[kind]:
        if key in values:
            front[key] = _plain(values[key])
    note = (
        f"# A translation of {folder}/{name}.md into {lang}: translate the text fields and the body. Facts\n"
        "# (places, dates, topics, links) come from the original; repeated here, they must equal it.\n"
    )
    text = f"---\n{note}{yaml_lines(front)}---\n{source.body}"
    with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
        handle.write(text if text.endswith("\n") else text + "\n")
    return path


def _plain(value: Any) -> Any:
    """The YAML value as plain str, list and dict (the loader's str subclasses dumped as text)."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _original(slug: str, content_dir: Path) -> tuple[str, str]:
    """(folder, slug) of the original that SLUG (or FOLDER/SLUG) names."""
    folder, _, name = slug.rpartition("/")
    name = name.removesuffix(".md")
    if folder and folder.rsplit("/", 1)[-1] not in KIND_FOLDERS:
        raise ScaffoldError(f"SLUG: '{folder}' is not a content folder; use one of {', '.join(KIND_FOLDERS)}")
    if not SLUG_RE.match(name):
        raise ScaffoldError(f"SLUG: '{name}' is not a slug (lowercase ASCII letters, digits and hyphens)")
    folders = [folder.rsplit("/", 1)[-1]] if folder else list(KIND_FOLDERS)
    found = [f for f in folders if (content_dir / f / f"{name}.md").is_file()]
    if len(found) > 1:
        choices = " or ".join(f"{f}/{name}" for f in found)
        raise ScaffoldError(f"SLUG: '{name}' names {len(found)} records; write {choices}")
    if not found:
        known = sorted(
            p.stem
            for f in folders
            if (content_dir / f).is_dir()
            for p in (content_dir / f).glob("*.md")
            if "." not in p.stem
        )
        where = f"{folders[0]}/" if folder else "case-studies/, events/, methods/ or pages/"
        raise ScaffoldError(f"SLUG: there is no {name}.md in {where}{did_you_mean(name, known)}")
    return found[0], name
