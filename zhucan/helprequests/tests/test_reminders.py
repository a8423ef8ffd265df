"""Overdue requests: reminded, then escalated a level at a time, each message once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zhucan.completeness.services import run_sweep
from zhucan.conftest import World
from zhucan.helprequests.models import HelpReminder, HelpRequest
from zhucan.helprequests.services import acknowledge_request, assign_request
from zhucan.helprequests.services.reminders import sweep_help_requests
from zhucan.helprequests.tests.factories import make_request, make_township
from zhucan.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _due(request: HelpRequest, day: date) -> None:
    HelpRequest.objects.filter(pk=request.pk).update(acknowledge_due=day, answer_due=day)


def test_an_unacknowledged_request_reminds_the_county_once(world: World) -> None:
    made = make_request(world)
    due = date(2026, 12, 1)  # a Tuesday
    _due(made, due)
    assert sweep_help_requests(due + timedelta(days=1)) == 1
    assert sweep_help_requests(due + timedelta(days=1)) == 0
    assert Notification.objects.filter(user=world.county_a_officer).count() == 1
    assert not Notification.objects.filter(user=world.city_officer).exists()


def test_it_escalates_to_the_office_above_after_two_working_days(world: World) -> None:
    made = make_request(world)
    due = date(2026, 12, 1)
    _due(made, due)
    sweep_help_requests(due + timedelta(days=1))
    assert sweep_help_requests(due + timedelta(days=2)) == 1  # two working days late
    assert Notification.objects.filter(user=world.city_officer).count() == 1
    assert HelpRequest.objects.get(pk=made.pk).escalation_level == 1
    # The tree has nothing above the city: later sweeps send nothing more.
    assert sweep_help_requests(due + timedelta(days=9)) == 0
    assert HelpReminder.objects.filter(help_request=made).count() == 2


def test_the_assignee_is_reminded_of_an_unanswered_request(world: World) -> None:
    made = make_request(world)
    office, worker = make_township(world)
    made = acknowledge_request(by=world.county_a_officer, request=made, version=made.version)
    assign_request(by=world.county_a_officer, request=made, to=office, version=made.version)
    due = date(2026, 12, 1)
    _due(made, due)
    assert sweep_help_requests(due + timedelta(days=1)) == 1
    assert Notification.objects.filter(user=worker).count() == 1


def test_the_periodic_sweep_runs_the_hook(world: World) -> None:
    made = make_request(world)
    _due(made, date(2020, 1, 1))
    assert run_sweep().sent >= 1
    assert HelpReminder.objects.filter(help_request=made).exists()


def test_an_answered_request_is_not_reminded(world: World) -> None:
    made = make_request(world)
    HelpRequest.objects.filter(pk=made.pk).update(status="answered", outcome="已解决")
    _due(made, date(2026, 12, 1))
    assert sweep_help_requests(date(2026, 12, 20)) == 0
