"""Two-factor sign-in: set-up with a QR code, codes from the app, backup codes, reset."""

from __future__ import annotations

import re
import time
from binascii import unhexlify
from typing import TYPE_CHECKING

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from zhucan.accounts import twofactor
from zhucan.accounts.enrolment import issue_enrolment_code
from zhucan.accounts.models import EnrolmentCode, LoginAttempt, User
from zhucan.accounts.services import SignInRefusedError, enable_two_factor
from zhucan.accounts.tests.conftest import ACTIVE_ACCOUNT, SECOND_FACTOR
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified, sign_in, totp_code
from zhucan.testing.browser import BrowserPages, error_summary_has_focus

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam
    from playwright.sync_api import BrowserContext

HOME = "/"


def _app_code(hex_key: str) -> str:
    totp = TOTP(unhexlify(hex_key))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _enrol(client: Client, user: User) -> None:
    """Enter an enrolment code issued for ``user``, as the set-up page now asks first."""
    with transaction.atomic():
        code = issue_enrolment_code(by=None, user=user)
    response = client.post(reverse("accounts:two_factor_enrol"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]


def _enable(user: User, key: str) -> tuple[TOTPDevice, list[str]]:
    """enable_two_factor with a freshly issued enrolment code, as the set-up page does."""
    with transaction.atomic():
        issue_enrolment_code(by=None, user=user)
    issued = EnrolmentCode.objects.filter(user=user).latest("pk")
    return enable_two_factor(by=user, key=key, code=_app_code(key), enrolment_code_id=issued.pk)


def _wrong_code(device: TOTPDevice) -> str:
    """A six-digit code that is none of the codes accepted now (tolerance is one step)."""
    accepted = {totp_code(device, steps_from_now=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


@pytest.fixture
def officer_device(city_officer: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=city_officer, name="phone", confirmed=True)
    return device


def test_settings_place_the_middleware_right_after_active_account() -> None:
    import zhucan.settings

    middleware = zhucan.settings.MIDDLEWARE  # as written, not as the autouse fixture made it
    if SECOND_FACTOR not in middleware:
        pytest.xfail(f"settings.py: add {SECOND_FACTOR!r} right after {ACTIVE_ACCOUNT!r}")
    assert middleware.index(SECOND_FACTOR) == middleware.index(ACTIVE_ACCOUNT) + 1
    assert middleware.index("zhucan.accounts.middleware.CachedOTPMiddleware") < middleware.index(
        SECOND_FACTOR
    )


# --- Who is asked ------------------------------------------------------------------------


def test_an_officer_without_an_app_is_sent_to_set_it_up(client: Client, city_officer: User) -> None:
    response = sign_in(client, "city_officer")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    # Every other page sends them there too, remembering where they wanted to go.
    page = client.get(reverse("accounts:profile"))
    assert (
        page["Location"] == reverse("accounts:two_factor_setup") + "?next=%2Faccounts%2Fprofile%2F"
    )
    # The password alone is not yet a successful sign-in.
    assert not AuditEntry.objects.filter(action="accounts.login.succeeded").exists()
    assert not LoginAttempt.objects.filter(succeeded=True).exists()


def test_an_officer_with_an_app_is_asked_for_a_code(
    client: Client, officer_device: TOTPDevice
) -> None:
    response = sign_in(client, "city_officer")

    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert client.get(HOME)["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_reporter_without_personal_data_rights_is_not_asked(
    client: Client, member_unit_reporter: User
) -> None:
    assert sign_in(client, "member_unit_reporter")["Location"] == HOME
    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize("name", ["accounts:display", "accounts:session_status", "core:healthz"])
def test_pages_needed_before_the_code_stay_open(
    client: Client, city_officer: User, name: str
) -> None:
    sign_in(client, "city_officer")
    response = client.get(reverse(name))
    assert not response.get("Location", "").startswith("/accounts/two-factor/")
    static = client.get(django_settings.STATIC_URL + "zhucan/app.js")
    assert not static.get("Location", "").startswith("/accounts/two-factor/")


def test_signing_out_stays_possible_before_the_code(client: Client, city_officer: User) -> None:
    sign_in(client, "city_officer")
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in client.session


def test_login_verified_helper_passes_the_middleware(client: Client, city_officer: User) -> None:
    login_verified(client, city_officer)
    assert client.get(HOME).status_code == 200


# --- Set-up ------------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_and_a_typed_key(
    client: Client, city_officer: User
) -> None:
    sign_in(client, "city_officer")
    _enrol(client, city_officer)
    response = client.get(reverse("accounts:two_factor_setup"))
    body = response.content.decode()

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # a secret: never from a cache
    svg = re.search(r"<svg [^>]*>", body)
    assert svg and 'role="img"' in svg.group(0) and "aria-label=" in svg.group(0)
    assert " style=" not in body  # strict CSP: no inline style, also not in the SVG
    key = client.session[twofactor.SETUP_KEY_SESSION]
    shown = re.search(r"<code lang=\"en\">([A-Z2-7 ]+)</code>", body)
    assert shown is not None, "the page shows the key to type in"
    typed = shown.group(1)
    assert all(len(group) == 4 for group in typed.split(" "))
    assert typed == twofactor.readable_key(key)
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body
    # Opening the page writes nothing: the secret waits in the session.
    assert not TOTPDevice.objects.exists()


def test_a_wrong_first_code_is_explained(client: Client, city_officer: User) -> None:
    sign_in(client, "city_officer")
    _enrol(client, city_officer)
    client.get(reverse("accounts:two_factor_setup"))
    key = client.session[twofactor.SETUP_KEY_SESSION]
    wrong = "000000" if _app_code(key) != "000000" else "111111"

    response = client.post(reverse("accounts:two_factor_setup"), {"code": wrong})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert 'href="#id_code"' in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_setting_up_with_a_real_code_signs_in_and_shows_backup_codes_once(
    client: Client, city_officer: User
) -> None:
    sign_in(client, "city_officer")
    _enrol(client, city_officer)
    client.get(reverse("accounts:two_factor_setup"))
    key = client.session[twofactor.SETUP_KEY_SESSION]

    response = client.post(reverse("accounts:two_factor_setup"), {"code": _app_code(key)})

    assert response["Location"] == reverse("accounts:two_factor_backup_codes")
    device = TOTPDevice.objects.get(user=city_officer)
    assert device.confirmed and device.key == key
    page = client.get(response["Location"])
    shown = re.findall(r"<li><code>(\d{5} \d{5})</code></li>", page.content.decode())
    assert len(shown) == 10
    assert sorted(c.replace(" ", "") for c in shown) == sorted(
        StaticToken.objects.filter(device__user=city_officer).values_list("token", flat=True)
    )
    assert client.get(response["Location"])["Location"] == reverse("accounts:profile")  # once
    assert client.get(HOME).status_code == 200  # verified now
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "accounts.two_factor.enabled" in actions and "accounts.login.succeeded" in actions


def test_the_code_used_at_set_up_cannot_be_used_again(client: Client, city_officer: User) -> None:
    sign_in(client, "city_officer")
    _enrol(client, city_officer)
    client.get(reverse("accounts:two_factor_setup"))
    code = _app_code(client.session[twofactor.SETUP_KEY_SESSION])
    client.post(reverse("accounts:two_factor_setup"), {"code": code})
    client.post(reverse("accounts:logout"))

    sign_in(client, "city_officer")
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()


# --- Codes at sign-in --------------------------------------------------------------------


def test_a_code_from_the_app_completes_the_sign_in(
    client: Client, officer_device: TOTPDevice
) -> None:
    sign_in(client, "city_officer")
    response = client.post(
        reverse("accounts:two_factor_verify") + "?next=/accounts/profile/",
        {"code": totp_code(officer_device), "next": "/accounts/profile/"},
    )

    assert response["Location"] == "/accounts/profile/"
    assert client.get(HOME).status_code == 200
    entry = AuditEntry.objects.get(action="accounts.login.succeeded")
    assert entry.changes == {"method": "totp"}
    assert LoginAttempt.objects.filter(username="city_officer", succeeded=True).exists()


def test_the_session_id_changes_when_the_code_is_accepted(
    client: Client, officer_device: TOTPDevice
) -> None:
    sign_in(client, "city_officer")
    before = client.session.session_key
    client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(officer_device)})
    assert client.session.session_key != before


