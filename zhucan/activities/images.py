"""Turning an uploaded photo into a clean JPEG and its thumbnail (pure: no database, no storage).

A phone's photo carries where it was taken (GPS) and often who took it; people with
disabilities in these photos must not be located through them. So the photo is decoded and
encoded again from its pixels only: nothing of the original file's metadata survives.

Memory: the pixel count is read from the header and refused above the limit before decoding
(``core/images.py``); a JPEG is decoded at the smallest scale that still gives 2560 pixels
(libjpeg scales by 1/2, 1/4, 1/8 while decoding); and the photo is scaled down before it is
turned upright or flattened, so only one full-size copy ever exists.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from zhucan.core.errors import DomainError
from zhucan.core.images import ImageTooLargeError, NotAnImageError, max_pixels, open_bounded

MAX_BYTES = 15 * 1024 * 1024
LONG_SIDE = 2560
THUMB_LONG_SIDE = 320
QUALITY = 85
THUMB_QUALITY = 80
# Decided by content (Pillow's own detection), never by the file name.
FORMATS = ("JPEG", "PNG", "WEBP")


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes
    width: int
    height: int
    thumbnail: bytes


def _not_a_photo() -> DomainError:
    return DomainError(_("This file is not a photo (JPEG, PNG or WebP)."), field="photo")


def _too_many_pixels() -> DomainError:
    return DomainError(
        _("The photo is too large to process (more than %(n)d million pixels).")
        % {"n": max_pixels() // 1_000_000},
        field="photo",
    )


def thumbnail_size(width: int, height: int, long_side: int = THUMB_LONG_SIDE) -> tuple[int, int]:
    """A photo's size scaled down to ``long_side`` (by default, its thumbnail's size)."""
    scale = min(1.0, long_side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (a JPEG has none)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    # convert() copies .info (which can hold exif, xmp, icc_profile, comments); empty it so
    # that no encoder can write any of it. No exif= is passed on purpose.
    image.info = {}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    try:
        return open_bounded(io.BytesIO(data), formats=FORMATS)
    except ImageTooLargeError:
        raise _too_many_pixels() from None
    except NotAnImageError:
        raise _not_a_photo() from None


# Modes that scale well as they are; others (palette, 1-bit, 16-bit) are converted first.
_SCALABLE = frozenset({"RGB", "RGBA", "L", "LA", "CMYK", "YCbCr"})


def _reduce(image: Image.Image, factor: int) -> Image.Image:
    """``image.reduce(factor)`` (each factor × factor block averaged), a strip at a time:
    Pillow reduces and resizes RGBA through a premultiplied copy of the whole image, which for
    a 40-megapixel picture is another 160 MB."""
    width, height = image.size
    reduced = Image.new(image.mode, (-(-width // factor), -(-height // factor)))
    strip = 64 * factor
    for top in range(0, height, strip):
        piece = image.crop((0, top, width, min(top + strip, height))).reduce(factor)
        reduced.paste(piece, (0, top // factor))
    reduced.info = dict(image.info)
    if image.mode == "P":
        reduced.putpalette(image.getpalette() or [])
    return reduced


def _decode_small(data: bytes) -> Image.Image:
    """The photo decoded, scaled to at most LONG_SIDE, upright and flattened to RGB."""
    with _open(data) as probe:
        probe.verify()
    # verify() leaves the image unusable: open it again to decode it.
    original = _open(data)
    try:
        # JPEG only: decode at 1/2, 1/4 or 1/8 scale when that still leaves LONG_SIDE.
        original.draft(None, (LONG_SIDE, LONG_SIDE))
        original.load()
        image: Image.Image = original
        if image.mode not in _SCALABLE:
            # Palette indices cannot be averaged, and converting a huge palette picture to RGB
            # first would cost four bytes a pixel: take every n-th pixel down to twice the size
            # wanted (a palette picture has few colours), then convert and scale smoothly.
            if max(image.size) > 2 * LONG_SIDE:
                image = image.resize(
                    thumbnail_size(*image.size, long_side=2 * LONG_SIDE), Image.Resampling.NEAREST
                )
            image = _flatten(image)
        factor = max(image.size) // LONG_SIDE
        if factor >= 2:
            image = _reduce(image, factor)
        if image is not original:
            original.close()  # frees the full-size pixels before anything else is allocated
        if max(image.size) > LONG_SIDE:
            image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
        # Turned upright after scaling (the EXIF orientation travels in image.info).
        upright = ImageOps.exif_transpose(image)
    finally:
        original.close()
    return _flatten(upright)


def process_photo(upload: Any) -> ProcessedPhoto:
    """Check that ``upload`` really is a JPEG, PNG or WebP photo of a sane size, and return it
    upright, at most 2560 px on its long side, as a JPEG without metadata, with a thumbnail.

    Raises DomainError (on the ``photo`` field) with a message for the person uploading.
    """
    too_big = DomainError(
        _("The photo is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}, field="photo"
    )
    if upload.size > MAX_BYTES:
        raise too_big
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_BYTES:
        raise too_big
    if not data:
        raise _not_a_photo()
    try:
        image = _decode_small(data)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise _not_a_photo() from None
    thumb = image.copy()
    thumb.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        image=_jpeg(image, QUALITY),
        width=image.width,
        height=image.height,
        thumbnail=_jpeg(thumb, THUMB_QUALITY),
    )
