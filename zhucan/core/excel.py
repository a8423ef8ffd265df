"""Excel output shared by every export: Chinese headers, frozen header row, formula-safe text.

Write-only workbooks stream rows to disk, so memory stays flat however long the export is.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# A text cell starting with one of these is a formula to Excel and WPS (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def text_cell(ws: Any, value: str) -> Any:
    """A cell that stays text whatever it starts with (stored inline, with Excel's quote prefix)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell


def make_cell(ws: Any, value: Any, number_format: str | None = None) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return text_cell(ws, value)
    if isinstance(value, bool):
        return text_cell(ws, "是" if value else "否")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format or "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
        cell.number_format = number_format or "yyyy-mm-dd"
        return cell
    if isinstance(value, (int, float, Decimal)):
        cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
        cell.number_format = number_format or (
            "#,##0.00" if isinstance(value, Decimal) else "#,##0"
        )
        return cell
    return text_cell(ws, str(value))


class XlsxTable:
    """One sheet with a header row. ``add_rows`` takes any iterable, consumed lazily."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        headers: Sequence[str],
        widths: Sequence[int] | None = None,
    ) -> None:
        self.ws = workbook.create_sheet(title=title[:31])
        self.ws.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            width = (
                widths[index - 1]
                if widths and index - 1 < len(widths)
                else max(10, len(header) * 2 + 2)
            )
            self.ws.column_dimensions[get_column_letter(index)].width = width
        header_cells = []
        for header in headers:
            cell = text_cell(self.ws, header)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            header_cells.append(cell)
        self.ws.append(header_cells)
        self.rows = 0

    def add_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.ws.append([make_cell(self.ws, value) for value in row])
            self.rows += 1


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
