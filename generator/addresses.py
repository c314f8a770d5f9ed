"""Converters for values that point somewhere: URLs, e-mail addresses, sources, contacts and media paths.

Whatever reaches an ``href`` or names a file is checked here (converters.py has the text, date and list
shapes these build on).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.converters import Context, Invalid, record, text
from generator.model import Contact, Source

__all__ = ["IMAGE_LIMIT_BYTES", "contact", "contact_url", "image", "source", "url"]

IMAGE_LIMIT_BYTES = 2 * 1024 * 1024
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
# ASCII characters that are never literal in a URL (RFC 3986): they must be percent-encoded.
_URL_UNSAFE_RE = re.compile(r'["<>\\^`{|}]')


def url(value: Any, path: str, ctx: Context, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """An absolute URL of one of ``schemes``; whatever else reaches an href could run script."""
    result = text(value, path, ctx)
    scheme, sep, rest = result.partition(":")
    web = scheme.lower() != "mailto"
    if (
        not sep
        or scheme.lower() not in schemes
        or (web and not rest.startswith("//"))
        or len(rest) < 3
        or any(c.isspace() for c in result)
        or (web and not _host(result))
    ):
        wanted = " or ".join(schemes)
        raise Invalid(f"'{result}' is not an absolute {wanted} URL")
    unsafe = _URL_UNSAFE_RE.search(result)
    if unsafe:
        raise Invalid(
            f"'{result}' contains {unsafe.group()}, which a URL cannot hold; percent-encode it as %{ord(unsafe.group()):02X}"
        )
    return result


def _host(address: str) -> str | None:
    try:
        return urlsplit(address).hostname
    except ValueError:  # a malformed [IPv6] host
        return None


# One e-mail address with a domain that has a dot in it: office@city.gov.mz, not "office" or "office@localhost".
_MAILTO_RE = re.compile(
    r"(?i)mailto:(?P<address>[^@?&,;:/\s%]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_][\w-]*[^\W_])(?:\?.*)?"
)


def contact_url(value: Any, path: str, ctx: Context) -> str:
    """The web page (http or https) or e-mail address (mailto) of an office; a mailto names one address with a domain."""
    result = url(value, path, ctx, schemes=("http", "https", "mailto"))
    if result[:7].lower() == "mailto:" and not _MAILTO_RE.fullmatch(result):
        raise Invalid(
            f"'{result}' is not one e-mail address with a domain; write mailto:office@example.org, the address of an office"
        )
    return result


source = record({"title": text, "url": url}, ("title", "url"), Source)
contact = record({"organisation": text, "url": contact_url}, ("organisation",), Contact)


def image(value: Any, path: str, ctx: Context) -> str:
    result = text(value, path, ctx)
    parts = Path(result).parts
    if result.startswith("/") or "\\" in result or ".." in parts or not parts or parts[0] != "media" or len(parts) < 2:
        raise Invalid(f"'{result}' must be a path inside media/, relative to content/ (e.g. media/photo.jpg)")
    if not result.lower().endswith(_IMAGE_SUFFIXES):
        raise Invalid(f"'{result}' is not a PNG, JPEG, WebP or GIF image")
    file = ctx.vocabulary.content_dir / result
    linked = next((part for part in (file, *file.parents[: len(parts) - 1]) if part.is_symlink()), None)
    if linked is not None:
        shown = linked.relative_to(ctx.vocabulary.content_dir).as_posix()
        raise Invalid(f"'{result}' goes through {shown}, a symbolic link; links are refused")
    if not file.is_file():
        raise Invalid(f"'{result}' does not exist in the content folder")
    if file.stat().st_size > IMAGE_LIMIT_BYTES:
        raise Invalid(f"'{result}' is {file.stat().st_size:,} bytes; images may be at most {IMAGE_LIMIT_BYTES:,} bytes")
    return result
