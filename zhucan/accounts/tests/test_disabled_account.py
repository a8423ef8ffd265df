"""An account disabled while its owner is signed in stops working at the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from zhucan.accounts.models import User
from zhucan.accounts.services import set_user_active
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified

DISABLED = "Your account has been disabled. Please contact your administrator."


@pytest.fixture(
    params=[
        "django.contrib.auth.backends.ModelBackend",
        # A backend that loads disabled accounts reaches the other branch of the middleware.
        "django.contrib.auth.backends.AllowAllUsersModelBackend",
    ]
)
def backend(request: pytest.FixtureRequest, settings: Settings) -> str:
    settings.AUTHENTICATION_BACKENDS = [request.param]
    backend: str = request.param
    return backend


def test_disabling_ends_the_session_and_the_request_changes_nothing(
    client: Client, world: World, member_unit_reporter: User, backend: str
) -> None:
    login_verified(client, member_unit_reporter)
    assert client.get(reverse("accounts:profile")).status_code == 200

    set_user_active(by=world.city_admin, user=member_unit_reporter, active=False)
    response = client.post(
        reverse("accounts:display"), {"text_size": "large", "contrast": "high", "next": "/"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?reason=disabled"
    assert SESSION_KEY not in client.session
    member_unit_reporter.refresh_from_db()
    assert (member_unit_reporter.text_size, member_unit_reporter.contrast) == ("normal", "normal")
    assert not AuditEntry.objects.filter(action="accounts.preferences.changed").exists()
    # Nor was anything kept for the now anonymous visitor.
    assert "text_size" not in client.session
    page = client.get(response["Location"])
    assert DISABLED in page.content.decode()


def test_the_next_page_after_disabling_shows_the_message(
    client: Client, world: World, member_unit_reporter: User
) -> None:
    login_verified(client, member_unit_reporter)
    set_user_active(by=world.city_admin, user=member_unit_reporter, active=False)

    response = client.get(reverse("core:home"), follow=True)

    assert DISABLED in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_enabling_again_lets_them_sign_in(
    client: Client, world: World, member_unit_reporter: User
) -> None:
    set_user_active(by=world.city_admin, user=member_unit_reporter, active=False)
    set_user_active(by=world.city_admin, user=member_unit_reporter, active=True)
    login_verified(client, member_unit_reporter)
    assert client.get(reverse("accounts:profile")).status_code == 200
