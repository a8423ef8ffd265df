"""The preview of a notice whose campaign day comes from a yearly rule passes axe in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from zhucan.conftest import World
from zhucan.testing.browser import BrowserPages, axe_report, open_page

pytestmark = pytest.mark.browser

NOTICE = Path(__file__).parent / "notices" / "yexian_prevention_2021.txt"


def test_preview_with_a_rule_day_and_since_year_passes_axe(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    page = browser_pages.new(browser_world.city_officer)
    open_page(page, reverse("campaigns:import"))
    page.locator("#id_text").focus()
    page.keyboard.insert_text(NOTICE.read_text(encoding="utf-8"))
    page.keyboard.type(" ")  # a keystroke, so the editor's input listener fires
    page.wait_for_selector("[data-preview-target] .gongwen__header", timeout=10_000)
    assert "自2017年起每年举办" in page.inner_text("[data-preview-target]")
    problems = [axe_report(page, "preview with a campaign day from a yearly rule")]
    problems += browser_pages.errors(page)
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
