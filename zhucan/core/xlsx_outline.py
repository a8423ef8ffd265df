"""A sheet's outline: its first rows and its last rows, for a caller that needs only the header
and the sheet's extent (the registry's upload: header row, mapping, number of rows).

calamine has no way to read part of a sheet: it parses every cell of it, which is most of an
upload's time on a sheet of 100,000 people, for a header row and a count. So the sheet's XML is
cut to its first ``head`` and last ``tail`` rows and calamine reads that. The cut is only used
when it is proven to give calamine the same first rows and the same extent (first and last row
and column) as the whole sheet (``xlsx_reader.open_first_sheet`` checks what calamine then
reports); else the whole sheet is read, as before. This module only finds and cuts bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAIL_ROWS = 200  # Excel writes styled empty rows after the last one typed; a few hundred is rare

_ROW = b"<row"
_ROW_ENDS = frozenset(b" \t\r\n>/")
_REF_COLUMN = re.compile(rb'\br="([A-Z]{1,3})\d')


@dataclass(frozen=True)
class Cut:
    xml: bytes  # the sheet with the rows between its first and last ones left out
    head_end: int  # where the rows left out start in the whole sheet
    tail_start: int  # and where they end
    widest: int  # the furthest column any cell of the rows kept names (1 is A)


def _is_row(sheet: bytes | bytearray, at: int) -> bool:
    return at + 4 < len(sheet) and sheet[at + 4] in _ROW_ENDS


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def cut_sheet(sheet: bytes | bytearray, *, head: int, tail: int = TAIL_ROWS) -> Cut | None:
    """The sheet with only its first ``head`` and last ``tail`` row elements, or None when it
    has no more rows than that (nothing to gain) or its rows are not plain ``<row>`` elements
    inside one ``<sheetData>``. Text inside a sheet's XML holds no ``<``, so every ``<row``
    followed by a space, ``>`` or ``/`` between ``<sheetData>`` and ``</sheetData>`` starts a
    row."""
    data_start = sheet.find(b"<sheetData>")
    data_end = sheet.rfind(b"</sheetData>")
    if data_start < 0 or data_end < data_start:
        return None
    head_end = data_start
    for _ in range(head + 1):
        head_end = sheet.find(_ROW, head_end + 1, data_end)
        while head_end >= 0 and not _is_row(sheet, head_end):
            head_end = sheet.find(_ROW, head_end + 1, data_end)
        if head_end < 0:
            return None  # no more than ``head`` rows
    tail_start = data_end
    for _ in range(tail):
        tail_start = sheet.rfind(_ROW, head_end, tail_start)
        while tail_start > head_end and not _is_row(sheet, tail_start):
            tail_start = sheet.rfind(_ROW, head_end, tail_start)
        if tail_start <= head_end:
            return None  # no rows left out
    kept = bytes(sheet[:head_end]) + bytes(sheet[tail_start:])
    # The kept rows are a few hundred: their references are read here, in Python.
    start_of_data = kept.find(b"<sheetData>")
    widest = max(
        (_column_number(letters) for letters in _REF_COLUMN.findall(kept, start_of_data)),
        default=0,
    )
    return Cut(xml=kept, head_end=head_end, tail_start=tail_start, widest=widest)


def first_rows(count: int) -> str:
    """A pattern of the cell references in rows 1 to ``count`` (leading zeros too: a reader
    may take A01 for A1)."""
    numbers = "|".join(str(n) for n in range(count, 0, -1))
    return f'[A-Z]{{1,3}}0*(?:{numbers})"'
