"""axe-core (WCAG 2.0-2.2 A/AA and best practice) on every page, as it renders in Chromium.

Every named URL is walked as in test_permissions.py; new views join automatically. Each page
is checked in the standard display and in large text + high contrast, the home and sign-in
pages in English too, and forms in their error state (the summary takes focus, every message
is read with its field). A failure prints each violation with its impact, the rule's help, the
CSS target and the HTML, ready to fix; ids used twice and console errors (CSP) fail too.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.testing.browser import (
    BrowserPages,
    Target,
    axe_report,
    axe_violations,
    error_summary_has_focus,
    find_target,
    id_problems,
    open_page,
    set_display,
)
from zhucan.testing.urlwalk import URLS

pytestmark = pytest.mark.browser


def _console_report(
    browser_pages: BrowserPages, page: Page, label: str, since: int = 0
) -> str | None:
    errors = browser_pages.errors(page)[since:]
    if not errors:
        return None
    return f"{label}: errors in the browser console (CSP or script):\n  " + "\n  ".join(errors)


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_every_page_passes_axe(
    browser_world: World, browser_pages: BrowserPages, name: str, kwargs: tuple[str, ...]
) -> None:
    target = find_target(browser_world, name, kwargs)
    if not isinstance(target, Target):
        # Not a page (POST only, a download, a redirect): find_target has checked that it
        # answers GET without a server error, which is all there is to check in a browser.
        assert "is not a page to open" in target
        return
    page = browser_pages.new(target.person)
    problems = []

    open_page(page, target.url)
    label = f"{name} as {target.who}, standard display"
    problems += [axe_report(page, label), _console_report(browser_pages, page, label)]
    problems += [f"{label}: {problem}" for problem in id_problems(page)]

    seen = len(browser_pages.errors(page))
    set_display(page, text_size="large", contrast="high")
    label = f"{name} as {target.who}, large text + high contrast"
    problems += [axe_report(page, label), _console_report(browser_pages, page, label, seen)]

    found = [p for p in problems if p]
    assert not found, "\n\n".join(found)


@pytest.mark.parametrize("name", ["core:home", "accounts:login", "orgs:list"])
def test_pages_in_english_pass_axe(
    browser_world: World, browser_pages: BrowserPages, name: str
) -> None:
    target = find_target(browser_world, name, [])
    assert isinstance(target, Target), target
    page = browser_pages.new(target.person, language="en")
    open_page(page, target.url)
    assert page.get_attribute("html", "lang") == "en"
    report = axe_report(page, f"{name} as {target.who}, in English")
    assert report is None, report


@pytest.mark.parametrize("mode", ["standard", "large-high-contrast"])
@pytest.mark.parametrize(
    ("case", "username", "password"),
    [
        pytest.param("empty", "", "", id="empty"),
        pytest.param("wrong", "member_unit_reporter", "not-the-password", id="wrong-password"),
    ],
)
def test_sign_in_errors_are_summarised_focused_and_pass_axe(
    browser_world: World,
    browser_pages: BrowserPages,
    mode: str,
    case: str,
    username: str,
    password: str,
) -> None:
    page = browser_pages.new()
    open_page(page, reverse("accounts:login"))
    if mode != "standard":
        set_display(page, text_size="large", contrast="high")
    page.fill("input[name='username']", username)
    page.fill("input[name='password']", password)
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[type='submit']").click()

    assert page.locator("[data-error-summary]").count() == 1, (
        "no error summary after a failed sign-in"
    )
    focused = error_summary_has_focus(page)
    assert focused, "the error summary must take focus so screen readers announce it first"
    report = axe_report(page, f"sign-in error state ({case}, {mode})")
    assert report is None, report
    assert not browser_pages.errors(page), browser_pages.errors(page)


def test_the_harness_catches_a_planted_violation(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    """Guards the guard: axe must really run inside the page, under its real CSP."""
    page = browser_pages.new()
    open_page(page, reverse("accounts:login"))
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = 'data:,';"
        " document.querySelector('main').append(img); }"
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}


def test_a_field_with_several_errors_announces_them_all(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    """Password rules can fail together: each message must be read with the field."""
    page = browser_pages.new(browser_world.city_officer)
    open_page(page, reverse("accounts:password_change"))
    page.fill("input[name='old_password']", "Test-password-123")
    page.fill("input[name='new_password']", "1234")
    page.fill("input[name='new_password_again']", "1234")
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[type='submit']").click()

    field = page.locator("input[name='new_password']")
    described = (field.get_attribute("aria-describedby") or "").split()
    assert field.get_attribute("aria-invalid") == "true"
    read_with_field = page.evaluate(
        "ids => ids.map(id => document.getElementById(id)?.textContent || '').join(' ')", described
    )
    container = field.locator("xpath=ancestor::div[contains(@class, 'field--error')][1]")
    messages = container.locator(".field__error").all_inner_texts()
    assert len(messages) >= 2, f"expected several errors for 1234, got {messages}"
    assert id_problems(page) == []
    spoken = "".join(read_with_field.split())
    unread = [m for m in messages if "".join(m.split()) not in spoken]
    assert not unread, f"not read with the field: {unread}"
    report = axe_report(page, "password change with several errors on one field")
    assert report is None, report
