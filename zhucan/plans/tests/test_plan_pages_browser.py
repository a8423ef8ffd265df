"""The plan pages in Chromium: axe-core and 320 px reflow for the edit form (in its error state
too) and the review page with a diff. The URL walk opens the others, but its plan is submitted,
so it never sees the edit form, nor a diff between two versions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.plans import services
from zhucan.testing.browser import (
    BrowserPages,
    axe_report,
    error_summary_has_focus,
    open_page,
    set_display,
)
from zhucan.testing.factories import make_campaign, make_plan, make_user

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640  # a phone, or 1280 px at 400 % zoom
# The axe rules whose outcome depends on the layout (as in core's reflow test).
NARROW_RULES = ["scrollable-region-focusable", "target-size", "meta-viewport"]
CROWDED = {"mode": "in_person", "expected_attendance": 80, "safety_measures": "佩戴口罩"}


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


def test_the_edit_form_passes_axe_and_fits_a_phone(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    plan = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[CROWDED],
    )
    url = reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    problems = []
    page = browser_pages.new(world.county_a_officer)
    open_page(page, url)
    problems += _problems(browser_pages, page, "edit, desktop")
    # The error state: the summary takes focus and links to the field.
    page.fill("#id_activity-0-end_date", "2020-05-01")
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[value='save']").click()
    assert page.locator("[data-error-summary]").is_visible()
    assert error_summary_has_focus(page)
    assert page.locator("a[href='#id_activity-0-end_date']").count() == 1
    problems += _problems(browser_pages, page, "edit with errors, desktop")

    phone = browser_pages.new(world.county_a_officer, viewport=(WIDTH, HEIGHT))
    open_page(phone, url)
    set_display(phone, text_size="large", contrast="high")
    problems += _problems(browser_pages, phone, "edit at 320px, large text", narrow=True)
    assert not problems, "\n\n".join(problems)


def test_the_review_page_with_a_diff_passes_axe_and_fits_a_phone(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    reviewer = make_user(org=world.city, role="reviewer")
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    plan = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[CROWDED, {"title": "线上宣传"}],
        submit=True,
    )
    activity = plan.activities.first()
    assert activity is not None
    plan = services.return_plan(
        by=reviewer,
        plan=plan,
        version=plan.version,
        comments=[services.CommentInput(text="请减少人数", activity_id=activity.pk)],
    )
    rows = [
        services.ActivityInput(
            id=a.pk,
            title=a.title,
            start_date=a.start_date,
            end_date=a.end_date,
            category=a.category,
            mode=a.mode,
            expected_attendance=40 if a.pk == activity.pk else a.expected_attendance,
            person_responsible=a.person_responsible,
            safety_measures="佩戴口罩、测温、保持一米以上距离" if a.pk == activity.pk else "",
        )
        for a in plan.activities.all()
    ]
    plan = services.update_plan(
        by=world.county_a_officer,
        plan=plan,
        version=plan.version,
        aims="新的活动目标：让每一位困难残疾人都感受到党和政府的温暖。" * 3,
        leadership=plan.leadership,
        publicity=plan.publicity,
        safeguards=plan.safeguards,
        activities=rows,
    )
    services.submit_plan(by=world.county_a_officer, plan=plan, version=plan.version)
    url = reverse("plans:review", kwargs={"plan_pk": plan.pk})
    problems = []
    page = browser_pages.new(reviewer)
    open_page(page, url)
    assert page.locator("#diff-heading").is_visible()
    problems += _problems(browser_pages, page, "review, desktop")
    phone = browser_pages.new(reviewer, viewport=(WIDTH, HEIGHT))
    open_page(phone, url)
    set_display(phone, text_size="large", contrast="normal")
    problems += _problems(browser_pages, phone, "review at 320px, large text", narrow=True)
    assert not problems, "\n\n".join(problems)
