"""scripts/issue_proposal.py: an issue made with the "Propose a practice" form becomes a checked case study.

The bodies below are written the way GitHub writes an issue form's answers (`### <label>`, a blank line, the
answer, `_No response_` for an empty one, `- [X]` for a ticked box); the hostile ones are what a proposer
could type into the fields.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import load_script

from generator.vocab import slugify

REPO = Path(__file__).resolve().parent.parent


proposal = load_script("issue_proposal")
FIELDS = proposal.form_fields()
LABELS = {field.id: field.label for field in FIELDS}

# An issue body as GitHub wrote it for a filled-in form (captured, then shortened).
CAPTURED = """### Title

Participatory budgeting in Matola

### Summary

Residents of Matola decide in neighbourhood assemblies on part of the municipal investment budget.

### City

Matola

### Country

MZ

### Topics

participatory-governance, local-finance

### Cynefin domain

complex: emergent practice (probe, sense, respond; clear only in hindsight: try, learn from peers, adjust)

### Start

2008

### End

_No response_

### Status

ongoing

### Sustainable Development Goals

11, 16

### Partners

UCLG
ANAMM (National Association of Mozambican Municipalities)

### Learned from

Participatory budgeting in Porto Alegre

### Sources

Seek, sense, share (UCLG Learning, 2016) https://www.uclg.org/
Municipal report - https://example.org/matola-report.pdf

### Contact organisation

Department of Participatory Budgeting, Municipality of Matola

### Contact address

https://example.org/participation

### Starting point

Investment decisions were taken without residents.

### Institutional setting

The municipal assembly approved the process in 2008.

### Approach

Neighbourhood assemblies rank proposals; a council of delegates follows the works.

### Outcome

Dozens of projects were chosen by residents.

### Lessons learnt

It worked where delegates reported back. Complex: cause and effect showed only in hindsight.

### Transfer opportunities

A city needs a budget line that residents really control.

### Anything else

_No response_

### Before you send

- [X] The contact is an office or a team, and I have left out personal data (private names, e-mails, phone numbers).
- [X] The text may be published under the licence shown in the site's footer."""


def answers(body: str = CAPTURED) -> dict[str, str]:
    """The answers of a body by label, to change one and write the body again."""
    values = proposal.parse_form(body, FIELDS)
    return {LABELS[key]: value for key, value in values.items()}


def body_of(by_label: dict[str, str | None]) -> str:
    return "\n\n".join(f"### {label}\n\n{value or '_No response_'}" for label, value in by_label.items())


def with_answer(label: str, value: str) -> str:
    changed = answers()
    changed[label] = value
    return body_of(changed)


def parsed(body: str):
    return proposal.to_proposal(proposal.parse_form(body, FIELDS), FIELDS, set())


# --- reading the form ------------------------------------------------------------------------------


def test_the_captured_body_gives_every_field():
    values = proposal.parse_form(CAPTURED, FIELDS)
    assert values["title"] == "Participatory budgeting in Matola"
    assert values["topics"] == "participatory-governance, local-finance"
    assert values["end"] is None and values["anything_else"] is None  # _No response_
    assert values["partners"] == "UCLG\nANAMM (National Association of Mozambican Municipalities)"
    assert values["transfer_opportunities"] == "A city needs a budget line that residents really control."
    assert body_of(answers()) == CAPTURED


def test_the_captured_body_becomes_the_case_studys_fields():
    result = parsed(CAPTURED)
    assert (result.title, result.city, result.country) == ("Participatory budgeting in Matola", "Matola", "MZ")
    assert result.topics == ("participatory-governance", "local-finance")
    assert result.cynefin == "complex"
    assert result.front_matter == {
        "start": 2008,
        "status": "ongoing",
        "sdgs": [11, 16],
        "partners": ["UCLG", "ANAMM (National Association of Mozambican Municipalities)"],
        "contact": {
            "organisation": "Department of Participatory Budgeting, Municipality of Matola",
            "url": "https://example.org/participation",
        },
        "sources": [
            {"title": "Seek, sense, share (UCLG Learning, 2016)", "url": "https://www.uclg.org/"},
            {"title": "Municipal report", "url": "https://example.org/matola-report.pdf"},
        ],
    }
    assert list(result.sections) == [
        "Starting point",
        "Institutional setting",
        "Approach",
        "Outcome",
        "Lessons learnt",
        "Transfer opportunities",
    ]
    # Not a slug of the library: left to the reviewer, in the pull request's description.
    assert result.notes == {"Learned from": "Participatory budgeting in Porto Alegre"}


