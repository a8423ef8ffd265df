"""The completeness pages in Chromium: axe-core at desktop and at 320 px in large text and high
contrast (no sideways scrolling), the keyboard path through the filters and the remind button,
and the reminders form's error state, with a cascade, deliveries and reminders on the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from zhucan.campaigns.models import Campaign, Receipt
from zhucan.campaigns.services import (
    create_child_campaign,
    publish_campaign,
    set_deadlines,
    sign_receipt,
)
from zhucan.completeness import services
from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.browser import (
    BrowserPages,
    axe_report,
    error_summary_has_focus,
    id_problems,
    open_page,
    set_display,
)
from zhucan.testing.factories import make_campaign, make_plan, make_report

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640  # a phone, or 1280 px at 400 % zoom

# What sticks out of the page at 320 px. Inside a table's scrolling wrap only what is
# positioned: an absolutely positioned element escapes the wrap unless the wrap is positioned.
OVERFLOW = """width => [...document.body.querySelectorAll('*')]
  .filter(el => el.getBoundingClientRect().right > width + 0.5)
  .filter(el => !el.parentElement.closest('.table-wrap')
    || ['absolute', 'fixed'].includes(getComputedStyle(el).position))
  .map(el => el.outerHTML.slice(0, 120)).slice(0, 5)"""

ACTIVE = """() => {
  const el = document.activeElement;
  return el ? {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
               form: el.form ? el.form.getAttribute('action') : null} : null;
}"""


def _problems(
    browser_pages: BrowserPages, page: Page, label: str, *, narrow: bool = False
) -> list[str]:
    """axe (every WCAG 2.2 AA and best-practice rule, at either width), duplicate or dangling
    ids, console errors, and at 320 px anything that makes the page scroll sideways."""
    problems = [axe_report(page, label)]
    problems += [f"{label}: {p}" for p in id_problems(page)]
    problems += browser_pages.errors(page)
    if narrow:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            offenders = "\n    ".join(page.evaluate(OVERFLOW, WIDTH))
            problems.append(f"{label}: scrolls sideways ({width}px at {WIDTH}px):\n    {offenders}")
    return [p for p in problems if p]


def _campaign_with_a_cascade(world: World) -> Campaign:
    """City → county A → county A's civil affairs: county A has signed and sent its plan and a
    report on time, everyone else has not, and the sweep has reminded them before the deadline."""
    today = timezone.localdate()
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    campaign = set_deadlines(
        by=world.city_officer,
        campaign=campaign,
        version=campaign.version,
        plans_due=today + timedelta(days=5),
        reports_due=today + timedelta(days=20),
        summary_due=today + timedelta(days=30),
    )
    sign_receipt(
        by=world.county_a_officer,
        receipt=Receipt.objects.get(campaign=campaign, organisation=world.county_a),
    )
    make_plan(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    make_report(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    child = create_child_campaign(
        by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
    )
    publish_campaign(by=world.county_a_officer, campaign=child)
    assert services.sweep_campaign(campaign_id=campaign.pk, today=today + timedelta(days=2))
    return campaign


def _url(name: str, campaign: Campaign, query: str = "") -> str:
    return reverse(f"completeness:{name}", kwargs={"campaign_pk": campaign.pk}) + query


def _tab_to(page: Page, predicate_js: str, limit: int = 60) -> dict[str, str | None]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            active: dict[str, str | None] = page.evaluate(ACTIVE)  # the shape ACTIVE returns
            return active
    raise AssertionError(f"{limit} presses of Tab never reached {predicate_js}")


def test_the_completeness_page_passes_axe_and_fits_a_phone(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    campaign = _campaign_with_a_cascade(world)
    services.remind_missing(by=world.city_officer, campaign=campaign, kind="receipt")
    views = {
        "the whole city": "",
        "county A drilled down": f"?node={world.county_a.pk}",
        "filtered to nothing": "?kind=plan&status=late",
    }
    problems = []
    page = browser_pages.new(world.city_officer)
    for label, query in views.items():
        open_page(page, _url("campaign", campaign, query))
        problems += _problems(browser_pages, page, f"{label}, desktop")
    # The display settings belong to the person, not the browser: the desktop runs come first.
    phone = browser_pages.new(world.city_officer, viewport=(WIDTH, HEIGHT))
    open_page(phone, _url("campaign", campaign))
    set_display(phone, text_size="large", contrast="high")
    for label, query in views.items():
        open_page(phone, _url("campaign", campaign, query))
        problems += _problems(browser_pages, phone, f"{label}, 320px large high", narrow=True)

    # What each view is meant to show, so that axe looked at the right thing.
    open_page(page, _url("campaign", campaign))
    assert page.locator(f"table.rollup a[href='?node={world.county_a.pk}']").count() == 1
    assert page.locator("form[action$='/remind/'] button").count() == 3  # receipt, plan, report
    open_page(page, _url("campaign", campaign, views["county A drilled down"]))
    assert page.locator(".breadcrumbs [aria-current='page']").count() == 1
    assert page.locator("#detail-caption + thead + tbody th[scope='row']").count() == 2
    open_page(page, _url("campaign", campaign, views["filtered to nothing"]))
    assert page.locator("#detail-heading ~ .empty-state").is_visible()
    assert not problems, "\n\n".join(problems)


def test_filter_and_remind_with_the_keyboard_alone(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    campaign = _campaign_with_a_cascade(world)
    page = browser_pages.new(world.city_officer)
    open_page(page, _url("campaign", campaign))
    rows = page.locator("#detail-caption ~ tbody th[scope='row']")
    assert rows.count() == 4  # county A, its civil affairs, county B, the city's civil affairs

    # The status filter: chosen with the arrow keys, sent with Enter on the Filter button.
    _tab_to(page, "() => document.activeElement.id === 'filter-status'")
    for _ in range(5):
        if page.evaluate("document.activeElement.value") == "missing":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "missing"
    _tab_to(page, "() => document.activeElement.matches('.search-form button[type=submit]')")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "status=missing" in page.url
    names = rows.all_inner_texts()
    assert world.county_a.name not in names  # delivered all three on time
    assert set(names) == {world.county_a_unit.name, world.county_b.name, world.city_unit.name}

    # A remind button: reached by Tab from the top of the new page, pressed with Space.
    active = _tab_to(
        page, "() => !!document.activeElement.closest(\"form[action$='/remind/']\")", limit=80
    )
    assert active["tag"] == "button", active
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Space")
    success = page.locator(".messages .message--success")
    assert success.count() == 1, page.locator(".messages").all_inner_texts()
    assert not browser_pages.errors(page)


def test_the_reminders_page_passes_axe_in_its_error_state_too(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    campaign = _campaign_with_a_cascade(world)
    services.remind_missing(by=world.city_officer, campaign=campaign, kind="plan")
    url = _url("reminders", campaign)
    problems = []
    page = browser_pages.new(world.city_officer)
    open_page(page, url)
    assert page.locator("#sent-caption ~ tbody tr").count() >= 4
    problems += _problems(browser_pages, page, "reminders, desktop")

    # Two mistakes: a negative number, and reports due before the plans they carry out.
    page.fill("#id_days_before", "-1")
    assert campaign.plans_due is not None
    page.fill("#id_reports_due", str(campaign.plans_due - timedelta(days=1)))
    with page.expect_navigation(wait_until="load"):
        page.locator("main form.plan-form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert error_summary_has_focus(page)
    assert summary.locator("a[href='#id_days_before']").count() == 1
    assert summary.locator("a[href='#id_reports_due']").count() == 1
    problems += _problems(browser_pages, page, "reminders with errors, desktop")

    phone = browser_pages.new(world.city_officer, viewport=(WIDTH, HEIGHT))
    open_page(phone, url)
    set_display(phone, text_size="large", contrast="high")
    problems += _problems(browser_pages, phone, "reminders, 320px large high", narrow=True)
    phone.fill("#id_days_before", "-1")
    with phone.expect_navigation(wait_until="load"):
        phone.locator("main form.plan-form button[type=submit]").click()
    assert phone.locator("[data-error-summary]").is_visible()
    problems += _problems(browser_pages, phone, "reminders with errors, 320px", narrow=True)
    assert not problems, "\n\n".join(problems)

    # The city's schedule is the city's: county A may neither see nor change it.
    client = Client()
    login_verified(client, world.county_a_officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"days_before": "2"}).status_code == 403
