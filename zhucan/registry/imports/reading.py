"""Opening an untrusted .xlsx of up to 200,000 people: the registry's limits for the one
hardened reader (``zhucan/core/xlsx_reader.py``, which says what is checked and why), then the
header row found and the rows handed out one at a time (``iter_rows``), so Python never holds
the whole sheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from zhucan.core.xlsx_reader import (
    SheetLimits,
    UnreadableFileError,
    checked_workbook,
    column_letter,
    damaged_workbook,
    open_first_sheet,
    too_many_rows,
)

__all__ = ["UnreadableFileError", "column_letter", "open_sheet", "safe_workbook_bytes"]

MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_ROWS = 200_000  # data rows; a county has tens of thousands of certificate holders
MAX_COLUMNS = 200
MAX_CELLS = 8_000_000  # the grid calamine allocates: rows × columns
MAX_CELL_CHARS = 1000
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common

Cell = Any  # str, float, int, bool, date, datetime, time, timedelta or None


def registry_limits() -> SheetLimits:
    """The registry's limits; the unpacked sizes are settings (``ZHUCAN_UPLOAD_MAX_*``): a
    sheet of 200,000 people is about 80 MB of XML, and calamine holds all of it at once."""
    return SheetLimits(
        max_file_bytes=MAX_FILE_BYTES,
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
        max_cells=MAX_CELLS,
        max_cell_chars=MAX_CELL_CHARS,
        max_part_bytes=settings.UPLOAD_MAX_PART_BYTES,
        max_unpacked_bytes=settings.UPLOAD_MAX_UNPACKED_BYTES,
        header_rows=HEADER_SEARCH_ROWS + 1,
    )


def safe_workbook_bytes(data: bytes) -> bytes:
    """Check the workbook and return the re-packed bytes that calamine may read, or raise
    ``UnreadableFileError``."""
    return checked_workbook(data, limits=registry_limits())


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
    whole: bool = True  # False when opened for the header only (``open_sheet``)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(Excel row number, cells) for every row under the header."""
        if not self.whole:
            raise RuntimeError("this sheet was opened for its header only")
        return enumerate(self._iterator, self.header_row + 1)

    def letter(self, index: int) -> str:
        """The Excel column letter of the ``index``-th column read."""
        return column_letter(self.first_column + index)

    def close(self) -> None:
        self._workbook.close()


def _looks_like_header(cells: list[Cell]) -> bool:
    from zhucan.registry.imports.mapping import guess_field

    return sum(1 for value in cells if guess_field(cell_text(value))) >= 2


def open_sheet(data: bytes, *, proven: bool = False, header_only: bool = False) -> Sheet:
    """The first sheet of a workbook. The header is the first of the top rows that names at
    least two known columns (姓名, 身份证号 …), else the first row with anything.

    ``proven``: these very bytes passed ``safe_workbook_bytes`` before (the import job checks
    the SHA-256 digest it recorded then), so calamine may read them as they are; the checks
    cost seconds on a sheet of 100,000 people, and the job reads its file three times.

    ``header_only``: the caller wants the header and the number of rows, not the rows (the
    upload), so calamine may read only the sheet's first and last rows (``open_first_sheet``'s
    ``head``); ``rows()`` then refuses.
    """
    workbook, sheet = open_first_sheet(
        data,
        limits=registry_limits(),
        proven=proven,
        head=HEADER_SEARCH_ROWS if header_only else 0,
    )
    if sheet is None or sheet.start is None or sheet.end is None:
        workbook.close()
        raise UnreadableFileError(
            _("The first sheet of the workbook is empty: put the people on the first sheet.")
        )
    start, end = sheet.start, sheet.end
    height = end[0] - start[0] + 1
    try:
        iterator = iter(sheet.iter_rows())
        top: list[list[Cell]] = []
        for cells in iterator:
            top.append(cells)
            if len(top) >= HEADER_SEARCH_ROWS or _looks_like_header(cells):
                break
    except Exception:  # calamine raises several types, all meaning "cannot be read"
        workbook.close()
        raise damaged_workbook() from None
    index = next((i for i, cells in enumerate(top) if _looks_like_header(cells)), None)
    if index is None:
        index = next((i for i, cells in enumerate(top) if any(cell_text(c) for c in cells)), 0)
    # Rows read past the header while looking for it go back in front of the rest.
    rest = top[index + 1 :]
    headers = [cell_text(value) for value in top[index]]
    while headers and not headers[-1]:
        headers.pop()
    if height - index - 1 > MAX_ROWS:
        workbook.close()
        raise too_many_rows(registry_limits())
    return Sheet(
        header_row=start[0] + index + 1,
        first_column=start[1],
        headers=headers,
        data_rows=height - index - 1,
        # itertools' chain rather than a generator of ours: one Python frame less per row.
        _iterator=chain(rest, iterator),
        _workbook=workbook,
        whole=not header_only,
    )
