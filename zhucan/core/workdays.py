"""Working days: Monday to Friday, less the public holidays, plus the weekend days worked in
their place (调休), as the administrator keeps them in ``CalendarDay``.

Deadlines count in working days (help requests' acknowledgement and answer, their overdue
escalation). Each process keeps a year's exceptions in memory once read: a deadline walks day
by day, and the calendar changes once or twice a year. A change made here (a save or a delete,
``calendar_changed``) clears this process's copy at once; other processes read the year again
after ``KEEP_SECONDS``. A year nobody entered counts Monday to Friday only, so its deadlines
are a little early, never late.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from zhucan.core.models import CalendarDay

KEEP_SECONDS = 600

# year -> (when read, holidays, weekend days worked)
_years: dict[int, tuple[float, frozenset[date], frozenset[date]]] = {}


def calendar_changed() -> None:
    """Forget the years read so far (in this process)."""
    _years.clear()


def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    kept = _years.get(year)
    now = time.monotonic()
    if kept is None or now - kept[0] > KEEP_SECONDS:
        rows = CalendarDay.objects.filter(day__year=year).values_list("day", "kind")
        days = list(rows)
        holidays = frozenset(d for d, kind in days if kind == CalendarDay.Kind.HOLIDAY)
        worked = frozenset(d for d, kind in days if kind == CalendarDay.Kind.WORKING_WEEKEND_DAY)
        kept = (now, holidays, worked)
        _years[year] = kept
    return kept[1], kept[2]


def is_working_day(day: date) -> bool:
    holidays, worked = _year(day.year)
    if day in holidays:
        return False
    return day in worked or day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days after ``start`` up to and including ``end`` (0 if none)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
