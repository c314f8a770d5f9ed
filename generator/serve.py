"""``practice serve``: build into a temporary folder, serve it on 127.0.0.1, rebuild and reload on change.

The served folder is never ``--out``. Open pages poll a version number and
reload when a rebuild has finished; a failed rebuild keeps the last good site
and prints the errors.
"""

from __future__ import annotations

import functools
import http.server
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

__all__ = ["serve_site"]

_RELOAD_JS = b"""(function () {
  var seen = null;
  function poll() {
    fetch("/__practice/version", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { window.location.reload(); return; }
      seen = v; setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
"""


class _State:
    def __init__(self) -> None:
        self.version = 0
        self.lock = threading.Lock()


def _handler(directory: Path, state: _State):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.startswith("/__practice/version"):
                return self._send(str(state.version).encode(), "text/plain")
            if self.path.startswith("/__practice/reload.js"):
                return self._send(_RELOAD_JS, "text/javascript")
            with state.lock:
                return super().do_GET()

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


def _rebuild(options: BuildOptions, state: _State) -> bool:
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
    state.version += 1
    click.echo(f"Built {result.files} files in {result.seconds:.1f} s.", err=True)
    return True


def serve_site(options: BuildOptions, port: int) -> None:
    with tempfile.TemporaryDirectory(prefix="practice-serve-") as temp:
        site_dir = Path(temp) / "site"
        options = replace(options, out_dir=site_dir, live_reload=True)
        state = _State()
        if not _rebuild(options, state):
            raise EnvironmentFailure("the first build failed; fix the errors above and run serve again")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(site_dir, state))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        click.echo(f"Serving on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", err=True)
        watched = [options.content_dir] + [d for d in (options.theme_dir, DEFAULT_THEME) if d]
        try:
            for _changes in watchfiles.watch(*watched, debounce=300, raise_interrupt=True):
                _rebuild(options, state)
        finally:
            server.shutdown()
