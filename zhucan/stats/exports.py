"""The statistics as Excel: the dashboard's tables (``dashboard_workbook``), and every accepted
report under a node, one row each (``write_reports_xlsx``, run by the background export).

The fixed 统计表 the level above asks for is ``statistical_report.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import IO, Any

from django.db import connection, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
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
# What each row reads, in the sheet's order after the id: the report's own fields and, through
# joins in the same query, its organisation's name, its county and the category's and mode's
# labels, worked out by the database (``_row_columns``): per row in Python, they took a tenth
# of the export's Python time.
_FIELDS = (
    "pk",
    "organisation__name",
    "export_county",
    "title",
    "export_category",
    "export_mode",
    "start_date",
    "end_date",
    *figure_names(),
)
Progress = Callable[[int, int], None]
# A report's indicator columns, from the first to the last it gives (None where it gives none).
IndicatorCells = list[Decimal | int | None]


def report_indicators(campaign: Campaign) -> list[Indicator]:
    """The default indicators and those of the campaign and every campaign cascaded from it
    (a county's own indicator is a column too), in their order. One query."""
    return list(
        Indicator.objects.filter(
            Q(campaign=None) | Q(campaign_id__in=campaign_tree(campaign.pk))
        ).order_by("position", "pk")
    )


def _row_columns() -> dict[str, Case]:
    """The county (a township's or a village's county is its parent or grandparent in GB/T
    2260; a province's or a city's own organisation lies in no county) and the Chinese labels,
    as the sheet shows them."""
    region = "organisation__region"
    county = Case(
        When(**{f"{region}__level": Region.Level.COUNTY}, then=F(f"{region}__name")),
        When(
            **{
                f"{region}__level": Region.Level.TOWNSHIP,
                f"{region}__parent__level": Region.Level.COUNTY,
            },
            then=Coalesce(F(f"{region}__parent__name"), Value("")),
        ),
        When(
            **{f"{region}__level": Region.Level.VILLAGE},
            then=Coalesce(F(f"{region}__parent__parent__name"), Value("")),
        ),
        default=Value(""),
        output_field=CharField(),
    )
    return {
        "export_county": county,
        "export_category": _labels("category", choice_labels(Category)),
        "export_mode": _labels("mode", choice_labels(Mode)),
    }


def _labels(field: str, labels: dict[str, str]) -> Case:
    """The field's label; a code without one (from before a choice was renamed) as it is."""
    whens = [When(**{field: code}, then=Value(label)) for code, label in labels.items()]
    return Case(*whens, default=F(field), output_field=CharField())


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
) -> Iterator[tuple[int, Iterator[tuple[Any, ...]]]]:
    """Each chunk: how many reports, and their rows, put together as they are written."""
    # Organisations as people expect them (orgs.ordering), each one's reports by date. Every
    # organisation has a sort_path of its own, indexed: PostgreSQL walks the organisations in
    # that order and sorts only each one's own reports, never every report under the node.
    rows = (
        reports.annotate(**_row_columns())
        .order_by("organisation__sort_path", "start_date", "pk")
        .values_list(*_FIELDS)
    )
    if limit is not None:
        rows = rows[:limit]
    if connection.vendor == "postgresql":
        yield from _streamed_rows(rows, indicators, chunk_size)
        return
    no_values: IndicatorCells = []
    # Read in chunks, with each chunk's indicator values in one more query: memory holds one
    # chunk, however many reports there are.
    for chunk in _chunks(rows.iterator(chunk_size=chunk_size), chunk_size):
        given = _indicator_cells([row[0] for row in chunk], indicators)
        yield len(chunk), _sheet_rows(chunk, given, no_values)


def _sheet_rows(
    chunk: list[tuple[Any, ...]], given: dict[int, IndicatorCells], no_values: IndicatorCells
) -> Iterator[tuple[Any, ...]]:
    """The chunk's rows as the sheet has them: the report's columns after its id, then its
    indicator columns. A generator, so that the writer's thread puts them together while the
    reading one waits for the database (a function of its own, so that it keeps this chunk's
    names while the caller's loop moves on to the next one)."""
    for row in chunk:
        yield (*row[1:], *given.get(row[0], no_values))


def _indicator_cells(
    report_ids: list[int], indicators: Sequence[Indicator]
) -> dict[int, IndicatorCells]:
    """Each report's indicator columns up to the last one it gives: a value not given is an
    empty cell, not a zero, and the empty cells after the last value are left out (most
    reports give a few indicators of many; every cell costs the writer time). A whole number
    is truncated, as ``int()`` does; an amount in yuan stays a ``Decimal``; a value of another
    campaign's indicator is left out. (PostgreSQL reads them with the reports themselves:
    ``_streamed_rows``.)"""
    columns = {i.pk: (n, i.unit == Indicator.Unit.YUAN) for n, i in enumerate(indicators)}
    cells: dict[int, IndicatorCells] = {}
    for report_id, indicator_id, value in IndicatorValue.objects.filter(
        report_id__in=report_ids, indicator_id__in=columns
    ).values_list("report_id", "indicator_id", "value"):
        n, is_yuan = columns[indicator_id]
        row = cells.get(report_id)
        if row is None:
            row = cells[report_id] = []
        if n >= len(row):
            row.extend([None] * (n + 1 - len(row)))
        row[n] = value if is_yuan else int(value)
    return cells


