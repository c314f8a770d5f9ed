"""Site settings (content/site.yml) and the topic vocabulary (content/topics.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.addresses import url
from generator.converters import TEXT_LIMIT, Context, Invalid, Vocabulary, language, list_of, text
from generator.errors import Problem, Severity
from generator.model import Origin, SiteConfig, Topic
from generator.source import read_yaml_file
from generator.vocab import SLUG_RE, did_you_mean

__all__ = ["load_site_config", "load_topic_vocabulary", "load_topics"]

# A site in more languages than this is a mistake or an attack: every record gets a page in each.
LANGUAGES_LIMIT = 20
DESCRIPTION_LIMIT = 1000
_SITE_KEYS = ("title", "description", "base_url", "language", "languages", "license", "repository")


def _localised(
    value: object, path: str, ctx: Context, languages: tuple[str, ...]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A string, or a map by language: the default language's text, and the text of each language given."""
    default_lang = languages[0]
    if isinstance(value, dict):
        texts, failures = [], []
        for lang in value:  # each language on its own: every failure is reported
            try:
                language(lang, f"{path}.{lang}", ctx)
                if lang not in languages:
                    raise Invalid(f"'{lang}' is not one of the site's languages ({', '.join(languages)})")
                texts.append((lang, text(value[lang], f"{path}.{lang}", ctx, _limit(path))))
            except Invalid as exc:
                failures.append(Invalid(exc.message, exc.path or f"{path}.{lang}"))
        if default_lang not in value:
            failures.append(Invalid(f"has no text for the default language '{default_lang}'"))
        if failures:
            raise Invalid(failures[0].message, failures[0].path, tuple(failures[1:]))
        return dict(texts)[default_lang], tuple(sorted(texts))
    result = text(value, path, ctx, _limit(path))
    return result, ()


def _limit(path: str) -> int:
    """Descriptions (of the site, of a topic) may run to a paragraph; titles and labels are short."""
    return DESCRIPTION_LIMIT if path.endswith("description") else TEXT_LIMIT


def load_site_config(
    content_dir: Path, display_dir: str, base_url_override: str | None = None
) -> tuple[SiteConfig | None, list[Problem]]:
    display = f"{display_dir}/site.yml"
    path = content_dir / "site.yml"
    if not path.exists() and not path.is_symlink():
        return None, [
            Problem(
                display,
                0,
                "",
                "is missing; every content folder needs a site.yml with at least a title and a description",
            )
        ]
    doc, problems = read_yaml_file(path, display)
    if doc is None:
        return None, problems
    ctx = Context(doc, Vocabulary(frozenset(), "en", content_dir))
    values: dict[str, Any] = {}  # each setting as its converter returns it (records.py)

    def problem(key: str, message: str, severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(display, doc.lines.get(key, 1), key.split(".", maxsplit=1)[0], message, severity))

    for key in doc.values:
        if key not in _SITE_KEYS:
            problem(
                key, f"unknown setting{did_you_mean(key, _SITE_KEYS) or ' (allowed: ' + ', '.join(_SITE_KEYS) + ')'}"
            )
    converters = {
        "language": language,
        "languages": list_of(language, non_empty=True, most=LANGUAGES_LIMIT),
        "base_url": url,
        "license": text,
        "repository": url,
    }
    for key, convert in converters.items():
        if key in doc.values:
            try:
                values[key] = convert(doc.values[key], key, ctx)
            except Invalid as exc:
                for failure in exc.all():
                    problem(failure.path or key, failure.message)
    languages = values.get("languages") or (values.get("language", "en"),)
    default = values.get("language", languages[0])
    if "language" in values and "languages" in values and values["language"] != languages[0]:
        problem("language", f"'{values['language']}' must equal the first of languages ('{languages[0]}')")
    for key in ("title", "description"):
        if key not in doc.values:
            problems.append(Problem(display, 1, key, "is required but missing"))
            continue
        try:
            values[key], values[f"{key}s"] = _localised(
                doc.values[key], key, ctx, (default, *(code for code in languages if code != default))
            )
        except Invalid as exc:
            for failure in exc.all():
                problem(failure.path or key, failure.message)
    if base_url_override is not None:
        try:
            values["base_url"] = url(base_url_override, "base_url", ctx)
        except Invalid as exc:
            problems.append(Problem("--base-url", 0, "", exc.message))
    if "base_url" not in values and "base_url" not in doc.values:
        problems.append(
            Problem(
                display,
                1,
                "base_url",
                "is not set, so the build has no sitemap and feeds use tag: ids",
                Severity.WARNING,
            )
        )
    if any(p.is_error for p in problems):
        return None, problems
    base = values.get("base_url")
    config = SiteConfig(
        title=values["title"],
        description=values["description"],
        base_url=(base.rstrip("/") + "/") if base else None,
        language=default,
        languages=tuple(languages),
        license=values.get("license"),
        repository=values.get("repository"),
        origin=Origin(display, tuple(sorted(doc.lines.items()))),
        titles=values["titles"],
        descriptions=values["descriptions"],
    )
    return config, problems


