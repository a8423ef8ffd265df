"""The metrics a cell can hold, what each one means, and what one accepted report adds.

Every accepted report adds, with a count of 1 each:

* ``reports`` (value 1), and each of its fixed figures (``activities.figures``: ``cash``,
  ``attendance``, …), zero included, except that a figure left unknown adds nothing, so a
  cell's count says how many reports gave it ("3 of 4"),
* ``category:<category>`` and ``mode:<mode>`` (value 1),

then one ``indicator:<indicator id>`` per indicator value it gives (ids, not codes: a
campaign's own indicator may reuse a default code), and per visit ``visit:household`` or
``visit:<institution kind>`` (value 1) and, for households, ``households`` (the households
visited). The rebuild's SQL (services/rebuild.py) says the same in SQL; a test holds them equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhucan.activities import figures as report_figures
from zhucan.activities.models import Category, InstitutionKind, Mode, Visit

REPORTS = "reports"
# (metric, label, is an amount in yuan): the report's fixed figures (activities.figures).
FIGURES: tuple[tuple[str, Any, bool], ...] = tuple(
    (f.name, f.label, f.is_yuan) for f in report_figures.FIGURES
)
# People counts a report may leave blank (unknown, not zero). Read side only: next to each, the
# dashboards carry ``given(metric)``, how many reports gave it (the cell's count), so that a
# figure no report gave shows as unknown and a reported 0 as 0.
MAY_BE_UNKNOWN = report_figures.may_be_unknown()
HOUSEHOLDS = "households"
HOUSEHOLD_VISITS = f"visit:{Visit.Kind.HOUSEHOLD.value}"
MONEY = {key for key, _label, money in FIGURES if money}


def category(value: str) -> str:
    return f"category:{value}"


def mode(value: str) -> str:
    return f"mode:{value}"


def given(metric: str) -> str:
    """The key under which the dashboards carry how many reports gave ``metric``."""
    return f"given:{metric}"


def indicator(pk: int) -> str:
    return f"indicator:{pk}"


def visit(kind: str) -> str:
    return f"visit:{kind}"


def category_columns() -> list[tuple[str, Any]]:
    return [(category(value), label) for value, label in Category.choices]


def mode_columns() -> list[tuple[str, Any]]:
    return [(mode(value), label) for value, label in Mode.choices]


def visit_columns() -> list[tuple[str, Any]]:
    return [(HOUSEHOLD_VISITS, _("Families in difficulty"))] + [
        (visit(value), label) for value, label in InstitutionKind.choices
    ]


Figures = dict[str, tuple[Decimal, int]]


@dataclass
class Contribution:
    """What one report adds to every cell it counts in."""

    figures: Figures

    def add(self, metric: str, value: Any, count: int = 1) -> None:
        old_value, old_count = self.figures.get(metric, (Decimal(0), 0))
        self.figures[metric] = (old_value + Decimal(value), old_count + count)


def contribution(
    report: Any,
    values: Iterable[tuple[int, Decimal]],
    visits: Iterable[tuple[str, str | None, int]],
) -> Contribution:
    """``values``: (indicator id, value); ``visits``: (kind, institution kind, households)."""
    result = Contribution({})
    result.add(REPORTS, 1)
    for key, _label, _money in FIGURES:
        value = getattr(report, key)
        if value is not None:  # unknown is not zero: it is not counted as given
            result.add(key, value)
    result.add(category(report.category), 1)
    result.add(mode(report.mode), 1)
    for indicator_id, value in values:
        result.add(indicator(indicator_id), value)
    for kind, institution_kind, households in visits:
        if kind == Visit.Kind.HOUSEHOLD:
            result.add(HOUSEHOLD_VISITS, 1)
            result.add(HOUSEHOLDS, households)
        else:
            result.add(visit(institution_kind or ""), 1)
    return result
