"""The notice editor in Chromium, by keyboard alone: write, see the live preview, create the
draft; and its pages (editor with preview, detail with the recognition report) pass axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing.browser import BrowserPages, axe_report, open_page

pytestmark = pytest.mark.browser

SEED = Path(__file__).parent / "notices" / "pingdingshan_2020.txt"


def test_write_a_notice_by_keyboard_with_a_live_preview(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    page = browser_pages.new(world.city_officer)
    open_page(page, reverse("campaigns:import"))
    page.locator("#id_text").focus()
    page.keyboard.insert_text(SEED.read_text(encoding="utf-8"))
    page.keyboard.type(" ")  # a keystroke, so the editor's input listener fires
    page.wait_for_selector("[data-preview-target] .gongwen__header", timeout=10_000)
    assert "平残工委〔2020〕2号" in page.inner_text("[data-preview-target]")
    problems = [axe_report(page, "editor with live preview")]
    # Tab from the text to the buttons: Preview first, then Create the draft.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "preview"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "import"
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    campaign = Campaign.objects.get()
    assert page.url.endswith(reverse("campaigns:detail", kwargs={"campaign_pk": campaign.pk}))
    problems.append(axe_report(page, "draft with the recognition report"))
    problems += browser_pages.errors(page)
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
