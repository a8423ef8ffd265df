"""Reading an untrusted .xlsx upload without letting it exhaust memory or time: the one reader
behind the registry import, the organisation import and activity reports.

Order of the defences, all before python-calamine parses a byte:

1. The zip (``core/safezip.py``): the number of parts, each part's inflated size and the
   total, counted while inflating, never taken from the zip directory; each big part's ratio.
   calamine holds a whole sheet's XML in memory, so the size of a part bounds what it costs.
2. Every XML part: a ``<!DOCTYPE`` or ``<!ENTITY`` is refused. calamine (quick-xml) ignores the
   DOCTYPE and stops at an unknown entity, so it would not expand a "billion laughs", but our
   own look at workbook.xml would (ElementTree expands internal entities), and no spreadsheet
   program writes either. UTF-16 parts are refused too, so the byte scans below see the text.
3. The first sheet's extent: a single cell at XFD1048576 would make calamine allocate a grid of
   17 billion cells. The furthest column and row any cell names are found with byte scans
   (C speed); cells without a reference fall back to a scan cell by cell.
4. Shared strings: calamine copies a shared string into every cell that uses it, so one 1 MB
   string used by 100,000 cells is 100 GB. A string longer than ``max_cell_chars`` is refused.

calamine then reads a re-packed copy of exactly the bytes that were checked (their compressed
form, proven to inflate to them: ``SafeZip.repacked``). Nothing is
evaluated: a formula's cached value is data, a text cell starting with ``=`` is text. Old .xls
workbooks are refused: they are OLE compound files whose structure the checks above do not
cover, and every office program still in use saves .xlsx.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from python_calamine import CalamineSheet, CalamineWorkbook

from zhucan.core.safezip import SafeZip, UnsafeZipError, ZipProblem, upload_limits
from zhucan.core.xlsx_outline import cut_sheet, first_rows


@dataclass(frozen=True)
class SheetLimits:
    max_file_bytes: int
    max_rows: int  # data rows
    max_columns: int
    max_cells: int  # the grid calamine allocates: rows × columns
    max_cell_chars: int
    max_part_bytes: int  # one part inflated (the sheet is the big one)
    max_unpacked_bytes: int  # all parts inflated
    header_rows: int = 1  # rows that may stand above the data (title, header)


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
            "The workbook unpacks to far more data than such a list needs, so it was not "
            "opened. Copy the rows into a new workbook and try again."
        )
    )


def damaged_workbook() -> UnreadableFileError:
    return UnreadableFileError(
        _("The workbook could not be read. Open it in Excel or WPS, save it again and retry.")
    )


def _doctype() -> UnreadableFileError:
    return UnreadableFileError(
        _(
            "The workbook contains a document type declaration (DOCTYPE or ENTITY), which "
            "spreadsheet programs do not write and which can be used to attack the server. "
            "It was not opened. Open it in Excel or WPS, save it again and retry."
        )
    )


def too_many_columns(limits: SheetLimits) -> UnreadableFileError:
    return UnreadableFileError(
        _(
            "The sheet has more than %(max)d columns. Keep only the template's columns and "
            "delete the others."
        )
        % {"max": limits.max_columns}
    )


def _too_far(limits: SheetLimits, *, rows: bool, columns: bool) -> None:
    if rows and columns:
        raise UnreadableFileError(
            _(
                "The sheet has more than %(rows)d rows and more than %(columns)d columns (often "
                "a stray cell far away). Keep only the template's columns and split the rows "
                "into several files."
            )
            % {"rows": limits.max_rows, "columns": limits.max_columns}
        )
    if columns:
        raise too_many_columns(limits)
    if rows:
        raise too_many_rows(limits)


def too_many_rows(limits: SheetLimits) -> UnreadableFileError:
    return UnreadableFileError(
        _("The sheet has more than %(max)d rows. Split it into several files.")
        % {"max": limits.max_rows}
    )


def _from_zip(error: UnsafeZipError) -> UnreadableFileError:
    if error.problem in (ZipProblem.TOO_BIG, ZipProblem.RATIO):
        return _bomb()
    if error.problem is ZipProblem.DOCTYPE:
        return _doctype()
    if error.problem is ZipProblem.UTF16:
        return damaged_workbook()
    # Not a zip, a bad CRC or a part that lies about its size: nothing Excel wrote.
    return _not_xlsx()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet_path(
    workbook_xml: bytes | bytearray, rels_xml: bytes | bytearray, names: set[str]
) -> str:
    """The path of the first worksheet as the workbook lists it (the one calamine reads)."""
    try:
        workbook = ElementTree.fromstring(workbook_xml)  # noqa: S314 - no DOCTYPE, size-capped
        rels = ElementTree.fromstring(rels_xml)  # noqa: S314 - likewise
    except ElementTree.ParseError:
        raise damaged_workbook() from None
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
    raise damaged_workbook()


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


def _beyond(max_columns: int) -> str:
    """A pattern of the column letters past column ``max_columns`` (at most 701, so two
    letters), followed by a digit: three letters, or two letters after the last allowed ones,
    or one letter after it."""
    last = column_letter(max_columns - 1)
    options = [f"[A-Z]{{{len(last) + 1},3}}"]
    for i, char in enumerate(last):
        if char < "Z":
            options.append(f"{last[:i]}[{chr(ord(char) + 1)}-Z]{'[A-Z]' * (len(last) - i - 1)}")
    return "(?:" + "|".join(options) + r")\d"


def _beyond_column(max_columns: int) -> re.Pattern[bytes]:
    """A cell reference past column ``max_columns``. Patterns that start with a literal (r=")
    let the regex engine skip ahead at C speed."""
    return re.compile(('r="' + _beyond(max_columns)).encode())


_CELL_ROW = re.compile(rb'r="[A-Z]{1,3}(\d{1,9})"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br\s*=\s*"([A-Z]*)([0-9]*)"')


_SCAN_BYTES = 1 << 20


def _row_numbers(sheet: bytes | bytearray) -> Iterator[list[bytes]]:
    """The row numbers of every cell reference, a slice of the sheet at a time: ``findall`` and
    ``max`` run in C, where a loop over millions of matches in Python took most of a second on
    a sheet of 100,000 people; a list for the whole sheet would cost more memory than the
    sheet. Slices end just before a ``<``, which no reference contains, so no reference is
    cut in two."""
    view = memoryview(sheet)
    start, size = 0, len(sheet)
    while start < size:
        end = sheet.find(b"<", start + _SCAN_BYTES) if start + _SCAN_BYTES < size else -1
        end = size if end < 0 else end
        yield _CELL_ROW.findall(view[start:end])
        start = end


def _last_named_row(sheet: bytes | bytearray) -> int | None:
    """The furthest row any cell names, when every cell names its position (Excel, WPS and
    every library we know write ``<c r="B7">``): the number of cell references must equal the
    number of cell tags. None for anything else (namespace prefixes, cells placed by counting).
    """
    if _PREFIXED.search(sheet):
        return None
    cells = sheet.count(b"<c ") + sheet.count(b"<c>") + sheet.count(b"<c/>")
    references = last_row = 0
    for numbers in _row_numbers(sheet):
        references += len(numbers)
        if numbers:
            last_row = max(last_row, max(map(int, numbers)))
    return last_row if references == cells else None


def _check_extent(sheet: bytes | bytearray, limits: SheetLimits) -> None:
    """Refuse a sheet whose cells span too many rows or columns, before calamine sizes its grid:
    with byte scans when every cell names its position, else cell by cell (the slow path)."""
    last_row = _last_named_row(sheet)
    if last_row is None:
        _check_extent_cell_by_cell(sheet, limits)
        return
    _too_far(
        limits,
        rows=last_row - limits.header_rows > limits.max_rows,
        columns=_beyond_column(limits.max_columns).search(sheet) is not None,
    )


@dataclass(frozen=True)
class _Outline:
    """The first sheet cut to its first and last rows (``xlsx_outline``), and the extent that
    calamine must find in it for the cut to stand for the whole sheet (0-based, as calamine
    gives it): from A1 to the furthest row and column any cell of the whole sheet names."""

    xml: bytes
    end: tuple[int, int]


def _outline(sheet: bytes | bytearray, limits: SheetLimits, head: int) -> _Outline | None:
    """``_check_extent``, and the sheet's outline when it may stand for the whole sheet: every
    cell names its position, and no cell of the rows left out is in the first ``head`` rows
    (the caller reads those) or further right than the rows kept reach. calamine's extent is
    that of the cells with a value, so ``open_first_sheet`` still compares what calamine finds
    in the cut with ``end``. The rows left out are scanned once (the column limit's own scan
    of the whole sheet is only needed when they are not plain)."""
    last_row = _last_named_row(sheet)
    if last_row is None:
        _check_extent_cell_by_cell(sheet, limits)
        return None
    rows = last_row - limits.header_rows > limits.max_rows
    cut = None if rows else cut_sheet(sheet, head=head)
    if cut is not None and 0 < cut.widest <= limits.max_columns:
        outside = re.compile(f'r="(?:{_beyond(cut.widest)}|{first_rows(head)})'.encode())
        if outside.search(memoryview(sheet)[cut.head_end : cut.tail_start]) is None:
            return _Outline(xml=cut.xml, end=(last_row - 1, cut.widest - 1))
    _too_far(
        limits, rows=rows, columns=_beyond_column(limits.max_columns).search(sheet) is not None
    )
    return None


def _check_extent_cell_by_cell(sheet: bytes | bytearray, limits: SheetLimits) -> None:
    """The slow path for a sheet whose cells do not all name their position (counted in order,
    as calamine places them). Cells written as ``<c .../>`` have no value and do not count."""
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
        _too_far(
            limits,
            rows=row - limits.header_rows > limits.max_rows,
            columns=col > limits.max_columns,
        )


_STRING_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?t(?:\s[^>]*)?>([^<]*)<")
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?si>")


def _check_shared_strings(shared: bytes | bytearray, limits: SheetLimits) -> None:
    """Refuse a shared string longer than a cell may be (see the module docstring). Markup and
    the UTF-8 of Chinese (3 bytes a character) make an item longer in bytes than in
    characters, so only items over ``max_cell_chars`` bytes are decoded and counted."""
    start = 0
    for match in _ITEM_END.finditer(shared):
        if match.start() - start > limits.max_cell_chars:
            item = shared[start : match.start()]
            text = b"".join(_STRING_TEXT.findall(item)).decode("utf-8", "replace")
            if len(text) > limits.max_cell_chars:
                raise UnreadableFileError(
                    _(
                        "A cell holds more than %(max)d characters, far more than any field "
                        "needs. Shorten it (it is often a pasted note or document) and retry."
                    )
                    % {"max": limits.max_cell_chars}
                )
        start = match.end()


def checked_workbook(data: bytes, *, limits: SheetLimits) -> bytes:
    """Check the workbook (see the module docstring) and return the re-packed bytes that
    calamine may read, or raise ``UnreadableFileError``."""
    return _checked(data, limits=limits, head=0)[0]


def _checked(
    data: bytes, *, limits: SheetLimits, head: int
) -> tuple[bytes, tuple[bytes, tuple[int, int]] | None]:
    """``checked_workbook``; with ``head``, also the same workbook with its first sheet cut to
    its outline, and the extent calamine must find in it (``_outline``), when the cut may
    stand for the sheet (else None)."""
    if not data:
        raise UnreadableFileError(_("The file is empty."))
    if len(data) > limits.max_file_bytes:
        raise UnreadableFileError(
            _("The file is larger than %(max)d MB. Split it into several files.")
            % {"max": limits.max_file_bytes // (1024 * 1024)}
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
    zip_limits = upload_limits().at_most(
        part_bytes=limits.max_part_bytes, total_bytes=limits.max_unpacked_bytes
    )
    try:
        with SafeZip(data, limits=zip_limits) as package:
            if "word/document.xml" in package.names:
                raise UnreadableFileError(
                    _("This is a Word document, not an Excel workbook. Upload the .xlsx file.")
                )
            if not {"xl/workbook.xml", "[Content_Types].xml"} <= package.names:
                raise _not_xlsx()
            rels = "xl/_rels/workbook.xml.rels"
            first_sheet = _first_sheet_path(
                package.read("xl/workbook.xml"),
                package.read(rels) if rels in package.names else b"",
                package.names,
            )
            outline = _check_parts(package, first_sheet, limits, head)
            return package.repacked(), (
                None
                if outline is None
                else (package.repacked({first_sheet: outline.xml}), outline.end)
            )
    except UnsafeZipError as error:
        raise _from_zip(error) from None


def _check_parts(
    package: SafeZip, first_sheet: str, limits: SheetLimits, head: int = 0
) -> _Outline | None:
    outline = None
    for name, content in package.parts():
        if name == first_sheet:
            if head:
                outline = _outline(content, limits, head)
            else:
                _check_extent(content, limits)
        elif name == "xl/sharedStrings.xml":
            _check_shared_strings(content, limits)
        del content  # one part in memory at a time
    return outline


def _read_outline(
    outline: tuple[bytes, tuple[int, int]] | None,
) -> tuple[CalamineWorkbook, CalamineSheet] | None:
    """calamine's reading of the workbook with its sheet cut to its outline, when calamine
    finds in it the extent of the whole sheet (see ``_outline``); else None."""
    if outline is None:
        return None
    data, end = outline
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # the whole workbook is read next, and says what is wrong
        return None
    try:
        sheet = workbook.get_sheet_by_index(0)
        same = sheet.start == (0, 0) and sheet.end == end
    except Exception:  # likewise
        same = False
    if same:
        return workbook, sheet
    workbook.close()
    return None


def open_first_sheet(
    data: bytes, *, limits: SheetLimits, proven: bool = False, head: int = 0
) -> tuple[CalamineWorkbook, CalamineSheet | None]:
    """calamine's workbook and its first sheet (None when the sheet is empty), checked.

    ``proven``: these very bytes passed ``checked_workbook`` before, so calamine may read them
    as they are (the caller proves it, e.g. with a digest it recorded then).

    ``head``: the caller reads only the sheet's extent and its first ``head`` rows (the
    registry's upload: the header and the number of rows), so calamine may be given the sheet
    cut to its first and last rows (``xlsx_outline``) when that is proven to give the same
    extent and first rows; the other rows are then missing from the sheet returned. calamine
    parses every cell of a sheet it reads: for 100,000 people that was most of an upload.
    """
    safe, outline = (data, None) if proven else _checked(data, limits=limits, head=head)
    opened = _read_outline(outline)
    try:
        workbook = opened[0] if opened else CalamineWorkbook.from_filelike(io.BytesIO(safe))
    except Exception:  # calamine raises several types, all meaning "cannot be read"
        raise damaged_workbook() from None
    try:
        sheet = opened[1] if opened else workbook.get_sheet_by_index(0)
        start, end = sheet.start, sheet.end
        if start is None or end is None:
            return workbook, None
        height, width = end[0] - start[0] + 1, end[1] - start[1] + 1
        _too_far(
            limits,
            rows=end[0] + 1 - limits.header_rows > limits.max_rows,
            columns=end[1] + 1 > limits.max_columns,
        )
        if height * width > limits.max_cells:
            raise _bomb()
    except UnreadableFileError:
        workbook.close()
        raise
    except Exception:
        workbook.close()
        raise damaged_workbook() from None
    return workbook, sheet


def read_first_sheet(data: bytes, *, limits: SheetLimits) -> list[list[Any]]:
    """The cells of the first sheet from row 1 and column A on, or UnreadableFileError."""
    workbook, sheet = open_first_sheet(data, limits=limits)
    try:
        # Keep row numbers: an empty top row must not make row 3 look like row 2.
        return sheet.to_python(skip_empty_area=False) if sheet is not None else []
    except Exception:
        raise damaged_workbook() from None
    finally:
        workbook.close()
