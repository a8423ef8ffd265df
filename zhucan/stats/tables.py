"""The dashboard's tables, defined once: the page renders them and the Excel export writes them,
so a sheet always has the page's figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zhucan.activities.models import MediaReport
from zhucan.stats import metrics
from zhucan.stats.selectors import Dashboard, Line

# How a column is shown and exported: a whole number, yuan, or a percentage.
COUNT, YUAN, PERCENT = "count", "yuan", "percent"


@dataclass
class Column:
    heading: str
    value: Callable[[Line], Any]
    kind: str = COUNT
    # A people count a report may leave blank: None is shown as unknown ("—", 未填报 to a
    # screen reader; an empty cell in Excel), and a figure only some reports gave says so.
    may_be_unknown: str = ""


@dataclass
class Table:
    key: str
    title: str  # the section heading, and the sheet's name
    caption: str
    columns: list[Column]
    lines: list[Line]
    total: Line | None
    charts: list[Any] = field(default_factory=list)  # shown above the table, same figures

    def cells(self, line: Line) -> list[tuple[Any, str]]:
        return [(column.value(line), column.kind) for column in self.columns]

    @property
    def rows(self) -> list[tuple[Line, list[tuple[Any, str]]]]:
        return [(line, self.cells(line)) for line in self.lines]

    @property
    def total_cells(self) -> list[tuple[Any, str]]:
        return self.cells(self.total) if self.total is not None else []

    # The page's rows as ready HTML, formatted and escaped here rather than by template loops
    # and filters per cell: the national dashboard has thousands of cells, and the template's
    # per-cell work was most of its time.
    @property
    def body_html(self) -> SafeString:
        this_level = _("This level")
        rows = []
        for line in self.lines:
            name = f"{this_level}：{line.name}" if line.is_node else line.name
            rows.append(
                f'<tr><th scope="row"><a href="{escape(line.href)}">{escape(name)}</a></th>'
                f"{self._cells_html(line)}</tr>"
            )
        return mark_safe("\n".join(rows))  # noqa: S308 - every text is escaped just above

    @property
    def total_html(self) -> SafeString:
        if self.total is None:
            return mark_safe("")
        return mark_safe(self._cells_html(self.total))  # noqa: S308 - escaped in _cells_html

    def _cells_html(self, line: Line) -> str:
        # The standard library's escape, not format_html per cell (three times as slow over a
        # national page's cells).
        unknown = None
        cells = []
        for column in self.columns:
            value = column.value(line)
            if column.may_be_unknown and value is None:
                if unknown is None:
                    unknown = (
                        '<span aria-hidden="true">—</span>'
                        f'<span class="visually-hidden">{escape(_("Not given"))}</span>'
                    )
                cells.append(f'<td class="num">{unknown}</td>')
                continue
            text = escape(cell_text(value, column.kind))
            if column.may_be_unknown:
                given, reports = line.given(column.may_be_unknown), line.reports
                if given < reports:
                    note = _("%(given)s of %(reports)s reports gave it") % {
                        "given": given,
                        "reports": reports,
                    }
                    text += f'<br><small class="stats-partial">{escape(note)}</small>'
            cells.append(f'<td class="num">{text}</td>')
        return "".join(cells)


def cell_text(value: Any, kind: str) -> str:
    """As the page shows a figure: yuan with two decimals, counts whole (two decimals only when
    a figure has them), percentages with a sign or a dash when there is nothing to divide;
    thousands grouped as in Chinese and English alike."""
    if kind == PERCENT:
        return "—" if value is None else f"{value}%"
    if value is None:
        return ""
    number = Decimal(value)
    if kind == YUAN:
        return f"{number:,.2f}"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,.2f}"


def _figure(metric: str) -> Callable[[Line], Decimal]:
    return lambda line: line.get(metric)


def _people(metric: str) -> Callable[[Line], Decimal | None]:
    return lambda line: line.known(metric)


def _media(kind: str) -> Callable[[Line], int]:
    return lambda line: line.media.get(kind, 0)


def _done(kind: str) -> Callable[[Line], int]:
    return lambda line: line.completeness.get(kind, 0)


def _rate(kind: str) -> Callable[[Line], int | None]:
    return lambda line: line.rate(kind)


def build_tables(board: Dashboard) -> list[Table]:
    lines, total = board.lines, board.total
    caption = _("Each organisation directly below, with everything under it.")
    overview = Table(
        "overview",
        _("Overview"),
        caption,
        [
            Column(_("Reports"), lambda line: line.reports),
            *[
                Column(str(label), _people(key), may_be_unknown=key)
                if key in metrics.MAY_BE_UNKNOWN
                else Column(str(label), _figure(key), YUAN if money else COUNT)
                for key, label, money in metrics.FIGURES
            ],
            Column(_("Households visited"), _figure(metrics.HOUSEHOLDS)),
            Column(_("Media reports"), lambda line: line.media_total),
        ],
        lines,
        total,
    )
    activities = Table(
        "activities",
        _("Activities by category and mode"),
        caption,
        [Column(str(label), _figure(key)) for key, label in metrics.category_columns()]
        + [Column(str(label), _figure(key)) for key, label in metrics.mode_columns()],
        lines,
        total,
    )
    visits = Table(
        "visits",
        _("Visits"),
        caption,
        [Column(str(label), _figure(key)) for key, label in metrics.visit_columns()]
        + [Column(_("Households visited"), _figure(metrics.HOUSEHOLDS))],
        lines,
        total,
    )
    indicators = Table(
        "indicators",
        _("Indicators"),
        caption,
        [
            Column(
                i.name,
                _figure(metrics.indicator(i.pk)),
                YUAN if i.unit == i.Unit.YUAN else COUNT,
            )
            for i in board.indicators
        ],
        lines,
        total,
    )
    media = Table(
        "media",
        _("Media coverage"),
        caption,
        [Column(str(label), _media(kind)) for kind, label in MediaReport.Kind.choices]
        + [Column(_("Total"), lambda line: line.media_total)],
        lines,
        total,
    )
    completeness = Table(
        "completeness",
        _("Completeness"),
        _(
            "Recipients of the notice and its cascade under each organisation, and how many "
            "delivered each thing."
        ),
        [
            Column(_("Recipients"), _done("expected")),
            Column(_("Signed for the notice"), _done("receipt")),
            Column(_("Signed (%)"), _rate("receipt"), PERCENT),
            Column(_("Plan submitted"), _done("plan")),
            Column(_("Plans (%)"), _rate("plan"), PERCENT),
            Column(_("Reports submitted"), _done("report")),
            Column(_("Reports (%)"), _rate("report"), PERCENT),
        ],
        [line for line in lines if line.completeness.get("expected")],
        total,
    )
    tables = [overview, activities, visits]
    if board.indicators:
        tables.append(indicators)
    tables += [media, completeness]
    return tables
