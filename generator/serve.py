"""``practice serve``: build into a temporary folder, serve it, rebuild and reload on change.

The site stays in memory between edits (generator/incremental.py): an edit reads the files that changed
again and renders only the pages whose data changed with them.

The served folder is never ``--out``. Open pages wait on the server (a long poll) and reload as soon
as a rebuild has finished; a failed rebuild keeps the last good site and prints the errors. Each
rebuild names the files that changed and prints only the problems that are new since the last one, so
an edit's effect is not buried under warnings that were already there.

Rebuilds write the pages only. The search index (Pagefind, which cannot index incrementally and takes
seconds on a large site) lives in a folder of its own, served at /pagefind/, and is refreshed by a
background thread after the pages: an edit shows at once, and search catches up a little later.
"""

from __future__ import annotations

import errno
import functools
import http.server
import os
import shutil
import socket
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import watchfiles

from generator.build import BuildOptions
from generator.console import Console
from generator.errors import BuildFailed, EnvironmentFailure, Problem
from generator.i18n import DEFAULT_THEME
from generator.incremental import IncrementalBuild
from generator.search import run_pagefind

__all__ = ["ServeOptions", "serve_site"]


@dataclass(frozen=True)
class ServeOptions:
    bind: str = "127.0.0.1"
    port: int = 8000  # 0: a free port, chosen by the system
    open_browser: bool = False


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


def _handler(directory: Path, state: _State) -> Callable[..., http.server.SimpleHTTPRequestHandler]:
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

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
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

        def log_message(self, format: str, *args: object) -> None:  # quiet: rebuild messages matter more
            pass

    return functools.partial(Handler, directory=str(directory))


class _Reporter:
    """Prints each rebuild's outcome, and of its problems only those not printed after the previous one."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.shown: frozenset[Problem] = frozenset()

    def problems(self, problems: Iterable[Problem]) -> None:
        current = frozenset(problems)
        self.console.problems(current - self.shown)
        unchanged = len(current & self.shown)
        if unchanged:
            self.console.info(f"({unchanged} problem{'s' if unchanged != 1 else ''} as before, not repeated)")
        self.shown = current


def _rebuild(
    site: IncrementalBuild,
    changed: list[str] | None,
    state: _State,
    reporter: _Reporter,
    indexer: _Indexer | None = None,
    first: bool = False,
) -> bool:
    """The first build (``changed`` None), or an edit applied to the site in memory."""
    console = reporter.console
    try:
        with state.lock:
            result = site.build() if changed is None else site.apply(changed)
    except BuildFailed as exc:
        if first:  # nothing to serve yet: the command fails as build does (exit 1)
            raise
        reporter.problems(exc.problems)
        errors = sum(p.is_error for p in exc.problems)
        console.info(f"Build failed ({errors} error{'s' if errors != 1 else ''}); still serving the last good site.")
        return False
    except EnvironmentFailure as exc:
        if first:
            raise
        console.error(str(exc))
        return False
    reporter.problems(result.warnings)
    state.bump()
    console.info(
        f"Built {result.files} files ({result.pages} pages, {result.reused} reused) in {result.seconds:.1f} s."
    )
    if indexer is not None:
        indexer.request()
    return True


def _shown_path(path: str) -> str:
    """A changed file as the person would type it: relative to the working folder when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not os.path.relpath(path).startswith("..") else path
    except ValueError:  # another drive (Windows)
        return path


def changed_files(changes: Iterable[tuple[object, str]], limit: int = 5) -> str:
    """``content/a.md, content/b.md and 3 more``: what a rebuild is about, on one line."""
    paths = sorted({_shown_path(path) for _, path in changes})
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


class _Indexer:
    """Runs Pagefind over the served site after each rebuild, one run at a time, into a fresh folder that
    replaces the served index when it is complete (requests during a run cause one more run after it)."""

    def __init__(self, site_dir: Path, work: Path, state: _State, console: Console) -> None:
        self.site_dir, self.work, self.state, self.console = site_dir, work, state, console
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
                self.console.error(f"search index not refreshed: {exc}")

    def _index(self) -> None:
        self.runs += 1
        target = self.work / f"index-{self.runs}"
        run_pagefind(self.site_dir, target)
        previous, self.state.index = self.state.index, target
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
        self.console.info("Search index refreshed.")


class _IPv6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _listen(
    serve: ServeOptions, handler: Callable[..., http.server.SimpleHTTPRequestHandler]
) -> http.server.ThreadingHTTPServer:
    """The server, bound before the first build so that a taken port fails at once, in one line (exit 3)."""
    server_class = _IPv6Server if ":" in serve.bind else http.server.ThreadingHTTPServer
    try:
        server = server_class((serve.bind, serve.port), handler)
    except OSError as exc:
        in_use = exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE))
        reason = "the port is in use" if in_use else (exc.strerror or str(exc))
        raise EnvironmentFailure(
            f"cannot serve on {serve.bind}:{serve.port}: {reason} (choose another with --port, or --port 0 for a free one)"
        ) from None
    server.daemon_threads = True  # long polls must not keep Ctrl-C waiting
    return server


def site_url(bind: str, port: int) -> str:
    """The address to open: a wildcard bind is opened on this machine's loopback."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(bind, bind)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve_site(options: BuildOptions, serve: ServeOptions, console: Console) -> None:
    """Serve until interrupted. The first build's errors end the command (BuildFailed: exit 1), like build."""
    with tempfile.TemporaryDirectory(prefix="practice-serve-") as temp:
        site_dir = Path(temp) / "site"
        options = replace(options, out_dir=site_dir, live_reload=True, index=False)
        state = _State()
        server = _listen(serve, _handler(site_dir, state))
        serving: threading.Thread | None = None
        try:
            reporter = _Reporter(console)
            site = IncrementalBuild(options)
            _rebuild(site, None, state, reporter, first=True)
            indexer = _Indexer(site_dir, Path(temp), state, console) if options.search and not options.offline else None
            if indexer is not None:
                indexer.index_now()
                indexer.start()
            serving = threading.Thread(target=server.serve_forever, daemon=True)
            serving.start()
            url = site_url(serve.bind, server.server_address[1])
            where = "" if serve.bind in ("127.0.0.1", "localhost", "::1") else f" (bind address {serve.bind})"
            console.notice(f"Serving on {url}{where} (Ctrl-C to stop)")  # even with -q: it is the point
            if serve.open_browser:
                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
            watched = [options.content_dir] + [d for d in (options.theme_dir, DEFAULT_THEME) if d]
            for changes in watchfiles.watch(*watched, debounce=50, step=25, raise_interrupt=True):
                console.info(f"Changed: {changed_files(changes)}")
                _rebuild(site, [path for _, path in changes], state, reporter, indexer)
        finally:
            if serving is not None:
                server.shutdown()  # waits for serve_forever to return: never call it before it started
            server.server_close()
