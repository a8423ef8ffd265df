"""An administrator resets someone's second factor or password from the people pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucan.accounts.models import EnrolmentCode, User
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.audit_views import audit_entries_visible_to
from zhucan.orgs.models import Membership
from zhucan.testing.auth import TEST_PASSWORD, login_verified, sign_in
from zhucan.testing.browser import BrowserPages
from zhucan.testing.factories import make_user

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

RESETS = ("orgs:person_second_factor_reset", "orgs:person_password_reset")


@pytest.fixture
def county_a_reporter(world: World) -> User:
    return make_user(
        username="county_a_reporter", org=world.county_a, role=Membership.Role.REPORTER
    )


@pytest.fixture
def admin_client(client: Client, world: World) -> Client:
    return login_verified(client, world.city_admin)


def _secret(response: TestResponse) -> str:
    """The code or password the page shows once (the last entry of its summary)."""
    found = re.search(r"<dd><code>([^<]+)</code></dd>\s*</dl>", response.content.decode())
    assert found, response.content.decode()[:500]
    return found.group(1)


def test_resetting_a_lost_phone_removes_the_app_and_issues_a_code(
    admin_client: Client, world: World
) -> None:
    officer = world.county_a_officer
    TOTPDevice.objects.create(user=officer, name="lost phone", confirmed=True)
    StaticDevice.objects.create(user=officer, name="backup codes", confirmed=True)
    url = reverse("orgs:person_second_factor_reset", args=[officer.pk])

    assert admin_client.get(url).status_code == 200
    assert TOTPDevice.objects.filter(user=officer).exists()  # looking changes nothing

    response = admin_client.post(url, {"from": world.county_a.pk})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = re.sub(r"\D", "", _secret(response))
    assert len(code) == 12
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    # The person signs in with their password and sets up the new phone with the code.
    person = Client()
    assert sign_in(person, officer.username)["Location"] == reverse("accounts:two_factor_setup")
    entered = person.post(reverse("accounts:two_factor_enrol"), {"code": code})
    assert entered["Location"] == reverse("accounts:two_factor_setup")
    county_a_auditor = make_user(org=world.county_a, role=Membership.Role.AUDITOR)
    seen = set(audit_entries_visible_to(county_a_auditor).values_list("action", flat=True))
    assert {
        "accounts.two_factor.reset_by_administrator",
        "accounts.enrolment_code.issued",
    } <= seen
    entry = AuditEntry.objects.get(action="accounts.two_factor.reset_by_administrator")
    assert entry.actor == world.city_admin and entry.object_id == str(officer.pk)
    assert entry.changes == {"authenticator_apps": 1, "backup_code_sets": 1}


def test_a_session_verified_by_the_lost_phone_must_enrol_again(
    admin_client: Client, world: World
) -> None:
    officer = world.county_a_officer
    thief = login_verified(Client(), officer)
    assert thief.get("/").status_code == 200

    admin_client.post(reverse("orgs:person_second_factor_reset", args=[officer.pk]))

    assert thief.get("/")["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert thief.get(reverse("accounts:two_factor_setup"))["Location"].startswith(
        reverse("accounts:two_factor_enrol")
    )


def test_a_temporary_password_must_be_changed_at_the_next_sign_in(
    admin_client: Client, world: World, county_a_reporter: User
) -> None:
    old_session = Client()
    sign_in(old_session, "county_a_reporter")
    url = reverse("orgs:person_password_reset", args=[county_a_reporter.pk])

    response = admin_client.post(url)

    temporary = _secret(response)
    county_a_reporter.refresh_from_db()
    assert county_a_reporter.must_change_password
    assert county_a_reporter.check_password(temporary)
    assert not county_a_reporter.check_password(TEST_PASSWORD)
    assert SESSION_KEY not in old_session.get("/").wsgi_request.session  # signed out
    entry = AuditEntry.objects.get(action="accounts.password.reset_by_administrator")
    assert entry.org_path == world.county_a.path and temporary not in str(entry.changes)

    person = Client()
    sign_in(person, "county_a_reporter", temporary)
    change = reverse("accounts:password_change")
    for page in ("/", reverse("accounts:profile"), reverse("orgs:list")):
        assert person.get(page)["Location"].startswith(change), page
    assert person.get(change).status_code == 200
    done = person.post(
        change,
        {
            "old_password": temporary,
            "new_password": "My-own-password-42",
            "new_password_again": "My-own-password-42",
        },
    )
    assert done.status_code == 302
    county_a_reporter.refresh_from_db()
    assert not county_a_reporter.must_change_password
    assert person.get("/").status_code == 200


def test_the_second_factor_comes_before_the_new_password(
    admin_client: Client, world: World
) -> None:
    officer = world.county_a_officer
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    temporary = _secret(admin_client.post(reverse("orgs:person_password_reset", args=[officer.pk])))
    person = Client()
    response = sign_in(person, officer.username, temporary)
    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert person.get(reverse("accounts:password_change"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )


@pytest.mark.parametrize("name", RESETS)
def test_a_role_without_people_management_gets_403(
    client: Client, world: World, county_a_reporter: User, name: str
) -> None:
    # county_a_officer coordinates county A but does not manage its people.
    login_verified(client, world.county_a_officer)
    url = reverse(name, args=[county_a_reporter.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not EnrolmentCode.objects.exists()
    county_a_reporter.refresh_from_db()
    assert not county_a_reporter.must_change_password


@pytest.mark.parametrize("name", RESETS)
def test_an_administrator_elsewhere_gets_404(
    client: Client, world: World, county_a_reporter: User, name: str
) -> None:
    county_b_admin = make_user(org=world.county_b, role=Membership.Role.ADMIN)
    login_verified(client, county_b_admin)
    url = reverse(name, args=[county_a_reporter.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not EnrolmentCode.objects.exists()


@pytest.mark.parametrize("name", RESETS)
def test_administrators_use_their_own_pages_for_themselves(
    admin_client: Client, world: World, name: str
) -> None:
    response = admin_client.post(reverse(name, args=[world.city_admin.pk]))
    assert response.status_code == 200
    assert "Use your own account page" in response.content.decode()
    assert not EnrolmentCode.objects.exists()
    world.city_admin.refresh_from_db()
    assert not world.city_admin.must_change_password


def test_the_people_page_links_to_the_resets(admin_client: Client, world: World) -> None:
    body = admin_client.get(reverse("orgs:people", args=[world.county_a.pk])).content.decode()
    officer = world.county_a_officer.pk
    assert reverse("orgs:person_password_reset", args=[officer]) in body
    assert reverse("orgs:person_second_factor_reset", args=[officer]) in body


@pytest.mark.browser
def test_reset_results_and_the_forced_password_page_pass_axe(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    from zhucan.testing.browser import axe_report, open_page

    world = browser_world
    problems = []
    page = browser_pages.new(world.city_admin)
    submit = "main form:not(.inline-form) button[type='submit']"

    open_page(page, reverse("orgs:person_second_factor_reset", args=[world.county_a_officer.pk]))
    with page.expect_navigation(wait_until="load"):
        page.locator(submit).click()
    assert page.locator("dd code").count() == 2
    problems.append(axe_report(page, "new enrolment code"))

    open_page(page, reverse("orgs:person_password_reset", args=[world.member_unit_reporter.pk]))
    with page.expect_navigation(wait_until="load"):
        page.locator(submit).click()
    temporary = page.locator("dd code").nth(1).inner_text()
    problems.append(axe_report(page, "temporary password"))

    person = browser_pages.new(None)
    open_page(person, reverse("accounts:login"))
    person.fill("input[name='username']", world.member_unit_reporter.username)
    person.fill("input[name='password']", temporary)
    with person.expect_navigation(wait_until="load"):
        person.locator(submit).click()
    person.goto("/", wait_until="load")
    assert reverse("accounts:password_change") in person.url
    assert person.locator("main p.lead").count() == 1  # the temporary-password notice
    problems.append(axe_report(person, "password change required"))

    reported = [p for p in problems if p]
    assert not reported, "\n\n".join(reported)


def test_a_person_added_by_an_administrator_replaces_the_first_password(
    admin_client: Client, world: World
) -> None:
    response = admin_client.post(
        reverse("orgs:person_add", args=[world.county_a.pk]),
        {
            "username": "new_reporter",
            "full_name": "新人",
            "role": Membership.Role.REPORTER,
            "password": "Chosen-by-admin-7",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    person = User.objects.get(username="new_reporter")
    assert person.must_change_password

    client = Client()
    sign_in(client, "new_reporter", "Chosen-by-admin-7")
    assert client.get("/")["Location"].startswith(reverse("accounts:password_change"))
