"""Nothing read from the cache, or found beside the output, can run code or change what is published."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.cache import Cache, default_cache_dir, load_snapshot, save_snapshot, user_cache_root
from generator.errors import Problem, Severity
from generator.model import Body, CaseStudy, CynefinDomain, Origin, YearOrDate
from generator.output import output_lock
from generator.plain import PlainDataError, decode, encode

EPOCH = {"SOURCE_DATE_EPOCH": "1790000000"}
GIT = shutil.which("git")


class _Payload:
    """What a hostile pull request commits as a cache shard: unpickling it runs a shell command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker.name}",))  # run in the site's folder


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(out: str, cache: str | None):
    options = BuildOptions(Path("content"), Path(out), search=False, cache_dir=Path(cache) if cache else None)
    return build_site(options, environ=EPOCH)


def _practice(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kwargs
    )


def test_a_planted_pickle_runs_nothing_and_the_build_equals_a_cacheless_one(site_root):
    marker = site_root / "PWNED"
    payload = pickle.dumps(_Payload(marker), protocol=2)
    assert len(payload) < 100 and b"system" in payload  # the size of the shard in the report (78 bytes)
    records = site_root / "cache/records"
    records.mkdir(parents=True)
    for name in ("00.pickle", "00.json", "ff.json"):  # the old format's name and the new one's
        (records / name).write_bytes(payload)
    (records / "01.json").write_bytes(b"\x00garbage\xff{[" * 50)
    (site_root / "cache/builds.pickle").write_bytes(payload)
    for name in ("builds", "pages"):  # whatever name a snapshot has
        (site_root / f"cache/{name}.json").write_bytes(payload)
    _build("clean", None)
    _build("cached", "cache")
    assert not marker.exists()
    assert _tree(site_root / "cached") == _tree(site_root / "clean")
    _build("again", "cache")  # and once the build has written its own shards beside the planted ones
    assert not marker.exists()
    assert _tree(site_root / "again") == _tree(site_root / "clean")


def test_a_forged_shard_in_the_right_format_is_ignored(site_root):
    """A shard that is well-formed JSON but not signed with the user's key (planted, or from another
    machine) is a miss: its record, with a script in the body, is never published."""
    _build("clean", None)
    _build("warm", "cache")
    changed = 0
    for shard in (site_root / "cache/records").glob("*.json"):
        mac, _, body = shard.read_bytes().partition(b"\n")
        forged = body.replace(b"A city-run bicycle system.", b"<script>alert(1)</script>")
        changed += forged != body
        shard.write_bytes(b"0" * len(mac) + b"\n" + forged)
    assert changed == 1
    _build("cached", "cache")
    assert _tree(site_root / "cached") == _tree(site_root / "clean")
    assert not any(b"<script>alert" in data for data in _tree(site_root / "cached").values())


def test_a_signed_entry_of_the_wrong_shape_is_a_miss_not_an_error(tmp_path):
    cache = Cache(tmp_path, "records", key=b"k" * 32)
    cache.put("aa1", ("not", "a", "record"))
    cache.save()
    shard = tmp_path / "records/aa.json"
    document = json.loads(shard.read_bytes().partition(b"\n")[2])
    document["entries"]["aa2"] = {"type": "system", "fields": {"command": "touch x"}}
    document["entries"]["aa3"] = {"type": "Body", "fields": {"html": "x", "sections": [], "extra": 1}}
    document["entries"]["aa4"] = {"enum": "CynefinDomain", "value": "nonsense"}
    body = json.dumps(document).encode()
    shard.write_bytes(hmac.new(b"k" * 32, body, hashlib.sha256).hexdigest().encode() + b"\n" + body)
    reread = Cache(tmp_path, "records", key=b"k" * 32)
    assert reread.get("aa1") == ("not", "a", "record")
    assert [reread.get(k) for k in ("aa2", "aa3", "aa4", "missing")] == [None] * 4
    assert Cache(tmp_path, "records", key=b"x" * 32).get("aa1") is None  # another key: nothing is read


