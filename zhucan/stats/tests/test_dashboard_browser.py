"""The dashboard in Chromium with figures in it: the charts draw under the strict CSP (no
console error), carry their aria description, and the page passes axe at desktop width and at
320 px with large text, without scrolling sideways."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from zhucan.conftest import World
from zhucan.stats.tests.conftest import build_story
from zhucan.stats.tests.factories import at, make_help_request
from zhucan.testing.browser import BrowserPages, axe_report, open_page, set_display

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640
NARROW_RULES = ["scrollable-region-focusable", "target-size", "meta-viewport"]


def test_charts_draw_and_the_page_passes_axe(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    story = build_story(world)
    # The help requests' tables are on the page axe checks too.
    for county in (world.county_a, world.county_b):
        make_help_request(
            organisation=county, received=at(date(2020, 5, 1)), answered=at(date(2020, 5, 3))
        )
    url = reverse("stats:dashboard", args=[story.campaign.pk])
    page = browser_pages.new(world.city_officer)
    open_page(page, url)
    page.wait_for_selector("[data-chart='lines'] canvas")
    assert page.locator("#help-organisations-caption").count() == 1
    charts = page.locator("[data-chart]")
    assert charts.count() == 5
    label = page.locator("[data-chart='lines']").get_attribute("aria-label") or ""
    assert world.county_a.name in label  # ECharts' aria description names the bars
    # The story leaves volunteers blank outside county A: unknown cells and a partial figure
    # ("1 of 2 reports gave it") are on the page axe checks.
    assert page.locator("td.num .visually-hidden").count() > 0
    assert page.locator("td.num .stats-partial").count() > 0
    problems = [axe_report(page, "dashboard with charts"), *browser_pages.errors(page)]

    phone = browser_pages.new(world.city_officer, viewport=(WIDTH, HEIGHT))
    open_page(phone, url)
    set_display(phone, text_size="large", contrast="normal")
    phone.wait_for_selector("[data-chart='lines'] canvas")
    problems.append(axe_report(phone, "dashboard at 320px", rules=NARROW_RULES))
    problems += browser_pages.errors(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        problems.append(f"scrolls sideways ({width}px wide at {WIDTH}px)")

    unit = reverse("stats:reports", args=[story.campaign.pk, world.county_a_unit.pk])
    open_page(page, unit)
    problems.append(axe_report(page, "a unit's accepted reports"))
    found = [p for p in problems if p]
    assert not found, "\n\n".join(found)


def test_print_is_one_a4_page(browser_world: World, browser_pages: BrowserPages) -> None:
    world = browser_world
    story = build_story(world)
    page = browser_pages.new(world.city_officer)
    open_page(page, reverse("stats:dashboard", args=[story.campaign.pk]))
    page.emulate_media(media="print")
    assert page.locator(".stats-charts").first.is_hidden()
    assert page.locator(".stats-filters").is_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the dashboard prints on {pages} A4 pages"
