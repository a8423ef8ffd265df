"""Activity reports out to Excel: one row per report the person may see, then one column per
indicator (Chinese headers and labels; text that starts with = + - @ stays text)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Q

from zhucan.activities.excel import choice_labels
from zhucan.activities.figures import FIGURES
from zhucan.activities.models import ActivityReport, Category, Indicator, Mode
from zhucan.core.excel import XlsxTable, new_workbook, workbook_bytes

EXPORT_HEADERS = [
    "单位名称",
    "所属工作",
    "活动名称",
    "类别",
    "形式",
    "开始日期",
    "结束日期",
    "地点",
    *(f.header for f in FIGURES),
    "活动简介",
    "防控措施",
    "状态",
]
EXPORT_WIDTHS = [32, 30, 30, 12, 12, 12, 12, 20, *(f.width for f in FIGURES), 40, 30, 10]


def export_indicators(reports: Any) -> list[Indicator]:
    """The default indicators and those of the campaigns the reports belong to."""
    campaigns = reports.order_by().values("campaign_id").distinct()
    return list(Indicator.objects.filter(Q(campaign=None) | Q(campaign__in=campaigns)))


def _export_rows(reports: Any, indicators: list[Indicator]) -> Iterator[list[Any]]:
    categories, modes = choice_labels(Category), choice_labels(Mode)
    statuses = choice_labels(ActivityReport.Status)
    for report in reports:
        values = {v.indicator_id: v.value for v in report.values.all()}
        yield [
            report.organisation.name,
            str(report.campaign),
            report.title,
            categories.get(report.category, report.category),
            modes.get(report.mode, report.mode),
            report.start_date,
            report.end_date,
            report.place,
            *(getattr(report, f.name) for f in FIGURES),
            report.description,
            report.safety_measures,
            statuses.get(report.status, report.status),
            *(
                (values.get(i.pk) if i.unit == Indicator.Unit.YUAN else _whole(values.get(i.pk)))
                for i in indicators
            ),
        ]


def _whole(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


def export_reports(reports: Any) -> bytes:
    """One row per report (Chinese headers, amounts as #,##0.00, text that stays text), then
    one column per indicator. ``reports`` is already scoped to what the person may see."""
    indicators = export_indicators(reports)
    reports = reports.select_related(
        "organisation", "campaign__issuing_org", "campaign__kind"
    ).prefetch_related("values")
    workbook = new_workbook()
    table = XlsxTable(
        workbook,
        "活动情况",
        EXPORT_HEADERS + [i.name for i in indicators],
        widths=EXPORT_WIDTHS,
    )
    table.add_rows(_export_rows(reports.iterator(chunk_size=500), indicators))
    return workbook_bytes(workbook)
