"""The notification list in Chromium, full (two pages, read and unread) and empty: axe-core in
the standard display and in large text + high contrast, and 320 px reflow. The URL walk of
zhucan/core/tests opens the list too, but as someone with no notifications."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.notifications.models import Notification
from zhucan.notifications.services import notify
from zhucan.testing.browser import BrowserPages, axe_report, id_problems, open_page, set_display

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640  # a phone, or 1280 px at 400 % zoom
NARROW_RULES = ["scrollable-region-focusable", "target-size", "meta-viewport"]
LIST = reverse("notifications:list")


def _problems(
    browser_pages: BrowserPages, page: Page, label: str, *, narrow: bool = False
) -> list[str]:
    problems = [axe_report(page, label, rules=NARROW_RULES if narrow else None)]
    problems += [f"{label}: {p}" for p in id_problems(page)]
    problems += browser_pages.errors(page)
    if narrow:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{label}: scrolls sideways ({width}px wide at {WIDTH}px)")
    return [p for p in problems if p]


def _fill(world: World) -> None:
    with transaction.atomic():
        for number in range(1, 24):
            notify(
                users=[world.county_a_officer],
                kind="reminder",
                title=f"请签收《关于开展第{number}次全国助残日活动的通知》",
                body="新华区人民政府残疾人工作委员会尚未签收，请于5月10日前签收。" * 2,
                url=reverse("plans:list"),
                email=False,
            )
    Notification.objects.filter(title__contains="第1次").update(read_at=timezone.now())


def test_the_list_passes_axe_and_fits_a_phone(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    _fill(world)
    problems = []
    page = browser_pages.new(world.county_a_officer)
    open_page(page, LIST)
    bell = page.get_by_role("link", name="通知，22 条未读")
    assert bell.count() == 1, "the bell's accessible name gives the unread count"
    assert page.get_by_text("未读", exact=True).count() >= 1, "unread is said in words"
    assert page.locator("nav.pagination").is_visible()
    problems += _problems(browser_pages, page, "list, desktop")
    set_display(page, text_size="large", contrast="high")
    problems += _problems(browser_pages, page, "list, large text + high contrast")

    phone = browser_pages.new(world.county_a_officer, viewport=(WIDTH, HEIGHT))
    open_page(phone, LIST)
    problems += _problems(browser_pages, phone, "list at 320px", narrow=True)
    set_display(phone, text_size="large", contrast="normal")
    problems += _problems(browser_pages, phone, "list at 320px, large text", narrow=True)
    assert not problems, "\n\n".join(problems)


def test_open_and_mark_all_read_with_the_keyboard_then_the_empty_state(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    _fill(world)
    page = browser_pages.new(world.county_a_officer)
    open_page(page, f"{LIST}?show=unread")
    page.get_by_role("button", name="打开").first.focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("plans:list"))
    assert page.get_by_role("link", name="通知，21 条未读").count() == 1

    open_page(page, f"{LIST}?show=unread")
    page.get_by_role("button", name="全部标为已读").focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.get_by_text("没有未读通知。").is_visible()
    assert page.get_by_role("link", name="通知", exact=True).count() == 1
    problems = _problems(browser_pages, page, "empty unread list, desktop")
    set_display(page, text_size="large", contrast="high")
    problems += _problems(browser_pages, page, "empty unread list, large text + high contrast")
    assert not problems, "\n\n".join(problems)
