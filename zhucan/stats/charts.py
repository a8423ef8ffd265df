"""The dashboard's charts as data: each one a small table (labels × series) that the page
renders twice, as an ECharts chart and as an accessible HTML table, so both show the same
figures. The browser script (static/zhucan/stats-charts.js) reads them from a json_script."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from zhucan.stats import metrics
from zhucan.stats.selectors import COMPLETENESS_KINDS, Dashboard


@dataclass
class Chart:
    key: str
    table: str  # the key of the table with the same figures
    kind: str  # "bar" or "pie"
    title: str
    label_heading: str
    labels: list[str]
    series: list[tuple[str, list[float | int | None]]]

    @property
    def rows(self) -> list[tuple[str, list[Any]]]:
        return [
            (label, [values[i] for _name, values in self.series])
            for i, label in enumerate(self.labels)
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": self.labels,
            "series": [{"name": name, "values": values} for name, values in self.series],
        }


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _known(value: Decimal | None) -> float | int | None:
    """None (no report gave it) stays a gap in the chart, not a bar of 0."""
    return None if value is None else _number(value)


def _line_name(line: Any) -> str:
    return _("This level: %(name)s") % {"name": line.name} if line.is_node else line.name


def build_charts(board: Dashboard) -> list[Chart]:
    """Charts that have something to show, in the order of the page."""
    charts: list[Chart] = []
    lines, total = board.lines, board.total
    if total.reports:
        charts.append(
            Chart(
                "lines",
                "overview",
                "bar",
                _("Reports and disabled people served, by organisation"),
                _("Organisation"),
                [_line_name(line) for line in lines],
                [
                    (_("Reports"), [line.reports for line in lines]),
                    (
                        _("Disabled people served"),
                        [_known(line.known("disabled_served")) for line in lines],
                    ),
                ],
            )
        )
        categories = [(k, str(label)) for k, label in metrics.category_columns() if total.get(k)]
        charts.append(
            Chart(
                "categories",
                "activities",
                "bar",
                _("Activities by category"),
                _("Category"),
                [label for _k, label in categories],
                [(_("Activities"), [_number(total.get(k)) for k, _label in categories])],
            )
        )
        modes = [(k, str(label)) for k, label in metrics.mode_columns() if total.get(k)]
        charts.append(
            Chart(
                "modes",
                "activities",
                "pie",
                _("Activities online and in person"),
                _("Mode"),
                [label for _k, label in modes],
                [(_("Activities"), [_number(total.get(k)) for k, _label in modes])],
            )
        )
        visits = [(k, str(label)) for k, label in metrics.visit_columns() if total.get(k)]
        if visits:
            charts.append(
                Chart(
                    "visits",
                    "visits",
                    "bar",
                    _("Visits by what was visited"),
                    _("Visited"),
                    [label for _k, label in visits],
                    [(_("Visits"), [_number(total.get(k)) for k, _label in visits])],
                )
            )
    with_recipients = [line for line in lines if line.completeness.get("expected")]
    if with_recipients:
        names = {
            "receipt": _("Signed for the notice (%)"),
            "plan": _("Plan submitted (%)"),
            "report": _("Reports submitted (%)"),
        }
        charts.append(
            Chart(
                "completeness",
                "completeness",
                "bar",
                _("Share of recipients that delivered, by organisation"),
                _("Organisation"),
                [_line_name(line) for line in with_recipients],
                [
                    (names[kind], [line.rate(kind) for line in with_recipients])
                    for kind in COMPLETENESS_KINDS
                ],
            )
        )
    return charts
