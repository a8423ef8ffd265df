"""Changes to the holiday calendar (``CalendarDay``), audited; the admin pages call these."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.models import CalendarDay
from zhucan.core.workdays import calendar_changed


def _forget() -> None:
    # Now, so the rest of this transaction reads the change, and again at the commit, in case
    # another request of this process read the year in between.
    calendar_changed()
    transaction.on_commit(calendar_changed)


@transaction.atomic
def save_calendar_day(*, by: Actor, day: date, kind: str, name: str) -> CalendarDay:
    """Enter ``day`` as a holiday or a weekend day worked, or change how it is entered.
    Requests already received keep the deadlines they were given."""
    row = CalendarDay.objects.select_for_update().filter(day=day).first()
    values = {"day": day, "kind": kind, "name": name.strip()}
    if row is None:
        row = CalendarDay(**values)
        row.full_clean()
        row.save()
        audit.record(by=by, action="core.calendar_day.added", target=row, changes=values)
    else:
        changes = audit.diff(row, values)
        for field, value in values.items():
            setattr(row, field, value)
        row.full_clean()
        if changes:
            row.save()
            audit.record(by=by, action="core.calendar_day.changed", target=row, changes=changes)
    _forget()
    return row


@transaction.atomic
def delete_calendar_day(*, by: Actor, day: date) -> None:
    """Take ``day`` off the calendar: it is again what its weekday says."""
    row = CalendarDay.objects.select_for_update().filter(day=day).first()
    if row is None:
        return
    audit.record(
        by=by,
        action="core.calendar_day.removed",
        target=row,
        changes={"day": day, "kind": row.kind, "name": row.name},
    )
    row.delete()
    _forget()
