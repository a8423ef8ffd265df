"""Reading a report's photo for the document, through the storage like every other read."""

from __future__ import annotations

import logging
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from zhucan.activities.models import Photo

logger = logging.getLogger(__name__)

# A photo printed 100 mm wide needs no more than this many pixels across (about 240 dpi); the
# stored 2560-pixel photo would make a summary with ten typical activities needlessly heavy.
PRINT_LONG_SIDE = 960


def _stored_bytes(photo: Photo) -> bytes | None:
    for stored in (photo.image, photo.thumbnail):
        if not stored:
            continue
        try:
            with stored.storage.open(stored.name, "rb") as handle:
                data: bytes = handle.read()
                return data
        except (OSError, ValueError):
            logger.warning("summary: photo %s file %s could not be read", photo.pk, stored.name)
    return None


def print_photo(photo: Photo) -> tuple[bytes, int, int] | None:
    """The photo as a JPEG of print size, with its width and height in pixels; the thumbnail
    when the photo file is gone; None when neither can be read (a lost file costs a picture,
    not the document). The stored photo was already re-encoded without EXIF/GPS."""
    data = _stored_bytes(photo)
    if data is None:
        return None
    try:
        with Image.open(BytesIO(data)) as image:
            if max(image.size) <= PRINT_LONG_SIDE:
                return data, image.width, image.height
            image.thumbnail((PRINT_LONG_SIDE, PRINT_LONG_SIDE))
            out = BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85)
            return out.getvalue(), image.width, image.height
    except (UnidentifiedImageError, OSError):
        logger.warning("summary: photo %s is not a readable image", photo.pk)
        return None
