"""The duty matrix shows, per cell, what was carried out: accepted reports only."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.activities.duty_matrix import duty_matrix
from zhucan.activities.services import accept_report
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report


def test_accepted_reports_fill_the_duty_cells(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    duty = campaign.duties.get()
    report = make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=county_reporter,
        submit=True,
        duties=[duty],
        title="走访慰问贫困残疾人",
    )
    before = {r.organisation: r for r in duty_matrix(world.city_officer, campaign).rows}
    # Submitted is not yet carried out: county A (not given this duty) has no row yet.
    assert world.county_a not in before
    accept_report(by=world.city_officer, report=report, version=report.version)
    rows = {r.organisation: r for r in duty_matrix(world.city_officer, campaign).rows}
    assert [r.title for r in rows[world.county_a].carried_out[0]] == ["走访慰问贫困残疾人"]
    login_verified(client, world.city_officer)
    page = client.get(
        reverse("campaigns:matrix", kwargs={"campaign_pk": campaign.pk}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "1 carried out" in page and "走访慰问贫困残疾人" in page
    # County B sees no report of county A in its matrix.
    others = duty_matrix(world.county_b_officer, campaign).rows
    assert all(not any(cell) for r in others for cell in r.carried_out)