def test_a_code_with_spaces_is_accepted(client: Client, officer_device: TOTPDevice) -> None:
    sign_in(client, "city_officer")
    code = totp_code(officer_device)
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": f"{code[:3]} {code[3:]}"}
    )
    assert response["Location"] == HOME


def test_a_wrong_code_is_refused(client: Client, officer_device: TOTPDevice) -> None:
    sign_in(client, "city_officer")
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": _wrong_code(officer_device)}
    )

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert LoginAttempt.objects.filter(username="city_officer", succeeded=False).count() == 1


def test_the_same_code_is_not_accepted_twice(client: Client, officer_device: TOTPDevice) -> None:
    code = totp_code(officer_device)
    sign_in(client, "city_officer")
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code})["Location"] == HOME
    client.post(reverse("accounts:logout"))

    sign_in(client, "city_officer")
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()


def test_quick_retries_are_slowed_down_without_counting(
    client: Client, officer_device: TOTPDevice
) -> None:
    sign_in(client, "city_officer")
    client.post(reverse("accounts:two_factor_verify"), {"code": _wrong_code(officer_device)})
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": totp_code(officer_device)}
    )

    assert "Wait a few seconds" in response.content.decode()
    assert LoginAttempt.objects.filter(succeeded=False).count() == 1


