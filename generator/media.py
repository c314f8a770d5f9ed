"""Published copies of images, with metadata (EXIF, GPS positions, XMP, comments) stripped.

A phone photo of a community meeting can carry where and when it was taken, and
by which device; none of that belongs on a public site.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

from PIL import Image, ImageOps

from generator.vocab import device_name_problem

__all__ = ["IMAGE_FORMATS", "PIXEL_LIMIT", "image_header_problem", "media_name_problem", "strip_metadata", "MediaError"]

IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".gif": "GIF"}

# Width x height x frames, summed over an animation's frames: a 2 MB file may hold a 20000x20000 PNG or
# hundreds of 3000x3000 WebP frames that take gigabytes and hours to decode. 40 megapixels allows a
# 7500x5000 photo or a 40-frame 1000x1000 animation, and keeps a decoded image under about 160 MB.
PIXEL_LIMIT = 40_000_000
# Portable names (every file system and zip tool a mirror may use, case-insensitive ones included):
# lowercase ASCII letters, digits, '-', '_' and '.'; never a name Windows reserves for a device.
_PORTABLE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
_NAME_LIMIT = 100


_ANIMATION_KEYS = {"duration", "loop", "transparency", "background", "disposal"}


class MediaError(ValueError):
    pass


def media_name_problem(name: str) -> str | None:
    """Why a file or folder name under media/ is not portable, or None."""
    if len(name) > _NAME_LIMIT:
        return f"the name is {len(name)} characters long; the limit is {_NAME_LIMIT}"
    device = device_name_problem(name)
    if device:
        return device
    if not _PORTABLE_NAME.match(name):
        shown = name.encode("unicode_escape").decode("ascii")
        suggestion = re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-.") or "image"
        return (
            f"the name '{shown}' is not portable; use lowercase ASCII letters, digits, '-', '_' and '.'"
            f" (rename it to '{suggestion}')"
        )
    return None


def image_header_problem(path: Path) -> str | None:
    """Why an image may not be published, read from its header alone (nothing is decoded), or None."""
    expected = IMAGE_FORMATS.get(path.suffix.lower())
    if expected is None:
        return "is not a PNG, JPEG, WebP or GIF image"
    try:
        with _bombs_are_errors(), Image.open(path) as image:
            if image.format != expected:
                return f"is named {path.suffix} but holds a {image.format or 'different'} image"
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
    except _BOMB_ERRORS:
        return _too_many_pixels(None)
    except Exception as exc:  # a malformed file can raise almost anything inside Pillow
        return f"cannot be read as an image ({exc or type(exc).__name__})"
    if width * height * frames > PIXEL_LIMIT:
        return _too_many_pixels((width, height, frames))
    return None


_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def _too_many_pixels(size: tuple[int, int, int] | None) -> str:
    shown = ""
    if size is not None:
        width, height, frames = size
        shown = f"{width}x{height} pixels" + (f" in {frames} frames" if frames > 1 else "") + ", "
    return (
        f"is {shown}more than the {PIXEL_LIMIT:,} pixels (width x height x frames) an image may have;"
        " publish a smaller one"
    )


class _bombs_are_errors(warnings.catch_warnings):
    """Pillow's decompression-bomb warning raised as an error, for this block only."""

    def __enter__(self) -> list[warnings.WarningMessage] | None:
        result = super().__enter__()
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return result


def strip_metadata(data: bytes, suffix: str) -> bytes:
    """The image re-saved without metadata; orientation applied so the picture still stands upright."""
    expected = IMAGE_FORMATS.get(suffix.lower())
    if expected is None:
        raise MediaError("is not a PNG, JPEG, WebP or GIF image")
    try:
        with _bombs_are_errors(), Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise MediaError(f"is named {suffix} but holds a {image.format or 'different'} image")
            frames = getattr(image, "n_frames", 1)
            if image.size[0] * image.size[1] * frames > PIXEL_LIMIT:  # checked before anything is decoded
                raise MediaError(_too_many_pixels((*image.size, frames)))
            image.load()
            out = io.BytesIO()
            if expected == "GIF" or frames > 1:
                # animations keep their frames and timing, nothing else
                image.info = {k: v for k, v in image.info.items() if k in _ANIMATION_KEYS}
                image.save(out, format=expected, save_all=True, optimize=False)
                return out.getvalue()
            upright = ImageOps.exif_transpose(image)
            upright.info = {}  # Pillow would write a JPEG comment or PNG text chunks kept here
            options: dict[str, object] = {}
            if "icc_profile" in image.info:
                options["icc_profile"] = image.info["icc_profile"]  # colours stay right
            if expected == "JPEG":
                options.update(quality=95, subsampling="keep" if upright is image else 0)
            elif expected == "WEBP":
                options.update(lossless=image.info.get("lossless", False), quality=95)
            upright.save(out, format=expected, **options)
            return out.getvalue()
    except MediaError:
        raise
    except (*_BOMB_ERRORS, MemoryError):
        raise MediaError(_too_many_pixels(None)) from None
    except Exception as exc:  # a malformed file can raise almost anything inside Pillow: never a traceback
        raise MediaError(f"cannot be read as an image ({exc or type(exc).__name__})") from None
