"""The publish page in Chromium: axe-core finds nothing, the dates are reached and changed by
keyboard, a refused date puts focus on the error summary, and the campaign page then shows the
deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing.browser import BrowserPages, axe_report, error_summary_has_focus, open_page
from zhucan.testing.factories import make_campaign

pytestmark = pytest.mark.browser


def test_publish_with_deadlines_by_keyboard(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer, publish=False)
    detail = reverse("campaigns:detail", kwargs={"campaign_pk": campaign.pk})
    url = reverse("campaigns:publish", kwargs={"campaign_pk": campaign.pk})
    page = browser_pages.new(world.city_officer)
    problems = []

    open_page(page, detail)
    problems.append(axe_report(page, "draft campaign page with its deadlines"))
    with page.expect_navigation(wait_until="load"):
        page.locator(f"main a[href='{url}']").focus()
        page.keyboard.press("Enter")
    problems.append(axe_report(page, "publish page"))

    yesterday = timezone.localdate() - timedelta(days=1)
    page.locator("#id_plans_due").focus()
    page.keyboard.type(yesterday.strftime("%m%d%Y"))  # Chromium's date field takes digits
    assert page.locator("#id_plans_due").input_value() == yesterday.isoformat()
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[type='submit']").focus()
        page.keyboard.press("Enter")
    assert error_summary_has_focus(page)
    problems.append(axe_report(page, "publish page, date refused"))
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT

    in_three_days = timezone.localdate() + timedelta(days=3)  # after signing (in two)
    page.locator("#id_plans_due").focus()
    page.keyboard.type(in_three_days.strftime("%m%d%Y"))
    with page.expect_navigation(wait_until="load"):
        page.locator("main button[type='submit']").focus()
        page.keyboard.press("Enter")
    assert page.url.endswith(detail)
    assert in_three_days.isoformat() in page.locator("main dl").inner_text()
    problems.append(axe_report(page, "published campaign page with its deadlines"))
    problems += browser_pages.errors(page)
    reported = [p for p in problems if p]
    assert not reported, "\n\n".join(reported)
