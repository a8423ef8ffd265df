"""The completeness page as an Excel workbook: the roll-up and every organisation's row."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhucan.completeness.deliverables import Status
from zhucan.completeness.selectors import Completeness, Row
from zhucan.core.excel import XlsxTable, new_workbook, workbook_bytes


def completeness_workbook(report: Completeness, rows: list[Row]) -> bytes:
    workbook = new_workbook()
    kinds = report.kinds
    # gettext calls outside f-strings: makemessages does not look inside f-strings.
    rollup_columns = [_("Delivered"), _("Delivered (%)"), _("On time (%)"), _("Late"), _("Overdue")]
    detail_columns = [_("Due"), _("Status"), _("Delivered on")]
    rollup_headers = [_("Organisation"), _("Recipients")]
    for k in kinds:
        rollup_headers += [f"{k.label}·{column}" for column in rollup_columns]
    rollup = XlsxTable(workbook, _("Roll-up"), rollup_headers, widths=[34, 10])

    def tally_cells(tallies: dict) -> list:  # type: ignore[type-arg]
        cells: list = []  # type: ignore[type-arg]
        for k in kinds:
            t = tallies[k.kind]
            cells += [t.done, t.done_percent, t.on_time_percent, t.late, t.overdue]
        return cells

    rollup.add_rows(
        [
            (_("This level") + "：" + g.name) if g.is_node else g.name,
            g.rows,
            *tally_cells(g.tallies),
        ]
        for g in report.groups
    )
    rollup.add_rows([[_("Total"), len(report.rows), *tally_cells(report.totals)]])

    detail_headers = [_("Organisation"), _("Asked by")]
    for k in kinds:
        detail_headers += [f"{k.label}·{column}" for column in detail_columns]
    detail_headers.append(_("Reminders"))
    detail = XlsxTable(workbook, _("Organisations"), detail_headers, widths=[34, 16])

    def row_cells(row: Row) -> list:  # type: ignore[type-arg]
        cells: list = [row.name, row.requested_by]  # type: ignore[type-arg]
        for k in kinds:
            cell = row.cells[k.kind]
            cells += [cell.due, str(Status(cell.status).label), cell.delivered_on]
        cells.append(row.reminders)
        return cells

    detail.add_rows(row_cells(r) for r in rows)
    return workbook_bytes(workbook)
