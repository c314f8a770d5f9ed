"""Cross-references over the whole content: slugs, references between records, learning cycles, aliases
and free-page slugs that a taxonomy's pages would take. Checked over the valid records and the partial ones (a
file with errors is still cross-checked, and a reference to it is never reported as unknown). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from generator.errors import Problem
from generator.model import CaseStudy, Content, EventReport, FreePage, Method, Partial
from generator.taxonomies import Taxonomy, reserved_paths
from generator.vocab import did_you_mean

__all__ = ["check_references"]


# A record as the cross-checks see it: a valid one, or a Partial (a file with errors: the fields that converted).
Checked = CaseStudy | EventReport | Method | FreePage | Partial


def _field(record: Checked, name: str, default: Any = ()) -> Any:
    """A field of a record; for a Partial, ``default`` where the field is missing or did not convert."""
    if isinstance(record, Partial):
        return record.get(name, default)
    return getattr(record, name, default)


def check_references(content: Content, drafts: bool, taxonomies: tuple[Taxonomy, ...]) -> list[Problem]:
    """Slugs, references, learning cycles and aliases, over the valid records and the partial ones (so a
    file with errors is still checked, and a reference to it is never reported as unknown)."""
    problems: list[Problem] = []
    partial = [p for p in content.partial if not p.lang]

    def by_slug(records: Iterable[Checked], kind: str) -> dict[str, Checked]:
        return {r.slug: r for r in [*records, *(p for p in partial if p.kind == kind)]}

    studies = by_slug(content.case_studies, "case-study")
    events = by_slug(content.events, "event")
    methods = by_slug(content.methods, "method")
    practices: dict[str, Checked] = {**studies, **events}

    def check(
        record: Checked, field_name: str, slug: str, index: int, targets: Mapping[str, Checked], what: str
    ) -> None:
        path = f"{field_name}.{index}" if index >= 0 else field_name
        line = record.origin.line(path)
        if slug not in targets:
            problems.append(
                Problem(
                    record.origin.path, line, field_name, f"'{slug}' is not {what}{did_you_mean(slug, sorted(targets))}"
                )
            )
        elif not drafts and _field(targets[slug], "draft", False) and not _field(record, "draft", False):
            problems.append(
                Problem(
                    record.origin.path, line, field_name, f"'{slug}' is a draft; a published record cannot reference it"
                )
            )

    for slug in sorted(set(studies) & set(events)):
        for record in (studies[slug], events[slug]):
            problems.append(
                Problem(
                    record.origin.path,
                    1,
                    "slug",
                    f"'{slug}' is used by both a case study and an event; slugs must be unique across both",
                )
            )
    for study in studies.values():
        for i, s in enumerate(_field(study, "methods")):
            check(study, "methods", s, i, methods, "a method in methods/")
        for i, s in enumerate(_field(study, "related")):
            check(study, "related", s, i, practices, "a case study or event")
        for i, s in enumerate(_field(study, "learned_from")):
            check(study, "learned_from", s, i, studies, "a case study")
            other = studies.get(s)
            place = (str(_field(study, "city", "")).casefold(), _field(study, "country", None))
            if (
                other is not None
                and None not in place
                and place
                == (
                    str(_field(other, "city", "")).casefold(),
                    _field(other, "country", None),
                )
            ):
                problems.append(
                    Problem(
                        study.origin.path,
                        study.origin.line(f"learned_from.{i}"),
                        "learned_from",
                        f"'{s}' is in the same city; learned_from names a practice of another city",
                    )
                )
        if study.slug in _field(study, "related") or study.slug in _field(study, "learned_from"):
            problems.append(
                Problem(study.origin.path, study.origin.line("related"), "related", "a practice cannot refer to itself")
            )
    for event in events.values():
        if _field(event, "method", None) is not None:
            check(event, "method", _field(event, "method"), -1, methods, "a method in methods/")
        for i, s in enumerate(_field(event, "practices")):
            check(event, "practices", s, i, studies, "a case study")
    problems += _learning_cycles(studies)
    problems += _alias_clashes(practices)
    reserved = reserved_paths(taxonomies)
    pages: list[FreePage | Partial] = [*content.pages, *(p for p in partial if p.kind == "page")]
    for page in pages:
        if page.slug in reserved:
            problems.append(
                Problem(page.origin.path, 1, "slug", f"'{page.slug}' is a section of the site; rename the page")
            )
        elif page.slug in content.config.languages[1:]:
            problems.append(
                Problem(
                    page.origin.path,
                    1,
                    "slug",
                    f"'{page.slug}' is the folder of the site's pages in that language; rename the page",
                )
            )
    return problems


def _learning_cycles(studies: Mapping[str, Checked]) -> list[Problem]:
    problems = []
    for start in sorted(studies):
        seen, stack = set(), [start]
        while stack:
            current = stack.pop()
            for nxt in _field(studies[current], "learned_from") if current in studies else ():
                if nxt == start:
                    study = studies[start]
                    problems.append(
                        Problem(
                            study.origin.path,
                            study.origin.line("learned_from"),
                            "learned_from",
                            "forms a cycle: a practice cannot have learned from itself through others",
                        )
                    )
                    stack.clear()
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return problems


def _alias_clashes(practices: Mapping[str, Checked]) -> list[Problem]:
    problems = []
    ordered = sorted(practices.values(), key=lambda r: (r.section, r.slug))
    taken = {(r.section, r.slug) for r in ordered}
    claimed: dict[tuple[str, str], str] = {}
    for record in ordered:
        for i, alias in enumerate(_field(record, "aliases")):
            key = (record.section, alias)
            if key in taken or key in claimed:
                problems.append(
                    Problem(
                        record.origin.path,
                        record.origin.line(f"aliases.{i}"),
                        "aliases",
                        f"'{alias}' is already the slug or alias of another {record.kind.replace('-', ' ')}",
                    )
                )
            claimed[key] = record.origin.path
    return problems
