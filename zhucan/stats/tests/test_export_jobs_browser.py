"""A report export followed in Chromium: the page polls its JSON under the strict CSP, the bar
and the live region move on when the worker has run, and the page then offers the file."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from zhucan.activities.tests.conftest import run_worker
from zhucan.conftest import World
from zhucan.stats.selectors import NO_FILTERS
from zhucan.stats.services.export_jobs import start_export
from zhucan.stats.tests.conftest import build_story
from zhucan.testing.browser import BrowserPages, axe_report, open_page

pytestmark = pytest.mark.browser


def test_the_page_follows_the_export_until_the_file_is_ready(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    story = build_story(world)
    with transaction.atomic():
        job = start_export(
            by=world.city_officer, campaign=story.campaign, node=world.city, filters=NO_FILTERS
        )
    page = browser_pages.new(world.city_officer)
    open_page(page, reverse("stats:export_job", kwargs={"export_pk": job.pk}))
    status = page.locator("[data-job-status]")
    assert "Waiting" in status.inner_text() or "等待" in status.inner_text()
    assert page.locator("#export-progress").get_attribute("value") is None  # indeterminate
    problems = [axe_report(page, "export waiting")]

    assert run_worker() >= 1  # the reminder sweeps that publishing queued run too
    download = page.locator(
        f"a[href='{reverse('stats:export_download', kwargs={'export_pk': job.pk})}']"
    )
    download.wait_for(timeout=15_000)  # the script saw "finished" and reloaded the page
    assert page.locator("#export-progress").get_attribute("value") == "100"
    problems.append(axe_report(page, "export done"))
    problems += browser_pages.errors(page)
    found = [p for p in problems if p]
    assert not found, "\n\n".join(found)
