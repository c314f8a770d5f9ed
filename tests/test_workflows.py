"""The GitHub Actions workflows: linted by actionlint and zizmor, and hardened as the project requires.

GitHub cannot be reached from the machines that run these tests, so the workflows are checked statically:
actionlint for syntax, expressions and (with shellcheck) the shell of `run:` steps; zizmor, offline, for
security findings; and the hardening rules read straight from the YAML.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])

# The only actions the workflows may use, each pinned to the commit of a vetted release
# (from the project's design notes; GitHub cannot be asked from here). Keep the tag as a comment.
VETTED_PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/configure-pages": ("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
}

# Only this job of this workflow may write anything, and only these two scopes.
DEPLOY = ("publish.yml", "deploy")
DEPLOY_PERMISSIONS = {"pages": "write", "id-token": "write"}

DANGEROUS_TRIGGERS = {"pull_request_target", "workflow_run"}
SHA_PIN = re.compile(r"^(?P<action>[^@\s]+)@(?P<sha>[0-9a-f]{40})$")
USES_LINE = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<ref>\S+)\s*(?:#\s*(?P<comment>.*))?$")


# --- helpers --------------------------------------------------------------------------------------


def find_tool(name: str) -> str:
    """The tool installed beside this interpreter (the test extras), else on PATH; fail if missing."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    pytest.fail(
        f"{name} is not installed: it comes with the test extras (pip install -e '.[test]'), "
        "and the workflows cannot be verified without it"
    )