def load_topics(
    content_dir: Path, display_dir: str, languages: tuple[str, ...] = ("en",)
) -> tuple[tuple[Topic, ...], list[Problem]]:
    """The valid topics of topics.yml, and its problems."""
    topics, _, problems = load_topic_vocabulary(content_dir, display_dir, languages)
    return topics, problems


def load_topic_vocabulary(
    content_dir: Path, display_dir: str, languages: tuple[str, ...] = ("en",)
) -> tuple[tuple[Topic, ...], frozenset[str] | None, list[Problem]]:
    """The valid topics, every slug topics.yml declares (an entry with a bad label still declares its slug,
    so records using it are not reported too; None when the file cannot be read, so that no topic is)
    and the problems."""
    default_lang = languages[0]
    display = f"{display_dir}/topics.yml"
    path = content_dir / "topics.yml"
    if not path.exists() and not path.is_symlink():
        return (), None, [Problem(display, 0, "", "is missing; it defines the topics that case studies and events use")]
    doc, problems = read_yaml_file(path, display)
    if doc is None:
        return (), None, problems
    ctx = Context(doc, Vocabulary(frozenset(), default_lang, content_dir))
    topics = []
    for slug, entry in doc.values.items():
        line = doc.lines.get(slug, 1)
        if not SLUG_RE.match(slug):
            problems.append(Problem(display, line, slug, "is not a slug (lowercase ASCII letters, digits and hyphens)"))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(display, line, slug, "expected a mapping with label and description"))
            continue
        for key in entry:
            if key not in ("label", "description"):
                problems.append(
                    Problem(
                        display,
                        doc.lines.get(f"{slug}.{key}", line),
                        f"{slug}.{key}",
                        f"unknown field{did_you_mean(key, ('label', 'description'))}",
                    )
                )
        failures: list[Invalid] = []
        label, description = "", ""
        labels: tuple[tuple[str, str], ...] = ()
        descriptions: tuple[tuple[str, str], ...] = ()
        if "label" not in entry:
            failures.append(Invalid("is required but missing", f"{slug}.label"))
        for key in ("label", "description"):  # each on its own: both are reported
            try:
                if key == "label" and key in entry:
                    label, labels = _localised(entry[key], f"{slug}.{key}", ctx, languages)
                elif key in entry:
                    description, descriptions = _localised(entry[key], f"{slug}.{key}", ctx, languages)
            except Invalid as exc:
                failures += exc.all()
        for failure in failures:
            where = failure.path or slug
            problems.append(
                Problem(display, doc.lines.get(where, line), where if where.count(".") < 2 else slug, failure.message)
            )
        if not failures:
            topics.append(Topic(slug, label, description, Origin(display, ((slug, line),)), labels, descriptions))
    declared = frozenset(slug for slug in doc.values if SLUG_RE.match(slug))
    return tuple(sorted(topics, key=lambda t: t.slug)), declared, problems
