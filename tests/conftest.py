"""Shared fixtures: inline test sites written into tmp_path (after Hugo's txtar tests)."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent


def load_script(name: str):
    """A script of scripts/ as a module (they are not part of the package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# A minimal valid site; tests add or replace files with make_site.
SITE = """
-- content/site.yml --
title: Test Library
description: Practices for testing.
base_url: https://example.org/library/
license: CC-BY-4.0
-- content/topics.yml --
mobility:
  label: Mobility
  description: Getting around.
public-space:
  label: Public space
-- content/methods/world-cafe.md --
---
title: World café
summary: Small-table conversations.
stages: [seek, share]
---
Tables of four.
-- content/case-studies/hangzhou-bikes.md --
---
title: Hangzhou public bicycles
summary: A city-run bicycle system.
published: 2026-10-01
city: Hangzhou
country: CN
topics: [mobility]
cynefin: complicated
contact: {organisation: Hangzhou public bicycle office, url: "https://example.org/hangzhou-bikes"}
---
## Starting point
Written for the test.
## Institutional setting
Written for the test.
## Approach
Written for the test.
## Outcome
Written for the test.
## Lessons learnt
Written for the test.
## Transfer opportunities
Written for the test.
"""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output.")


def make_site(root: Path, spec: str) -> Path:
    """Write files given as '-- path --' blocks under root; later blocks replace earlier ones."""
    for block in ("\n" + textwrap.dedent(spec)).split("\n-- ")[1:]:
        name, _, body = block.partition(" --\n")
        path = root / name.strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return root


@pytest.fixture
def site_root(tmp_path, monkeypatch) -> Path:
    """A valid minimal site in tmp_path, with the working directory there so paths print as content/..."""
    make_site(tmp_path, SITE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Browser fixtures: Debian's Chromium driven by Playwright, never a downloaded browser.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("PRACTICE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium not found: install Debian's chromium (apt-get install chromium) or set PRACTICE_CHROMIUM")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda message: failures.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: failures.append(str(error)))
    yield page
    context.close()
    assert failures == []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    """The sample site, built once with search and served on 127.0.0.1 for the browser tests."""
    from generator.build import BuildOptions, build_site

    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(BuildOptions(content_dir=REPO / "content", out_dir=out, search=True))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


# Printing: the theme's @page is A4 with 10 mm margins.
MM = 96 / 25.4  # CSS pixels per millimetre
A4_PRINTABLE = ((210 - 2 * 10) * MM, (297 - 2 * 10) * MM)


def render_fragment(source: str, **context) -> str:
    """A template fragment rendered with the default theme, as on a page one level below the root."""
    from generator.i18n import DEFAULT_THEME
    from generator.templating import make_environment

    env = make_environment([DEFAULT_THEME])
    return env.from_string(source).render({"root": "../", "offline": False, "lang": "en", **context})


def check_golden(request, path: Path, text: str) -> None:
    """Compare with a golden file; ``pytest --update-golden`` rewrites it (then review the diff)."""
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; run pytest --update-golden and review {path.parent.name}/"
    )


@pytest.fixture(autouse=True, scope="session")
def _user_cache_folder(tmp_path_factory):
    """Builds without --cache-dir use the user's cache folder (and its signing key): a temporary one here,
    for this process and the `practice` processes that tests start (XDG_CACHE_HOME is read on Linux)."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous
