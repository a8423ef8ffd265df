"""Sign-ins, failures and lockouts in the audit log of the person's auditors, kept for months."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from zhucan.accounts.models import LoginAttempt, User
from zhucan.accounts.services import prune_sign_in_attempts
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.audit_views import audit_entries_visible_to
from zhucan.orgs.models import Membership
from zhucan.testing.auth import sign_in
from zhucan.testing.factories import make_user

SIGN_IN_ACTIONS = ("accounts.login.succeeded", "accounts.login.failed", "accounts.login.locked")


def _seen_by(user: User, username: str) -> list[str]:
    """The sign-in actions about ``username`` that ``user`` finds in the audit log."""
    about = Q(changes__username=username) | Q(
        action="accounts.login.succeeded", actor__username=username
    )
    return sorted(
        audit_entries_visible_to(user)
        .filter(about, action__in=SIGN_IN_ACTIONS)
        .values_list("action", flat=True)
    )


def test_auditors_of_the_persons_organisation_see_sign_ins_failures_and_lockouts(
    client: Client, world: World
) -> None:
    county_a_auditor = make_user(org=world.county_a, role=Membership.Role.AUDITOR)
    county_b_auditor = make_user(org=world.county_b, role=Membership.Role.AUDITOR)
    # A reporter of county A's member unit, so the entries must be found under county A.
    reporter = make_user(
        username="unit_reporter", org=world.county_a_unit, role=Membership.Role.REPORTER
    )
    assert sign_in(client, reporter.username).status_code == 302
    client.logout()
    for _attempt in range(5):
        sign_in(client, reporter.username, "Wrong-password-1")

    expected = sorted(
        ["accounts.login.succeeded"] + ["accounts.login.failed"] * 5 + ["accounts.login.locked"]
    )
    assert _seen_by(county_a_auditor, "unit_reporter") == expected
    assert _seen_by(world.city_auditor, "unit_reporter") == expected
    assert _seen_by(county_b_auditor, "unit_reporter") == []
    path = world.county_a_unit.path
    assert set(
        AuditEntry.objects.filter(action__in=SIGN_IN_ACTIONS).values_list("org_path", flat=True)
    ) == {path}


def test_someone_in_two_counties_is_seen_by_the_auditors_of_each(
    client: Client, world: World
) -> None:
    county_a_auditor = make_user(org=world.county_a, role=Membership.Role.AUDITOR)
    county_b_auditor = make_user(org=world.county_b, role=Membership.Role.AUDITOR)
    person = make_user(username="two_hats", org=world.county_a, role=Membership.Role.REPORTER)
    Membership.objects.create(user=person, organisation=world.county_b, role="reporter")
    sign_in(client, "two_hats", "Wrong-password-1")

    assert _seen_by(county_a_auditor, "two_hats") == ["accounts.login.failed"]
    assert _seen_by(county_b_auditor, "two_hats") == ["accounts.login.failed"]


def test_a_failure_for_an_unknown_user_name_is_for_the_top_level_only(
    client: Client, world: World, settings: Settings
) -> None:
    settings.LOGIN_MAX_FAILURES = 1
    sign_in(client, "nobody_by_this_name", "Wrong-password-1")

    entries = AuditEntry.objects.filter(changes__username="nobody_by_this_name")
    assert sorted(entries.values_list("action", flat=True)) == [
        "accounts.login.failed",
        "accounts.login.locked",
    ]
    assert set(entries.values_list("org_path", flat=True)) == {""}
    assert not audit_entries_visible_to(world.city_auditor).filter(pk__in=entries).exists()
    superuser = make_user(is_superuser=True)
    assert audit_entries_visible_to(superuser).filter(pk__in=entries).count() == 2


def test_failed_sign_ins_are_kept_six_months_but_lock_only_inside_the_window(
    client: Client, world: World, settings: Settings
) -> None:
    assert settings.LOGIN_ATTEMPT_RETENTION_DAYS >= 183
    now = timezone.now()
    for days in (2, 30, 182):
        LoginAttempt.objects.create(username="member_unit_reporter", at=now - timedelta(days=days))
    gone = LoginAttempt.objects.create(
        username="member_unit_reporter", at=now - timedelta(days=184)
    )

    assert prune_sign_in_attempts(now=now) == 1
    assert LoginAttempt.objects.count() == 3
    assert not LoginAttempt.objects.filter(pk=gone.pk).exists()
    # Three old failures plus this one are not five inside the window: no lock.
    assert sign_in(client, "member_unit_reporter", "Wrong-password-1").status_code == 200
    assert sign_in(client, "member_unit_reporter").status_code == 302