def _streamed_rows(
    rows: QuerySet[ActivityReport, tuple[Any, ...]],
    indicators: Sequence[Indicator],
    chunk_size: int,
) -> Iterator[tuple[int, Iterator[tuple[Any, ...]]]]:
    """``_report_rows`` on PostgreSQL: one query, whose rows the server sends as it makes them.

    Each report's indicator values come with it, gathered by the database (a LATERAL subquery
    on the values' report index) into arrays of columns and values, converted there: a whole
    number truncated, an amount in yuan as it is. A query of the values per chunk made the
    reading thread wait for the database twice a chunk (a third of a national export's time),
    and streaming (psycopg's ``stream``, in chunks) lets the server make the next rows while
    this process writes the last ones. The reports come in the order of the inner query: a
    LATERAL subquery is joined in a nested loop, which keeps its outer rows' order. Results
    come in binary, which psycopg reads in a third less time than text arrays."""
    import psycopg

    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    in_yuan = [i.unit == Indicator.Unit.YUAN for i in indicators]
    # Amounts in yuan, when there are any, come in an array of their own: an array has one type.
    amounts = "array_agg(CASE WHEN c.yuan THEN v.value END)" if any(in_yuan) else "NULL::numeric[]"
    query = f"""SELECT q.*, given.* FROM ({sql}) q CROSS JOIN LATERAL (
            SELECT array_agg(c.n - 1),
                array_agg(CASE WHEN c.yuan THEN NULL ELSE trunc(v.value)::bigint END),
                {amounts}
            FROM {table} v
            JOIN unnest(%s::bigint[], %s::boolean[]) WITH ORDINALITY AS c(indicator_id, yuan, n)
                USING (indicator_id)
            WHERE v.report_id = q."pk"
        ) given"""  # noqa: S608 - Django's own SQL and the table name from the model
    params = (*params, [i.pk for i in indicators], in_yuan)
    # Chunks of rows at once need libpq 17; one row at a time is slower, not wrong.
    size = chunk_size if psycopg.pq.version() >= 170000 else 1
    with transaction.atomic(), _binary_cursor() as cursor:
        # Compiling this plan (its cost counts every report) took longer than running it.
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        (jit, _off) = cursor.fetchone()
        logged = cursor.debug_sql(query, params) if isinstance(cursor, CursorDebugWrapper) else None
        with logged or nullcontext(), connection.wrap_database_errors:
            stream = cursor.cursor.stream(query, params, size=size)
            for chunk in _chunks(stream, chunk_size):
                yield len(chunk), _streamed_sheet_rows(chunk, len(_FIELDS))
        cursor.execute("SELECT set_config('jit', %s, true)", [jit])


# The columns of a report that gives every indicator up to its last one, in their order, as
# the database most often gathers them: such a report's values are its cells as they come.
_IN_ORDER = [list(range(n)) for n in range(64)]


def _streamed_sheet_rows(chunk: list[tuple[Any, ...]], width: int) -> Iterator[tuple[Any, ...]]:
    """``_sheet_rows`` for ``_streamed_rows``: the report's columns after its id, then its
    indicator columns placed from the arrays after them (in the writer's thread). The arrays
    come in no particular order (sorting them in each report's aggregate doubled the query's
    time), but in the same order as each other."""
    in_order = _IN_ORDER
    for row in chunk:
        columns = row[width]
        if columns is None:  # no value given
            yield row[1:width]
            continue
        values = row[width + 1]
        yuan = row[width + 2]
        if yuan is not None:
            values = [
                amount if whole is None else whole
                for whole, amount in zip(values, yuan, strict=True)
            ]
        count = len(columns)
        if count < len(in_order) and columns == in_order[count]:
            yield (*row[1:width], *values)
            continue
        cells: IndicatorCells = [None] * (max(columns) + 1)
        for n, value in zip(columns, values, strict=True):
            cells[n] = value
        yield (*row[1:width], *cells)


@contextmanager
def _binary_cursor() -> Iterator[CursorWrapper]:
    """A cursor on Django's PostgreSQL connection whose results come in binary, which psycopg
    reads in a third less time than text arrays. Django's own cursors bind parameters on the
    client, and such cursors cannot ask for binary results; this one binds them on the server,
    and is wrapped as Django wraps its own, so that it is logged and counted like any query."""
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    with wrapper(raw, connection) as cursor:
        yield cursor


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
    # through their sort_path index and sorts only each one's own reports, and the rows come
    # at once. A national cascade's few thousand ids are one query's parameters, once.
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
        for count, rows in _report_rows(reports, indicators, chunk_size, limit):
            if pending is not None:
                done = _written(pending, progress, done, total)
            pending = writer.submit(sheet.write_rows, rows), count
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
