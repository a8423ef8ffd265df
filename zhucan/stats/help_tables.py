"""The help-requests section's tables, defined once: the dashboard renders them and its Excel
writes them, so the sheet has the page's figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhucan.stats.help_requests import HelpCounts, HelpFigures, HelpLine
from zhucan.stats.tables import COUNT, PERCENT, cell_text


@dataclass(frozen=True)
class HelpColumn:
    heading: str
    value: Callable[[HelpCounts], int | None]
    kind: str = COUNT


def columns() -> list[HelpColumn]:
    return [
        HelpColumn(_("Received"), lambda c: c.received),
        HelpColumn(_("Answered"), lambda c: c.answered),
        HelpColumn(_("Answered on time"), lambda c: c.answered_on_time),
        HelpColumn(_("Answered on time (%)"), lambda c: c.on_time_rate, PERCENT),
        HelpColumn(_("Acknowledged on time"), lambda c: c.acknowledged_on_time),
        HelpColumn(_("Still open"), lambda c: c.open),
        HelpColumn(_("Open and overdue"), lambda c: c.overdue),
    ]


@dataclass
class HelpTable:
    key: str
    title: str  # the table's heading, and the sheet's name
    caption: str
    row_heading: str
    lines: list[HelpLine]
    total: HelpCounts
    columns: list[HelpColumn]

    def label(self, line: HelpLine) -> str:
        if line.is_node:
            return _("This level: %(name)s") % {"name": line.name}
        return line.name

    def cells(self, counts: HelpCounts) -> list[tuple[Any, str]]:
        return [(column.value(counts), column.kind) for column in self.columns]

    @property
    def rows(self) -> list[tuple[str, list[tuple[Any, str]]]]:
        return [(self.label(line), self.cells(line.counts)) for line in self.lines]

    @property
    def page_rows(self) -> list[tuple[str, list[str]]]:
        return [(label, [cell_text(v, k) for v, k in cells]) for label, cells in self.rows]

    @property
    def page_total(self) -> list[str]:
        return [cell_text(v, k) for v, k in self.cells(self.total)]


def help_tables(figures: HelpFigures) -> list[HelpTable]:
    """By organisation directly below, then by kind; none when no request counts."""
    if not figures.total.received:
        return []
    return [
        HelpTable(
            "help-organisations",
            _("Help requests by organisation"),
            _(
                "Requests each organisation directly below is responsible for, with everything "
                "under it."
            ),
            _("Organisation"),
            figures.organisations,
            figures.total,
            columns(),
        ),
        HelpTable(
            "help-kinds",
            _("Help requests by kind"),
            _("Requests of each kind of help asked for."),
            _("Kind of help asked for"),
            figures.kinds,
            figures.total,
            columns(),
        ),
    ]
