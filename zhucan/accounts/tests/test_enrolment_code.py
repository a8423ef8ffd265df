"""The first authenticator app of someone who must use one needs an administrator's code."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from zhucan.accounts import twofactor
from zhucan.accounts.enrolment import ENROLMENT_SESSION, issue_enrolment_code
from zhucan.accounts.models import EnrolmentCode, User
from zhucan.accounts.services import enable_two_factor
from zhucan.accounts.tests.test_two_factor import _app_code
from zhucan.conftest import World
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.audit_views import audit_entries_visible_to
from zhucan.testing.auth import sign_in

ENROL = reverse("accounts:two_factor_enrol")
SETUP = reverse("accounts:two_factor_setup")


def _issue(user: User, by: Actor | None = None) -> str:
    with transaction.atomic():
        return issue_enrolment_code(by=by, user=user)


def _set_up_app(client: Client) -> None:
    client.get(SETUP)
    key = client.session[twofactor.SETUP_KEY_SESSION]
    response = client.post(SETUP, {"code": _app_code(key)})
    assert response["Location"] == reverse("accounts:two_factor_backup_codes")


def test_a_password_alone_shows_no_qr_code(client: Client, city_officer: User) -> None:
    assert sign_in(client, "city_officer")["Location"] == SETUP

    response = client.get(SETUP)

    assert response["Location"] == ENROL
    assert twofactor.SETUP_KEY_SESSION not in client.session
    page = client.get(ENROL)
    body = page.content.decode()
    assert page.status_code == 200 and "enrolment code" in body
    assert "qr-code" not in body
    # Posting a made-up app code straight to the set-up page enrols nothing either.
    client.post(SETUP, {"code": "123456"})
    assert not TOTPDevice.objects.exists()


def test_the_service_refuses_a_first_app_without_a_code(city_officer: User) -> None:
    key = twofactor.new_secret()
    with pytest.raises(DomainError, match="enrolment code"):
        enable_two_factor(by=city_officer, key=key, code=_app_code(key))
    assert not TOTPDevice.objects.exists()


def test_with_the_code_the_app_is_set_up_and_the_code_is_spent(
    client: Client, world: World, city_officer: User
) -> None:
    code = _issue(city_officer, by=world.city_admin)
    sign_in(client, "city_officer")

    response = client.post(ENROL, {"code": f"{code[:4]} {code[4:8]}-{code[8:]}"})

    assert response["Location"] == SETUP
    assert "qr-code" in client.get(SETUP).content.decode()
    _set_up_app(client)
    issued = EnrolmentCode.objects.get(user=city_officer)
    assert issued.used_at is not None and issued.issued_by == world.city_admin
    assert ENROLMENT_SESSION not in client.session
    actions = set(audit_entries_visible_to(world.city_auditor).values_list("action", flat=True))
    assert {
        "accounts.enrolment_code.issued",
        "accounts.enrolment_code.used",
        "accounts.two_factor.enabled",
    } <= actions


def test_a_code_works_once(client: Client, city_officer: User) -> None:
    code = _issue(city_officer)
    other = Client()
    sign_in(client, "city_officer")
    sign_in(other, "city_officer")
    client.post(ENROL, {"code": code})
    other.post(ENROL, {"code": code})  # accepted too: both sessions hold it
    other.get(SETUP)
    _set_up_app(client)
    TOTPDevice.objects.filter(user=city_officer).delete()  # a reset, without a new code

    # The second session is asked for a new code instead of showing a secret.
    assert other.get(SETUP)["Location"] == ENROL
    assert ENROLMENT_SESSION not in other.session
    refused = other.post(ENROL, {"code": code})
    assert refused.status_code == 200 and "not correct" in refused.content.decode()


def test_two_sessions_confirming_at_once_spend_the_code_once(city_officer: User) -> None:
    _issue(city_officer)
    issued = EnrolmentCode.objects.get()
    first, second = twofactor.new_secret(), twofactor.new_secret()
    enable_two_factor(
        by=city_officer, key=first, code=_app_code(first), enrolment_code_id=issued.pk
    )
    TOTPDevice.objects.filter(user=city_officer).update(confirmed=False)  # as if still unsaved

    with pytest.raises(DomainError, match="no longer valid"):
        enable_two_factor(
            by=city_officer, key=second, code=_app_code(second), enrolment_code_id=issued.pk
        )
    assert TOTPDevice.objects.filter(user=city_officer, key=second).count() == 0


def test_expired_replaced_and_other_peoples_codes_are_refused(
    client: Client, world: World, city_officer: User
) -> None:
    expired = _issue(city_officer)
    EnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    replaced = _issue(city_officer)
    current = _issue(city_officer)
    someone_elses = _issue(world.county_a_officer)
    sign_in(client, "city_officer")

    for wrong in (expired, replaced, someone_elses):
        response = client.post(ENROL, {"code": wrong})
        assert response.status_code == 200, wrong
        assert ENROLMENT_SESSION not in client.session
    assert client.post(ENROL, {"code": current})["Location"] == SETUP


def test_only_a_keyed_hash_is_stored(city_officer: User) -> None:
    code = _issue(city_officer)
    issued = EnrolmentCode.objects.get()
    assert code not in issued.code_hash and len(issued.code_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_enrolmentcode")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert code not in row


def test_wrong_codes_count_towards_the_lockout(
    client: Client, world: World, city_officer: User
) -> None:
    code = _issue(city_officer)
    sign_in(client, "city_officer")
    for _attempt in range(4):
        response = client.post(ENROL, {"code": "000000000000"})
        assert response.status_code == 200
    response = client.post(ENROL, {"code": "000000000000"})

    assert response["Location"] == reverse("accounts:login") + "?reason=locked"
    failed = AuditEntry.objects.filter(
        action="accounts.login.failed", changes__stage="enrolment_code"
    )
    assert failed.count() == 5
    assert AuditEntry.objects.filter(action="accounts.login.locked").exists()
    # Even the right code (and the right password) wait for the window now.
    assert sign_in(client, "city_officer").status_code == 200
    assert code  # still unused
    assert EnrolmentCode.objects.get().used_at is None


def test_after_resetting_their_own_app_a_verified_person_sets_up_the_new_one(
    client: Client, city_officer: User
) -> None:
    code = _issue(city_officer)
    sign_in(client, "city_officer")
    client.post(ENROL, {"code": code})
    _set_up_app(client)
    client.get(reverse("accounts:two_factor_backup_codes"))

    client.post(reverse("accounts:two_factor_reset"), {"password": "Test-password-123"})

    # Both factors were shown in this session: no new code is needed for the new phone.
    assert "qr-code" in client.get(SETUP).content.decode()
    _set_up_app(client)
    # A new session with the password alone would need a code again.
    TOTPDevice.objects.filter(user=city_officer).delete()
    other = Client()
    sign_in(other, "city_officer")
    assert other.get(SETUP)["Location"] == ENROL


def test_without_the_requirement_no_code_is_asked(
    client: Client, member_unit_reporter: User, settings: Settings
) -> None:
    # A reporter may use an app of their own choice; only roles that must are gated.
    sign_in(client, "member_unit_reporter")
    assert "qr-code" in client.get(SETUP).content.decode()


def test_the_command_issues_a_code_for_the_first_administrator(
    client: Client, city_officer: User
) -> None:
    out = StringIO()
    call_command("issue_enrolment_code", "City_Officer", stdout=out)
    code = re.sub(r"\D", "", out.getvalue())

    assert len(code) == 12
    sign_in(client, "city_officer")
    assert client.post(ENROL, {"code": code})["Location"] == SETUP
    entry = AuditEntry.objects.get(action="accounts.enrolment_code.issued")
    assert (
        entry.actor is None and entry.org_path == city_officer.memberships.get().organisation.path
    )
