"""Compiled templates kept between builds, signed: Jinja stores them with marshal, which must never load
bytes that this program did not write itself.

Each file holds an HMAC (keyed by generator.cache.authentication_key, which lives in the user's cache
folder, outside any repository) of the template's cache key and the compiled bytes, then the bytes.
A file whose signature does not match is ignored, and the template is compiled again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import jinja2

__all__ = ["SignedBytecodeCache"]

_MAC_BYTES = 32


class SignedBytecodeCache(jinja2.BytecodeCache):
    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = Path(directory)
        self.key = key

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.directory / f"{bucket.key}.cache"

    def _mac(self, bucket: jinja2.bccache.Bucket, data: bytes) -> bytes:
        return hmac.new(self.key, bucket.key.encode() + b"\x00" + data, hashlib.sha256).digest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            stored = self._path(bucket).read_bytes()
        except OSError:
            return
        mac, data = stored[:_MAC_BYTES], stored[_MAC_BYTES:]
        if data and hmac.compare_digest(mac, self._mac(bucket, data)):
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = bucket.bytecode_to_string()
        target = self._path(bucket)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            temporary.write_bytes(self._mac(bucket, data) + data)
            os.replace(temporary, target)
        except OSError:
            pass  # not kept: compiled again next time

    def clear(self) -> None:
        for path in self.directory.glob("*.cache"):
            path.unlink(missing_ok=True)