def test_wrong_codes_count_towards_the_lockout(
    client: Client, officer_device: TOTPDevice, no_otp_throttling: None
) -> None:
    sign_in(client, "city_officer")
    for _attempt in range(4):
        response = client.post(
            reverse("accounts:two_factor_verify"), {"code": _wrong_code(officer_device)}
        )
        assert response.status_code == 200
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": _wrong_code(officer_device)}
    )

    assert response["Location"] == reverse("accounts:login") + "?reason=locked"
    assert SESSION_KEY not in client.session
    assert SignInRefusedError().message in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="accounts.login.locked").count() == 1
    # Locked: even the right password and code get nowhere now.
    assert sign_in(client, "city_officer").status_code == 200


def test_a_right_password_does_not_reset_the_count_before_the_code(
    client: Client, officer_device: TOTPDevice, no_otp_throttling: None
) -> None:
    """Else someone who knows the password could guess codes for ever, four at a time."""
    for _attempt in range(4):
        sign_in(client, "city_officer", "Wrong-password-1")
    assert sign_in(client, "city_officer")["Location"] == reverse("accounts:two_factor_verify")

    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": _wrong_code(officer_device)}
    )

    assert response["Location"] == reverse("accounts:login") + "?reason=locked"


def test_a_backup_code_works_once(client: Client, city_officer: User) -> None:
    device, codes = _enable(city_officer, twofactor.new_secret())
    sign_in(client, "city_officer")
    typed = twofactor.readable_backup_code(codes[3])  # as shown: "12345 67890"

    response = client.post(reverse("accounts:two_factor_verify"), {"code": typed})

    assert response["Location"] == HOME
    assert twofactor.backup_codes_left(city_officer) == 9
    entry = AuditEntry.objects.get(action="accounts.login.succeeded")
    assert entry.changes == {"method": "backup_code", "backup_codes_left": 9}
    client.post(reverse("accounts:logout"))
    sign_in(client, "city_officer")
    again = client.post(reverse("accounts:two_factor_verify"), {"code": typed})
    assert again.status_code == 200 and "The code is not correct" in again.content.decode()


def test_the_code_page_sends_someone_without_an_app_to_set_up(
    client: Client, city_officer: User
) -> None:
    sign_in(client, "city_officer")
    response = client.get(reverse("accounts:two_factor_verify"))
    assert response["Location"] == reverse("accounts:two_factor_setup")


# --- Voluntary use, and reset ------------------------------------------------------------


def test_without_the_requirement_two_factor_is_optional_but_then_used(
    client: Client, city_officer: User, settings: Settings
) -> None:
    settings.REQUIRE_2FA = False
    assert sign_in(client, "city_officer")["Location"] == HOME
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:two_factor_setup") in profile

    client.get(reverse("accounts:two_factor_setup"))
    key = client.session[twofactor.SETUP_KEY_SESSION]
    done = client.post(reverse("accounts:two_factor_setup"), {"code": _app_code(key)})
    assert client.get(done["Location"]).status_code == 200
    client.post(reverse("accounts:logout"))

    assert sign_in(client, "city_officer")["Location"] == reverse("accounts:two_factor_verify")


