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
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])

# The only actions the workflows may use (the vetted list in the project's design notes: official actions,
# read from their own repositories). Each is pinned to a full commit SHA with its release tag as a comment;
# any SHA is accepted, so that Dependabot can move a pin to a newer release in a reviewed pull request.
VETTED_ACTIONS = {
    "actions/checkout",
    "actions/setup-python",
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
    "actions/upload-artifact",
}
VERSION_COMMENT = re.compile(r"v\d+(?:\.\d+){0,2}")

# Only these jobs may write anything, and only these scopes.
WRITERS = {
    ("publish.yml", "deploy"): {"pages": "write", "id-token": "write"},
    ("proposal.yml", "pull-request"): {"contents": "write", "pull-requests": "write", "issues": "write"},
}

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
        ".github",  # the workflows and dependabot.yml
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
def test_every_action_is_vetted_and_pinned_to_a_full_commit(path):
    doc = load(path)
    refs = [step["uses"] for _, step in all_steps(doc) if "uses" in step]
    refs += [job["uses"] for job in jobs(doc).values() if "uses" in job]  # reusable workflows
    assert refs, f"{path.name}: uses no action"
    for ref in refs:
        match = SHA_PIN.match(ref)
        assert match, f"{path.name}: `uses: {ref}` is not pinned to a full 40-hex commit SHA"
        assert match["action"] in VETTED_ACTIONS, f"{path.name}: {match['action']} is not a vetted action"
    # The release stays beside the SHA as a comment, so a reader (and Dependabot) knows which it is.
    for line in path.read_text(encoding="utf-8").splitlines():
        found = USES_LINE.match(line)
        if found and "@" in found["ref"]:
            comment = (found["comment"] or "").strip()
            assert VERSION_COMMENT.fullmatch(comment), (
                f"{path.name}: `{line.strip()}` needs a comment such as `# v7.0.1`"
            )


@pytest.mark.parametrize(
    ("uses", "accepted"),
    [
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", True),
        ("actions/checkout@0123456789abcdef0123456789abcdef01234567 # v8", True),  # a newer release
        ("actions/checkout@v7.0.1", False),  # a tag can be moved
        ("actions/checkout@3d3c42e # v7.0.1", False),  # a short SHA can become ambiguous
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", False),  # no release comment
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # latest", False),
        ("dorny/paths-filter@0123456789abcdef0123456789abcdef01234567 # v3", False),  # not vetted
    ],
)
def test_the_pin_rule_itself(tmp_path, uses, accepted):
    workflow_file = tmp_path / "w.yml"
    workflow_file.write_text(
        "on: pull_request\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: " + uses + "\n",
        encoding="utf-8",
    )
    if accepted:
        test_every_action_is_vetted_and_pinned_to_a_full_commit(workflow_file)
    else:
        with pytest.raises(AssertionError):
            test_every_action_is_vetted_and_pinned_to_a_full_commit(workflow_file)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_top_level_permissions_are_none(path):
    # Every job lists its own, so a new job starts with nothing rather than inheriting.
    assert load(path).get("permissions") == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_only_the_deploy_and_proposal_jobs_may_write(path):
    for job_id, job in jobs(load(path)).items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"{path.name}: job {job_id}: permissions must be listed one by one"
        if (path.name, job_id) in WRITERS:
            assert permissions == WRITERS[path.name, job_id]
            continue
        writes = {scope for scope, level in permissions.items() if level != "read"}
        assert not writes, f"{path.name}: job {job_id} may write {sorted(writes)}; only {sorted(WRITERS)} may"
        assert "id-token" not in permissions


def test_every_writing_job_exists():
    for name, job_id in WRITERS:
        assert job_id in jobs(workflow(name)), f"{name}: no job {job_id}"


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
    # Publish installs from the lock, so the lock keys its cache; the others install from pyproject.toml.
    dependencies = "requirements/publish.txt" if path.name == "publish.yml" else "pyproject.toml"
    for step in setups:
        options = step.get("with") or {}
        assert options.get("python-version") == "3.11"  # a string: YAML reads 3.10 as 3.1
        assert options.get("cache") == "pip"
        assert options.get("cache-dependency-path") == dependencies


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_builds_keep_their_cache_in_the_runners_temporary_folder(path):
    # A cache inside the working tree could be planted by a pull request (the cache holds data that a
    # build trusts); the runner's temporary folder is new for every job.
    builds = [line for line in run_scripts(load(path)).splitlines() if re.search(r"\bpractice (build|bundle)\b", line)]
    for line in builds:
        assert '--cache-dir "$RUNNER_TEMP/' in line, f"{path.name}: `{line.strip()}` keeps its cache in the tree"


