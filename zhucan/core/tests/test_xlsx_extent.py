"""The sheet's extent is found with byte scans a slice at a time: a cell reference is never cut
in two at the edge of a slice, and every reference is counted once."""

from __future__ import annotations

import pytest

from zhucan.core import xlsx_reader
from zhucan.core.xlsx_reader import SheetLimits, UnreadableFileError

LIMITS = SheetLimits(
    max_file_bytes=2**20,
    max_rows=50,
    max_columns=5,
    max_cells=1000,
    max_cell_chars=100,
    max_part_bytes=2**20,
    max_unpacked_bytes=2**20,
)


def _sheet(rows: int) -> bytes:
    cells = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="E{n}"><v>{n}</v></c></row>'
        for n in range(1, rows + 1)
    )
    return f"<worksheet><sheetData>{cells}</sheetData></worksheet>".encode()


@pytest.mark.parametrize("slice_bytes", [7, 64, 1000, 2**20])
def test_the_row_numbers_are_all_found_whatever_the_slices(
    monkeypatch: pytest.MonkeyPatch, slice_bytes: int
) -> None:
    monkeypatch.setattr(xlsx_reader, "_SCAN_BYTES", slice_bytes)
    numbers = [int(n) for part in xlsx_reader._row_numbers(_sheet(120)) for n in part]
    assert numbers == [n for n in range(1, 121) for _ in range(2)]


@pytest.mark.parametrize("slice_bytes", [7, 2**20])
def test_a_row_past_the_limit_is_refused_in_any_slice(
    monkeypatch: pytest.MonkeyPatch, slice_bytes: int
) -> None:
    monkeypatch.setattr(xlsx_reader, "_SCAN_BYTES", slice_bytes)
    xlsx_reader._check_extent(_sheet(51), LIMITS)  # the header row and 50 rows
    with pytest.raises(UnreadableFileError, match="more than 50 rows"):
        xlsx_reader._check_extent(_sheet(52), LIMITS)