def optional_tool(name: str) -> str:
    """A helper tool for actionlint, or "" (which tells actionlint not to use it)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    return shutil.which(name) or ""


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a mapping"
    return doc


def triggers(doc: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean True.
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    assert isinstance(on, dict), "the workflow has no `on:` triggers"
    return on


def jobs(doc: dict) -> dict:
    found = doc.get("jobs")
    assert isinstance(found, dict) and found, "the workflow has no jobs"
    return found


def steps(job: dict) -> list[dict]:
    return [step for step in job.get("steps") or [] if isinstance(step, dict)]


def all_steps(doc: dict):
    for job_id, job in jobs(doc).items():
        for step in steps(job):
            yield job_id, step


def action_name(uses: str) -> str:
    return uses.split("@", 1)[0]


def run_scripts(doc: dict) -> str:
    return "\n".join(step["run"] for _, step in all_steps(doc) if "run" in step)


def workflow(name: str) -> dict:
    path = WORKFLOWS_DIR / name
    assert path.is_file(), f".github/workflows/{name} is missing"
    return load(path)


def test_there_are_workflows():
    assert {path.name for path in WORKFLOWS} >= {"pull-request.yml", "publish.yml"}


# --- linters ------------------------------------------------------------------------------------


def test_actionlint_finds_nothing():
    actionlint = find_tool("actionlint")
    command = [
        actionlint,
        "-no-color",
        "-oneline",
        f"-shellcheck={optional_tool('shellcheck')}",
        f"-pyflakes={optional_tool('pyflakes')}",
        *[str(path.relative_to(REPO)) for path in WORKFLOWS],
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"actionlint exited {result.returncode}:\n{result.stdout}{result.stderr}"
    assert result.stdout.strip() == ""


def test_zizmor_finds_nothing():
    zizmor = find_tool("zizmor")
    # --offline: GitHub cannot be reached (the online audits need its API).
    # --persona pedantic: code smells count too, at every severity and confidence.
    # --no-config: a configuration file cannot silence an audit; only a visible inline
    #   `# zizmor: ignore[audit]` comment, with its reason beside it, can.
    command = [
        zizmor,
        "--offline",
        "--no-config",
        "--persona",
        "pedantic",
        "--format",
        "json",
        "--no-progress",
        "--color",
        "never",
        str(WORKFLOWS_DIR.relative_to(REPO)),
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    try:
        findings = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"zizmor printed no JSON (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    summary = "\n".join(
        f"{finding.get('ident')}: {finding.get('desc')} ({finding.get('determinations', {}).get('severity')})"
        for finding in findings
    )
    assert findings == [], f"zizmor findings:\n{summary}"
    assert result.returncode == 0, f"zizmor exited {result.returncode}:\n{result.stderr}"


# --- hardening, read from the YAML ---------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_vetted_commit(path):
    doc = load(path)
    refs = [step["uses"] for _, step in all_steps(doc) if "uses" in step]
    refs += [job["uses"] for job in jobs(doc).values() if "uses" in job]  # reusable workflows
    for ref in refs:
        match = SHA_PIN.match(ref)
        assert match, f"{path.name}: `uses: {ref}` is not pinned to a 40-hex commit SHA"
        assert match["action"] in VETTED_PINS, f"{path.name}: {match['action']} is not a vetted action"
        assert match["sha"] == VETTED_PINS[match["action"]][0], f"{path.name}: {ref} is not the vetted commit"
    # The tag stays beside the SHA as a comment, so a reader (and an updater) knows the release.
    for line in path.read_text(encoding="utf-8").splitlines():
        found = USES_LINE.match(line)
        if found and "@" in found["ref"]:
            action = action_name(found["ref"])
            tag = VETTED_PINS.get(action, ("", "?"))[1]
            assert (found["comment"] or "").strip() == tag, f"{path.name}: `{line.strip()}` needs the comment `# {tag}`"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_top_level_permissions_are_read_only(path):
    assert load(path).get("permissions") == {"contents": "read"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_only_the_deploy_job_may_write(path):
    for job_id, job in jobs(load(path)).items():
        permissions = job.get("permissions", {})
        assert isinstance(permissions, dict), f"{path.name}: job {job_id}: permissions must be listed one by one"
        if (path.name, job_id) == DEPLOY:
            assert permissions == DEPLOY_PERMISSIONS
            continue
        writes = {scope for scope, level in permissions.items() if level != "read"}
        assert not writes, f"{path.name}: job {job_id} may write {sorted(writes)}; only {DEPLOY[1]} may"
        assert "id-token" not in permissions


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_dangerous_triggers(path):
    found = DANGEROUS_TRIGGERS & set(triggers(load(path)))
    assert not found, f"{path.name}: {sorted(found)} runs with write access on code from forks"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_job_has_a_timeout(path):
    for job_id, job in jobs(load(path)).items():
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int) and 0 < timeout <= 60, f"{path.name}: job {job_id} needs timeout-minutes"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_checkout_keeps_no_credentials(path):
    checkouts = [step for _, step in all_steps(load(path)) if action_name(step.get("uses", "")) == "actions/checkout"]
    for step in checkouts:
        assert (step.get("with") or {}).get("persist-credentials") is False, f"{path.name}: {step}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_expressions_inside_run(path):
    for job_id, step in all_steps(load(path)):
        if "run" in step:
            assert "${{" not in step["run"], f"{path.name}: job {job_id}: pass values to `run:` through `env:`"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_python_is_set_up_with_a_pip_cache(path):
    setups = [step for _, step in all_steps(load(path)) if action_name(step.get("uses", "")) == "actions/setup-python"]
    assert setups, f"{path.name}: no actions/setup-python step"
    for step in setups:
        options = step.get("with") or {}
        assert options.get("python-version") == "3.11"  # a string: YAML reads 3.10 as 3.1
        assert options.get("cache") == "pip"
        assert options.get("cache-dependency-path") == "pyproject.toml"


# --- what each workflow does ---------------------------------------------------------------------


def test_pull_requests_are_checked_tested_and_previewed():
    doc = workflow("pull-request.yml")
    assert set(triggers(doc)) == {"pull_request"}
    scripts = run_scripts(doc)
    for command in ("pip install -e '.[test]'", "practice check --format github", "bash .ci/run", "practice build"):
        assert command in scripts
    assert "--no-search" not in scripts
    uploads = [step for _, step in all_steps(doc) if action_name(step.get("uses", "")) == "actions/upload-artifact"]
    assert len(uploads) == 1
    options = uploads[0]["with"]
    assert options["name"] == "site-preview"
    assert options["retention-days"] == 14
    assert options.get("if-no-files-found") == "error"


def test_publish_builds_on_main_and_deploys_to_pages():
    doc = workflow("publish.yml")
    on = triggers(doc)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}
    assert doc["concurrency"] == {"group": "pages", "cancel-in-progress": False}

    build, deploy = jobs(doc)["build"], jobs(doc)["deploy"]
    build_actions = [action_name(step.get("uses", "")) for step in steps(build)]
    assert "actions/configure-pages" in build_actions
    assert "actions/upload-pages-artifact" in build_actions
    pages_step = next(step for step in steps(build) if action_name(step.get("uses", "")) == "actions/configure-pages")
    build_step = next(step for step in steps(build) if "practice build" in step.get("run", ""))
    assert '--base-url "$BASE_URL"' in build_step["run"]
    assert build_step["env"]["BASE_URL"] == "${{ steps.%s.outputs.base_url }}" % pages_step["id"]

    assert deploy["needs"] in ("build", ["build"])
    deploy_step = next(step for step in steps(deploy) if action_name(step.get("uses", "")) == "actions/deploy-pages")
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.%s.outputs.page_url }}" % deploy_step["id"],
    }
    # The job that can write to Pages runs nothing from the repository.
    assert all("run" not in step for step in steps(deploy))
    assert all(action_name(step.get("uses", "")) != "actions/checkout" for step in steps(deploy))


# --- the issue form ---------------------------------------------------------------------------------

ISSUE_FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "propose-a-practice.yml"
FORM_KEYS = {"name", "description", "title", "labels", "assignees", "projects", "type", "body"}
ELEMENT_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}
POSTER = ["Starting point", "Institutional setting", "Approach", "Outcome", "Lessons learnt", "Transfer opportunities"]
CYNEFIN = ["clear", "complicated", "complex", "chaotic", "confused"]


def form_fields() -> dict:
    form = load(ISSUE_FORM)
    return {element["id"]: element for element in form["body"] if "id" in element}


def test_issue_form_follows_github_schema():
    form = load(ISSUE_FORM)
    assert set(form) <= FORM_KEYS
    assert form["name"] and form["description"] and form["body"]
    ids, labels = [], []
    for element in form["body"]:
        assert element["type"] in ELEMENT_TYPES, element
        attributes = element["attributes"]
        if element["type"] == "markdown":
            assert attributes["value"].strip()
            assert "validations" not in element
            continue
        assert re.fullmatch(r"[A-Za-z0-9_-]+", element["id"]), element["id"]
        ids.append(element["id"])
        labels.append(attributes["label"])
        if element["type"] == "dropdown":
            options = attributes["options"]
            assert options and len(options) == len(set(options)) and "None" not in options
        if element["type"] == "checkboxes":
            assert all(option["label"] for option in attributes["options"])
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert len(labels) == len(set(labels)), "labels must be unique"
    assert (REPO / ".github" / "ISSUE_TEMPLATE" / "config.yml").is_file()


def test_issue_form_mirrors_the_case_study_front_matter():
    fields = form_fields()
    for required in ("title", "summary", "city", "country", "topics", "cynefin", "sources"):
        assert fields[required].get("validations", {}).get("required") is True, required
    for optional in ("start", "end", "status", "sdgs", "partners", "contact_organisation", "contact_url"):
        assert optional in fields
    assert "300" in fields["summary"]["attributes"]["description"]
    cynefin = fields["cynefin"]["attributes"]["options"]
    assert [option.split(":")[0] for option in cynefin] == CYNEFIN
    assert fields["status"]["attributes"]["options"] == ["ongoing", "completed", "discontinued"]
    assert [fields[label.lower().replace(" ", "_")]["attributes"]["label"] for label in POSTER] == POSTER


def test_issue_form_offers_only_topics_of_the_library():
    topics = yaml.safe_load((REPO / "content" / "topics.yml").read_text(encoding="utf-8"))
    options = form_fields()["topics"]["attributes"]["options"]
    unknown = sorted(set(options) - set(topics))
    assert not unknown, f"the issue form offers topics that content/topics.yml does not define: {unknown}"
