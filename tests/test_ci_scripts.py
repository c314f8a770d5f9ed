"""The scripts the pull-request workflow runs: the job summary's table and the decision which jobs run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from conftest import load_script

REPO = Path(__file__).resolve().parent.parent


ci_summary = load_script("ci_summary")
ci_changes = load_script("ci_changes")


def problem(message="is required", severity="error", file="content/case-studies/a.md", line=1, field="title"):
    return {"file": file, "line": line, "field": field, "severity": severity, "message": message}


def rendered(table: str) -> str:
    return markdown.markdown(table, extensions=["tables"])


# --- the job summary -----------------------------------------------------------------------------


def test_every_problem_gets_a_row_not_only_the_first_ten():
    problems = [problem(f"problem {n}", line=n) for n in range(1, 25)]
    table = ci_summary.summary_table(problems)
    assert table.startswith("### practice check: 24 errors, 0 warnings\n\n| | file | line | field | message |\n")
    rows = [line for line in table.splitlines() if line.startswith("| error |")]
    assert len(rows) == 24
    assert rows[23] == "| error | content/case-studies/a.md | 24 | title | problem 24 |"
    assert rendered(table).count("<tr>") == 25  # the header and 24 rows


def test_errors_come_before_warnings_and_both_are_counted():
    table = ci_summary.summary_table([problem("w", "warning"), problem("e"), problem("w2", "warning")])
    assert "1 error, 2 warnings" in table
    marks = re.findall(r"^\| (error|warning) \|", table, re.MULTILINE)
    assert marks == ["error", "warning", "warning"]


def test_no_problems_says_so():
    assert ci_summary.summary_table([]) == "### practice check: 0 errors, 0 warnings\n\nNo problems found.\n"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a | b", "a &#124; b"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("`code` and ```fence```", "&#96;code&#96; and &#96;&#96;&#96;fence&#96;&#96;&#96;"),
        ("line one\nline two\r\nthree\rfour", "line one<br>line two<br>three<br>four"),
        ("[click](javascript:x) ![img](https://t.example/p.png)", None),
        ("::error file=x::forged", "&#58;&#58;error file=x&#58;&#58;forged"),
        ("@maintainers see #12", "&#64;maintainers see &#35;12"),
        ("*bold* _em_ ~~gone~~ \\", "&#42;bold&#42; &#95;em&#95; &#126;&#126;gone&#126;&#126; &#92;"),
        ("bell\x07 and esc\x1b", "bell&#7; and esc&#27;"),
        ("São Paulo, 杭州", "São Paulo, 杭州"),
    ],
)
def test_a_cell_cannot_carry_markup(text, escaped):
    cell = ci_summary.escape_cell(text)
    if escaped is not None:
        assert cell == escaped
    bare = re.sub(r"<br>|&#\d+;|&amp;|&lt;|&gt;", "", cell)  # what is left once the references are out
    for dangerous in "|<>`[]!:@#&\n\r\x07":
        assert dangerous not in bare


def test_a_hostile_message_stays_inside_its_own_cell():
    hostile = "x | y |\n| forged | row |\n<img src=x onerror=alert(1)> `code` [link](https://evil.example)"
    table = ci_summary.summary_table([problem(hostile, field="title | forged")])
    html = rendered(table)
    assert html.count("<tr>") == 2  # the header and one row: no row forged
    assert html.count("<td>") == 5  # and no cell forged
    for tag in ("<img", "<a ", "<code", "<script"):
        assert tag not in html
    assert "https://" not in html  # no bare link for an autolinker to follow either


def test_a_long_message_is_cut_and_a_huge_report_stops_before_githubs_limit():
    cell = ci_summary.escape_cell("x" * 5000)
    assert cell == "x" * ci_summary.MAX_CELL + "…"
    table = ci_summary.summary_table([problem("y" * 5000, line=n) for n in range(1000)])
    assert len(table.encode()) <= ci_summary.MAX_BYTES + 200
    assert re.search(r"\n\d+ more not shown here: run `practice check` to see them all\.\n$", table)


def test_the_script_reads_the_checkers_json(tmp_path):
    report = tmp_path / "problems.json"
    report.write_text(json.dumps([problem("bad | value")]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "ci_summary.py"), str(report)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "| error | content/case-studies/a.md | 1 | title | bad &#124; value |" in result.stdout


@pytest.mark.parametrize("text", ["", "not json", '{"a": 1}', "[1, 2]"])
def test_a_report_that_is_not_the_checkers_exits_3(tmp_path, text):
    report = tmp_path / "problems.json"
    report.write_text(text, encoding="utf-8")
    assert ci_summary.main([str(report)]) == 3
    assert ci_summary.main([str(tmp_path / "missing.json")]) == 3


# --- which jobs run ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "needed"),
    [
        (["content/case-studies/matola.md"], False),
        (["content/case-studies/matola.md", "content/media/matola.jpg", "content/events/x.pt.md"], False),
        (["content/case-studies/matola.md", "generator/cli.py"], True),
        (["themes/default/templates/base.html"], True),
        (["tests/test_cli.py"], True),
        (["pyproject.toml"], True),
        (["scripts/ci_changes.py"], True),
        ([".ci/run"], True),
        ([".github/workflows/pull-request.yml"], True),
        (["requirements/publish.txt"], True),
        (["README.md"], True),  # the tests read the documentation too
        (["content/site.yml"], True),  # the site's settings: the generator's tests read them
        (["content/topics.yml"], True),  # and the issue form offers its topics
        (["contents/x.md"], True),
        (["content"], True),
        ([], True),  # nothing found: something is off, so everything runs
        (None, True),  # git could not tell
    ],
)
def test_only_practices_skip_the_generator_checks(paths, needed):
    assert ci_changes.needs_generator_checks(paths) is needed


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "ci@example.org")
    git(tmp_path, "config", "user.name", "CI")
    (tmp_path / "content" / "case-studies").mkdir(parents=True)
    (tmp_path / "generator").mkdir()
    (tmp_path / "generator" / "cli.py").write_text("x = 1\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def decide(repo: Path, tmp_path: Path, base="HEAD^1", head="HEAD") -> tuple[int, str, str]:
    output = tmp_path / "github_output"
    output.write_text("")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "ci_changes.py"), base, head],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "GITHUB_OUTPUT": str(output)},  # all of it: Python on Windows needs SYSTEMROOT
    )
    return result.returncode, output.read_text(), result.stderr


def test_a_practice_only_commit_skips_the_generator_checks(repo, tmp_path):
    (repo / "content" / "case-studies" / "new practice; $(touch pwned).md").write_text("---\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "practice")
    status, output, said = decide(repo, tmp_path)
    assert (status, output) == (0, "generator=false\n")
    assert said == "generator checks: no: only practices changed (1 file(s)): the generator's checks are skipped\n"
    assert not (repo / "pwned").exists()


def test_a_generator_change_runs_them(repo, tmp_path):
    (repo / "generator" / "cli.py").write_text("x = 2\n")
    (repo / "content" / "case-studies" / "a.md").write_text("---\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "both")
    status, output, said = decide(repo, tmp_path)
    assert (status, output) == (0, "generator=true\n")
    assert "'generator/cli.py'" in said


def test_an_unknown_base_runs_everything(repo, tmp_path):
    status, output, said = decide(repo, tmp_path, base="no-such-commit")
    assert (status, output) == (0, "generator=true\n")
    assert "git could not compare the commits" in said


def test_usage_error_exits_2():
    assert ci_changes.main(["only-one"]) == 2
