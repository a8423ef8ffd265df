"""The fixed figures every activity report gives (attendance, volunteers, cash, …), defined once.

Everything that lists them is derived from ``FIGURES``, in its order: the report form, its
checks and its page, the Excel import template and both exports, the statistics' metrics and
the rebuild's SQL, the dashboard's and the 统计表's columns, the summary's sums and sentences.
A new figure is one ``Figure`` here (with its label's translation), its column on
``ActivityReport`` with a migration, and its attribute on ``ReportInput``;
``tests/test_figures_defined_once.py`` holds those three equal and finds any list of figure
names kept anywhere else.

Their order is the columns' order everywhere: the people counts first, then the amounts in
yuan (the 统计表 and the summary put the visits between the two, by unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A figure's name is a column and a metric, and the rebuild writes it into its SQL: only
# lowercase identifiers, so that nothing in a name can change what the SQL says.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Unit(StrEnum):
    PEOPLE = "people"  # a whole number of people (or person-times)
    YUAN = "yuan"  # an amount in yuan, with at most two decimals


@dataclass(frozen=True)
class Figure:
    name: str  # the report's field, and the statistics' metric
    label: Promise  # English msgid: the form, the report's page, the dashboard
    unit: Unit
    # Blank means the report does not say (NULL), not zero; totals then say how many reports
    # gave it ("3 of 4 reports"). A figure that may not be unknown is 0 when left blank.
    may_be_unknown: bool
    header: str  # the Excel column: import template, exports
    width: int  # the exports' column width
    sheet_heading: str  # the 统计表's column
    sentence: str  # the summary's clause, "{n}" standing for the figure (or the amount)
    sheet_group: str = ""  # the 统计表's heading over several columns, if any
    sheet_width: int = 10
    # Named in the service's messages ("Cash given cannot be negative."); people counts share
    # one message.
    noun: Promise | None = None
    by_duty: bool = False  # the summary also gives it per duty of the notice

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"A figure's name must be a lowercase identifier: {self.name!r}")

    @property
    def is_yuan(self) -> bool:
        return self.unit == Unit.YUAN

    @property
    def blank(self) -> int | Decimal | None:
        """What a blank field is saved as."""
        if self.may_be_unknown:
            return None
        return Decimal(0) if self.is_yuan else 0


FIGURES: tuple[Figure, ...] = (
    Figure(
        "attendance",
        _("Attendance"),
        Unit.PEOPLE,
        may_be_unknown=True,
        header="参与人数",
        width=10,
        sheet_heading="参与人数",
        sheet_width=11,
        sentence="参与活动{n}人次",
    ),
    Figure(
        "disabled_served",
        _("Disabled people served"),
        Unit.PEOPLE,
        may_be_unknown=True,
        header="服务残疾人数",
        width=12,
        sheet_heading="服务残疾人",
        sheet_width=11,
        sentence="服务残疾人{n}人",
        by_duty=True,
    ),
    Figure(
        "volunteers",
        _("Volunteers"),
        Unit.PEOPLE,
        may_be_unknown=True,
        header="志愿者人数",
        width=10,
        sheet_heading="志愿者",
        sentence="组织志愿者{n}人次",
    ),
    Figure(
        "cash",
        _("Cash given (yuan)"),
        Unit.YUAN,
        may_be_unknown=False,
        header="慰问金（元）",
        width=14,
        sheet_group="资金物资",
        sheet_heading="慰问金/元",
        sheet_width=14,
        sentence="发放慰问金{n}",
        noun=_("Cash given"),
        by_duty=True,
    ),
    Figure(
        "goods_value",
        _("Value of goods (yuan)"),
        Unit.YUAN,
        may_be_unknown=False,
        header="物资折款（元）",
        width=14,
        sheet_group="资金物资",
        sheet_heading="物资折款/元",
        sheet_width=14,
        sentence="发放慰问品折合{n}",
        noun=_("Value of goods"),
        by_duty=True,
    ),
)


# Each reads ``FIGURES`` when called (not when defined), so that what is derived from them
# follows the definition.


def names(figures: tuple[Figure, ...] | None = None) -> tuple[str, ...]:
    return tuple(f.name for f in (FIGURES if figures is None else figures))


def people(figures: tuple[Figure, ...] | None = None) -> tuple[Figure, ...]:
    return tuple(f for f in (FIGURES if figures is None else figures) if not f.is_yuan)


def amounts(figures: tuple[Figure, ...] | None = None) -> tuple[Figure, ...]:
    return tuple(f for f in (FIGURES if figures is None else figures) if f.is_yuan)


def may_be_unknown(figures: tuple[Figure, ...] | None = None) -> tuple[str, ...]:
    return tuple(f.name for f in (FIGURES if figures is None else figures) if f.may_be_unknown)