def test_records_round_trip_as_plain_data_and_unknown_types_are_refused():
    record = CaseStudy(
        origin=Origin("content/case-studies/x.md", (("title", 2),), "case-studies/x.md"),
        slug="x",
        lang="en",
        title="X",
        summary="S",
        published=__import__("datetime").date(2026, 10, 1),
        city="Hangzhou",
        country="CN",
        topics=("mobility",),
        cynefin=CynefinDomain.COMPLEX,
        body=Body("<p>x</p>", ("Approach",)),
        start=YearOrDate(2020),
        coordinates=(30.25, 120.16),
    )
    value = (record, [Problem("a.md", 3, "title", "is long", Severity.WARNING)])
    stored = json.loads(json.dumps(encode(value)))
    assert decode(stored) == value
    assert decode(stored)[0].cynefin is CynefinDomain.COMPLEX
    for hostile in (
        {"type": "Popen", "fields": {}},
        {"type": "__builtins__", "fields": {}},
        {"enum": "Path", "value": "/"},
        {"tag": "x"},
        {"bytes": "!!"},
        {"dict": [[{"list": []}, 1]]},  # an unhashable key
    ):
        with pytest.raises(PlainDataError):
            decode(hostile)
    with pytest.raises(PlainDataError):
        encode(Path("/"))  # what the cache cannot hold is not stored


def test_a_forged_nothing_changed_record_does_not_skip_writing(site_root):
    """A record saying the output is up to date, not signed with the user's key, is not believed: the
    tampered output is written again."""
    _build("out", "cache")
    clean = _tree(site_root / "out")
    snapshot = next((site_root / "cache").glob("builds-*.json"))
    mac, _, body = snapshot.read_bytes().partition(b"\n")
    page = site_root / "out/index.html"
    page.write_bytes(page.read_bytes().replace(b"Test Library", b"Evil Library"))  # same size
    snapshot.write_bytes(b"f" * len(mac) + b"\n" + body)  # the true record, forged signature
    result = _build("out", "cache")
    assert not result.unchanged
    assert _tree(site_root / "out") == clean
    assert _build("out", "cache").unchanged  # its own record, signed, is believed


def test_snapshots_are_signed_with_the_key_in_the_user_cache_folder(tmp_path):
    save_snapshot(tmp_path, "s", {"a": (1, 2)})
    assert load_snapshot(tmp_path, "s") == {"a": (1, 2)}
    assert (user_cache_root() / "key").stat().st_size == 32
    assert load_snapshot(tmp_path, "s", key=b"other key".ljust(32)) is None


def test_a_planted_old_output_is_deleted_not_renamed_into_the_output(site_root):
    """_recover used to rename a ``._site.old-*`` folder into a missing output: a committed one was published."""
    planted = site_root / ".out.old-4242"
    planted.mkdir()
    (planted / "index.html").write_text("<script>evil()</script>")
    (site_root / ".out.staging-17").mkdir()
    with output_lock(site_root / "out"):
        pass
    assert not (site_root / "out").exists()
    assert not planted.exists() and not (site_root / ".out.staging-17").exists()


