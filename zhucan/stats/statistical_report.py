"""The statistical report (统计表) the level above asks for: one fixed sheet per node.

Layout, row by row:

1. the title 「<year>年全国助残日活动统计表」, merged across the table;
2. 填报单位：<node> on the left half, 填报日期：<today> on the right;
3-4. a two-row header: 单位; 活动 over 场次 线上 线下; 参与人数; 服务残疾人; 志愿者; 慰问 over
   困难家庭户数 机构数; 资金物资 over 慰问金/元 物资折款/元; then each of the campaign's
   indicators (single headings merge down both rows);
5… one row per child organisation of the node, then 本级 (the node's own reports), then 合计;
then a 说明 line, a blank line and 填表人： 审核人： 联系电话： to fill in by hand.

The figures are the roll-up cells of the node and its children (``selectors.cell_figures``,
one query), so it takes the same time for a county as for the whole country. It is always the
whole campaign with its cascade: the dashboard's filters do not apply to a form sent upwards.
Written with openpyxl's ordinary (not write-only) workbook for the merged cells; a few dozen
rows, so memory is no concern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from zhucan.activities.figures import FIGURES, Figure, amounts, people
from zhucan.activities.models import Indicator, InstitutionKind, Mode
from zhucan.activities.services.reports import indicators_for
from zhucan.campaigns.models import Campaign
from zhucan.core.excel import is_formula_like
from zhucan.orgs.models import Organisation
from zhucan.stats import metrics
from zhucan.stats.selectors import ZERO, cell_figures

COUNT_FORMAT = "#,##0"
YUAN_FORMAT = "#,##0.00"
TITLE_ROW, INFO_ROW, GROUP_ROW, HEADING_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
FONT = "宋体"

Figures = dict[str, Decimal]


def _sum(*keys: str) -> Callable[[Figures], Decimal]:
    return lambda figures: sum((figures.get(k, ZERO) for k in keys), ZERO)


def _people(metric: str) -> Callable[[Figures], Decimal | None]:
    """A people count a report may leave blank: None (an empty cell) when no report gave it,
    so that unknown is not written as 0; a reported 0 stays 0."""
    return lambda figures: figures.get(metric, ZERO) if figures.get(metrics.given(metric)) else None


@dataclass(frozen=True)
class Column:
    group: str  # the heading over several columns; "" for a column headed on both rows
    heading: str
    value: Callable[[Figures], Decimal | None]
    yuan: bool = False
    width: int = 10


INSTITUTION_VISITS = [metrics.visit(kind) for kind in InstitutionKind.values]


def _figure(figure: Figure) -> Column:
    value = _people(figure.name) if figure.may_be_unknown else _sum(figure.name)
    return Column(
        figure.sheet_group,
        figure.sheet_heading,
        value,
        yuan=figure.is_yuan,
        width=figure.sheet_width,
    )


def fixed_columns(figures: tuple[Figure, ...] = FIGURES) -> list[Column]:
    """The activities, the report's people counts, the visits, then its amounts in yuan."""
    return [
        Column("活动", "场次", _sum(metrics.REPORTS)),
        # An activity both online and in person counts in each of the two (the note says so).
        Column("活动", "线上", _sum(metrics.mode(Mode.ONLINE), metrics.mode(Mode.BOTH))),
        Column("活动", "线下", _sum(metrics.mode(Mode.IN_PERSON), metrics.mode(Mode.BOTH))),
        *map(_figure, people(figures)),
        Column("慰问", "困难家庭户数", _sum(metrics.HOUSEHOLDS), width=12),
        Column("慰问", "机构数", _sum(*INSTITUTION_VISITS)),
        *map(_figure, amounts(figures)),
    ]


