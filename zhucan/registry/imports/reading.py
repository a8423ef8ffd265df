"""Opening an untrusted .xlsx of up to 200,000 people without letting it exhaust memory or time.

Order of the defences, all before python-calamine parses a byte:

1. The zip directory: the number of parts, each part's declared size, the total, and each big
   part's compression ratio (a zip bomb claims little and unpacks to gigabytes, or is honest
   about a ratio no spreadsheet has). Reading then stops one byte past the declared size and
   zipfile checks the CRC, so a part that lies about its size is caught while unpacking.
2. Every XML part: a ``<!DOCTYPE`` or ``<!ENTITY`` is refused. calamine (quick-xml) ignores the
   DOCTYPE and stops at an unknown entity, so it would not expand a "billion laughs", but our
   own look at workbook.xml would (ElementTree expands internal entities), and no spreadsheet
   program writes either. UTF-16 parts are refused too, so the byte scans below see the text.
3. The first sheet's extent: a single cell at XFD1048576 would make calamine allocate a grid of
   17 billion cells. The furthest column and row any cell names are found with byte scans
   (C speed, no Python loop over cells); cells without a reference fall back to a full scan.
4. Shared strings: calamine copies a shared string into every cell that uses it, so one 1 MB
   string used by 100,000 cells is 100 GB. A string longer than ``MAX_CELL_CHARS`` is refused.

calamine then reads a re-packed copy (stored, not compressed) of exactly the bytes that were
checked, and rows are handed out one at a time (``iter_rows``), so Python never holds the
whole sheet. Nothing is evaluated: a formula's cached value is data, a text cell starting with
``=`` is text.

Old .xls workbooks are refused: they are OLE compound files whose structure the checks above
do not cover, and every office program still in use saves .xlsx.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_PARTS = 1000
MAX_RATIO = 200  # what a big part may unpack to, times its packed size
RATIO_FROM_BYTES = 1024 * 1024  # small parts (styles, themes) may compress better
MAX_ROWS = 200_000  # data rows; a county has tens of thousands of certificate holders
MAX_COLUMNS = 200
MAX_CELLS = 8_000_000  # the grid calamine allocates: rows × columns
MAX_CELL_CHARS = 1000
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common

Cell = Any  # str, float, int, bool, date, datetime, time, timedelta or None


class UnreadableFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _not_xlsx() -> UnreadableFileError:
    return UnreadableFileError(
        _(
            "This is not an Excel workbook (.xlsx). If it is an old .xls file, a CSV file or a "
            "renamed file, open it in Excel or WPS and save it as .xlsx (Excel workbook)."
        )
    )


def _bomb() -> UnreadableFileError:
    return UnreadableFileError(
        _(
            "The workbook unpacks to far more data than a list of people needs, so it was not "
            "opened. Copy the rows into a new workbook and try again."
        )
    )


def _damaged() -> UnreadableFileError:
    return UnreadableFileError(
        _("The workbook could not be read. Open it in Excel or WPS, save it again and retry.")
    )


_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")


def _check_xml(content: bytes) -> None:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in content[:64]:
        raise _damaged()  # UTF-16: Excel and WPS write UTF-8
    if any(marker in content for marker in _FORBIDDEN_XML):
        raise UnreadableFileError(
            _(
                "The workbook contains a document type declaration (DOCTYPE or ENTITY), which "
                "spreadsheet programs do not write and which can be used to attack the server. "
                "It was not opened. Open it in Excel or WPS, save it again and retry."
            )
        )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet_path(workbook_xml: bytes, rels_xml: bytes, names: set[str]) -> str:
    """The path of the first worksheet as the workbook lists it (the one calamine reads)."""
    try:
        workbook = ElementTree.fromstring(workbook_xml)  # noqa: S314 - no DOCTYPE, size-capped
        rels = ElementTree.fromstring(rels_xml)  # noqa: S314 - likewise
    except ElementTree.ParseError:
        raise _damaged() from None
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
            if path in names:
                return path
    raise _damaged()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _too_many_columns() -> UnreadableFileError:
    return UnreadableFileError(
        _(
            "The sheet has more than %(max)d columns. Keep only the registry's columns and "
            "delete the others."
        )
        % {"max": MAX_COLUMNS}
    )


def _too_many_rows() -> UnreadableFileError:
    return UnreadableFileError(
        _("The sheet has more than %(max)d rows. Split it into several files.") % {"max": MAX_ROWS}
    )


# A cell reference past column GR (the 200th): three letters, H–Z then a letter, or G then S–Z.
# Patterns that start with a literal (r=") let the regex engine skip ahead at C speed.
_FAR_COLUMN = re.compile(rb'r="(?:[A-Z]{3}|[H-Z][A-Z]|G[S-Z])\d')
_CELL_ROW = re.compile(rb'r="[A-Z]{1,3}(\d{1,9})"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br\s*=\s*"([A-Z]*)([0-9]*)"')


def _check_extent(sheet: bytes) -> None:
    """Refuse a sheet whose cells span too many rows or columns, before calamine sizes its grid.

    Every cell must name its position for the fast path (Excel, WPS and every library we know
    write ``<c r="B7">``): the number of cell references must equal the number of cell tags.
    Anything else (namespace prefixes, cells placed by counting) takes the slow path.
    """
    if _PREFIXED.search(sheet):
        _check_extent_cell_by_cell(sheet)
        return
    rows = _CELL_ROW.findall(sheet)
    cells = sheet.count(b"<c ") + sheet.count(b"<c>") + sheet.count(b"<c/>")
    if len(rows) != cells:
        _check_extent_cell_by_cell(sheet)
        return
    if _FAR_COLUMN.search(sheet):
        raise _too_many_columns()
    last_row = max(map(int, rows), default=0)
    if last_row - 1 > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _too_many_rows()


def _check_extent_cell_by_cell(sheet: bytes) -> None:
    """The slow path for a sheet whose cells do not all name their position (counted in order,
    as calamine places them)."""
    row = col = 0
    for match in _TAG.finditer(sheet):
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
        if col > MAX_COLUMNS:
            raise _too_many_columns()
        if row - 1 > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows()


_STRING_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?t(?:\s[^>]*)?>([^<]*)<")


def _check_shared_strings(shared: bytes) -> None:
    """Refuse a shared string longer than a cell may be (see the module docstring: calamine
    copies it into every cell that uses it). Markup and the UTF-8 of Chinese (3 bytes a
    character) make an item longer in bytes than in characters, so only items over
    ``MAX_CELL_CHARS`` bytes are decoded and counted."""
    if len(shared) < MAX_CELL_CHARS:
        return
    items = shared.split(b"</si>")
    if max(map(len, items)) <= MAX_CELL_CHARS:
        return
    for item in items:
        if len(item) <= MAX_CELL_CHARS:
            continue
        text = b"".join(_STRING_TEXT.findall(item)).decode("utf-8", "replace")
        if len(text) > MAX_CELL_CHARS:
            raise UnreadableFileError(
                _(
                    "A cell holds more than %(max)d characters, far more than any field of the "
                    "registry. Shorten it (it is often a pasted note or document) and retry."
                )
                % {"max": MAX_CELL_CHARS}
            )


def safe_workbook_bytes(data: bytes) -> bytes:
    """Check the workbook (see the module docstring) and return the re-packed bytes that
    calamine may read, or raise ``UnreadableFileError``."""
    if not data:
        raise UnreadableFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFileError(
            _("The file is larger than %(max)d MB. Split it into several files.")
            % {"max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UnreadableFileError(
            _(
                "This is an old Excel 97-2003 workbook (.xls). Open it in Excel or WPS and save "
                "it as .xlsx (Excel workbook), then upload that file."
            )
        )
    if data[:4] != b"PK\x03\x04":
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _not_xlsx() from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        names = {info.filename for info in infos}
        if "word/document.xml" in names:
            raise UnreadableFileError(
                _("This is a Word document, not an Excel workbook. Upload the .xlsx file.")
            )
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise _not_xlsx()
        if len(infos) > MAX_PARTS or len(names) != len(infos):
            raise _bomb()  # a part named twice: readers may disagree on which one counts
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise _bomb()
        for info in infos:
            if info.file_size > RATIO_FROM_BYTES and (
                info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise _bomb()
        output = io.BytesIO()
        try:
            first_sheet = _first_sheet_path(
                _read_part(archive, archive.getinfo("xl/workbook.xml")),
                _read_part(archive, archive.getinfo("xl/_rels/workbook.xml.rels"))
                if "xl/_rels/workbook.xml.rels" in names
                else b"",
                names,
            )
            with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as repacked:
                for info in infos:
                    content = _read_part(archive, info)
                    if info.filename == first_sheet:
                        _check_extent(content)
                    elif info.filename == "xl/sharedStrings.xml":
                        _check_shared_strings(content)
                    repacked.writestr(info.filename, content)
                    del content
        except KeyError:
            raise _not_xlsx() from None
    return output.getvalue()


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as stream:
            content = stream.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError):
        # A bad CRC, an encrypted part (a password-protected workbook) or an unknown method.
        raise _damaged() from None
    if len(content) > info.file_size:
        raise _bomb()
    if info.filename.endswith((".xml", ".rels")):
        _check_xml(content)
    return content


# --- The sheet -------------------------------------------------------------------------------


def cell_text(value: Cell) -> str:
    """A cell as the text a person sees (numbers come back from calamine as floats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


@dataclass
class Sheet:
    """The first sheet: its header row, then the data rows one at a time."""

    header_row: int  # the Excel row number of the header
    first_column: int  # 0-based index of the sheet's first used column (column A is 0)
    headers: list[str]  # header texts, from ``first_column`` on
    data_rows: int  # rows under the header, empty ones included
    _iterator: Iterator[list[Cell]]
    _workbook: Any

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(Excel row number, cells) for every row under the header."""
        number = self.header_row
        for cells in self._iterator:
            number += 1
            yield number, cells

    def letter(self, index: int) -> str:
        """The Excel column letter of the ``index``-th column read."""
        return column_letter(self.first_column + index)

    def close(self) -> None:
        self._workbook.close()


def _looks_like_header(cells: list[Cell]) -> bool:
    from zhucan.registry.imports.mapping import guess_field

    return sum(1 for value in cells if guess_field(cell_text(value))) >= 2


def open_sheet(data: bytes, *, proven: bool = False) -> Sheet:
    """The first sheet of a workbook. The header is the first of the top rows that names at
    least two known columns (姓名, 身份证号 …), else the first row with anything.

    ``proven``: these very bytes passed ``safe_workbook_bytes`` before (the import job checks
    the SHA-256 digest it recorded then), so calamine may read them as they are; the checks
    cost seconds on a sheet of 100,000 people, and the job reads its file three times.
    """
    safe = data if proven else safe_workbook_bytes(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(safe))
        sheet = workbook.get_sheet_by_index(0)
        start, end = sheet.start, sheet.end
        if start is None or end is None:
            workbook.close()
            raise UnreadableFileError(
                _("The first sheet of the workbook is empty: put the people on the first sheet.")
            )
        height, width = end[0] - start[0] + 1, end[1] - start[1] + 1
        if width > MAX_COLUMNS:
            raise _too_many_columns()
        if height * width > MAX_CELLS:
            raise _bomb()
        iterator = iter(sheet.iter_rows())
        top: list[list[Cell]] = []
        for cells in iterator:
            top.append(cells)
            if len(top) >= HEADER_SEARCH_ROWS or _looks_like_header(cells):
                break
    except UnreadableFileError:
        raise
    except Exception:  # calamine raises several types, all meaning "cannot be read"
        raise _damaged() from None
    index = next((i for i, cells in enumerate(top) if _looks_like_header(cells)), None)
    if index is None:
        index = next((i for i, cells in enumerate(top) if any(cell_text(c) for c in cells)), 0)
    # Rows read past the header while looking for it go back in front of the rest.
    rest = top[index + 1 :]
    headers = [cell_text(value) for value in top[index]]
    while headers and not headers[-1]:
        headers.pop()
    if height - index - 1 > MAX_ROWS:
        raise _too_many_rows()
    return Sheet(
        header_row=start[0] + index + 1,
        first_column=start[1],
        headers=headers,
        data_rows=height - index - 1,
        _iterator=_chain(rest, iterator),
        _workbook=workbook,
    )


def _chain(first: list[list[Cell]], then: Iterator[list[Cell]]) -> Iterator[list[Cell]]:
    yield from first
    yield from then
