"""The persistent cache behind ``--cache-dir``: results of pure steps, keyed by everything they read.

A key is a hash of the step's inputs plus the generator's own source code, so an
entry can never be stale: editing the generator, the content or the vocabulary
gives new keys. Deleting the folder only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["Cache", "code_fingerprint", "tree_fingerprint", "load_snapshot", "save_snapshot"]

_FORMAT = 1


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the generator's source files: a new generator never reads an old entry."""
    digest = hashlib.sha256(f"cache-format-{_FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def tree_fingerprint(roots, extra: str = "") -> str:
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


class Cache:
    """One table of entries, kept in shards (``<table>/<xx>.pickle``, by the first two hex digits of the
    key): loaded at the start of a build and written back (atomically) at its end, rewriting only the
    shards whose entries changed, so editing one practice rewrites one shard, not the whole table.

    Entries not used by a build are dropped when it is saved, so the cache stays the size of the site.
    """

    def __init__(self, directory: Path | None, table: str) -> None:
        self._folder = directory / table if directory else None
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        if self._folder and self._folder.is_dir():
            for shard in sorted(self._folder.glob("*.pickle")):
                try:
                    with open(shard, "rb") as handle:
                        stored = pickle.load(handle)
                    if isinstance(stored, dict) and stored.get("code") == code_fingerprint():
                        self._old.update(stored["entries"])
                except (
                    OSError,
                    pickle.UnpicklingError,
                    EOFError,
                    AttributeError,
                    ImportError,
                    KeyError,
                    TypeError,
                    ValueError,
                ):
                    continue  # a damaged shard is an empty shard

    @staticmethod
    def key(*parts: bytes | str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        if key in self._new:
            return self._new[key]
        if key in self._old:
            self._new[key] = self._old[key]
            return self._new[key]
        return None

    def put(self, key: str, value: Any) -> None:
        self._new[key] = value

    @staticmethod
    def _shards(keys) -> dict[str, set[str]]:
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
                target = self._folder / f"{name}.pickle"
                if new.get(name) == old.get(name) and target.is_file():
                    continue  # keys are hashes of their inputs: the same keys, the same entries
                if name not in new:
                    target.unlink(missing_ok=True)
                    continue
                temporary = target.with_name(f".{target.name}.{os.getpid()}")
                with open(temporary, "wb") as handle:
                    entries = {key: self._new[key] for key in sorted(new[name])}
                    pickle.dump(
                        {"code": code_fingerprint(), "entries": entries}, handle, protocol=pickle.HIGHEST_PROTOCOL
                    )
                os.replace(temporary, target)
        except OSError:
            pass  # a cache that cannot be written costs speed, never correctness


def load_snapshot(directory: Path | None, name: str) -> Any | None:
    """A value saved whole by ``save_snapshot`` under this generator's code, else None."""
    if directory is None:
        return None
    try:
        with open(directory / f"{name}.pickle", "rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return stored["value"] if isinstance(stored, dict) and stored.get("code") == code_fingerprint() else None


def save_snapshot(directory: Path | None, name: str, value: Any) -> None:
    """Save a value whole (atomically); failing to only costs speed."""
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"{name}.pickle"
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        with open(temporary, "wb") as handle:
            pickle.dump({"code": code_fingerprint(), "value": value}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError:
        pass
