"""A people count left empty is unknown, not zero: the report keeps it empty, the statistics
count only the reports that gave it, the summary says how many did, exports leave it empty."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport
from zhucan.activities.services import accept_report
from zhucan.activities.tests.test_report_pages import form_data
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.orgs.models import Organisation
from zhucan.stats.exports import write_reports_xlsx
from zhucan.stats.models import Cell
from zhucan.stats.services import rebuild_cells
from zhucan.summaries.document.content import _overall_sentences
from zhucan.summaries.selectors import summary_figures
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report


def _accepted(world: World, campaign: Campaign, **fields: Any) -> ActivityReport:
    report = make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        submit=True,
        **fields,
    )
    return accept_report(by=world.city_officer, report=report, version=report.version)


def _cells(campaign: Campaign, org: Organisation) -> dict[str, tuple[int, int]]:
    return {
        metric: (int(value), count)
        for metric, value, count in Cell.objects.filter(
            campaign=campaign, organisation=org
        ).values_list("metric", "value", "count")
    }


def test_an_empty_count_is_saved_as_unknown_and_shown_so(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url)
    response = client.post(url, form_data(page, attendance="", disabled_served="0", volunteers=""))
    assert response.status_code == 302
    report = ActivityReport.objects.get()
    assert report.attendance is None and report.volunteers is None
    assert report.disabled_served == 0  # a zero typed in stays a zero
    body = client.get(response["Location"]).content.decode()
    assert body.count("Not given") == 2


def test_the_statistics_count_the_reports_that_gave_the_figure(
    world: World, campaign: Campaign
) -> None:
    _accepted(world, campaign, attendance=30, disabled_served=None)
    _accepted(world, campaign, attendance=None, disabled_served=None, title="宣传")
    _accepted(world, campaign, attendance=0, disabled_served=None, title="康复")
    cells = _cells(campaign, world.city)
    assert cells["reports"] == (3, 3)
    # 30 from the one report that gave it, and a known zero: two of three reports gave it.
    assert cells["attendance"] == (30, 2)
    # Nobody gave it: no figure at all, not a zero.
    assert "disabled_served" not in cells
    before = sorted(
        Cell.objects.values_list("campaign", "organisation", "metric", "value", "count")
    )
    rebuild_cells(by=None)
    after = sorted(Cell.objects.values_list("campaign", "organisation", "metric", "value", "count"))
    assert after == before


def test_the_summary_says_how_many_reports_gave_a_figure(world: World, campaign: Campaign) -> None:
    for n, attendance in enumerate((30, 20, None, 10)):
        _accepted(world, campaign, attendance=attendance, volunteers=5, title=f"活动{n}")
    figures = summary_figures(world.city_officer, [campaign], world.city)
    assert figures.overall.attendance == 60 and figures.overall.given["attendance"] == 3
    (text,) = _overall_sentences(figures)[:1]
    assert "参与活动60人次（据4份报告中填报该数的3份统计）" in text
    assert "组织志愿者20人次，" in text or "组织志愿者20人次。" in text  # every report gave it


@pytest.mark.parametrize("where", ["activities", "stats"])
def test_exports_leave_an_unknown_cell_empty(
    client: Client, world: World, campaign: Campaign, where: str
) -> None:
    _accepted(world, campaign, attendance=None, volunteers=0, start_date=date(2020, 5, 16))
    login_verified(client, world.city_officer)
    sheet: Worksheet
    if where == "activities":
        response = client.get(reverse("activities:export"))
        sheet = load_workbook(io.BytesIO(response.content))["活动情况"]
    else:  # the statistics' export of every report under a node
        buffer = io.BytesIO()
        write_reports_xlsx(buffer, campaign=campaign, node=world.city)
        sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    attendance = next(i for i, h in enumerate(header) if h in ("参与人数", "Attendance"))
    volunteers = next(i for i, h in enumerate(header) if h in ("志愿者人数", "Volunteers"))
    row = rows[1]
    assert row[attendance] is None  # empty, not 0
    assert row[volunteers] == 0  # a known zero stays 0
