"""The Excel import page in Chromium: axe-core at desktop width and at 320 px, empty and with
a dry run that lists problems (the URL walk only ever sees it empty)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.activities.tests.test_excel import _row, _xlsx
from zhucan.conftest import World
from zhucan.testing.browser import BrowserPages, axe_report, open_page
from zhucan.testing.factories import make_campaign

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640


def _problems(
    browser_pages: BrowserPages, page: Page, label: str, *, narrow: bool = False
) -> list[str]:
    """Every axe rule at both widths, and no sideways scrolling at 320 px."""
    problems = [axe_report(page, label)]
    problems += browser_pages.errors(page)
    if narrow:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{label}: scrolls sideways ({width}px wide at {WIDTH}px)")
    return [p for p in problems if p]


def _dry_run(page: Page, path: Path) -> None:
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type='submit']").last.click()


def test_the_import_page_passes_axe_empty_and_with_problems(
    browser_world: World, browser_pages: BrowserPages, tmp_path: Path
) -> None:
    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    url = reverse("activities:import", kwargs={"campaign_pk": campaign.pk})
    upload = tmp_path / "活动情况.xlsx"
    upload.write_bytes(
        _xlsx(
            [
                _row(world.county_a.name, title="好的一行"),
                _row(world.county_b.name + "（不存在）"),
                _row(world.county_a.name, 类别="联欢", 参与人数=-3, 结束日期=date(2020, 5, 1)),
            ]
        )
    )
    problems = []
    for label, viewport in (("desktop", (1280, 800)), ("320px", (WIDTH, HEIGHT))):
        narrow = viewport[0] == WIDTH
        page = browser_pages.new(world.county_a_officer, viewport=viewport)
        open_page(page, url)
        problems += _problems(browser_pages, page, f"import, empty, {label}", narrow=narrow)
        _dry_run(page, upload)
        assert page.locator("#problems-caption").is_visible()
        assert page.locator("button[name='confirm-scope'][value='valid']").is_visible()
        problems += _problems(browser_pages, page, f"import, dry run, {label}", narrow=narrow)
    assert not problems, "\n\n".join(problems)


def test_the_progress_page_follows_the_worker(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    """A queued import: the page shows an indeterminate bar and a reload link; when the worker
    has run, the script notices, the page reloads and says what was imported."""
    from zhucan.activities.excel import check_file
    from zhucan.activities.services.imports import start_import
    from zhucan.activities.tests.conftest import run_worker
    from zhucan.activities.views.excel import job_url

    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    data = _xlsx([_row(world.county_a.name, title=f"活动{i}") for i in (1, 2)])
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
    job = start_import(
        by=world.county_a_officer,
        campaign=campaign,
        check=check,
        data=data,
        only_valid=False,
        file_name="活动情况.xlsx",
    )
    problems = []
    for label, viewport in (("desktop", (1280, 800)), ("320px", (WIDTH, HEIGHT))):
        page = browser_pages.new(world.county_a_officer, viewport=viewport)
        open_page(page, job_url(job))
        assert page.locator("progress#import-progress:not([value])").count() == 1
        assert page.locator("[data-import-reload]").is_visible()
        problems += _problems(
            browser_pages, page, f"import progress, queued, {label}", narrow=viewport[0] == WIDTH
        )
    run_worker()
    # The finished page, whichever language the reloaded page negotiates (the browser's own
    # language can win over the test's English): the bar full, the count of reports in the text.
    page.locator("progress#import-progress[value='100']").wait_for(timeout=15000)
    page.wait_for_load_state("load")
    assert " 2 " in page.locator("[data-job-status]").inner_text().replace("：", ": ")
    problems += _problems(browser_pages, page, "import progress, done, 320px", narrow=True)
    assert not problems, "\n\n".join(problems)


def test_an_interrupted_import_says_so_and_is_discarded_from_its_page(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    """A worker died under the import twice: the page shows the job failed, with a button that
    discards it; both states pass axe at 320 px."""
    from datetime import timedelta

    from django.utils import timezone

    from zhucan.activities.excel import check_file
    from zhucan.activities.models import ImportJob
    from zhucan.activities.services.imports import start_import
    from zhucan.activities.views.excel import job_url

    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    data = _xlsx([_row(world.county_a.name, title="活动1")])
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
    job = start_import(
        by=world.county_a_officer,
        campaign=campaign,
        check=check,
        data=data,
        only_valid=False,
        file_name="活动情况.xlsx",
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status="running",
        lease_owner="worker-1:1:dead",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempts=2,
    )
    page = browser_pages.new(world.county_a_officer, viewport=(WIDTH, HEIGHT))
    open_page(page, job_url(job))
    button = page.locator("form[action$='/discard/'] button[type='submit']")
    assert button.is_visible()
    problems = _problems(browser_pages, page, "import interrupted, 320px", narrow=True)
    button.focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    job.refresh_from_db()
    assert job.status == "discarded"
    assert page.locator("form[action$='/discard/']").count() == 0
    problems += _problems(browser_pages, page, "import discarded, 320px", narrow=True)
    assert not problems, "\n\n".join(problems)
