"""What a signed-in page view keeps between requests, and that a change ends it at once.

Roles and the verified second factor are cached under the person's ``access_version``; the
idle stamp moves only when older than SESSION_IDLE_STAMP_SLACK; the bell's count is kept
briefly. None of it may keep a removed role, a reset phone or a timed-out session working.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from zhucan.accounts.middleware import IdleTimeoutMiddleware, stamp_slack
from zhucan.accounts.resets import reset_second_factor
from zhucan.conftest import World
from zhucan.notifications.services import notify
from zhucan.orgs.models import Membership
from zhucan.orgs.services import add_membership, remove_membership, set_organisation_active
from zhucan.testing.auth import login_verified

KEY = IdleTimeoutMiddleware.SESSION_KEY
OnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _stamp_age(client: Client, seconds: float) -> float:
    """Set the idle stamp ``seconds`` back; returns the stamp."""
    session = client.session
    session[KEY] = time.time() - seconds
    session.save()
    return float(session[KEY])


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


@pytest.fixture
def officer(client: Client, world: World, settings: Settings) -> Client:
    settings.REQUIRE_2FA = True
    login_verified(client, world.county_a_officer)
    assert client.get(reverse("campaigns:list")).status_code == 200
    return client


def test_a_page_view_within_the_slack_writes_no_session(officer: Client) -> None:
    stamp = _stamp_age(officer, 10)

    with CaptureQueriesContext(connection) as queries:
        assert officer.get(reverse("campaigns:list")).status_code == 200

    assert _session_writes(queries) == []
    assert officer.session[KEY] == stamp


def test_the_stamp_moves_once_older_than_the_slack(officer: Client, settings: Settings) -> None:
    _stamp_age(officer, stamp_slack() + 1)

    officer.get(reverse("campaigns:list"))

    assert time.time() - officer.session[KEY] < 5


@pytest.mark.parametrize("age", [0, 30, 59, 61, 600])
def test_after_any_page_view_the_stamp_lags_by_less_than_the_slack(
    officer: Client, settings: Settings, age: int
) -> None:
    # So the timeout, counted from the stamp, ends a session at most the slack early, never late.
    _stamp_age(officer, age)

    officer.get(reverse("campaigns:list"))

    assert time.time() - officer.session[KEY] < stamp_slack()


def test_a_session_idle_past_the_timeout_still_ends(officer: Client, settings: Settings) -> None:
    _stamp_age(officer, settings.SESSION_IDLE_TIMEOUT + 1)

    response = officer.get(reverse("campaigns:list"))

    assert response.status_code == 302
    assert "reason=idle" in response["Location"]


def test_staying_signed_in_restarts_the_full_timeout(officer: Client) -> None:
    _stamp_age(officer, 10)

    officer.post(reverse("accounts:session_extend"), HTTP_X_REQUESTED_WITH="fetch")

    assert time.time() - officer.session[KEY] < 2


def test_the_campaign_list_reads_three_rows_and_writes_nothing(officer: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert officer.get(reverse("campaigns:list")).status_code == 200

    # The session, the user, and the page of campaigns with its length.
    assert len(queries.captured_queries) == 3, [q["sql"] for q in queries.captured_queries]


def test_a_removed_role_stops_working_on_the_next_request(
    client: Client, world: World, settings: Settings
) -> None:
    settings.REQUIRE_2FA = True
    second = add_membership(
        by=world.city_admin,
        user=world.county_a_officer,
        organisation=world.county_b,
        role=Membership.Role.COORDINATOR,
    )
    login_verified(client, world.county_a_officer)
    page = reverse("orgs:detail", args=[world.county_b.pk])
    assert client.get(page).status_code == 200

    remove_membership(by=world.city_admin, membership=second)

    assert client.get(page).status_code == 404


def test_a_deactivated_organisation_stops_its_roles_on_the_next_request(
    officer: Client, world: World
) -> None:
    page = reverse("orgs:detail", args=[world.county_a.pk])
    assert officer.get(page).status_code == 200

    set_organisation_active(by=world.city_admin, org=world.county_a, active=False)

    assert officer.get(page).status_code == 404


def test_a_reset_phone_stops_verifying_the_session_on_the_next_request(
    officer: Client, world: World
) -> None:
    reset_second_factor(by=world.city_admin, user=world.county_a_officer)

    response = officer.get(reverse("campaigns:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_the_bell_counts_a_new_notification_on_the_next_page(
    officer: Client, world: World, django_capture_on_commit_callbacks: OnCommit
) -> None:
    assert "unread" not in officer.get(reverse("campaigns:list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(users=[world.county_a_officer], kind="test", title="新通知", email=False)

    assert "Notifications, 1 unread" in officer.get(reverse("campaigns:list")).content.decode()


def test_the_slack_is_never_more_than_half_the_warning(settings: Settings) -> None:
    settings.SESSION_IDLE_STAMP_SLACK = 60
    settings.SESSION_IDLE_WARNING = 10

    assert stamp_slack() == 5
