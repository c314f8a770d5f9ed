"""load_content(): a content folder into typed records, with every problem found on the way."""

from __future__ import annotations

import os
import re
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import assert_never

from generator.cache import Cache
from generator.config import load_site_config, load_topic_vocabulary
from generator.converters import Vocabulary
from generator.discovery import KIND_FOLDERS, ContentFile, discover_files
from generator.errors import Problem, Severity
from generator.i18n import DEFAULT_THEME, POSTER_SECTIONS, poster_section_names
from generator.markup import MarkdownRenderer
from generator.model import (
    Body,
    CaseStudy,
    Content,
    EventReport,
    FreePage,
    Method,
    Partial,
    Record,
    SiteConfig,
    Topic,
    Translation,
)
from generator.records import build_record, build_translation, unreadable
from generator.source import read_bytes, read_source
from generator.timelimit import TooSlow, Watchdog
from generator.workers import quiet_worker, signals_deferred, worker_context

__all__ = [
    "KIND_FOLDERS",  # with ContentFile and discover_files: discovery.py's, for the incremental layer
    "NOT_A_FOLDER",
    "NO_CONTACT",
    "POSTER_SECTIONS",
    "ContentFile",
    "ContentSettings",
    "discover_files",
    "gather_content",
    "load_content",
    "load_file",
    "load_files",
    "load_settings",
]

NOT_A_FOLDER = "is not a folder; point --content at the folder holding site.yml"

# A case study without a contact is published, but readers cannot tell whom to ask about it.
NO_CONTACT = "practice names no contact; add contact: {organisation, url} so readers know whom to ask"
_FILES_PER_WORKER = 200
RENDER_SECONDS = 5  # Python-Markdown is quadratic on some inputs (8 KB of '[' took 5 s)
_H2_RE = re.compile(r"^ {0,3}##[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")

# One file loaded: its record (a Partial when it has errors or cannot be read) and its problems.
Loaded = tuple[Record | Translation | Partial, list[Problem]]


def _load_one(task: ContentFile, vocabulary: Vocabulary, renderer: MarkdownRenderer, watchdog: Watchdog) -> Loaded:
    """One file's record (a Partial when it has errors, so it is still cross-checked) and its problems."""
    source, problems = read_source(task.path, task.display, task.data)
    if source is None:
        return unreadable(task.kind, task.slug, task.display, task.lang), problems
    body: Body | None = None
    try:
        with watchdog.limit(RENDER_SECONDS):
            body, outside = renderer.render_checked(source.body)
    except RecursionError:
        problems.append(Problem(task.display, source.body_line, "body", "is nested too deeply to render"))
    except TooSlow:
        renderer.discard()
        problems.append(
            Problem(
                task.display,
                source.body_line,
                "body",
                f"took more than {RENDER_SECONDS} s to render; simplify its Markdown (long runs of brackets or deep nesting)",
            )
        )
    else:
        problems += [_outside_url_problem(task.display, source.body, source.body_line, *found) for found in outside]
    record: Record | Translation | Partial
    if task.lang:
        record, more = build_translation(task.kind, task.slug, task.lang, source, body, vocabulary)
    else:
        record, more = build_record(task.kind, task.slug, source, body, vocabulary)
    problems += more
    if task.kind == "case-study" and body is not None:
        problems += _poster_warnings(task.display, body, source.body, source.body_line, vocabulary)
    if task.kind == "case-study" and not task.lang and "contact" not in source.front_matter.values:
        problems.append(Problem(task.display, 1, "contact", NO_CONTACT, Severity.WARNING))
    return record, problems


def _outside_url_problem(display: str, body: str, body_line: int, url: str, why: str) -> Problem:
    """A body URL that reaches outside the site, at the line where it is written (found as written, else
    the body's first line)."""
    bare = url.strip(" \t\n\x00\x01")
    host = re.split(r"[/\\]", bare.lstrip("/\\\t "))[0]  # Markdown may have unescaped what was written
    at = next((i for i in (body.find(t) for t in (url, bare, host) if t) if i >= 0), -1)
    line = body_line + (body[:at].count("\n") if at >= 0 else 0)
    shown = url if len(url) <= 80 else url[:77] + "..."
    shown = shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
    if why == "another host":
        message = (
            f"'{shown}' starts with two slashes (or backslashes), so it names another host (from an offline copy, file://host/...);"
            " write https:// for another site, or a path inside the site"
        )
    else:
        message = f"the image '{shown}' is not inside the site; put it in content/media/ and link it from there"
    return Problem(display, line, "body", message)


