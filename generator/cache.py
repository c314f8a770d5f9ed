"""The persistent cache behind ``--cache-dir``: results of pure steps, keyed by everything they read.

A key is a hash of the step's inputs plus the generator's own source code, so an
entry can never be stale: editing the generator, the content or the vocabulary
gives new keys. Deleting the folder only makes the next build slower.

Nothing read from the cache can run code: every file is JSON (never pickle or marshal), decoded by
generator.plain into a fixed list of record types, and signed with an HMAC whose key lives in the
user's cache folder, outside any repository. A file that is damaged, planted or signed with another
key is a cache miss, never an error. By default the cache itself lives there too, one folder per
repository (``default_cache_dir``), so a pull request cannot put one in place.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import platformdirs

from generator.plain import PlainDataError, decode, encode

__all__ = [
    "APP_NAME",
    "Cache",
    "authentication_key",
    "code_fingerprint",
    "default_cache_dir",
    "load_snapshot",
    "save_snapshot",
    "tree_fingerprint",
    "user_cache_root",
]

APP_NAME = "city-practice-repository"
_FORMAT = 2  # 1 was pickle, which runs code on load: its files are never read
_KEY_BYTES = 32


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the generator's source files: a new generator never reads an old entry."""
    digest = hashlib.sha256(f"cache-format-{_FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def tree_fingerprint(roots: Iterable[str | os.PathLike[str]], extra: str = "") -> str:
    """A hash of every file under ``roots`` (names and bytes; symbolic links by their target name)."""
    digest = hashlib.sha256(code_fingerprint().encode() + extra.encode())
    for root in roots:
        root = Path(root)
        digest.update(b"\x00root\x00" + str(root.resolve()).encode())
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                path = Path(folder, name)
                digest.update(b"\x00file\x00" + path.relative_to(root).as_posix().encode() + b"\x00")
                if path.is_symlink():
                    digest.update(b"link:" + os.readlink(path).encode())
                else:
                    digest.update(path.read_bytes())
    return digest.hexdigest()


def user_cache_root() -> Path:
    """This program's folder in the user's cache folder (XDG_CACHE_HOME or ~/.cache on Linux,
    ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_cache_dir(repository: Path) -> Path:
    """The cache of one repository: in the user's cache folder, named by a hash of its absolute path
    (and its folder name, so that a person clearing it by hand can tell which is which)."""
    root = repository.resolve()
    digest = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in root.name)[:40] or "root"
    return user_cache_root() / "builds" / f"{name}-{digest}"


def authentication_key() -> bytes:
    """The key that signs cache files, created once in the user's cache folder (readable by the user
    only). Where it cannot be stored, a key for this process alone: entries are then never reused."""
    path = user_cache_root() / "key"
    try:
        key = path.read_bytes()
        if len(key) == _KEY_BYTES:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".key.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        os.replace(temporary, path)
        stored = path.read_bytes()  # another process may have stored its own at the same moment
        return stored if len(stored) == _KEY_BYTES else key
    except OSError:
        return key


def _sign(key: bytes, document: dict[str, Any]) -> bytes:
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii") + b"\n" + body


def _verified(key: bytes, path: Path) -> dict[str, Any] | None:
    """The document in a file ``_sign`` wrote with this key and this generator, else None."""
    try:
        data = path.read_bytes()
        mac, _, body = data.partition(b"\n")
        if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")):
            return None
        document = json.loads(body)
    except (OSError, ValueError, RecursionError):
        return None
    if isinstance(document, dict) and document.get("code") == code_fingerprint():
        return document
    return None


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)


class Cache:
    """One table of entries, kept in shards (``<table>/<xx>.json``, by the first two hex digits of the
    key): loaded at the start of a build and written back (atomically) at its end, rewriting only the
    shards whose entries changed, so editing one practice rewrites one shard, not the whole table.

    Entries are kept as stored (plain JSON) and decoded when asked for; one that does not decode is a
    miss. Entries not used by a build are dropped when it is saved, so the cache stays the size of the site.
    """

    def __init__(self, directory: Path | None, table: str, key: bytes | None = None) -> None:
        self._folder = directory / table if directory else None
        # without a folder nothing is read or signed, so no key is fetched
        self._key = key if key is not None else authentication_key() if directory is not None else b""
        self._old: dict[str, Any] = {}  # as stored: decoded only when asked for
        self._new: dict[str, Any] = {}
        if self._folder and self._folder.is_dir():
            for shard in sorted(self._folder.glob("*.json")):
                document = _verified(self._key, shard)
                entries = document.get("entries") if document else None
                if isinstance(entries, dict):
                    self._old.update(entries)

    @staticmethod
    def key(*parts: bytes | str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        stored = self._new.get(key, self._old.get(key))
        if stored is None:
            return None
        try:
            value = decode(stored)
        except PlainDataError:
            return None  # not something this generator wrote: parse again
        self._new[key] = stored
        return value

    def put(self, key: str, value: Any) -> None:
        try:
            self._new[key] = encode(value)
        except PlainDataError:
            self._new.pop(key, None)  # a value the cache cannot hold is simply not kept

    @staticmethod
    def _shards(keys: Iterable[str]) -> dict[str, set[str]]:
        shards: dict[str, set[str]] = {}
        for key in keys:
            shards.setdefault(key[:2], set()).add(key)
        return shards

    def save(self) -> None:
        if not self._folder:
            return
        new, old = self._shards(self._new), self._shards(self._old)
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            for name in sorted(set(new) | set(old)):
                target = self._folder / f"{name}.json"
                if new.get(name) == old.get(name) and target.is_file():
                    continue  # keys are hashes of their inputs: the same keys, the same entries
                if name not in new:
                    target.unlink(missing_ok=True)
                    continue
                entries = {key: self._new[key] for key in sorted(new[name])}
                _write_atomically(target, _sign(self._key, {"code": code_fingerprint(), "entries": entries}))
        except OSError:
            pass  # a cache that cannot be written costs speed, never correctness


def load_snapshot(directory: Path | None, name: str, key: bytes | None = None) -> Any | None:
    """A value saved whole by ``save_snapshot`` under this generator's code and key, else None."""
    if directory is None:
        return None
    document = _verified(key if key is not None else authentication_key(), directory / f"{name}.json")
    if document is None or "value" not in document:
        return None
    try:
        return decode(document["value"])
    except PlainDataError:
        return None


def save_snapshot(directory: Path | None, name: str, value: Any, key: bytes | None = None) -> None:
    """Save a value whole (atomically); failing to only costs speed."""
    if directory is None:
        return
    try:
        document = {"code": code_fingerprint(), "value": encode(value)}
        directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(directory / f"{name}.json", _sign(key if key is not None else authentication_key(), document))
    except (OSError, PlainDataError):
        pass
