"""Password rules, the hasher, and changing one's own password."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client, override_settings
from django.urls import reverse

import zhucan.settings as production
from zhucan.accounts.models import User
from zhucan.accounts.services import PasswordNotAcceptedError, change_password
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import TEST_PASSWORD, login_verified

NEW_PASSWORD = "Fresh-harbour-2024"

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def test_production_hashes_passwords_with_argon2() -> None:
    # zhucan.settings as written; the test settings put a fast hasher first.
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        encoded = make_password(NEW_PASSWORD)
        assert identify_hasher(encoded).algorithm == "argon2"
        assert encoded.startswith("argon2$argon2id$")


@pytest.fixture
def signed_in(client: Client, member_unit_reporter: User) -> Client:
    return login_verified(client, member_unit_reporter)


def _post(client: Client, old: str, new: str, again: str | None = None) -> TestResponse:
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password": new, "new_password_again": again or new},
    )


def test_the_page_explains_the_rules(signed_in: Client) -> None:
    body = signed_in.get(reverse("accounts:password_change")).content.decode()

    assert "at least 10 characters" in body
    assert "both letters and digits" in body
    assert 'autocomplete="current-password"' in body and 'autocomplete="new-password"' in body


def test_changing_the_password(signed_in: Client, member_unit_reporter: User) -> None:
    response = _post(signed_in, TEST_PASSWORD, NEW_PASSWORD)

    assert response["Location"] == reverse("accounts:profile")
    member_unit_reporter.refresh_from_db()
    assert member_unit_reporter.check_password(NEW_PASSWORD)
    # This session stays signed in (and verified).
    page = signed_in.get(response["Location"])
    assert page.status_code == 200
    assert "Your password has been changed." in page.content.decode()
    entry = AuditEntry.objects.get(action="accounts.password.changed")
    assert entry.actor == member_unit_reporter
    assert NEW_PASSWORD not in str(entry.changes)


def test_sessions_elsewhere_end_with_the_old_password(
    signed_in: Client, member_unit_reporter: User
) -> None:
    elsewhere = login_verified(Client(), member_unit_reporter)
    _post(signed_in, TEST_PASSWORD, NEW_PASSWORD)

    response = elsewhere.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert SESSION_KEY not in elsewhere.session


def test_a_weak_password_gets_a_clear_message_for_each_rule(
    signed_in: Client, member_unit_reporter: User
) -> None:
    response = _post(signed_in, TEST_PASSWORD, "12345678")
    body = response.content.decode()

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 10 characters." in body
    assert "This password is too common." in body
    assert "This password is entirely numeric." in body
    assert "The password must contain both letters and digits." in body
    # Each message is linked from the error summary to the field.
    assert body.count('href="#id_new_password"') == 4
    member_unit_reporter.refresh_from_db()
    assert member_unit_reporter.check_password(TEST_PASSWORD)


def test_a_password_like_the_user_name_is_refused(signed_in: Client) -> None:
    body = _post(signed_in, TEST_PASSWORD, "member_unit_reporter1").content.decode()
    assert "The password is too similar to the username." in body


def test_the_current_password_must_be_right(signed_in: Client) -> None:
    body = _post(signed_in, "Not-my-password-9", NEW_PASSWORD).content.decode()
    assert "Your current password is not correct." in body
    assert 'href="#id_old_password"' in body


def test_the_new_password_must_be_typed_the_same_twice(signed_in: Client) -> None:
    body = _post(signed_in, TEST_PASSWORD, NEW_PASSWORD, "Fresh-harbour-2025").content.decode()
    assert "The two new passwords are not the same." in body


def test_the_service_lists_every_broken_rule(member_unit_reporter: User) -> None:
    with pytest.raises(PasswordNotAcceptedError) as caught:
        change_password(by=member_unit_reporter, old_password=TEST_PASSWORD, new_password="abc")
    # Too short, too common, needs a digit.
    assert len(caught.value.messages) == 3
    assert caught.value.field == "new_password"
    with pytest.raises(DomainError, match="must be different"):
        change_password(
            by=member_unit_reporter, old_password=TEST_PASSWORD, new_password=TEST_PASSWORD
        )
