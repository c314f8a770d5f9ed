#!/usr/bin/env python3
"""Turn a "Propose a practice" issue into a case-study file, for the proposal workflow.

The issue's text is hostile input: it is read from the event's JSON file (never put into a shell
command), parsed against the fields of the issue form itself, written with `practice new` (argument
lists, no shell; values given as `--flag=value`, so none can pass for an option) and completed with
YAML that PyYAML quotes. Headings or a front-matter fence inside a contributor's text cannot start a
field, a poster section or a second front matter.

  prepare  read the issue, write content/case-studies/<slug>.md, and write the branch name, the file and
           the pull request's title and body for the workflow; on a problem, write why to --report and exit 1
  report   the comment for the issue and the pull request: the checker's findings as an escaped table

Exit codes: 0 done; 1 the proposal cannot be written (the report says why); 2 usage; 3 environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ci_summary import escape_cell, read_problems, summary_table

REPO = Path(__file__).resolve().parent.parent
FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "propose-a-practice.yml"

MAX_BODY = 65_536  # characters: GitHub's own limit for an issue's body
MAX_SLUG = 60  # characters of a slug made from the title (practice new's limit, vocab.SLUG_LIMIT)
NO_RESPONSE = "_No response_"
POSTER_IDS = (
    "starting_point",
    "institutional_setting",
    "approach",
    "outcome",
    "lessons_learnt",
    "transfer_opportunities",
)
# Control characters other than tab and line feed have no place in a proposal (and NUL cannot be an argument).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URL = re.compile(r"(?:(?<=\s)|^)(https?://\S+)$")


class ProposalError(Exception):
    """The proposal cannot be turned into a file; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str  # input, textarea, dropdown or checkboxes
    required: bool


def form_fields(form_path: Path = FORM) -> list[FormField]:
    """The issue form's fields in their order, as GitHub writes them into the issue's body."""
    form = yaml.safe_load(form_path.read_text(encoding="utf-8"))
    return [
        FormField(
            element["id"],
            element["attributes"]["label"],
            element["type"],
            bool((element.get("validations") or {}).get("required")),
        )
        for element in form["body"]
        if element["type"] != "markdown"
    ]


def parse_form(body: str, fields: list[FormField]) -> dict[str, str | None]:
    """The value of each field by id (None for an empty answer), or ProposalError listing every problem.

    GitHub writes each answer under a `### <label>` line. A contributor's text may contain such a line too,
    so each label must appear exactly once and in the form's order; anything else is refused rather than guessed.
    """
    if len(body) > MAX_BODY:
        raise ProposalError(
            [f"the issue's text is {len(body)} characters long; an issue form gives at most {MAX_BODY}"]
        )
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    problems, found = [], []
    for field in fields:
        heading = re.compile(rf"^###[ \t]+{re.escape(field.label)}[ \t]*$", re.MULTILINE)
        matches = list(heading.finditer(text))
        if len(matches) > 1:
            problems.append(f"the heading '### {field.label}' appears {len(matches)} times; keep only the form's own")
        elif not matches:
            if field.required:
                problems.append(f"the section '{field.label}' is missing: was the issue made with the form?")
        else:
            found.append((field, matches[0]))
    starts = [match.start() for _, match in found]
    if starts != sorted(starts):
        problems.append("the form's sections are out of order; keep them as the form wrote them")
    if problems:
        raise ProposalError(problems)
    values: dict[str, str | None] = {field.id: None for field in fields}
    for index, (field, match) in enumerate(found):
        end = found[index + 1][1].start() if index + 1 < len(found) else len(text)
        value = text[match.end() : end].strip("\n").strip()
        values[field.id] = None if value in ("", NO_RESPONSE) else value
    return values


@dataclass(frozen=True)
class Proposal:
    """What the form says, converted to the case study's fields (still to be checked by `practice check`)."""

    title: str
    summary: str
    city: str
    country: str
    topics: tuple[str, ...]
    cynefin: str
    front_matter: dict  # the optional fields, as they go into the file
    sections: dict  # poster section heading -> Markdown
    notes: dict  # label -> text for the pull request's description (learned from, anything else)


def _one_line(field: str, value: str | None, problems: list[str]) -> str | None:
    if value is not None and "\n" in value:
        problems.append(f"{field}: must be one line")
        return None
    return value


