"""The dashboard's tables as an Excel workbook: one sheet per table, the page's figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zhucan.core.excel import XlsxTable, make_cell, new_workbook, workbook_bytes
from zhucan.stats.selectors import Dashboard
from zhucan.stats.tables import PERCENT, YUAN, build_tables

FORMATS = {YUAN: "#,##0.00", PERCENT: '0"%"'}


def dashboard_workbook(board: Dashboard) -> bytes:
    """Every table of the dashboard: frozen header row, Chinese headings (the page's), numbers
    as numbers with their formats, names kept as text (core.excel)."""
    workbook = new_workbook()
    for table in build_tables(board):
        headers = [_("Organisation"), *[c.heading for c in table.columns]]
        sheet = XlsxTable(workbook, table.title, headers, widths=[36])
        rows: list[list[Any]] = []
        for line, cells in table.rows:
            name = _("This level: %(name)s") % {"name": line.name} if line.is_node else line.name
            rows.append([name, *cells])
        rows.append([_("Total"), *table.total_cells])
        for row in rows:
            label, cells = row[0], row[1:]
            sheet.ws.append(
                [make_cell(sheet.ws, label)]
                + [make_cell(sheet.ws, value, FORMATS.get(kind, "#,##0")) for value, kind in cells]
            )
            sheet.rows += 1
    return workbook_bytes(workbook)
