"""Published copies of images, with metadata (EXIF, GPS positions, XMP, comments) stripped.

A phone photo of a community meeting can carry where and when it was taken, and
by which device; none of that belongs on a public site.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["IMAGE_FORMATS", "strip_metadata", "MediaError"]

IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".gif": "GIF"}


_ANIMATION_KEYS = {"duration", "loop", "transparency", "background", "disposal"}


class MediaError(ValueError):
    pass


def strip_metadata(data: bytes, suffix: str) -> bytes:
    """The image re-saved without metadata; orientation applied so the picture still stands upright."""
    expected = IMAGE_FORMATS.get(suffix.lower())
    if expected is None:
        raise MediaError("is not a PNG, JPEG, WebP or GIF image")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise MediaError(f"is named {suffix} but holds a {image.format or 'different'} image")
            image.load()
            frames = getattr(image, "n_frames", 1)
            out = io.BytesIO()
            if expected == "GIF" or frames > 1:
                # animations keep their frames and timing, nothing else
                image.info = {k: v for k, v in image.info.items() if k in _ANIMATION_KEYS}
                image.save(out, format=expected, save_all=True, optimize=False)
                return out.getvalue()
            upright = ImageOps.exif_transpose(image)
            upright.info = {}  # Pillow would write a JPEG comment or PNG text chunks kept here
            options: dict = {}
            if "icc_profile" in image.info:
                options["icc_profile"] = image.info["icc_profile"]  # colours stay right
            if expected == "JPEG":
                options.update(quality=95, subsampling="keep" if upright is image else 0)
            elif expected == "WEBP":
                options.update(lossless=image.info.get("lossless", False), quality=95)
            upright.save(out, format=expected, **options)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise MediaError(f"cannot be read as an image ({exc})") from None
