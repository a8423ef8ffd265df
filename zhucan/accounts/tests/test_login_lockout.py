"""Signing in with a password, and the lockout after too many failures."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from zhucan.accounts import lockout
from zhucan.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from zhucan.accounts.models import LoginAttempt, User
from zhucan.accounts.services import (
    set_user_active,
)
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import TEST_PASSWORD, sign_in

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

# The message's English text (the msgid); tests run in English (conftest.in_english).
REFUSED = "The user name or password is not correct, or the account is temporarily locked"


def _refused(response: TestResponse) -> bool:
    return response.status_code == 200 and REFUSED in response.content.decode()


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_reporter_signs_in_with_the_password_alone(
    client: Client, member_unit_reporter: User
) -> None:
    response = sign_in(client, "member_unit_reporter")

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    assert LoginAttempt.objects.filter(username="member_unit_reporter", succeeded=True).count() == 1
    entry = AuditEntry.objects.get(action="accounts.login.succeeded")
    assert entry.actor == member_unit_reporter
    assert entry.changes == {"method": "password"}


def test_someone_without_an_organisation_is_told_why_there_is_nothing(
    client: Client, outsider: User
) -> None:
    response = sign_in(client, "outsider")
    page = client.get(response["Location"])

    assert "Your account has not been given an organisation yet" in page.content.decode()


def test_next_is_followed_on_this_site_only(client: Client, member_unit_reporter: User) -> None:
    profile = reverse("accounts:profile")
    response = client.post(
        reverse("accounts:login"),
        {"username": "member_unit_reporter", "password": TEST_PASSWORD, "next": profile},
    )
    assert response["Location"] == profile
    client.logout()
    response = client.post(
        reverse("accounts:login"),
        {
            "username": "member_unit_reporter",
            "password": TEST_PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("core:home")


def test_empty_form_names_each_missing_field(client: Client, db: None) -> None:
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    body = response.content.decode()

    assert response.status_code == 200
    assert 'href="#id_username"' in body and 'href="#id_password"' in body
    assert 'aria-invalid="true"' in body
    assert not LoginAttempt.objects.exists()


def test_unknown_user_wrong_password_and_disabled_account_get_one_message(
    client: Client, world: World, member_unit_reporter: User
) -> None:
    set_user_active(by=world.city_admin, user=member_unit_reporter, active=False)
    responses = [
        sign_in(client, "nobody_by_this_name"),
        sign_in(client, "city_officer", "Wrong-password-1"),
        sign_in(client, "member_unit_reporter"),  # disabled, right password
    ]

    assert all(_refused(r) for r in responses)
    assert not _signed_in(client)
    errors = [
        r.content.decode().split('class="error-summary__list"')[1].split("</ul>")[0]
        for r in responses
    ]
    assert errors[0] == errors[1] == errors[2]


def test_each_refusal_runs_the_password_hasher(
    client: Client, world: World, settings: Settings
) -> None:
    """Unknown, wrong and locked all take a hash's time, so timing does not tell them apart."""
    settings.LOGIN_MAX_FAILURES = 1
    encode = MD5PasswordHasher.encode
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=encode) as spy:
        for username in ("nobody_by_this_name", "city_officer", "city_officer"):  # last: locked
            spy.reset_mock()
            assert _refused(sign_in(client, username, "Wrong-password-1"))
            assert spy.call_count >= 1, username
    assert lockout.is_locked(username="city_officer", ip="127.0.0.1")


def test_five_failures_lock_the_user_name_even_for_the_right_password(
    client: Client, world: World
) -> None:
    for _attempt in range(5):
        assert _refused(sign_in(client, "member_unit_reporter", "Wrong-password-1"))

    assert _refused(sign_in(client, "member_unit_reporter"))
    assert not _signed_in(client)
    locked = AuditEntry.objects.get(action="accounts.login.locked")
    assert locked.changes["username"] == "member_unit_reporter"
    assert locked.changes["locked"] == ["username"]
    assert locked.object_id == str(world.member_unit_reporter.pk)
    # The refused attempt is not counted again: the lock is not prolonged by knocking.
    assert LoginAttempt.objects.filter(succeeded=False).count() == 5


def test_the_count_ignores_case_width_and_spaces(client: Client, world: World) -> None:
    for typed in ("Member_Unit_Reporter", " member_unit_reporter ", "ＭＥＭＢＥＲ_unit_reporter"):
        sign_in(client, typed, "Wrong-password-1")
    sign_in(client, "MEMBER_UNIT_REPORTER", "Wrong-password-1")
    sign_in(client, "member_unit_reporter", "Wrong-password-1")

    assert _refused(sign_in(client, "member_unit_reporter"))


def test_the_lock_ends_when_the_window_has_passed(
    client: Client, world: World, settings: Settings
) -> None:
    for _attempt in range(5):
        sign_in(client, "member_unit_reporter", "Wrong-password-1")
    assert _refused(sign_in(client, "member_unit_reporter"))

    LoginAttempt.objects.update(
        at=timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    )

    assert sign_in(client, "member_unit_reporter").status_code == 302


def test_a_successful_sign_in_resets_the_count_for_the_user_name(
    client: Client, world: World
) -> None:
    for _attempt in range(4):
        sign_in(client, "member_unit_reporter", "Wrong-password-1")
    assert sign_in(client, "member_unit_reporter").status_code == 302
    client.logout()
    for _attempt in range(4):
        sign_in(client, "member_unit_reporter", "Wrong-password-1")

    assert sign_in(client, "member_unit_reporter").status_code == 302


def test_one_address_cannot_try_many_user_names(client: Client, world: World) -> None:
    limit = lockout.max_failures_per_ip()
    for n in range(limit):
        sign_in(client, f"guess{n}", "Wrong-password-1", REMOTE_ADDR="203.0.113.9")

    # Right password, but from the address that sprayed: refused.
    assert _refused(sign_in(client, "member_unit_reporter", REMOTE_ADDR="203.0.113.9"))
    # The same person from their own office is not affected.
    assert sign_in(client, "member_unit_reporter", REMOTE_ADDR="198.51.100.7").status_code == 302
    locked = AuditEntry.objects.get(action="accounts.login.locked")
    assert locked.changes["locked"] == ["ip"] and locked.changes["ip"] == "203.0.113.9"


def test_the_demo_lists_its_accounts_and_password(
    client: Client, db: None, settings: Settings
) -> None:
    settings.DEMO_MODE = True
    body = client.get(reverse("accounts:login")).content.decode()

    assert DEMO_PASSWORD in body
    for username, *_rest in DEMO_USERS:
        assert f"<code>{username}</code>" in body
    assert "Two-factor sign-in is relaxed" in body


def test_outside_the_demo_no_accounts_are_shown(
    client: Client, db: None, settings: Settings
) -> None:
    settings.DEMO_MODE = False
    body = client.get(reverse("accounts:login")).content.decode()

    assert DEMO_PASSWORD not in body
    assert "city_officer" not in body


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("idle", "signed out after a period of inactivity"),
        ("disabled", "Your account has been disabled"),
        ("locked", REFUSED),
        ("made-up", None),
    ],
)
def test_the_sign_in_page_explains_why_someone_was_sent_there(
    client: Client, db: None, reason: str, text: str | None
) -> None:
    body = client.get(reverse("accounts:login"), {"reason": reason}).content.decode()
    if text is None:
        assert '<p class="message' not in body
    else:
        assert text in body
