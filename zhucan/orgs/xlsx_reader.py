"""The organisation import's limits for the one hardened .xlsx reader
(``zhucan/core/xlsx_reader.py``, which says what is checked and why). Activity reports read
their workbooks with the same limits."""

from __future__ import annotations

from typing import Any

from zhucan.core import xlsx_reader
from zhucan.core.xlsx_reader import SheetLimits, UnreadableFileError

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "UnreadableFileError", "read_first_sheet"]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000  # data rows, under the header row
MAX_COLUMNS = 50

LIMITS = SheetLimits(
    max_file_bytes=MAX_FILE_BYTES,
    max_rows=MAX_ROWS,
    max_columns=MAX_COLUMNS,
    max_cells=(MAX_ROWS + 1) * MAX_COLUMNS,
    max_cell_chars=1000,
    # A list of a few thousand units is a few MB of XML; 30 MB leaves room for pictures.
    max_part_bytes=30 * 1024 * 1024,
    max_unpacked_bytes=30 * 1024 * 1024,
)


def read_first_sheet(data: bytes) -> list[list[Any]]:
    """The cells of the first sheet from row 1 and column A on, or UnreadableFileError."""
    return xlsx_reader.read_first_sheet(data, limits=LIMITS)
