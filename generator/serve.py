"""``practice serve``: build into a temporary folder, serve it on 127.0.0.1, rebuild and reload on change.

The served folder is never ``--out``. Open pages wait on the server (a long poll) and reload as soon
as a rebuild has finished; a failed rebuild keeps the last good site and prints the errors.

Rebuilds write the pages only. The search index (Pagefind, which cannot index incrementally and takes
seconds on a large site) lives in a folder of its own, served at /pagefind/, and is refreshed by a
background thread after the pages: an edit shows at once, and search catches up a little later.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import click
import watchfiles

from generator.build import BuildOptions, build_site
from generator.errors import BuildFailed, EnvironmentFailure
from generator.render import DEFAULT_THEME
from generator.report import format_text
from generator.search import run_pagefind

__all__ = ["serve_site"]

_RELOAD_JS = b"""(function () {
  var seen = null;
  function wait() {
    fetch("/__practice/version?seen=" + (seen === null ? "" : seen), {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { window.location.reload(); return; }
      seen = v; wait();
    }).catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
"""
_LONG_POLL_SECONDS = 25


class _State:
    def __init__(self) -> None:
        self.version = 0
        self.lock = threading.Lock()  # held while a rebuild swaps the site in
        self.changed = threading.Condition()
        self.index: Path | None = None  # the current search index folder

    def bump(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def wait_for_change(self, seen: str) -> str:
        with self.changed:
            self.changed.wait_for(lambda: str(self.version) != seen, timeout=_LONG_POLL_SECONDS)
            return str(self.version)


def _handler(directory: Path, state: _State):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/__practice/version"):
                seen = self.path.partition("seen=")[2]
                return self._send((state.wait_for_change(seen) if seen else str(state.version)).encode(), "text/plain")
            if self.path.startswith("/__practice/reload.js"):
                return self._send(_RELOAD_JS, "text/javascript")
            with state.lock:
                return super().do_GET()

        def translate_path(self, path: str) -> str:
            index = state.index
            if path.startswith("/pagefind/") and index is not None:  # the index lives beside the site
                # the base class normalises the path (no '..' can climb out); then it is re-rooted
                inside = Path(super().translate_path(path[len("/pagefind") :])).relative_to(directory)
                return str(index / inside)
            return super().translate_path(path)

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def send_error(self, code, message=None, explain=None):
            page = directory / "404.html"
            if code == 404 and page.exists():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().send_error(code, message, explain)

        def log_message(self, format, *args) -> None:  # quiet: rebuild messages matter more
            pass

    return functools.partial(Handler, directory=str(directory))


def _rebuild(options: BuildOptions, state: _State, indexer: _Indexer | None = None) -> bool:
    try:
        with state.lock:
            result = build_site(options)
    except BuildFailed as exc:
        click.echo(format_text(exc.problems), err=True, nl=False)
        click.echo("Build failed; still serving the last good site.", err=True)
        return False
    except EnvironmentFailure as exc:
        click.echo(f"Error: {exc}", err=True)
        return False
    if result.warnings:
        click.echo(format_text(result.warnings), err=True, nl=False)
    state.bump()
    click.echo(
        f"Built {result.files} files ({result.pages} pages, {result.reused} reused) in {result.seconds:.1f} s.",
        err=True,
    )
    if indexer is not None:
        indexer.request()
    return True


class _Indexer:
    """Runs Pagefind over the served site after each rebuild, one run at a time, into a fresh folder that
    replaces the served index when it is complete (requests during a run cause one more run after it)."""

    def __init__(self, site_dir: Path, work: Path, state: _State) -> None:
        self.site_dir, self.work, self.state = site_dir, work, state
        self.wanted = threading.Event()
        self.runs = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def index_now(self) -> None:
        """Index in this thread (the first time, before serving)."""
        self._index()

    def start(self) -> None:
        self.thread.start()

    def request(self) -> None:
        self.wanted.set()

    def _loop(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            try:
                self._index()
            except EnvironmentFailure as exc:
                click.echo(f"Search index not refreshed: {exc}", err=True)

    def _index(self) -> None:
        self.runs += 1
        target = self.work / f"index-{self.runs}"
        run_pagefind(self.site_dir, target)
        previous, self.state.index = self.state.index, target
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
        click.echo("Search index refreshed.", err=True)


def serve_site(options: BuildOptions, port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="practice-serve-") as temp:
        site_dir = Path(temp) / "site"
        options = replace(options, out_dir=site_dir, live_reload=True, index=False)
        state = _State()
        if not _rebuild(options, state):
            raise EnvironmentFailure("the first build failed; fix the errors above and run serve again")
        indexer = _Indexer(site_dir, Path(temp), state) if options.search and not options.offline else None
        if indexer is not None:
            indexer.index_now()
            indexer.start()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(site_dir, state))
        server.daemon_threads = True  # long polls must not keep Ctrl-C waiting
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        click.echo(f"Serving on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", err=True)
        watched = [options.content_dir] + [d for d in (options.theme_dir, DEFAULT_THEME) if d]
        try:
            for _changes in watchfiles.watch(*watched, debounce=50, step=25, raise_interrupt=True):
                _rebuild(options, state, indexer)
        finally:
            server.shutdown()