def _load_batch(tasks: list[ContentFile], vocabulary: Vocabulary) -> list[Loaded]:
    renderer = MarkdownRenderer()  # building one costs more than rendering a page: one per batch
    with Watchdog() as watchdog:  # and one time-limit thread, not a thread per file
        return [_load_one(task, vocabulary, renderer, watchdog) for task in tasks]


def _poster_warnings(path: str, body: Body, text: str, body_line: int, vocabulary: Vocabulary) -> list[Problem]:
    """A missing or empty poster section is a warning; headings count in any language of the site."""
    found = {s.strip().casefold() for s in body.sections}
    problems = []
    for names in vocabulary.poster_sections or POSTER_SECTIONS:
        accepted = {n.casefold() for n in names}
        if not accepted & found:
            message = f"has no '## {names[0]}' section (one of the six poster sections)"
            problems.append(Problem(path, body_line, "body", message, Severity.WARNING))
        for empty in body.empty_sections:
            if empty.strip().casefold() in accepted:
                message = (
                    f"'## {empty.strip()}' has nothing under it; write the section (one of the six poster sections)"
                )
                line = _heading_line(text, empty, body_line)
                problems.append(Problem(path, line, "body", message, Severity.WARNING))
    return problems


def _heading_line(text: str, heading: str, body_line: int) -> int:
    """The line of a '## heading' in a Markdown body (the body's first line if it is written otherwise)."""
    for number, line in enumerate(text.split("\n")):
        match = _H2_RE.match(line)
        if match and match.group(1).strip().casefold() == heading.strip().casefold():
            return body_line + number
    return body_line


def load_file(file: ContentFile, vocabulary: Vocabulary, renderer: MarkdownRenderer) -> Loaded:
    """One file read and loaded in this process: its record (a Partial when it has errors or cannot be read)
    and its problems, as ``load_content`` would give them. For the incremental layer, which reloads only
    the files that changed."""
    data, problems = read_bytes(file.path, file.display)
    if data is None:
        return unreadable(file.kind, file.slug, file.display, file.lang), problems
    with Watchdog() as watchdog:
        return _load_one(replace(file, data=data), vocabulary, renderer, watchdog)


def load_files(
    files: list[ContentFile], vocabulary: Vocabulary, jobs: int | None, cache_dir: Path | None, media: list[str]
) -> list[Loaded]:
    """Each file's (record, problems), in the order of ``files``, from the record cache where its bytes were
    seen before, else parsed; a file that cannot be read gives an unreadable Partial and why.

    Parsing runs in worker processes when there is enough of it; only cache misses go there.
    """
    cache = Cache(cache_dir, "records")
    media_fingerprint = "\n".join(f"{m}:{(vocabulary.content_dir / m).stat().st_size}" for m in media)
    topics = repr(sorted(vocabulary.topics)) if vocabulary.topics is not None else "unknown"
    context = Cache.key(topics, vocabulary.default_lang, repr(vocabulary.poster_sections), media_fingerprint)
    outcomes: list[Loaded | None] = [None] * len(files)
    read, positions, keys = [], [], []
    for position, file in enumerate(files):
        data, read_problems = read_bytes(file.path, file.display)
        if data is None:
            # a file that could not be read still holds its slug: references to it are not reported as unknown
            outcomes[position] = (unreadable(file.kind, file.slug, file.display, file.lang), read_problems)
            continue
        read.append(replace(file, data=data))
        positions.append(position)
        keys.append(Cache.key(context, file.kind, file.display, file.slug, file.lang, data))
    results: list[Loaded | None] = [cache.get(key) for key in keys]  # what this function put there, or None
    missing = [i for i, r in enumerate(results) if r is None]
    todo = [read[i] for i in missing]
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 1 + len(todo) // _FILES_PER_WORKER)
    if workers > 1 and len(todo) > 1:
        size = max(1, len(todo) // (workers * 4))
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        # the pool's exit ends its workers, also on Ctrl-C or SIGTERM (a ProcessPoolExecutor would wait for them)
        with ExitStack() as stack:
            with signals_deferred():
                pool = stack.enter_context(worker_context().Pool(workers, initializer=quiet_worker))
            fresh = [r for batch in pool.starmap(_load_batch, [(b, vocabulary) for b in batches]) for r in batch]
    else:
        fresh = _load_batch(todo, vocabulary)
    for i, loaded in zip(missing, fresh, strict=True):
        results[i] = loaded
        cache.put(keys[i], loaded)  # a hit is kept by get() as it was stored: encoding it again cost 1.4 s at 5k
    for position, result in zip(positions, results, strict=True):
        outcomes[position] = result
    cache.save()
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass(frozen=True)
class ContentSettings:
    """What every file's loading depends on: site.yml, topics.yml and the vocabulary made from them and from
    the themes' catalogs (the poster sections' names), with their problems."""

    config: SiteConfig
    topics: tuple[Topic, ...]
    vocabulary: Vocabulary
    problems: tuple[Problem, ...]


def load_settings(
    content_dir: Path, display_dir: str, base_url: str | None, theme_dirs: tuple[Path, ...]
) -> tuple[ContentSettings | None, list[Problem]]:
    """site.yml and topics.yml; None and only site.yml's problems when site.yml itself is unusable."""
    config, problems = load_site_config(content_dir, display_dir, base_url)
    if config is None:
        return None, problems
    topics, declared, topic_problems = load_topic_vocabulary(content_dir, display_dir, config.languages)
    problems += topic_problems
    vocabulary = Vocabulary(declared, config.language, content_dir, poster_section_names(theme_dirs, config.languages))
    return ContentSettings(config, topics, vocabulary, tuple(problems)), problems


def gather_content(
    settings: ContentSettings, results: list[Loaded], media: list[str], problems: list[Problem]
) -> tuple[Content, list[Problem]]:
    """The content from each file's (record, problems), in discovery order; ``problems`` are the others
    (settings, discovery). Returns the content and every problem."""
    problems = list(problems)
    partial: list[Partial] = []
    case_studies: list[CaseStudy] = []
    events: list[EventReport] = []
    methods: list[Method] = []
    pages: list[FreePage] = []
    translations: list[Translation] = []
    for record, record_problems in results:
        problems += record_problems
        match record:
            case Partial():
                partial.append(record)
            case CaseStudy():
                case_studies.append(record)
            case EventReport():
                events.append(record)
            case Method():
                methods.append(record)
            case FreePage():
                pages.append(record)
            case Translation():
                translations.append(record)
            case _:
                assert_never(record)
    content = Content(
        config=settings.config,
        topics=settings.topics,
        case_studies=tuple(case_studies),
        events=tuple(events),
        methods=tuple(methods),
        pages=tuple(pages),
        translations=tuple(sorted(translations, key=lambda t: (t.section, t.slug, t.lang))),
        media=tuple(media),
        partial=tuple(sorted(partial, key=lambda p: (p.section, p.slug, p.lang))),
        has_errors=any(p.is_error for p in problems),
    )
    return content, problems


def load_content(
    content_dir: Path,
    *,
    display_dir: str | None = None,
    base_url: str | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    theme_dirs: tuple[Path, ...] = (DEFAULT_THEME,),
) -> tuple[Content | None, list[Problem]]:
    """Load and validate everything under a content folder.

    ``theme_dirs`` are the build's themes, the first overriding: their catalogs name the poster
    sections in each language, so a theme that renames a section is checked by its own names.

    Returns the valid records, the partial ones (files with errors, still cross-checked) and all
    problems, warnings included: a caller must not build when any problem is an error. When site.yml
    itself is unusable, the content is None and its problems are the only ones (the others would follow
    from it). Drafts are kept here; leaving them out is the site assembly's decision.
    """
    display_dir = display_dir or content_dir.as_posix()
    if not content_dir.is_dir():
        return None, [Problem(display_dir, 0, "", NOT_A_FOLDER)]
    settings, problems = load_settings(content_dir, display_dir, base_url, theme_dirs)
    if settings is None:
        # reported alone: without the site's languages, every topic label and translation would be wrong too
        return None, problems
    files, media, discovery_problems = discover_files(content_dir, display_dir)
    problems += discovery_problems
    results = load_files(files, settings.vocabulary, jobs, cache_dir, media)
    return gather_content(settings, results, media, problems)
