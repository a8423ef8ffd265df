"""An accepted report found wrong goes back for correction and leaves the figures."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from zhucan.activities.models import ActivityReport
from zhucan.activities.services import accept_report
from zhucan.conftest import World
from zhucan.stats.models import Cell
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_report


def test_reviewer_returns_an_accepted_report_from_its_page(client: Client, world: World) -> None:
    campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    report = make_report(
        campaign=campaign, organisation=world.county_a_unit, by=world.county_a_officer, submit=True
    )
    report = accept_report(by=world.city_officer, report=report, version=report.version)
    reports_cell = Cell.objects.get(
        campaign=campaign, organisation=world.county_a, metric="reports"
    )
    assert reports_cell.value == 1

    login_verified(client, world.city_officer)
    page = client.get(reverse("activities:detail", kwargs={"report_pk": report.pk}))
    assert b"Return for correction" in page.content
    response = client.post(
        reverse("activities:review", kwargs={"report_pk": report.pk}),
        {"decision": "return", "version": report.version, "reason": "受益人数填写有误"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ActivityReport.Status.RETURNED
    reports_cell.refresh_from_db()
    assert reports_cell.value == 0


def test_the_author_is_not_offered_to_return_their_own_report(client: Client, world: World) -> None:
    campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    report = make_report(
        campaign=campaign, organisation=world.county_a_unit, by=world.city_officer, submit=True
    )
    accept_report(by=world.county_a_officer, report=report, version=report.version)
    login_verified(client, world.city_officer)
    page = client.get(reverse("activities:detail", kwargs={"report_pk": report.pk}))
    assert b"Return for correction" not in page.content
