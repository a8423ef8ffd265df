"""Status against a deadline, and which reminder is due on which day: pure functions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhucan.completeness.deliverables import Status, status_of
from zhucan.completeness.models import ReminderSchedule
from zhucan.completeness.schedule import escalation_due, reminder_due
from zhucan.conftest import World

DUE = date(2020, 5, 13)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.mark.parametrize(
    ("delivered", "today", "expected"),
    [
        (DUE, DUE + timedelta(days=3), Status.ON_TIME),
        (DUE + timedelta(days=1), DUE + timedelta(days=3), Status.LATE),
        (None, DUE, Status.MISSING),  # due today: not yet overdue
        (None, DUE + timedelta(days=1), Status.OVERDUE),
    ],
)
def test_status_against_the_deadline(delivered: date | None, today: date, expected: Status) -> None:
    assert status_of(delivered, DUE, today) == expected


def test_without_a_deadline_nothing_is_late_or_overdue() -> None:
    assert status_of(None, None, date(2030, 1, 1)) == Status.MISSING
    assert status_of(date(2030, 1, 1), None, date(2030, 1, 1)) == Status.ON_TIME


@pytest.mark.parametrize(
    ("signed", "expected"),
    [
        # 23:59 in Beijing is 15:59 UTC the same day; 00:01 the next day is still the due day
        # in UTC, but late in Beijing: the office's day counts, not the database's.
        (local(DUE, 23, 59), Status.ON_TIME),
        (local(DUE + timedelta(days=1), 0, 1), Status.LATE),
    ],
)
def test_the_whole_due_day_counts_in_the_offices_time_zone(
    world: World, signed: datetime, expected: Status
) -> None:
    from zhucan.campaigns.models import Receipt
    from zhucan.campaigns.services import set_deadlines
    from zhucan.completeness.selectors import expected_rows
    from zhucan.testing.factories import make_campaign

    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    campaign = set_deadlines(
        by=world.city_officer,
        campaign=campaign,
        version=campaign.version,
        plans_due=DUE,
        reports_due=None,
        summary_due=None,
    )
    Receipt.objects.filter(campaign=campaign, organisation=world.county_a).update(signed_at=signed)
    rows = {r.organisation_id: r for r in expected_rows([campaign], today=DUE + timedelta(days=9))}
    assert rows[world.county_a.pk].cells["receipt"].status == expected
    assert rows[world.county_b.pk].cells["receipt"].status == Status.OVERDUE


def schedule(**values: Any) -> ReminderSchedule:
    return ReminderSchedule(**({"days_before": 3, "repeat_every_days": 3} | values))


def test_before_the_deadline_one_reminder_in_the_window() -> None:
    s = schedule()
    assert reminder_due(s, DUE, DUE - timedelta(days=4)) is None
    first = reminder_due(s, DUE - timedelta(days=0), DUE - timedelta(days=3))
    on_the_day = reminder_due(s, DUE, DUE)
    assert first is not None and on_the_day is not None
    assert first.stage == on_the_day.stage == "before"
    assert first.key == on_the_day.key  # the same reminder: sent once in the window


def test_after_the_deadline_again_every_n_days() -> None:
    s = schedule(repeat_every_days=3)
    keys = [reminder_due(s, DUE, DUE + timedelta(days=n)).key for n in range(1, 8)]  # type: ignore[union-attr]
    # Days 1-3 are one round, 4-6 the next, 7 the third.
    assert len(set(keys[0:3])) == 1 and len(set(keys[3:6])) == 1
    assert len(set(keys)) == 3
    assert all(k.startswith("after:") for k in keys)


def test_repeat_zero_means_one_reminder_after_the_deadline() -> None:
    s = schedule(repeat_every_days=0)
    keys = {reminder_due(s, DUE, DUE + timedelta(days=n)).key for n in range(1, 30)}  # type: ignore[union-attr]
    assert len(keys) == 1


def test_escalation_once_after_the_set_days() -> None:
    s = schedule(escalate_after_days=5)
    assert escalation_due(s, DUE, DUE + timedelta(days=4)) is None
    day5 = escalation_due(s, DUE, DUE + timedelta(days=5))
    day9 = escalation_due(s, DUE, DUE + timedelta(days=9))
    assert day5 is not None and day9 is not None and day5.key == day9.key
    assert escalation_due(schedule(escalate_after_days=0), DUE, DUE + timedelta(days=99)) is None


def test_no_deadline_no_reminder() -> None:
    assert reminder_due(schedule(), None, DUE) is None
    assert escalation_due(schedule(escalate_after_days=1), None, DUE) is None
