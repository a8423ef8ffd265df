"""The statistics pages at 320 CSS px (a phone, or 400 % zoom on a 1280 px screen): the page
does not scroll sideways, the charts re-lay out when their box narrows, and long organisation
names are wrapped, never cut."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.stats.tests.conftest import build_story
from zhucan.testing.browser import BrowserPages, axe_report, open_page, set_display
from zhucan.testing.factories import make_org

pytestmark = pytest.mark.browser

NARROW_RULES = ["scrollable-region-focusable", "target-size", "meta-viewport"]
LONG_NAMES = [
    ("平顶山市人力资源和社会保障局", "human_resources"),
    ("平顶山市住房和城乡建设局", "housing"),
    ("平顶山市扶贫开发办公室", "rural_revitalisation"),
]

# Every text ECharts drew in a chart, each label's lines joined again: a cut name ends in "…".
DRAWN_TEXTS = """(key) => {
  const chart = echarts.getInstanceByDom(document.querySelector(`[data-chart='${key}']`));
  const texts = [];
  chart.getZr().storage.getDisplayList().forEach((el) => {
    if (el.type === 'tspan' || el.type === 'text') texts.push(el.style.text || '');
  });
  const option = chart.getOption();
  const axis = [...option.xAxis, ...option.yAxis].find((a) => a.type === 'category');
  return {texts, overflow: axis.axisLabel.overflow, width: chart.getWidth(),
          box: chart.getDom().clientWidth, sideways: option.yAxis[0].type === 'category'};
}"""


# How many lines each heading's text takes: a range gives one rectangle per line box.
LINES_PER_HEADING = """(selector) => [...document.querySelectorAll(selector)].map((th) => {
  const range = document.createRange();
  range.selectNodeContents(th);
  return [th.textContent.trim(), new Set([...range.getClientRects()].map((r) => r.top)).size];
})"""


def _scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def _joined(drawn: dict[str, Any]) -> str:
    return "".join(drawn["texts"])


def test_long_names_wrap_and_the_page_fits_320px(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    for name, department in LONG_NAMES:
        make_org(name=name, parent=world.city, kind="member_unit", department=department)
    story = build_story(world)
    url = reverse("stats:dashboard", args=[story.campaign.pk])
    problems: list[str | None] = []  # axe_report gives None for a page without problems

    # Opened wide, then narrowed (as zooming to 400 % does): the charts follow their box.
    page = browser_pages.new(world.city_officer, viewport=(1280, 800))
    open_page(page, url)
    page.wait_for_selector("[data-chart='completeness'] canvas")
    wide = page.evaluate(DRAWN_TEXTS, "completeness")
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.querySelector(\"[data-chart='lines']\"))"
        ".getWidth() <= 320"
    )
    for key in ("lines", "completeness"):
        drawn = page.evaluate(DRAWN_TEXTS, key)
        assert drawn["width"] == drawn["box"] <= 320, (key, drawn["width"], drawn["box"])
        # Six organisations with long names: bars lie sideways, one name a line, none cut.
        assert drawn["sideways"] and drawn["overflow"] == "break"
        for name, _department in LONG_NAMES:
            assert name in _joined(drawn), (key, name, drawn["texts"])
        assert not any(t.endswith(("…", "...")) for t in drawn["texts"]), drawn["texts"]
    assert wide["width"] > 320 and wide["sideways"]
    if (width := _scroll_width(page)) > 320:
        problems.append(f"dashboard narrowed to 320 px is {width} px wide")

    phone = browser_pages.new(world.city_officer, viewport=(320, 640))
    open_page(phone, url)
    set_display(phone, text_size="large", contrast="normal")
    phone.wait_for_selector("[data-chart='completeness'] canvas")
    if (width := _scroll_width(phone)) > 320:
        problems.append(f"dashboard at 320 px is {width} px wide")
    problems.append(axe_report(phone, "dashboard with long names at 320px", rules=NARROW_RULES))
    # A table's names keep a readable width (the table scrolls in its region), not a character
    # a line: the tallest name cell stays within a few lines.
    tallest = phone.evaluate(
        "Math.max(...[...document.querySelectorAll('.stats-table th[scope=row]')]"
        ".map((th) => th.getBoundingClientRect().height))"
    )
    if tallest > 120:
        problems.append(f"a name in a table at 320 px is {tallest} px tall")
    for label, other in [
        ("accepted reports", reverse("stats:reports", args=[story.campaign.pk, world.county_a.pk])),
        ("completeness", reverse("completeness:campaign", args=[story.campaign.pk])),
    ]:
        open_page(phone, other)
        if (width := _scroll_width(phone)) > 320:
            problems.append(f"{label} at 320 px is {width} px wide")
        problems.append(axe_report(phone, f"{label} at 320px", rules=NARROW_RULES))
    # The completeness headings (未到期未报 …) stay on one line rather than a character a line.
    broken = [
        text
        for text, n in phone.evaluate(LINES_PER_HEADING, ".done-wrap thead th")
        if len(text) <= 6 and "（" not in text and n > 1
    ]
    if broken:
        problems.append(f"completeness headings broken over lines at 320 px: {broken}")
    problems += browser_pages.errors(page) + browser_pages.errors(phone)
    found = [p for p in problems if p]
    assert not found, "\n\n".join(found)
