"""An upload reads only its sheet's first and last rows when that gives calamine the same
extent and first rows as the whole sheet; whenever it might not, the whole sheet is read. Either
way the header, its place and the number of rows are those of the whole sheet."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest

from zhucan.core import xlsx_reader
from zhucan.registry.imports.reading import (
    HEADER_SEARCH_ROWS,
    open_sheet,
    registry_limits,
)
from zhucan.testing.registry_sheets import fast_xlsx, person_row

SHEET = "xl/worksheets/sheet1.xml"
ROWS = 600  # more than the outline's first and last rows together


def _edited(data: bytes, edit: Callable[[str], str]) -> bytes:
    """The workbook with its sheet's XML changed by ``edit``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == SHEET:
                content = edit(content.decode()).encode()
            target.writestr(info.filename, content)
    return out.getvalue()


def _register() -> bytes:
    return fast_xlsx([person_row(n) for n in range(1, ROWS + 1)])


def _outlined(data: bytes) -> bool:
    """Whether the upload's reading used the outline rather than the whole sheet."""
    _safe, outline = xlsx_reader._checked(data, limits=registry_limits(), head=HEADER_SEARCH_ROWS)
    opened = xlsx_reader._read_outline(outline)
    if opened is None:
        return False
    opened[0].close()
    return True


Found = tuple[int, int, list[str], int]


def _as_upload_and_as_dry_run(data: bytes) -> tuple[Found, Found]:
    found: list[Found] = []
    for header_only in (True, False):
        sheet = open_sheet(data, header_only=header_only)
        found.append((sheet.header_row, sheet.first_column, sheet.headers, sheet.data_rows))
        sheet.close()
    return found[0], found[1]


def _styled_empty_rows(count: int) -> Callable[[str], str]:
    def edit(xml: str) -> str:
        rows = "".join(
            f'<row r="{n}"><c r="A{n}" s="1"/><c r="H{n}" s="1"/></row>'
            for n in range(ROWS + 2, ROWS + 2 + count)
        )
        return xml.replace("</sheetData>", rows + "</sheetData>")

    return edit


def _in_the_middle(cell: str) -> Callable[[str], str]:
    """A cell added to a row far from the first and last ones."""

    def edit(xml: str) -> str:
        row = '<row r="300">'
        return xml.replace(row, row + cell, 1)

    return edit


def _header_cell_moved(reference: str) -> Callable[[str], str]:
    """The last header (column H) written among the rows in the middle, as ``reference``."""

    def edit(xml: str) -> str:
        start = xml.index('<c r="H1"')
        cell = xml[start : xml.index("</c>", start) + 4]
        xml = xml.replace(cell, "", 1)
        return _in_the_middle(cell.replace('r="H1"', f'r="{reference}"'))(xml)

    return edit


def test_a_plain_register_is_read_from_its_first_and_last_rows_only() -> None:
    data = _register()
    assert _outlined(data)
    upload, dry_run = _as_upload_and_as_dry_run(data)
    assert upload == dry_run
    assert upload[3] == ROWS


@pytest.mark.parametrize(
    "edit",
    [
        # Empty styled rows past what the outline keeps: calamine's extent ends earlier.
        _styled_empty_rows(400),
        # A value further right than any cell of the first and last rows.
        _in_the_middle('<c r="Z300" t="inlineStr"><is><t>备注</t></is></c>'),
        # A cell of the header row written among the rows in the middle.
        _header_cell_moved("H1"),
        _header_cell_moved("H01"),
    ],
    ids=["styled-empty-rows", "value-far-right", "header-cell-in-middle", "leading-zero"],
)
def test_whatever_the_sheet_the_upload_finds_what_the_whole_sheet_says(
    edit: Callable[[str], str],
) -> None:
    data = _edited(_register(), edit)
    upload, dry_run = _as_upload_and_as_dry_run(data)
    assert upload == dry_run


def test_a_sheet_whose_outline_might_differ_is_read_whole() -> None:
    assert not _outlined(_edited(_register(), _styled_empty_rows(400)))
    assert not _outlined(
        _edited(_register(), _in_the_middle('<c r="Z300" t="inlineStr"><is><t>x</t></is></c>'))
    )
    assert not _outlined(_edited(_register(), _header_cell_moved("H1")))
    assert not _outlined(_edited(_register(), _header_cell_moved("H01")))


def test_a_header_lower_down_is_found_in_the_whole_sheet() -> None:
    def shifted(xml: str) -> str:
        # Every row lower: row 1 is left empty, so calamine's extent starts further down.
        for n in range(ROWS + 1, 0, -1):
            xml = xml.replace(f'<row r="{n}">', f'<row r="{n + 1}">')
            for letter in "ABCDEFGH":
                xml = xml.replace(f'r="{letter}{n}"', f'r="{letter}{n + 1}"')
        return xml

    data = _edited(_register(), shifted)
    assert not _outlined(data)
    upload, dry_run = _as_upload_and_as_dry_run(data)
    assert upload == dry_run
    assert upload[0] > 1


def test_the_rows_of_a_sheet_opened_for_its_header_cannot_be_read() -> None:
    sheet = open_sheet(_register(), header_only=True)
    try:
        with pytest.raises(RuntimeError):
            sheet.rows()
    finally:
        sheet.close()