def test_learned_from_that_names_a_case_study_of_the_library_is_kept():
    body = with_answer("Learned from", "porto-alegre-participatory-budgeting")
    values = proposal.parse_form(body, FIELDS)
    result = proposal.to_proposal(values, FIELDS, {"porto-alegre-participatory-budgeting"})
    assert result.front_matter["learned_from"] == ["porto-alegre-participatory-budgeting"]


def test_a_date_start_is_a_date_and_a_bad_one_is_left_for_the_checker():
    assert parsed(with_answer("Start", "2014-03-01")).front_matter["start"] == dt.date(2014, 3, 1)
    assert parsed(with_answer("Start", "spring 2014")).front_matter["start"] == "spring 2014"


def test_crlf_bodies_read_the_same():
    assert proposal.parse_form(CAPTURED.replace("\n", "\r\n"), FIELDS) == proposal.parse_form(CAPTURED, FIELDS)


# --- what is refused, all problems at once ---------------------------------------------------------


def problems_of(body: str) -> list[str]:
    with pytest.raises(proposal.ProposalError) as caught:
        parsed(body)
    return caught.value.problems


def test_missing_sections_are_all_named():
    changed = answers()
    del changed["City"], changed["Approach"]
    assert problems_of(body_of(changed)) == [
        "the section 'City' is missing: was the issue made with the form?",
        "the section 'Approach' is missing: was the issue made with the form?",
    ]


def test_a_body_not_made_with_the_form_is_refused():
    problems = problems_of("Please add our practice: we did great things.")
    assert len(problems) == sum(field.required for field in FIELDS)


def test_a_heading_typed_into_an_answer_cannot_pass_for_a_field():
    # The summary tries to supply a second City (and so a different one).
    problems = problems_of(with_answer("Summary", "Short.\n\n### City\n\nElsewhere"))
    assert problems == ["the heading '### City' appears 2 times; keep only the form's own"]


def test_sections_out_of_order_are_refused():
    changed = answers()
    reordered = {"City": changed.pop("City"), **changed}
    assert problems_of(body_of(reordered)) == ["the form's sections are out of order; keep them as the form wrote them"]


def test_a_huge_body_is_refused_before_it_is_read():
    problems = problems_of(with_answer("Approach", "x" * 70_000))
    assert problems == [
        f"the issue's text is {len(with_answer('Approach', 'x' * 70_000))} characters long; an issue form gives at most 65536"
    ]


def test_newlines_in_one_line_fields_and_empty_required_ones():
    changed = answers()
    changed["City"] = "Matola\n---\ntitle: hacked"
    changed["Country"] = None
    changed["Topics"] = None
    changed["Before you send"] = "- [ ] The contact is an office.\n- [X] The text may be published."
    assert problems_of(body_of(changed)) == [
        "City: must be one line",
        "City: is required",
        "Country: is required",
        "Topics: choose at least one",
        "Before you send: both boxes must be ticked",
    ]


def test_control_characters_are_refused():
    assert "the text holds control characters; remove them" in problems_of(with_answer("Title", "Bad\x1b[31m title"))
    assert "the text holds control characters; remove them" in problems_of(with_answer("City", "Ma\x00tola"))


# --- the file and the command ----------------------------------------------------------------------

HOSTILE_TITLE = "--content=/etc $(touch pwned) `touch pwned2` ::error::x"


def test_practice_new_gets_one_argument_per_value_and_the_title_after_the_options():
    result = parsed(with_answer("Title", HOSTILE_TITLE))
    command = proposal.new_command(result, "a-slug", Path("content"))
    assert command[:5] == [sys.executable, "-m", "generator", "new", "case-study"]
    assert command[5:] == [
        "--content=content",
        "--slug=a-slug",
        "--summary=Residents of Matola decide in neighbourhood assemblies on part of the municipal investment budget.",
        "--city=Matola",
        "--country=MZ",
        "--topic=participatory-governance",
        "--topic=local-finance",
        "--cynefin=complex",
        "--",
        HOSTILE_TITLE,
    ]


