"""Working days follow the holiday calendar: a holiday is off, a weekend day worked (调休)
counts, the 2026 State Council dates are entered, and a change is read at once and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from zhucan.conftest import World
from zhucan.core.holiday_calendar import delete_calendar_day, save_calendar_day
from zhucan.core.models import AuditEntry, CalendarDay
from zhucan.core.workdays import add_working_days, is_working_day, working_days_between
from zhucan.helprequests.models import HelpSettings
from zhucan.helprequests.tests.factories import make_request
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_user

pytestmark = pytest.mark.django_db

HOLIDAY = CalendarDay.Kind.HOLIDAY
WORKED = CalendarDay.Kind.WORKING_WEEKEND_DAY


def test_the_2026_holidays_are_entered() -> None:
    assert CalendarDay.objects.filter(day__year=2026, kind=HOLIDAY).count() == 33
    worked = CalendarDay.objects.filter(kind=WORKED).values_list("day", flat=True)
    assert sorted(worked) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]


def test_a_holiday_is_off_and_a_weekend_day_worked_counts() -> None:
    assert not is_working_day(date(2026, 10, 5))  # Monday, 国庆
    assert is_working_day(date(2026, 10, 10))  # Saturday, 调休
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert is_working_day(date(2026, 10, 9))  # an ordinary Friday


def test_a_request_received_before_the_national_day_is_due_after_it(
    world: World, monkeypatch: Any
) -> None:
    HelpSettings.objects.create(organisation=world.county_a, acknowledge_days=2, answer_days=5)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2026, 9, 30))
    made = make_request(world)
    # 1–7 October off; 8 (Thu), 9 (Fri), 10 (the Saturday worked), 12, 13.
    assert made.acknowledge_due == date(2026, 10, 9)
    assert made.answer_due == date(2026, 10, 13)


def test_a_weekend_day_worked_is_a_working_day_for_a_deadline() -> None:
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_overdue_days_skip_the_holiday() -> None:
    # Due 30 September, still open on 8 October: one working day late, not six.
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 8)) == 1


def test_a_day_entered_or_removed_is_read_at_once_and_audited(world: World) -> None:
    friday = date(2027, 4, 30)
    assert is_working_day(friday)
    save_calendar_day(by=world.city_admin, day=friday, kind=HOLIDAY, name="劳动节")
    assert not is_working_day(friday)
    entry = AuditEntry.objects.get(action="core.calendar_day.added")
    assert entry.actor == world.city_admin and entry.changes["name"] == "劳动节"
    delete_calendar_day(by=world.city_admin, day=friday)
    assert is_working_day(friday)
    assert AuditEntry.objects.filter(action="core.calendar_day.removed").count() == 1


def test_only_a_weekend_day_can_be_a_weekend_day_worked(world: World) -> None:
    with pytest.raises(ValidationError):
        save_calendar_day(by=world.city_admin, day=date(2027, 5, 3), kind=WORKED, name="调休")
    assert not CalendarDay.objects.filter(day=date(2027, 5, 3)).exists()


def test_an_administrator_enters_a_day_in_the_admin(world: World) -> None:
    root = make_user(username="root_calendar", is_superuser=True, is_staff=True)
    client = login_verified(Client(), root)
    response = client.post(
        "/django-admin/core/calendarday/add/",
        {"day": "2027-10-01", "kind": HOLIDAY, "name": "国庆节"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not is_working_day(date(2027, 10, 1))
    assert AuditEntry.objects.get(action="core.calendar_day.added").actor == root
    listing = client.get("/django-admin/core/calendarday/").content.decode()
    assert "国庆节" in listing