def test_the_default_cache_is_in_the_user_cache_folder_per_repository(site_root, tmp_path):
    done = _practice("build", "--no-search", cwd=site_root, env={**os.environ, **EPOCH})
    assert done.returncode == 0, done.stderr
    assert not (site_root / ".practice-cache").exists()
    folder = default_cache_dir(site_root)
    assert folder.parent == user_cache_root() / "builds"
    assert folder.name.startswith(site_root.name[:40] + "-")
    assert list((folder / "records").glob("*.json"))
    assert default_cache_dir(tmp_path / "elsewhere") != folder


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_a_cache_folder_that_git_tracks_is_refused(site_root):
    subprocess.run([GIT, "init", "-q"], cwd=site_root, check=True)
    (site_root / ".practice-cache/records").mkdir(parents=True)
    (site_root / ".practice-cache/records/00.json").write_text("{}")
    subprocess.run([GIT, "add", "-f", ".practice-cache"], cwd=site_root, check=True)
    done = _practice("build", "--no-search", "--cache-dir", ".practice-cache", cwd=site_root)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Error: --cache-dir .practice-cache: Git tracks files in it, so a pull request could plant cache entries; "
        "use a folder outside the repository (the default) or an untracked one"
    ]
    assert not (site_root / "_site").exists()
    (site_root / "untracked-cache").mkdir()
    done = _practice("build", "--no-search", "--cache-dir", "untracked-cache", cwd=site_root)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_check_fails_when_git_tracks_output_caches_or_locks(site_root):
    done = _practice("check", cwd=site_root)  # no repository: nothing to ask git
    assert done.returncode == 0, done.stderr
    subprocess.run([GIT, "init", "-q"], cwd=site_root, check=True)
    for path in ("_site/index.html", "_site/a/b.html", "._site.lock", ".practice-cache/records/00.pickle"):
        (site_root / path).parent.mkdir(parents=True, exist_ok=True)
        (site_root / path).write_text("x")
    (site_root / "_preview").mkdir()
    (site_root / "_preview/index.html").write_text("untracked: fine")
    subprocess.run([GIT, "add", "-f", "_site", "._site.lock", ".practice-cache", "content"], cwd=site_root, check=True)
    done = _practice("check", cwd=site_root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[:3] == [  # sorted by path, as every problem
        "._site.lock:1: git: is tracked by Git; build output, caches and locks must never be committed (a pull "
        "request could plant them): run git rm -r --cached ._site.lock",
        ".practice-cache:1: git: holds 1 file tracked by Git (first: .practice-cache/records/00.pickle); build output, "
        "caches and locks must never be committed (a pull request could plant them): run git rm -r --cached "
        ".practice-cache",
        "_site:1: git: holds 2 files tracked by Git (first: _site/a/b.html); build output, caches and locks must "
        "never be committed (a pull request could plant them): run git rm -r --cached _site",
    ]
    assert "_preview" not in done.stderr


def test_the_repository_ignores_and_does_not_track_generated_folders():
    repo = Path(__file__).resolve().parent.parent
    ignore = (repo / ".gitignore").read_text().splitlines()
    for pattern in (".practice-cache/", "_site*", "._site.*", "_preview/"):
        assert pattern in ignore
    assert "* text=auto eol=lf" in (repo / ".gitattributes").read_text().splitlines()
    if GIT is not None and (repo / ".git").exists():
        listed = subprocess.run(
            [GIT, "ls-files", "--", "._site.*", "_site*", ".practice-cache", "_preview"],
            cwd=repo,
            capture_output=True,
            text=True,
        ).stdout
        assert listed == ""


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (Linux's /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    for child in list(found):
        found |= _children(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _big_site(root: Path, count: int) -> None:
    source = (root / "content/case-studies/hangzhou-bikes.md").read_text()
    body = "\n\nA paragraph with *some* Markdown, [a link](https://example.org) and a list:\n\n- one\n- two\n" * 20
    for i in range(count):
        (root / f"content/case-studies/copy-{i}.md").write_text(
            source.replace("Hangzhou public bicycles", f"Copy {i}").replace("## Approach", "## Approach" + body)
        )


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or os.name != "posix", reason="reads Linux's /proc")
@pytest.mark.parametrize("phase", ["loading", "rendering"])
def test_sigterm_ends_the_workers_removes_the_staging_folder_and_leaves_the_output(site_root, tmp_path, phase):
    import signal
    import time

    _big_site(site_root, 600)
    (site_root / "_site").mkdir()
    (site_root / "_site/index.html").write_text("the previous output")
    command = [sys.executable, "-m", "generator", "build", "--no-search", "--jobs", "2", "--cache-dir", str(tmp_path)]
    build = subprocess.Popen(command, cwd=site_root, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and build.poll() is None:
            workers = {pid for pid in _children(build.pid) if _alive(pid)}
            staging = list(site_root.glob("._site.staging-*"))
            ready = staging and any(staging[0].rglob("index.html")) if phase == "rendering" else not staging
            if len(workers) >= 1 and ready:
                break
            time.sleep(0.02)
        assert build.poll() is None and workers, f"the build ended before its {phase} phase"
        build.send_signal(signal.SIGTERM)
        _, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 143, stderr
    assert stderr.splitlines()[-1] == "Terminated."
    assert "Traceback" not in stderr
    time.sleep(0.2)
    assert [pid for pid in workers if _alive(pid)] == []
    assert sorted(p.name for p in site_root.iterdir() if "staging" in p.name or ".old-" in p.name) == []
    assert _tree(site_root / "_site") == {"index.html": b"the previous output"}
    if phase == "rendering":  # the lock was released: the next build runs
        done = subprocess.run(command, cwd=site_root, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert (site_root / "_site/case-studies/copy-599/index.html").is_file()


@pytest.mark.skipif(os.name != "posix", reason="sends SIGTERM")
def test_sigterm_stops_serve_and_removes_its_temporary_folder(site_root, tmp_path):
    import signal

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    serve = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--no-search", "--port", "0", "--cache-dir", str(tmp_path / "c")],
        cwd=site_root,
        env={**os.environ, "TMPDIR": str(temporary)},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        lines = []
        for line in serve.stderr:
            lines.append(line)
            if line.startswith("Serving on"):
                break
        assert [p.name[:14] for p in temporary.iterdir()] == ["practice-serve"], lines
        serve.send_signal(signal.SIGTERM)
        _, rest = serve.communicate(timeout=60)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
    assert serve.returncode == 143, "".join(lines) + rest
    assert rest.splitlines()[-1] == "Terminated."
    assert list(temporary.iterdir()) == []
