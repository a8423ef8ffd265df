"""The statistics as Excel: the dashboard's tables (``dashboard_workbook``), and every accepted
report under a node, one row each (``write_reports_xlsx``, run by the background export).

The fixed 统计表 the level above asks for is ``statistical_report.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import IO, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhucan.activities.excel import choice_labels
from zhucan.activities.figures import FIGURES
from zhucan.activities.figures import names as figure_names
from zhucan.activities.models import ActivityReport, Category, Indicator, IndicatorValue, Mode
from zhucan.campaigns.models import Campaign, Duty
from zhucan.core.excel import XlsxTable, make_cell, new_workbook, workbook_bytes
from zhucan.core.xlsx_stream import StreamingXlsx
from zhucan.orgs.models import Organisation, Region
from zhucan.stats.help_requests import HelpFigures
from zhucan.stats.help_tables import help_tables
from zhucan.stats.selectors import (
    NO_FILTERS,
    Dashboard,
    Filters,
    campaign_tree,
    scoped_reports,
)
from zhucan.stats.tables import PERCENT, YUAN, build_tables

FORMATS = {YUAN: "#,##0.00", PERCENT: '0"%"'}


def dashboard_workbook(board: Dashboard, helped: HelpFigures | None = None) -> bytes:
    """Every table of the dashboard, the help requests' last: frozen header row, Chinese
    headings (the page's), numbers as numbers with their formats, names kept as text
    (core.excel)."""
    workbook = new_workbook()
    for table in build_tables(board):
        rows: list[list[Any]] = []
        for line, cells in table.rows:
            name = _("This level: %(name)s") % {"name": line.name} if line.is_node else line.name
            rows.append([name, *cells])
        rows.append([_("Total"), *table.total_cells])
        _sheet(
            workbook, table.title, [_("Organisation"), *[c.heading for c in table.columns]], rows
        )
    for help_table in help_tables(helped) if helped is not None else []:
        rows = [[label, *cells] for label, cells in help_table.rows]
        rows.append([_("Total"), *help_table.cells(help_table.total)])
        headers = [help_table.row_heading, *[c.heading for c in help_table.columns]]
        _sheet(workbook, help_table.title, headers, rows)
    return workbook_bytes(workbook)


def _sheet(workbook: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    """One table: a text label, then (value, kind) cells."""
    sheet = XlsxTable(workbook, title, headers, widths=[36])
    for row in rows:
        label, cells = row[0], row[1:]
        sheet.ws.append(
            [make_cell(sheet.ws, label)]
            + [make_cell(sheet.ws, value, FORMATS.get(kind, "#,##0")) for value, kind in cells]
        )
        sheet.rows += 1


# --- Every accepted report, streamed -----------------------------------------------------------

REPORT_HEADERS = [
    "单位名称",
    "所属县（市、区）",
    "活动名称",
    "类别",
    "形式",
    "开始日期",
    "结束日期",
    *(f.header for f in FIGURES),
]
REPORT_WIDTHS = [32, 16, 30, 10, 12, 12, 12, *(f.width for f in FIGURES)]
CHUNK_SIZE = 2000
# What each row reads: the report's own fields and, through joins in the same query, its
# organisation's name and region up to the county (a township's or village's county is its
# parent or grandparent in GB/T 2260).
_FIELDS = (
    "pk",
    "organisation__name",
    "organisation__region__level",
    "organisation__region__name",
    "organisation__region__parent__level",
    "organisation__region__parent__name",
    "organisation__region__parent__parent__name",
    "title",
    "category",
    "mode",
    "start_date",
    "end_date",
    *figure_names(),
)
Progress = Callable[[int, int], None]


def report_indicators(campaign: Campaign) -> list[Indicator]:
    """The default indicators and those of the campaign and every campaign cascaded from it
    (a county's own indicator is a column too), in their order. One query."""
    return list(
        Indicator.objects.filter(
            Q(campaign=None) | Q(campaign_id__in=campaign_tree(campaign.pk))
        ).order_by("position", "pk")
    )


def _county(level: str, name: str, up_level: str | None, up: str | None, up2: str | None) -> str:
    if level == Region.Level.COUNTY:
        return name
    if level == Region.Level.TOWNSHIP and up_level == Region.Level.COUNTY:
        return up or ""
    if level == Region.Level.VILLAGE:
        return up2 or ""
    return ""  # a province's or a city's own organisation lies in no county


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _cascade(campaign: Campaign) -> list[int]:
    """The ids of the campaign and every campaign cascaded from it (``campaign_tree``)."""
    return list(
        Campaign.objects.filter(pk__in=campaign_tree(campaign.pk)).values_list("pk", flat=True)
    )


def _report_rows(
    reports: QuerySet[ActivityReport],
    indicators: Sequence[Indicator],
    chunk_size: int,
    limit: int | None,
) -> Iterator[list[tuple[Any, ...]]]:
    categories, modes = choice_labels(Category), choice_labels(Mode)
    # Organisations as people expect them (orgs.ordering), each one's reports by date.
    rows = reports.order_by("organisation__sort_path", "start_date", "pk").values_list(*_FIELDS)
    if limit is not None:
        rows = rows[:limit]
    no_values: list[Decimal | int | None] = []
    # Read in chunks (a server-side cursor on PostgreSQL), with each chunk's indicator values
    # in one more query: memory holds one chunk, however many reports there are.
    for chunk in _chunks(rows.iterator(chunk_size=chunk_size), chunk_size):
        given = _indicator_cells(_indicator_values([row[0] for row in chunk], indicators))
        yield [
            (
                org,
                _county(level, name, up_level, up, up2),
                title,
                categories.get(cat, cat),
                modes.get(mode, mode),
                *rest,
                *given.get(pk, no_values),
            )
            for pk, org, level, name, up_level, up, up2, title, cat, mode, *rest in chunk
        ]


# (report, its indicator's column, the value if a whole number, the value if in yuan)
IndicatorCell = tuple[int, int, int | None, Decimal | None]


def _indicator_values(
    report_ids: list[int], indicators: Sequence[Indicator]
) -> Sequence[IndicatorCell]:
    """The reports' values of the indicators, as ``IndicatorCell``; a whole number is
    truncated, as ``int()`` does, and a value of another indicator is left out.

    On PostgreSQL the database places and converts the values (a national export reads
    millions: one by one here, they took a third of its time), and the ids go as one array
    literal: a list of 2,000 placeholders costs the driver more to parse than the query costs
    the server."""
    if connection.vendor != "postgresql":
        columns = {i.pk: (n, i.unit == Indicator.Unit.YUAN) for n, i in enumerate(indicators)}
        cells: list[IndicatorCell] = []
        for report_id, indicator_id, value in IndicatorValue.objects.filter(
            report_id__in=report_ids, indicator_id__in=columns
        ).values_list("report_id", "indicator_id", "value"):
            n, is_yuan = columns[indicator_id]
            cells.append(
                (report_id, n, None, value) if is_yuan else (report_id, n, int(value), None)
            )
        return cells
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT v.report_id, c.n - 1,
                    CASE WHEN c.yuan THEN NULL ELSE trunc(v.value)::bigint END,
                    CASE WHEN c.yuan THEN v.value END
                FROM {table} v
                JOIN unnest(%s::bigint[], %s::boolean[]) WITH ORDINALITY AS c(indicator_id, yuan, n)
                    USING (indicator_id)
                WHERE v.report_id = ANY(%s::bigint[])""",  # noqa: S608 - the table name from the model
            [
                _array(i.pk for i in indicators),
                _array("t" if i.unit == Indicator.Unit.YUAN else "f" for i in indicators),
                _array(report_ids),
            ],
        )
        rows: Sequence[tuple[int, int, int | None, Decimal | None]] = cursor.fetchall()
        return rows


def _array(items: Iterable[object]) -> str:
    return "{" + ",".join(map(str, items)) + "}"


def _indicator_cells(values: Sequence[IndicatorCell]) -> dict[int, list[Decimal | int | None]]:
    """Each report's indicator columns up to the last one it gives: a value not given is an
    empty cell, not a zero, and the empty cells after the last value are left out (most
    reports give a few indicators of many; every cell costs the writer time).

    Values mostly come as they were saved, in the form's order: read backwards, a report's
    last column comes first, and its list is made once, at its length."""
    cells: dict[int, list[Decimal | int | None]] = {}
    get = cells.get
    for report_id, n, whole, amount in reversed(values):
        row = get(report_id)
        if row is None:
            row = cells[report_id] = [None] * (n + 1)
        elif n >= len(row):
            row.extend([None] * (n + 1 - len(row)))
        row[n] = amount if whole is None else whole
    return cells


def write_reports_xlsx(
    fileobj: IO[bytes],
    *,
    campaign: Campaign,
    node: Organisation,
    filters: Filters = NO_FILTERS,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    limit: int | None = None,
) -> int:
    """Write every accepted report of ``campaign``'s cascade under ``node`` (filtered) to
    ``fileobj`` as one .xlsx sheet: one row per report, then a column per indicator.

    Streams: the reports are read ``chunk_size`` at a time (a server-side cursor on
    PostgreSQL), with one query for each chunk's indicator values, and each chunk is written
    through ``StreamingXlsx`` while the next is read, so memory holds two chunks at most.
    ``progress(done, total)`` is called before the first chunk and after each one (the total
    costs one COUNT, made only when ``progress`` is given). ``limit`` stops after that many
    reports (the benchmark's fixed size). Returns the number of reports written.
    The caller has checked that the person may see the campaign and the node.
    """
    indicators = report_indicators(campaign)
    # The cascade as a list of ids, not its recursive subquery: PostgreSQL plans
    # ``campaign_id IN (subquery)`` as a join, which loses the organisations' path order and
    # sorted every report under the node first (on disk; 11 s before the first row on the
    # national benchmark). A list is a filter on each report, so it walks the organisations
    # through their path index and sorts only each one's own reports, and the rows come at
    # once. A national cascade's few thousand ids are one query's parameters, once.
    reports = scoped_reports(campaign, node, filters, cascade=_cascade(campaign))
    total = scoped_reports(campaign, node, filters).count() if progress else 0
    if limit is not None:
        total = min(total, limit)
    if progress:
        progress(0, total)
    done = 0
    with (
        StreamingXlsx(
            fileobj,
            title="活动情况",
            headers=REPORT_HEADERS + [i.name for i in indicators],
            widths=REPORT_WIDTHS,
        ) as sheet,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx") as writer,
    ):
        # Each chunk is written on a thread of its own while the next one is read: the reading
        # waits on the database most of the time (the GIL is free then, and the writer's
        # compression frees it too). At most two chunks are held: memory stays flat.
        pending: tuple[Future[None], int] | None = None
        for rows in _report_rows(reports, indicators, chunk_size, limit):
            if pending is not None:
                done = _written(pending, progress, done, total)
            pending = writer.submit(sheet.write_rows, rows), len(rows)
        if pending is not None:
            done = _written(pending, progress, done, total)
    return done


def _written(
    pending: tuple[Future[None], int], progress: Progress | None, done: int, total: int
) -> int:
    """Wait for a chunk to be written (raising what the writer raised): the rows done now."""
    writing, rows = pending
    writing.result()
    done += rows
    if progress:
        # Reports accepted since the count make "done" pass it: never above 100 %.
        progress(done, max(total, done))
    return done


# --- Filters kept with a job -------------------------------------------------------------------


def filters_to_json(filters: Filters) -> dict[str, Any]:
    return {
        "duty": filters.duty.pk if filters.duty else None,
        "category": filters.category,
        "mode": filters.mode,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
    }


def filters_from_json(data: dict[str, Any], campaign: Campaign) -> Filters:
    """The filters a job was asked with; a duty no longer in the campaign is dropped."""
    duty = None
    if data.get("duty"):
        duty = Duty.objects.filter(campaign=campaign, pk=data["duty"]).first()
    return Filters(
        duty=duty,
        category=data.get("category") or "",
        mode=data.get("mode") or "",
        date_from=date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
        date_to=date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
    )