# --- what each workflow does ---------------------------------------------------------------------


def job_scripts(job: dict) -> str:
    return "\n".join(step["run"] for step in steps(job) if "run" in step)


def test_pull_request_jobs_run_in_parallel_and_content_waits_for_nothing():
    doc = workflow("pull-request.yml")
    assert set(triggers(doc)) == {"pull_request"}
    found = jobs(doc)
    assert set(found) == {"content", "changes", "generator", "other-systems"}
    # The preview must not be withheld by the generator's tests: the content job needs no other job.
    assert "needs" not in found["content"] and "if" not in found["content"]
    assert "needs" not in found["changes"]
    for gated in ("generator", "other-systems"):
        assert found[gated]["needs"] in ("changes", ["changes"])
        assert found[gated]["if"] == "needs.changes.outputs.generator == 'true'"
    assert found["changes"]["outputs"] == {"generator": "${{ steps.decide.outputs.generator }}"}


def test_the_content_job_annotates_summarises_and_uploads_a_preview():
    content = jobs(workflow("pull-request.yml"))["content"]
    scripts = job_scripts(content)
    assert "pip install -e ." in scripts
    assert "practice check --format github" in scripts
    # Every problem, not only the first ten annotations, in the job summary, through the tested script.
    assert 'practice check --format json > "$RUNNER_TEMP/problems.json"' in scripts
    assert 'python scripts/ci_summary.py "$RUNNER_TEMP/problems.json" >> "$GITHUB_STEP_SUMMARY"' in scripts
    assert re.search(r"practice build --offline --out _preview\b", scripts)
    assert "bash .ci/run" not in scripts and "pytest" not in scripts
    uploads = [step for step in steps(content) if action_name(step.get("uses", "")) == "actions/upload-artifact"]
    assert len(uploads) == 1
    options = uploads[0]["with"]
    assert options["name"] == "site-preview"
    assert options["path"] == "_preview/"
    assert options["retention-days"] == 14
    assert options.get("if-no-files-found") == "error"
    names = [step.get("name", "") for step in steps(content)]
    summary = next(i for i, step in enumerate(steps(content)) if "ci_summary.py" in step.get("run", ""))
    annotate = next(i for i, step in enumerate(steps(content)) if "--format github" in step.get("run", ""))
    assert summary < annotate, f"the summary is written before the check can fail the job: {names}"


