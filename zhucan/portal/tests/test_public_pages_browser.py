"""The public site in Chromium, as a visitor: axe-core finds nothing on any page, in the normal
and the elder mode, at desktop width and at 320 px (the reflow of 400 % zoom); the home page
works with the keyboard alone; every page reads the same with JavaScript off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.portal.display import ELDER_COOKIE
from zhucan.portal.tests.factories import Portal, build_portal
from zhucan.testing.browser import BrowserPages, axe_report, open_page

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640
SITE = "/p/410402/"


def _urls(portal: Portal) -> list[str]:
    pages = [
        "",
        "whats-on/",
        f"whats-on/{portal.shown.pk}/",
        "stories/",
        f"stories/{portal.story.pk}/",
        "services/",
        "services/?kind=rehabilitation",
        "contacts/",
        "policies/",
        "print/",
        "help/",
        "help/status/",
    ]
    return [f"{SITE}{p}" for p in pages] + [f"{SITE}text/{p}" for p in pages]


def _elder(page: Page, base_url: str) -> None:
    page.context.add_cookies([{"name": ELDER_COOKIE, "value": "1", "url": base_url}])


def _check(browser_pages: BrowserPages, page: Page, url: str, label: str) -> list[str]:
    open_page(page, url)
    problems = [axe_report(page, f"{label}: {url}")]
    problems += browser_pages.errors(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size or {"width": 0}
    if width > viewport["width"]:
        problems.append(f"{label}: {url} scrolls sideways ({width}px)")
    return [p for p in problems if p]


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_every_public_page_passes_axe_at_both_widths(
    browser_world: World, browser_pages: BrowserPages, live_server: Any, elder: bool
) -> None:
    portal = build_portal(browser_world)
    problems: list[str] = []
    for viewport, label in (((1280, 800), "desktop"), ((WIDTH, HEIGHT), "320px")):
        page = browser_pages.new(None, viewport=viewport)
        if elder:
            _elder(page, live_server.url)
            label += ", elder mode"
        for url in _urls(portal):
            problems += _check(browser_pages, page, url, label)
    assert not problems, "\n\n".join(problems)


def test_the_elder_mode_link_works_without_javascript(
    browser_world: World, browser_pages: BrowserPages, live_server: Any
) -> None:
    build_portal(browser_world)
    context = browser_pages.browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": WIDTH, "height": 640},
    )
    browser_pages.contexts.append(context)
    page = context.new_page()
    open_page(page, f"{SITE}services/")
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("link", name="Large text for older people").click()
    page.wait_for_url(f"**{SITE}services/")
    assert page.evaluate("document.documentElement.className") == "elder"
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger >= size * 1.3
    # The filter is a plain form: it works without a script too.
    page.select_option("#kind", "rehabilitation")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**kind=rehabilitation")
    assert page.get_by_role("heading", name="新华区康复中心").count() == 1
    assert not page.locator("script").count()


def test_the_home_page_with_the_keyboard_alone_at_320px(
    browser_world: World, browser_pages: BrowserPages, live_server: Any
) -> None:
    build_portal(browser_world)
    page = browser_pages.new(None, viewport=(WIDTH, HEIGHT), language="en")
    _elder(page, live_server.url)
    open_page(page, SITE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # From the top again: every link takes the focus in reading order, visibly on screen.
    open_page(page, SITE)
    seen = []
    for _ in range(16):
        page.keyboard.press("Tab")
        box = page.evaluate(
            """() => { const r = document.activeElement.getBoundingClientRect();
                       return [r.width, r.height, document.activeElement.textContent.trim()]; }"""
        )
        assert box[0] > 0 and box[1] > 0, f"focus on something invisible: {box}"
        seen.append(box[2])
    assert "What's on" in seen and "Ask for help" in seen
    while page.evaluate("document.activeElement.textContent.trim()") != "What's on":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{SITE}whats-on/")
    assert page.get_by_role("heading", level=1).inner_text() == "What's on"
