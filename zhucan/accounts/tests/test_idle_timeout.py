"""Signing out after SESSION_IDLE_TIMEOUT without activity, and the warning before it."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from zhucan.accounts.middleware import PASSIVE_PATHS, IdleTimeoutMiddleware
from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.browser import BrowserPages

KEY = IdleTimeoutMiddleware.SESSION_KEY


def _last_active(client: Client, seconds_ago: float) -> None:
    """Travel in time: pretend the last activity was ``seconds_ago``."""
    session = client.session
    session[KEY] = time.time() - seconds_ago
    session.save()


@pytest.fixture
def signed_in(client: Client, member_unit_reporter: User) -> Client:
    login_verified(client, member_unit_reporter)
    assert client.get(reverse("accounts:profile")).status_code == 200
    return client


def test_the_status_url_is_the_passive_one(db: None) -> None:
    assert reverse("accounts:session_status") in PASSIVE_PATHS


def test_after_the_timeout_the_next_page_goes_to_sign_in_with_a_message(
    signed_in: Client, settings: Settings
) -> None:
    _last_active(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)

    response = signed_in.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("accounts:login") + "?reason=idle&next=%2Faccounts%2Fprofile%2F"
    )
    assert SESSION_KEY not in signed_in.session
    page = signed_in.get(response["Location"])
    assert "You were signed out after a period of inactivity." in page.content.decode()
    assert 'name="next" value="/accounts/profile/"' in page.content.decode()


def test_activity_before_the_timeout_keeps_the_session(
    signed_in: Client, settings: Settings
) -> None:
    _last_active(signed_in, settings.SESSION_IDLE_TIMEOUT - 5)

    assert signed_in.get(reverse("accounts:profile")).status_code == 200
    assert time.time() - signed_in.session[KEY] < 5


def test_a_form_sent_after_the_timeout_changes_nothing(
    signed_in: Client, settings: Settings, member_unit_reporter: User
) -> None:
    _last_active(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)

    response = signed_in.post(reverse("accounts:display"), {"text_size": "large"})

    # No way back to a POST-only address, so no `next`.
    assert response["Location"] == reverse("accounts:login") + "?reason=idle"
    member_unit_reporter.refresh_from_db()
    assert member_unit_reporter.text_size == "normal"


def test_stay_signed_in_extends_the_session(signed_in: Client, settings: Settings) -> None:
    _last_active(signed_in, settings.SESSION_IDLE_TIMEOUT - 30)

    response = signed_in.post(reverse("accounts:session_extend"), HTTP_X_REQUESTED_WITH="fetch")

    assert response.json() == {"ok": True, "remaining": settings.SESSION_IDLE_TIMEOUT}
    _last_active_age = time.time() - signed_in.session[KEY]
    assert _last_active_age < 5
    status = signed_in.get(reverse("accounts:session_status")).json()
    assert status["remaining"] >= settings.SESSION_IDLE_TIMEOUT - 5


def test_stay_signed_in_without_script_returns_to_the_page(signed_in: Client) -> None:
    response = signed_in.post(reverse("accounts:session_extend"), {"next": "/accounts/profile/"})
    assert response["Location"] == "/accounts/profile/"


def test_asking_for_the_time_left_is_not_activity(signed_in: Client, settings: Settings) -> None:
    _last_active(signed_in, 100)
    before = signed_in.session[KEY]

    response = signed_in.get(reverse("accounts:session_status"))

    data = response.json()
    assert (
        settings.SESSION_IDLE_TIMEOUT - 102
        <= data["remaining"]
        <= settings.SESSION_IDLE_TIMEOUT - 100
    )
    assert data["timeout"] == settings.SESSION_IDLE_TIMEOUT
    assert data["warning"] == settings.SESSION_IDLE_WARNING
    assert signed_in.session[KEY] == before
    assert "no-store" in response["Cache-Control"]


def test_the_status_after_the_timeout_signs_out_and_says_where_to_go(
    signed_in: Client, settings: Settings
) -> None:
    _last_active(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)

    data = signed_in.get(reverse("accounts:session_status")).json()

    assert data["remaining"] == 0
    assert data["login_url"] == reverse("accounts:login") + "?reason=idle"
    assert SESSION_KEY not in signed_in.session


def test_the_status_for_visitors_sends_them_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:session_status"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_warning_dialog_is_accessible(rf: RequestFactory, member_unit_reporter: User) -> None:
    request = rf.get("/accounts/profile/")
    request.user = member_unit_reporter
    html = render_to_string(
        "accounts/idle_warning.html",
        {"session_idle_warning": 120, "session_idle_timeout": 1800},
        request=request,
    )
    match = re.search(r"<dialog [^>]*>", html)
    assert match is not None
    dialog = match.group(0)

    assert 'role="alertdialog"' in dialog
    assert 'aria-labelledby="idle-warning-title"' in dialog
    assert f'data-status-url="{reverse("accounts:session_status")}"' in dialog
    assert 'aria-live="polite"' in html  # the countdown, updated every 15 s by app.js
    assert re.search(r'<button type="submit" class="button" autofocus>', html)
    assert f'action="{reverse("accounts:session_extend")}"' in html
    assert f'action="{reverse("accounts:logout")}"' in html  # sign out now
    assert "Pressing Escape also keeps you signed in." in html
    assert "<script" not in html and " style=" not in html


# --- In the browser ----------------------------------------------------------------------


@pytest.fixture
def short_timeout(settings: Settings) -> None:
    # Short enough to wait for, long enough that the page has loaded when the warning opens.
    settings.SESSION_IDLE_TIMEOUT = 30
    settings.SESSION_IDLE_WARNING = 27


@pytest.fixture
def warning_markup() -> str:
    """base.html includes accounts/idle_warning.html: the warning the tests check."""
    return "accounts"


@pytest.mark.browser
def test_the_warning_opens_with_focus_inside_and_escape_stays_signed_in(
    browser_world: World, browser_pages: BrowserPages, short_timeout: None, warning_markup: str
) -> None:
    from zhucan.testing.browser import axe_report

    page = browser_pages.new(browser_world.member_unit_reporter)
    page.goto(reverse("accounts:profile"), wait_until="load")

    page.wait_for_selector("#idle-warning[open]", timeout=10_000)
    assert page.evaluate(
        "() => document.getElementById('idle-warning').contains(document.activeElement)"
    ), "showModal() must move focus into the warning"
    countdown = page.locator("[data-idle-countdown]").inner_text().strip()
    assert countdown
    if warning_markup == "accounts":
        assert page.evaluate("() => document.activeElement.textContent.trim()") == (
            page.locator("#idle-warning form[data-idle-extend] button").inner_text().strip()
        )
        assert re.search(r"\d", countdown), countdown
        report = axe_report(page, "idle warning open")
        assert report is None, report

    with page.expect_request(
        lambda r: r.url.endswith(reverse("accounts:session_extend")) and r.method == "POST"
    ):
        page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('idle-warning').open")
    remaining = page.evaluate(
        "url => fetch(url, {credentials: 'same-origin'}).then(r => r.json())"
        ".then(d => d.remaining)",
        reverse("accounts:session_status"),
    )
    assert remaining > 25
    if warning_markup == "accounts":
        assert page.locator("[data-idle-status]").inner_text().strip()
    assert not browser_pages.errors(page), browser_pages.errors(page)


@pytest.mark.browser
@pytest.mark.parametrize("other_tab", [True, False], ids=["active-elsewhere", "idle"])
def test_the_server_decides_when_to_warn(
    browser_world: World,
    browser_pages: BrowserPages,
    settings: Settings,
    warning_markup: str,
    other_tab: bool,
) -> None:
    """Work in another tab keeps this tab's warning away: it asks the server before warning.

    This tab's timers run on Playwright's paused clock and are stepped by hand; the server's
    clock is real. Without the other tab the same steps open the warning.
    """
    if warning_markup != "accounts":
        pytest.skip("the current includes/idle_warning.html has no status URL to ask")
    settings.SESSION_IDLE_TIMEOUT = 10
    settings.SESSION_IDLE_WARNING = 5
    context = browser_pages.context(browser_world.member_unit_reporter)
    first = context.new_page()
    first.clock.install()
    first.goto(reverse("accounts:profile"), wait_until="load")
    # Stop this tab's clock 2 s after now by its own reckoning (its warning is due at 5 s).
    first.clock.pause_at(first.evaluate("() => Date.now()") / 1000 + 2)
    first.wait_for_timeout(6_000)  # real time: the server now has 4 s left for this session
    if other_tab:
        context.new_page().goto(reverse("accounts:profile"), wait_until="load")

    with first.expect_response(lambda r: r.url.endswith(reverse("accounts:session_status"))):
        first.clock.run_for(3_100)  # this tab's own clock reaches its warning time
    first.wait_for_timeout(500)

    is_open = first.evaluate("() => document.getElementById('idle-warning').open")
    assert is_open is not other_tab


@pytest.mark.browser
def test_when_time_runs_out_the_page_goes_to_sign_in(
    browser_world: World,
    browser_pages: BrowserPages,
    settings: Settings,
    warning_markup: str,
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 4
    settings.SESSION_IDLE_WARNING = 3
    page = browser_pages.new(browser_world.member_unit_reporter)
    page.goto(reverse("accounts:profile"), wait_until="load")

    page.wait_for_url("**/accounts/login/?*reason=idle*", timeout=15_000)
    assert "next=%2Faccounts%2Fprofile%2F" in page.url
    assert "inactivity" in page.content() or "reason=idle" in page.url
