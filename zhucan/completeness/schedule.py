"""Which reminder is due today for one missing deliverable. Pure date arithmetic, no queries.

The key of a reminder names its stage and its deadline, so a sweep that runs twice, or a worker
that was stopped for days and comes back, finds the key taken and sends nothing more. A worker
that was away only sends the latest stage that is due, not every one it missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhucan.completeness.models import ReminderSchedule, ReminderSent

Stage = ReminderSent.Stage


@dataclass(frozen=True)
class DueReminder:
    stage: str
    key: str
    due: date
    days_overdue: int  # 0 before and on the deadline


def reminder_due(schedule: ReminderSchedule, due: date | None, today: date) -> DueReminder | None:
    """The reminder to the organisation itself that is due today, if any."""
    if due is None:
        return None
    if today <= due:
        if (due - today).days > schedule.days_before:
            return None
        return DueReminder(Stage.BEFORE, f"before:{due.isoformat()}", due, 0)
    overdue = (today - due).days
    # The first reminder after the deadline goes the day after; then every N days (0: once).
    round_ = (overdue - 1) // schedule.repeat_every_days if schedule.repeat_every_days else 0
    return DueReminder(Stage.AFTER, f"after:{round_}:{due.isoformat()}", due, overdue)


def escalation_due(schedule: ReminderSchedule, due: date | None, today: date) -> DueReminder | None:
    """The one message to the organisation above, once the deliverable is long enough overdue."""
    if due is None or not schedule.escalate_after_days:
        return None
    overdue = (today - due).days
    if overdue < schedule.escalate_after_days:
        return None
    return DueReminder(Stage.ESCALATION, f"escalation:{due.isoformat()}", due, overdue)
