"""Dates and editions of recurring days: 全国助残日 is the third Sunday of May since 1991."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from typing import Protocol


class DateRuleLike(Protocol):
    date_rule: str
    month: int | None
    day: int | None
    weekday: int | None
    nth: int | None
    first_year: int | None


def day_in_year(kind: DateRuleLike, year: int) -> date | None:
    if kind.date_rule == "fixed" and kind.month and kind.day:
        return date(year, kind.month, kind.day)
    if kind.date_rule == "nth_weekday" and kind.month and kind.weekday is not None and kind.nth:
        days = [
            week[kind.weekday]
            for week in _calendar.monthcalendar(year, kind.month)
            if week[kind.weekday] != 0
        ]
        return date(year, kind.month, days[kind.nth - 1])
    return None


def edition_in_year(kind: DateRuleLike, year: int) -> int | None:
    if kind.first_year and year >= kind.first_year:
        return year - kind.first_year + 1
    return None


# The days a committee commonly runs campaigns for. Editable later in the admin.
STANDARD_KINDS = [
    # name, rule, month, day, weekday, nth, first year
    ("全国助残日", "nth_weekday", 5, None, 6, 3, 1991),
    ("国际残疾人日", "fixed", 12, 3, None, None, 1992),
    ("全国爱耳日", "fixed", 3, 3, None, None, 2000),
    ("全国爱眼日", "fixed", 6, 6, None, None, 1996),
    ("残疾预防日", "fixed", 8, 25, None, None, 2017),
    ("国际盲人节", "fixed", 10, 15, None, None, 1984),
    ("世界孤独症日", "fixed", 4, 2, None, None, 2008),
    ("全国特殊教育宣传周", "none", None, None, None, None, None),
]


def suggested_deadlines(*, day: date | None, today: date) -> dict[str, date]:
    """Deadlines to offer when a notice is published without its own.

    Signing two days after publishing (never after the plans); plans a week after, but at
    least three days before the day so that the office above can still read them; reports a
    week after the day (or three weeks after the plans when the day is past or unknown); the
    summary a week after the reports.
    """
    plans = today + timedelta(days=7)
    if day is not None and day > today:
        plans = max(today + timedelta(days=1), min(plans, day - timedelta(days=3)))
        reports = max(day + timedelta(days=7), plans)
    else:
        reports = plans + timedelta(days=21)
    return {
        "receipts_due": min(today + timedelta(days=2), plans),
        "plans_due": plans,
        "reports_due": reports,
        "summary_due": reports + timedelta(days=7),
    }
