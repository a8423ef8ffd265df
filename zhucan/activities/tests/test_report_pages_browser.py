"""The report pages in Chromium: axe-core finds nothing on the list (empty and full), the form
(fresh and with errors, where the summary takes focus) and the detail page in each state, at
desktop width and at 320 px with large text, and nothing scrolls sideways on the phone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.accounts.models import User
from zhucan.activities.models import Indicator
from zhucan.activities.services import VisitInput, accept_report, return_report, submit_report
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing.browser import (
    BrowserPages,
    axe_report,
    error_summary_has_focus,
    open_page,
    set_display,
)
from zhucan.testing.factories import make_campaign, make_report, make_user

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640  # a phone, or 1280 px at 400 % zoom
# The axe rules whose outcome depends on the layout (as in core's reflow test).
NARROW_RULES = ["scrollable-region-focusable", "target-size", "meta-viewport"]


def _problems(
    browser_pages: BrowserPages, page: Page, label: str, *, narrow: bool = False
) -> list[str]:
    problems = [axe_report(page, label, rules=NARROW_RULES if narrow else None)]
    problems += browser_pages.errors(page)
    if narrow:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{label}: scrolls sideways ({width}px wide at {WIDTH}px)")
    return [p for p in problems if p]


def _both_widths(browser_pages: BrowserPages, person: User, url: str, label: str) -> list[str]:
    page = browser_pages.new(person)
    open_page(page, url)
    problems = _problems(browser_pages, page, f"{label}, desktop")
    phone = browser_pages.new(person, viewport=(WIDTH, HEIGHT))
    open_page(phone, url)
    set_display(phone, text_size="large", contrast="normal")
    problems += _problems(browser_pages, phone, f"{label} at 320px, large text", narrow=True)
    return problems


@pytest.fixture
def people(browser_world: World) -> tuple[World, User, Campaign]:
    world = browser_world
    reporter = make_user(username="xinhua_reporter", org=world.county_a, role="reporter")
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    return world, reporter, campaign


def test_the_list_empty_and_full(
    people: tuple[World, User, Campaign], browser_pages: BrowserPages
) -> None:
    world, reporter, campaign = people
    url = reverse("activities:list")
    problems = _both_widths(browser_pages, reporter, url, "list, empty")
    for n in range(3):
        make_report(
            campaign=campaign,
            organisation=world.county_a,
            by=reporter,
            title=f"走访慰问困难残疾人家庭（第{n + 1}批），送去米面油和慰问金",
            submit=n == 0,
        )
    problems += _both_widths(browser_pages, world.county_a_officer, url, "list with reports")
    assert not problems, "\n\n".join(problems)


def test_the_form_fresh_and_with_errors(
    people: tuple[World, User, Campaign], browser_pages: BrowserPages
) -> None:
    world, reporter, campaign = people
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    problems = _both_widths(browser_pages, reporter, url, "form")
    for viewport, label in (((1280, 800), "desktop"), ((WIDTH, HEIGHT), "320px, large text")):
        page = browser_pages.new(reporter, viewport=viewport)
        open_page(page, url)
        narrow = viewport[0] == WIDTH
        if narrow:
            set_display(page, text_size="large", contrast="normal")
        page.fill("#id_start_date", "2020-05-17")
        page.fill("#id_end_date", "2020-05-10")
        page.fill("#id_cash", "12.345")
        with page.expect_navigation(wait_until="load"):
            page.locator("main button[value='save']").click()
        assert page.locator("[data-error-summary]").is_visible()
        assert error_summary_has_focus(page)
        assert page.locator("a[href='#id_end_date']").count() == 1
        assert page.locator("a[href='#id_cash']").count() == 1
        problems += _problems(browser_pages, page, f"form with errors, {label}", narrow=narrow)
    assert not problems, "\n\n".join(problems)


def test_the_detail_page_in_every_state(
    people: tuple[World, User, Campaign], browser_pages: BrowserPages
) -> None:
    world, reporter, campaign = people
    households = Indicator.objects.get(campaign=None, code="households_visited")
    report = make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=reporter,
        description="走访了三十五户困难残疾人家庭，送去慰问金和米面油。",
        cash=Decimal("7000.00"),
        values={households.pk: Decimal(37)},
        visits=[
            VisitInput(kind="household", households=35, leaders="区长", cash=Decimal(7000)),
            VisitInput(kind="household", households=2),
        ],
    )
    url = reverse("activities:detail", kwargs={"report_pk": report.pk})
    problems = _both_widths(browser_pages, reporter, url, "detail, draft")
    report = submit_report(by=reporter, report=report, version=report.version)
    problems += _both_widths(browser_pages, world.city_officer, url, "detail, submitted")
    report = return_report(
        by=world.city_officer, report=report, version=report.version, reason="请补充照片。"
    )
    problems += _both_widths(browser_pages, reporter, url, "detail, returned")
    report = submit_report(by=reporter, report=report, version=report.version)
    accept_report(by=world.city_officer, report=report, version=report.version)
    problems += _both_widths(browser_pages, world.city_officer, url, "detail, accepted")
    assert not problems, "\n\n".join(problems)


def test_dates_outside_the_campaign_are_confirmed_by_keyboard(
    people: tuple[World, User, Campaign], browser_pages: BrowserPages
) -> None:
    """The box appears next to the dates after the first refusal; ticking it with the keyboard
    and sending again saves the report."""
    world, reporter, campaign = people
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    page = browser_pages.new(reporter)
    open_page(page, url)
    page.select_option("#id_category", "visit")
    page.fill("#id_title", "走访慰问")
    page.fill("#id_start_date", "2013-05-17")
    page.fill("#id_end_date", "2013-05-17")
    page.select_option("#id_mode", "in_person")
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[value='save']").click()
    assert page.locator("a[href='#id_confirm_dates']").count() == 1
    problems = _problems(browser_pages, page, "form asking to confirm the dates")
    page.locator("a[href='#id_confirm_dates']").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_confirm_dates"
    page.keyboard.press("Space")
    assert page.locator("#id_confirm_dates").is_checked()
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[value='save']").click()
    assert "/activities/" in page.url and "/new/" not in page.url
    assert not problems, "\n\n".join(problems)
