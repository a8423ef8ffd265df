"""Reading an untrusted .xlsx upload without letting it exhaust memory or time.

Before python-calamine parses anything, the zip is unpacked here with limits on the number of
parts and their sizes (proven while unpacking, not just read from the zip directory), the
first sheet is scanned for its extent, and calamine then gets a re-packed copy of exactly the
bytes that were checked. Nothing in the workbook is evaluated: formulas stay data.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_PARTS = 500
MAX_ROWS = 5000  # data rows, under the header row
MAX_COLUMNS = 50


class UnreadableFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _not_xlsx() -> UnreadableFileError:
    return UnreadableFileError(
        _(
            "This is not an Excel workbook (.xlsx). If it is an old .xls file, a CSV file or a "
            "renamed file, open it in Excel or WPS and save it as .xlsx."
        )
    )


def _too_big_unpacked() -> UnreadableFileError:
    return UnreadableFileError(
        _(
            "The workbook unpacks to far more data than a list of organisations needs, so it "
            "was not opened. Copy the rows into the template and try again."
        )
    )


def _unpack(data: bytes) -> dict[str, bytes]:
    """Every part of the zip, unpacked within the limits. The sizes in the zip directory are
    checked first; reading then stops at the declared size and zipfile checks the CRC, so a
    part that claims to be small cannot unpack to more."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _not_xlsx() from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise _too_big_unpacked()
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise _too_big_unpacked()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _not_xlsx()
        parts: dict[str, bytes] = {}
        try:
            for info in infos:
                if info.is_dir():
                    continue
                with archive.open(info) as stream:
                    content = stream.read(info.file_size + 1)
                if len(content) > info.file_size:
                    raise _too_big_unpacked()
                parts[info.filename] = content
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            # Bad CRC, an encrypted part or an unknown compression method.
            raise _not_xlsx() from None
    return parts


def _repack(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet_part(parts: dict[str, bytes]) -> str:
    """The path of the first worksheet, as the workbook lists it (what calamine reads)."""
    try:
        workbook = ElementTree.fromstring(parts["xl/workbook.xml"])  # noqa: S314 - size-capped
        rels = ElementTree.fromstring(parts.get("xl/_rels/workbook.xml.rels", b""))  # noqa: S314
    except ElementTree.ParseError:
        raise _not_xlsx() from None
    first_id = next(
        (
            value
            for element in workbook.iter()
            if _local(element.tag) == "sheet"
            for key, value in element.attrib.items()
            if _local(key) == "id"
        ),
        None,
    )
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship" and rel.get("Id") == first_id:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if path in parts:
                return path
    raise _not_xlsx()


_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br\s*=\s*"([A-Z]*)([0-9]*)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _check_extent(sheet_xml: bytes) -> None:
    """Refuse a sheet with too many rows or columns before anything builds a grid from it.

    A single far-away cell (say XFD1048576) would make a grid of 17 billion cells. Cells
    written as ``<c .../>`` have no value and do not count, like calamine treats them.
    """
    row = col = 0
    for match in _TAG.finditer(sheet_xml):
        tag, attributes, self_closing = match.groups()
        ref = _REF.search(attributes)
        if tag == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            continue
        if ref and ref.group(1):
            col = _column_number(ref.group(1))
            if ref.group(2):
                row = int(ref.group(2))
        else:
            col += 1
        if self_closing:
            continue
        if row - 1 > MAX_ROWS:
            raise UnreadableFileError(
                _("The sheet has more than %(max)d rows. Split it into several files.")
                % {"max": MAX_ROWS}
            )
        if col > MAX_COLUMNS:
            raise UnreadableFileError(
                _("The sheet has more than %(max)d columns. Use the template's columns.")
                % {"max": MAX_COLUMNS}
            )


def read_first_sheet(data: bytes) -> list[list[Any]]:
    """The cells of the first sheet from row 1 and column A on, or UnreadableFileError."""
    if not data:
        raise UnreadableFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFileError(
            _("The file is larger than %(max)d MB. Split it into several files.")
            % {"max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    parts = _unpack(data)
    _check_extent(parts[_first_sheet_part(parts)])
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(_repack(parts)))
        sheet = workbook.get_sheet_by_index(0)
        end = sheet.end
        if end is not None and (end[0] > MAX_ROWS or end[1] >= MAX_COLUMNS):
            raise _too_big_unpacked()
        # Keep row numbers: an empty top row must not make row 3 look like row 2.
        return sheet.to_python(skip_empty_area=False) if end is not None else []
    except UnreadableFileError:
        raise
    except Exception:  # calamine raises several types, all meaning "cannot be read"
        raise UnreadableFileError(
            _("The workbook could not be read. Open it in Excel or WPS, save it again and retry.")
        ) from None
