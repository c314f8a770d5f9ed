"""Mirrors: the manifest of a build, its SHA256SUMS, verifying a copy against them, and the offline bundle (a zip).

City networks copy the site to laptops, USB sticks and intranets. The manifest and SHA256SUMS let them prove
a copy is whole (SHA256SUMS with nothing but `sha256sum -c`, `shasum -a 256 -c` or PowerShell's Get-FileHash);
the bundle is the copy to hand around.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = [
    "MANIFEST_PATH",
    "CHECKSUMS_PATH",
    "BUNDLE_PATH",
    "write_manifest",
    "manifest_documents",
    "MirrorReport",
    "verify_mirror",
    "matches_manifest_quickly",
    "write_bundle",
]

MANIFEST_PATH = "data/manifest.json"
CHECKSUMS_PATH = "SHA256SUMS"  # every file but itself, the manifest included, as `sha256sum -c` reads it
BUNDLE_PATH = "download/offline.zip"  # written by `build --bundle`, inside the build
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # zip's earliest date: fixed so the same site gives the same bytes


def _files(root: Path) -> list[str]:
    found = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            found.append(Path(folder, name).relative_to(root).as_posix())
    return sorted(found)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_string(text: str) -> str:
    return json.dumps(text)  # ASCII, escaped as json.dumps escapes a string inside a document


def _checksum_line(name: str, sha256: str) -> str:
    # GNU sha256sum's escaping for names holding a backslash or a line break; the contract's paths never do
    if "\\" in name or "\n" in name or "\r" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{sha256}  {escaped}\n"
    return f"{sha256}  {name}\n"


def write_manifest(root: Path, known: dict[str, tuple[int, str]] | None = None) -> bytes:
    """data/manifest.json: every file of the build (but itself and SHA256SUMS) with its size and sha256;
    then SHA256SUMS: the same hashes and the manifest's, one `<hex>  <path>` line each, sorted by path.
    Returns the manifest's bytes.

    ``known`` gives (size, sha256) of files whose hash the build already has (pages hashed as they were
    written, pages kept from the previous build); a size that differs means the hash is computed again.
    """
    known = known or {}
    hashes: dict[str, tuple[int, str]] = {}
    for name in _files(root):
        if name in (MANIFEST_PATH, CHECKSUMS_PATH):
            continue
        size = (root / name).stat().st_size
        given = known.get(name)
        hashes[name] = (size, given[1] if given and given[0] == size else _digest(root / name))
    data, sums = manifest_documents(hashes)
    target = root / MANIFEST_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    (root / CHECKSUMS_PATH).write_bytes(sums)
    return data


def manifest_documents(hashes: dict[str, tuple[int, str]]) -> tuple[bytes, bytes]:
    """The bytes of data/manifest.json and of SHA256SUMS for a build whose files (all but those two) have
    these (size, sha256): what ``write_manifest`` writes, for a caller that knows every hash already."""
    # json.dumps(..., indent=1) written out by hand: its pure-Python encoder took a second at 10,000 files
    entries = ",\n".join(
        f'  {{\n   "path": {_json_string(name)},\n   "size": {size},\n   "sha256": {_json_string(sha256)}\n  }}'
        for name, (size, sha256) in sorted(hashes.items())
    )
    files = f"[\n{entries}\n ]" if entries else "[]"
    data = f'{{\n "schema": 1,\n "files": {files}\n}}\n'.encode()
    sums = {name: sha256 for name, (_size, sha256) in hashes.items()}
    sums[MANIFEST_PATH] = hashlib.sha256(data).hexdigest()
    lines = "".join(_checksum_line(name, sums[name]) for name in sorted(sums, key=lambda n: n.encode("utf-8")))
    return data, lines.encode("utf-8")


@dataclass(frozen=True)
class MirrorReport:
    missing: tuple[str, ...]
    changed: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.extra)

    def lines(self) -> list[str]:
        return (
            [f"missing: {p}" for p in self.missing]
            + [f"changed: {p}" for p in self.changed]
            + [f"extra: {p}" for p in self.extra]
        )


def _read_checksums(root: Path) -> dict[str, str] | None:
    """SHA256SUMS as path -> hex, or None when it is missing or not in the format the build writes."""
    try:
        text = (root / CHECKSUMS_PATH).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    sums = {}
    for line in text.splitlines():
        escaped = line.startswith("\\")
        digest, separator, name = line.removeprefix("\\").partition("  ")
        if not separator or len(digest) != 64:
            return None
        if escaped:
            name = name.replace("\\\\", "\0").replace("\\n", "\n").replace("\\r", "\r").replace("\0", "\\")
        sums[name] = digest
    return sums


def verify_mirror(root: Path) -> MirrorReport:
    """Compare a copy with its manifest, and its SHA256SUMS with both the manifest and the manifest's own hash.
    Raises ValueError when the manifest itself is unusable."""
    try:
        manifest = json.loads((root / MANIFEST_PATH).read_text(encoding="utf-8"))
        expected = {e["path"]: (int(e["size"]), str(e["sha256"])) for e in manifest["files"]}
    except FileNotFoundError:
        raise ValueError(f"{root / MANIFEST_PATH} is missing: is {root} a copy of the site?") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{root / MANIFEST_PATH} cannot be read: {exc}") from None
    present = {name for name in _files(root) if name not in (MANIFEST_PATH, CHECKSUMS_PATH)}
    missing = set(expected) - present
    extra = sorted(present - set(expected))
    changed = {
        name
        for name in set(expected) & present
        if (root / name).stat().st_size != expected[name][0] or _digest(root / name) != expected[name][1]
    }
    if not (root / CHECKSUMS_PATH).is_file():
        missing.add(CHECKSUMS_PATH)
    else:
        sums = {name: sha256 for name, (_, sha256) in expected.items()}
        sums[MANIFEST_PATH] = _digest(root / MANIFEST_PATH)
        if _read_checksums(root) != sums:
            changed.add(CHECKSUMS_PATH)
    return MirrorReport(tuple(sorted(missing)), tuple(sorted(changed)), tuple(extra))


def matches_manifest_quickly(root: Path, manifest_sha256: str) -> bool:
    """True when ``root`` holds exactly the files of its manifest, with their sizes, and the manifest is
    the one expected. Sizes only, not contents: enough to see that a build's output was not touched."""
    try:
        data = (root / MANIFEST_PATH).read_bytes()
        if hashlib.sha256(data).hexdigest() != manifest_sha256:
            return False
        expected = {e["path"]: int(e["size"]) for e in json.loads(data)["files"]}
        present = [n for n in _files(root) if n not in (MANIFEST_PATH, CHECKSUMS_PATH)]
        return len(present) == len(expected) and all((root / n).stat().st_size == expected.get(n, -1) for n in present)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def write_bundle(site_dir: Path, target: Path, folder: str) -> None:
    """Zip a build under one top-level folder; the same build gives the same bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:

            def add(name: str, data: bytes) -> None:
                info = zipfile.ZipInfo(str(PurePosixPath(folder, name)), date_time=_ZIP_EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)

            # README.txt first: it is what a zip tool lists on top
            for name in sorted(_files(site_dir), key=lambda n: (n != "README.txt", n)):
                add(name, (site_dir / name).read_bytes())
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