def test_reset_needs_the_password_and_removes_app_and_codes(
    client: Client, city_officer: User
) -> None:
    _enable(city_officer, twofactor.new_secret())
    login_verified(client, city_officer)
    url = reverse("accounts:two_factor_reset")

    wrong = client.post(url, {"password": "Not-my-password-1"})
    assert wrong.status_code == 200 and "The password is not correct" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=city_officer).exists()

    done = client.post(url, {"password": "Test-password-123"})

    assert done["Location"] == reverse("accounts:profile")
    assert not TOTPDevice.objects.filter(user=city_officer).exists()
    assert not StaticDevice.objects.filter(user=city_officer).exists()
    assert AuditEntry.objects.filter(action="accounts.two_factor.reset").exists()
    # The role needs it, so the next page is the set-up page.
    assert client.get(done["Location"])["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_profile_shows_two_factor_status(client: Client, city_officer: User) -> None:
    _enable(city_officer, twofactor.new_secret())
    login_verified(client, city_officer)
    body = client.get(reverse("accounts:profile")).content.decode()

    assert "You have 10 unused backup codes." in body
    assert reverse("accounts:two_factor_reset") in body
    assert reverse("accounts:password_change") in body


def test_setting_up_twice_is_refused(client: Client, city_officer: User) -> None:
    login_verified(client, city_officer)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response["Location"] == reverse("accounts:profile")


# --- In the browser ----------------------------------------------------------------------


def _password_only_cookie(base_url: str, username: str) -> SetCookieParam:
    client = Client()
    sign_in(client, username)
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
        "httpOnly": True,
        "sameSite": "Lax",
    }


def _setup_key_of(context: BrowserContext) -> str:
    """The secret the browser's session is setting up (read from the session store)."""
    from importlib import import_module

    cookie = next(c for c in context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME)
    store = import_module(django_settings.SESSION_ENGINE).SessionStore(cookie["value"])
    key: str = store[twofactor.SETUP_KEY_SESSION]
    return key


@pytest.mark.browser
def test_set_up_and_code_pages_pass_axe(
    browser_world: World, browser_pages: BrowserPages, live_server: LiveServer
) -> None:
    from zhucan.testing.browser import axe_report

    context = browser_pages.context()
    context.add_cookies([_password_only_cookie(live_server.url, "city_officer")])
    page = context.new_page()
    problems = []

    page.goto(reverse("accounts:two_factor_setup"), wait_until="load")
    assert page.url.split("?")[0].endswith(reverse("accounts:two_factor_enrol"))
    problems.append(axe_report(page, "enrolment code"))
    with transaction.atomic():
        enrolment_code = issue_enrolment_code(by=None, user=browser_world.city_officer)
    page.fill("input[name='code']", "000000000000")
    with page.expect_navigation(wait_until="load"):
        page.locator("main form:not(.inline-form) button[type='submit']").click()
    problems.append(axe_report(page, "enrolment code, wrong code"))
    page.fill("input[name='code']", enrolment_code)
    with page.expect_navigation(wait_until="load"):
        page.locator("main form:not(.inline-form) button[type='submit']").click()
    assert page.locator("svg.qr-code").is_visible()
    problems.append(axe_report(page, "two-factor set-up"))

    key = _setup_key_of(context)
    page.fill("input[name='code']", "000000" if _app_code(key) != "000000" else "111111")
    with page.expect_navigation(wait_until="load"):
        page.locator("main form:not(.inline-form) button[type='submit']").click()
    assert error_summary_has_focus(page), "the error summary must take focus"
    problems.append(axe_report(page, "two-factor set-up, wrong code"))

    page.fill("input[name='code']", _app_code(key))
    with page.expect_navigation(wait_until="load"):
        page.locator("main form:not(.inline-form) button[type='submit']").click()
    assert page.url.endswith(reverse("accounts:two_factor_backup_codes"))
    assert page.locator("ol li code").count() == 10
    problems.append(axe_report(page, "backup codes"))

    # Next sign-in: the code page.
    code_page = browser_pages.context()
    code_page.add_cookies([_password_only_cookie(live_server.url, "city_officer")])
    page = code_page.new_page()
    page.goto(reverse("accounts:two_factor_verify"), wait_until="load")
    problems.append(axe_report(page, "two-factor code page"))

    reported = [p for p in problems if p]
    assert not reported, "\n\n".join(reported)