FIXED_COLUMNS = fixed_columns()
NOTE = (
    "说明：数字为已审核通过的活动情况汇总，含本级及所属单位转发的活动；线上线下结合的活动在"
    "“线上”“线下”两栏各计一次；机构数为慰问机构的次数；"
    + "、".join(f.sheet_heading for f in FIGURES if f.may_be_unknown)
    + "为填报了该项的活动之和，空白表示均未填报。"
)


def columns_for(indicators: list[Indicator]) -> list[Column]:
    return FIXED_COLUMNS + [
        Column(
            "",
            f"{i.name}/元" if i.unit == Indicator.Unit.YUAN else i.name,
            _sum(metrics.indicator(i.pk)),
            yuan=i.unit == Indicator.Unit.YUAN,
            width=max(10, min(16, len(i.name) + 2)),
        )
        for i in indicators
    ]


@dataclass
class Row:
    label: str
    figures: Figures


def report_rows(campaign: Campaign, node: Organisation) -> tuple[list[Row], Row]:
    """Each child of the node (every one, with zeros where nothing was accepted, and empty
    people counts where no report gave them), 本级 and 合计. The total is the sum of the
    rows, which is the node's own cell."""
    children = list(Organisation.objects.filter(parent=node).in_order().values_list("pk", "name"))
    figures, _as_of = cell_figures(campaign, node, [pk for pk, _name in children])
    rows = [Row(name, figures.get(pk, {})) for pk, name in children]
    rows.append(Row("本级", figures.get(0, {})))
    total: Figures = {}
    for row in rows:
        for metric, value in row.figures.items():
            total[metric] = total.get(metric, ZERO) + value
    return rows, Row("合计", total)


def label_width(labels: list[str]) -> int:
    """Column A's width in Excel's units (about one per Latin letter, two per Chinese
    character): wide enough for the longest name, as 新华区人民政府残疾人工作委员会 is 30, up
    to 44 (longer names wrap; the figures must still fit an A4 landscape page)."""
    widest = max(
        (sum(2 if east_asian_width(ch) in "WF" else 1 for ch in label) for label in labels),
        default=0,
    )
    return max(16, min(44, widest + 2))