def test_changes_are_decided_with_git_diff_by_the_base_branchs_script():
    changes = jobs(workflow("pull-request.yml"))["changes"]
    checkout = next(step for step in steps(changes) if action_name(step.get("uses", "")) == "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 2  # the merge commit and its base
    decide = next(step for step in steps(changes) if step.get("id") == "decide")
    assert "git show HEAD^1:scripts/ci_changes.py" in decide["run"]
    assert 'python "$RUNNER_TEMP/ci_changes.py" HEAD^1 HEAD' in decide["run"]
    assert 'echo "generator=true" >> "$GITHUB_OUTPUT"' in decide["run"]  # no script on the base: run it all


def test_the_generator_job_tests_and_lints():
    scripts = job_scripts(jobs(workflow("pull-request.yml"))["generator"])
    assert "bash .ci/run" in scripts
    assert "ruff check" in scripts and "ruff format --check" in scripts


def test_windows_and_macos_check_build_and_run_the_non_browser_tests():
    job = jobs(workflow("pull-request.yml"))["other-systems"]
    assert job["strategy"]["matrix"]["os"] == ["windows-latest", "macos-latest"]
    assert job["strategy"]["fail-fast"] is False
    assert job["runs-on"] == "${{ matrix.os }}"
    assert job["defaults"]["run"]["shell"] == "bash"  # the same commands on Windows
    scripts = job_scripts(job)
    assert "pip install -e '.[test]'" in scripts
    assert re.search(r"^practice check$", scripts, re.MULTILINE)
    assert "practice build --no-search" in scripts
    assert 'python -m pytest -m "not browser"' in scripts


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


def test_publish_installs_from_the_hash_pinned_lock_and_builds_the_bundle_in_one_build():
    scripts = job_scripts(jobs(workflow("publish.yml"))["build"])
    install = [line.strip() for line in scripts.splitlines() if "pip install" in line]
    assert install == [
        "python -m pip install --require-hashes -r requirements/publish.txt",
        # The generator itself: nothing more is fetched (no dependencies, no build environment).
        "python -m pip install --no-deps --no-build-isolation -e .",
    ]
    assert "practice build --bundle " in scripts
    assert "practice bundle" not in scripts  # the zip comes from the same atomic build


def sample_passes_strict() -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--strict", "--content", str(REPO / "content")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode == 0


def test_publish_uses_strict_exactly_when_the_sample_content_passes_it():
    scripts = job_scripts(jobs(workflow("publish.yml"))["build"])
    assert ("--strict" in scripts) == sample_passes_strict()


def requirement_name(line: str) -> str:
    return re.split(r"[\s<>=!~;\[@]", line.strip(), maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def test_the_publish_lock_pins_every_runtime_dependency_with_hashes():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = {requirement_name(item) for item in pyproject["project"]["dependencies"]}
    lock = (REPO / "requirements" / "publish.txt").read_text(encoding="utf-8")
    entries = re.findall(
        r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", lock, re.M
    )
    pinned = {requirement_name(name) for name, _, _ in entries}
    requirement_lines = [line for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line)]
    assert len(requirement_lines) == len(entries), "every requirement of the lock is pinned with == and hashed"
    missing = sorted(runtime - pinned)
    assert not missing, f"requirements/publish.txt lacks {missing}: re-run the pip-compile line of publish.in"
    assert "setuptools" in pinned  # the build backend, for --no-build-isolation
    listed = {
        requirement_name(line)
        for line in (REPO / "requirements" / "publish.in").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert listed == runtime | {"setuptools"}, "publish.in lists the dependencies of pyproject.toml"


def test_dependabot_updates_actions_and_both_pip_manifests():
    config = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    updates = {(update["package-ecosystem"], update["directory"]) for update in config["updates"]}
    assert updates == {("github-actions", "/"), ("pip", "/"), ("pip", "/requirements")}


def test_the_proposal_workflow_runs_on_the_label_and_checks_what_it_writes():
    doc = workflow("proposal.yml")
    assert triggers(doc) == {"issues": {"types": ["labeled"]}}
    job = jobs(doc)["pull-request"]
    assert job["if"] == "github.event.label.name == 'accepted-proposal'"
    scripts = job_scripts(job)
    # The issue is read from the event file by the script, never from an expression.
    assert 'python scripts/issue_proposal.py prepare --event "$GITHUB_EVENT_PATH"' in scripts
    assert "github.event.issue.body" not in (WORKFLOWS_DIR / "proposal.yml").read_text(encoding="utf-8")
    # A pull request opened with the workflow's token starts no other workflow: the job checks it itself.
    assert "practice check --format json" in scripts
    assert 'git push origin "$BRANCH"' in scripts and "--force" not in scripts
    assert 'gh pr create --base "$BASE" --head "$BRANCH"' in scripts
    assert 'gh issue comment "$ISSUE"' in scripts and 'gh pr comment "$PR_URL"' in scripts
    assert job["env"]["ISSUE"] == "${{ github.event.issue.number }}"


# --- the browser marker ----------------------------------------------------------------------------


def test_browser_tests_are_marked_so_other_systems_can_leave_them_out():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    options = pyproject["tool"]["pytest"]["ini_options"]
    assert any(marker.startswith("browser:") for marker in options["markers"])
    browser_modules = sorted((REPO / "tests").glob("test_*browser*.py"))
    assert browser_modules
    for module in browser_modules:
        text = module.read_text(encoding="utf-8")
        assert "pytestmark = pytest.mark.browser" in text, f"{module.name} is not marked browser"


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