def _year_or_date(value: str):
    if re.fullmatch(r"\d{4}", value):
        return int(value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value  # the checker says what is wrong with it


def _source(line: str) -> dict:
    match = _URL.search(line)
    if not match:
        return {"title": line, "url": ""}  # the checker reports the missing link on its line
    title = line[: match.start()].strip().rstrip(":-–—,").strip()
    return {"title": title or match.group(1), "url": match.group(1)}


def _section_markdown(text: str) -> str:
    """A contributor's text as the inside of one poster section: its headings cannot open another section."""
    out = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) <= 3 and re.match(r"#{1,2}(?:[ \t]|$)", stripped):
            line = "###" + stripped.lstrip("#")  # an ATX heading of level 1 or 2 becomes level 3
        elif re.fullmatch(r" {0,3}(?:=+|-+)[ \t]*", line) and out and out[-1].strip():
            out.append("")  # a blank line first, so that the line underneath is not a setext heading
        out.append(line)
    return "\n".join(out).strip()


def to_proposal(values: dict[str, str | None], fields: list[FormField], case_study_slugs: set[str]) -> Proposal:
    """The fields of the case study, or ProposalError listing every problem found in the form."""
    problems: list[str] = []
    if any(value and _CONTROL.search(value) for value in values.values()):
        problems.append("the text holds control characters; remove them")
    labels = {field.id: field.label for field in fields}
    values = dict(values)
    for field in fields:
        if field.type == "input":  # a one-line answer: a line break in it would be another field's text
            values[field.id] = _one_line(field.label, values.get(field.id), problems)
    title, city, country = values.get("title"), values.get("city"), values.get("country")
    topics = tuple(t.strip() for t in (values.get("topics") or "").split(",") if t.strip())
    cynefin = (values.get("cynefin") or "").split(":", 1)[0].strip()
    summary = " ".join((values.get("summary") or "").split())  # plain text: one line
    for label, value in (("Title", title), ("Summary", summary), ("City", city), ("Country", country)):
        if not value:
            problems.append(f"{label}: is required")
    if not topics:
        problems.append("Topics: choose at least one")
    if not cynefin:
        problems.append("Cynefin domain: is required")
    consent = values.get("consent") or ""
    if consent.count("- [X]") + consent.count("- [x]") < 2:
        problems.append("Before you send: both boxes must be ticked")
    if problems:
        raise ProposalError(problems)

    front: dict = {}
    for key in ("start", "end"):
        if values.get(key):
            front[key] = _year_or_date(values[key])
    if values.get("status"):
        front["status"] = values["status"]
    if values.get("sdgs"):
        front["sdgs"] = [int(s) if s.strip().isdigit() else s.strip() for s in values["sdgs"].split(",") if s.strip()]
    lines = lambda key: [line.strip() for line in (values.get(key) or "").split("\n") if line.strip()]  # noqa: E731
    if lines("partners"):
        front["partners"] = lines("partners")
    notes = {}
    learned = values.get("learned_from")
    if learned and learned in case_study_slugs:
        front["learned_from"] = [learned]
    elif learned:
        notes[labels.get("learned_from", "Learned from")] = learned
    contact = {"organisation": values.get("contact_organisation"), "url": values.get("contact_url")}
    if any(contact.values()):
        front["contact"] = {key: value for key, value in contact.items() if value}
    front["sources"] = [_source(line) for line in lines("sources")]
    if values.get("anything_else"):
        notes[labels.get("anything_else", "Anything else")] = values["anything_else"]
    sections = {labels[i]: _section_markdown(values.get(i) or "") for i in POSTER_IDS if i in labels}
    return Proposal(title, summary, city, country, topics, cynefin, front, sections, notes)


def make_slug(title: str, taken: set[str], issue_number: int) -> str:
    """The title's slug, at most MAX_SLUG characters cut at a hyphen; the issue's number added if taken."""
    from generator.vocab import title_slug

    slug = title_slug(title, MAX_SLUG)  # the rule `practice new` follows
    if not slug:
        raise ProposalError([f"the title {title!r} has no letter or digit to make a file name from"])
    if slug in taken:
        slug = f"{slug[: MAX_SLUG - 12].rstrip('-')}-{issue_number}"
    if slug in taken:
        raise ProposalError([f"a case study named {slug} already exists"])
    return slug


def new_command(proposal: Proposal, slug: str, content_dir: Path) -> list[str]:
    """`practice new` as an argument list: each value joined to its flag, the title after `--`."""
    command = [sys.executable, "-m", "generator", "new", "case-study", f"--content={content_dir}", f"--slug={slug}"]
    command += [f"--summary={proposal.summary}", f"--city={proposal.city}", f"--country={proposal.country}"]
    command += [f"--topic={topic}" for topic in proposal.topics]
    command += [f"--cynefin={proposal.cynefin}", "--", proposal.title]
    return command