def _text(ws: Worksheet, row: int, column: int, value: str, **style: Any) -> Any:
    """A text cell that stays text, whatever it starts with (as core.excel does)."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _number(ws: Worksheet, row: int, column: int, value: Decimal | None, yuan: bool) -> Any:
    cell = ws.cell(row=row, column=column)
    if value is not None:  # None: no report gave the figure, left empty rather than 0
        cell.value = value if yuan else int(value)
    cell.number_format = YUAN_FORMAT if yuan else COUNT_FORMAT
    cell.border = BORDER
    cell.font = Font(name=FONT, size=10)
    return cell


def _header(ws: Worksheet, columns: list[Column]) -> None:
    bold = Font(name=FONT, size=10, bold=True)
    style = {"font": bold, "alignment": CENTRE, "border": BORDER}
    _text(ws, GROUP_ROW, 1, "单位", **style)
    _text(ws, HEADING_ROW, 1, "", border=BORDER)
    ws.merge_cells(start_row=GROUP_ROW, start_column=1, end_row=HEADING_ROW, end_column=1)
    index = 0
    while index < len(columns):
        column = columns[index]
        first = index + 2
        if not column.group:
            _text(ws, GROUP_ROW, first, column.heading, **style)
            _text(ws, HEADING_ROW, first, "", border=BORDER)
            ws.merge_cells(
                start_row=GROUP_ROW, start_column=first, end_row=HEADING_ROW, end_column=first
            )
            index += 1
            continue
        end = index + 1
        while end < len(columns) and columns[end].group == column.group:
            end += 1
        span = columns[index:end]  # the group's columns, side by side
        _text(ws, GROUP_ROW, first, column.group, **style)
        for offset, member in enumerate(span):
            if offset:
                _text(ws, GROUP_ROW, first + offset, "", border=BORDER)
            _text(ws, HEADING_ROW, first + offset, member.heading, **style)
        ws.merge_cells(
            start_row=GROUP_ROW,
            start_column=first,
            end_row=GROUP_ROW,
            end_column=first + len(span) - 1,
        )
        index += len(span)


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    # Fit the columns to the page's width; as many pages down as the rows need.
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{GROUP_ROW}:{HEADING_ROW}"  # the header on every printed page
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    footer = ws.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "第 &P 页，共 &N 页"


def statistical_report_workbook(
    campaign: Campaign, node: Organisation, *, filled_on: date
) -> bytes:
    """The 统计表 of ``campaign`` (with its cascade) for ``node``, as .xlsx bytes. The caller
    has checked that the person sees the campaign and the node, and that the node lies in the
    campaign's tree."""
    columns = columns_for(indicators_for(campaign))
    rows, total = report_rows(campaign, node)
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = "统计表"
    width = len(columns) + 1
    last = get_column_letter(width)

    _text(
        ws,
        TITLE_ROW,
        1,
        f"{campaign.year}年全国助残日活动统计表",
        font=Font(name="黑体", size=16, bold=True),
        alignment=Alignment(horizontal="center", vertical="center"),
    )
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 30
    half = max(1, width // 2)
    _text(ws, INFO_ROW, 1, f"填报单位：{node.name}", font=Font(name=FONT, size=11))
    ws.merge_cells(start_row=INFO_ROW, start_column=1, end_row=INFO_ROW, end_column=half)
    _text(
        ws,
        INFO_ROW,
        half + 1,
        f"填报日期：{filled_on.year}年{filled_on.month}月{filled_on.day}日",
        font=Font(name=FONT, size=11),
        alignment=Alignment(horizontal="right"),
    )
    if half + 1 < width:
        ws.merge_cells(
            start_row=INFO_ROW, start_column=half + 1, end_row=INFO_ROW, end_column=width
        )

    _header(ws, columns)
    ws.row_dimensions[HEADING_ROW].height = 32

    # The totals are numbers, not =SUM() formulas: every export here is formula-safe (no cell
    # the spreadsheet computes), so the figures read the same in any viewer (a phone's
    # preview, a program reading the file back, a spreadsheet with calculation off) and the
    # total is the roll-up's own figure for the node, not what the sheet happens to add up.
    bold = Font(name=FONT, size=10, bold=True)
    at = FIRST_DATA_ROW
    for row in [*rows, total]:
        is_total = row is total
        _text(
            ws,
            at,
            1,
            row.label,
            border=BORDER,
            font=bold if is_total else Font(name=FONT, size=10),
            # Wrapped rather than cut when a name is longer than the column (printed too).
            alignment=Alignment(
                horizontal="center" if is_total else "left", vertical="center", wrap_text=True
            ),
        )
        for offset, column in enumerate(columns, start=2):
            cell = _number(ws, at, offset, column.value(row.figures), column.yuan)
            if is_total:
                cell.font = bold
        at += 1

    _text(ws, at, 1, NOTE, font=Font(name=FONT, size=9), alignment=Alignment(wrap_text=True))
    ws.merge_cells(start_row=at, start_column=1, end_row=at, end_column=width)
    ws.row_dimensions[at].height = 28
    at += 2
    third = max(1, width // 3)
    for n, label in enumerate(("填表人：", "审核人：", "联系电话：")):
        start = 1 + n * third
        end = width if n == 2 else start + third - 1
        _text(ws, at, start, label, font=Font(name=FONT, size=11))
        if end > start:
            ws.merge_cells(start_row=at, start_column=start, end_row=at, end_column=end)

    ws.column_dimensions["A"].width = label_width([row.label for row in rows])
    for offset, column in enumerate(columns, start=2):
        ws.column_dimensions[get_column_letter(offset)].width = column.width
    ws.freeze_panes = f"B{FIRST_DATA_ROW}"
    _print_setup(ws)

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
