"""The registry clerk's new pages in Chromium, filled in: axe-core at desktop width and at
320 px, and the roster reached and shown by keyboard alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.registry.imports import jobs
from zhucan.registry.models.imports import RegistryImport
from zhucan.registry.services.townships import add_township
from zhucan.testing.browser import BrowserPages, axe_report, open_page
from zhucan.testing.factories import make_person
from zhucan.testing.registry_sheets import HEADERS, person_row, workbook_bytes

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640


def _fill(world: World) -> RegistryImport:
    add_township(by=world.county_a_officer, organisation=world.county_a, name="光明路街道")
    add_township(by=world.county_a_officer, organisation=world.county_a, name="焦店镇")
    make_person(world, name="李秀英", township="光明路街道", need_no_care=True)
    make_person(world, name="王强", township="老地名", need_income_fell=True)
    sheet = [[*person_row(1), "男", "光明路街道", "河南"], [*person_row(2), "男", "西市场", "河南"]]
    job = jobs.upload_import(
        by=world.county_a_officer,
        organisation=world.county_a,
        data=workbook_bytes(sheet, [*HEADERS, "性别", "乡镇", "籍贯"]),
        file_name="花名册.xlsx",
    )
    jobs.request_check(by=world.county_a_officer, job=job, mapping=job.mapping, background=False)
    jobs.run_check(job_id=job.pk)
    return job


def _problems(browser_pages: BrowserPages, page: Page, label: str, narrow: bool) -> list[str]:
    problems = [axe_report(page, label), *browser_pages.errors(page)]
    if narrow:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{label}: scrolls sideways ({width}px wide at {WIDTH}px)")
    return [p for p in problems if p]


def test_the_clerks_pages_pass_axe_filled_in(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    job = _fill(world)
    township = world.county_a.registry_townships.get(name="焦店镇")
    pages = [
        (world.county_a_officer, reverse("registry:imports"), "import list"),
        (world.county_a_officer, reverse("registry:import", args=[job.pk]), "dry run"),
        (world.county_a_officer, reverse("registry:townships"), "townships"),
        (world.county_a_officer, reverse("registry:township_edit", args=[township.pk]), "rename"),
        (world.county_a_officer, reverse("registry:roster") + "?need=any&show=1", "roster"),
        (world.city_auditor, reverse("registry:import_log"), "import log"),
        (
            world.city_auditor,
            reverse("registry:townships") + f"?org={township.organisation_id}",
            "townships, read-only",
        ),
    ]
    problems: list[str] = []
    for label, viewport in (("desktop", (1280, 800)), ("320px", (WIDTH, HEIGHT))):
        for person, url, name in pages:
            page = browser_pages.new(person, viewport=viewport)
            open_page(page, url)
            if name == "import list":
                page.locator("details summary").first.click()
            if name == "dry run":
                assert page.get_by_text("K（籍贯）").count() >= 1
            problems += _problems(
                browser_pages, page, f"{name}, {label}", narrow=viewport[0] == WIDTH
            )
            page.close()
    assert not problems, "\n\n".join(problems)


def test_the_roster_by_keyboard(browser_world: World, browser_pages: BrowserPages) -> None:
    world = browser_world
    _fill(world)
    page = browser_pages.new(world.county_a_officer, viewport=(1280, 800))
    open_page(page, reverse("registry:roster"))
    page.locator("#id_township").focus()
    page.keyboard.press("ArrowDown")  # the first listed township
    for _ in range(3):
        page.keyboard.press("Tab")  # category, need, the button
    assert page.evaluate("document.activeElement.textContent").strip() in (
        "Show the roster",
        "显示名册",
    )
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.locator("#roster-caption").is_visible()
    assert page.get_by_role("rowheader", name="李秀英").is_visible()
    assert page.get_by_role("rowheader", name="王强").count() == 0
