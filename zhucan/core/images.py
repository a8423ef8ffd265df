"""Images from outside, sized from their header before a single pixel is decoded.

A PNG of 38 KB can describe 6300 × 6300 pixels (160 MB once decoded, and every copy made while
scaling costs as much again). Pillow reads the size from the header when an image is opened
and decodes only on ``load()``, so the pixel count is checked in between. Pillow's own guard,
``Image.MAX_IMAGE_PIXELS``, is global to the process: ``configure_pillow`` (called when the core
app is ready) sets it to the same limit, so any other code that opens an image is refused
rather than warned above it.
"""

from __future__ import annotations

import warnings
from typing import IO

from django.conf import settings
from PIL import Image, UnidentifiedImageError


class ImageTooLargeError(Exception):
    """More pixels than the limit, found from the header alone."""

    def __init__(self, width: int, height: int, limit: int) -> None:
        super().__init__(f"{width} × {height} pixels, more than {limit}")
        self.width, self.height, self.limit = width, height, limit


class NotAnImageError(Exception):
    """Not an image of an allowed format, or a damaged one."""


def max_pixels() -> int:
    return int(settings.UPLOAD_MAX_IMAGE_PIXELS)


def configure_pillow() -> None:
    """Pillow warns between MAX_IMAGE_PIXELS and twice it and refuses above; our own check
    refuses at the limit itself, and Pillow's global guard is set to the same number."""
    Image.MAX_IMAGE_PIXELS = max_pixels()


def open_bounded(source: IO[bytes], *, formats: tuple[str, ...]) -> Image.Image:
    """The image, opened but not decoded, or ``ImageTooLargeError`` / ``NotAnImageError``."""
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            # A warning from Pillow's own guard must stop us too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLargeError(0, 0, limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise NotAnImageError from None
    width, height = image.size
    if width * height > limit:
        image.close()
        raise ImageTooLargeError(width, height, limit)
    return image


def check_image(source: IO[bytes], *, formats: tuple[str, ...]) -> tuple[int, int]:
    """Width and height of a well-formed image within the pixel limit, without decoding it
    (``verify`` checks a PNG's chunks and their checksums, not its pixels)."""
    image = open_bounded(source, formats=formats)
    try:
        size = image.size
        image.verify()
    except (OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise NotAnImageError from None
    finally:
        image.close()
    return size
