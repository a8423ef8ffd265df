"""The home page tells a coordinator which units still owe something and a reporter which
reports are due, and names each notice so that two alike can be told apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.campaigns.services import set_deadlines, sign_receipt
from zhucan.completeness.todos import units_to_follow_up
from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_report


def _home(client: Client, person: User) -> str:
    login_verified(client, person)
    client.cookies["django_language"] = "en"
    return client.get(reverse("core:home")).content.decode()


def _with_deadlines(campaign: Campaign, by: User) -> Campaign:
    today = timezone.localdate()
    return set_deadlines(
        by=by,
        campaign=campaign,
        version=campaign.version,
        plans_due=today + timedelta(days=5),
        reports_due=today + timedelta(days=20),
        summary_due=None,
    )


def test_a_coordinator_sees_how_many_units_still_owe_what(client: Client, world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    sign_receipt(
        by=world.county_a_officer, receipt=Receipt.objects.get(organisation=world.county_a)
    )
    page = _home(client, world.city_officer)
    notice = campaign.notice
    assert f"Follow up the units of: {notice.title}（{notice.doc_number}）" in page
    assert "2 units have not signed；3 have sent no plan；3 have not reported" in page
    assert reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk}) in page
    # The county received the notice; the follow-up is the city's, not the county's.
    assert "Follow up the units" not in _home(client, world.county_a_officer)


def test_a_campaign_everyone_delivered_leaves_no_follow_up(world: World) -> None:
    campaign = make_campaign(
        issuing_org=world.city, by=world.city_officer, recipients=["各县（市、区）残工委"]
    )
    assert units_to_follow_up(world.city_officer)
    now = timezone.now()
    Receipt.objects.filter(campaign=campaign).update(
        signed_at=now, first_plan_at=now, first_report_at=now
    )
    assert units_to_follow_up(world.city_officer) == []


@pytest.mark.django_db
def test_the_follow_ups_cost_the_same_queries_for_one_campaign_or_many(world: World) -> None:
    make_campaign(issuing_org=world.city, by=world.city_officer)
    with CaptureQueriesContext(connection) as one:
        assert len(units_to_follow_up(world.city_officer)) == 1
    for _ in range(3):
        make_campaign(issuing_org=world.city, by=world.city_officer)
    with CaptureQueriesContext(connection) as four:
        assert len(units_to_follow_up(world.city_officer)) == 4
    assert len(four) == len(one) <= 4


def test_a_reporter_is_told_the_report_is_due(client: Client, world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    page = _home(client, world.member_unit_reporter)
    assert "Report the activities for" not in page  # no deadline and no plan yet
    campaign = _with_deadlines(campaign, world.city_officer)
    page = _home(client, world.member_unit_reporter)
    assert f"Report the activities for: {campaign.notice.label}" in page
    assert campaign.reports_due is not None
    assert campaign.reports_due.isoformat() in page
    new = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    assert f"{new}?organisation={world.city_unit.pk}" in page


def test_a_started_report_is_to_finish_and_a_submitted_one_is_done(
    client: Client, world: World
) -> None:
    campaign = _with_deadlines(
        make_campaign(issuing_org=world.city, by=world.city_officer), world.city_officer
    )
    report = make_report(
        campaign=campaign, organisation=world.city_unit, by=world.member_unit_reporter
    )
    page = _home(client, world.member_unit_reporter)
    assert "Finish and submit the activity report for" in page
    assert reverse("activities:detail", kwargs={"report_pk": report.pk}) in page
    Receipt.objects.filter(campaign=campaign, organisation=world.city_unit).update(
        first_report_at=timezone.now()
    )
    page = _home(client, world.member_unit_reporter)
    assert "activity report for" not in page and "Report the activities" not in page


def test_two_notices_with_the_same_title_are_told_apart_by_their_document_number(
    client: Client, world: World
) -> None:
    first = make_campaign(issuing_org=world.city, by=world.city_officer)
    second = make_campaign(issuing_org=world.city, by=world.city_officer)
    assert first.notice.title == second.notice.title
    page = _home(client, world.county_a_officer)
    for campaign in (first, second):
        assert f"Sign for the notice: {campaign.notice.label}" in page
        assert campaign.notice.doc_number in campaign.notice.label
    # In a select of campaigns too, when the notice comes with the campaign.
    labels = {str(c) for c in Campaign.objects.select_related("kind", "issuing_org", "notice")}
    assert len(labels) == 2 and all(first.notice.doc_number[:5] in label for label in labels)
