"""The totals page with figures some reports left unknown passes axe-core in Chromium."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhucan.activities.services import accept_report
from zhucan.conftest import World
from zhucan.testing.browser import BrowserPages, axe_report, open_page
from zhucan.testing.factories import make_campaign, make_report

pytestmark = pytest.mark.browser


def test_totals_with_unknown_figures_pass_axe(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    for org, by, served in (
        (world.county_a, world.county_a_officer, 12),
        (world.county_a, world.county_a_officer, None),
        (world.county_b, world.county_b_officer, None),
    ):
        done = make_report(
            campaign=campaign, organisation=org, by=by, submit=True, disabled_served=served
        )
        accept_report(by=world.city_officer, report=done, version=done.version)
    page = browser_pages.new(world.city_officer)
    open_page(page, reverse("activities:totals", kwargs={"campaign_pk": campaign.pk}))
    assert page.locator("small").first.is_visible()
    problems = [axe_report(page, "totals with unknown figures"), *browser_pages.errors(page)]
    reported = [p for p in problems if p]
    assert not reported, "\n\n".join(reported)
