"""The practice command through click's test runner: exit codes, output formats, build results."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import make_site

from generator.cli import cli

BAD = "-- content/case-studies/bad.md --\n---\ntitle: Bad\ncynefin: complexx\n---\n"


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_check_passes_on_a_valid_site(site_root):
    result = run("check")
    assert result.exit_code == 0
    assert result.stderr == "No problems found.\n"


def test_check_reports_errors_on_stderr_and_exits_1(site_root):
    make_site(site_root, BAD)
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "content/case-studies/bad.md:1: summary: is required but missing"
    assert (
        "content/case-studies/bad.md:3: cynefin: 'complexx' is not a Cynefin domain (did you mean 'complex'?)" in lines
    )
    # the record with errors is still checked for its poster sections and contact: 6 + 1 warnings
    assert lines[-1] == "6 errors, 7 warnings."
    assert "Traceback" not in result.stderr


def test_check_json_format(site_root):
    make_site(site_root, BAD)
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert {
        "file": "content/case-studies/bad.md",
        "line": 3,
        "field": "cynefin",
        "severity": "error",
        "message": "'complexx' is not a Cynefin domain (did you mean 'complex'?)",
    } in records
    # the record with errors is still checked for its poster sections (warnings, sorted after its line-3 error)
    assert records[-1]["severity"] == "warning" and records[-1]["field"] == "body"


def test_check_github_format_escapes_injected_commands(site_root):
    make_site(
        site_root,
        '-- content/case-studies/bad.md --\n---\ntitle: Bad\nsummary: S\npublished: 2026-01-01\ncity: X\ncountry: BR\ntopics: [mobility]\ncynefin: "x%0A::error::pwned, a:b"\n---\n',
    )
    result = run("check", "--format", "github")
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error file=content/case-studies/bad.md,line=8,title=cynefin::'x%250A::error::pwned, a:b' is not a Cynefin domain "
        "(choose clear, complicated, complex, chaotic, confused)"
    ]


def test_check_strict_fails_on_warnings(site_root):
    path = site_root / "content/case-studies/hangzhou-bikes.md"
    path.write_text(path.read_text().replace("## Outcome\n", ""))
    assert run("check").exit_code == 0
    result = run("check", "--strict")
    assert result.exit_code == 1
    assert "content/case-studies/hangzhou-bikes.md:11: body: warning: has no '## Outcome' section" in result.stderr


def test_build_writes_the_site(site_root):
    result = run("build", "--no-search", "--out", "out")
    assert result.exit_code == 0, result.stderr
    assert (site_root / "out/case-studies/hangzhou-bikes/index.html").exists()
    assert (site_root / "out/sitemap.xml").exists()


def test_failed_build_exits_1_and_keeps_the_previous_output(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    before = {p.relative_to(site_root / "out"): p.read_bytes() for p in (site_root / "out").rglob("*") if p.is_file()}
    make_site(site_root, BAD)
    result = run("build", "--no-search", "--out", "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Build failed: 6 errors."
    after = {p.relative_to(site_root / "out"): p.read_bytes() for p in (site_root / "out").rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in site_root.iterdir() if p.name.startswith(".out")) == [".out.lock"]


def test_build_removes_stale_files(site_root):
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    (site_root / "content/case-studies/hangzhou-bikes.md").rename(
        site_root / "content/case-studies/hangzhou-bicycles.md"
    )
    assert run("build", "--no-search", "--out", "out").exit_code == 0
    assert (site_root / "out/case-studies/hangzhou-bicycles/index.html").exists()
    assert not (site_root / "out/case-studies/hangzhou-bikes").exists()


def test_build_refuses_to_replace_the_content_folder(site_root):
    result = run("build", "--no-search", "--out", ".")
    assert result.exit_code == 3
    assert "refusing to build into ." in result.stderr
    assert (site_root / "content/site.yml").exists()


def test_build_while_another_build_holds_the_lock(site_root):
    import filelock

    with filelock.FileLock(str(site_root / ".out.lock")):  # the lock builds take, on any system
        result = run("build", "--no-search", "--out", "out")
    assert result.exit_code == 3
    assert result.stderr == "Error: another build is writing out; wait for it to finish\n"


def test_template_errors_name_the_theme_file_and_line(site_root, tmp_path):
    theme = make_site(
        tmp_path / "theme",
        "-- templates/page.html --\n{% extends 'base.html' %}\n{% block main %}{{ page.nope }}{% endblock %}\n",
    )
    make_site(site_root, "-- content/pages/about.md --\n---\ntitle: About\n---\nHello\n")
    result = run("build", "--no-search", "--out", "out", "--theme", str(theme))
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == f"{theme}/templates/page.html:2: template: 'dict object' has no attribute 'nope' (while rendering about/index.html)"
    )


def test_theme_overrides_templates_by_name(site_root, tmp_path):
    theme = make_site(tmp_path / "theme", "-- templates/page.html --\n<p>custom {{ page.title }}</p>\n")
    make_site(site_root, "-- content/pages/about.md --\n---\ntitle: About\n---\nHello\n")
    assert run("build", "--no-search", "--out", "out", "--theme", str(theme)).exit_code == 0
    assert (site_root / "out/about/index.html").read_text() == "<p>custom About</p>\n"
    assert "<main" in (site_root / "out/index.html").read_text()  # other templates from the default theme


def test_new_without_a_terminal_names_the_missing_flags(site_root):
    result = run("new", "case-study", "São Paulo bus corridors")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: missing --summary, --city, --country, --topic, --cynefin; give them as options (no terminal to ask in). Nothing was written.\n"
    )
    assert not (site_root / "content/case-studies/sao-paulo-bus-corridors.md").exists()


def test_new_writes_a_valid_case_study_and_never_overwrites(site_root):
    args = [
        "new",
        "case-study",
        "São Paulo bus corridors",
        "--summary",
        "Dedicated bus lanes.",
        "--city",
        "São Paulo",
        "--country",
        "Brazil",
        "--topic",
        "mobility",
        "--cynefin",
        "complicated",
    ]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    written = (site_root / "content/case-studies/sao-paulo-bus-corridors.md").read_text()
    assert 'city: "São Paulo"\ncountry: BR\n' in written
    assert written.count("\n## ") == 6
    check = run("check")  # an untouched scaffold passes, with a warning for each part still to write
    assert check.exit_code == 0
    assert check.stderr.splitlines() == [
        "content/case-studies/sao-paulo-bus-corridors.md:1: contact: warning: practice names no contact; add contact: {organisation, url} so readers know whom to ask",
        "content/case-studies/sao-paulo-bus-corridors.md:23: sources: warning: lists no sources; add at least one {title, url} where readers can check what the record says",
        *(
            f"content/case-studies/sao-paulo-bus-corridors.md:{line}: body: warning: '## {name}' has nothing under it; write the section (one of the six poster sections)"
            for line, name in zip(
                (26, 29, 32, 35, 38, 41),
                (
                    "Starting point",
                    "Institutional setting",
                    "Approach",
                    "Outcome",
                    "Lessons learnt",
                    "Transfer opportunities",
                ),
            )
        ),
        "0 errors, 8 warnings.",
    ]
    assert run("check", "--strict").exit_code == 1
    again = run(*args)
    assert again.exit_code == 2
    assert "already exists" in again.stderr


def test_new_reports_every_bad_flag_at_once_with_the_checkers_messages(site_root):
    result = run(
        "new",
        "event",
        "Forum",
        "--summary",
        "S",
        "--city",
        "Bogotá",
        "--country",
        "Brasil",
        "--topic",
        "mobilty",
        "--topic",
        "public-space",
        "--method",
        "world-caffe",
        "--date",
        "2016-13-01",
        "--cynefin",
        "compex",
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --date: '2016-13-01' is not a valid date (write it as YYYY-MM-DD, or YYYY-MM when only the month is known)",
        "Error: --country: 'Brasil' is not an ISO 3166-1 country code or English country name (did you mean 'Brazil'?)",
        "Error: --method: 'world-caffe' is not a method in methods/ (did you mean 'world-cafe'?)",
        "Error: --topic: 'mobilty' is not a topic in topics.yml (did you mean 'mobility'?)",
        "Error: --cynefin: 'compex' is not a Cynefin domain (did you mean 'complex'?)",
    ]
    assert not (site_root / "content/events").exists() or not list((site_root / "content/events").glob("forum*"))


def test_usage_errors_exit_2(site_root):
    assert run("build", "--jobs", "0").exit_code == 2
    assert run("check", "--format", "xml").exit_code == 2


def test_new_prompts_in_a_terminal_with_validation_and_choices(site_root, monkeypatch):
    monkeypatch.setattr("generator.cli._in_terminal", lambda: True)
    answers = (
        "\n".join(
            [
                "Buses in the corridor.",  # summary
                "Curitiba",  # city
                "Atlantis",  # country: refused, asked again
                "Brazil",
                "mobilty",  # topics: unknown, asked again
                "mobility, public-space",
                "complexx",  # not a domain: asked again, with the checker's suggestion
                "Simple ",  # the checker's alias for clear, spaces and case as check takes them
            ]
        )
        + "\n"
    )
    result = CliRunner().invoke(cli, ["new", "case-study", "Curitiba bus rapid transit"], input=answers)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:3] == [
        "Error: 'Atlantis' is not an ISO 3166-1 country code or English country name",
        "Error: 'mobilty' is not a topic in topics.yml (did you mean 'mobility'?)",
        "Error: 'complexx' is not a Cynefin domain (did you mean 'complex'?)",
    ]
    assert "Topics, comma-separated (mobility, public-space)" in result.stdout
    written = (site_root / "content/case-studies/curitiba-bus-rapid-transit.md").read_text()
    assert 'summary: "Buses in the corridor."\n' in written
    assert "country: BR\ntopics: [mobility, public-space]\ncynefin: clear" in written
    assert run("check").exit_code == 0


def test_a_bad_date_at_the_prompt_is_asked_again_with_the_checkers_message(site_root, monkeypatch):
    monkeypatch.setattr("generator.cli._in_terminal", lambda: True)
    args = ["new", "event", "Forum", "--summary", "S", "--city", "Bogotá", "--country", "CO", "--topic", "mobility"]
    answers = "12/10/2016\n2016-10-12\nworld-caffe\nworld-cafe\n"
    result = CliRunner().invoke(cli, args, input=answers)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:2] == [
        "Error: '12/10/2016' is not a valid date (write it as YYYY-MM-DD, or YYYY-MM when only the month is known)",
        "Error: 'world-caffe' is not a method in methods/ (did you mean 'world-cafe'?)",
    ]
    assert "isoformat" not in result.output
    written = (site_root / "content/events/forum.md").read_text()
    assert "\ndate: 2016-10-12\n" in written and "\nmethod: world-cafe\n" in written
    assert run("check").exit_code == 0


def test_new_event_and_method_from_flags(site_root):
    event = run(
        "new",
        "event",
        "Peer review in Bogotá",
        "--summary",
        "Peers met.",
        "--city",
        "Bogotá",
        "--country",
        "CO",
        "--topic",
        "mobility",
        "--method",
        "world-cafe",
        "--date",
        "2016-10-13",
    )
    assert event.exit_code == 0, event.stderr
    method = run(
        "new", "method", "Study visit", "--summary", "Visit the practice.", "--stage", "seek", "--stage", "sense"
    )
    assert method.exit_code == 0, method.stderr
    assert "stages: [seek, sense]" in (site_root / "content/methods/study-visit.md").read_text()
    assert run("check").exit_code == 0


def test_the_distribution_has_a_name_of_its_own_and_version_still_works():
    """`generator` is an unrelated package on the public index: ours must not answer to that name."""
    import tomllib
    from pathlib import Path

    from generator import __version__

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["name"] == "city-practice-repository"
    assert project["version"] == __version__
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"practice, version {__version__}\n"
