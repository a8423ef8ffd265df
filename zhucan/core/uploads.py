"""Checking uploaded files by what they are, not by what they are called."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from zhucan.core.errors import DomainError

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
MAX_UNCOMPRESSED = 100 * 1024 * 1024


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
        try:
            with zipfile.ZipFile(upload) as archive:
                infos = archive.infolist()
                names = {i.filename for i in infos}
                total = sum(i.file_size for i in infos)
        except zipfile.BadZipFile:
            raise DomainError(
                _("The file is damaged or is not a real %(type)s file.") % {"type": suffix},
                field="file",
            ) from None
        finally:
            upload.seek(0)
        if OOXML_PART[suffix] not in names:
            raise DomainError(
                _("The file is damaged or is not a real %(type)s file.") % {"type": suffix},
                field="file",
            )
        if total > MAX_UNCOMPRESSED:
            raise DomainError(
                _("The file unpacks to more than 100 MB and was refused."), field="file"
            )
    return CheckedFile(name=name, content_type=content_type, size=upload.size)