def test_slugs_are_short_and_never_overwrite():
    assert proposal.make_slug("Participatory budgeting in Matola", set(), 7) == "participatory-budgeting-in-matola"
    long_slug = proposal.make_slug("Participatory budgeting " * 10, set(), 7)
    assert len(long_slug) <= proposal.MAX_SLUG and not long_slug.endswith("-")
    assert long_slug.startswith("participatory-budgeting-participatory")
    taken = {"participatory-budgeting-in-matola"}
    assert proposal.make_slug("Participatory budgeting in Matola", taken, 42) == "participatory-budgeting-in-matola-42"
    with pytest.raises(proposal.ProposalError):
        proposal.make_slug("Participatory budgeting in Matola", taken | {"participatory-budgeting-in-matola-42"}, 42)


class Record:
    """A written file's front matter (as a mapping) and its Markdown body, split at the closing '---'."""

    def __init__(self, text: str) -> None:
        assert text.startswith("---\n")
        head, self.content = text[4:].split("\n---\n", 1)
        self.metadata = yaml.safe_load(head)

    def __getitem__(self, key: str):
        return self.metadata[key]


def read_record(text: str) -> Record:
    return Record(text)


@pytest.fixture
def content(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(REPO / "content", copy)
    return copy


def write_with_practice_new(result, content_dir: Path) -> Path:
    """What `practice new` writes (the real command, named by its title's slug), then the script's completion."""
    command = proposal.new_command(result, "unused", content_dir)
    command.remove("--slug=unused")  # the title's own slug: these tests do not need --slug
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    path = content_dir / "case-studies" / f"{slugify(result.title)}.md"
    proposal.complete_file(path, result)
    return path


def errors_in(content_dir: Path, path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--format", "json", f"--content={content_dir}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    problems = json.loads(done.stdout)
    return [
        f"{p['field']}: {p['message']}"
        for p in problems
        if p["severity"] == "error" and Path(p["file"]).name == path.name
    ]


def test_the_written_file_passes_the_checker(content):
    path = write_with_practice_new(parsed(CAPTURED), content)
    assert errors_in(content, path) == []
    record = read_record(path.read_text(encoding="utf-8"))
    assert record["title"] == "Participatory budgeting in Matola"
    assert isinstance(record["published"], dt.date)  # today, as practice new writes it
    assert record["sources"][0] == {"title": "Seek, sense, share (UCLG Learning, 2016)", "url": "https://www.uclg.org/"}
    assert "## Approach\n\nNeighbourhood assemblies rank proposals" in record.content


def test_hostile_text_stays_text_in_the_file(content):
    changed = answers()
    changed["Summary"] = "Harmless.\n---\ntitle: hacked\ndraft: true\n---\n`$(touch pwned)` ::error::x"
    changed["Partners"] = "UCLG\n'quoted' \"double\": {flow: map}\n- dash\n---"
    changed["Starting point"] = "Before.\n---\nnot front matter\n## Approach\nfake\nSetext heading\n---\n# Title"
    changed["Sources"] = "Report: https://example.org/r?a=1&b='x'\n---"
    result = parsed(body_of(changed))
    path = write_with_practice_new(result, content)
    text = path.read_text(encoding="utf-8")
    record = read_record(text)
    assert record["title"] == "Participatory budgeting in Matola"
    assert "draft" not in record.metadata
    assert record["summary"] == "Harmless. --- title: hacked draft: true --- `$(touch pwned)` ::error::x"
    assert record["partners"] == ["UCLG", "'quoted' \"double\": {flow: map}", "- dash", "---"]
    assert record["sources"][0] == {"title": "Report", "url": "https://example.org/r?a=1&b='x'"}
    assert text.count("\n---\n") == 3  # the front matter's closing fence, and two thematic breaks in the body
    assert text.index("\n---\n") < text.index("## Starting point")
    # The text under "Starting point" opens no section of its own: six H2 headings, in the poster's order.
    headings = [line for line in record.content.splitlines() if line.startswith("## ")]
    assert headings == [f"## {name}" for name in result.sections]
    assert "### Approach" in record.content and "### Title" in record.content
    assert "Setext heading\n\n---" in record.content
    assert not (content.parent / "pwned").exists()


# --- the whole step, as the workflow runs it ----------------------------------------------------------


def run_script(*args: str, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_OUTPUT"}  # never the real one
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "issue_proposal.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def event_file(tmp_path: Path, body: str, number: int = 12) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "labeled", "issue": {"number": number, "body": body}}), encoding="utf-8")
    return path


def test_prepare_reports_every_problem_and_writes_nothing(tmp_path, content):
    changed = answers()
    del changed["City"]
    out = tmp_path / "out"
    result = run_script(
        "prepare", "--event", str(event_file(tmp_path, body_of(changed))), "--content", str(content), "--out", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == "the section 'City' is missing: was the issue made with the form?\n"
    assert (out / "report.md").read_text(encoding="utf-8") == (
        "The proposal could not be turned into a pull request:\n\n"
        "- the section 'City' is missing&#58; was the issue made with the form?\n"
        "\nEdit the issue, then remove and add the label again.\n"
    )
    assert sorted(p.name for p in (content / "case-studies").iterdir()) == sorted(
        p.name for p in (REPO / "content" / "case-studies").iterdir()
    )


def test_prepare_writes_the_file_with_practice_new_and_the_workflows_outputs(tmp_path, content):
    out, outputs = tmp_path / "out", tmp_path / "github_output"
    result = run_script(
        "prepare", "--event", str(event_file(tmp_path, CAPTURED)), "--content", str(content), "--out", str(out),
        cwd=tmp_path, env_extra={"GITHUB_OUTPUT": str(outputs)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    slug = "participatory-budgeting-in-matola"
    file = (content / "case-studies" / f"{slug}.md").as_posix()
    assert outputs.read_text() == f"slug={slug}\nfile={file}\nbranch=proposal/12-{slug}\n"
    assert (out / "title.txt").read_text(encoding="utf-8") == "Practice: Participatory budgeting in Matola"
    body = (out / "body.md").read_text(encoding="utf-8")
    assert "Closes #12 when merged." in body
    assert "**Learned from**: Participatory budgeting in Porto Alegre" in body
    assert errors_in(content, Path(file)) == []


def test_the_report_lists_the_checkers_findings_escaped(tmp_path):
    problems = tmp_path / "problems.json"
    problems.write_text(
        json.dumps(
            [
                {
                    "file": "content/case-studies/a.md",
                    "line": 3,
                    "field": "city",
                    "severity": "error",
                    "message": "`x` | <b>",
                }
            ]
        ),
        encoding="utf-8",
    )
    result = run_script(
        "report", "--problems", str(problems), "--pull-request", "https://github.com/o/r/pull/5", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Pull request: https://github.com/o/r/pull/5\n\n`practice check` found 1 error to fix before it can be merged.\n\n"
    )
    assert "| error | content/case-studies/a.md | 3 | city | &#96;x&#96; &#124; &lt;b&gt; |" in result.stdout


def test_prepare_with_a_hostile_title_runs_nothing_and_keeps_the_title_as_text(tmp_path, content):
    out = tmp_path / "out"
    event = event_file(tmp_path, with_answer("Title", HOSTILE_TITLE), number=3)
    result = run_script("prepare", "--event", str(event), "--content", str(content), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    slug = "content-etc-touch-pwned-touch-pwned2-error-x"
    record = read_record((content / "case-studies" / f"{slug}.md").read_text(encoding="utf-8"))
    assert record["title"] == HOSTILE_TITLE
    assert (out / "title.txt").read_text(encoding="utf-8") == f"Practice: {HOSTILE_TITLE}"
    assert not list(tmp_path.rglob("pwned*"))


def test_every_answer_the_script_reads_is_a_field_of_the_form():
    types = {field.id: field.type for field in FIELDS}
    one_line = [
        "title",
        "city",
        "country",
        "start",
        "end",
        "sdgs",
        "learned_from",
        "contact_organisation",
        "contact_url",
    ]
    assert {key: types[key] for key in one_line} == dict.fromkeys(one_line, "input")
    many_lines = ["summary", "partners", "sources", "anything_else", *proposal.POSTER_IDS]
    assert {key: types[key] for key in many_lines} == dict.fromkeys(many_lines, "textarea")
    assert (types["topics"], types["cynefin"], types["status"], types["consent"]) == (
        "dropdown",
        "dropdown",
        "dropdown",
        "checkboxes",
    )


@pytest.mark.parametrize("event", ["not json", "{}", '{"issue": {"body": "x"}}'])
def test_an_unreadable_event_exits_3(tmp_path, event):
    path = tmp_path / "event.json"
    path.write_text(event, encoding="utf-8")
    result = run_script("prepare", "--event", str(path), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.startswith("cannot read the issue: ")
    assert "Traceback" not in result.stderr
