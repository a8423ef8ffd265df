"""The typical-activity, media and institution pages in Chromium: axe-core finds nothing at
desktop width and at 320 px, empty and with rows, and the propose form's error summary takes
focus."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport
from zhucan.activities.services import (
    accept_report,
    add_institution,
    add_media_report,
    propose_typical,
)
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.orgs.models import Region
from zhucan.testing.browser import BrowserPages, axe_report, error_summary_has_focus, open_page
from zhucan.testing.factories import make_campaign, make_report, make_user

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640
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
    problems = []
    page = browser_pages.new(person)
    open_page(page, url)
    problems += _problems(browser_pages, page, f"{label}, desktop")
    phone = browser_pages.new(person, viewport=(WIDTH, HEIGHT))
    open_page(phone, url)
    problems += _problems(browser_pages, phone, f"{label} at 320px", narrow=True)
    return problems


def _accepted_report(world: World) -> tuple[User, Campaign, ActivityReport]:
    reporter = make_user(org=world.county_a, role="reporter")
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    report = make_report(campaign=campaign, organisation=world.county_a, by=reporter, submit=True)
    report = accept_report(by=world.city_officer, report=report, version=report.version)
    return reporter, campaign, report


def test_typical_list_empty_and_with_rows(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    url = reverse("activities:typical")
    problems = _both_widths(browser_pages, world.city_officer, url, "typical list, empty")
    reporter, _campaign, report = _accepted_report(world)
    propose_typical(by=reporter, report=report, account="线上直播慰问，千人观看。" * 5)
    problems += _both_widths(browser_pages, world.city_officer, url, "typical list, to decide")
    page = browser_pages.new(world.city_officer)
    open_page(page, url)
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[value='accept']").click()
    problems += _problems(browser_pages, page, "typical list, accepted row")
    assert page.locator("main table tbody tr").count() == 1
    problems += _both_widths(browser_pages, world.city_officer, url, "typical list, rows")
    assert not problems, "\n\n".join(problems)


def test_propose_form_error_summary_takes_focus(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    reporter, _campaign, report = _accepted_report(world)
    url = reverse("activities:propose_typical", kwargs={"report_pk": report.pk})
    problems = _both_widths(browser_pages, reporter, url, "propose form")
    page = browser_pages.new(reporter)
    open_page(page, url)
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[type='submit']").click()
    assert page.locator("[data-error-summary]").is_visible()
    assert error_summary_has_focus(page)
    assert page.locator("a[href='#id_account']").count() == 1
    problems += _problems(browser_pages, page, "propose form with errors")
    assert not problems, "\n\n".join(problems)


def test_media_list_and_form(browser_world: World, browser_pages: BrowserPages) -> None:
    from datetime import date

    world = browser_world
    reporter, campaign, report = _accepted_report(world)
    list_url = reverse("activities:media")
    problems = _both_widths(browser_pages, world.city_officer, list_url, "media list, empty")
    problems += _both_widths(browser_pages, reporter, reverse("activities:new_media"), "media form")
    add_media_report(
        by=reporter,
        campaign=campaign,
        organisation=world.county_a,
        outlet="平顶山日报",
        kind="newspaper",
        date=date(2020, 5, 18),
        title="新华区开展第三十次全国助残日活动",
        url="https://example.cn/news/1",
        activities=[report],
    )
    problems += _both_widths(browser_pages, world.city_officer, list_url, "media list, rows")
    page = browser_pages.new(reporter)
    open_page(page, reverse("activities:new_media"))
    page.fill("#id_url", "javascript:alert(1)")
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[type='submit']").click()
    assert error_summary_has_focus(page)
    problems += _problems(browser_pages, page, "media form with errors")
    assert not problems, "\n\n".join(problems)


def test_institutions_page(browser_world: World, browser_pages: BrowserPages) -> None:
    world = browser_world
    url = reverse("activities:institutions")
    problems = _both_widths(browser_pages, world.county_a_officer, url, "institutions, empty")
    add_institution(
        by=world.county_a_officer,
        organisation=world.county_a,
        name="新华区社会福利院",
        kind="welfare_home",
        region=Region.objects.get(code="410402"),
        address="新华区建设路1号",
    )
    problems += _both_widths(browser_pages, world.county_a_officer, url, "institutions, rows")
    assert not problems, "\n\n".join(problems)