def complete_file(path: Path, proposal: Proposal) -> None:
    """Add the optional fields and the poster's text to the file `practice new` wrote."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    data = yaml.safe_load("\n".join(lines[1:closing])) or {}
    data.update(proposal.front_matter)
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000)
    if any(line.rstrip() in ("---", "...") for line in dumped.split("\n")):
        raise ProposalError(["the front matter would hold a '---' line"])  # safe_dump quotes; kept as a guard
    body = "".join(f"## {heading}\n\n{text}\n\n" for heading, text in proposal.sections.items())
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(f"---\n{dumped}---\n\n{body.rstrip()}\n")


def pull_request_body(proposal: Proposal, issue_number: int, file: str) -> str:
    notes = "".join(f"\n**{escape_cell(label)}**: {escape_cell(text)}\n" for label, text in proposal.notes.items())
    return (
        f"Written from the proposal in #{issue_number} by the proposal workflow (`practice new`), for a reviewer "
        f"to finish with the proposer.\n\nFile: `{file}`\n{notes}\nCloses #{issue_number} when merged.\n"
    )


def _write_outputs(values: dict[str, str]) -> None:
    output = os.environ.get("GITHUB_OUTPUT")
    text = "".join(f"{key}={value}\n" for key, value in values.items())  # each value is one safe line
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def prepare(event_path: Path, content_dir: Path, out_dir: Path) -> int:
    event = json.loads(event_path.read_text(encoding="utf-8"))
    issue = event["issue"]
    number = int(issue["number"])
    fields = form_fields()
    case_studies = content_dir / "case-studies"
    slugs = {p.name.split(".", 1)[0] for p in case_studies.glob("*.md")}
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        values = parse_form(issue.get("body") or "", fields)
        proposal = to_proposal(values, fields, slugs)
        slug = make_slug(proposal.title, slugs, number)
        result = subprocess.run(new_command(proposal, slug, content_dir), capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise ProposalError(
                [line for line in result.stderr.splitlines() if line.strip()] or ["practice new failed"]
            )
        path = case_studies / f"{slug}.md"
        complete_file(path, proposal)
    except ProposalError as exc:
        report = "The proposal could not be turned into a pull request:\n\n"
        report += "".join(f"- {escape_cell(problem)}\n" for problem in exc.problems)
        report += "\nEdit the issue, then remove and add the label again.\n"
        (out_dir / "report.md").write_text(report, encoding="utf-8")
        print("\n".join(exc.problems), file=sys.stderr)
        return 1
    file = path.as_posix()
    (out_dir / "title.txt").write_text(f"Practice: {proposal.title}", encoding="utf-8")
    (out_dir / "body.md").write_text(pull_request_body(proposal, number, file), encoding="utf-8")
    _write_outputs({"slug": slug, "file": file, "branch": f"proposal/{number}-{slug}"})
    return 0


def report(problems_path: Path, pull_request: str) -> str:
    problems = read_problems(problems_path)
    errors = sum(problem.get("severity") == "error" for problem in problems)
    verdict = (
        "`practice check` passes."
        if not errors
        else f"`practice check` found {errors} error{'s' if errors != 1 else ''} to fix before it can be merged."
    )
    return f"Pull request: {pull_request}\n\n{verdict}\n\n{summary_table(problems)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_parser = commands.add_parser("prepare", help="write the case study from the issue")
    prepare_parser.add_argument("--event", type=Path, default=os.environ.get("GITHUB_EVENT_PATH"))
    prepare_parser.add_argument("--content", type=Path, default=Path("content"))
    prepare_parser.add_argument("--out", type=Path, required=True, help="folder for title.txt, body.md, report.md")
    report_parser = commands.add_parser("report", help="the comment on the issue and the pull request")
    report_parser.add_argument("--problems", type=Path, required=True, help="practice check --format json")
    report_parser.add_argument("--pull-request", required=True)
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(encoding="utf-8")
    if args.command == "prepare":
        if args.event is None:
            parser.error("--event is required outside GitHub Actions")
        try:
            return prepare(args.event, args.content, args.out)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"cannot read the issue: {exc}", file=sys.stderr)
            return 3
    try:
        sys.stdout.write(report(args.problems, args.pull_request))
    except (OSError, ValueError) as exc:
        print(f"{args.problems}: cannot read the checker's report: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
