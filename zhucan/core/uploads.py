"""Checking uploaded files by what they are, not by what they are called.

Files that are stored and handed back (notice attachments, plan documents) are checked like
every file we read: an Office file is unpacked through ``core/safezip.py`` with every byte
counted (and thrown away), so a zip that lies about its sizes or unpacks to gigabytes is
refused; a picture is sized from its header and refused above the pixel limit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from zhucan.core.errors import DomainError
from zhucan.core.images import ImageTooLargeError, NotAnImageError, check_image
from zhucan.core.safezip import SafeZip, UnsafeZipError, ZipProblem, upload_limits

# extension -> (content type, how the file really starts)
KNOWN_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".txt": ("text/plain; charset=utf-8", ()),
}
OOXML_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
IMAGE_FORMATS = {".jpg": ("JPEG",), ".jpeg": ("JPEG",), ".png": ("PNG",)}
MAX_UNCOMPRESSED = 100 * 1024 * 1024
# Served only as downloads, never shown inline: the type a browser gets for an unknown file.
DOWNLOAD_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int


def safe_display_name(name: str) -> str:
    """The base name only, without control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    return cleaned[-200:] or "file"


def check_upload(upload: Any, *, allowed: set[str], max_bytes: int) -> CheckedFile:
    """Refuse a file whose type is not allowed, whose content is not what its name says,
    or that is too large (or a zip bomb, for Office files)."""
    name = safe_display_name(upload.name or "")
    suffix = PurePath(name).suffix.lower()
    if suffix not in allowed or suffix not in KNOWN_TYPES:
        raise DomainError(
            _("Files of this type cannot be attached. Allowed: %(types)s.")
            % {"types": "、".join(sorted(allowed))},
            field="file",
        )
    if upload.size > max_bytes:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20}, field="file"
        )
    if upload.size == 0:
        raise DomainError(_("The file is empty."), field="file")
    content_type, magics = KNOWN_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if magics and not head.startswith(magics):
        raise DomainError(
            _("The file's content does not match its name %(name)s.") % {"name": name}, field="file"
        )
    if suffix in OOXML_PART:
        _check_office(upload, suffix)
    elif suffix in IMAGE_FORMATS:
        _check_picture(upload, name)
    return CheckedFile(name=name, content_type=content_type, size=upload.size)


def _check_office(upload: Any, suffix: str) -> None:
    damaged = DomainError(
        _("The file is damaged or is not a real %(type)s file.") % {"type": suffix}, field="file"
    )
    limits = upload_limits().at_most(part_bytes=MAX_UNCOMPRESSED, total_bytes=MAX_UNCOMPRESSED)
    upload.seek(0)
    try:
        with SafeZip(upload, limits=limits) as package:
            if OOXML_PART[suffix] not in package.names:
                raise damaged
            package.drain()
    except UnsafeZipError as error:
        if error.problem is ZipProblem.TOO_BIG:
            raise DomainError(
                _("The file unpacks to more than 100 MB and was refused."), field="file"
            ) from None
        if error.problem is ZipProblem.RATIO:
            raise DomainError(
                _("The file is packed far tighter than any real document and was refused."),
                field="file",
            ) from None
        raise damaged from None
    finally:
        upload.seek(0)


def _check_picture(upload: Any, name: str) -> None:
    upload.seek(0)
    try:
        # A copy (the upload is at most a few MB): Pillow closes the file it verified.
        data = io.BytesIO(upload.read())
        check_image(data, formats=IMAGE_FORMATS[PurePath(name).suffix.lower()])
    except ImageTooLargeError as error:
        raise DomainError(
            _("The picture has more than %(n)d million pixels and was refused.")
            % {"n": error.limit // 1_000_000},
            field="file",
        ) from None
    except NotAnImageError:
        raise DomainError(
            _("The file's content does not match its name %(name)s.") % {"name": name},
            field="file",
        ) from None
    finally:
        upload.seek(0)


def download_content_type(name: str) -> str:
    """The content type to serve a stored upload with: the one its (checked) extension
    stands for, else a plain download."""
    known = KNOWN_TYPES.get(PurePath(name).suffix.lower())
    return known[0] if known else DOWNLOAD_CONTENT_TYPE
